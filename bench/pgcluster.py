"""Throwaway PostgreSQL 15 clusters for the replica and fault scenarios.

A cluster lives in a temporary folder (``initdb``), listens on one loopback port
only, trusts loopback connections and is stopped by its own data directory
(``pg_ctl -D``), never by a service name: the machine's main cluster is never
stopped, restarted or replicated. A standby is made by ``pg_basebackup -R`` from
a throwaway primary and streams from it.

PostgreSQL refuses to run as root: the clusters run as the ``postgres`` system
user (``runuser``) when the bench runs as root.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

BIN = "/usr/lib/postgresql/15/bin"
SUPERUSER = "postgres"

CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{folder}'
max_connections = 200
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
track_counts = on
logging_collector = off
"""

HBA = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


def _as_owner(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--"] + cmd
    return cmd


def _run(cmd, **kwargs):
    return subprocess.run(_as_owner(cmd), check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def available():
    return os.path.exists(os.path.join(BIN, "initdb"))


class Cluster:
    """One throwaway cluster: ``Cluster(5440).init().start()``, then ``.destroy()``."""

    def __init__(self, port, folder=None):
        self.port = port
        self.folder = folder or tempfile.mkdtemp(prefix=f"bench-pg{port}-")
        os.chmod(self.folder, 0o755)  # noqa: S103 (the postgres user writes here)
        if os.geteuid() == 0:
            shutil.chown(self.folder, SUPERUSER, SUPERUSER)
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "postgresql.log")

    # -- creation -------------------------------------------------------
    def init(self):
        _run([f"{BIN}/initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"])
        self._configure()
        return self

    def _configure(self):
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(CONF.format(port=self.port, folder=self.folder))
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as hba:
            hba.write(HBA)

    def standby(self, port):
        """A new cluster on ``port``: a base backup of this one, streaming from it."""
        replica = Cluster(port)
        _run(
            [
                f"{BIN}/pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-D",
                replica.data,
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            ]
        )
        # The copied postgresql.conf names the primary's port and folder: the
        # standby's own settings come last and win.
        replica._configure()
        return replica

    # -- life -------------------------------------------------------------
    def start(self):
        _run([f"{BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"])
        return self

    def stop(self, mode="fast"):
        if self.pid():
            _run([f"{BIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"])

    def restart(self, mode="fast"):
        _run([f"{BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-m", mode, "-w", "restart"])

    def pid(self):
        """The postmaster's pid, from its pidfile (None when stopped)."""
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as pidfile:
                pid = int(pidfile.readline())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return pid

    def destroy(self):
        """Stop the cluster (by its data directory, else its pid) and remove its folder."""
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pid = self.pid()
            if pid:
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- SQL --------------------------------------------------------------
    def dsn(self, database="postgres"):
        return {"host": "127.0.0.1", "port": self.port, "user": SUPERUSER, "dbname": database}

    def psql(self, sql, database="postgres"):
        out = subprocess.run(  # noqa: S603
            [
                f"{BIN}/psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-XtAq",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()

    def create_role(self, role):
        self.psql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f'THEN CREATE ROLE "{role}" SUPERUSER LOGIN; END IF; END $$'
        )

    def copy_database(self, source, owner, name=None, jobs=2):
        """Copy ``source`` of the main cluster (over its local socket, read only:
        ``pg_dump``) into this cluster, under the same name by default (Odoo's
        filestore is named after the database), owned by ``owner`` (Odoo lists only
        the databases its role owns)."""
        name = name or source
        dump = os.path.join(tempfile.mkdtemp(prefix="bench-dump-"), "dump")
        try:
            subprocess.run(  # noqa: S603
                [f"{BIN}/pg_dump", "-Fd", "-j", str(jobs), "-f", dump, source], check=True
            )
            self.psql(f'CREATE DATABASE "{name}" OWNER "{owner}"')
            subprocess.run(  # noqa: S603
                [
                    f"{BIN}/pg_restore",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    SUPERUSER,
                    "-d",
                    name,
                    "-j",
                    str(jobs),
                    "--no-owner",
                    dump,
                ],
                check=True,
            )
        finally:
            shutil.rmtree(os.path.dirname(dump), ignore_errors=True)
        self.psql("ANALYZE", database=name)

    def wait_replay(self, primary, timeout=60):
        """Wait until this standby has replayed everything ``primary`` wrote."""
        target = primary.psql("SELECT pg_current_wal_lsn()")
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = self.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done == "t":
                return
            time.sleep(0.2)
        raise RuntimeError("The standby did not catch up with its primary.")
