"""Backup figures: `dentledger backup` of the whole practice (a consistent copy with SQLite's
online backup, checked: integrity_check, the audit chain, 200 families re-computed), next to a
plain file copy of the same database in the same run (the floor: what copying the bytes
costs on this disk).

Targets: the checked backup under 5 minutes on the 100,000-patient practice (a nightly or
first-start-of-the-day job that runs beside the desks: SQLite's integrity_check, which reads
every page and every index, is most of it); the copy itself, the part a desk could notice (a
read snapshot held while it runs), at most 3x the plain copy."""
from __future__ import annotations

import os
import shutil
import tempfile
import time

from .context import Context
from .report import Figure
from .timing import Timing, measure

# The same 200 families every run (a backup picks them at random): the generated practice's
# estimates are the generator's own arithmetic, and a family where it differs from the
# estimator's would make the figure fail at random.
SEED = 1


def backup(ctx: Context) -> list[Figure]:
    from store.connection import copy_database
    from store.db import backup as backups

    folder = tempfile.mkdtemp(prefix="bench-backup-", dir=ctx.db_path.parent)
    target, plain = os.path.join(folder, "backup.db"), os.path.join(folder, "plain.db")
    db = ctx.open()
    reps = ctx.reps(2, 2)  # a long operation: medians of two (and the plain copy's)
    written = []
    try:
        reference = measure(lambda: shutil.copyfile(ctx.db_path, plain), repeat=reps)
        copy_only = measure(lambda: _fresh_copy(copy_database, db, target), repeat=reps)
        whole = measure(lambda: written.append(backups.backup(db, target, seed=SEED)),
                        repeat=reps)
        parts = _parts(backups, target)
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)
    last = written[-1]
    size = f"{ctx.patients:,} patients, {last.size / 1e6:,.0f} MB"
    return [
        Figure("backup, checked (dentledger backup FILE)", size, whole, target_ms=300_000,
               target_stat="median", reference="plain file copy of the database",
               ref_timing=reference,
               note=f"store.db.backup.backup: one-step online backup, then {parts}; "
                    f"{last.checked.families} of {last.checked.of_families:,} families "
                    f"re-computed"),
        Figure("backup copy alone (online backup API, one step)", size, copy_only,
               target_ratio=3, target_stat="median", reference="plain file copy",
               ref_timing=reference,
               note="store.connection.copy_database: the consistent snapshot desks keep "
                    "posting through"),
    ]


def _fresh_copy(copy, db, target: str) -> None:
    if os.path.exists(target):
        os.remove(target)
    copy(db, target)


def _parts(backups, path: str) -> str:
    """Where a check's time goes, timed once on the last backup (a copy of it, so the
    backup is not changed)."""
    from store.connection import integrity_problems
    from store.db.opening import open_unbound

    probe = path + ".probe"
    shutil.copyfile(path, probe)
    db = open_unbound(probe)
    try:
        started = time.perf_counter()
        integrity_problems(db)
        integrity = time.perf_counter() - started
        started = time.perf_counter()
        backups.check_derived(db, seed=SEED)
        derived = time.perf_counter() - started
    finally:
        db.close()
        os.remove(probe)
    return (f"integrity_check {Timing.of([integrity]).median / 1000:.1f} s, "
            f"200 families re-computed {Timing.of([derived]).median / 1000:.1f} s")
