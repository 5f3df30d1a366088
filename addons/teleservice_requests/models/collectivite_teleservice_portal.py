from odoo import api, fields, models


class CollectiviteTeleservice(models.Model):
    """What the portal shows of a téléservice: its place in the public
    catalogue, its short description and whether registration is open."""

    # One file per concern of the téléservice, on purpose: nothing to merge.
    _inherit = "collectivite.teleservice"  # pylint: disable=consider-merging-classes-inherited

    portal_summary = fields.Char(
        string="Short description",
        translate=True,
        help="One or two sentences shown in the online catalogue.",
    )
    allows_several_drafts = fields.Boolean(
        string="Several drafts per person",
        help="By default a citizen resumes their draft for the same person instead of "
        "starting a second one.",
    )

    @api.model
    def _portal_catalogue(self, company):
        """The online téléservices of ``company``, in the catalogue's order
        (read by anyone, visitors included: only public fields are shown)."""
        # sudo: the public catalogue, online téléservices of one commune; what its
        # cards show is read with the search, their categories in one more query
        teleservices = self.sudo().search_fetch(
            [("company_id", "=", company.id), ("is_online", "=", True)],
            ["name", "sequence", "category_id", "portal_summary", "needs_household"],
        )
        teleservices.category_id.fetch(["sequence", "name"])
        return teleservices.sorted(
            lambda t: (t.category_id.sequence, t.category_id.name, t.sequence, t.id)
        )

    def _portal_registration(self, today=None):
        """Whether a citizen may file the téléservice today.

        :return: ``(status, season)``: ``"always"`` (no season), ``"open"`` (the
            open season), ``"upcoming"`` (the next season) or ``"closed"``
        """
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if not self.season_ids:
            return "always", self.season_ids
        season = self._open_season(today)
        if season:
            return "open", season
        upcoming = self.season_ids.filtered(lambda s: s.date_registration_start > today)
        if upcoming:
            return "upcoming", upcoming.sorted("date_registration_start")[:1]
        return "closed", self.season_ids.browse()

    def _portal_steps(self):
        """The sections of the form, in order: ``[(title, fields)]``; fields
        without a section make a step of their own."""
        self.ensure_one()
        steps = {}
        for field in self.field_ids.sorted(lambda f: (f.sequence, f.id)):
            steps.setdefault(field.section or "", self.env["collectivite.form.field"])
            steps[field.section or ""] |= field
        return list(steps.items())
