from odoo import models
from odoo.tools.sql import escape_psql


class CollectiviteHousehold(models.Model):
    """A household created by the citizen's sign-up (``res.users._household_signup``)."""

    _inherit = "collectivite.household"  # pylint: disable=consider-merging-classes-inherited

    def _log_signup_duplicates(self):
        """Tell the agents about members of the commune's other households with the same e-mail.

        A member's e-mail never blocks a sign-up (anyone may have typed it at the
        counter): the agents check that the new household is not a duplicate.
        """
        Partner = self.env["res.partner"]
        for household in self.filtered("email"):
            others = Partner.search(
                [
                    ("household_id", "!=", False),
                    ("household_id", "!=", household.id),
                    ("company_id", "=", household.company_id.id),
                    ("email", "=ilike", escape_psql(household.email.strip())),
                ]
            )
            if others:
                household._message_log(
                    body=household._history_env()._(
                        "The email address %(email)s is also the one of %(members)s "
                        "(households %(households)s): check that this is not the same household.",
                        email=household.email,
                        members=", ".join(others.mapped("name")),
                        households=", ".join(others.household_id.mapped("name")),
                    )
                )
