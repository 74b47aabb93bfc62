"""The headless subcommands. Each opens the database, calls the store, prints.

Imports of the store and the TUI happen inside the commands so a quick command
only loads what it needs.
"""
from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

from . import output


def describe_error(exc: BaseException) -> str:
    """One clear line for any error that reaches the top."""
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename or exc}: no such file" if exc.filename else str(exc)
    if isinstance(exc, PermissionError):
        return f"{exc.filename}: permission denied"
    text = str(exc).strip() or type(exc).__name__
    known = {"StoreError", "PracticeFileError", "MoneyError", "ServiceError", "ValueError"}
    if type(exc).__name__ in known or any(c.__name__ in known for c in type(exc).__mro__):
        return text
    return f"{type(exc).__name__}: {text}"


def _open(args, *, create: bool = True):
    from store.db import open_database
    return open_database(args.db, create=create)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --- app ----------------------------------------------------------------------

def cmd_tui(args) -> int:
    # Start-up allocates much and frees little: the cyclic collector would walk the
    # growing heap again and again for nothing. It resumes once the first screen is up.
    gc.disable()
    try:
        app = _build_tui(args)
        app.run()
    finally:
        gc.enable()
    return 0


def _build_tui(args):
    import os

    from store.demo import office as demo_office
    from store.db import default_db_path, open_database
    from store.desks.frontdesk import DbFrontDesk
    from tui.app import build_app

    path = args.db or default_db_path()
    db = open_database(path)
    config = {"exit_after_first_paint": bool(os.environ.get("DENTLEDGER_EXIT_AFTER_FIRST_PAINT")),
              "after_first_paint": started}
    if demo_office.is_empty(db):
        demo_office.load_demo_office(db)
        notice = f"Created {path} with the demo practice."
        print(notice, file=sys.stderr)
        config["notice"] = notice  # also said on screen: the app hides the terminal
    app = build_app(DbFrontDesk(db), config=config)
    _wire_desks(app, db)
    return app


def started(_app) -> None:
    """The first screen is up. What start-up built lives as long as the app: move it out of
    the collector's sight (`gc.freeze`), so the collections that run while the desk types
    walk only what is new and stay short."""
    gc.freeze()
    gc.enable()


def _wire_desks(app, db) -> None:
    """Posting forms, insurance setup and reports over ``db``. Each desk is built on first
    use: their modules (the posting services, the report queries) would otherwise delay
    the first screen by a tenth of a second."""
    from tui.forms import register_all
    from tui.setup import register_setup

    def posting():
        from store.desks.posting import DbPostingDesk
        return DbPostingDesk(db)

    def setup():
        from store.desks.setup import DbSetupDesk
        return DbSetupDesk(db)

    def reports():
        from store.reports import DbReports
        return DbReports(db, today=lambda: app.clock().date())

    register_all(app, OnFirstUse(posting))

    def era():
        from store.desks.era import DbEraDesk
        return DbEraDesk(db)

    from tui.forms import register_era
    register_era(app, OnFirstUse(era))  # the ERA screen and the ERA to finish list
    register_setup(app, desk=OnFirstUse(setup))  # carriers, plans, fee schedules, coverage
    app.config["reports"] = OnFirstUse(reports)  # F6, palette (tui.screens.reports)


class OnFirstUse:
    """Stands in for an object built by ``build()`` at its first attribute read."""

    def __init__(self, build) -> None:
        self._build = build
        self._target = None

    def __getattr__(self, name: str):  # only called for names not set in __init__
        if self._target is None:
            self._target = self._build()
        return getattr(self._target, name)


# --- look-ups -----------------------------------------------------------------

def cmd_balance(args) -> int:
    from store.desks.frontdesk import DbFrontDesk

    db = _open(args, create=False)
    hits = DbFrontDesk(db).search(args.query, limit=200)
    if not hits:
        print(f"no patient matches {args.query!r}", file=sys.stderr)
        return 1
    _out(output.balances(hits, args.format))
    return 0


def cmd_ledger(args) -> int:
    from cli import ledger_text
    from store.desks.frontdesk import DbFrontDesk
    from store.read.patients import resolve_patient

    db = _open(args, create=False)
    patient_id = resolve_patient(db, args.patient)
    card = DbFrontDesk(db).card(patient_id)
    if args.format == "json":
        _out(json.dumps(ledger_text.render_json(card), indent=2))
    elif args.format == "csv":
        _out(ledger_text.render_csv(card))
    else:
        _out(ledger_text.render_text(card))
    return 0


# --- practice files -----------------------------------------------------------

def cmd_import(args) -> int:
    from store.derived import estimates
    from store.files.importer import import_practice
    from store.files.practice_file import load_practice_file

    parsed = load_practice_file(args.file)  # validates everything before opening the db
    from store.db import write_transaction

    db = _open(args)
    with write_transaction(db):  # import and estimates: all or nothing
        result = import_practice(db, parsed.practice, replace=args.replace)
        estimates.reestimate_all(db)
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items() if n)
    _out(f"imported {args.file}: {counts}")
    return 0


def cmd_export(args) -> int:
    from store.files.exporter import export_practice
    from store.files.practice_file import dumps_practice

    db = _open(args, create=False)
    text = dumps_practice(export_practice(db))
    if args.file == "-":
        _out(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"exported {args.file}", file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    from store.demo import office as demo_office

    db = _open(args)
    if args.patients is None:
        demo_office.load_demo_office(db, replace=args.replace)
        _out("loaded the demo office")
        return 0
    if args.patients < 1:
        raise ValueError("--patients must be at least 1")
    from store.demo import synthetic
    stats = synthetic.generate(db, patients=args.patients, seed=args.seed,
                               replace=args.replace, progress=sys.stderr.isatty())
    _out(f"generated {stats}")
    return 0


# --- scenarios ----------------------------------------------------------------

def cmd_check(args) -> int:
    from cli.check import empty_folders, run_scenario, scenario_files

    files = scenario_files(args.paths)
    if getattr(args, "on", None):  # PostgreSQL: every scenario in one scratch schema
        from store.connection import engine_for, is_postgres
        if not is_postgres(args.on):
            raise SystemExit("dentledger: --on takes a postgresql:// URL")
        with engine_for(args.on).scratch_schema(args.on) as url:
            results = [run_scenario(p, url) for p in files]
    else:
        results = [run_scenario(p) for p in files]
    results += empty_folders(args.paths)
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    if args.json:
        _out(json.dumps({
            "passed": passed, "failed": failed,
            "scenarios": [{"path": r.path, "passed": r.passed, "checked": r.checked,
                           "failures": r.failures, "error": r.error} for r in results],
        }, indent=2))
    else:
        for r in results:
            if r.error:
                _out(f"{r.path}: error: {r.error}")
            for f in r.failures:
                _out(f"{r.path}: {f}")
            if not r.error:  # how many values each file compared (none compared is an error)
                verdict = f"{len(r.failures)} wrong" if r.failures else "all right"
                _out(f"{r.path}: {r.checked} values compared, {verdict}")
        _out(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1
