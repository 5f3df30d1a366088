from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectiviteHousehold(models.Model):
    """The household's members and its responsible adult.

    Members are ``res.partner`` records (``household_id``); exactly one of them has
    the role “Responsible”, which makes them the household's responsible adult
    (``responsible_id``, writable: its inverse sets the roles).
    """

    _inherit = "collectivite.household"  # pylint: disable=consider-merging-classes-inherited

    member_ids = fields.One2many("res.partner", "household_id", "Members")
    member_count = fields.Integer("Number of members", compute="_compute_member_count")
    responsible_id = fields.Many2one(
        "res.partner",
        compute="_compute_responsible_id",
        inverse="_inverse_responsible_id",
        store=True,
        index=True,
        tracking=True,
        help="The adult who holds the account; they are the household's portal user.",
    )
    responsible_has_user = fields.Boolean(
        "Responsible has an account", compute="_compute_responsible_has_user"
    )
    responsible_name = fields.Char(
        "Responsible name", related="responsible_id.name", store=True, index="trigram"
    )
    # Search fields: the members' names on the household itself, so that finding
    # households by a member's name is one indexed scan of this table.
    member_lastnames = fields.Char(
        "Member last names", compute="_compute_member_names", store=True, index="trigram"
    )
    member_firstnames = fields.Char(
        "Member first names", compute="_compute_member_names", store=True, index="trigram"
    )

    @api.depends("member_ids")
    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("household_id", "in", self.ids)], ["household_id"], ["__count"]
            )
        )
        for household in self:
            household.member_count = counts.get(household._origin, 0)

    @api.depends("member_ids.lastname", "member_ids.firstname")
    def _compute_member_names(self):
        for household in self:
            members = household.member_ids
            household.member_lastnames = " ".join(
                sorted(set(filter(None, members.mapped("lastname"))))
            )
            household.member_firstnames = " ".join(
                sorted(set(filter(None, members.mapped("firstname"))))
            )

    @api.depends("member_ids.household_role")
    def _compute_responsible_id(self):
        for household in self:
            household.responsible_id = household.member_ids.filtered(
                lambda member: member.household_role == "responsible"
            )[:1]

    @api.depends("responsible_id.user_ids")
    def _compute_responsible_has_user(self):
        for household in self:
            household.responsible_has_user = bool(
                household.responsible_id.with_context(active_test=False).user_ids
            )

    def _inverse_responsible_id(self):
        for household in self:
            partner = household.responsible_id
            previous = household.member_ids.filtered(
                lambda member, partner=partner: (
                    member.household_role == "responsible" and member != partner
                )
            )
            previous.write({"household_role": "other"})
            if partner and (
                partner.household_id != household or partner.household_role != "responsible"
            ):
                partner.write({"household_id": household.id, "household_role": "responsible"})

    def _check_single_responsible(self):
        if not self:
            return
        counts = self.env["res.partner"]._read_group(
            [("household_id", "in", self.ids), ("household_role", "=", "responsible")],
            ["household_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        for household, _count in counts:
            raise ValidationError(
                self.env._(
                    "Household %(name)s has several responsible adults: keep only one.",
                    name=household.name,
                )
            )

    def _check_responsible(self):
        self._check_single_responsible()
        for household in self:
            if not household.responsible_id:
                raise ValidationError(
                    self.env._(
                        "Household %(name)s needs a responsible adult: give one member "
                        "the role “Responsible”.",
                        name=household.name,
                    )
                )
