from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import UserError

try:
    import holidays
except ImportError:  # pragma: no cover - declared in external_dependencies
    holidays = None

UTC = ZoneInfo("UTC")
# Years of holidays kept ahead of the current one (and behind it).
HOLIDAY_YEARS_AHEAD = 2
HOLIDAY_YEARS_BEHIND = 1
# Calendars handled by one run of the yearly cron.
CRON_BATCH_SIZE = 50
# Moselle (57), Bas-Rhin (67) and Haut-Rhin (68) share the local-law days (Good
# Friday, 26 December); the ``holidays`` package knows them under "57".
ALSACE_MOSELLE_SUBDIVISION = "57"


class ResourceCalendar(models.Model):
    """French public holidays as global time off of a working schedule."""

    _inherit = "resource.calendar"

    has_french_holidays = fields.Boolean(
        string="French Public Holidays",
        help="Public holidays of France are generated as time off of this calendar and "
        "extended every year by a scheduled action.",
    )
    is_alsace_moselle = fields.Boolean(
        string="Alsace-Moselle",
        help="Add the local-law public holidays of Alsace-Moselle (Good Friday, 26 December).",
    )
    french_holidays_until = fields.Integer(
        string="Public Holidays Generated Until",
        readonly=True,
        copy=False,
        help="Last year for which the French public holidays were generated.",
    )

    # ------------------------------------------------------------------
    # French public holidays
    # ------------------------------------------------------------------
    def _french_holiday_dates(self, years):
        """``{date: name}`` of the French public holidays of ``years`` for this calendar."""
        self.ensure_one()
        if holidays is None:
            raise UserError(
                self.env._("The Python package “holidays” is needed to generate public holidays.")
            )
        subdiv = ALSACE_MOSELLE_SUBDIVISION if self.is_alsace_moselle else None
        return dict(holidays.France(years=list(years), subdiv=subdiv, language="fr").items())

    def _generate_french_holidays(self, first_year, last_year):
        """Create the missing public holidays of ``first_year``..``last_year``.

        Idempotent: a day already covered by a global leave of the calendar is
        skipped; generated holidays that no longer apply (Alsace-Moselle days
        after the option is removed) are deleted within the years regenerated.
        Leaves span the whole local day in the calendar's time zone.
        """
        years = range(first_year, last_year + 1)
        first_day = datetime(first_year, 1, 1) - timedelta(days=2)
        last_day = datetime(last_year + 1, 1, 1) + timedelta(days=2)
        calendars = self.filtered("has_french_holidays")
        existing = self.env["resource.calendar.leaves"].search_fetch(
            [
                ("calendar_id", "in", calendars.ids),
                ("resource_id", "=", False),
                ("date_from", "<", last_day),
                ("date_to", ">", first_day),
            ],
            ["calendar_id", "date_from", "date_to", "is_french_holiday"],
        )
        existing_by_calendar = {}
        for leave in existing:
            existing_by_calendar.setdefault(leave.calendar_id.id, []).append(leave)
        vals_list = []
        obsolete = self.env["resource.calendar.leaves"]
        for calendar in calendars:
            zone = ZoneInfo(calendar.tz or "UTC")
            wanted = calendar._french_holiday_dates(years)
            leaves = existing_by_calendar.get(calendar.id, [])
            covered = []
            for leave in leaves:
                start, stop = calendar._local_day_bounds_of(leave, zone)
                if leave.is_french_holiday and not any(start <= day < stop for day in wanted):
                    if first_year <= start.year <= last_year:
                        obsolete |= leave
                        continue
                covered.append((leave.date_from, leave.date_to))
            for day, name in sorted(wanted.items()):
                date_from, date_to = _local_day_in_utc(day, zone)
                if any(start < date_to and stop > date_from for start, stop in covered):
                    continue
                vals_list.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "time_type": "leave",
                        "is_french_holiday": True,
                    }
                )
        obsolete.unlink()
        self.env["resource.calendar.leaves"].create(vals_list)
        calendars.filtered(lambda c: (c.french_holidays_until or 0) < last_year).write(
            {"french_holidays_until": last_year}
        )
        return len(vals_list)

    @staticmethod
    def _local_day_bounds_of(leave, zone):
        """Local dates ``[first, last)`` a leave touches (a full-day leave: one date)."""
        start = leave.date_from.replace(tzinfo=UTC).astimezone(zone)
        stop = leave.date_to.replace(tzinfo=UTC).astimezone(zone)
        last = stop.date() if stop.time() == time(0) else stop.date() + timedelta(days=1)
        return start.date(), last

    def action_generate_french_holidays(self):
        """Button: public holidays from last year to two years ahead."""
        this_year = fields.Date.context_today(self).year
        calendars = self.filtered("has_french_holidays")
        if not calendars:
            raise UserError(
                self.env._(
                    "Tick “French Public Holidays” on the working schedule before generating them."
                )
            )
        calendars._generate_french_holidays(
            this_year - HOLIDAY_YEARS_BEHIND, this_year + HOLIDAY_YEARS_AHEAD
        )
        return True

    @api.model
    def _cron_extend_french_holidays(self):
        """Yearly: keep the public holidays of every calendar two years ahead."""
        this_year = fields.Date.context_today(self).year
        target = this_year + HOLIDAY_YEARS_AHEAD
        domain = [
            ("has_french_holidays", "=", True),
            "|",
            ("french_holidays_until", "=", False),
            ("french_holidays_until", "<", target),
        ]
        calendars = self.search(domain, limit=CRON_BATCH_SIZE)
        per_first_year = {}
        for calendar in calendars:
            first_year = max(
                this_year - HOLIDAY_YEARS_BEHIND, (calendar.french_holidays_until or 0) + 1
            )
            per_first_year[first_year] = per_first_year.get(first_year, self.browse()) | calendar
        for first_year, group in per_first_year.items():
            group._generate_french_holidays(first_year, target)
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(calendars), remaining=remaining)


def _local_day_in_utc(day, zone):
    """Naive UTC bounds of the local day ``day`` (midnight to next midnight)."""
    start = datetime.combine(day, time(0)).replace(tzinfo=zone)
    stop = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=zone)
    return (
        start.astimezone(UTC).replace(tzinfo=None),
        stop.astimezone(UTC).replace(tzinfo=None),
    )
