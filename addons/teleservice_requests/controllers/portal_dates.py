import datetime

import babel.dates

from odoo import fields
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml


def date_formatter(env):
    """A function writing a date, or a datetime in the user's time zone, as the
    ``date`` widget of a ``t-field`` does (``odoo.tools.format_date``), with the
    language and its pattern looked up once for a whole list rather than for
    each value."""
    lang = get_lang(env)
    locale = babel_locale_parse(lang.code)
    pattern = posix_to_ldml(lang.date_format, locale=locale)
    Lang = env["res.lang"]

    def format_date(value):
        if not value:
            return ""
        if isinstance(value, datetime.datetime) and not value.tzinfo:
            value = fields.Datetime.context_timestamp(Lang, value)
        return babel.dates.format_date(value, format=pattern, locale=locale)

    return format_date
