import json

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import file_open

CATALOGUE_FILE = "teleservice_requests/data/standard_catalogue.json"
MANAGER_GROUP = "collectivite_base.collectivite_group_manager"


class CollectiviteTeleservice(models.Model):
    """The standard catalogue (``data/standard_catalogue.json``): the seed
    procedures every commune offers (état civil, école, cantine, périscolaire,
    listes électorales, bibliothèque, urbanisme, intervention technique), with
    their categories, justificatif types, choice lists and forms, loaded by a
    manager into their own collectivité in one click.

    Idempotent: what the collectivité already has (a category of the same name,
    a justificatif type, a choice list or a téléservice of the same code) is
    kept as it is, adapted or not; only what is missing is created."""

    # One file per concern of the téléservice, on purpose: nothing to merge.
    _inherit = "collectivite.teleservice"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _standard_catalogue(self):
        with file_open(CATALOGUE_FILE, "rb") as catalogue:
            return json.load(catalogue)

    @api.model
    def action_load_standard_catalogue(self):
        """Load the standard catalogue into the current collectivité (managers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a manager can load the standard catalogue of téléservices.")
            )
        created = self._load_standard_catalogue(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Standard catalogue loaded into %(company)s: %(count)s téléservices added.",
                    company=self.env.company.name,
                    count=len(created),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _load_standard_catalogue(self, company, xmlid_module=None):
        """Create in ``company`` what it lacks of the standard catalogue, with
        the rights of the current user. ``xmlid_module`` (demo data) names the
        records created ``<module>.<xmlid of the catalogue>``.

        :return: the téléservices created"""
        company = self.env["res.company"].browse(int(company))
        catalogue = self._standard_catalogue()
        ref = {}  # catalogue xmlid -> record
        new = []  # (catalogue xmlid, record) to name

        def ensure(model, entries, key, values_of):
            Model = self.env[model]
            existing = Model.with_context(active_test=False).search(
                [("company_id", "=", company.id), (key, "in", [e[key] for e in entries])]
            )
            by_key = {record[key]: record for record in existing}
            created = Model
            for entry in entries:
                record = by_key.get(entry[key])
                if not record:
                    record = Model.create(values_of(entry))
                    created |= record
                    new.append((entry["xmlid"], record))
                ref[entry["xmlid"]] = record
            return created

        def plain(entry, *skip):
            return {k: v for k, v in entry.items() if k not in ("xmlid", *skip)}

        lists = ensure(
            "collectivite.parameter.list",
            catalogue["parameter_lists"],
            "code",
            lambda e: dict(plain(e, "values"), company_id=company.id),
        )
        for entry in catalogue["parameter_lists"]:
            if ref[entry["xmlid"]] in lists:
                for value in entry["values"]:
                    parent = ref.get(value.get("parent_id"))
                    record = self.env["collectivite.parameter.value"].create(
                        dict(
                            plain(value, "parent_id"),
                            list_id=ref[entry["xmlid"]].id,
                            parent_id=parent.id if parent else False,
                        )
                    )
                    ref[value["xmlid"]] = record
                    new.append((value["xmlid"], record))
        ensure(
            "collectivite.category",
            catalogue["categories"],
            "name",
            lambda e: dict(plain(e), company_id=company.id),
        )
        ensure(
            "collectivite.justificatif.type",
            catalogue["justificatif_types"],
            "code",
            lambda e: dict(plain(e), company_id=company.id),
        )
        teleservices = ensure(
            "collectivite.teleservice",
            catalogue["teleservices"],
            "code",
            lambda e: dict(
                plain(e, "fields"),
                category_id=ref[e["category_id"]].id,
                justificatif_type_ids=[(6, 0, [ref[j].id for j in e["justificatif_type_ids"]])],
            ),
        )
        for entry in catalogue["teleservices"]:
            if ref[entry["xmlid"]] in teleservices:
                for field in entry["fields"]:
                    parameter_list = ref.get(field.get("parameter_list_id"))
                    record = self.env["collectivite.form.field"].create(
                        dict(
                            plain(field, "parameter_list_id"),
                            teleservice_id=ref[entry["xmlid"]].id,
                            parameter_list_id=parameter_list.id if parameter_list else False,
                        )
                    )
                    new.append((field["xmlid"], record))
        if xmlid_module and new:
            self.env["ir.model.data"].sudo().create(  # sudo: demo data name their records
                [
                    {
                        "module": xmlid_module,
                        "name": xmlid,
                        "model": record._name,
                        "res_id": record.id,
                        "noupdate": True,
                    }
                    for xmlid, record in new
                ]
            )
        return teleservices
