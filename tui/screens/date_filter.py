"""Ask for a posted-date range for the ledger card (empty = no limit on that side)."""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from tui.screens.base import DeskModal

DateRange = tuple[date | None, date | None]


def parse_day(text: str) -> date | None:
    """``"2024-03-01"`` -> date; ``""`` -> None; ValueError for anything else."""
    text = text.strip()
    return date.fromisoformat(text) if text else None


class DateFilterScreen(DeskModal[DateRange | None]):
    """From / To; Enter applies, Escape leaves the filter as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "this_year", "This year", id="dates.this_year"),
        Binding("ctrl+l", "clear", "All dates", id="dates.clear"),
    ]

    def __init__(self, start: date | None, end: date | None, *, today: date) -> None:
        super().__init__()
        self.start, self.end, self.today = start, end, today

    def compose(self) -> ComposeResult:
        with Vertical(id="dates-dialog", classes="dialog"):
            yield Static(Text("Show lines posted"), classes="dialog-title")
            with Horizontal(classes="dates-row"):
                yield Label(Text("From"))
                yield Input(self._iso(self.start), placeholder="YYYY-MM-DD", id="dates-from")
            with Horizontal(classes="dates-row"):
                yield Label(Text("To"))
                yield Input(self._iso(self.end), placeholder="YYYY-MM-DD", id="dates-to")
            yield Static(Text(""), id="dates-error")
            yield Static(Text("Enter apply · Esc cancel · ^t this year · ^l all dates"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = self.desk.config["cursor_blink"]

    @staticmethod
    def _iso(day: date | None) -> str:
        return day.isoformat() if day else ""

    @on(Input.Submitted)
    def _apply(self) -> None:
        try:
            start = parse_day(self.query_one("#dates-from", Input).value)
            end = parse_day(self.query_one("#dates-to", Input).value)
        except ValueError:
            self._error("Dates are written YYYY-MM-DD.")
            return
        if start and end and start > end:
            self._error("From is after To.")
            return
        self.dismiss((start, end))

    def _error(self, message: str) -> None:
        self.query_one("#dates-error", Static).update(Text(message))

    def action_this_year(self) -> None:
        self.query_one("#dates-from", Input).value = date(self.today.year, 1, 1).isoformat()
        self.query_one("#dates-to", Input).value = self.today.isoformat()

    def action_clear(self) -> None:
        self.dismiss((None, None))
