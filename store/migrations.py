"""Schema versions, kept in ``PRAGMA user_version``.

``MIGRATIONS[i]`` brings a database from version ``i`` to ``i + 1``; a release
that changes the schema changes the models *and* appends a migration that
alters a database of the previous version. A new (version 0, empty) database is
created straight from the current models and stamped with the latest version,
so the later migrations only ever run on databases that need them.
"""
from __future__ import annotations

from .db import Database, StoreError
from .models import MODELS

APPLICATION_ID = 0x44544C47  # "DTLG" in the file header: this is a DentLedger file


def create_schema(db: Database) -> None:
    """Version 1: every table and index of `store.models`."""
    with db.bind_ctx(MODELS):
        db.create_tables(MODELS)


MIGRATIONS = [create_schema]
LATEST = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    return db.pragma("user_version")


def migrate(db: Database) -> int:
    """Bring ``db`` to `LATEST`; refuse a newer schema or someone else's database."""
    current = schema_version(db)
    _check_supported(db, current)
    if current == LATEST:
        return current
    with db.atomic("IMMEDIATE"):
        current = schema_version(db)  # another workstation may have just migrated it
        _check_supported(db, current)
        if current == 0:
            _check_empty(db)
            create_schema(db)
        else:
            for step in MIGRATIONS[current:]:
                step(db)
        db.pragma("user_version", LATEST)
        db.pragma("application_id", APPLICATION_ID)
    return LATEST


def _check_supported(db: Database, version: int) -> None:
    if version > LATEST:
        raise StoreError(f"database {db.database} has schema version {version}, newer than "
                         f"this DentLedger understands ({LATEST}): upgrade DentLedger")
    app_id = db.pragma("application_id")
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(f"database {db.database} belongs to another program "
                         f"(application id {app_id:#x})")


def _check_empty(db: Database) -> None:
    """A version-0 file must be empty: never add our tables to another program's database."""
    row = db.execute_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    if row[0]:
        raise StoreError(f"database {db.database} is a SQLite database but not a DentLedger one")
