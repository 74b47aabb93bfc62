"""Statements at the desk: one family's statement, a walk-out statement, and the billing run
(the preview, then the run), for the CLI (`dentledger statement` / `statements`) and the TUI's
statements screen (`tui.screens.statements`, whose port this is).

The billing run writes one file per family (and, for PDF, the combined print file in volumes,
`documents.batch`) and records each statement sent once its file exists (one posting per
family, `store.services.statements`), so an interrupted run leaves files and records that
agree and a re-run skips the families already billed (they were billed in the last days):

- a cancel (Esc on the screen, the first Ctrl+C on the command line) stops between families:
  the families whose statements are drawn are written and recorded, the others are not
  touched; a PDF volume holds exactly the families recorded;
- anything that stops the run inside a family (an error, a second Ctrl+C) removes that
  family's file if it was not recorded yet;
- a PDF volume is written as ``print-<date>-NNN.pdf.part`` and renamed once its families are
  recorded; after a crash, the next run in the folder rebuilds a left-over ``.part`` volume
  from the recorded families' own files (`recover_volumes`), so the print files hold every
  statement recorded and nothing else.
The run's totals are audited when it stops, however it stops.

Files are private (0600); the folder is created (0700) when missing. `documents` (fpdf2,
pypdf) is imported only when something is written.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from estimator.statement_types import Party, Statement, Walkout

from ..connection import Database
from ..family.ids import guarantor_of, load_id_map
from ..family.loader import load_family, load_line_estimates
from ..read import statements as reads
from ..read.statement_reader import StatementReader, statement_for
from ..services.common import Actor, ServiceError
from ..services.statements import RunTotals, SentStatement, record_billing_run, record_statement

FORMATS = ("pdf", "text")
VOLUME = re.compile(r"^print-(\d{4}-\d{2}-\d{2})-(\d{3,})\.pdf(\.part)?$")


@dataclass(frozen=True)
class RunProgress:
    """How far a run is: statements built and written (recorded), of the families selected."""
    built: int
    written: int
    total: int
    amount_due: int   # of the statements written


class DbBillingDesk:
    """The statements port over one database."""

    def __init__(self, db: Database, *, actor: Actor | None = None,
                 patient_db_id: Callable[[str | int], int] | None = None):
        self.db, self.actor = db, actor
        self.patient_db_id = patient_db_id or (lambda p: int(p))  # the TUI names patients by practice id

    # -- one family --------------------------------------------------------------------
    def office(self) -> tuple[Party, str]:
        return reads.office(self.db)

    def statement(self, patient_id: int, day: date, *, period_start: date | None = None,
                  message: str | None = None) -> Statement:
        """The statement of ``patient_id``'s family (any member) dated ``day``."""
        office, default = reads.office(self.db)
        return statement_for(self.db, guarantor_of(self.db, patient_id), day, office=office,
                             message=default if message is None else message,
                             period_start=period_start)

    def walkout(self, patient_id: int, day: date) -> Walkout:
        """The walk-out statement of ``patient_id``'s visit on ``day`` (StatementError when
        nothing was posted for the patient that day)."""
        from estimator.walkout import build_walkout

        office, _ = reads.office(self.db)
        gid = guarantor_of(self.db, patient_id)
        ids = load_id_map(self.db, kinds=("patient",),
                          where={"patient": f"id IN ({int(patient_id)}, {int(gid)})"})
        return build_walkout(load_family(self.db, gid), load_line_estimates(self.db, gid),
                             ids.practice_id("patient", patient_id), day, office=office,
                             patient=reads.patient_party(self.db, patient_id),
                             account_no=ids.practice_id("patient", gid))

    def walkout_text(self, patient: str | int, day: date) -> str:
        """The walk-out statement of the patient's visit on ``day`` as text (the screen)."""
        from documents.statement_text import walkout_text

        return walkout_text(self.walkout(self.patient_db_id(patient), day))

    def write_walkout(self, patient: str | int, day: date, folder: Path, fmt: str) -> Path:
        """The walk-out statement written (0600) into ``folder`` as ``fmt`` (pdf or text);
        returns its path. A walk-out statement is handed over, not mailed: it is not recorded."""
        from documents import batch, statement_pdf, statement_text

        if fmt not in FORMATS:
            raise ServiceError(f"a statement is written as {' or '.join(FORMATS)}, not {fmt!r}")
        wo = self.walkout(self.patient_db_id(patient), day)
        path = prepare_folder(folder) / batch.file_name(wo, "pdf" if fmt == "pdf" else "txt")
        data = (statement_pdf.walkout_pdf(wo) if fmt == "pdf"
                else statement_text.walkout_text(wo).encode("utf-8"))
        batch.write_private(path, data)
        return path

    def record(self, guarantor: int, st: Statement, fmt: str, file_name: str | None,
               volume: str | None = None) -> int:
        """Record one statement sent (its file exists)."""
        return record_statement(self.db, SentStatement(
            guarantor, st.statement_date, st.amount_due, st.new_balance, st.insurance_pending,
            st.period_start, fmt, file_name, volume), actor=self.actor)

    # -- the billing run ---------------------------------------------------------------
    def preview(self, day: date, *, min_due: int, skip_days: int) -> reads.Selection:
        if min_due < 0 or skip_days < 0:
            raise ServiceError("the minimum amount due and the days to skip are 0 or more")
        return reads.select_families(self.db, day, min_due=min_due, skip_days=skip_days)

    def preview_rows(self, sel: reads.Selection, start: int, stop: int) -> list[reads.PreviewRow]:
        return reads.preview_rows(self.db, sel, start, stop)

    def run(self, sel: reads.Selection, out_dir: Path, fmt: str, *,
            progress: Callable[[RunProgress], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> RunTotals:
        """Write and record the statements of ``sel``; returns the audited totals."""
        if fmt not in FORMATS:
            raise ServiceError(f"a statement is written as {' or '.join(FORMATS)}, not {fmt!r}")
        out_dir = prepare_folder(out_dir)
        recover_volumes(self.db, out_dir)
        office, message = reads.office(self.db)
        run = _Run(self, sel, out_dir, fmt, office, message, progress, cancelled)
        return run.go()


def prepare_folder(out_dir: Path) -> Path:
    """The output folder, created private (0700) when missing; refused when it is a file."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ServiceError(f"{out_dir} is not a folder")
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return out_dir


class _Run:
    """One billing run in progress."""

    def __init__(self, desk: DbBillingDesk, sel: reads.Selection, out_dir: Path, fmt: str,
                 office: Party, message: str, progress, cancelled):
        self.desk, self.sel, self.out_dir, self.fmt = desk, sel, out_dir, fmt
        self.reader = StatementReader(desk.db, sel.day, office=office, message=message)
        self.progress = progress or (lambda _p: None)
        self.cancelled = cancelled or (lambda: False)
        self.built = self.written = self.skipped = self.due = self.balance = 0
        self.stopped = "finished"
        self.guarantor_of: dict[str, int] = {}   # statement's guarantor id -> database id
        self.yielded = 0                         # statements handed to the writer
        self.drawn: dict[str, int] = {}          # PDF volume -> families drawn into it
        self.volume: Path | None = None          # the PDF volume being recorded
        self.in_volume: list[Path] = []          # its families' files recorded so far

    def statements(self):
        """The selection's statements, one at a time; stops between families when cancelled."""
        gids = iter(self.sel.guarantors)
        for st in self.reader.statements(self.sel.guarantors):
            gid = next(gids)
            if self.cancelled():
                self.stopped = "cancelled"
                return
            self.built += 1
            if st.amount_due < self.sel.min_due:
                self.skipped += 1  # a past date: less was due then than the sums say
                continue
            self.guarantor_of[st.guarantor_id] = gid
            self._report()
            self.yielded += 1
            yield st

    def go(self) -> RunTotals:
        from documents import batch

        writer = (batch.write_text(self.statements(), self.out_dir) if self.fmt == "text" else
                  batch.write_pdf(self.statements(), self.out_dir, volume_name=self._volume_name))
        try:
            for written in writer:
                self._record(written)
        except BaseException as exc:
            self.stopped = "cancelled" if isinstance(exc, KeyboardInterrupt) else f"failed: {exc}"
            raise
        finally:
            self._close_volume()
            self._audit()
        return self.totals()

    def _record(self, written) -> None:
        st = written.document
        if written.volume is not None and written.volume != self.volume:
            self._close_volume()
            self.volume = written.volume
        try:
            self.desk.record(self.guarantor_of.pop(st.guarantor_id), st, self.fmt,
                             written.path.name, _final(written.volume).name if written.volume else None)
        except BaseException:
            written.path.unlink(missing_ok=True)  # never a file without its record
            raise
        if written.volume is not None:
            self.in_volume.append(written.path)
        self.written += 1
        self.due += st.amount_due
        self.balance += st.new_balance
        self._report()

    def _report(self) -> None:
        self.progress(RunProgress(self.built, self.written, self.sel.count, self.due))

    # -- PDF volumes ---------------------------------------------------------------------
    def _volume_name(self, _n: int) -> str:
        """Called by the writer once a volume's families are drawn (all those yielded since
        the last volume)."""
        name = next_volume(self.out_dir, self.sel.day).name + ".part"
        self.drawn[name] = self.yielded - sum(self.drawn.values())
        return name

    def _close_volume(self) -> None:
        """The volume being recorded, kept to the families recorded, under its final name."""
        if self.volume is None:
            return
        whole = len(self.in_volume) == self.drawn.get(self.volume.name)
        finish_volume(self.volume, self.in_volume, whole=whole)
        self.volume, self.in_volume = None, []

    def _audit(self) -> None:
        try:
            record_billing_run(self.desk.db, self.totals(), actor=self.desk.actor)
        except ServiceError:
            if self.stopped == "finished":
                raise

    def totals(self) -> RunTotals:
        return RunTotals(
            date=self.sel.day, selected=self.sel.count, sent=self.written, amount_due=self.due,
            new_balance=self.balance, format=self.fmt, folder=str(self.out_dir),
            min_due=self.sel.min_due, skip_days=self.sel.skip_days,
            skipped=self.skipped, stopped=self.stopped)


def _final(volume: Path) -> Path:
    return volume.with_name(volume.name.removesuffix(".part"))


def next_volume(out_dir: Path, day: date) -> Path:
    """``print-<date>-NNN.pdf``, numbered after every volume of that date in the folder (an
    earlier run's volumes are never overwritten)."""
    numbers = [int(m.group(2)) for p in out_dir.iterdir()
               if (m := VOLUME.match(p.name)) and m.group(1) == day.isoformat()]
    return out_dir / f"print-{day.isoformat()}-{max(numbers, default=0) + 1:03d}.pdf"


def finish_volume(volume: Path, recorded: list[Path], *, whole: bool = False) -> None:
    """Give ``volume`` (a ``.part`` print file) its final name, holding exactly the ``recorded``
    families: as it is when it holds them all (``whole``), else rebuilt from their own files,
    removed when none."""
    from documents.batch import write_private

    final = _final(volume)
    if not recorded:
        volume.unlink(missing_ok=True)
        return
    if whole and volume.exists():
        os.replace(volume, final)
        return
    write_private(final, _merged(recorded))
    volume.unlink(missing_ok=True)


def _merged(files: list[Path]) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in files:
        writer.append(str(path))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def recover_volumes(db: Database, out_dir: Path) -> list[Path]:
    """Finish the print volumes a crashed run left as ``.part`` in ``out_dir``, from the
    families recorded in them. Returns the volumes finished."""
    done = []
    for part in sorted(out_dir.glob("print-*.pdf.part")):
        names = [n for (n,) in db.execute_sql(
            "SELECT file_name FROM statement WHERE volume = ? ORDER BY id", (_final(part).name,))]
        recorded = [out_dir / n for n in names if (out_dir / n).exists()]
        finish_volume(part, recorded)
        done.append(_final(part))
    return done


__all__ = ["DbBillingDesk", "RunProgress", "FORMATS", "prepare_folder", "next_volume", "finish_volume", "recover_volumes"]
