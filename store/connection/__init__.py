"""The connection: the database type, the store's error, write transactions, and the seam to
the database engines. The lowest layer of the store: it imports nothing else of it.

Two engines offer the same names: `store.connection.sqlite` (apsw: the embedded default, one
office) and `store.connection.postgres` (psycopg 3: a group of practices on one server),
chosen by what `store.db.open_database` is asked to open (a ``postgresql://`` URL or a file).
Every database carries its engine module (``db.engine``); the functions below that take a
database call that engine's, so the rest of the store never asks which engine it is on, and
a desk on SQLite never imports psycopg. What an engine provides:

- the connection: `Database` (the peewee database class), `new_database`, `check_version`
  (refuse an engine too old), `refresh_statistics` (planner statistics at open;
  `refresh_statistics_if_free` when idle, never waiting for the lock), `checkpoint` (idle-time
  log folding), `describe_error` / `root_error` / `EngineError` (the driver's errors,
  explained in one line); SQLite's file: `prepare_file`, `MEMORY`;
- transactions: `write_transaction` (one write transaction that waits for other writers:
  SQLite's ``BEGIN IMMEDIATE``), `waiting_at_most` (a shorter wait for a write that can be
  retried later) and `is_busy` (the error was another writer's lock); `lock_family` (a
  posting waits for other postings to the same family: PostgreSQL's row lock, nothing on
  SQLite, where every writer already waits), `lock_practice` (practice-wide writers:
  migrations, the audit chain's head); a write transaction refuses when the file was deleted
  or replaced under the connection (`check_same_file`; nothing on PostgreSQL);
- the file (SQLite; PostgreSQL backs up with ``pg_dump``): `secure_files` (0600,
  `StoreWarning` when others could read it), `copy_database` / `copy_database_file` (a
  consistent copy while desks post), `integrity_problems`, `make_self_contained`,
  `sole_access` (hold it alone while a restore replaces it), `SIDE_FILES`, `FILE_MODE`,
  `FOLDER_MODE`;
- the database's identity and shape: `schema_version`, `set_schema_version`,
  `application_id`, `table_count`, `column_names`, `trigger_names`, `protect_table` (an
  append-only table: triggers refuse UPDATE and DELETE) and `unprotect_table`; `json_rows`
  (the audit chain's canonical rows built by the engine, None where it cannot: PostgreSQL);
- queries: `revision` (moves when anyone commits), `changes`, `last_row_id`, `executemany`,
  `defer_foreign_keys`, and a list of ids bound as one parameter: `bind_list` with the SQL
  fragments `list_rows`, `in_list`, `pair_rows`;
- bulk loading: `bulk_load`, `indexes_dropped`; copying a practice: `load_rows` (many rows
  into one table: PostgreSQL's COPY), `reset_ids` (ids continue after the copied ones), `snapshot` (a consistent read);
- the models' field classes: `BooleanField`, `DateField`, `DateTimeField` (they store
  booleans as 1/0 and dates as ISO text values, which both engines accept).

SQL text elsewhere in the store is standard SQL (``ON CONFLICT ... DO UPDATE`` included) with
SQLite's ``?`` / ``?1`` / ``:name`` parameters and SQLite's list fragments; the PostgreSQL
engine's `Database` rewrites those to psycopg's ``%s`` / ``%(name)s`` and ``jsonb`` once per
statement text, so statements built at import time serve both engines.

May import: nothing else of the store (peewee, apsw; psycopg only in ``postgres.py``).
"""
from __future__ import annotations

from .base import StoreError, StoreWarning, bind_models, last_opened
from .sqlite import (
    BUSY_TIMEOUT_MS, MEMORY, MIN_SQLITE, STATEMENT_CACHE, WAL_AUTOCHECKPOINT_PAGES, BooleanField,
    Database, DateField, DateTimeField, EngineError, bind_list, check_sqlite_version, in_list,
    list_rows, pair_rows, prepare_file, sqlite_version,
)
from .sqlite import (  # the SQLite file itself: modes, copies (backup and restore)
    FILE_MODE, FOLDER_MODE, SIDE_FILES, copy_database_file, sole_access,
)
from . import sqlite as _sqlite

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(path: str | None) -> bool:
    """True for a PostgreSQL URL (``postgresql://user@host:port/dbname``)."""
    return bool(path) and str(path).lower().startswith(POSTGRES_SCHEMES)


