from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectiviteSeason(models.Model):
    """A season of a téléservice (e.g. school year): registration period,
    validation opening and the season itself."""

    _name = "collectivite.season"
    _description = "Season of a téléservice"
    _order = "teleservice_id, date_start"

    teleservice_id = fields.Many2one(
        "collectivite.teleservice", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(required=True, translate=True)
    date_registration_start = fields.Date(string="Registration opens", required=True)
    date_registration_end = fields.Date(string="Registration closes", required=True)
    date_validation_start = fields.Date(
        string="Validation from", help="Agents may validate requests from this date."
    )
    date_start = fields.Date(string="Season starts", required=True)
    date_end = fields.Date(string="Season ends", required=True)

    @api.constrains("date_registration_start", "date_registration_end", "date_start", "date_end")
    def _check_dates(self):
        for season in self:
            if season.date_registration_start > season.date_registration_end:
                raise ValidationError(
                    self.env._(
                        "Season “%(season)s”: registration must open before it closes.",
                        season=season.name,
                    )
                )
            if season.date_start > season.date_end:
                raise ValidationError(
                    self.env._(
                        "Season “%(season)s”: it must start before it ends.", season=season.name
                    )
                )
        siblings = self.search([("teleservice_id", "in", self.teleservice_id.ids)])
        for season in self:
            for other in siblings:
                if other == season or other.teleservice_id != season.teleservice_id:
                    continue
                if season.date_start <= other.date_end and other.date_start <= season.date_end:
                    raise ValidationError(
                        self.env._(
                            "Seasons “%(season)s” and “%(other)s” of %(teleservice)s overlap.",
                            season=season.name,
                            other=other.name,
                            teleservice=season.teleservice_id.name,
                        )
                    )
                if (
                    season.date_registration_start <= other.date_registration_end
                    and other.date_registration_start <= season.date_registration_end
                ):
                    raise ValidationError(
                        self.env._(
                            "The registration periods of seasons “%(season)s” and "
                            "“%(other)s” of %(teleservice)s overlap.",
                            season=season.name,
                            other=other.name,
                            teleservice=season.teleservice_id.name,
                        )
                    )
