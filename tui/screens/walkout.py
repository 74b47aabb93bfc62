"""The walk-out statement of today's visit (`w` on the account, after posting): shown as text
on screen, written as PDF (`p`) or text (`t`) on request into the documents folder
(``config["documents_folder"]``, else the folder the app was started in).

Through the `StatementsPort` (``config["statements"]``); a day with nothing posted for the
patient says so in one line.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from estimator.text import clean
from tui.screens.base import DeskModal


class WalkoutScreen(DeskModal[None]):
    """The statement's text, scrollable; p / t write it, Esc closes."""

    CSS_PATH = "statements.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *DeskModal.BINDINGS,
        Binding("p", "write('pdf')", "Write PDF", id="walkout.pdf"),
        Binding("t", "write('text')", "Write text", id="walkout.text"),
    ]

    def __init__(self, patient_id: str, day: date, text: str) -> None:
        super().__init__()
        self.patient_id, self.day, self.text = patient_id, day, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Walk-out statement, {self.day.isoformat()}", style="bold"))
            with VerticalScroll(id="walkout-text"):
                # Already clean (the statement's content is); clean again: never a raw byte.
                yield Static(Text("\n".join(clean(line) for line in self.text.splitlines())))
            yield Static(Text("p write PDF · t write text · Esc close"), id="walkout-keys")

    def on_mount(self) -> None:
        self.query_one("#walkout-text").focus()

    @property
    def folder(self) -> Path:
        return Path(self.desk.config.get("documents_folder") or ".").expanduser()

    def action_write(self, fmt: str) -> None:
        self._write(fmt)

    @work(exclusive=True, thread=True, group="walkout")
    def _write(self, fmt: str) -> None:
        port = self.desk.config.get("statements")
        try:
            path = port.write_walkout(self.patient_id, self.day, self.folder, fmt)
        except Exception as exc:  # noqa: BLE001 - one line for the desk
            self.app.call_from_thread(self.notify, clean(str(exc).strip() or type(exc).__name__),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"Wrote {clean(str(path))}", markup=False)


def open_walkout(app, patient_id: str) -> None:
    """Show the walk-out statement of ``patient_id``'s visit today (or say why not)."""
    port = app.config.get("statements")
    if port is None:
        app.notify("Statements are not available here.", severity="warning")
        return
    day = app.clock().date()
    try:
        text = port.walkout_text(patient_id, day)
    except Exception as exc:  # noqa: BLE001 - e.g. nothing posted today
        app.notify(clean(str(exc).strip() or type(exc).__name__), severity="warning", markup=False)
        return
    app.push_screen(WalkoutScreen(patient_id, day, text))
