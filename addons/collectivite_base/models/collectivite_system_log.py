from odoo import models
from odoo.tools import SQL

from ..markers import is_marked

# Server marker: the history written inside the block is authored by the system.
SYSTEM_AUTHOR_MARK = "collectivite_system_author"


class CollectiviteSystemLog(models.AbstractModel):
    """History written by the server (crons, expiry, retention), authored by
    the "Système" partner instead of the cron's user (OdooBot), in the
    collectivité's language.

    Mixed into a model that inherits ``mail.thread``::

        _inherit = ["mail.thread", "collectivite.system.log"]

    - ``_system_log(body)``: one internal note per record, one batch;
    - ``_system_log_sql(ids_query, body)``: one note per id an SQL statement
      returns (set-based crons), one ``INSERT``;
    - ``_as_system()`` / ``_history_author_id()`` inside
      ``server_marks(SYSTEM_AUTHOR_MARK)``: tracking and notes of ordinary
      moves credited to the system;
    - ``_system_lang(company)``: the language the system writes in.
    """

    _name = "collectivite.system.log"
    _description = "History entries authored by the system"

    def _system_partner(self):
        return self.env.ref("collectivite_base.partner_system")

    def _system_lang(self, company=None):
        """Language of the history written by the system: the collectivité's
        (``company``, by default the current one), else the user's."""
        company = company or self.env.company
        return company.partner_id.lang or self.env.lang

    def _as_system(self):
        """These records, with the tracking of the coming changes credited to
        the system. Notes logged by code (``_history_author_id``) are credited
        to the system only inside ``server_marks(SYSTEM_AUTHOR_MARK)``: a
        client's context cannot choose the author."""
        self._track_set_author(self._system_partner())
        return self

    def _history_author_id(self):
        """Author of a note logged by code: the system inside
        ``server_marks(SYSTEM_AUTHOR_MARK)``, otherwise the current user (``None``)."""
        if is_marked(SYSTEM_AUTHOR_MARK):
            return self._system_partner().id
        return None

    def _system_log(self, body):
        """Log the same internal note on each record, authored by the system
        (no notification, one batch)."""
        if not self:
            return self.env["mail.message"]
        return self._message_log_batch(
            dict.fromkeys(self.ids, body),
            author_id=self._system_partner().id,
            email_from=False,
        )

    def _system_log_sql(
        self,
        ids_query,
        body,
        author=None,
        date=None,
        email_from=None,
        message_id_prefix=None,
        company_field=None,
    ):
        """Set-based variant for crons updating rows in SQL: ``ids_query`` is an
        ``SQL`` statement returning the ids (e.g. an ``UPDATE … RETURNING id``,
        or ``SELECT unnest(%s::int[])``); one internal note is inserted per id,
        notifying nobody, in one ``INSERT``.

        ``body`` is safe HTML (escape or sanitise it first); ``None``: each
        row of ``ids_query`` carries its own, in a ``body`` column (one note
        per record, each with its text, still one ``INSERT``). Optional columns:
        ``author`` (a partner, by default the system), ``date`` (by default
        now), ``email_from``, ``message_id_prefix`` (the message id is then
        ``<prefix><id>@collectivite>``) and ``company_field``, the column of
        the model's table giving each message's ``record_company_id``.

        Returns the number of notes written."""
        self.env["mail.message"].flush_model()
        company_join = SQL()
        company = SQL("NULL")
        if company_field:
            self.flush_model([company_field])
            company_join = SQL("JOIN %s record ON record.id = done.id", SQL.identifier(self._table))
            company = SQL("record.%s", SQL.identifier(company_field))
        message_id = SQL("NULL")
        if message_id_prefix:
            message_id = SQL("%s || done.id || '@collectivite>'", message_id_prefix)
        when = SQL("%s", date) if date else SQL("now() AT TIME ZONE 'UTC'")
        cr = self.env.cr
        cr.execute(
            SQL(
                """WITH done AS (%(ids_query)s)
                   INSERT INTO mail_message (model, res_id, record_company_id, body,
                                             message_type, subtype_id, author_id, email_from,
                                             message_id, is_internal, date, create_uid,
                                             create_date, write_uid, write_date)
                   SELECT %(model)s, done.id, %(company)s, %(body)s, 'notification',
                          %(subtype)s, %(author)s, %(email_from)s, %(message_id)s, TRUE,
                          %(when)s, %(uid)s, %(when)s, %(uid)s, %(when)s
                     FROM done %(company_join)s""",
                ids_query=ids_query,
                model=self._name,
                company=company,
                body=SQL("done.body") if body is None else body,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=(author or self._system_partner()).id,
                email_from=email_from,
                message_id=message_id,
                when=when,
                uid=self.env.uid,
                company_join=company_join,
            )
        )
        count = cr.rowcount
        self.env["mail.message"].invalidate_model()
        self.invalidate_model(["message_ids"])
        return count
