"""The database: opening it (`open_database`), its schema version and the migrations that bring
an older file up to date. Callers outside the store (the CLI, the benchmark, the tests) open a
database here; inside the store every module takes an open ``db`` and imports the connection's
names from `store.connection` (re-exported here for those callers).

May import: `store.connection`, `store.models`, and `store.derived` (a migration that adds a
derived table fills it). Nothing in the store imports this package except the demo generators.
"""
from ..connection import (
    MEMORY, MIN_SQLITE, WAL_AUTOCHECKPOINT_PAGES, Database, StoreError, bulk_load, checkpoint,
    check_foreign_keys, describe_error, root_error, sqlite_version, write_transaction,
)
from .opening import default_db_path, open_database

__all__ = [
    "open_database", "default_db_path",
    "MEMORY", "MIN_SQLITE", "WAL_AUTOCHECKPOINT_PAGES", "Database", "StoreError", "checkpoint",
    "describe_error", "root_error", "sqlite_version", "write_transaction", "bulk_load",
    "check_foreign_keys",
]
