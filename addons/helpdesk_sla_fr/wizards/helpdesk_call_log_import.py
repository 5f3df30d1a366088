import base64
import csv
import io
from datetime import datetime

import pytz

from odoo import fields, models
from odoo.exceptions import UserError

TRUE_VALUES = {"1", "oui", "yes", "true", "vrai", "o", "y"}
FALSE_VALUES = {"0", "non", "no", "false", "faux", "n", ""}
# Above this many lines, the calls are created in the background.
CALL_LOG_SYNC_LIMIT = 1000
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")


class HelpdeskCallLogImport(models.TransientModel):
    """Import the phone system's call log: ``call start, answered, seconds
    before pick-up, agent``. All lines or none: the first bad line is
    reported with its number."""

    _name = "helpdesk.call.log.import"
    _description = "Import the phone desk call log"

    contract_id = fields.Many2one("helpdesk.sla.contract", required=True)
    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    imported_count = fields.Integer(readonly=True)

    @staticmethod
    def _parse_iso(text):
        """The phone systems' usual format (``2026-11-16 09:00[:00]``), parsed
        in C; ``None`` for anything else (the other formats are tried next)."""
        if len(text) < 16 or not text[:4].isdigit() or text[4:5] != "-":
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
        return value if value.tzinfo is None else None

    def _parse_date(self, text, tz, line):
        text = text.strip()
        local = self._parse_iso(text)
        if local:
            return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        for fmt in DATE_FORMATS:
            try:
                local = datetime.strptime(text.strip(), fmt)
            except ValueError:
                continue
            return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        raise UserError(
            self.env._(
                "Line %(line)s: “%(value)s” is not a call start date.", line=line, value=text
            )
        )

    def _parse_rows(self, content):
        tz = pytz.timezone(self.contract_id.calendar_id.tz or "Europe/Paris")
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(self.env._("The file is not UTF-8 encoded text.")) from error
        delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = []
        for number, row in enumerate(reader, start=1):
            if not row or not any(cell.strip() for cell in row):
                continue
            if number == 1 and not row[0].strip()[:1].isdigit():
                continue  # header
            if len(row) < 3:
                raise UserError(
                    self.env._(
                        "Line %(line)s: expected “call start; answered; seconds before "
                        "pick-up; agent”.",
                        line=number,
                    )
                )
            answered = row[1].strip().lower()
            if answered not in TRUE_VALUES | FALSE_VALUES:
                raise UserError(
                    self.env._(
                        "Line %(line)s: “%(value)s” is not a yes/no answered flag.",
                        line=number,
                        value=row[1],
                    )
                )
            try:
                wait = int(row[2].strip() or 0)
            except ValueError as error:
                raise UserError(
                    self.env._(
                        "Line %(line)s: “%(value)s” is not a number of seconds.",
                        line=number,
                        value=row[2],
                    )
                ) from error
            if wait < 0:
                raise UserError(
                    self.env._("Line %(line)s: the waiting time cannot be negative.", line=number)
                )
            rows.append(
                {
                    "contract_id": self.contract_id.id,
                    "date_call": self._parse_date(row[0], tz, number),
                    "is_answered": answered in TRUE_VALUES,
                    "wait_seconds": wait,
                    "agent": row[3].strip() if len(row) > 3 else False,
                }
            )
        return rows

    def action_import(self):
        """All lines are checked first; a large log is then created in the
        background (a ``collectivite.job``, its progress shown at once),
        a small one here."""
        self.ensure_one()
        rows = self._parse_rows(base64.b64decode(self.file or b""))
        if not rows:
            raise UserError(self.env._("The file holds no call."))
        if len(rows) > CALL_LOG_SYNC_LIMIT:
            self.env["helpdesk.call.log"].check_access("create")
            job = self.env["collectivite.job"]._call_log_enqueue(
                self.env._(
                    "Import of %(count)s calls (%(contract)s)",
                    count=len(rows),
                    contract=self.contract_id.display_name,
                ),
                self.contract_id,
                [
                    [
                        fields.Datetime.to_string(row["date_call"]),
                        row["is_answered"],
                        row["wait_seconds"],
                        row["agent"],
                    ]
                    for row in rows
                ],
            )
            return job._action_open()
        self.env["helpdesk.call.log"].create(rows)
        self.imported_count = len(rows)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("%(count)s calls imported.", count=len(rows)),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
