import logging

import ldap
import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models

from .. import entry_mapping, ldap_client
from ..exceptions import DirectoryError, SyncBusy

_logger = logging.getLogger(__name__)


class ResCompanyLdap(models.Model):
    """The synchronisation of a provisioning directory, one overridable step each.

    Fetch and parse (``_sync_fetch``, ``_sync_parse_person``,
    ``_sync_parse_school``), new LDAP groups (``_sync_new_groups``), the
    provisioning itself (``_provision_agents``, ``_provision_schools``,
    ``_archive_missing_agents`` in ``res_company_ldap_provisioning.py``),
    archiving with safety (``_sync_check_safety``), then the result
    (``_sync_record``, ``_sync_failed``, ``_notify_admins``). ``_sync_directory``
    runs one batch; the buttons and the scheduled action call it.
    """

    # One concern per file: the other _inherit files of this model hold the others.
    _inherit = "res.company.ldap"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fetch and parse
    # ------------------------------------------------------------------
    def _sync_parse_person(self, conf, dn, attrs):
        """Values of an agent from an LDAP entry, or ``(None, reason)``."""
        values = entry_mapping.person_from_entry(dn, attrs)
        missing = entry_mapping.person_missing(values)
        if missing:
            return None, self.env._(
                "%(dn)s skipped: missing mandatory attribute(s) %(attributes)s.",
                dn=dn,
                attributes=", ".join(missing),
            )
        if not entry_mapping.is_valid_email(values["email"]):
            return None, self.env._(
                "%(dn)s skipped: invalid email address %(email)s.", dn=dn, email=values["email"]
            )
        return values, None

    def _sync_parse_school(self, conf, dn, attrs):
        """Values of a school or leisure centre from an LDAP entry, or ``(None, reason)``."""
        values = entry_mapping.school_from_entry(dn, attrs)
        if not entry_mapping.school_is_complete(values):
            return None, self.env._(
                "%(dn)s skipped: a school or leisure centre needs ou and description.", dn=dn
            )
        return values, None

    def _sync_fetch(self, conf):
        """Read the directory: people, group memberships and schools.

        :return: dict with ``people`` (parsed values, ``group_cns`` filled),
            ``seen_uids`` (every uid found, parsed or skipped), ``entry_count``,
            ``schools``, ``group_cns`` (every LDAP group) and ``report`` lines.
        """
        report = []
        with self._ldap_open(conf) as connection:
            people_entries = self._ldap_paged_search(
                connection,
                conf,
                conf["people_base"],
                conf["people_filter"],
                entry_mapping.PERSON_ATTRIBUTES,
            )
            group_entries = []
            if conf["groups_base"]:
                group_entries = self._ldap_paged_search(
                    connection,
                    conf,
                    conf["groups_base"],
                    ldap_client.GROUP_FILTER,
                    entry_mapping.GROUP_ATTRIBUTES,
                )
            school_entries = []
            if conf["schools_base"]:
                school_entries = self._ldap_paged_search(
                    connection,
                    conf,
                    conf["schools_base"],
                    ldap_client.SCHOOL_FILTER,
                    entry_mapping.SCHOOL_ATTRIBUTES,
                    scope=ldap.SCOPE_ONELEVEL,
                )
        group_cns, memberships = entry_mapping.group_memberships(group_entries)
        people = []
        seen_uids = set()
        for dn, attrs in people_entries:
            values, problem = self._sync_parse_person(conf, dn, attrs)
            uid = entry_mapping.first_value(attrs, "uid").lower()
            if uid:
                seen_uids.add(uid)
            if problem:
                report.append(problem)
                continue
            values["group_cns"] = memberships.get(entry_mapping.normalize_dn(dn), set())
            people.append(values)
        schools = []
        for dn, attrs in school_entries:
            values, problem = self._sync_parse_school(conf, dn, attrs)
            if problem:
                report.append(problem)
                continue
            schools.append(values)
        return {
            "people": people,
            "seen_uids": seen_uids,
            "entry_count": len(people_entries),
            "schools": schools,
            "group_cns": group_cns,
            "report": report,
        }

    # ------------------------------------------------------------------
    # Safety
    # ------------------------------------------------------------------
    def _sync_check_safety(self, fetched):
        """Why archiving must not run now (a translated reason), or None."""
        count = fetched["entry_count"]
        if not count:
            return self.env._("The directory returned no entry: nobody was archived.")
        threshold = self.archive_threshold / 100.0
        if self.last_sync_count and count < self.last_sync_count * threshold:
            return self.env._(
                "The directory returned %(count)s entries, far fewer than the %(last)s of the "
                "last synchronisation (threshold %(threshold)s%%): nobody was archived.",
                count=count,
                last=self.last_sync_count,
                threshold=self.archive_threshold,
            )
        # The people are there but the groups are not (groups branch moved,
        # memberships wiped...): archiving would empty the application.
        active = fetched.get("active_count", count)
        last_active = self.last_sync_active_count
        if last_active and (not active or active < last_active * threshold):
            return self.env._(
                "Only %(count)s agents are in a mapped group, far fewer than the %(last)s of "
                "the last synchronisation (threshold %(threshold)s%%): nobody was archived.",
                count=active,
                last=last_active,
                threshold=self.archive_threshold,
            )
        return None

    # ------------------------------------------------------------------
    # Synchronisation
    # ------------------------------------------------------------------
    def _sync_new_groups(self, group_cns):
        """LDAP groups unknown to the mapping are added, to be mapped by an admin."""
        known = set(self.group_mapping_ids.mapped("ldap_group_cn"))
        new = [cn for cn in dict.fromkeys(group_cns) if cn not in known]
        if new:
            self.env["collectivite.ldap.group.mapping"].create(
                [{"ldap_config_id": self.id, "ldap_group_cn": cn, "name": cn} for cn in new]
            )
        return new

    def _sync_directory(self, limit=None):
        """One step of the synchronisation of this directory.

        Creates or updates at most ``limit`` users; once nothing is left to
        create or update, updates the schools and archives what disappeared
        (unless a safety check stops it) and records the result.

        :return: dict with ``done``, ``remaining`` and ``report`` (lines)
        :raise DirectoryError: unreachable directory, bind refused...
        """
        self.ensure_one()
        self._sync_lock()
        conf = self._provisioning_conf()
        fetched = self._sync_fetch(conf)
        report = list(fetched["report"])
        new_groups = self._sync_new_groups(fetched["group_cns"])
        for cn in new_groups:
            report.append(
                self.env._(
                    "LDAP group %(cn)s is not mapped to Odoo groups: its members get none.", cn=cn
                )
            )
        result = self._provision_agents(fetched["people"], limit=limit)
        report += result["report"]
        done = len(result["created"]) + len(result["updated"])
        if result["remaining"]:
            return {"done": done, "remaining": result["remaining"], "report": report}

        mapped_cns = set(self.group_mapping_ids.filtered("group_ids").mapped("ldap_group_cn"))
        active_uids = {
            person["uid"] for person in fetched["people"] if person["group_cns"] & mapped_cns
        }
        parsed_uids = {person["uid"] for person in fetched["people"]}
        fetched["active_count"] = len(active_uids)
        safety = self._sync_check_safety(fetched)
        archived = self.env["res.users"]
        schools = {"created": [], "updated": [], "archived": []}
        if safety:
            report.append(safety)
            _logger.warning("LDAP synchronisation of %s: %s", self.company.name, safety)
        else:
            # Entries skipped for a problem keep their user as it is.
            skipped_uids = fetched["seen_uids"] - parsed_uids
            archived = self._archive_missing_agents(active_uids | skipped_uids)
        if self.ldap_schools_base:
            schools = self._provision_schools(
                fetched["schools"], archive_missing=not safety and bool(fetched["schools"])
            )
        done += len(archived) + len(schools["created"]) + len(schools["updated"])
        done += len(schools["archived"])
        summary = self.env._(
            "%(created)s agent(s) created, %(updated)s updated, %(archived)s archived; "
            "%(schools)s school(s) or leisure centre(s) created or updated.",
            created=len(result["created"]),
            updated=len(result["updated"]),
            archived=len(archived),
            schools=len(schools["created"]) + len(schools["updated"]),
        )
        self._sync_record(fetched, safety, report, summary, changed=bool(done or new_groups))
        return {"done": done, "remaining": 0, "report": report}

    def _sync_lock(self):
        """Lock this directory for the transaction; refuse if another sync holds it."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM res_company_ldap WHERE id = %s FOR UPDATE NOWAIT", [self.id]
                )
        except psycopg2.errors.LockNotAvailable:
            raise SyncBusy(
                self.env._(
                    "A synchronisation of the directory of %(company)s is already running.",
                    company=self.company.name,
                )
            ) from None

    def _sync_record(self, fetched, safety, report, summary, changed):
        """Store the result of a finished synchronisation; notify when needed.

        Administrators are notified when the directory enters the "archiving
        suspended" state, not again at every run while it stays there.
        """
        previous_state = self.last_sync_state
        values = {
            "last_sync_date": fields.Datetime.now(),
            "last_sync_state": "safety" if safety else "done",
            "last_sync_report": "\n".join([summary, *report]),
        }
        if not safety:
            values["last_sync_count"] = fetched["entry_count"]
            values["last_sync_active_count"] = fetched["active_count"]
        self.sudo().write(values)  # sudo: the cron user may not be a system admin
        if safety and previous_state != "safety":
            self._notify_admins(safety, report)
        elif changed:
            self.message_post(body=summary, subtype_xmlid="mail.mt_note")

    def _sync_failed(self, message):
        """Record a failed synchronisation; notify once when the failures start."""
        _logger.warning("LDAP synchronisation of %s failed: %s", self.company.name, message)
        previous_state = self.last_sync_state
        self.sudo().write(  # sudo: the cron user may not be a system admin
            {
                "last_sync_date": fields.Datetime.now(),
                "last_sync_state": "failed",
                "last_sync_report": message,
            }
        )
        if previous_state != "failed":
            self._notify_admins(message, [])

    def _notify_admins(self, message, report):
        """Post the problem on the directory and notify its administrators."""
        admins = self.env.ref("ldap_provisioning.group_referential_admin").users
        admins |= self.env.ref("base.group_system").users
        admins = admins.filtered(lambda u: not u.share and self.company in u.company_ids)
        body = Markup("<br/>").join([message, *report[:50]])  # each line escaped
        self.message_post(
            body=body,
            subject=self.env._("LDAP synchronisation of %(company)s", company=self.company.name),
            partner_ids=admins.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def action_sync(self):
        """Synchronise now, in this transaction (button of the configuration)."""
        self._check_system_admin()
        results = []
        for config in self:
            try:
                while True:
                    step = config._sync_directory()
                    if not step["remaining"]:
                        break
            except SyncBusy as error:
                results.append(str(error))
                continue
            except DirectoryError as error:
                config._sync_failed(str(error))
                results.append(str(error))
                continue
            results.append(config.last_sync_report)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("LDAP synchronisation"),
                "message": "\n".join(results),
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_sync_later(self):
        """Ask the scheduled action to run as soon as possible (large directories)."""
        self._check_system_admin()
        self.env.ref("ldap_provisioning.ir_cron_ldap_sync")._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("The synchronisation will start in a moment."),
                "sticky": False,
            },
        }

    @api.model
    def _cron_sync_directory(self):
        """Scheduled synchronisation: one batch per directory and run."""
        done = remaining = 0
        configs = self.search([("is_provisioning", "=", True)])
        for config in configs:
            try:
                step = config._sync_directory(limit=config.sync_batch_size or None)
            except SyncBusy as error:
                _logger.info("%s", error)  # the running synchronisation goes on
                continue
            except DirectoryError as error:
                config._sync_failed(str(error))
                continue
            done += step["done"]
            remaining += step["remaining"]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return {"done": done, "remaining": remaining}