def engine_for(path: str | None):
    """The engine module serving ``path`` (imports psycopg only for a URL)."""
    if is_postgres(path):
        from . import postgres
        return postgres
    return _sqlite


def new_database(path: str):
    return engine_for(path).new_database(path)


def describe_error(path: str, exc: BaseException) -> str:
    return engine_for(path).describe_error(path, exc)


def root_error(exc: BaseException | None) -> BaseException | None:
    found = _sqlite.root_error(exc)
    if found is None and "store.connection.postgres" in __import__("sys").modules:
        from . import postgres
        found = postgres.root_error(exc)
    return found


def _by_engine(name: str):
    def call(db, *args, **kwargs):
        return getattr(db.engine, name)(db, *args, **kwargs)
    call.__name__ = name
    call.__doc__ = getattr(_sqlite, name).__doc__
    return call


check_version = _by_engine("check_version")
refresh_statistics = _by_engine("refresh_statistics")
checkpoint = _by_engine("checkpoint")
write_transaction = _by_engine("write_transaction")
lock_family = _by_engine("lock_family")
lock_practice = _by_engine("lock_practice")
schema_version = _by_engine("schema_version")
set_schema_version = _by_engine("set_schema_version")
application_id = _by_engine("application_id")
table_count = _by_engine("table_count")
column_names = _by_engine("column_names")
revision = _by_engine("revision")
changes = _by_engine("changes")
last_row_id = _by_engine("last_row_id")
executemany = _by_engine("executemany")
defer_foreign_keys = _by_engine("defer_foreign_keys")
load_rows = _by_engine("load_rows")
reset_ids = _by_engine("reset_ids")
snapshot = _by_engine("snapshot")
protect_table = _by_engine("protect_table")
unprotect_table = _by_engine("unprotect_table")
trigger_names = _by_engine("trigger_names")
refresh_statistics_if_free = _by_engine("refresh_statistics_if_free")
check_same_file = _by_engine("check_same_file")
copy_database = _by_engine("copy_database")
integrity_problems = _by_engine("integrity_problems")
make_self_contained = _by_engine("make_self_contained")
audit_key_path = _by_engine("audit_key_path")
json_rows = _by_engine("json_rows")


def waiting_at_most(db, ms: int):
    return db.engine.waiting_at_most(db, ms)


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver error under it) is another writer holding the lock."""
    if _sqlite.is_busy(exc):
        return True
    if "store.connection.postgres" in __import__("sys").modules:
        from . import postgres
        return postgres.is_busy(exc)
    return False


secure_files = _sqlite.secure_files  # a URL names no file: nothing to do


def bulk_load(db, *, durable: bool = False):
    """Settings for one loading transaction (``durable``: an import into an office's
    database keeps every fsync; it calls `check_foreign_keys` before its commit)."""
    return db.engine.bulk_load(db, durable=durable)


def check_foreign_keys(db) -> None:
    """Refuse (`StoreError`) a row referring to a row that is not there: the end of a
    `bulk_load` transaction, which does not check them row by row."""
    db.engine.check_foreign_keys(db)


def indexes_dropped(db, tables):
    return db.engine.indexes_dropped(db, tables)


__all__ = [
    "StoreError", "StoreWarning", "bind_models", "last_opened", "is_postgres", "engine_for",
    "BUSY_TIMEOUT_MS", "MEMORY", "MIN_SQLITE", "STATEMENT_CACHE", "WAL_AUTOCHECKPOINT_PAGES",
    "BooleanField", "Database", "DateField", "DateTimeField", "EngineError", "application_id",
    "bind_list", "bulk_load", "changes", "check_foreign_keys", "column_names", "check_sqlite_version", "check_version",
    "checkpoint", "defer_foreign_keys", "describe_error", "executemany", "in_list",
    "indexes_dropped", "last_row_id", "load_rows", "reset_ids", "snapshot", "list_rows", "lock_family", "lock_practice",
    "new_database", "pair_rows", "prepare_file", "refresh_statistics", "revision",
    "root_error", "schema_version", "set_schema_version", "sqlite_version", "table_count",
    "write_transaction", "protect_table", "trigger_names", "is_busy", "waiting_at_most",
    "unprotect_table", "FILE_MODE", "FOLDER_MODE", "SIDE_FILES", "check_same_file",
    "copy_database", "copy_database_file", "integrity_problems", "make_self_contained",
    "refresh_statistics_if_free", "secure_files", "sole_access", "audit_key_path",
    "json_rows",
]
