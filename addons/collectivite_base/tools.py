"""Small validation helpers shared by the suite's addons."""

from odoo.tools import single_email_re


def email_error(env, email):
    """The French-translatable message for an invalid e-mail address, or None."""
    email = (email or "").strip()
    if email and not single_email_re.match(email):
        return env._(
            "The email address “%(email)s” is not valid (for example name@example.org).",
            email=email,
        )
    return None
