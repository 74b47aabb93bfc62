"""Fee schedules: the list, one schedule's fees (edited in place), a new schedule, importing a
``code,fee`` CSV with a preview, and updating every estimate with a progress bar.

A CSV import is all or nothing: the preview lists every rejected line with its reason and
nothing can be imported until the file is fixed.
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from estimator.model import FEE_SCHEDULE_KINDS
from estimator.money import fmt
from estimator.text import clean
from tui.screens.base import DeskModal
from tui.setup import fields as fx
from tui.setup.common import InlineEditor, ProgressDialog, SetupListScreen, SetupScreen, cell
from tui.widgets.desk_table import DeskTable
from tui.widgets.key_bar import KeyBar

KIND_NAMES = {"office": "Office (UCR)", "allowed": "Allowed (PPO / carrier)", "copay": "Copay",
              "fixed_benefit": "Fixed benefit"}


class FeeSchedulesScreen(SetupListScreen):
    """Enter opens a schedule, n adds one, i imports a CSV into it, u updates every estimate."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open schedule", priority=True, id="schedules.open"),
        Binding("n", "new", "New schedule", id="schedules.new"),
        Binding("i", "import_csv", "Import CSV", id="schedules.import"),
        Binding("u", "update_estimates", "Update estimates", id="schedules.update"),
    ]

    LIST_TITLE = "Fee schedules"
    TABLE_ID = "schedules-table"
    COLUMNS = ("Name", "Kind", "Fees", "Plans", "Providers")

    def list_rows(self) -> list:
        return list(self.setup.fee_schedules())

    def row_cells(self, r):
        s = r.schedule
        return [cell(s.name or s.id), cell(KIND_NAMES.get(s.kind, s.kind)),
                cell(len(s.fees), "right"), cell(r.plans, "right"), cell(r.providers, "right")], s.id

    def current(self) -> str | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row].schedule.id if 0 <= row < len(self.rows) else None

    def select(self, schedule_id: str) -> None:
        for n, r in enumerate(self.rows):
            if r.schedule.id == schedule_id:
                self.query_one(DataTable).move_cursor(row=n)

    def action_open(self) -> None:
        if self.current():
            self.app.push_screen(FeeScheduleScreen(self.current()))

    def action_new(self) -> None:
        def created(schedule_id: str | None) -> None:
            if schedule_id:
                self.changed("Fee schedule created.")
                self.select(schedule_id)
        self.app.push_screen(NewScheduleDialog(), created)

    def action_import_csv(self) -> None:
        if self.current():
            self.app.push_screen(ImportFeesScreen(self.current()))

    def action_update_estimates(self) -> None:
        from tui.setup import update_estimates
        update_estimates(self.app)


