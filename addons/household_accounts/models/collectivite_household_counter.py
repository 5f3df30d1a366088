from odoo import Command, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

from .collectivite_household import AGENT_GROUP


class CollectiviteHousehold(models.Model):
    """A household created at the counter: the invitation of its responsible to the portal."""

    _inherit = "collectivite.household"  # pylint: disable=consider-merging-classes-inherited

    def action_invite_responsible(self):
        """Give the responsible of a household created at the counter a portal account.

        Odoo's portal invitation: a portal user for the responsible and an e-mail
        with the link to choose a password, sent to the e-mail address the
        household gave.
        """
        self.ensure_one()
        if not self.env.user.has_group(AGENT_GROUP):
            raise AccessError(self.env._("Only agents can invite a citizen to the portal."))
        self.check_access("write")
        partner = self.responsible_id
        # The record rules: an agent only changes the members of their collectivités.
        partner.check_access("write")
        errors = self._invitation_errors()
        if errors:
            raise UserError("\n".join(errors))
        # Agents have no right on users: the invitation is limited to this household's
        # responsible, at the household's own e-mail (checked above).
        Wizard = self.env["portal.wizard"].sudo()  # sudo: responsible checked by _invitation_errors
        wizard = Wizard.with_company(self.company_id).create(
            {"partner_ids": [Command.link(partner.id)]}
        )
        wizard.user_ids.action_grant_access()
        self.message_post(
            body=self._history_env()._(
                "Portal invitation sent to %(person)s at %(email)s.",
                person=partner.name,
                email=partner.email,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _invitation_errors(self):
        """Why this household's responsible cannot be invited to the portal (French sentences).

        The invitation only goes to a member of the household who is no one else's
        contact, at the e-mail address the household gave.
        """
        self.ensure_one()
        partner = self.responsible_id
        if not partner:
            return [self.env._("Household %(name)s has no responsible adult.", name=self.name)]
        if partner.with_context(active_test=False).user_ids:
            return [self.env._("%(person)s already has an account.", person=partner.name)]
        if not self.email:
            return [
                self.env._(
                    "Give household %(name)s an email address first: the invitation is sent to it.",
                    name=self.name,
                )
            ]
        errors = []
        if email_normalize(partner.email or "") != email_normalize(self.email):
            errors.append(
                self.env._(
                    "The invitation is sent to the household's email address %(email)s: give "
                    "%(person)s this address first.",
                    email=self.email,
                    person=partner.name,
                )
            )
        if partner.is_company or partner.parent_id:
            errors.append(
                self.env._(
                    "%(person)s is an organisation or one of its contacts: only a person of "
                    "the household can be invited.",
                    person=partner.display_name,
                )
            )
        if partner.company_id != self.company_id:
            errors.append(
                self.env._(
                    "%(person)s does not belong to the collectivité of the household.",
                    person=partner.name,
                )
            )
        return errors
