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

import ctypes
import json
import os
import stat
import sys
import warnings
from contextlib import AbstractContextManager, contextmanager
from typing import Iterable, Iterator

import apsw
import peewee
from playhouse.apsw_ext import APSWDatabase, BooleanField, DateField, DateTimeField

from .base import StoreError, StoreWarning, driver_error


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
    try:
        _optimize(db)
    except peewee.OperationalError as exc:  # other desks are writing: next open will do it
        if not isinstance(root_error(exc), apsw.BusyError):
            raise


def _optimize(db: Database) -> None:
    db.execute_sql("PRAGMA analysis_limit = 400")
    db.execute_sql("PRAGMA optimize = 0x10002")


def refresh_statistics_if_free(db: Database) -> bool:
    """`refresh_statistics` when no other desk holds the write lock, without waiting for it
    (the app calls this when idle: a read-only start must not take the write lock). False
    when it was busy (try again later) or the file was replaced."""
    if db.database == MEMORY or _has_moved(db.connection()):
        return False
    conn = db.connection()
    conn.set_busy_timeout(0)
    try:
        _optimize(db)
        return True
    except (apsw.BusyError, apsw.LockedError, peewee.OperationalError):
        return False
    finally:
        conn.set_busy_timeout(BUSY_TIMEOUT_MS)


@contextmanager
def write_transaction(db: Database) -> Iterator[object]:
    """One write transaction (``BEGIN IMMEDIATE``); nested calls become savepoints.

    Once the write lock is held, the file this connection has open must still be the one at
    its path (`check_same_file`): a write to a database deleted or replaced under a running
    desk would be lost without a word."""
    with db.atomic("IMMEDIATE") as txn:
        check_same_file(db)
        yield txn


class waiting_at_most:
    """Wait at most ``ms`` milliseconds for another writer's lock (instead of
    `BUSY_TIMEOUT_MS`) inside the block: a write that may be retried later must not hold up
    the desk."""

    def __init__(self, db: Database, ms: int) -> None:
        self.db, self.ms = db, ms

    def __enter__(self):
        self.db.connection().setbusytimeout(self.ms)
        return self

    def __exit__(self, *exc):
        self.db.connection().setbusytimeout(BUSY_TIMEOUT_MS)
        return False


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver error under it) is another writer holding the lock."""
    return isinstance(root_error(exc), (apsw.BusyError, apsw.LockedError))


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
    if db.database != MEMORY and not _has_moved(db.connection()):
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
        os.makedirs(folder, mode=FOLDER_MODE, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create a database at {path}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise StoreError(f"cannot create a database at {path}: folder is not writable")
    try:  # born private whatever the umask; SQLite gives its -wal/-shm the same mode
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        pass  # another desk created it a moment ago: it is theirs to have made private
    except OSError as exc:
        raise StoreError(f"cannot create a database at {path}: {exc.strerror or exc}") from None
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
    """The apsw error under peewee's wrapper (`base.driver_error`)."""
    return driver_error(exc, apsw.Error)


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


def trigger_names(db: Database, table: str) -> set[str]:
    """The triggers on ``table`` in this file."""
    return {name for (name,) in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))}


