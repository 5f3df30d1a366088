"""Passwords go to the directory through Password Modify: the hashes kept by
earlier versions (column ``password_hash``) go with their column."""


def migrate(cr, version):
    cr.execute("ALTER TABLE collectivite_ldap_operation DROP COLUMN IF EXISTS password_hash")
