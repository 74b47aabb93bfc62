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


def working_copy(path: Path) -> Path:
    """A throw-away copy of the cached practice for figures that commit postings."""
    copy = path.with_name(path.stem + ".work.db")
    remove(copy)
    shutil.copyfile(path, copy)
    if os.path.exists(f"{path}.key"):  # so the copy's audit chain verifies
        shutil.copyfile(f"{path}.key", f"{copy}.key")
    return copy


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".key"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass
