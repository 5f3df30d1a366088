from odoo import api, models
from odoo.fields import Command

from ..exceptions import DirectoryError


class ResCompanyLdap(models.Model):
    """Agents and schools of a directory, created, updated and archived in Odoo
    from parsed entries (the synchronisation and the directory operations).

    Values are compared first, so a run with nothing changed writes nothing;
    only users linked to this directory are ever written or archived.
    Extension points: ``_provisioning_user_values`` (values of an agent's user)
    and ``_after_provision`` (once per batch, with the users created and updated).
    """

    # One concern per file: the other _inherit files of this model hold the others.
    _inherit = "res.company.ldap"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Agents
    # ------------------------------------------------------------------
    def _managed_groups(self):
        """Odoo groups given by the mapping (with what they imply)."""
        groups = self.group_mapping_ids.group_ids
        return groups | groups.trans_implied_ids

    def _groups_for_cns(self, cns, cache=None):
        """Odoo groups of a set of LDAP groups (memoised in ``cache`` per set:
        agents share them)."""
        key = frozenset(cns)
        if cache is not None and key in cache:
            return cache[key]
        mappings = self.group_mapping_ids.filtered(lambda m: m.ldap_group_cn in cns)
        groups = mappings.group_ids
        if cache is not None:
            cache[key] = groups
        return groups

    def _provisioning_user_values(self, person, groups):
        """Values of the Odoo user of an agent (hook: category rights defaults...).

        :param dict person: parsed LDAP values (uid, dn, name, email...)
        :param groups: the Odoo groups the agent's LDAP groups map to
        """
        return {
            "name": person["name"],
            "email": person["email"],
            "phone": person["phone"] or False,
            "ldap_uid": person["uid"],
            "ldap_dn": person["dn"],
            "ldap_given_name": person["given_name"] or False,
            "ldap_surname": person["surname"] or False,
            "ldap_service": person["service"] or False,
        }

    def _after_provision(self, created, updated):
        """Hook called once per batch with the users created and updated."""
        return True

    @api.model
    def _protected_user_ids(self):
        """Users a synchronisation never touches, linked or not."""
        ids = {self.env.ref("base.user_root").id}
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if admin:
            ids.add(admin.id)
        return ids

    def _user_differences(self, user, values, groups, managed=None):
        """The values to write on ``user`` (nothing when it is up to date)."""
        changes = {}
        for key, value in values.items():
            current = user[key]
            if key == "ldap_config_id":
                current = current.id
            if (current or False) != (value or False):
                changes[key] = value
        if not user.active:
            changes["active"] = True
        if self.company not in user.company_ids:
            changes["company_ids"] = [Command.link(self.company.id)]
        managed = self._managed_groups() if managed is None else managed
        wanted = groups | groups.trans_implied_ids
        current = user.groups_id & managed
        commands = [Command.link(g.id) for g in wanted - current]
        commands += [Command.unlink(g.id) for g in (current - wanted) & managed]
        if commands:
            changes["groups_id"] = commands
        return changes

    def _provision_agents(self, people, limit=None, strict=False):
        """Create or update the Odoo users of the given agents.

        Only users linked to this directory (or new ones) are written; values are
        compared first, so a run with nothing changed writes nothing.

        :param list people: parsed values (see ``_sync_parse_person``), with
            ``group_cns``; agents without any mapped group are left out
        :param int limit: at most this many users created or updated
        :param bool strict: raise instead of reporting (operations)
        :return: dict with ``created``, ``updated`` (users), ``remaining`` (count)
            and ``report`` lines
        """
        self.ensure_one()
        Users = self.env["res.users"].sudo().with_context(active_test=False)  # sudo: provisioning
        report = []
        uids = [person["uid"] for person in people]
        existing = Users.search_fetch(
            [("login", "in", uids)],
            [
                "login",
                "active",
                "share",
                "name",
                "email",
                "phone",
                "ldap_uid",
                "ldap_dn",
                "ldap_config_id",
                "ldap_given_name",
                "ldap_surname",
                "ldap_service",
                "groups_id",
                "company_ids",
            ],
        )
        by_login = {user.login.lower(): user for user in existing}
        protected = self._protected_user_ids()
        to_create, to_update = [], []
        managed = self._managed_groups()
        groups_cache = {}
        for person in people:
            groups = self._groups_for_cns(person["group_cns"], groups_cache)
            user = by_login.get(person["uid"])
            values = self._provisioning_user_values(person, groups)
            values["ldap_config_id"] = self.id
            if user and (user.id in protected or user.share or user.ldap_config_id.id != self.id):
                problem = self.env._(
                    "%(uid)s skipped: the login belongs to an Odoo user not linked to this "
                    "directory.",
                    uid=person["uid"],
                )
                if strict:
                    raise DirectoryError(problem)
                report.append(problem)
                continue
            if not groups:
                if strict:
                    raise DirectoryError(
                        self.env._(
                            "%(uid)s is in no mapped group of the directory.", uid=person["uid"]
                        )
                    )
                continue  # disabled in the directory: archived by the archive step
            if user:
                changes = self._user_differences(user, values, groups, managed)
                if changes:
                    to_update.append((user, changes))
            else:
                values.update(
                    login=person["uid"],
                    company_id=self.company.id,
                    company_ids=[Command.set(self.company.ids)],
                    groups_id=[Command.set(groups.ids)],
                )
                to_create.append(values)
        if limit is not None:
            pending = len(to_create) + len(to_update)
            to_create = to_create[:limit]
            to_update = to_update[: max(0, limit - len(to_create))]
        else:
            pending = None
        # The initials avatar Odoo gives internal users, prepared with the values:
        # its attachments are then created in one batch instead of one write per user.
        Partners = self.env["res.partner"]
        for values in to_create:
            if "image_1920" not in values:
                values["image_1920"] = Partners.new({"name": values["name"]})._avatar_generate_svg()
        if pending is None:
            pending = len(to_create) + len(to_update)
        created = Users.browse()
        if to_create:
            created = Users.with_context(
                no_reset_password=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                tracking_disable=True,
            ).create(to_create)
        updated = Users.browse()
        for user, changes in to_update:
            user.write(changes)
            updated |= user
        if created or updated:
            self._after_provision(created, updated)
        return {
            "created": created,
            "updated": updated,
            "remaining": pending - len(created) - len(updated),
            "report": report,
        }

    def _archive_missing_agents(self, keep_uids):
        """Archive the active users linked to this directory whose uid is not in
        ``keep_uids`` (entry gone, or in no mapped group any more)."""
        Users = self.env["res.users"].sudo()  # sudo: provisioning of linked users only
        users = Users.search(
            [
                ("ldap_config_id", "=", self.id),
                ("share", "=", False),
                ("id", "not in", list(self._protected_user_ids())),
            ]
        )
        to_archive = users.filtered(lambda u: u.ldap_uid not in keep_uids)
        if to_archive:
            to_archive.write({"active": False})
        return to_archive

    # ------------------------------------------------------------------
    # Schools and leisure centres
    # ------------------------------------------------------------------
    def _provision_schools(self, schools, archive_missing=False):
        """Create, update (and archive when told) the schools of this directory."""
        self.ensure_one()
        Schools = self.env["collectivite.school"].sudo()  # sudo: provisioning, checked callers
        Schools = Schools.with_context(active_test=False)
        existing = Schools.search([("company_id", "=", self.company.id)])
        by_code = {school.code: school for school in existing}
        to_create, updated = [], Schools.browse()
        for values in schools:
            values = dict(values, ldap_config_id=self.id, company_id=self.company.id)
            school = by_code.get(values["code"])
            if not school:
                to_create.append(values)
                continue
            changes = {}
            for key, value in values.items():
                current = school[key]
                if isinstance(current, models.BaseModel):
                    current = current.id
                if (current or False) != (value or False):
                    changes[key] = value
            if not school.active:
                changes["active"] = True
            if changes:
                school.write(changes)
                updated |= school
        created = Schools.create(to_create) if to_create else Schools.browse()
        archived = Schools.browse()
        if archive_missing:
            codes = {values["code"] for values in schools}
            archived = existing.filtered(
                lambda s: s.active and s.ldap_config_id == self and s.code not in codes
            )
            if archived:
                archived.write({"active": False})
        return {"created": created, "updated": updated, "archived": archived}