class FeeScheduleScreen(SetupScreen):
    """One schedule's fee for every code; Enter edits the fee in place (blank = no fee)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Edit fee", id="schedule.edit"),
        Binding("i", "import_csv", "Import CSV", id="schedule.import"),
    ]

    def __init__(self, schedule_id: str) -> None:
        super().__init__()
        self.schedule_id = schedule_id

    def compose(self) -> ComposeResult:
        yield Static(Text(""), classes="screen-title", id="schedule-title")
        yield DeskTable(id="fees-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), classes="setup-status")
        yield InlineEditor(id="fee-editor")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title in ("Code", "Description", "Fee"):
            table.add_column(Text(title), key=title)
        self.refresh_view()
        table.focus()

    def refresh_view(self) -> None:
        schedule = self.setup.fee_schedule(self.schedule_id)
        self.query_one("#schedule-title", Static).update(
            Text(clean(f"Fee schedule: {schedule.name or schedule.id} "
                       f"({KIND_NAMES.get(schedule.kind, schedule.kind)})")))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.codes = [c.code for c in self.setup.procedure_codes()]
        descriptions = {c.code: c.description for c in self.setup.procedure_codes()}
        for code in self.codes:
            table.add_row(cell(code), cell(descriptions[code]),
                          cell(fmt(schedule.fees.get(code)), "right"), key=code)
        self.fees = dict(schedule.fees)
        if self.codes:
            table.move_cursor(row=min(max(row, 0), len(self.codes) - 1))

    @on(DataTable.RowSelected)
    def _enter(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self.codes):
            return
        code = self.codes[row]
        self.query_one(InlineEditor).open(f"Fee for {code} (blank = no fee):",
                                          fx.money_text(self.fees.get(code)),
                                          lambda text: self._typed(code, text))

    def _typed(self, code: str, text: str) -> None:
        try:
            amount = fx.parse_money(text, f"fee for {code}")
            self.setup.set_fee(self.schedule_id, code, amount)
        except ValueError as exc:
            self.status(str(exc), error=True)
            return
        self.query_one(InlineEditor).close()
        self.changed(f"Fee for {code} saved; estimates updated.")

    def action_import_csv(self) -> None:
        self.app.push_screen(ImportFeesScreen(self.schedule_id))


class NewScheduleDialog(DeskModal[str | None]):
    """Name and kind of a new fee schedule."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Create", id="new_schedule.save"),
    ]

    DEFAULT_CSS = """
    NewScheduleDialog { align: center middle; }
    NewScheduleDialog > Vertical { width: 70; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    NewScheduleDialog Horizontal { height: 3; }
    NewScheduleDialog Label { width: 10; padding: 1 0 0 0; }
    NewScheduleDialog Input, NewScheduleDialog Select { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("New fee schedule", style="bold"))
            with Horizontal():
                yield Label(Text("Name"))
                yield Input(id="schedule-name")
            with Horizontal():
                yield Label(Text("Kind"))
                yield Select([(Text(KIND_NAMES[k]), k) for k in FEE_SCHEDULE_KINDS], value="allowed",
                             allow_blank=False, id="schedule-kind")
            yield Static(Text(""), id="schedule-error")
            yield Static(Text("Enter / ctrl+s create · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            created = self.app.setup_desk.create_fee_schedule(  # type: ignore[attr-defined]
                self.query_one(Input).value, self.query_one(Select).value)
        except ValueError as exc:
            self.query_one("#schedule-error", Static).update(Text(clean(str(exc)), style="bold red"))
            return
        self.dismiss(created)


class ImportFeesScreen(SetupScreen):
    """Type the CSV file's path, Enter previews it; ctrl+s imports when nothing was rejected."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "import_now", "Import", id="import.save"),
    ]

    DEFAULT_CSS = """
    ImportFeesScreen #import-path-row { height: 3; }
    ImportFeesScreen #import-path-row Label { width: 12; padding: 1 0 0 1; }
    ImportFeesScreen #import-path { width: 1fr; }
    ImportFeesScreen #import-summary { height: auto; padding: 0 1; }
    """

    def __init__(self, schedule_id: str) -> None:
        super().__init__()
        self.schedule_id = schedule_id
        self.preview = None
        self.text = ""

    def compose(self) -> ComposeResult:
        schedule = self.setup.fee_schedule(self.schedule_id)
        yield Static(Text(clean(f"Import fees into {schedule.name or schedule.id}")),
                     classes="screen-title")
        with Horizontal(id="import-path-row"):
            yield Label(Text("CSV file"))
            yield Input(id="import-path", placeholder="path to a code,fee file")
        yield Static(Text("One fee per line: code,fee (a first 'code,fee' header line is skipped). "
                          "All or nothing: fix every rejected line before importing."),
                     classes="setup-info")
        yield Static(Text(""), id="import-summary")
        yield DeskTable(id="import-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), classes="setup-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _load(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        try:
            self.text = path.read_text(encoding="utf-8-sig")
            self.preview = self.setup.preview_fees(self.schedule_id, self.text)
        except (OSError, UnicodeDecodeError) as exc:
            self.status(f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}", error=True)
            return
        except ValueError as exc:
            self.status(str(exc), error=True)
            return
        self._show()

    def _show(self) -> None:
        p = self.preview
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if p.rejected:
            summary = (f"{len(p.rejected)} line(s) rejected, {len(p.accepted)} accepted. Nothing will "
                       "be imported: fix the file and press Enter in the file box again.")
            for title in ("Line", "Reason", "Text"):
                table.add_column(Text(title), key=title)
            for r in p.rejected:
                table.add_row(cell(r.line, "right"), cell(r.reason), cell(r.text))
        else:
            summary = (f"{len(p.accepted)} fee(s) ready: {p.new} new, {p.changed} changed. "
                       "ctrl+s imports them and updates the estimates.")
            for title in ("Line", "Code", "Now", "New"):
                table.add_column(Text(title), key=title)
            for f in p.accepted:
                table.add_row(cell(f.line, "right"), cell(f.code), cell(fmt(f.old), "right"),
                              cell(fmt(f.amount), "right"))
        self.query_one("#import-summary", Static).update(
            Text(clean(summary), style="bold red" if p.rejected else "bold"))

    def action_import_now(self) -> None:
        if self.preview is None:
            self.status("Preview a file first (type its path, Enter).")
            return
        if not self.preview.ok:
            self.status("Nothing imported: the file has rejected lines (or no fees).", error=True)
            return

        def job(progress):
            return self.setup.import_fees(self.schedule_id, self.text, progress=progress)

        def done(result) -> None:
            ok, value = result or (False, "not imported")
            if not ok:
                self.status(str(value), error=True)
                return
            self.changed(f"Imported {len(value.accepted)} fee(s); estimates updated.")
            self.dismiss(None)
        self.app.push_screen(ProgressDialog("Importing fees", job), done)
