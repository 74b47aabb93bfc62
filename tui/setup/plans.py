"""Insurance plans: the list (who subscribes, how many patients, identical plans)."""
from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.setup.common import SetupListScreen, cell
from tui.setup.fields import TYPE_NAMES


class PlansScreen(SetupListScreen):
    """Enter edits a plan, n creates one, g opens its code-specific estimating grid."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Edit plan", priority=True, id="plans.edit"),
        Binding("n", "new", "New plan", id="plans.new"),
        Binding("g", "grid", "Code-specific estimating", id="plans.grid"),
    ]

    LIST_TITLE = "Insurance plans"
    TABLE_ID = "plans-table"
    COLUMNS = ("Carrier", "Type", "Employer", "Group", "Subscriber", "Patients", "Identical")

    def list_rows(self) -> list:
        return list(self.setup.plans())

    def row_cells(self, r):
        p = r.plan
        return [cell(r.carrier_name), cell(TYPE_NAMES.get(p.type, p.type)), cell(p.employer),
                cell(p.group_number), cell(r.subscriber_name), cell(r.patients, "right"),
                cell(r.identical or "", "right")], p.id

    def current(self) -> str | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row].plan.id if 0 <= row < len(self.rows) else None

    def select(self, plan_id: str) -> None:
        for n, r in enumerate(self.rows):
            if r.plan.id == plan_id:
                self.query_one(DataTable).move_cursor(row=n)

    def action_edit(self) -> None:
        from tui.setup.plan_form import PlanFormScreen
        plan_id = self.current()
        if plan_id:
            self.app.push_screen(PlanFormScreen(plan_id), self._saved)

    def action_new(self) -> None:
        from tui.setup.plan_form import PlanFormScreen
        self.app.push_screen(PlanFormScreen(None), self._saved)

    def action_grid(self) -> None:
        from tui.setup.code_grid import CodeGridScreen
        plan_id = self.current()
        if plan_id:
            self.app.push_screen(CodeGridScreen(plan_id))

    def _saved(self, plan_id: str | None) -> None:
        self.refresh_view()
        if plan_id:
            self.select(plan_id)
