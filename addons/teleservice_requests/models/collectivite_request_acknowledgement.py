from odoo import fields, models


class CollectiviteRequest(models.Model):
    """The accusé de réception (Code des relations entre le public et
    l'administration, art. L112-3 and R112-5): at every submission, whatever
    the channel, the requester receives by mail, and finds in the history,
    the date received, the service in charge, where it applies the date on
    which silence becomes a decision and its nature, and the means of appeal.
    Sent once: the date it was sent is the marker."""

    # One file per concern of the request, on purpose: nothing to merge.
    _inherit = "collectivite.request"  # pylint: disable=consider-merging-classes-inherited

    date_acknowledged = fields.Datetime(
        string="Acknowledged on",
        readonly=True,
        copy=False,
        help="When the accusé de réception was sent to the requester.",
    )

    def _acknowledgement_service(self):
        """The service in charge, as the accusé de réception names it."""
        self.ensure_one()
        # sudo: the name of the service in charge is public (citizens read no category)
        request = self.sudo()
        return request.category_id.name or request.company_id.name

    def _send_acknowledgement(self):
        """Effect of the submission: the accusé de réception, once per request.
        The requester then follows the public messages of the request."""
        # sudo: the server's own mail and marker, on requests just submitted by this user
        requests = self.sudo().filtered(lambda r: not r.date_acknowledged and r.requester_id)
        if not requests:
            return
        subtypes = self.env.ref("mail.mt_comment") | self.env.ref(
            "teleservice_requests.mail_subtype_citizen_note"
        )
        for request in requests:
            request.message_subscribe(
                partner_ids=request.requester_id.ids, subtype_ids=subtypes.ids
            )
        requests._post_citizen_mail("teleservice_requests.mail_template_request_acknowledgement")
        requests.write({"date_acknowledged": fields.Datetime.now()})
