"""Opening the database: apsw SQLite, pragmas, migrations, write transactions.

The interpreter's own sqlite3 (3.40) has the WAL-reset corruption bug, so the
store always goes through apsw (which bundles a recent SQLite) and refuses an
older library. Every write transaction begins IMMEDIATE: with deferred BEGIN,
concurrent writers at several workstations fail with "database is locked"
instead of waiting their turn.
"""
from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager

import apsw
import peewee
from playhouse.apsw_ext import APSWDatabase


Database = APSWDatabase
MIN_SQLITE = (3, 51, 3)  # first release with the WAL-reset fix
BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"
WAL_AUTOCHECKPOINT_PAGES = 16_000  # ~64 MB of 4 KB pages


class StoreError(Exception):
    """A database problem explained in one line for the front desk."""


# Prepared statements kept per connection (apsw's default is 100, its most 512). A posting
# runs some 80 statements; with room for several postings' worth, the ones that repeat (the
# big ledger-entry rebuild above all) stay prepared instead of being evicted by one-offs
# (statements that still write ids into their text) and parsed again.
STATEMENT_CACHE = 512


def default_db_path() -> str:
    """``$DENTLEDGER_DB``, else ``<user data dir>/dentledger/dentledger.db``."""
    env = os.environ.get("DENTLEDGER_DB")
    if env:
        return env
    import platformdirs  # only here: a start-up given --db need not load it

    return os.path.join(platformdirs.user_data_dir("dentledger"), "dentledger.db")


def open_database(path: str | None = None, *, create: bool = True) -> Database:
    """Open (creating and migrating as needed) the DentLedger database at ``path``.

    ``":memory:"`` gives a private in-memory database (tests, ``check``); it
    shares one connection across threads, since each new connection would be a
    different, empty database. Raises `StoreError` with a one-line reason.
    """
    from .migrations import migrate  # migrations imports StoreError from here

    path = path or default_db_path()
    memory = path == MEMORY
    if not memory:
        path = _prepare_file(path, create)
    db = APSWDatabase(path, pragmas=_pragmas(memory), timeout=BUSY_TIMEOUT_MS / 1000,
                      lock_type="IMMEDIATE", thread_safe=not memory,
                      statementcachesize=STATEMENT_CACHE)
    try:
        db.connect()
        check_sqlite_version(db)
        migrate(db)
        refresh_statistics(db)
    except StoreError:
        db.close()
        raise
    except (peewee.DatabaseError, peewee.InterfaceError, apsw.Error) as exc:
        db.close()
        raise StoreError(describe_error(path, exc)) from exc
    _bind_models(db)
    return db


# The models (`store.models`) serve the database opened last. They are bound when they are
# imported, so a start-up that runs no ORM query (Find patient, `balance`) never loads them.
_last_opened: Database | None = None


def _bind_models(db: Database) -> None:
    global _last_opened
    _last_opened = db
    models = sys.modules.get(f"{__package__}.models")
    if models is not None and hasattr(models, "MODELS"):
        db.bind(models.MODELS)


def last_opened() -> Database | None:
    """The database `open_database` opened last (what `store.models` binds to on import)."""
    return _last_opened


def refresh_statistics(db: Database) -> None:
    """Let SQLite refresh the planner's statistics where tables changed a lot.

    Without them the planner guesses, e.g. it reads every claim on hold instead
    of the patient's claims. SQLite's advice for long-lived connections: a
    bounded ``PRAGMA optimize`` at open; it costs ~0.4 s once on a 100,000-patient
    practice and nothing afterwards (the statistics live in the file).
    """
    db.execute_sql("PRAGMA analysis_limit = 400")
    db.execute_sql("PRAGMA optimize = 0x10002")


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


def _prepare_file(path: str, create: bool) -> str:
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
