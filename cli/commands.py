"""The headless subcommands. Each opens the database, calls the store, prints.

Imports of the store and the TUI happen inside the commands so a quick command
only loads what it needs.
"""
from __future__ import annotations

import contextlib
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


# --- who is acting (--as, SSH) -------------------------------------------------------

FORCED = ("--db", "--as")  # what the forced command decides and the SSH command may not


def acting_as(args, build_parser):
    """``--as NAME``: sign in as that user (refused when unknown or disabled). With no command
    on the line and ``$SSH_ORIGINAL_COMMAND`` set (sshd's forced command), that command is
    split into arguments (never by a shell) and becomes the command, as the same user, on the
    same database."""
    import os
    import shlex

    original = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    if args.command is None and original:
        try:
            words = shlex.split(original)
        except ValueError as exc:
            raise ValueError(f"cannot read the SSH command: {exc}") from None
        if any(_names_forced(word) for word in words):
            raise ValueError("an SSH command may not choose --db or --as: "
                             "the key's forced command decides them")
        inner = build_parser().parse_args(words)
        if inner.db is not None or inner.as_user is not None:
            raise ValueError("an SSH command may not choose --db or --as: "
                             "the key's forced command decides them")
        inner.db, inner.as_user = args.db, args.as_user
        args = inner
    from store.audit import sign_in
    from store.db import open_database

    db = open_database(args.db, create=False)
    try:
        sign_in(db, args.as_user)
    finally:
        db.close()
    return args


def as_account_owner() -> None:
    """No ``--as``: act as the account owner (forgetting a sign-in of an earlier `main` call
    in this process, as the tests make; nothing to forget, nothing loaded, otherwise)."""
    session = sys.modules.get("store.audit.session")
    if session is not None:
        session.sign_out()


def _names_forced(word: str) -> bool:
    """``--db``, ``--as`` or an abbreviation argparse would take for one (``--d=x``)."""
    name = word.split("=", 1)[0]
    return len(name) > 2 and name.startswith("--") and any(f.startswith(name) for f in FORCED)


def require(action: str) -> None:
    """Refuse a command that is not a service call when the user's role lacks it."""
    from store.audit import current, refusal

    who = current()
    message = refusal(who.user, who.role, action)
    if message:
        raise ValueError(message)


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
    close = getattr(app.frontdesk, "close", None)  # views still queued for the audit log
    problem = close() if callable(close) else None
    if problem:
        print(f"dentledger: {problem}", file=sys.stderr)
        return 1
    return int(app.return_code or 0)  # a crash (one line, an incident id) exits non-zero


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
              "after_first_paint": _after_first_paint(db),
              "report_crash": _crash_reporter(path),
              "idle_lock_seconds": idle_lock_seconds(os.environ.get("DENTLEDGER_IDLE_LOCK"))}
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
            if written and written.checked.audit_note:  # said, not hidden in a log
                text, severity = f"{text}; audit {written.checked.audit_note}", "warning"
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
        from store.desks.visit import DbVisitDesk  # the posting desk and the visit's forms
        return DbVisitDesk(db)

    def setup():
        from store.desks.setup import DbSetupDesk
        return DbSetupDesk(db)

    def reports():
        from store.reports import DbReports
        return DbReports(db, today=lambda: app.clock().date())

    def audit_log():
        from store.desks.audit_log import DbAuditLog
        return DbAuditLog(db)

    from store.desks.session import DbSession
    app.config["session"] = DbSession(db)  # who is here: roles, the idle lock
    app.config["audit_log"] = OnFirstUse(audit_log)

    def statements():
        from store.desks.billing import DbBillingDesk
        return DbBillingDesk(db, patient_db_id=app.frontdesk.patient_db_id)

    register_all(app, OnFirstUse(posting))

    def era():
        from store.desks.era import DbEraDesk
        return DbEraDesk(db)

    from tui.forms import register_era
    register_era(app, OnFirstUse(era))  # the ERA screen and the ERA to finish list
    register_setup(app, desk=OnFirstUse(setup))  # carriers, plans, fee schedules, coverage
    app.config["reports"] = OnFirstUse(reports)  # F6, palette (tui.screens.reports)
    app.config["statements"] = OnFirstUse(statements)  # F7, `w` (tui.screens.statements)


