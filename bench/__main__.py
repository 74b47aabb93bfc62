"""``python -m bench [--quick] [--patients N] [--seed S] [--only NAME ...] [--rebuild]
[--engine postgresql --db URL]``

``--engine postgresql --db URL`` measures the same practice on PostgreSQL: the cached SQLite
practice is copied into that (existing, empty or earlier-benchmarked) database with
`store.db.copying` when it does not hold it yet."""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

from . import (
    cache, figures_audit, figures_backup, figures_era, figures_import, figures_ledger,
    figures_money, figures_process, figures_search, figures_statements, figures_visit,
)
from .context import load_context
from .report import Figure, table, write_json
from .timing import Timing

RESULTS = Path(__file__).resolve().parent / "results"
FULL_PATIENTS, QUICK_PATIENTS = 100_000, 5_000

# name -> function(Context) returning a Figure or a list of them, in report order
FIGURES = {
    "startup": figures_process.startup,
    "balance": figures_process.balance,
    "search": figures_search.patient_search,
    "find": figures_search.find_patient_list,
    "ledger": figures_ledger.ledger_cards,
    "payment": figures_money.insurance_payment,
    "carrier": figures_money.carrier_reports,
    "aging": figures_money.aging,
    "era": figures_era.era_import,
    "audit": figures_audit.posting_with_chain,
    "verify": figures_audit.verify,
    "backup": figures_backup.backup,
    "visit": figures_visit.visit,
    "statements": figures_statements.billing_run,
    "import": figures_import.practice_import,
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_PATIENTS:,} patients and fewer repetitions (about a minute)")
    p.add_argument("--patients", type=int, help=f"practice size (default {FULL_PATIENTS:,})")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only", nargs="+", choices=list(FIGURES), metavar="NAME",
                   help="run only these figures: " + ", ".join(FIGURES))
    p.add_argument("--rebuild", action="store_true", help="regenerate the cached practice")
    p.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite",
                   help="the database engine measured (default sqlite)")
    p.add_argument("--db", metavar="URL", help="with --engine postgresql: the database "
                   "(postgresql://...) the practice is copied into and measured in")
    p.add_argument("--json", type=Path, default=RESULTS / "latest.json",
                   help="where to write the results (default bench/results/latest.json)")
    return p.parse_args(argv)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_figure(name: str, fn, ctx) -> list[Figure]:
    log(f"measuring {name} ...")
    started = time.perf_counter()
    try:
        result = fn(ctx)
    except Exception as exc:  # one broken figure must not hide the others
        if os.environ.get("BENCH_DEBUG"):
            traceback.print_exc()
        result = Figure(name, note=f"error: {type(exc).__name__}: {exc}")
    figures = result if isinstance(result, list) else [result]
    log(f"  {name}: {time.perf_counter() - started:.1f} s")
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    patients = args.patients or (QUICK_PATIENTS if args.quick else FULL_PATIENTS)
    started = time.perf_counter()
    path, stats = cache.practice_db(patients, args.seed, rebuild=args.rebuild, log=log)
    figures: list[Figure] = []
    if args.engine == "postgresql":
        if not args.db:
            raise SystemExit("python -m bench: --engine postgresql needs --db postgresql://...")
        copied = cache.on_postgres(path, args.db, log=log)
        if copied is not None:
            figures.append(Figure("copy the practice to PostgreSQL", f"{patients:,} patients",
                                  Timing.of([copied]), target_stat="median",
                                  note="dentledger copy (store.db.copying), checked"))
        path = args.db
    ctx = load_context(path, patients, args.quick)
    if stats is not None:  # the brief: 100,000 patients in under two minutes
        figures.append(Figure("generate the practice", f"{patients:,} patients",
                              Timing.of([stats.seconds]), target_stat="median",
                              target_ms=120_000 if patients <= FULL_PATIENTS else None,
                              note=f"store.demo.synthetic.generate: {stats}"))
    for name, fn in FIGURES.items():
        if not args.only or name in args.only:
            figures += run_figure(name, fn, ctx)
    print(table(figures))
    run = {
        "at": datetime.now().isoformat(timespec="seconds"), "patients": patients,
        "seed": args.seed, "quick": args.quick, "cpus": os.cpu_count(),
        "python": platform.python_version(), "sqlite": _sqlite_version(),
        "engine": args.engine,
        "generated": str(stats) if stats else None,
        "seconds": round(time.perf_counter() - started, 1),
    }
    write_json(args.json, run, figures)
    log(f"wrote {args.json} ({run['seconds']} s)")
    return 0


def _sqlite_version() -> str:
    import apsw
    return apsw.sqlite_lib_version()


if __name__ == "__main__":
    sys.exit(main())