def column_names(db: Database, table: str) -> set[str]:
    """The columns ``table`` has in this file (a migration adds only those missing)."""
    return {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")')}


def protect_table(db: Database, table: str) -> None:
    """Make ``table`` append-only: triggers refuse every UPDATE and DELETE of its rows."""
    for op in ("update", "delete"):
        db.execute_sql(
            f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{op}" BEFORE {op.upper()} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: its rows cannot be changed "
            "or deleted'); END")


def audit_key_path(db: Database) -> str:
    """The audit log's key: ``<database>.key`` beside the file (never inside it)."""
    return db.database + ".key"


def json_rows(db: Database, table: str, columns: str, after: int):
    """``(id, "\\n" + the JSON array of ``columns``, hash)`` for each row of ``table`` after id
    ``after``, in id order: the audit chain's canonical bodies built by SQLite
    (`store.audit.chain`). ``json_array`` writes what Python's compact encoder writes except
    non-ASCII text (and DEL), which it leaves as it is, and some REAL numbers; the caller
    checks such rows again itself. A BLOB value raises `EngineError` when its row is reached.
    PostgreSQL's returns None: the caller encodes every row."""
    return db.execute_sql(f'SELECT id, char(10) || json_array({columns}), hash FROM "{table}" '
                          "WHERE id > ? ORDER BY id", (after,))


def unprotect_table(db: Database, table: str) -> None:
    """Drop `protect_table`'s triggers (a migration that must fill a new column first)."""
    for op in ("update", "delete"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_no_{op}"')


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


def pair_rows(param: str, dates: bool = False) -> str:
    """SQL rows (integer key, value) of the JSON object bound as ``param``; ``dates``: the
    values are ISO dates (``date(value)``, which PostgreSQL reads as a DATE)."""
    value = "date(value)" if dates else "value"
    return f"SELECT CAST(key AS INTEGER), {value} FROM json_each({param})"


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
    # ``durable``: an import into an office's database (maybe replacing its practice) keeps
    # every fsync; its foreign keys are checked in one pass before its commit
    # (`check_foreign_keys`: 1.4 s for 100,000 patients) instead of row by row (a sixth of
    # the storing).
    DURABLE = (("synchronous", "FULL"), ("cache_size", -262144), ("foreign_keys", 0))

    def __init__(self, db: Database, *, durable: bool = False):
        self.db = db
        self.saved: list[tuple[str, object]] = []
        self.wal = False
        self.settings = self.DURABLE if durable else self.SETTINGS

    def __enter__(self):
        for name, value in self.settings:
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


def check_foreign_keys(db: Database) -> None:
    """Refuse (`StoreError`) a row referring to a row that is not there, every table in one
    pass: inside a `bulk_load` transaction (row-by-row checks off), before its commit."""
    row = db.execute_sql("PRAGMA foreign_key_check").fetchone()
    if row is not None:
        table, rowid, parent, _ = row
        raise StoreError(f"a {table} row (id {rowid}) refers to a {parent} row that is not there")


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
# --- the file: modes, identity, copies -------------------------------------------------

FILE_MODE, FOLDER_MODE = 0o600, 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps next to the database file


def secure_files(path: str) -> None:
    """Make the database and its side files 0600 whatever umask they were made under.

    A database that other users could read is reported (a `StoreWarning`, one line): it
    holds patients' health information, and it may have been readable for a while."""
    if path == MEMORY:
        return
    for name in (path, *(path + side for side in SIDE_FILES)):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
        except OSError:
            continue
        if not mode & 0o077:
            continue
        try:
            os.chmod(name, FILE_MODE)
            fixed = True
        except OSError:
            fixed = False
        if name == path and mode & 0o044:
            warnings.warn(StoreWarning(
                f"database {path} was readable by other users (mode {mode:04o}); it is now 0600"
                if fixed else f"database {path} is readable by other users (mode {mode:04o}) "
                              f"and cannot be changed by this account: chmod 600 it"), stacklevel=2)


def check_same_file(db: Database) -> None:
    """Refuse to write when the file this connection has open is no longer the one at its
    path (deleted, or replaced by a restore or a copy): SQLite would write to the orphaned
    file and the change would be lost. One stat (SQLite's ``SQLITE_FCNTL_HAS_MOVED`` compares
    the path's inode with the open handle's)."""
    if db.database != MEMORY and _has_moved(db.connection()):
        raise StoreError(f"database {db.database} was deleted or replaced since DentLedger "
                         f"opened it; nothing was written: restart DentLedger")


def _has_moved(conn: apsw.Connection) -> bool:
    moved = ctypes.c_int(0)
    understood = conn.file_control("main", apsw.SQLITE_FCNTL_HAS_MOVED, ctypes.addressof(moved))
    return bool(understood and moved.value)


def copy_database(db: Database, target: str) -> None:
    """Write a consistent copy of ``db`` to ``target`` (a new, empty file) with SQLite's online
    backup, in ONE step: the copy is the database as of one moment, and other desks keep
    posting meanwhile (under WAL a reader never blocks a writer). The copy is made
    self-contained (rollback journal: no ``-wal`` beside it)."""
    _copy(db.connection(), target)


def copy_database_file(source: str, target: str) -> None:
    """The same from a database file (a backup being restored), opened read-only."""
    try:
        conn = apsw.Connection(source, flags=apsw.SQLITE_OPEN_READONLY)
    except apsw.Error as exc:
        raise StoreError(describe_error(source, exc)) from None
    try:
        _copy(conn, target)
    except apsw.Error as exc:
        raise StoreError(describe_error(source, exc)) from None
    finally:
        conn.close()


def _copy(source: apsw.Connection, target: str) -> None:
    dest = apsw.Connection(target)
    try:
        with dest.backup("main", source, "main") as backup:
            backup.step(-1)
        dest.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        dest.close()


def integrity_problems(db: Database, limit: int = 10) -> list[str]:
    """What SQLite's ``integrity_check`` finds wrong with the file ([] when it is sound).

    It reads every page and looks every index entry up in its table: with a larger page
    cache and the file memory-mapped for the check, about a fifth less time on a 900 MB
    practice (the connection's own settings are put back)."""
    saved = [(name, db.execute_sql(f"PRAGMA {name}").fetchone()[0])
             for name in ("cache_size", "mmap_size")]
    db.execute_sql("PRAGMA cache_size = -262144")  # 256 MB
    db.execute_sql("PRAGMA mmap_size = 1073741824")
    try:
        rows = [row[0] for row in db.execute_sql(f"PRAGMA integrity_check({int(limit)})")]
    finally:
        for name, value in saved:
            db.execute_sql(f"PRAGMA {name} = {int(value)}")
    return [] if rows == ["ok"] else rows


def make_self_contained(db: Database) -> None:
    """Leave the file alone at its path: a rollback journal, the write-ahead log folded in."""
    db.execute_sql("PRAGMA journal_mode = DELETE").fetchall()


@contextmanager
def sole_access(path: str) -> Iterator[None]:
    """Hold the database at ``path`` alone while it is being replaced.

    Refuses (`StoreError`) when another process has it open: leaving write-ahead-log mode
    needs every other connection closed, so it is the test. The file is left in rollback
    mode (the log folded in: the file at the path is all there is), and an exclusive lock
    keeps desks that start meanwhile waiting until it is released."""
    conn = apsw.Connection(path, flags=apsw.SQLITE_OPEN_READWRITE)
    try:
        conn.set_busy_timeout(1000)
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except apsw.BusyError:
            mode = None
        if mode != "delete":
            raise StoreError(f"another desk has {path} open: close DentLedger everywhere "
                             f"and try again")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        yield
    except apsw.Error as exc:
        raise StoreError(describe_error(path, exc)) from None
    finally:
        conn.close()