def idle_lock_seconds(text: str | None) -> int:
    """``$DENTLEDGER_IDLE_LOCK``: seconds, or minutes with ``m`` (``600``, ``10m``); 0 never
    locks; unset: 10 minutes."""
    if text is None or not text.strip():
        return 600
    raw = text.strip().lower()
    scale = 60 if raw.endswith("m") else 1
    number = raw[:-1] if raw[-1:] in ("m", "s") else raw
    if not number.isdigit() or int(number) * scale > 7 * 24 * 3600:
        raise ValueError(f"DENTLEDGER_IDLE_LOCK={text!r}: give seconds or minutes "
                         "(e.g. 600 or 10m; 0 never locks)")
    return int(number) * scale


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
    record_view(db, patient_id, "ledger")
    return 0


def record_view(db, patient_id: int, via: str) -> None:
    """Audit that one patient's account was shown (after it was: the output comes first);
    a failure is an error, never silent."""
    from store.audit import record_view as write

    sys.stdout.flush()
    try:
        write(db, patient_id, via=via)
    except Exception as exc:
        raise ValueError(f"the account was shown but its view could not be written to the "
                         f"audit log: {describe_error(exc)}") from exc


# --- practice files -----------------------------------------------------------

def cmd_import(args) -> int:
    from cli.progress import Progress
    from store.db import StoreError, bulk_load, check_foreign_keys, write_transaction
    from store.derived import estimates
    from concurrent.futures import ThreadPoolExecutor

    from store.files.import_estimates import EstimatesBeside, compare_sent, let_go, natural_order
    from store.files.importer import file_claims, import_practice
    from store.files.practice_file import load_practice_file

    require("import")
    from store.audit import current_user

    with Progress(f"importing {args.file}") as progress, _no_cycle_collection():
        # Validates everything before the database is opened.
        # (the file's name only: a long folder would squeeze the bar out of an 80-column terminal)
        parsed = progress.step(f"reading {Path(args.file).name}",
                               lambda: load_practice_file(args.file))
        # The families are estimated from the file beside the storing (a child process);
        # what the claims say, which both need, is worked out once, before it starts.
        claims = file_claims(parsed.practice)
        with EstimatesBeside(parsed.practice, claims) as beside, \
                ThreadPoolExecutor(1) as beside_sql:
            db = _open(args)
            # One transaction for the rows and their estimates: all or nothing.
            with bulk_load(db, durable=True), write_transaction(db):
                box = []  # (the loader's working tables: let go with the file, below)
                compared, in_order = [], []

                def while_indexing(loader):  # a child done already: its rows are compared
                    sent = beside.finished()  # with the stored ones beside the index build
                    if sent is not None:
                        compared.append(beside_sql.submit(
                            compare_sent, sent, loader.stored_estimates()))
                    # (then, in turn: the ledger's order, Python's last look at the file)
                    in_order.append(beside_sql.submit(natural_order, loader.p))

                # The Original group is written with the rows (`originals`): only the lines
                # the estimating changes are frozen again (`write_compared`), not the whole
                # practice.
                result = progress.step("storing the practice", lambda: import_practice(
                    db, parsed.practice, replace=args.replace, audit_user=current_user(),
                    keep=box, claims=claims, while_indexing=while_indexing, originals=True))
                del claims  # (the loader has them: let go with it)
                progress.stage("estimating families")
                found = _child_estimates(beside, compared, box[0], progress)
                # Stored, and the child is gone: the file's practice is let go (not while the
                # child shared its pages: each page freed was first copied, three times as long).
                box.insert(0, parsed)  # (let go last: the loader's tables go first)
                del parsed
                natural, freed = in_order[0].result(), None
                if found is None:  # no child, or it failed: the stored rows are estimated here
                    box.clear()  # (first: estimating reads the whole practice again)
                    estimates.reestimate_practice(db, progress=progress, derived=False)
                    estimates.freeze_imported(db)  # every line, as estimated here
                else:
                    estimates.write_compared(db, *found)  # (their Original group with them)
                    del found
                    # Python's last work on the file, in a thread beside the ledger lines' one
                    # statement: SQLite runs it without Python's lock.
                    freed = beside_sql.submit(let_go, box)
                progress.step("ledger lines and report sums",
                              lambda: estimates.rebuild_derived(db, natural_order=natural))
                if freed is not None:
                    freed.result()
                try:  # (the load checks no row as it goes: all of them once, before the commit)
                    check_foreign_keys(db)
                except StoreError as exc:
                    raise StoreError(f"import failed, nothing was written: {exc}") from None
        counts = ", ".join(f"{n} {k}" for k, n in result.counts.items() if n)
        progress.done(f"imported {args.file}: {counts}")
    return 0


