"""Code-specific estimating (seed 000): every code's office fee, the plan's allowed fee, how
insurance pays (percent or fixed benefit), the copay, and what the estimator makes of them for
a sample patient with nothing used this year.

The Allowed, Pays and Copay columns are edited in place (Enter, type, Enter); after each edit
the estimate and write-off columns are recomputed by the estimator (`estimator.code_estimates`
through the desk). A blank entry removes the value (no allowed fee: the office fee is used; no
code percentage: the category's applies; no copay).
"""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from estimator.code_estimates import FIXED, CodeEstimate
from estimator.money import fmt_grouped as fmt  # one format: grouped, as the card
from estimator.text import clean
from tui.setup import fields as fx
from tui.setup.common import InlineEditor, SetupScreen, cell, scope_dialog
from tui.widgets.desk_table import DeskTable
from tui.widgets.key_bar import KeyBar

COLUMNS = ("Code", "Description", "Office", "Allowed", "Pays", "Copay", "Deduct", "Ins est",
           "Write-off", "Patient", "Note")
# Money, percentages and notes are as wide as their widest value (never cut); the description
# stays short so that code and description (kept in view) leave room for the rest at 80 columns.
WIDTHS = (6, 20, None, None, None, None, None, None, None, None, None)
EDITABLE = {"Allowed": "allowed", "Pays": "percent", "Copay": "copay"}


def pays_text(row: CodeEstimate, pays: str) -> Text:
    """The percentage used (its source when not set for the code) or the fixed benefit."""
    if pays == FIXED:
        return cell(fmt(row.benefit), "right")
    if row.pays_percent is None:
        return cell("" if row.percent is None else f"{row.percent}%", "right")
    if row.percent is not None:
        return cell(f"{row.percent}%", "right", "bold")
    source = row.percent_from or "none"
    return Text.assemble((f"{row.pays_percent}% ", ""), (clean(source), "dim"), justify="right",
                         no_wrap=True, overflow="ellipsis")


def row_cells(row: CodeEstimate, pays: str) -> list[Text]:
    copay = row.copay if pays == FIXED else row.copay_fee
    money = (row.deductible, row.ins_est, row.writeoff_est, row.patient)
    return [cell(row.code), cell(row.description), cell(fmt(row.office_fee), "right"),
            cell(fmt(row.allowed_fee), "right"), pays_text(row, pays), cell(fmt(copay), "right"),
            *(cell(fmt(v), "right") for v in money), cell(row.note)]


class CodeGridScreen(SetupScreen):
    """Enter edits the Allowed, Pays or Copay cell under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Edit cell", id="grid.edit"),
    ]

    def __init__(self, plan_id: str) -> None:
        super().__init__()
        self.plan_id = plan_id
        self.view = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Code-specific estimating"), classes="screen-title", id="grid-title")
        yield Static(Text(""), classes="setup-info", id="grid-info")
        # Code and description stay in view while the cursor goes right (80 columns).
        yield DeskTable(id="grid-table", cursor_type="cell", zebra_stripes=True, key_columns=2)
        yield Static(Text(""), classes="setup-status")
        yield InlineEditor(id="grid-editor")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title, width in zip(COLUMNS, WIDTHS):
            table.add_column(Text(title, justify="left" if title in ("Code", "Description", "Note")
                                  else "right"), key=title, width=width)
        self.refresh_view()
        table.move_cursor(column=COLUMNS.index("Allowed"))
        table.focus()

    def refresh_view(self) -> None:
        self.view = self.setup.grid(self.plan_id)
        grid = self.view.grid
        self.query_one("#grid-title", Static).update(
            Text(clean(f"Code-specific estimating: {self.view.plan_label}")))
        self.query_one("#grid-info", Static).update(Text(clean(self._info())))
        table = self.query_one(DataTable)
        where = table.cursor_coordinate
        table.clear()
        for row in grid.rows:
            table.add_row(*row_cells(row, grid.pays), key=row.code)
        if grid.rows:
            table.move_cursor(row=min(where.row, len(grid.rows) - 1), column=where.column)

    def _info(self) -> str:
        v, g = self.view, self.view.grid
        names = getattr(v, "schedule_names", {}) or {}
        allowed = (f"{names.get(g.allowed_schedule, g.allowed_schedule)} (used by {v.shared.get(g.allowed_schedule, 0)} plan(s))"
                   if g.allowed_schedule else "none yet" if g.allowed_slot else "office fee (capitation)")
        pays = "a fixed benefit per code" if g.pays == FIXED else "a percentage"
        same = f" · {v.identical} identical plan(s)" if v.identical else ""
        return (f"Allowed fees: {allowed} · Insurance pays {pays} · Estimates for a sample patient "
                f"with nothing used this year{same}")

    # -- editing --------------------------------------------------------------------
    @on(DataTable.CellSelected)
    def _enter(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        coord = table.cursor_coordinate
        rows = self.view.grid.rows
        if not rows:
            return
        row, title = rows[coord.row], COLUMNS[coord.column]
        field = EDITABLE.get(title)
        pays = self.view.grid.pays
        if field == "percent" and pays == FIXED:
            field = "benefit"
        if field == "copay" and pays == FIXED:
            self.status("A fixed-benefit plan's copay is the fee less the benefit; edit Pays.")
            return
        if field is None:
            self.status("Only Allowed, Pays and Copay can be edited here.")
            return
        current = {"allowed": fx.money_text(row.allowed_fee), "percent": fx.percent_text(row.percent),
                   "copay": fx.money_text(row.copay_fee), "benefit": fx.money_text(row.benefit)}[field]
        label = {"allowed": "Allowed fee", "percent": "Percentage", "copay": "Copay",
                 "benefit": "Fixed benefit"}[field]
        self.query_one(InlineEditor).open(f"{label} for {row.code} (blank = none):", current,
                                          lambda text: self._typed(row.code, field, text))

    def _typed(self, code: str, field: str, text: str) -> None:
        try:
            value = (fx.parse_percent(text, f"percentage for {code}") if field == "percent"
                     else fx.parse_money(text, f"{field} for {code}"))
        except ValueError as exc:
            self.status(str(exc), error=True)
            return
        self.query_one(InlineEditor).close()
        if self.view.identical and self._plan_level(field):
            def chosen(scope: str | None) -> None:
                if scope:
                    self._save(code, field, value, scope)
            self.app.push_screen(scope_dialog(self.view.identical), chosen)
        else:
            self._save(code, field, value, "this")

    def _plan_level(self, field: str) -> bool:
        """A percentage is the plan's own; a fee is the schedule's, unless it must be created."""
        grid = self.view.grid
        if field == "percent":
            return True
        return (grid.allowed_schedule if field == "allowed" else grid.copay_schedule) is None

    def _save(self, code: str, field: str, value, scope: str) -> None:
        try:
            self.setup.set_code_term(self.plan_id, code, field, value, scope=scope)
        except ValueError as exc:
            self.status(str(exc), error=True)
            return
        self.app.refresh_data(force=True)  # type: ignore[attr-defined]  (this screen too)
        self.status(f"{code} updated; estimates recomputed.")
