"""PostgreSQL for the tests: find a server (``DENTLEDGER_TEST_PG``) or start a private,
throw-away cluster (initdb + pg_ctl on a Unix socket in a temporary folder, no network), give
each xdist worker its own database, and send every `store.db.open_database` of a test to a
schema of it: ``:memory:`` to a new empty schema, a file path to the schema named after it (so
opening the same path twice opens the same data).
"""
from __future__ import annotations

import atexit
import glob
import hashlib
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager

ENV = "DENTLEDGER_TEST_PG"
current = None  # this worker's WorkerDatabase while a PostgreSQL run is on (tests/conftest.py)
# True while a test parametrized [postgresql] is set up, runs and is torn down: other tests of
# the same worker (the session's PostgreSQL fixture outlives its tests) open their files
active = False


def find_pg_bin() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(found)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    return os.path.dirname(versions[-1]) if versions else None


class Cluster:
    """A private cluster in a temporary folder, stopped and removed by `stop`."""

    def __init__(self, bin_dir: str):
        self.bin = bin_dir
        self.folder = tempfile.mkdtemp(prefix="dentledger-pg-")
        self.user = None
        if os.geteuid() == 0:  # initdb and pg_ctl refuse root: run them as `postgres`
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.data = os.path.join(self.folder, "data")

    def _run(self, *args: str) -> None:
        command = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.folder, timeout=120)

    def start(self) -> str:
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-k {self.folder} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=400")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.folder, "log"), "-o",
                  options, "-w", "start")
        return f"postgresql://postgres@/postgres?host={self.folder}"

    def stop(self) -> None:
        if not os.path.isdir(self.folder):
            return
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def find_server(engine_option: str):
    """(server URL or None, why not, the cluster this run started or None)."""
    if engine_option == "sqlite":
        return None, "--engine sqlite", None
    url = os.environ.get(ENV)
    if url:
        return url, None, None
    bin_dir = find_pg_bin()
    if bin_dir is None:
        return None, (f"no PostgreSQL: set {ENV}=postgresql://... or install it "
                      "(pg_ctl not found)"), None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return None, f"running as root without a postgres account: set {ENV}", None
        if not shutil.which("runuser"):
            return None, f"running as root without runuser: set {ENV}", None
    cluster = Cluster(bin_dir)
    atexit.register(cluster.stop)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # killed: still stop the cluster
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return cluster.start(), None, cluster
    except (subprocess.SubprocessError, OSError) as exc:
        cluster.stop()
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"could not start a private PostgreSQL cluster: {exc} {detail[-200:]!r}", None


class WorkerDatabase:
    """This test process's own database on the server, and where each opened path goes."""

    def __init__(self, server_url: str, worker: str):
        import psycopg

        from store.connection import postgres

        self.server_url = server_url
        self.name = f"dentledger_test_{worker}_{os.getpid()}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}" TEMPLATE template0')
        self.url = _with_database(server_url, self.name)
        self.postgres = postgres
        self.counter = itertools.count(1)
        self.made: set[str] = set()

    def url_for(self, path: str) -> str:
        if path == ":memory:":
            schema = f"m{next(self.counter)}"
        elif self.postgres.is_url(path):
            return path
        else:
            schema = "f" + hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:16]
        if schema not in self.made:
            import psycopg
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            self.made.add(schema)
        return self.postgres.with_schema(self.url, schema)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextmanager
def redirected(worker_db: WorkerDatabase):
    """Every `open_database` of the block opens a schema of the worker's database."""
    import pytest

    from store.db import opening

    with pytest.MonkeyPatch.context() as patch:
        real_new, real_prepare = opening.new_database, opening.prepare_file

        def prepare_file(path, create):  # only in a PostgreSQL test (see `active`)
            return path if active else real_prepare(path, create)

        def new_database(path):
            return real_new(worker_db.url_for(path) if active else path)
        patch.setattr(opening, "prepare_file", prepare_file)
        patch.setattr(opening, "new_database", new_database)
        yield


def clone_database(source_path: str, target_path: str) -> None:
    """A copy of the database at ``source_path`` at ``target_path`` (a test's fresh copy of
    a session's template): the file on SQLite, every row on PostgreSQL."""
    from store.db import open_database
    from store.db.copying import copy_practice

    if _redirect_active():
        source, target = open_database(source_path), open_database(target_path)
        try:
            copy_practice(source, target, replace=True)
        finally:
            source.close()
            target.close()
    else:
        shutil.copy(source_path, target_path)


def _redirect_active() -> bool:
    return current is not None and active
