import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

NUMCLI_RE = re.compile(r"^\d{6}$")


class CollectiviteRegie(models.Model):
    """A régie: the public accountant's till a collectivité's fees are paid to
    (canteen, leisure centre, certificates), with its PayFiP client number."""

    _name = "collectivite.regie"
    _description = "Régie"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code of the régie, printed in its exports.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        "Collectivité",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    numcli = fields.Char(
        "PayFiP client number",
        help="Six digits given by the DGFiP to the régie; empty: the PayFiP provider's number.",
    )
    accounting_code = fields.Char(
        "Accounting code", help="Code of the régie at the public accountant's (poste comptable)."
    )
    accounting_imputation = fields.Char(
        "Budget imputation", help="Budget line the régie's receipts are booked to."
    )
    provider_id = fields.Many2one(
        "payment.provider",
        "PayFiP provider",
        domain="[('code', '=', 'payfip')]",
        check_company=True,
        help="Provider the régie's online payments go through; empty: the collectivité's one.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a régie must be unique in its collectivité.",
        ),
    ]

    @api.constrains("numcli")
    def _check_numcli(self):
        for regie in self:
            if regie.numcli and not NUMCLI_RE.match(regie.numcli):
                raise ValidationError(
                    self.env._(
                        "The PayFiP client number of %(regie)s must be six digits.",
                        regie=regie.name,
                    )
                )
