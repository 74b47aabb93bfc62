"""The SQLite engine: the one module that knows the store runs on SQLite (through apsw).

Everything SQLite-only lives here: apsw and its errors, the connection's pragmas, the
version check, ``user_version`` / ``application_id``, ``sqlite_master``, ``data_version``,
write-ahead-log checkpoints, ``json_each`` (how a list of ids is bound as one parameter),
apsw's connection calls (changes, last rowid, executemany) and the bulk-load settings.
`store.connection` re-exports what the rest of the store uses; its docstring lists what a
second engine must provide.

The interpreter's own sqlite3 (3.40) has the WAL-reset corruption bug, so the
store always goes through apsw (which bundles a recent SQLite) and refuses an
older library. Every write transaction begins IMMEDIATE: with deferred BEGIN,
concurrent writers at several workstations fail with "database is locked"
instead of waiting their turn.
"""
from __future__ import annotations

import json
import os
import sys
from contextlib import AbstractContextManager
from typing import Iterable

import apsw
import peewee
from playhouse.apsw_ext import APSWDatabase, BooleanField, DateField, DateTimeField

from .base import StoreError


class Database(APSWDatabase):
    """A DentLedger database in a SQLite file (``database`` is the path)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.engine = sys.modules[__name__]

MIN_SQLITE = (3, 51, 3)  # first release with the WAL-reset fix
BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"
WAL_AUTOCHECKPOINT_PAGES = 16_000  # ~64 MB of 4 KB pages


# Prepared statements kept per connection (apsw's default is 100, its most 512). A posting
# runs some 80 statements; with room for several postings' worth, the ones that repeat (the
# big ledger-entry rebuild above all) stay prepared instead of being evicted by one-offs
# (statements that still write ids into their text) and parsed again.
STATEMENT_CACHE = 512


# The driver's error base: callers catch it next to peewee's own errors.
EngineError = apsw.Error


def new_database(path: str) -> Database:
    """The (not yet connected) database at ``path`` with the store's settings: pragmas, busy
    timeout, IMMEDIATE write transactions, statement cache. `MEMORY` gives a private
    in-memory database; it shares one connection across threads, since each new connection
    would be a different, empty database."""
    memory = path == MEMORY
    return Database(path, pragmas=_pragmas(memory), timeout=BUSY_TIMEOUT_MS / 1000,
                        lock_type="IMMEDIATE", thread_safe=not memory,
                        statementcachesize=STATEMENT_CACHE)


def refresh_statistics(db: Database) -> None:
    """Let SQLite refresh the planner's statistics where tables changed a lot.

    Without them the planner guesses, e.g. it reads every claim on hold instead
    of the patient's claims. SQLite's advice for long-lived connections: a
    bounded ``PRAGMA optimize`` at open; it costs ~0.4 s once on a 100,000-patient
    practice and nothing afterwards (the statistics live in the file).
    """
    db.execute_sql("PRAGMA analysis_limit = 400")
    try:
        db.execute_sql("PRAGMA optimize = 0x10002")
    except peewee.OperationalError as exc:  # other desks are writing: next open will do it
        if not isinstance(root_error(exc), apsw.BusyError):
            raise


def write_transaction(db: Database) -> AbstractContextManager:
    """One write transaction (``BEGIN IMMEDIATE``); nested calls become savepoints."""
    return db.atomic("IMMEDIATE")


def sqlite_version(db: Database) -> tuple[int, ...]:
    text = db.execute_sql("SELECT sqlite_version()").fetchone()[0]
    return tuple(int(part) for part in text.split("."))


def check_sqlite_version(db: Database) -> None:
    version = sqlite_version(db)
    if version < MIN_SQLITE:
        need = ".".join(map(str, MIN_SQLITE))
        have = ".".join(map(str, version))
        raise StoreError(f"SQLite {have} is too old (it can corrupt WAL databases); "
                         f"DentLedger needs {need} or newer: upgrade the apsw package")


check_version = check_sqlite_version


def lock_family(db: Database, patient_id: int) -> None:
    """Nothing to do: ``BEGIN IMMEDIATE`` already makes every writer take its turn."""


def lock_practice(db: Database) -> None:
    """Nothing to do: ``BEGIN IMMEDIATE`` already makes every writer take its turn."""


def _pragmas(memory: bool) -> list[tuple[str, object]]:
    pragmas: list[tuple[str, object]] = [
        ("foreign_keys", 1),
        ("busy_timeout", BUSY_TIMEOUT_MS),
        ("synchronous", "NORMAL"),
        ("cache_size", -32000),  # 32 MB: ledger cards of large families
    ]
    if not memory:
        pragmas.insert(0, ("journal_mode", "wal"))
        # Checkpoints run at idle moments (`checkpoint`), not inside a posting's commit;
        # this is only the safety net for a WAL that nothing else folds back.
        pragmas.append(("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES))
    return pragmas


def checkpoint(db: Database) -> None:
    """Fold the write-ahead log back into the database file, without waiting on anyone.

    Called when the desk is idle, so a posting never pays for a checkpoint.
    """
    if db.database != MEMORY:
        db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")


def prepare_file(path: str, create: bool) -> str:
    """Absolute path; checks it can be opened (and its folder created)."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(path):
        raise StoreError(f"{path} is a folder, not a database file")
    if os.path.exists(path):
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(f"cannot write to {path}: permission denied")
        return path
    if not create:
        raise StoreError(f"no database at {path}")
    folder = os.path.dirname(path)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise StoreError(f"cannot create a database at {path}: {folder} is not a folder")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create a database at {path}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise StoreError(f"cannot create a database at {path}: folder is not writable")
    return path


