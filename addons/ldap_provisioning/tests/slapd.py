"""A throwaway OpenLDAP server for the tests and the bench.

Writes a ``slapd.conf`` in a temporary folder (core, cosine, inetorgperson and
nis schemas of Debian's slapd, one mdb database), checks it with ``slaptest``,
starts ``slapd`` on a loopback port and stops it by the pid of its pidfile.
Entries are loaded with ``ldapadd`` and read back with ``ldapsearch``: the
tests check the directory with the same tools an administrator uses.
"""

import base64
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

SCHEMA_DIR = "/etc/ldap/schema"
MODULE_DIR = "/usr/lib/ldap"
SUFFIX = "dc=collectivite,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "secret-bind-password"  # noqa: S105 (throwaway test directory)
PEOPLE_BASE = f"ou=people,{SUFFIX}"
GROUPS_BASE = f"ou=groups,{SUFFIX}"
SCHOOLS_BASE = f"ou=schools,{SUFFIX}"

CONF_TEMPLATE = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
pidfile {tmp}/slapd.pid
argsfile {tmp}/slapd.args
modulepath {modules}
moduleload back_mdb
database mdb
maxsize 1073741824
suffix "{suffix}"
rootdn "{rootdn}"
rootpw {rootpw}
directory {tmp}/data
index objectClass eq
index uid eq
index member eq
"""


def is_available():
    """Whether slapd and the ldap-utils are installed on this machine."""
    return all(shutil.which(tool) for tool in ("slapd", "slaptest", "slappasswd", "ldapadd"))


def launch(first=3890, last=3899, tls=False):
    """A started server on free loopback ports of [first, last].

    Ports are tried in random order, so that two test runs sharing the range
    (another checkout's ``make test``) rarely collide; a port taken between the
    check and the start is skipped.
    """
    ports = list(range(first, last + 1))
    random.shuffle(ports)
    errors = []
    for port in ports:
        tls_port = None
        if tls:
            others = [p for p in ports if p != port and _is_free(p)]
            if not others:
                continue
            tls_port = others[0]
        if not _is_free(port):
            continue
        server = Slapd(port, tls_port=tls_port)
        try:
            return server.start(attempts=1)
        except RuntimeError as error:
            errors.append(str(error))
            server.stop()
    raise RuntimeError(f"No slapd could start on ports {first}-{last}: {errors}")


def _is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port(first, last):
    """The first loopback port of [first, last] nobody listens on."""
    for port in range(first, last + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"No free port between {first} and {last} for slapd.")


def base_ldif():
    """The suffix and the three branches of the directory."""
    return f"""\
dn: {SUFFIX}
objectClass: top
objectClass: dcObject
objectClass: organization
o: Collectivite
dc: collectivite

dn: {PEOPLE_BASE}
objectClass: organizationalUnit
ou: people

dn: {GROUPS_BASE}
objectClass: organizationalUnit
ou: groups

dn: {SCHOOLS_BASE}
objectClass: organizationalUnit
ou: schools
"""


def person_ldif(uid, given_name, surname, email=None, phone=None, service=None, password=None):
    lines = [
        f"dn: uid={uid},{PEOPLE_BASE}",
        "objectClass: inetOrgPerson",
        f"uid: {uid}",
        f"cn: {given_name} {surname}",
        f"givenName: {given_name}",
        f"sn: {surname}",
    ]
    if email:
        lines.append(f"mail: {email}")
    if phone:
        lines.append(f"telephoneNumber: {phone}")
    if service:
        lines.append(f"departmentNumber: {service}")
    if password:
        lines.append(f"userPassword: {password}")
    return "\n".join(lines) + "\n"


def group_ldif(cn, member_uids):
    members = [f"uid={uid},{PEOPLE_BASE}" for uid in member_uids] or [f"cn={cn},{GROUPS_BASE}"]
    lines = [f"dn: cn={cn},{GROUPS_BASE}", "objectClass: groupOfNames", f"cn: {cn}"]
    lines += [f"member: {member}" for member in members]
    return "\n".join(lines) + "\n"


def school_ldif(code, name, category="school"):
    return (
        f"dn: ou={code},{SCHOOLS_BASE}\nobjectClass: organizationalUnit\nou: {code}\n"
        f"description: {name}\nbusinessCategory: {category}\n"
    )


class Slapd:
    """One slapd process with its own configuration and database."""

    def __init__(self, port, tls_port=None):
        self.port = port
        self.tls_port = tls_port
        self.tmp = None
        self.conf = None
        self.pid = None

    @property
    def uri(self):
        return f"ldap://127.0.0.1:{self.port}/"

    @property
    def ca_file(self):
        """The self-signed certificate of the server (its own CA), when TLS is on."""
        return os.path.join(self.tmp, "cert.pem") if self.tls_port else None

    def _listen(self):
        uris = [self.uri]
        if self.tls_port:
            uris.append(f"ldaps://127.0.0.1:{self.tls_port}/")
        return " ".join(uris)

    def _tls_conf(self):
        """A self-signed certificate for 127.0.0.1: StartTLS and LDAPS."""
        key, cert = os.path.join(self.tmp, "key.pem"), os.path.join(self.tmp, "cert.pem")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                key,
                "-out",
                cert,
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
            ],
            check=True,
            capture_output=True,
        )
        return (
            f"TLSCACertificateFile {cert}\nTLSCertificateFile {cert}\nTLSCertificateKeyFile {key}\n"
        )

    def start(self, attempts=20):
        self.tmp = tempfile.mkdtemp(prefix="collectivite-slapd-")
        os.mkdir(os.path.join(self.tmp, "data"))
        rootpw = subprocess.check_output(["slappasswd", "-s", ROOT_PASSWORD], text=True).strip()
        self.conf = os.path.join(self.tmp, "slapd.conf")
        tls = self._tls_conf() if self.tls_port else ""
        with open(self.conf, "w", encoding="utf-8") as handle:
            handle.write(tls)
            handle.write(
                CONF_TEMPLATE.format(
                    schema=SCHEMA_DIR,
                    tmp=self.tmp,
                    modules=MODULE_DIR,
                    suffix=SUFFIX,
                    rootdn=ROOT_DN,
                    rootpw=rootpw,
                )
            )
        subprocess.run(
            ["slaptest", "-f", self.conf, "-u"], check=True, capture_output=True, text=True
        )
        self.resume(attempts)
        return self

    def resume(self, attempts=20):
        """Start (again) the server on its configuration and data."""
        for _attempt in range(attempts):
            started = subprocess.run(
                ["slapd", "-f", self.conf, "-h", self._listen()],
                check=False,
                capture_output=True,
                text=True,
            )
            if started.returncode == 0:
                break
            # The port of a server just stopped may still be held for a moment.
            if attempts > 1:
                time.sleep(0.25)
        else:
            raise RuntimeError(f"slapd did not start on {self._listen()}: {started.stderr}")
        pidfile = os.path.join(self.tmp, "slapd.pid")
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(pidfile):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                    if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                        with open(pidfile, encoding="ascii") as handle:
                            self.pid = int(handle.read().strip())
                        return
            time.sleep(0.05)
        raise RuntimeError(f"slapd did not start on port {self.port}.")

    def pause(self):
        """Stop the server (its data is kept): the directory is down."""
        if not self.pid:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            self.pid = None
            return
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.pid = None

    def stop(self):
        self.pause()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def reset(self, ldif):
        """Empty the directory and load ``ldif`` (restarting the server if stopped)."""
        if not self.pid:
            self.resume()
        subprocess.run(
            ["ldapdelete", *self._client_args(), "-r", SUFFIX], check=False, capture_output=True
        )
        self.ldapadd(ldif)

    def _client_args(self):
        return ["-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD]

    def ldapadd(self, ldif):
        subprocess.run(
            ["ldapadd", *self._client_args()],
            input=ldif,
            check=True,
            capture_output=True,
            text=True,
        )

    def ldapmodify(self, ldif):
        subprocess.run(
            ["ldapmodify", *self._client_args()],
            input=ldif,
            check=True,
            capture_output=True,
            text=True,
        )

    def ldapdelete(self, *dns):
        subprocess.run(
            ["ldapdelete", *self._client_args(), *dns], check=True, capture_output=True, text=True
        )

    def can_bind(self, dn, password):
        """Whether ``dn`` binds with ``password`` (``ldapwhoami``)."""
        out = subprocess.run(
            ["ldapwhoami", "-x", "-H", self.uri, "-D", dn, "-w", password],
            check=False,
            capture_output=True,
            text=True,
        )
        return out.returncode == 0

    def ldapsearch(self, base, filterstr="(objectClass=*)", attrs=()):
        """Entries found by ``ldapsearch``, as ``{dn: {attribute: [values]}}``."""
        out = subprocess.run(
            [
                "ldapsearch",
                *self._client_args(),
                "-LLL",
                "-o",
                "ldif-wrap=no",
                "-b",
                base,
                filterstr,
                *attrs,
            ],
            check=False,
            capture_output=True,
            text=True,
        )
        if out.returncode == 32:  # noSuchObject
            return {}
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        entries = {}
        for block in out.stdout.strip().split("\n\n"):
            if not block.strip():
                continue
            entry = {}
            dn = None
            for line in block.splitlines():
                key, _sep, value = line.partition(": ")
                if key.endswith(":"):  # base64-encoded value (non-ASCII)
                    key = key[:-1]
                    value = base64.b64decode(value).decode()
                if key == "dn":
                    dn = value
                else:
                    entry.setdefault(key, []).append(value)
            entries[dn] = entry
        return entries
