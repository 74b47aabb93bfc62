"""Opening the database: the file or the server, the engine's checks, migrations, the models'
binding. A ``postgresql://`` URL opens PostgreSQL, anything else a SQLite file."""
from __future__ import annotations

import os

import peewee

from ..connection import (
    MEMORY, Database, EngineError, StoreError, bind_models, check_version, describe_error,
    is_postgres, new_database, prepare_file, refresh_statistics,
)
from .migrations import migrate


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
    different, empty database. ``postgresql://user@host:port/dbname`` opens that PostgreSQL
    database (which must exist; its tables are created on first use). Raises `StoreError`
    with a one-line reason.
    """
    path = path or default_db_path()
    if path != MEMORY and not is_postgres(path):
        path = prepare_file(path, create)
    try:
        db = new_database(path)
    except ImportError:
        raise StoreError("PostgreSQL needs the psycopg package: pip install "
                         "'dentledger[postgresql]'") from None
    try:
        db.connect()
        check_version(db)
        migrate(db)
        refresh_statistics(db)
    except StoreError:
        db.close()
        raise
    except (peewee.DatabaseError, peewee.InterfaceError, EngineError) as exc:
        db.close()
        raise StoreError(describe_error(path, exc)) from exc
    bind_models(db)
    return db
