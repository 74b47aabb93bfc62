"""Carriers: the list, and a form for name, write-off code (created when new) and electronic id."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from estimator.text import clean
from tui.screens.base import ChangesGuard, DeskModal
from tui.screens.discard import ask_discard
from tui.setup.common import SetupListScreen, cell


class CarriersScreen(SetupListScreen):
    """Every insurance carrier; Enter edits, n adds one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Edit carrier", priority=True, id="carriers.edit"),
        Binding("n", "new", "New carrier", id="carriers.new"),
    ]

    LIST_TITLE = "Insurance carriers"
    TABLE_ID = "carriers-table"
    COLUMNS = ("Carrier", "Write-off code", "Electronic id", "Plans")

    def list_rows(self) -> list:
        return list(self.setup.carriers())

    def row_cells(self, r):
        c = r.carrier
        return [cell(c.name), cell(c.writeoff_code), cell(c.electronic_id),
                cell(r.plans, "right")], c.id

    def action_edit(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.rows):
            self.app.push_screen(CarrierForm(self.rows[row].carrier), self._saved)

    def action_new(self) -> None:
        self.app.push_screen(CarrierForm(None), self._saved)

    def _saved(self, carrier_id: str | None) -> None:
        if carrier_id:
            self.changed("Carrier saved.")  # reloads this list too


class CarrierForm(ChangesGuard, DeskModal[str | None]):
    """Name, write-off code and electronic id; Enter in the last box (or ctrl+s) saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="carrier.save"),
    ]

    DEFAULT_CSS = """
    CarrierForm { align: center middle; }
    CarrierForm > Vertical { width: 72; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    CarrierForm Horizontal { height: 3; }
    CarrierForm Label { width: 18; padding: 1 0 0 0; }
    CarrierForm Input { width: 1fr; }
    """

    def __init__(self, carrier) -> None:
        super().__init__()
        self.carrier = carrier

    def compose(self) -> ComposeResult:
        c = self.carrier
        codes = ", ".join(a.code for a in self.app.setup_desk.writeoff_codes())  # type: ignore[attr-defined]
        with Vertical():
            yield Static(Text("New carrier" if c is None else f"Carrier {clean(c.name)}", style="bold"))
            for key, label, value in (("name", "Name", c.name if c else ""),
                                      ("writeoff_code", "Write-off code", c.writeoff_code if c else ""),
                                      ("electronic_id", "Electronic id", c.electronic_id if c else "")):
                with Horizontal():
                    yield Label(Text(label))
                    yield Input(value or "", id=f"carrier-{key}")
            yield Static(Text(clean(f"Write-off codes: {codes or 'none yet'}. A new code is created "
                                    "as a write-off code."), style="dim"))
            yield Static(Text(""), id="carrier-error")
            yield Static(Text("Enter next / save · ctrl+s save · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#carrier-name", Input).focus()
        self.call_after_refresh(self.remember_fields)  # what Esc compares with

    def action_close(self) -> None:
        """Esc asks before throwing typed changes away (`ChangesGuard`)."""
        ask_discard(self, lambda: self.dismiss(None))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "carrier-electronic_id":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        value = {key: self.query_one(f"#carrier-{key}", Input).value
                 for key in ("name", "writeoff_code", "electronic_id")}
        try:
            saved = self.app.setup_desk.save_carrier(  # type: ignore[attr-defined]
                self.carrier.id if self.carrier else None, name=value["name"],
                writeoff_code=value["writeoff_code"] or None,
                electronic_id=value["electronic_id"] or None)
        except ValueError as exc:
            self.query_one("#carrier-error", Static).update(Text(clean(str(exc)), style="bold red"))
            return
        self.dismiss(saved)
