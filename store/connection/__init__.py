"""The connection: the database type, the store's error, write transactions, and the seam to
the database engine. The lowest layer of the store: it imports nothing else of it.

Every SQLite-only thing lives in `store.connection.sqlite` (apsw, pragmas, ``json_each``,
``user_version``, ``application_id``, ``sqlite_master``, apsw's connection calls); the rest of
the store imports these names from here. What an engine provides (a second one, e.g.
PostgreSQL through psycopg 3, is a ``postgres.py`` next to ``sqlite.py`` offering the same
names, chosen by what `store.db.open_database` is asked to open):

- the connection: `Database` (the peewee database class), `new_database`, `prepare_file`,
  `MEMORY`, `check_sqlite_version` (refuse an engine too old), `refresh_statistics` (planner
  statistics at open; `refresh_statistics_if_free` when idle, never waiting for the lock),
  `checkpoint` (idle-time log folding), `describe_error` / `root_error` /
  `EngineError` (the driver's errors, explained in one line);
- transactions: `write_transaction` (one write transaction that waits for other writers:
  SQLite's ``BEGIN IMMEDIATE``), `waiting_at_most` (a shorter wait for a write that can be
  retried later) and `is_busy` (the error was another writer's lock); a write transaction
  refuses when the file was deleted or replaced under the connection (`check_same_file`);
- the file: `secure_files` (0600, `StoreWarning` when others could read it), `copy_database` /
  `copy_database_file` (a consistent copy while desks post), `integrity_problems`,
  `make_self_contained`, `sole_access` (hold it alone while a restore replaces it),
  `SIDE_FILES`, `FILE_MODE`, `FOLDER_MODE`;
- the file's identity and shape: `schema_version`, `set_schema_version`, `application_id`,
  `table_count`, `column_names`, `trigger_names`, `protect_table` (an append-only table:
  triggers refuse UPDATE and DELETE) and `unprotect_table`;
- queries: `revision` (moves when anyone commits), `changes`, `last_row_id`, `executemany`,
  `defer_foreign_keys`, and a list of ids bound as one parameter: `bind_list` with the SQL
  fragments `list_rows`, `in_list`, `pair_rows`;
- bulk loading: `bulk_load`, `indexes_dropped`;
- the models' field classes: `BooleanField`, `DateField`, `DateTimeField`.

SQL text elsewhere in the store is standard SQL (``ON CONFLICT ... DO UPDATE`` included) with
SQLite's ``?`` / ``?1`` / ``:name`` parameters; a PostgreSQL engine also rewrites those to
psycopg's ``%s`` / ``%(name)s`` in its `Database`. Two statements are built once at import from
the fragments (`store.derived.ledger_entries`, `store.derived.report_summary`); with a second
engine they are built per engine.

May import: nothing else of the store (peewee, apsw).
"""
from .base import StoreError, StoreWarning, bind_models, last_opened
from .sqlite import (
    BUSY_TIMEOUT_MS, MEMORY, MIN_SQLITE, STATEMENT_CACHE, WAL_AUTOCHECKPOINT_PAGES, BooleanField,
    Database, DateField, DateTimeField, EngineError, application_id, bind_list, bulk_load, changes,
    column_names, check_sqlite_version, checkpoint, defer_foreign_keys, describe_error,
    executemany, in_list, indexes_dropped, last_row_id, list_rows, new_database, pair_rows,
    prepare_file, refresh_statistics, revision, root_error, schema_version, set_schema_version,
    sqlite_version, table_count, write_transaction,
)
from .sqlite import is_busy, protect_table, trigger_names, unprotect_table, waiting_at_most
from .sqlite import (  # the file: modes, identity, copies (backup and restore)
    FILE_MODE, FOLDER_MODE, SIDE_FILES, check_same_file, copy_database, copy_database_file,
    integrity_problems, make_self_contained, refresh_statistics_if_free, secure_files,
    sole_access,
)

__all__ = [
    "StoreError", "StoreWarning", "bind_models", "last_opened",
    "BUSY_TIMEOUT_MS", "MEMORY", "MIN_SQLITE", "STATEMENT_CACHE", "WAL_AUTOCHECKPOINT_PAGES",
    "BooleanField", "Database", "DateField", "DateTimeField", "EngineError", "application_id",
    "bind_list", "bulk_load", "changes", "column_names", "check_sqlite_version", "checkpoint",
    "defer_foreign_keys", "describe_error", "executemany", "in_list", "indexes_dropped",
    "last_row_id", "list_rows", "new_database", "pair_rows", "prepare_file",
    "refresh_statistics", "revision", "root_error", "schema_version", "set_schema_version",
    "sqlite_version", "table_count", "write_transaction", "protect_table", "trigger_names",
    "is_busy", "waiting_at_most", "unprotect_table",
    "FILE_MODE", "FOLDER_MODE", "SIDE_FILES", "check_same_file", "copy_database",
    "copy_database_file", "integrity_problems", "make_self_contained",
    "refresh_statistics_if_free", "secure_files", "sole_access",
]
