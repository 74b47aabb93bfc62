"""The benchmark's practice: built once with the generator, reused while it is current.

``bench/cache/practice-<patients>-<seed>.db`` (git-ignored). The generator's source digest is
stored in the database (setting ``bench.generator``); a cache built by an older generator
is rebuilt. A build goes to a temporary file renamed at the end, so an interrupted build
never leaves a half-made cache behind.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / "cache"
DIGEST_KEY = "bench.generator"


def generator_digest() -> str:
    from store.demo import synthetic
    return hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:16]


def practice_path(patients: int, seed: int) -> Path:
    return CACHE / f"practice-{patients}-{seed}.db"


def _is_current(path: Path) -> bool:
    from store.db import StoreError, open_database
    if not path.exists():
        return False
    try:
        db = open_database(str(path), create=False)
    except StoreError:
        return False
    try:
        row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (DIGEST_KEY,)).fetchone()
        return bool(row) and row[0] == generator_digest()
    finally:
        db.close()


def practice_db(patients: int, seed: int, *, rebuild: bool = False, log=print):
    """Path of a current cached practice (building it if needed) and the generation Stats
    (None when the cache was reused)."""
    from store.demo import synthetic
    from store.db import open_database

    path = practice_path(patients, seed)
    if not rebuild and _is_current(path):
        log(f"using cached practice {path.relative_to(CACHE.parent.parent)}")
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    remove(building)
    log(f"generating {patients} patients (seed {seed}) into {path.name} ...")
    db = open_database(str(building))
    try:
        stats = synthetic.generate(db, patients=patients, seed=seed,
                                   progress=sys.stderr.isatty())
        with db.atomic():
            db.execute_sql("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                           (DIGEST_KEY, generator_digest()))
    finally:
        db.close()
    remove(path)
    os.replace(building, path)
    if os.path.exists(f"{building}.key"):  # the audit chain's key goes with its database
        os.replace(f"{building}.key", f"{path}.key")
    log(f"generated {stats}")
    return path, stats


def on_postgres(path: Path, url: str, log=print) -> float | None:
    """Make the PostgreSQL database ``url`` hold the cached practice at ``path`` (copied
    when it holds anything else); the seconds the copy took, None when it was current."""
    import time

    from store.db import open_database
    from store.db.copying import copy_practice

    target = open_database(url)
    try:
        row = target.execute_sql("SELECT value FROM setting WHERE key = ?",
                                 (DIGEST_KEY,)).fetchone()
        count = target.execute_sql("SELECT count(*) FROM patient").fetchone()[0]
        source = open_database(str(path), create=False)
        try:
            wanted = source.execute_sql("SELECT count(*) FROM patient").fetchone()[0]
            if row and row[0] == generator_digest() and count == wanted:
                log(f"using the practice already in {url}")
                return None
            log(f"copying {path.name} to {url} ...")
            started = time.perf_counter()
            copy_practice(source, target, replace=True)
            return time.perf_counter() - started
        finally:
            source.close()
    finally:
        target.close()


def working_copy(path):
    """A throw-away copy of the cached practice for figures that commit postings (on
    PostgreSQL a database made from the practice's as a template)."""
    if str(path).startswith("postgresql://"):
        return _pg_working_copy(str(path))
    copy = path.with_name(path.stem + ".work.db")
    remove(copy)
    shutil.copyfile(path, copy)
    if os.path.exists(f"{path}.key"):  # so the copy's audit chain verifies
        shutil.copyfile(f"{path}.key", f"{copy}.key")
    return copy


def _pg_working_copy(url: str) -> str:
    import psycopg
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    work = f"{name}_work"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{work}" TEMPLATE "{name}"')
    return urlunsplit(parts._replace(path=f"/{work}"))


def remove(path) -> None:
    if str(path).startswith("postgresql://"):
        import psycopg
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(str(path))
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")),
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
        return
    for suffix in ("", "-wal", "-shm", "-journal", ".key"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass
