"""The headless subcommands. Each opens the database, calls the store, prints.

Imports of the store and the TUI happen inside the commands so a quick command
only loads what it needs.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import warnings
from pathlib import Path

from . import output


# Errors that explain bad input or a refusal in their own words (by name: naming them must not
# import the store); any other exception is a bug, reported as an incident (`cli.incidents`).
USER_ERRORS = {"StoreError", "PracticeFileError", "MoneyError", "ServiceError", "ValueError",
               "PostingRefused", "LedgerError", "CliError"}


def is_user_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) or any(c.__name__ in USER_ERRORS for c in type(exc).__mro__)


def describe_error(exc: BaseException) -> str:
    """One clear line for any error that reaches the top."""
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename or exc}: no such file" if exc.filename else str(exc)
    if isinstance(exc, PermissionError):
        return f"{exc.filename}: permission denied"
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename}: is a folder, not a file"
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror[:1].lower()}{exc.strerror[1:]}"
    text = str(exc).strip() or type(exc).__name__
    if is_user_error(exc):
        return text
    return f"{type(exc).__name__}: {text}"


def db_path(args) -> str | None:
    """The database a command works on (for the incident log's place), never failing."""
    try:
        if getattr(args, "db", None):
            return args.db
        from store.db import default_db_path
        return default_db_path()
    except Exception:  # noqa: BLE001 - only asked while reporting another error
        return None


def _open(args, *, create: bool = True, writer: bool = True):
    """The command's database; ``writer=False`` for read-only commands (no write lock at open)."""
    from store.db import open_database
    return open_database(args.db, create=create, writer=writer)


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
    return app.return_code or 0  # a crash (one line, an incident id) exits non-zero


def _build_tui(args):
    from store.demo import office as demo_office
    from store.db import default_db_path, open_database
    from store.desks.frontdesk import DbFrontDesk
    from tui.app import build_app

    path = args.db or default_db_path()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        db = open_database(path, writer=False)  # statistics when idle: never wait at start
    config = {"exit_after_first_paint": bool(os.environ.get("DENTLEDGER_EXIT_AFTER_FIRST_PAINT")),
              "after_first_paint": _after_first_paint(db), "report_crash": _crash_reporter(path)}
    notices = [str(w.message) for w in said]
    if demo_office.is_empty(db):
        demo_office.load_demo_office(db)
        notices.append(f"Created {path} with the demo practice.")
    if notices:
        for notice in notices:
            print(notice, file=sys.stderr)
        config["notice"] = " ".join(notices)  # also said on screen: the app hides the terminal
    app = build_app(DbFrontDesk(db), config=config)
    _wire_desks(app, db)
    return app


def _crash_reporter(db_path: str):
    """What the app calls on an unexpected error: log it without values, return one line."""
    def report(exc: BaseException) -> str:
        from . import incidents
        return incidents.report(exc, incidents.folder_of(db_path))
    return report


def _after_first_paint(db):
    def after(app) -> None:
        started(app)
        daily_backup_soon(app, db)
    return after


def daily_backup_soon(app, db) -> None:
    """The first start of the day writes the daily backup (`dentledger backup --set-daily`)
    in a background thread with its own connection; the desk works on meanwhile and is told
    when it is written (or why not)."""
    import threading
    from datetime import date

    from store.db import backup as backups

    setting = None if db.database == ":memory:" else backups.daily_setting(db)
    if setting is None:
        return
    folder, keep = setting
    if os.path.exists(backups.daily_path(db.database, folder, date.today())):
        return

    def run() -> None:
        try:
            written = backups.daily_backup(db, folder, keep=keep)
            text, severity = (f"Daily backup written: {written.path}" if written else None), \
                "information"
        except Exception as exc:  # noqa: BLE001 - told on screen, the desk keeps working
            text, severity = f"Daily backup failed: {error_text(exc, db.database)}", "error"
        finally:
            db.close()  # this thread's connection
        if text:
            from estimator.text import clean
            try:
                app.call_from_thread(app.notify, clean(text), severity=severity, markup=False,
                                     timeout=10)
            except RuntimeError:  # the app has exited meanwhile
                pass

    threading.Thread(target=run, name="daily-backup", daemon=True).start()


def error_text(exc: BaseException, db_path: str | None) -> str:
    """A refusal's own words, or an incident line for a bug (`cli.incidents`)."""
    if is_user_error(exc):
        return describe_error(exc)
    from . import incidents
    return incidents.report(exc, incidents.folder_of(db_path))


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

    db = _open(args, create=False, writer=False)
    hits = DbFrontDesk(db).search(args.query, limit=200)
    if not hits:  # one line on standard error from cli.main, like every other refusal
        raise ValueError(f"no patient matches {args.query!r}")
    _out(output.balances(hits, args.format))
    return 0


def cmd_ledger(args) -> int:
    from cli import ledger_text
    from store.desks.frontdesk import DbFrontDesk
    from store.read.patients import resolve_patient

    db = _open(args, create=False, writer=False)
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

    db = _open(args, create=False, writer=False)
    text = dumps_practice(export_practice(db))
    if args.file == "-":
        _out(text)
    else:
        write_private(args.file, text)
        print(f"exported {args.file}", file=sys.stderr)
    return 0


def write_private(path: str, text: str) -> None:
    """Write ``text`` to ``path`` as a 0600 file, whole or not at all (a temporary name in the
    same folder, renamed when written): exports hold patients' data."""
    import os
    import tempfile

    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not target.parent.is_dir():
        raise FileNotFoundError(2, "No such folder", str(target.parent))
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


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
    from cli.check import run_scenario, scenario_files

    results = [run_scenario(p) for p in scenario_files(args.paths)]
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
        _out(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1
