"""Bad input on the portal's forms, for HttpCase tests (issue #11).

A form is read from the rendered page (``read_form``), generated values replace some of
its fields (``wrong_inputs``, a hypothesis strategy: wrong types, unknown choices,
out-of-range dates, NUL and control characters, very long texts, a file instead of a
text), and ``BadInputMixin.assertAnswered`` checks the answer: never a 500; a refusal
renders a message in French, keeps the other fields as typed, and stores nothing.
See collectivite_base/readme/USAGE.md.
"""

import datetime
import re
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from lxml import html

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every machine
    database=None,  # no example database left in the working directory
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values a form should refuse or take, whatever field they are posted in.
PRINTABLE = st.text(alphabet=string.ascii_letters + string.digits + " -'éèàçÉ", max_size=30)
WRONG_VALUES = st.one_of(
    PRINTABLE,
    st.just("²"),
    st.just("٣"),
    st.sampled_from(["0", "-1", "99999999999999999999", "1.5", "abc", "responsible", "x@"]),
    st.builds(lambda a, b: f"{a}\x00{b}", PRINTABLE, PRINTABLE),
    st.builds(lambda a: f"{a}\x0b", PRINTABLE),
    st.text(min_size=201, max_size=400, alphabet="ab"),
    st.text(max_size=20),
    st.dates(min_value=datetime.date(1, 1, 1)).map(
        lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    ),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}"),
    st.sampled_from(["2020-02-30", "20000-01-01", "01/02/1990", "1990-1-2"]),
)

# Words of an English message; a French one has none of them.
ENGLISH = re.compile(
    r"\b(the|please|must|should|invalid|cannot|can't|choose|select|field|required|"
    r"error|wrong|not allowed|unknown)\b",
    re.IGNORECASE,
)
ERRORS = "//*[@role='alert' or contains(concat(' ', @class, ' '), ' alert-danger ')]"


def wrong_inputs(fields, file_fields=(), max_size=4):
    """A strategy of ``(generated, file_field)``: wrong values for 1 to ``max_size`` of
    ``fields``, and one of ``file_fields`` (or none) sent as a file instead of a text."""
    generated = st.dictionaries(
        st.sampled_from(list(fields)), WRONG_VALUES, min_size=1, max_size=max_size
    )
    file_field = (
        st.one_of(st.none(), st.sampled_from(list(file_fields))) if file_fields else st.none()
    )
    return st.tuples(generated, file_field)


def read_form(page, css_class=None, action=None):
    """The form of ``page`` (an HTML text) whose class is ``css_class`` or whose action is
    ``action``, as a browser posts it untouched.

    :return: ``(action, values, options)``: the values of its inputs, text areas and selects
        as rendered (hidden ones included, e.g. the CSRF token; file inputs left out), and
        the offered options of each select
    """
    tree = html.fromstring(page)
    if css_class:
        path = f"//form[contains(concat(' ', @class, ' '), ' {css_class} ')]"
    else:
        path = f"//form[@action='{action}']"
    forms = tree.xpath(path)
    assert forms, f"no form {css_class or action} in the page"
    form = forms[0]
    values, options = {}, {}
    for field in form.xpath(".//input[@name]"):
        if field.get("type") in ("checkbox", "radio") and field.get("checked") is None:
            continue
        if field.get("type") == "file":
            continue
        values[field.get("name")] = field.get("value") or ""
    for field in form.xpath(".//textarea[@name]"):
        values[field.get("name")] = field.text or ""
    for select in form.xpath(".//select[@name]"):
        offered = [option.get("value") or "" for option in select.xpath(".//option")]
        selected = select.xpath(".//option[@selected]")
        options[select.get("name")] = offered
        values[select.get("name")] = (
            (selected[0].get("value") or "") if selected else (offered[0] if offered else "")
        )
    return form.get("action"), values, options


def with_generated(form, generated, file_field=None):
    """``(data, files)``: the form's values with the generated ones, ``file_field`` sent as
    a binary file instead of its text."""
    data = dict(form, **generated)
    files = None
    if file_field:
        files = {file_field: ("piece.txt", b"\x00\x01 binary", "application/octet-stream")}
        data.pop(file_field, None)
    return data, files


class BadInputMixin:
    """For ``HttpCase``: the answer to a form posted with bad input."""

    def assertAnswered(
        self,
        response,
        accepted,
        stored,
        before,
        css_class=None,
        action=None,
        kept=(),
        status=200,
    ):
        """Never a 500; unless ``accepted`` (a bool, or a callable of the response), a
        refusal: the page again (``status``: 200, or the 400 of a form that says so) with
        a French message (an alert), the fields ``kept`` shown as they were posted (read
        back from the form ``css_class`` or ``action``), and ``stored()`` still equal to
        ``before``.

        :param kept: ``{field: posted value}``
        """
        self.assertLess(response.status_code, 500, response.text[:500])
        if accepted(response) if callable(accepted) else accepted:
            return
        self.assertEqual(response.status_code, status, response.url)
        self.assertFrenchMessage(response.text)
        if kept:
            _action, shown, _options = read_form(response.text, css_class, action)
            for fname, value in kept.items():
                self.assertEqual(shown.get(fname, "").strip(), value.strip(), fname)
        self.assertEqual(stored(), before)

    def assertFrenchMessage(self, page):
        """The page shows an alert, and its text is not English."""
        alerts = [
            " ".join(node.text_content().split()) for node in html.fromstring(page).xpath(ERRORS)
        ]
        alerts = [text for text in alerts if text]
        self.assertTrue(alerts, "no message shown")
        for text in alerts:
            self.assertNotRegex(text, ENGLISH, "a message in English")