_REASONS = {
    apsw.NotADBError: "is not a SQLite database",
    apsw.CorruptError: "is damaged (corrupt database file)",
    apsw.CantOpenError: "cannot be opened (check the folder exists and is writable)",
    apsw.ReadOnlyError: "is read-only",
    apsw.PermissionsError: "cannot be written: permission denied",
    apsw.BusyError: "is busy (another workstation is writing); try again",
}


def describe_error(path: str, exc: BaseException) -> str:
    """One line naming the database and what is wrong with it."""
    root = root_error(exc)
    for kind, reason in _REASONS.items():
        if isinstance(root, kind):
            return f"database {path} {reason}"
    text = str(root or exc).strip()
    return f"database {path}: {text.splitlines()[0] if text else type(exc).__name__}"


def root_error(exc: BaseException | None) -> BaseException | None:
    """The apsw error under peewee's wrapper (peewee re-raises with it as args[0])."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, apsw.Error):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None


# --- schema version and identity (file header fields) ------------------------------

def schema_version(db: Database) -> int:
    return db.pragma("user_version")


def set_schema_version(db: Database, version: int, application_id: int) -> None:
    """Stamp the schema ``version`` and the program's ``application_id`` into the file."""
    db.pragma("user_version", version)
    db.pragma("application_id", application_id)


def application_id(db: Database) -> int:
    return db.pragma("application_id")


def table_count(db: Database) -> int:
    return db.execute_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]


