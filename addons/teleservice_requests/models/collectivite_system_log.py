from odoo import models
from odoo.tools import SQL

from odoo.addons.collectivite_base.markers import is_marked

# Server marker: the history written inside the block is authored by the system.
SYSTEM_AUTHOR_MARK = "collectivite_system_author"


class CollectiviteSystemLog(models.AbstractModel):
    """History entries written by crons, authored by the "Système" partner
    instead of the cron's user (OdooBot)."""

    _name = "collectivite.system.log"
    _description = "History entries authored by the system"

    def _system_partner(self):
        return self.env.ref("teleservice_requests.partner_system")

    def _system_lang(self):
        """Language of the history written by the system: the collectivité's."""
        return self.env.company.partner_id.lang or self.env.lang

    def _as_system(self):
        """These records, with the tracking of the coming changes credited to
        the system. Notes logged by code (``_history_author_id``) are credited
        to the system only inside ``server_marks(SYSTEM_AUTHOR_MARK)``: a
        client's context cannot choose the author."""
        self._track_set_author(self._system_partner())
        return self

    def _history_author_id(self):
        """Author of a note logged by code: the system inside
        ``server_marks(SYSTEM_AUTHOR_MARK)``, otherwise the current user (``None``)."""
        if is_marked(SYSTEM_AUTHOR_MARK):
            return self._system_partner().id
        return None

    def _system_log(self, body):
        """Log the same internal note on each record, authored by the system
        (no notification, one batch)."""
        if not self:
            return self.env["mail.message"]
        return self._message_log_batch(
            dict.fromkeys(self.ids, body),
            author_id=self._system_partner().id,
            email_from=False,
        )

    def _system_log_sql(self, ids_query, body):
        """Set-based variant for crons updating rows in SQL: ``ids_query`` is an
        ``SQL`` statement returning the ids (e.g. an ``UPDATE … RETURNING id``);
        one internal note authored by the system is inserted per id.

        Returns the number of notes written."""
        self.env["mail.message"].flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                """WITH done AS (%(ids_query)s)
                   INSERT INTO mail_message (model, res_id, body, message_type, subtype_id,
                                             author_id, is_internal, date, create_uid,
                                             create_date, write_uid, write_date)
                   SELECT %(model)s, done.id, %(body)s, 'notification', %(subtype)s,
                          %(author)s, TRUE, now() AT TIME ZONE 'UTC', %(uid)s,
                          now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM done""",
                ids_query=ids_query,
                model=self._name,
                body=body,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=self._system_partner().id,
                uid=self.env.uid,
            )
        )
        count = cr.rowcount
        self.env["mail.message"].invalidate_model()
        self.invalidate_model(["message_ids"])
        return count
