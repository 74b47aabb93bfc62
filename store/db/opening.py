"""Opening the database: the file, the engine's checks, migrations, the models' binding."""
from __future__ import annotations

import os

import peewee

from ..connection import (
    FOLDER_MODE, MEMORY, Database, EngineError, StoreError, bind_models, check_same_file,
    check_version, describe_error, is_postgres, new_database, prepare_file, refresh_statistics,
    secure_files,
)
from .migrations import migrate


def default_db_path() -> str:
    """``$DENTLEDGER_DB``, else ``<user data dir>/dentledger/dentledger.db`` (that folder is
    kept 0700: it holds the database, its backups' default place, keys and logs)."""
    env = os.environ.get("DENTLEDGER_DB")
    if env:
        return env
    import platformdirs  # only here: a start-up given --db need not load it

    folder = platformdirs.user_data_dir("dentledger")
    _private_folder(folder)
    return os.path.join(folder, "dentledger.db")


def _private_folder(folder: str) -> None:
    try:
        os.makedirs(folder, mode=FOLDER_MODE, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)
    except OSError:
        pass  # prepare_file says what is wrong with the folder, if anything


def open_database(path: str | None = None, *, create: bool = True,
                  writer: bool = True) -> Database:
    """Open (creating and migrating as needed) the DentLedger database at ``path``.

    ``":memory:"`` gives a private in-memory database (tests, ``check``); it
    shares one connection across threads, since each new connection would be a
    different, empty database. ``postgresql://user@host:port/dbname`` opens that PostgreSQL
    database (which must exist; its tables are created on first use). Raises `StoreError`
    with a one-line reason.

    ``writer=False`` is for read-only commands (and the app, which runs it when idle): the
    planner statistics are not refreshed at open, since that takes the write lock and would
    wait for, and then fail behind, a desk in the middle of a long posting.
    """
    db = open_unbound(path or default_db_path(), create=create, statistics=writer)
    bind_models(db)
    return db


def open_unbound(path: str, *, create: bool = False, statistics: bool = False) -> Database:
    """`open_database` without making it the database the models serve: a second database
    in the same process (a backup being checked) must not take the models from the first."""
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
        check_same_file(db)  # replaced while we were opening it (a restore, a copy)
        if statistics:
            refresh_statistics(db)
    except StoreError:
        db.close()
        raise
    except (peewee.DatabaseError, peewee.InterfaceError, EngineError) as exc:
        db.close()
        raise StoreError(describe_error(path, exc)) from exc
    secure_files(path)
    return db
