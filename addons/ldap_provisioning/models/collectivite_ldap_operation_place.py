import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import entry_mapping, ldap_client
from ..exceptions import DirectoryError

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CollectiviteLdapOperation(models.Model):
    """Operations on a school or leisure centre: creation, modification, closing.

    Directory side (``_ldap_place_*``): the ``organizationalUnit`` of the
    schools branch. Odoo side (``_odoo_place_*``): the ``collectivite.school``,
    through ``res.company.ldap._provision_schools``, as a synchronisation would.
    """

    # One concern per file: the other _inherit files of this model hold the others.
    _inherit = "collectivite.ldap.operation"  # pylint: disable=consider-merging-classes-inherited

    school_id = fields.Many2one(
        "collectivite.school",
        string="School or leisure centre",
        index=True,
        context={"active_test": False},
    )
    place_code = fields.Char(string="Code")
    place_name = fields.Char(string="Place name")
    place_type = fields.Selection(
        [("school", "School"), ("leisure_centre", "Leisure centre")],
        string="Type",
        default="school",
    )
    place_street = fields.Char(string="Street")
    place_zip = fields.Char(string="ZIP")
    place_city = fields.Char(string="City")
    place_phone = fields.Char(string="Phone number")

    @api.onchange("school_id")
    def _onchange_school_id(self):
        school = self.school_id
        if school:
            self.place_code = school.code
            self.place_name = school.name
            self.place_type = school.place_type
            self.place_street = school.street
            self.place_zip = school.zip
            self.place_city = school.city
            self.place_phone = school.phone

    def _check_place_values(self):
        if self.operation_type == "create":
            if not CODE_RE.match(self.place_code or ""):
                raise ValidationError(
                    self.env._(
                        "The code %(code)s is not valid: letters, digits, dots, dashes and "
                        "underscores only.",
                        code=self.place_code or "",
                    )
                )
        elif not self.school_id:
            raise ValidationError(self.env._("Choose the school or leisure centre."))
        if self.operation_type != "disable" and not self.place_name:
            raise ValidationError(self.env._("A school or leisure centre needs a name."))

    # ------------------------------------------------------------------
    # Directory side
    # ------------------------------------------------------------------
    def _school_dn(self, conf):
        if not conf["schools_base"]:
            raise DirectoryError(
                self.env._("The directory has no branch for schools and leisure centres.")
            )
        return entry_mapping.school_dn(self.place_code, conf["schools_base"])

    def _school_attributes(self):
        return entry_mapping.school_attributes(
            self.place_name,
            self.place_type,
            self.place_street,
            self.place_zip,
            self.place_city,
            self.place_phone,
        )

    def _check_odoo_place_create(self):
        Schools = self.env["collectivite.school"].with_context(active_test=False)
        if Schools.search_count(
            [("company_id", "=", self.company_id.id), ("code", "=", self.place_code)]
        ):
            raise UserError(
                self.env._(
                    "The code %(code)s is already used in this company.", code=self.place_code
                )
            )

    def _ldap_place_create(self, connection, conf):
        dn = self._school_dn(conf)
        found = self.ldap_config_id._ldap_find_school(connection, conf, self.place_code)
        if found and not self.has_ldap_entry:
            raise UserError(
                self.env._(
                    "The code %(code)s already exists in the directory.", code=self.place_code
                )
            )
        if found:
            self._ldap_modify_person(connection, found[0], self._school_attributes())
            return
        ldap_client.add_entry(
            connection, dn, entry_mapping.school_entry(self.place_code, self._school_attributes())
        )
        self._write_internal({"has_ldap_entry": True})

    def _ldap_place_update(self, connection, conf):
        dn = self.school_id.ldap_dn or self._school_dn(conf)
        self._ldap_modify_person(connection, dn, self._school_attributes())

    def _ldap_place_disable(self, connection, conf):
        dn = self.school_id.ldap_dn or self._school_dn(conf)
        ldap_client.delete_entry(connection, dn)

    # ------------------------------------------------------------------
    # Odoo side
    # ------------------------------------------------------------------
    def _school_values(self, dn):
        return {
            "ldap_dn": dn,
            "code": self.place_code or self.school_id.code,
            "name": self.place_name,
            "place_type": self.place_type or "school",
            "street": self.place_street or False,
            "zip": self.place_zip or False,
            "city": self.place_city or False,
            "phone": self.place_phone or False,
        }

    def _odoo_place_create(self):
        conf = self.ldap_config_id._provisioning_conf()
        result = self.ldap_config_id._provision_schools(
            [self._school_values(self._school_dn(conf))]
        )
        school = (result["created"] | result["updated"])[:1] or self.env[
            "collectivite.school"
        ].search([("company_id", "=", self.company_id.id), ("code", "=", self.place_code)])
        self._write_internal({"school_id": school.id})

    def _odoo_place_update(self):
        dn = self.school_id.ldap_dn
        self.ldap_config_id._provision_schools([self._school_values(dn)])

    def _odoo_place_disable(self):
        school = self.school_id.sudo()  # sudo: checked operation
        if school.active:
            school.active = False
