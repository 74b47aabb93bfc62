"""``dentledger statement`` and ``dentledger statements``: one family's statement, and the
billing run.

    dentledger statement PATIENT [--date D] [--from D] [--format text|pdf] [--out FILE]
    dentledger statements --date D [--min-due 5.00] [--skip-days 25] [--out DIR]
                          [--format pdf|text] [--dry-run]

`statement` prints the text to standard output when there is no ``--out`` (a look: nothing
is recorded); written to a file (0600) it is a statement sent, recorded and shown on the
ledger card. `statements` prints the preview (counts and totals), then writes one file per
family into DIR (and the print files for a PDF run), recording each statement sent, with a
progress bar on a terminal (`cli.progress`) and a one-line summary. The first Ctrl+C stops
the run cleanly between families (what is written is recorded); a second one stops at once.

`register(subparsers)` adds both commands to the main parser. Errors are raised; `cli.main`
prints them as one line.
"""
from __future__ import annotations

import signal
import sys
from datetime import date
from pathlib import Path

from estimator.money import fmt_grouped, to_cents

from .commands import record_view, require


def register(subparsers) -> None:
    p = subparsers.add_parser("statement", help="one family's statement (text to the screen, "
                                                "or a text/PDF file, recorded as sent)")
    p.add_argument("patient", help="any member of the family: practice-file id, database id or a "
                                   "unique name")
    p.add_argument("--date", dest="day", metavar="DATE", help="the statement date (default today)")
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="first day listed (default: the day after the previous statement, or the "
                        "account's first line)")
    p.add_argument("--format", choices=("text", "pdf"), default="text",
                   help="text (default) or pdf (needs --out)")
    p.add_argument("--out", metavar="FILE", help="write the statement to FILE and record it as sent")
    p.set_defaults(func=cmd_statement)

    p = subparsers.add_parser("statements", help="the billing run: a statement for every family "
                                                 "that owes at least the minimum")
    p.add_argument("--date", dest="day", metavar="DATE", required=True, help="the statement date")
    p.add_argument("--min-due", default="5.00", metavar="AMOUNT",
                   help="bill families owing at least this much now (default 5.00)")
    p.add_argument("--skip-days", type=int, default=25, metavar="N",
                   help="skip families sent a statement in the last N days (default 25)")
    p.add_argument("--out", metavar="DIR", help="folder for the files (default statements-DATE)")
    p.add_argument("--format", choices=("pdf", "text"), default="pdf", help="pdf (default) or text")
    p.add_argument("--dry-run", action="store_true", help="show the preview only; write nothing")
    p.set_defaults(func=cmd_statements)


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date (write YYYY-MM-DD)") from None


def _desk(args):
    from store.db import open_database
    from store.desks.billing import DbBillingDesk

    return DbBillingDesk(open_database(args.db, create=False))


# --- one statement ---------------------------------------------------------------------------

def cmd_statement(args) -> int:
    from store.family.ids import guarantor_of
    from store.read.patients import resolve_patient

    day = _day(args.day, "--date") or date.today()
    start = _day(args.start, "--from")
    if args.format == "pdf" and not args.out:
        raise ValueError("a PDF statement needs --out FILE")
    out = Path(args.out) if args.out else None
    if out is not None and out.is_dir():
        raise ValueError(f"--out {out}: is a folder; give the file's name")
    if out is not None:
        require("statement_sent")  # before the file is written
    desk = _desk(args)
    patient = resolve_patient(desk.db, args.patient)
    st = desk.statement(patient, day, period_start=start)
    from documents import batch, statement_pdf, statement_text

    if out is None:  # a look, not a statement sent: audited as a view, like the ledger
        sys.stdout.write(statement_text.statement_text(st))
        record_view(desk.db, patient, "statement")
        return 0
    data = (statement_pdf.statement_pdf(st) if args.format == "pdf"
            else statement_text.statement_text(st).encode("utf-8"))
    batch.write_private(out, data)
    try:
        desk.record(guarantor_of(desk.db, patient), st, args.format, out.name)
    except BaseException:
        out.unlink(missing_ok=True)  # never a file without its record
        raise
    print(f"wrote {out} (account {st.account_no}, due {fmt_grouped(st.amount_due)}); "
          "recorded as sent", file=sys.stderr)
    return 0


# --- the billing run -------------------------------------------------------------------------

def preview_lines(sel) -> list[str]:
    lines = [f"Statements dated {sel.day.isoformat()}: {sel.count:,} families owe at least "
             f"{fmt_grouped(sel.min_due)}: amount due {fmt_grouped(sel.total_due)}, "
             f"balance {fmt_grouped(sel.total_balance)}, insurance pending "
             f"{fmt_grouped(sel.total_pending)}"]
    if sel.billed_recently:
        lines.append(f"  skipped, billed in the last {sel.skip_days} days: {sel.billed_recently:,} "
                     f"families, due {fmt_grouped(sel.billed_recently_due)}")
    if sel.below_minimum:
        lines.append(f"  skipped, owing less than {fmt_grouped(sel.min_due)}: {sel.below_minimum:,} "
                     f"families, due {fmt_grouped(sel.below_minimum_due)}")
    return lines


def cmd_statements(args) -> int:
    from .progress import Progress

    require("billing_run")
    day = _day(args.day, "--date")
    min_due = to_cents(args.min_due)
    desk = _desk(args)
    sel = desk.preview(day, min_due=min_due, skip_days=args.skip_days)
    print("\n".join(preview_lines(sel)))
    if args.dry_run or not sel.count:
        return 0
    out = Path(args.out or f"statements-{day.isoformat()}")
    stop = _Interrupt()
    with stop, Progress(f"statements {day.isoformat()}") as progress:
        progress.stage("statements", total=sel.count)

        def shown(p) -> None:  # the run counts statements built; the note, files written
            progress(p.built, sel.count,
                     note=f"written {p.written:,}, due {fmt_grouped(p.amount_due)}")

        totals = desk.run(sel, out, args.format, progress=shown, cancelled=stop.asked)
        how = "" if totals.stopped == "finished" else " (stopped: the rest was not billed)"
        skipped = (f", {totals.skipped:,} skipped (owing less on that date)"
                   if totals.skipped else "")
        progress.done(f"sent {totals.sent:,} of {totals.selected:,} statements{skipped}, amount "
                      f"due {fmt_grouped(totals.amount_due)}, written to {out}{how}")
    return 0 if totals.stopped == "finished" else 130


class _Interrupt:
    """The first Ctrl+C asks the run to stop between families; a second one stops at once."""

    def __init__(self):
        self.count = 0
        self._old = None

    def asked(self) -> bool:
        return self.count > 0

    def _handle(self, signum, frame):
        self.count += 1
        if self.count > 1:
            raise KeyboardInterrupt
        print("\nstopping after this family (Ctrl+C again to stop at once) ...", file=sys.stderr)

    def __enter__(self):
        self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self._old)
        return False
