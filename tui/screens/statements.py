"""Statements: the billing run at the desk (F7, the palette).

The date, the minimum amount due, the days to skip since a family's last statement, the
format and the folder; the preview (counts and totals, and the families it will bill); then
the run, in a worker thread with a progress bar while the desk stays usable. Esc cancels a
run cleanly between families: what is written is recorded, the rest is left for the next run.

The screen runs no SQL: it asks a `StatementsPort` (``store.desks.billing.DbBillingDesk``,
wired by the CLI as ``config["statements"]``). Money is shown with the one formatter; amounts
are typed in dollars and parsed by `estimator.money.to_cents`.
"""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Select, Static

from estimator.money import MoneyError, fmt_grouped, to_cents
from estimator.text import clean
from tui.screens.base import DeskScreen

SHOWN = 500  # families listed in the preview (the counts and totals cover them all)
FORMATS = (("PDF", "pdf"), ("Text", "text"))


@runtime_checkable
class StatementsPort(Protocol):
    """What the statements screen and the walk-out statement need (implemented by
    ``store.desks.billing.DbBillingDesk``).

    A preview has ``day``, ``count``, ``total_due``, ``total_balance``, ``total_pending``,
    ``billed_recently`` (+ ``_due``), ``below_minimum`` (+ ``_due``), ``min_due``,
    ``skip_days``; its rows have ``name``, ``account``, ``amount_due``, ``new_balance``,
    ``pending``. The run reports progress with ``built``, ``written``, ``total``,
    ``amount_due`` and returns totals with ``sent``, ``selected``, ``amount_due``, ``skipped``,
    ``stopped`` ("finished", "cancelled" or "failed: ...")."""

    def preview(self, day: date, *, min_due: int, skip_days: int) -> Any: ...
    def preview_rows(self, preview: Any, start: int, stop: int) -> list[Any]: ...
    def run(self, preview: Any, out_dir: Path, fmt: str, *,
            progress: Callable[[Any], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Any: ...
    def walkout_text(self, patient: str, day: date) -> str: ...
    def write_walkout(self, patient: str, day: date, folder: Path, fmt: str) -> Path: ...


def preview_text(p: Any) -> str:
    """The preview's counts and totals, in one or two lines."""
    text = (f"{p.count:,} families owe at least {fmt_grouped(p.min_due)}: amount due "
            f"{fmt_grouped(p.total_due)}, balance {fmt_grouped(p.total_balance)}, insurance "
            f"pending {fmt_grouped(p.total_pending)}.")
    skipped = []
    if p.billed_recently:
        skipped.append(f"{p.billed_recently:,} billed in the last {p.skip_days} days "
                       f"({fmt_grouped(p.billed_recently_due)})")
    if p.below_minimum:
        skipped.append(f"{p.below_minimum:,} owing less ({fmt_grouped(p.below_minimum_due)})")
    return text + (f" Not billed: {'; '.join(skipped)}." if skipped else "")


class StatementsScreen(DeskScreen):
    """The billing run: form on top, the preview's families, the progress underneath."""

    CSS_PATH = "statements.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back / cancel", id="statements.back"),
        Binding("ctrl+r,f9", "preview", "Preview", key_display="^r", id="statements.preview"),
        Binding("ctrl+g", "run", "Run", key_display="^g", id="statements.run"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selection: Any = None
        self.running = False
        self._cancel = False

    # --- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        today = self.desk.clock().date()
        yield Static(Text("Statements: billing run"), classes="screen-title")
        with Horizontal(id="statements-form"):
            yield Label(Text("Date"), classes="statements-label")
            yield Input(today.isoformat(), placeholder="YYYY-MM-DD", id="statements-date")
            yield Label(Text("Min due"), classes="statements-label")
            yield Input("5.00", id="statements-min")
            yield Label(Text("Skip days"), classes="statements-label")
            yield Input("25", id="statements-skip")
            yield Select(FORMATS, value="pdf", allow_blank=False, id="statements-format")
        with Horizontal(id="statements-folder-row"):
            yield Label(Text("Folder"), classes="statements-label")
            yield Input(f"statements-{today.isoformat()}", id="statements-folder")
            yield Button("Preview", id="statements-preview")
            yield Button("Run", id="statements-run", variant="primary")
        yield Static(Text(""), id="statements-error")
        yield Static(Text("Set the date and the minimum, then preview (Ctrl+R)."),
                     id="statements-summary")
        yield DataTable(id="statements-table", cursor_type="row", zebra_stripes=True)
        yield ProgressBar(total=None, show_eta=False, id="statements-progress")
        yield Static(Text(""), id="statements-status")
        yield Footer()

    @property
    def port(self) -> StatementsPort | None:
        return self.desk.config.get("statements")

    @property
    def table(self) -> DataTable:
        return self.query_one("#statements-table", DataTable)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = self.desk.config["cursor_blink"]
        self.table.add_column(Text("Account"), key="account")
        self.table.add_column(Text("Guarantor"), key="name")
        for key, title in (("due", "Amount due"), ("balance", "Balance"), ("pending", "Ins pending")):
            self.table.add_column(Text(title, justify="right"), key=key)
        self.query_one("#statements-progress").display = False
        if self.port is None:
            self._error("Statements are not available: no practice database is open.")
        self.query_one("#statements-date", Input).focus()

    # --- the form -------------------------------------------------------------------
    def _value(self, name: str) -> str:
        return self.query_one(f"#statements-{name}", Input).value.strip()

    def _request(self) -> tuple[date, int, int]:
        """(date, minimum in cents, days to skip); ValueError with one line when one is bad."""
        try:
            day = date.fromisoformat(self._value("date"))
        except ValueError:
            raise ValueError(f"Date: {self._value('date')!r} is not a date (YYYY-MM-DD)") from None
        try:
            min_due = to_cents(self._value("min") or "0")
        except MoneyError as exc:
            raise ValueError(f"Min due: {exc}") from None
        skip = self._value("skip") or "0"
        if not skip.isdigit():
            raise ValueError(f"Skip days: {skip!r} is not a number of days")
        if min_due < 0:
            raise ValueError("Min due: the minimum is 0.00 or more")
        return day, min_due, int(skip)

    def _error(self, message: str) -> None:
        self.query_one("#statements-error", Static).update(Text(clean(message)))

    def _summary(self, message: str) -> None:
        self.query_one("#statements-summary", Static).update(Text(clean(message)))

    @on(Input.Submitted)
    @on(Button.Pressed, "#statements-preview")
    def action_preview(self) -> None:
        if self.port is None or self.running:
            return
        try:
            day, min_due, skip = self._request()
        except ValueError as exc:
            self._error(str(exc))
            return
        self._error("")
        self._summary("Looking for the families to bill…")
        self._preview(day, min_due, skip)

    @work(exclusive=True, thread=True, group="statements-preview")
    def _preview(self, day: date, min_due: int, skip: int) -> None:
        try:
            sel = self.port.preview(day, min_due=min_due, skip_days=skip)  # type: ignore[union-attr]
            rows = self.port.preview_rows(sel, 0, SHOWN)  # type: ignore[union-attr]
        except Exception as exc:  # one line for the desk, never a traceback
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, sel, rows)

    def _failed(self, exc: Exception) -> None:
        self._summary("")
        self._error(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)

    def _show(self, sel: Any, rows: list[Any]) -> None:
        self.selection = sel
        table = self.table
        table.clear()
        for row in rows:
            table.add_row(Text(clean(row.account)), Text(clean(row.name)),
                          *(Text(fmt_grouped(v), justify="right")
                            for v in (row.amount_due, row.new_balance, row.pending)))
        more = f" Showing the first {len(rows):,}." if len(rows) < sel.count else ""
        self._summary(preview_text(sel) + more)
        self.query_one("#statements-status", Static).update(
            Text("Ctrl+G runs it." if sel.count else ""))

    # --- the run ----------------------------------------------------------------------
    @on(Button.Pressed, "#statements-run")
    def action_run(self) -> None:
        if self.port is None or self.running:
            return
        try:
            day, min_due, skip = self._request()
        except ValueError as exc:
            self._error(str(exc))
            return
        sel = self.selection
        if sel is None or (sel.day, sel.min_due, sel.skip_days) != (day, min_due, skip):
            self._error("Preview first (Ctrl+R): the run bills the families the preview shows.")
            return
        if not sel.count:
            self._error("No family to bill.")
            return
        folder = self._value("folder")
        if not folder:
            self._error("Folder: where should the statements go?")
            return
        fmt = str(self.query_one("#statements-format", Select).value)
        self._error("")
        self.running, self._cancel = True, False
        bar = self.query_one("#statements-progress", ProgressBar)
        bar.display = True
        bar.update(total=sel.count, progress=0)
        self._status(f"Billing {sel.count:,} families… (Esc cancels)")
        self._run(sel, Path(folder).expanduser(), fmt)

    @work(exclusive=True, thread=True, group="statements-run")
    def _run(self, sel: Any, folder: Path, fmt: str) -> None:
        last = [0.0]

        def progress(p: Any) -> None:
            now = time.monotonic()  # each update waits for the screen: a few a second
            if now - last[0] >= 0.1:
                last[0] = now
                self.app.call_from_thread(self._progress, p)
        try:
            totals = self.port.run(sel, folder, fmt, progress=progress,  # type: ignore[union-attr]
                                   cancelled=lambda: self._cancel)
        except Exception as exc:  # noqa: BLE001 - the run audited how it stopped
            self.app.call_from_thread(self._finished, None, exc)
            return
        self.app.call_from_thread(self._finished, totals, None)

    def _status(self, message: str) -> None:
        self.query_one("#statements-status", Static).update(Text(clean(message)))

    def _progress(self, p: Any) -> None:
        self.query_one("#statements-progress", ProgressBar).update(total=max(p.total, 1),
                                                                   progress=p.built)
        self._status(f"Written {p.written:,} of {p.total:,}, amount due "
                     f"{fmt_grouped(p.amount_due)}" + (" (cancelling…)" if self._cancel else
                                                       " (Esc cancels)"))

    def _finished(self, totals: Any, exc: Exception | None) -> None:
        self.running = False
        self.selection = None  # billed: a new run starts from a new preview
        if exc is not None:
            self._error(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            self._status("The run stopped; what was written is recorded.")
            return
        self.query_one("#statements-progress", ProgressBar).update(progress=totals.sent)
        stopped = "" if totals.stopped == "finished" else " Cancelled: the rest was not billed."
        skipped = f", {totals.skipped:,} skipped (owing less that day)" if totals.skipped else ""
        self._status(f"Sent {totals.sent:,} of {totals.selected:,} statements{skipped}, amount "
                     f"due {fmt_grouped(totals.amount_due)}, in {self._value('folder')}.{stopped}")
        self.desk.refresh_data(force=True)  # the cards show the statements sent

    # --- keys -------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.running:
            self._cancel = True
            self._status("Cancelling after this family…")
            return
        self.app.pop_screen()


def open_statements(app) -> None:
    if not isinstance(app.screen, StatementsScreen):
        app.push_screen(StatementsScreen())
