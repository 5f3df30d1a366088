import functools
from collections import defaultdict

from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Models whose files follow the record's rights in every access check.
OWNER_MODELS = ("collectivite.justificatif", "collectivite.request")


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _collectivite_bind(self, record):
        """Make ``record`` the owner of these files: their access (``/web/content``
        included) then follows ``record``'s rights, and deleting ``record`` or
        anonymising it deletes them.

        A file already owned by ``record`` is kept; a file still unbound, uploaded
        by the current user (``res_id`` empty, ``res_model`` empty or
        ``record``'s), is bound; the file of any other record is refused, so that
        no one claims, exposes or deletes an attachment that is not theirs."""
        record.ensure_one()
        to_bind = self.browse()
        for attachment in self.sudo():  # sudo: owner columns of files being linked, checked here
            if attachment.res_model == record._name and attachment.res_id == record.id:
                continue
            unbound = (
                not attachment.res_id
                and not attachment.res_field
                and attachment.res_model in (False, record._name)
            )
            if unbound and (self.env.su or attachment.create_uid == self.env.user):
                to_bind |= attachment
                continue
            raise ValidationError(
                self.env._(
                    "The file “%(file)s” belongs to another record: upload it again here.",
                    file=attachment.name,
                )
            )
        if to_bind:
            owner = {"res_model": record._name, "res_id": record.id}
            to_bind.sudo().write(owner)  # sudo: the uploader's own unbound files, checked above
        return True

    def _check_access(self, operation):
        """The files of justificatifs and requests follow their record's rights in
        every check (``check_access``, ``has_access``), not only in searches and
        reads: reading needs read access to the record, changing it write access."""
        result = super()._check_access(operation)
        if result or self.env.su or not self._ids:
            return result
        self.flush_model(["res_model", "res_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id, res_model, res_id FROM ir_attachment"
                " WHERE id IN %s AND res_model IN %s AND res_id IS NOT NULL AND res_id != 0",
                tuple(self._ids),
                OWNER_MODELS,
            )
        )
        by_record = defaultdict(list)
        for attachment_id, res_model, res_id in rows:
            by_record[res_model, res_id].append(attachment_id)
        mode = "read" if operation == "read" else "write"
        forbidden = []
        for model in OWNER_MODELS:
            res_ids = [res_id for (name, res_id) in by_record if name == model]
            if not res_ids:
                continue
            records = self.env[model].browse(res_ids).exists()
            allowed = set(records._filtered_access(mode)._ids)
            forbidden += [
                attachment_id
                for res_id in res_ids
                if res_id not in allowed
                for attachment_id in by_record[model, res_id]
            ]
        if forbidden:
            records = self.browse(forbidden)
            return records, functools.partial(
                self.env["ir.rule"]._make_access_error, operation, records
            )
        return None