def _child_estimates(beside, compared: list, loader, progress):
    """What the import writes of the child's estimates (`estimates.compare_import_estimates`):
    compared beside the index build when the child was done by then, else now (waiting for
    it); None without a child, or when it failed (the caller estimates the stored rows)."""
    if compared:
        try:
            return compared[0].result()
        except Exception:  # noqa: BLE001 - rows that do not unpickle: estimated here instead
            return None
    return beside.compared(loader.stored_estimates(), progress)


@contextlib.contextmanager
def _no_cycle_collection():
    """A bulk job (import, export): millions of objects that stay alive until it ends, no cycles
    among them, so Python's cycle collector would walk them over and over for nothing (it
    took a fifth of an import's time). Plain reference counting still frees what is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def cmd_export(args) -> int:
    from store.files.exporter import export_practice
    from store.files.practice_file import write_practice

    require("export")
    db = _open(args, create=False, writer=False)
    with _no_cycle_collection():
        practice = export_practice(db)
        if args.file == "-":
            write_practice(practice, sys.stdout)
        else:  # written as it is made: 100,000 patients make a file of about a gigabyte
            write_private(args.file, lambda out: write_practice(practice, out))
            print(f"exported {args.file}", file=sys.stderr)
    return 0


def write_private(path: str, data) -> None:
    """Write ``data`` (text as UTF-8, bytes, or a function ``data(out)`` writing the text to
    the open file: an export is written as it is made) to ``path`` as a 0600 file, whole or not
    at all (a temporary name in the same folder, renamed when written; an existing file
    readable by others is replaced, not reused): exports and printed documents hold patients'
    data. A folder, a missing folder or one that cannot be written to is one line."""
    import os
    import tempfile

    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not target.parent.is_dir():
        what = (f"{target.parent} is not a folder" if target.parent.exists()
                else f"there is no folder {target.parent}")
        raise ValueError(f"cannot write {path}: {what}")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                    dir=target.parent)
    except OSError as exc:  # named after the file asked for, not the temporary one
        raise ValueError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        with os.fdopen(fd, "wb" if isinstance(data, bytes) else "w",
                       **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as out:
            if callable(data):
                data(out)
            else:
                out.write(data)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def cmd_demo(args) -> int:
    from store.demo import office as demo_office

    require("demo")
    db = _open(args)
    if args.patients is None:
        demo_office.load_demo_office(db, replace=args.replace)
        _out("loaded the demo office")
        return 0
    if args.patients < 1:
        raise ValueError("--patients must be at least 1")
    from cli.progress import Progress
    from store.demo import synthetic
    with Progress(f"generating {args.patients} patients") as progress:
        progress.stage("generating patients", total=args.patients)
        stats = synthetic.generate(db, patients=args.patients, seed=args.seed,
                                   replace=args.replace, progress=progress)
        progress.done(f"generated {stats}", timed=False)  # the stats say how long
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
