from odoo import api, fields, models

PAGE_KINDS = [("legal", "Legal mentions"), ("terms", "Terms of use")]


class CollectiviteLegalPage(models.Model):
    """The legal mentions and terms of use of a collectivité's portal, written
    by its managers, public at ``/mentions-legales`` and
    ``/conditions-utilisation``."""

    _name = "collectivite.legal.page"
    _description = "Legal page of the portal"
    _order = "company_id, kind"
    _check_company_auto = True

    kind = fields.Selection(PAGE_KINDS, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    body = fields.Html(string="Content", translate=True, sanitize=True)
    write_date = fields.Datetime(string="Last updated", readonly=True)

    _sql_constraints = [
        (
            "kind_company_uniq",
            "unique(kind, company_id)",
            "A collectivité has one page of each kind.",
        )
    ]

    @api.depends("kind", "company_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for page in self:
            page.display_name = f"{labels.get(page.kind, '')} – {page.company_id.name or ''}"

    @api.model
    def _public_page(self, kind, company):
        """The published page of ``kind`` for ``company`` (public content)."""
        # sudo: the legal texts of the portal are public by law; nothing else is read
        return self.sudo().search([("kind", "=", kind), ("company_id", "=", company.id)], limit=1)
