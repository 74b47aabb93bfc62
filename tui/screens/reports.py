"""Reports: pick a report, its dates and carrier, read the results (rows are few; totals last).

The screen runs no SQL: it asks a `ReportsPort` (``store.reports.DbReports`` over the
database, built by the CLI), injected as ``config["reports"]`` of the app (`register_reports`
sets it). A report
runs in a worker thread, so a large office's aging never freezes the keyboard.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Label, Select, Static

ROWS = Binding.Group("Rows")  # the footer shows "< > Rows" on a report of many pages

from estimator.money import fmt_grouped
from estimator.report_table import (
    ACCOUNT, KINDS_BY_NAME, REPORT_KINDS, ReportColumn, ReportError, ReportRequest, ReportTable,
    parse_day, resolve,
)
from estimator.text import clean
from tui.screens.base import DeskScreen
from tui.widgets.desk_table import DeskTable
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from tui.screens.base import DeskApp

PAGE_ROWS = 2000  # rows on screen at a time (< and > page through the rest)
ALL_CARRIERS = "__all__"


@runtime_checkable
class ReportsPort(Protocol):
    """What the Reports screen needs (``store.reports.DbReports`` implements it)."""

    def carriers(self) -> list[tuple[str, str]]:
        """(id to filter by, name) of every carrier."""
        ...

    def run(self, request: ReportRequest) -> ReportTable:
        """The report (ReportError for arguments that make no sense)."""
        ...


def register_reports(app: DeskApp, port: ReportsPort) -> ReportsPort:
    """Give ``app`` its reports, through ``port``."""
    app.config["reports"] = port
    return port


def open_report(app: DeskApp, name: str = "carriers") -> None:
    """Show the Reports screen on report ``name`` (in place when it is already open)."""
    if isinstance(app.screen, ReportsScreen):
        app.screen.choose(name)
    else:
        app.push_screen(ReportsScreen(name))


def cell(column: ReportColumn, value: object) -> Text:
    """One results cell as plain Text (names may hold brackets or control characters)."""
    if value is None:
        return Text("")
    if column.money:
        return Text(fmt_grouped(int(value)), justify="right")  # type: ignore[arg-type]
    if isinstance(value, date):
        return Text(value.isoformat())
    return Text(clean(str(value)), no_wrap=True, overflow="ellipsis")


class ReportsScreen(DeskScreen):
    """Report picker, dates and carrier on top; the results table; the rules underneath."""

    CSS_PATH = "reports.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="reports.back"),
        Binding("ctrl+r,f9", "run", "Run report", key_display="^r", id="reports.run"),
        # priority: the table's own Enter would hide it; off the table Enter goes on (a date
        # box runs the report).
        Binding("enter", "open_account", "Open account", priority=True,
                id="reports.open_account"),
        # < and >: a date box takes them as typing; on the table they page (F7 is statements).
        Binding("less_than_sign", "page_rows(-1)", "Previous rows", key_display="<",
                group=ROWS, id="reports.previous_rows"),
        Binding("greater_than_sign", "page_rows(1)", "Next rows", key_display=">", group=ROWS,
                id="reports.next_rows"),
    ]

    def __init__(self, name: str = "carriers") -> None:
        super().__init__()
        self.report_name = name if name in KINDS_BY_NAME else "carriers"
        self.table_data: ReportTable | None = None
        # Every line of the results (section titles, rows, totals), drawn a page at a time.
        self._lines: list[tuple[str, object]] = []
        self.page = 0

    # --- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        today = self.desk.clock().date()
        yield Static(Text("Reports"), classes="screen-title")
        with Horizontal(id="reports-form"):
            yield Select([(k.title, k.name) for k in REPORT_KINDS], value=self.report_name,
                         allow_blank=False, id="reports-kind")
            yield Button("Run", id="reports-run", variant="primary")
        with Horizontal(id="reports-filters"):
            yield Label(Text("From"), id="reports-from-label", classes="reports-label")
            yield Input(date(today.year, 1, 1).isoformat(), placeholder="YYYY-MM-DD",
                        id="reports-from", classes="reports-date")
            yield Label(Text("To"), id="reports-to-label", classes="reports-label")
            yield Input(today.isoformat(), placeholder="YYYY-MM-DD", id="reports-to",
                        classes="reports-date")
            yield Label(Text("As of"), id="reports-day-label", classes="reports-label")
            yield Input(today.isoformat(), placeholder="YYYY-MM-DD", id="reports-day",
                        classes="reports-date")
            yield Select([("All carriers", ALL_CARRIERS)], value=ALL_CARRIERS,
                         allow_blank=False, id="reports-carrier")
        yield Static(Text(""), id="reports-error")
        yield Static(Text(""), id="reports-title")
        yield DeskTable(id="reports-table", cursor_type="row", zebra_stripes=True, key_columns=1)
        yield Static(Text(""), id="reports-notes")
        yield KeyBar()

    @property
    def port(self) -> ReportsPort | None:
        return self.desk.config.get("reports")

    @property
    def table(self) -> DataTable:
        return self.query_one("#reports-table", DataTable)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = self.desk.config["cursor_blink"]
        if self.port is None:
            self._error("Reports are not available: no practice database is open.")
            return
        carriers = [("All carriers", ALL_CARRIERS), *((clean(n), cid) for cid, n in
                                                       self.port.carriers())]
        self.query_one("#reports-carrier", Select).set_options(carriers)
        self.query_one("#reports-carrier", Select).value = ALL_CARRIERS
        self._show_fields()
        self.action_run()

    def choose(self, name: str) -> None:
        """Switch to report ``name`` and run it."""
        self.query_one("#reports-kind", Select).value = name

    # --- the form -------------------------------------------------------------

    def _show_fields(self) -> None:
        kind = KINDS_BY_NAME[self.report_name]
        for part in ("from", "to"):
            self.query_one(f"#reports-{part}").display = self._uses_range
            self.query_one(f"#reports-{part}-label").display = self._uses_range
        self.query_one("#reports-day").display = kind.uses_day
        label = self.query_one("#reports-day-label", Label)
        label.display = kind.uses_day
        label.update(Text(kind.day_label))
        self.query_one("#reports-carrier").display = kind.uses_carrier

    @on(Select.Changed, "#reports-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if event.value == self.report_name or event.value not in KINDS_BY_NAME:
            return
        self.report_name = str(event.value)
        self._show_fields()
        self.action_run()

    @property
    def _uses_range(self) -> bool:
        """From / To on screen: not for a report whose range is only a filter (outstanding
        claims are all shown here; `dentledger report claims --from --to` narrows them)."""
        kind = KINDS_BY_NAME[self.report_name]
        return kind.uses_range and not kind.range_is_filter

    def _day(self, part: str, what: str):
        return parse_day(self.query_one(f"#reports-{part}", Input).value, what)

    def request(self) -> ReportRequest:
        """The report asked for (ReportError for a bad date or range)."""
        carrier = self.query_one("#reports-carrier", Select).value
        ranged = self._uses_range
        request = ReportRequest(
            self.report_name,
            start=self._day("from", "From") if ranged else None,
            end=self._day("to", "To") if ranged else None,
            day=self._day("day", KINDS_BY_NAME[self.report_name].day_label),
            carrier=None if carrier in (ALL_CARRIERS, Select.NULL) else str(carrier),
        )
        return resolve(request, self.desk.clock().date(), names=("From", "To"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#reports-run")
    def action_run(self) -> None:
        if self.port is None:
            return
        try:
            request = self.request()
        except ReportError as exc:
            self._error(str(exc))
            return
        self._error("")
        self.query_one("#reports-title", Static).update(Text("Running…"))
        self._run(request)

    @work(exclusive=True, thread=True, group="reports")
    def _run(self, request: ReportRequest) -> None:
        try:
            result: ReportTable | str = self.port.run(request)  # type: ignore[union-attr]
        except Exception as exc:  # one line for the front desk, never a traceback
            result = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self.app.call_from_thread(self._show, result)

    def _error(self, message: str) -> None:
        self.query_one("#reports-error", Static).update(Text(message))

    # --- the results ----------------------------------------------------------

    def _show(self, result: ReportTable | str) -> None:
        if isinstance(result, str):
            self.query_one("#reports-title", Static).update(Text(""))
            self._error(result)
            return
        self.table_data = result
        table = self.table
        table.clear(columns=True)
        for column in result.columns:
            table.add_column(Text(column.title, justify="right" if column.money else "left"),
                             key=column.key)
        self._lines = self._all_lines(result)
        self.page = 0
        self._draw_page()
        self.query_one("#reports-title", Static).update(Text(clean(result.title), style="bold"))

    def _all_lines(self, result: ReportTable) -> list[tuple[str, object]]:
        """("title", text) / ("row", row) / ("total", row) of every section, grand total last."""
        several = len(result.sections) > 1 or result.grand_total is not None
        lines: list[tuple[str, object]] = []
        for section in result.sections:
            if several and section.title:
                lines.append(("title", section.title))
            lines.extend(("row", row) for row in section.rows)
            lines.append(("total", section.total))
        if result.grand_total is not None:
            lines.append(("total", result.grand_total))
        return lines

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self._lines) // PAGE_ROWS))

    def _draw_page(self) -> None:
        """The page's lines in the table; the notes say which rows they are."""
        result, table = self.table_data, self.table
        if result is None:
            return
        table.clear()
        columns = result.columns
        first = self.page * PAGE_ROWS
        for kind, payload in self._lines[first:first + PAGE_ROWS]:
            if kind == "title":
                table.add_row(Text(clean(str(payload)), style="bold underline"),
                              *(Text("") for _ in columns[1:]))
            else:
                cells = [cell(c, payload.get(c.key)) for c in columns]  # type: ignore[union-attr]
                if kind == "total":
                    for text in cells:
                        text.stylize("bold")
                table.add_row(*cells)
        notes = list(result.notes)
        if self.page_count > 1:
            last = min(len(self._lines), first + PAGE_ROWS)
            notes.insert(0, f"Lines {first + 1:,}-{last:,} of {len(self._lines):,} "
                            f"(page {self.page + 1} of {self.page_count}): > next, < previous.")
        self.query_one("#reports-notes", Static).update(Text("\n".join(clean(n) for n in notes)))
        self.refresh_bindings()

    def action_page_rows(self, step: int) -> None:
        page = min(max(0, self.page + step), self.page_count - 1)
        if page != self.page:
            self.page = page
            self._draw_page()
            self.table.move_cursor(row=0)

    def _line_at_cursor(self) -> tuple[str, object] | None:
        at = self.page * PAGE_ROWS + self.table.cursor_row
        return self._lines[at] if 0 <= at < len(self._lines) else None

    def action_open_account(self) -> None:
        """Enter on a row about a family (aging, claims, write-offs): open its account."""
        line = self._line_at_cursor()
        account = line[1].get(ACCOUNT) if line and line[0] == "row" else None  # type: ignore
        if account:
            self.desk.open_account(str(account))
        else:
            self.notify("This line is not one family's.", severity="warning")

    @on(DataTable.RowSelected, "#reports-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        # The table takes Enter itself (its own binding): the screen's binding is its label.
        event.stop()
        self.action_open_account()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page_rows":
            return self.page_count > 1
        if action == "open_account":  # not while typing a date or picking a report
            return self.focused is self.table
        return True

    def rows_text(self) -> list[list[str]]:
        """What the results table shows, as plain text (tests, copying)."""
        table = self.table
        return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]

    # --- keys -----------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()
