"""The treatment plan (``t`` on the account): the planned work in plan order with each plan's
estimate and write-off estimate and the patient's portion, per line and in total (the
estimator's numbers, as on the ledger card), and what is left of each plan's annual maximum.
Shift+Up/Down reorder, f changes a planned fee, x drops a line, c completes it, P plans more."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from estimator.money import fmt_grouped
from estimator.text import clean
from tui.forms.confirm import ConfirmScreen
from tui.forms.port import PostingRefused
from tui.forms.visit_port import PlannedLine, TreatmentPlan, VisitDesk
from tui.screens.base import FOCUS_BINDINGS

DESCRIPTION_WIDTH = 22


def plan_summary(plan: TreatmentPlan) -> Text:
    """One line per plan: the annual maximum left, what the plan uses, what would be left."""
    if not plan.plans:
        return Text("No insurance: the patient pays the whole plan.")
    out = Text()
    for n, col in enumerate(plan.plans):
        left = "unknown" if col.annual_max_left is None else fmt_grouped(col.annual_max_left)
        after = "unknown" if col.left_after is None else fmt_grouped(col.left_after)
        out.append(("\n" if n else "") + clean(f"{col.order} {col.label}: "), "bold")
        unbilled = f" · work not billed yet {fmt_grouped(col.unbilled)}" if col.unbilled else ""
        out.append(f"annual max left {left}{unbilled} · this plan's estimates "
                   f"{fmt_grouped(col.planned)} · left after {after}")
        if col.over_max:
            out.append(f" · {col.over_max} line(s) over the maximum: better next year", "bold")
    return out


def columns(plan: TreatmentPlan) -> list[tuple[str, str]]:
    out = [("#", "right"), ("Code", "left"), ("Tooth", "left"), ("Description", "left"),
           ("Charge", "right")]
    for col in plan.plans:
        out += [(f"Ins {col.order}", "right"), (f"W/O {col.order}", "right")]
    return out + [("Patient", "right")]


def line_cells(n: int, line: PlannedLine) -> list[Text]:
    tooth = " ".join(x for x in (line.tooth, line.surface) if x)
    cells = [Text(str(n), justify="right"), Text(clean(line.code)), Text(clean(tooth)),
             Text(clean(line.description)[:DESCRIPTION_WIDTH], overflow="ellipsis"),
             Text(fmt_grouped(line.charge), justify="right")]
    for est in line.plans:
        marked = est is not None and est.note and "max" in est.note.lower()
        cells += [Text(fmt_grouped(est.ins_est) + ("*" if marked else "") if est else "",
                       justify="right"),
                  Text(fmt_grouped(est.writeoff_est) if est else "", justify="right")]
    return cells + [Text(fmt_grouped(line.patient_portion), justify="right")]


def total_cells(plan: TreatmentPlan) -> list[Text]:
    cells = [Text(""), Text("Total", style="bold"), Text(""), Text(""),
             Text(fmt_grouped(plan.charge), justify="right", style="bold")]
    for est, wo in zip(plan.ins_est, plan.writeoff_est):
        cells += [Text(fmt_grouped(est), justify="right", style="bold"),
                  Text(fmt_grouped(wo), justify="right", style="bold")]
    return cells + [Text(fmt_grouped(plan.patient_portion), justify="right", style="bold")]


class TreatmentPlanScreen(ModalScreen[None], inherit_bindings=False):
    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("shift+up", "move(-1)", "Move up", id="plan.up"),
        Binding("shift+down", "move(1)", "Move down", id="plan.down"),
        Binding("f", "fee", "Fee", id="plan.fee"),
        Binding("x", "drop", "Drop", id="plan.drop"),
        Binding("c", "complete", "Complete", id="plan.complete"),
        Binding("P", "add", "Plan more", show=False, id="plan.add"),
        Binding("escape", "close", "Close", id="plan.close"),
    ]

    def __init__(self, posting: VisitDesk, patient_id: str | None) -> None:
        super().__init__()
        self.posting, self.patient_id = posting, patient_id
        self.plan: TreatmentPlan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="plan-dialog", classes="form-dialog"):
            yield Static(Text("Treatment plan"), id="plan-title", classes="form-title")
            yield Static(Text(""), id="plan-benefits", classes="form-text")
            yield DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("* cut by the annual maximum · Shift+Up/Down reorder · f fee · "
                              "x drop · c complete · P plan more · Esc close"),
                         classes="form-hint")
        yield Footer()

    def on_mount(self) -> None:
        if self.patient_id is None:
            self.notify("Open a patient's account first.", severity="warning")
            self.dismiss(None)
            return
        self.reload()
        self.table.focus()

    @property
    def table(self) -> DataTable:
        return self.query_one("#plan-table", DataTable)

    def reload(self, select: str | None = None) -> None:
        """Called after an action here and by the app when anything was posted."""
        current = select or (self.current().key if self.current() else None)
        self.plan = plan = self.posting.treatment_plan(self.patient_id)
        self.query_one("#plan-title", Static).update(
            Text(clean(f"Treatment plan · {plan.patient} · as of {plan.as_of.isoformat()}")))
        self.query_one("#plan-benefits", Static).update(plan_summary(plan))
        table = self.table
        table.clear(columns=True)
        for title, justify in columns(plan):
            table.add_column(Text(title, justify=justify), key=title)
        for n, line in enumerate(plan.lines, 1):
            table.add_row(*line_cells(n, line), key=line.key)
        if plan.lines:
            table.add_row(*total_cells(plan), key="total")
        keys = [ln.key for ln in plan.lines]
        if current in keys:
            table.move_cursor(row=keys.index(current))

    def current(self) -> PlannedLine | None:
        if self.plan is None:
            return None
        row = self.table.cursor_row
        return self.plan.lines[row] if 0 <= row < len(self.plan.lines) else None

    def _line_or_warn(self) -> PlannedLine | None:
        line = self.current()
        if line is None:
            self.notify("No planned work selected.", severity="warning")
        return line

    # --- actions -------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        line = self._line_or_warn()
        if line is None:
            return
        try:
            self.posting.move_planned(line.key, step)
        except PostingRefused as exc:
            self.notify(str(exc), title="Not moved", severity="warning", markup=False)
            return
        self.app.refresh_data()  # type: ignore[attr-defined]
        self.reload(line.key)

    def _correction(self, kind: str) -> None:
        from tui.forms.corrections import CORRECTIONS  # loaded with the first correction
        line = self._line_or_warn()
        if line is not None:
            self.app.push_screen(CORRECTIONS[kind](self.posting, self.patient_id, line.key))

    def action_fee(self) -> None:
        self._correction("fee")

    def action_complete(self) -> None:
        self._correction("complete")

    def action_drop(self) -> None:
        line = self._line_or_warn()
        if line is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            from estimator.visit_views import Correction
            try:
                self.posting.correct(line.key, Correction(delete=True))
            except PostingRefused as exc:
                self.notify(str(exc), title="Not dropped", severity="error", markup=False)
                return
            self.notify(f"Dropped {clean(line.code)} from the plan.", title="Posted", markup=False)
            self.app.refresh_data()  # type: ignore[attr-defined]
            self.reload()
        message = Text(f"Drop {clean(line.code)} {clean(line.description)} "
                       f"({fmt_grouped(line.charge)}) from the treatment plan?")
        self.app.push_screen(ConfirmScreen("Drop planned work?", message, yes="Drop",
                                           warning=True), answered)

    def action_add(self) -> None:
        from tui.forms.procedure import ProcedureForm
        self.app.push_screen(ProcedureForm(self.posting, self.patient_id, planned=True))

    def action_close(self) -> None:
        self.dismiss(None)
