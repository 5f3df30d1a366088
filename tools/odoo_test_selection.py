"""pytest plugin: run the tests of Odoo's and OCA's addons as Odoo's own runner selects them.

pytest collects every ``TestCase`` class a test file holds, Odoo's runner does not; with
``-p odoo_test_selection`` (``tools/`` on ``PYTHONPATH``, as ``make guest`` does), pytest
keeps only what ``odoo-bin --test-enable`` would run:

- the classes a test module defines, not those it imports (auth_signup's ``test_login``
  imports web's ``TestWebLogin``, OCA helpdesk_mgmt's ``test_js`` imports ``WebSuite``);
- the tests Odoo's ``TagsSelector`` accepts for ``--odoo-test-tags`` (Odoo's
  ``--test-tags`` syntax; by default ``standard``, which leaves out e.g. auth_ldap's
  ``TestAuthLDAP``, tagged ``-standard``/``database_breaking``).

Both at_install and post_install tests are kept: they all run on a database where the
addons are already installed, with everything else the database holds.

``--odoo-known-failures FILE`` names the tests expected to fail, one per line as
``/<addon>:<Class>.<method> <kind> <reason>`` (``#`` starts a comment), each marked as an
expected failure with its reason. Kind ``deliberate``: failing because of a deliberate,
documented change of the suite, strictly (a listed test that passes fails the run, so the
list stays true). Kind ``deliberate-subtest``: the same, for a failure inside a subtest
(Odoo's ``@users`` runs each user as one): the test around it passes, so not strictly.
Kind ``without-suite``: failing on a database without the suite as well, so not the
suite's doing; it may pass on a quieter machine.
"""

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--odoo-test-tags",
        default="standard",
        help="Odoo --test-tags specification selecting the tests (default: standard).",
    )
    parser.addoption(
        "--odoo-known-failures",
        default=None,
        help="Tests expected to fail: '/<addon>:<Class>.<method> <kind> <reason>' a line.",
    )


KINDS = {"deliberate": True, "deliberate-subtest": False, "without-suite": False}  # strict


def _known_failures(path):
    """``[(TagsSelector, strict, reason)]`` of a known-failures file."""
    from odoo.tests.tag_selector import TagsSelector

    known = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            spec, kind, reason = (line.split(None, 2) + ["", ""])[:3]
            if not (spec.startswith("/") and ":" in spec and "." in spec and kind in KINDS):
                raise pytest.UsageError(
                    "%s: expected '/<addon>:<Class>.<method> <%s> <reason>', got %r"
                    % (path, "|".join(KINDS), line)
                )
            known.append((TagsSelector(spec), KINDS[kind], "%s: %s" % (kind, reason or spec)))
    return known


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    from odoo.tests.tag_selector import TagsSelector

    selector = TagsSelector(config.getoption("--odoo-test-tags"))
    path = config.getoption("--odoo-known-failures")
    known = _known_failures(path) if path else []
    kept, dropped = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        module = getattr(item, "module", None)
        test = None
        if (
            cls is not None
            and module is not None
            and cls.__module__ == module.__name__
            and hasattr(cls, "test_tags")
        ):
            test = cls(item.name)
        if test is None or not selector.check(test):
            dropped.append(item)
            continue
        kept.append(item)
        for known_selector, strict, reason in known:
            if known_selector.check(test):
                item.add_marker(pytest.mark.xfail(reason=reason, strict=strict))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
