from odoo import fields, models


class CollectiviteTeleservice(models.Model):
    """Help and FAQ of a téléservice, written by its managers and shown to
    citizens in the portal (``/demarches/aide/<id>``)."""

    # One file per concern of the téléservice, on purpose: nothing to merge.
    _inherit = "collectivite.teleservice"  # pylint: disable=consider-merging-classes-inherited

    help_html = fields.Html(
        string="Help and FAQ",
        translate=True,
        sanitize=True,
        help="Shown to citizens in the portal: who may ask, documents to prepare, delays, "
        "frequent questions.",
    )
