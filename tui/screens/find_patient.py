"""Find patient: the first screen. Type a name, Up/Down to pick, Enter to open the account."""
from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from estimator.money import fmt_grouped
from tui.ports import PatientHit
from tui.screens.base import DeskScreen, after_typed_keys
from tui.widgets.result_list import GAP, ResultList

MONEY_WIDTH = 9  # "99,999.99"
BIRTH_WIDTH = 10
CHART_WIDTH = 10
CHART_FROM = 100  # screens at least this wide also show the chart number
INSURANCE_FROM = 120  # ... and the insurance split: Ins est (carriers pay) apart from W/O est


def result_columns(width: int) -> list[tuple[str, int, str]]:
    """(title, width, justify) of the results list for a screen ``width`` wide. Wide
    screens add the chart number: patients of the same name and age are common in a
    large practice."""
    chart = width >= CHART_FROM
    split = width >= INSURANCE_FROM
    extra = [("Chart", CHART_WIDTH)] * chart + [("Ins est", MONEY_WIDTH), ("W/O est", MONEY_WIDTH)] * split
    fixed = 3 * MONEY_WIDTH + BIRTH_WIDTH + sum(w + len(GAP) for _, w in extra)
    # A leading space, a gap between columns, 2 for the scrollbar.
    free = max(24, width - fixed - 1 - 5 * len(GAP) - 2)
    name = free * 3 // 5
    return [
        ("Name", name, "left"),
        *([("Chart", CHART_WIDTH, "left")] if chart else []),
        ("Born", BIRTH_WIDTH, "left"),
        ("Guarantor", free - name, "left"),
        ("Balance", MONEY_WIDTH, "right"),
        *([("Ins est", MONEY_WIDTH, "right"), ("W/O est", MONEY_WIDTH, "right")] if split else []),
        ("Pt est", MONEY_WIDTH, "right"),
        ("Family", MONEY_WIDTH, "right"),
    ]


def hit_cells(hit: PatientHit, columns: list[tuple[str, int, str]]) -> list[str]:
    """One results row as plain cell texts, in the order of ``columns`` (`ResultList`
    cleans and cuts them; names may hold brackets or control characters and are never
    read as markup)."""
    cells = {
        "Name": hit.name + (" (inactive)" if hit.inactive else ""),
        "Chart": hit.chart_no or hit.patient_id,
        "Born": hit.birthdate.isoformat() if hit.birthdate else "",
        "Guarantor": hit.guarantor_name, "Balance": fmt_grouped(hit.balance_total),
        "Ins est": fmt_grouped(hit.insurance_est), "W/O est": fmt_grouped(hit.writeoff_est),
        "Pt est": fmt_grouped(hit.patient_est), "Family": fmt_grouped(hit.family_total),
    }
    return [cells[title] for title, _, _ in columns]


class FindPatientScreen(DeskScreen):
    """Type-ahead patient search; the search box keeps the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False, id="find.down"),
        Binding("up", "move(-1)", "Previous match", show=False, id="find.up"),
        Binding("pagedown", "move(10)", "Ten down", show=False, id="find.page_down"),
        Binding("pageup", "move(-10)", "Ten up", show=False, id="find.page_up"),
        Binding("enter", "open", "Open account", priority=True, id="find.open"),
        Binding("escape", "clear", "Clear", id="find.clear"),
        Binding("f3", "toggle_inactive", "Show/hide inactive", show=False,
                id="find.toggle_inactive"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[PatientHit] = []
        self._query = ""
        self._searched_at = float("-inf")  # event-loop time of the last search
        self._columns = result_columns(80)
        self.inactive = False  # list inactive patients too (F3)

    def compose(self) -> ComposeResult:
        yield Static(Text("Find patient"), id="find-title", classes="screen-title")
        yield Input(placeholder="Name, chart number or birthdate", id="find-input")
        yield ResultList(id="find-results")
        yield Static(Text(""), id="find-status")
        yield Footer()

    @property
    def results(self) -> ResultList:
        return self.query_one("#find-results", ResultList)

    def on_mount(self) -> None:
        # The list never takes the focus: Up/Down reach it through the screen, typing stays in the box.
        self.query_one("#find-input", Input).cursor_blink = self.desk.config["cursor_blink"]
        self._set_columns()
        self.focus_search()
        self.search("")

    def focus_search(self) -> None:
        self.query_one("#find-input", Input).focus()

    def current_patient(self) -> str | None:
        row = self.results.cursor
        return self._hits[row].patient_id if 0 <= row < len(self._hits) else None

    # --- searching ------------------------------------------------------------

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(exclusive=True, group="find-patient")
    async def search(self, text: str) -> None:
        """At most one search per ``search_debounce`` seconds: a key typed after a pause
        searches at once; keys typed faster than that (a paste, a fast typist) wait out
        the rest of the interval, and a newer key cancels this worker while it waits.

        The query itself runs on the event loop: it takes a few milliseconds
        (index-backed, 50 rows), and a thread would pay for a new database
        connection with a cold page cache on every keystroke.
        """
        loop = asyncio.get_running_loop()
        wait = self._searched_at + self.desk.config["search_debounce"] - loop.time()
        if text and wait > 0:
            await asyncio.sleep(wait)
        self._searched_at = loop.time()
        self._show(text, self._search_now(text))

    def _search_now(self, text: str) -> list[PatientHit]:
        limit = self.desk.config["search_limit"]
        return (self.frontdesk.search(text, limit, inactive=True) if self.inactive
                else self.frontdesk.search(text, limit))

    def _show(self, text: str, hits: list[PatientHit]) -> None:
        self._query, self._hits = text, list(hits)
        self._fill()
        if not hits:
            status = "No patient matches." if text else "No patients yet."
        else:
            status = f"{len(hits)} patient{'s' if len(hits) != 1 else ''}. Enter opens the account."
        if self.inactive:
            status += " Inactive patients shown (F3 hides them)."
        self.query_one("#find-status", Static).update(Text(status))

    def reload(self) -> None:
        self.search(self._query)

    # --- the results list -----------------------------------------------------

    def _set_columns(self) -> None:
        self._columns = result_columns(self.size.width or 80)
        self.results.set_columns(self._columns)

    def _fill(self, *, keep_cursor: bool = False) -> None:
        self.results.set_rows([hit_cells(hit, self._columns) for hit in self._hits],
                              keep_cursor=keep_cursor)

    def on_resize(self) -> None:
        self._set_columns()
        self._fill(keep_cursor=True)

    # --- keys -----------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.results.move_cursor(self.results.cursor + step)

    def action_open(self) -> None:
        after_typed_keys(self, self._open_typed)  # Enter is a priority binding

    def _open_typed(self) -> None:
        text = self.query_one("#find-input", Input).value
        if text != self._query:  # Enter typed before the debounced search ran: never open a
            self.workers.cancel_group(self, "find-patient")  # patient of an older text
            self._searched_at = asyncio.get_running_loop().time()
            self._show(text, self._search_now(text))
        patient = self.current_patient()
        if patient is not None:
            self.desk.open_account(patient)

    def action_toggle_inactive(self) -> None:
        self.inactive = not self.inactive
        self.search(self._query)

    def action_clear(self) -> None:
        self.query_one("#find-input", Input).value = ""

    @on(ResultList.Clicked)
    def _clicked(self, event: ResultList.Clicked) -> None:
        self.action_open()
