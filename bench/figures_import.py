"""Importing the practice file `dentledger export` writes of the benchmark's practice, against
the generator building the same practice in the same run (target: at most 2x).

The exported file is cached beside the practice (``bench/cache/practice-<n>-<seed>.json``,
rewritten when the practice is rebuilt: it is older than the database). Both runs write a
fresh database file; the import is the whole `dentledger import` command in this process
(reading and validating the file, storing it, estimating every family, the ledger lines and
report sums), as an office would run it. An export carries each received line's kept
estimate (`claims[].kept_estimates`), so no claim payment is replayed; a file without them
(another program's) is slower to import: the replay rebuilds them.

The figure is the median of three runs of each, generator and import in turn: on a shared
server the speed swings by a tenth within minutes, and one pair gave ratios from 1.96 to 2.16
for the same code.
"""
from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

from .cache import remove
from .context import Context
from .report import Figure
from .timing import Timing

IMPORT_RATIO = 2.0  # import / generate, same practice, same run


def exported_file(ctx: Context) -> Path:
    """The cached export of the benchmark's practice (written when missing or stale)."""
    path = ctx.db_path.with_suffix(".json")
    if path.exists() and path.stat().st_mtime >= ctx.db_path.stat().st_mtime:
        return path
    from store.files.exporter import export_practice
    from store.files.practice_file import write_practice
    db = ctx.open()
    part = path.with_name(path.name + ".part")
    try:
        with open(part, "w", encoding="utf-8") as out:
            write_practice(export_practice(db), out)
    finally:
        db.close()
    part.replace(path)
    return path


def practice_import(ctx: Context) -> Figure:
    from cli.main import main
    from store.db import open_database
    from store.demo import synthetic

    op, size = "import the exported practice file", f"{ctx.patients:,} patients"
    source = exported_file(ctx)
    seed = _seed(ctx)
    scratch = ctx.db_path.with_name(ctx.db_path.stem + ".import.db")
    generated, imported = [], []
    for _ in range(ctx.reps(3, 3)):  # (alternating pairs: the machine's speed swings)
        remove(scratch)
        db = open_database(str(scratch))
        started = time.perf_counter()
        synthetic.generate(db, patients=ctx.patients, seed=seed)
        generated.append(time.perf_counter() - started)
        db.close()
        remove(scratch)
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            status = main(["--db", str(scratch), "import", str(source)])
        imported.append(time.perf_counter() - started)
        if status != 0:
            raise RuntimeError(f"dentledger import failed with status {status}")
    remove(scratch)
    figure = Figure(op, size, Timing.of(imported), reference="generator, same practice",
                    ref_timing=Timing.of(generated), target_stat="median",
                    target_ratio=IMPORT_RATIO)
    figure.note = (f"`dentledger import` of {source.name} ({source.stat().st_size / 1e6:.0f} MB, "
                   f"written by `dentledger export`) into a new database: read and validated, "
                   f"stored, every family estimated (received lines keep the file's estimates), "
                   f"ledger lines and report sums built; the reference is store.demo.synthetic.generate of the "
                   f"same practice into a new database; ratio {figure.ratio:.2f}, "
                   f"target <= {IMPORT_RATIO:g}")
    return figure


def _seed(ctx: Context) -> int:
    """The cached practice's seed (its file name: practice-<patients>-<seed>.db)."""
    return int(ctx.db_path.stem.rsplit("-", 1)[1])
