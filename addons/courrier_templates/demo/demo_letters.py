from odoo import api, models


class CollectiviteLetterDemo(models.AbstractModel):
    _name = "collectivite.letter.demo"
    _description = "Demo letters generator"

    @api.model
    def _create_letters(self):
        """Letters of every means on the demo requests, sent by the demo agent
        through the same path as the wizard (called by demo data)."""
        ref = self.env.ref
        agent = ref("collectivite_base.user_agent")
        Letter = self.env["collectivite.letter"].with_user(agent)
        Request = self.env["collectivite.request"].with_user(agent)
        requests = Request.search(
            [("state", "!=", "draft"), ("requester_id", "!=", False)], order="id"
        ).filtered(lambda r: r.category_id in agent.teleservice_write_category_ids)
        by_state = {}
        for request in requests:
            by_state.setdefault(request.state, request)
        plan = [
            ("pending", "mail", "courrier_templates.letter_template_acknowledgement", ""),
            (
                "incomplete",
                "email",
                "courrier_templates.letter_template_missing_documents",
                "Merci de joindre un justificatif de domicile de moins de trois mois.",
            ),
            (
                "refused",
                "mail",
                "courrier_templates.letter_template_refusal",
                "Les pièces fournies ne permettent pas d’établir votre domicile dans la commune.",
            ),
            ("validated", "counter", "courrier_templates.letter_template_attestation", ""),
            ("in_progress", "sms", None, "Votre demande est en cours d’instruction."),
            (
                "complete",
                "phone",
                None,
                "Appel de l’usager : il souhaite savoir quand sa demande sera validée.",
            ),
        ]
        for state, means, template_xmlid, text in plan:
            request = by_state.get(state)
            if not request:
                continue
            blockers = Letter._means_blockers(request, means)
            if blockers:
                continue
            Letter._send(
                request,
                means,
                template=ref(template_xmlid).with_user(agent) if template_xmlid else None,
                text=text or None,
                internal_note="Envoyé en lettre recommandée avec accusé de réception."
                if means == "mail"
                else None,
            )