def column_names(db: Database, table: str) -> set[str]:
    """The columns ``table`` has in this file (a migration adds only those missing)."""
    return {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")')}


# --- what queries and writers ask of the connection --------------------------------

def revision(db: Database) -> int:
    """Moves when this or another connection commits (SQLite data_version + changes)."""
    version = db.execute_sql("PRAGMA data_version").fetchone()[0]
    return version * 1_000_003 + db.connection().total_changes()


def changes(db: Database) -> int:
    """Rows written by the last statement."""
    return db.connection().changes()


def last_row_id(db: Database) -> int:
    """The id of the row inserted last on this connection."""
    return db.connection().last_insert_rowid()


def executemany(db: Database, sql: str, rows: Iterable[tuple]) -> None:
    db.connection().cursor().executemany(sql, rows)


def defer_foreign_keys(db: Database) -> None:
    """Check foreign keys at commit, not row by row (rows may refer to rows inserted later)."""
    db.execute_sql("PRAGMA defer_foreign_keys = ON")


# A list of ids is bound as ONE parameter (a JSON array), never written into the SQL: each
# statement's text is then the same for every family, so SQLite prepares it once per
# connection instead of once per posting.

def bind_list(values) -> str:
    """The parameter value for `list_rows` / `in_list`: a JSON array (or object, `pair_rows`)."""
    return json.dumps(values)


def list_rows(param: str) -> str:
    """SQL rows (one ``value`` column) of the list bound as ``param`` (``?1``, ``:family``)."""
    return f"(SELECT value FROM json_each({param}))"


def in_list(param: str) -> str:
    """SQL condition tail: ``IN`` the list bound as ``param``."""
    return f"IN {list_rows(param)}"


def pair_rows(param: str) -> str:
    """SQL rows (integer key, value) of the JSON object bound as ``param``."""
    return f"SELECT CAST(key AS INTEGER), value FROM json_each({param})"


# --- bulk loading (the synthetic practice) -------------------------------------------

class bulk_load:
    """Bulk-load settings for the one generating transaction, restored afterwards.

    ``synchronous=OFF`` skips fsyncs during the load (the commit is still atomic), a larger
    page cache keeps the tables being filled in memory, and foreign keys are not checked row
    by row (the tests run ``PRAGMA foreign_key_check`` on generated data instead). A WAL
    database is switched to a rollback journal for the load when no other connection is
    using it: a fresh load then writes each page once instead of to the WAL and back (100,000
    patients: 22 s instead of 31 s).
    """

    SETTINGS = (("synchronous", "OFF"), ("cache_size", -262144), ("foreign_keys", 0))

    def __init__(self, db: Database):
        self.db = db
        self.saved: list[tuple[str, object]] = []
        self.wal = False

    def __enter__(self):
        for name, value in self.SETTINGS:
            self.saved.append((name, self.pragma(name)))
            self.db.execute_sql(f"PRAGMA {name} = {value}")
        if self.pragma("journal_mode") == "wal":
            try:
                self.wal = self.pragma("journal_mode", "delete") == "delete"
            except (apsw.Error, peewee.PeeweeException):  # another connection has it open
                self.wal = False
        return self

    def __exit__(self, *exc):
        if self.wal:
            self.pragma("journal_mode", "wal")
        for name, value in reversed(self.saved):
            self.db.execute_sql(f"PRAGMA {name} = {value}")
        return False

    def pragma(self, name: str, value: str | None = None):
        sql = f"PRAGMA {name}" if value is None else f"PRAGMA {name} = {value}"
        return self.db.execute_sql(sql).fetchone()[0]


class indexes_dropped:
    """Drop the (empty) bulk tables' indexes for the load and build them once at the end:
    filling an index row by row costs about twice as much as building it afterwards. Inside
    the write transaction, so a failure rolls the indexes back too."""

    def __init__(self, db: Database, tables):
        self.db = db
        names = ", ".join(f"'{t}'" for t in tables)
        self.indexes = db.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names})").fetchall()

    def __enter__(self):
        for name, _ in self.indexes:
            self.db.execute_sql(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, kind, *exc):
        if kind is None:
            for _, sql in self.indexes:
                self.db.execute_sql(sql)
        return False


# --- copying a practice between databases (`store.db.copying`) ------------------------------

def load_rows(db: Database, table: str, columns: list[str], rows) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``."""
    marks = ", ".join("?" * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    db.connection().cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                                         rows)


def reset_ids(db: Database, tables) -> None:
    """Nothing to do: SQLite gives a new row the largest id + 1."""


def snapshot(db: Database) -> AbstractContextManager:
    """A read transaction: every read inside sees the database as of its first read."""
    return db.atomic("DEFERRED")
