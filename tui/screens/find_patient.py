"""Find patient: the first screen. Type a name, Up/Down to pick, Enter to open the account."""
from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Input, Static

from estimator.money import fmt_grouped
from estimator.text import clean
from tui.ports import PatientHit
from tui.screens.base import DeskScreen

MONEY_WIDTH = 9  # "99,999.99"
BIRTH_WIDTH = 10


def result_columns(width: int) -> list[tuple[str, int, str]]:
    """(title, width, justify) of the results table for a screen ``width`` wide."""
    # Two cells of padding per column, 2 for the scrollbar.
    free = max(24, width - 3 * MONEY_WIDTH - BIRTH_WIDTH - 6 * 2 - 2)
    name = free * 3 // 5
    return [
        ("Name", name, "left"),
        ("Born", BIRTH_WIDTH, "left"),
        ("Guarantor", free - name, "left"),
        ("Balance", MONEY_WIDTH, "right"),
        ("Pt est", MONEY_WIDTH, "right"),
        ("Family", MONEY_WIDTH, "right"),
    ]


def hit_cells(hit: PatientHit) -> list[Text]:
    """One results row, as plain Text (names may hold brackets or control characters)."""
    born = hit.birthdate.isoformat() if hit.birthdate else ""
    money = (hit.balance_total, hit.patient_est, hit.family_total)
    return [
        Text(clean(hit.name), no_wrap=True, overflow="ellipsis"),
        Text(born),
        Text(clean(hit.guarantor_name), no_wrap=True, overflow="ellipsis"),
        *(Text(fmt_grouped(cents), justify="right") for cents in money),
    ]


class FindPatientScreen(DeskScreen):
    """Type-ahead patient search; the search box keeps the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False, id="find.down"),
        Binding("up", "move(-1)", "Previous match", show=False, id="find.up"),
        Binding("pagedown", "move(10)", "Ten down", show=False, id="find.page_down"),
        Binding("pageup", "move(-10)", "Ten up", show=False, id="find.page_up"),
        Binding("enter", "open", "Open account", priority=True, id="find.open"),
        Binding("escape", "clear", "Clear", id="find.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[PatientHit] = []
        self._query = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Find patient"), id="find-title", classes="screen-title")
        yield Input(placeholder="Name, chart number or birthdate", id="find-input")
        yield DataTable(id="find-results", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="find-status")
        yield Footer()

    @property
    def table(self) -> DataTable:
        return self.query_one("#find-results", DataTable)

    def on_mount(self) -> None:
        self.table.can_focus = False  # Up/Down reach it through the screen; typing stays in the box
        self.query_one("#find-input", Input).cursor_blink = self.desk.config["cursor_blink"]
        self._set_columns()
        self.focus_search()
        self.search("")

    def focus_search(self) -> None:
        self.query_one("#find-input", Input).focus()

    def current_patient(self) -> str | None:
        row = self.table.cursor_row
        return self._hits[row].patient_id if 0 <= row < len(self._hits) else None

    # --- searching ------------------------------------------------------------

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(exclusive=True, group="find-patient")
    async def search(self, text: str) -> None:
        """Debounced: a newer keystroke cancels this worker while it waits.

        The query itself runs on the event loop: it takes a few milliseconds
        (index-backed, 50 rows), and a thread would pay for a new database
        connection with a cold page cache on every keystroke.
        """
        if text and self.desk.config["search_debounce"]:
            await asyncio.sleep(self.desk.config["search_debounce"])
        self._show(text, self.frontdesk.search(text, self.desk.config["search_limit"]))

    def _show(self, text: str, hits: list[PatientHit]) -> None:
        self._query, self._hits = text, list(hits)
        self._fill()
        if not hits:
            status = "No patient matches." if text else "No patients yet."
        else:
            status = f"{len(hits)} patient{'s' if len(hits) != 1 else ''}. Enter opens the account."
        self.query_one("#find-status", Static).update(Text(status))

    def reload(self) -> None:
        self.search(self._query)

    # --- the results table ----------------------------------------------------

    def _set_columns(self) -> None:
        table = self.table
        table.clear(columns=True)
        for title, width, justify in result_columns(self.size.width or 80):
            table.add_column(Text(title, justify=justify), width=width, key=title)

    def _fill(self) -> None:
        table = self.table
        table.clear()
        for hit in self._hits:
            table.add_row(*hit_cells(hit), key=hit.patient_id)
        if self._hits:
            table.move_cursor(row=0)

    def on_resize(self) -> None:
        self._set_columns()
        self._fill()

    # --- keys -----------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self._hits:
            row = max(0, min(len(self._hits) - 1, self.table.cursor_row + step))
            self.table.move_cursor(row=row)

    def action_open(self) -> None:
        patient = self.current_patient()
        if patient is not None:
            self.desk.open_account(patient)

    def action_clear(self) -> None:
        self.query_one("#find-input", Input).value = ""

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self.action_open()
