"""A patient's insurance coverage: add or drop a plan (or create a new one on the spot with the
plan form), reorder (primary..quaternary), the dates it covers (adding a plan asks its effective
date, today by default, the patient's subscriber id and relationship to the subscriber), the
pending flag, the subscriber id, the relationship, and benefits used elsewhere this year
(seed 002). Also ``v`` on the account."""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from estimator.model import RELATIONSHIPS
from estimator.money import fmt
from estimator.text import clean
from tui.screens.base import DeskModal
from tui.setup import fields as fx
from tui.setup.common import ChoiceDialog, PromptDialog, SetupScreen, cell
from tui.widgets.desk_table import DeskTable
from tui.widgets.key_bar import KeyBar

ORDER_NAMES = {1: "Primary", 2: "Secondary", 3: "Tertiary", 4: "Quaternary"}
NEW_PLAN = "__new_plan__"
NOT_RECORDED = "__none__"


class CoverageScreen(SetupScreen):
    """a add · d drop · shift+up/down reorder · e dates · p pending · s subscriber id ·
    b benefits used."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add plan", id="coverage.add"),
        Binding("d", "drop", "Drop plan", id="coverage.drop"),
        Binding("shift+up", "move(-1)", "Move up", id="coverage.up"),
        Binding("shift+down", "move(1)", "Move down", id="coverage.down"),
        Binding("e", "dates", "Dates", id="coverage.dates"),
        Binding("p", "pending", "Pending", id="coverage.pending"),
        Binding("s", "subscriber_id", "Subscriber id", id="coverage.subscriber_id"),
        Binding("r", "relationship", "Relationship", show=False, id="coverage.relationship"),
        Binding("b", "benefits", "Benefits used", id="coverage.benefits"),
    ]

    def __init__(self, patient_id: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.rows = ()

    def compose(self) -> ComposeResult:
        yield Static(Text("Coverage"), classes="screen-title", id="coverage-title")
        yield DeskTable(id="coverage-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text("A plan covers only work dated from its effective to its terminated "
                          "date. Pending is a reminder only: it does not change estimates. Benefits "
                          "used elsewhere count against this year's maximum and deductible."),
                     classes="setup-info")
        yield Static(Text(""), classes="setup-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title in ("Order", "Plan", "Effective", "Terminated", "Subscriber", "Relationship",
                      "Subscriber id", "Pending", "Used elsewhere", "Deductible met"):
            table.add_column(Text(title), key=title)
        self.refresh_view()
        table.focus()

    def refresh_view(self, select: str | None = None) -> None:
        view = self.setup.coverage(self.patient_id)
        self.query_one("#coverage-title", Static).update(Text(clean(f"Coverage: {view.patient_name}")))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.rows = view.rows
        for r in self.rows:
            table.add_row(cell(ORDER_NAMES.get(r.order, r.order)), cell(r.label),
                          cell(day_text(r.effective)), cell(day_text(r.terminated)), cell(r.subscriber_name),
                          cell(r.relationship), cell(r.subscriber_id), cell("pending" if r.pending else ""),
                          cell(fmt(r.paid_elsewhere), "right"), cell(fmt(r.deductible_met), "right"),
                          key=r.plan_id)
        for n, r in enumerate(self.rows):
            if r.plan_id == select:
                row = n
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))

    def current(self):
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _do(self, message: str, call, *args, select: str | None = None, **kw) -> None:
        try:
            call(*args, **kw)
        except ValueError as exc:
            self.status(str(exc), error=True)
            return
        self.changed(message)
        self.refresh_view(select)

    # -- actions ---------------------------------------------------------------------
    def action_add(self) -> None:
        def picked(plan_id: str | None) -> None:
            if plan_id == NEW_PLAN:
                from tui.setup.plan_form import PlanFormScreen
                self.app.push_screen(PlanFormScreen(None, self.patient_id), created)
            elif plan_id:
                ask(plan_id, next((plan_choice(r) for r in plans if r.plan.id == plan_id),
                                  plan_id))

        def created(plan_id: str | None) -> None:
            self.refresh_view(plan_id)
            if plan_id and plan_id not in {r.plan_id for r in self.rows}:
                ask(plan_id, next((plan_choice(r) for r in self.setup.plans()
                                   if r.plan.id == plan_id), plan_id))

        def ask(plan_id: str, label: str) -> None:
            self.app.push_screen(AddCoverageDialog(label, self.today()),
                                 lambda terms: added(plan_id, terms))

        def added(plan_id: str, terms: dict | None) -> None:
            if terms is not None:
                self._do("Plan added; estimates updated.", self.setup.add_coverage,
                         self.patient_id, plan_id, select=plan_id, **terms)
        taken = {r.plan_id for r in self.rows}
        plans = [r for r in self.setup.plans() if r.plan.id not in taken]
        self.app.push_screen(PickPlanDialog(plans), picked)

    def action_relationship(self) -> None:
        row = self.current()
        if row is None:
            return

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self._do("Relationship saved.", self.setup.set_relationship, self.patient_id,
                         row.plan_id, None if answer == NOT_RECORDED else answer,
                         select=row.plan_id)
        choices = [(r, r) for r in RELATIONSHIPS] + [(NOT_RECORDED, "not recorded")]
        self.app.push_screen(ChoiceDialog("Relationship to the subscriber",
                                          f"The patient to {row.subscriber_name} on {row.label}:",
                                          choices), chosen)

    def today(self) -> date:
        return self.app.clock().date()  # type: ignore[attr-defined]

    def action_dates(self) -> None:
        row = self.current()
        if row is None:
            return

        def dated(dates: tuple[date | None, date | None] | None) -> None:
            if dates is not None:
                self._do("Coverage dates saved; estimates updated.", self.setup.set_coverage_dates,
                         self.patient_id, row.plan_id, *dates, select=row.plan_id)
        self.app.push_screen(CoverageDatesDialog(row.label, row.effective, row.terminated), dated)

    def action_drop(self) -> None:
        row = self.current()
        if row is None:
            return

        def answered(answer: str | None) -> None:
            if answer == "drop":
                self._do("Plan dropped; estimates updated.", self.setup.drop_coverage,
                         self.patient_id, row.plan_id)
        self.app.push_screen(ChoiceDialog("Drop plan", f"Drop {row.label} from this patient?",
                                          [("keep", "Keep it"), ("drop", "Drop it")]), answered)

    def action_move(self, step: int) -> None:
        row = self.current()
        if row is None or not 1 <= row.order + step <= len(self.rows):
            return
        self._do("Coverage order changed; estimates updated.", self.setup.move_coverage,
                 self.patient_id, row.plan_id, row.order + step, select=row.plan_id)

    def action_pending(self) -> None:
        row = self.current()
        if row is not None:
            self._do("Pending flag changed.", self.setup.set_pending, self.patient_id, row.plan_id,
                     not row.pending, select=row.plan_id)

    def action_subscriber_id(self) -> None:
        row = self.current()
        if row is None:
            return

        def typed(text: str | None) -> None:
            if text is not None:
                self._do("Subscriber id saved.", self.setup.set_subscriber_id, self.patient_id,
                         row.plan_id, text.strip() or None, select=row.plan_id)
        self.app.push_screen(PromptDialog("Subscriber id", f"The patient's id on {row.label}:",
                                          row.subscriber_id or ""), typed)

    def action_benefits(self) -> None:
        row = self.current()
        if row is None:
            return

        def typed(amounts: tuple[int, int] | None) -> None:
            if amounts is not None:
                self._do("Benefits used saved; estimates updated.", self.setup.set_benefits_used,
                         self.patient_id, row.plan_id, paid=amounts[0], deductible_met=amounts[1],
                         select=row.plan_id)
        self.app.push_screen(BenefitsUsedDialog(row), typed)


class PickPlanDialog(DeskModal[str | None]):
    """Choose a plan to add (Up/Down, Enter)."""

    DEFAULT_CSS = """
    PickPlanDialog { align: center middle; }
    PickPlanDialog > Vertical { width: 90; height: auto; max-height: 80%; border: round $primary; background: $surface; padding: 0 1; }
    PickPlanDialog OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, rows) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Add a plan", style="bold"))
            yield OptionList(Option(Text("+ New plan (the plan form)"), id=NEW_PLAN),
                             *(Option(Text(clean(plan_choice(r)), no_wrap=True, overflow="ellipsis"),
                                      id=r.plan.id) for r in self.rows), id="pick-plan")
            yield Static(Text("Enter add · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def plan_choice(row) -> str:
    """"Delta Dental · ppo · Riverside Hospital RH-20041 · subscriber Delgado, Roberto"."""
    p = row.plan
    group = " ".join(filter(None, (p.employer, p.group_number)))
    return " · ".join(filter(None, (row.carrier_name, p.type.replace("_", " "), group,
                                    f"subscriber {row.subscriber_name}")))


class BenefitsUsedDialog(DeskModal[tuple[int, int] | None]):
    """Insurance benefits paid and deductible met elsewhere this benefit year."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="benefits.save"),
    ]

    DEFAULT_CSS = """
    BenefitsUsedDialog { align: center middle; }
    BenefitsUsedDialog > Vertical { width: 70; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    BenefitsUsedDialog Horizontal { height: 3; }
    BenefitsUsedDialog Label { width: 24; padding: 1 0 0 0; }
    BenefitsUsedDialog Input { width: 1fr; }
    """

    def __init__(self, row) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(f"Benefits used elsewhere: {self.row.label}"), style="bold"))
            with Horizontal():
                yield Label(Text("Insurance paid"))
                yield Input(fx.money_text(self.row.paid_elsewhere), id="used-paid")
            with Horizontal():
                yield Label(Text("Deductible met"))
                yield Input(fx.money_text(self.row.deductible_met), id="used-deductible")
            yield Static(Text(""), id="used-error")
            yield Static(Text("Enter next / save · Esc cancel · blank = 0.00", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#used-paid", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "used-deductible":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        try:
            paid = fx.parse_money(self.query_one("#used-paid", Input).value, "insurance paid") or 0
            ded = fx.parse_money(self.query_one("#used-deductible", Input).value, "deductible met") or 0
        except ValueError as exc:
            self.query_one("#used-error", Static).update(Text(clean(str(exc)), style="bold red"))
            return
        self.dismiss((paid, ded))


def day_text(day: date | None) -> str:
    return day.isoformat() if day else ""


class CoverageDatesDialog(DeskModal[tuple[date | None, date | None] | None]):
    """The first and last day a plan covers (blank: no limit on that side)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="coverage_dates.save"),
    ]

    DEFAULT_CSS = """
    CoverageDatesDialog { align: center middle; }
    CoverageDatesDialog > Vertical { width: 74; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    CoverageDatesDialog Horizontal { height: 3; }
    CoverageDatesDialog Label { width: 24; padding: 1 0 0 0; }
    CoverageDatesDialog Input { width: 1fr; }
    """

    def __init__(self, label: str, effective: date | None, terminated: date | None) -> None:
        super().__init__()
        self.label, self.effective, self.terminated = label, effective, terminated

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(f"Coverage dates: {self.label}"), style="bold", no_wrap=True,
                              overflow="ellipsis"))
            with Horizontal():
                yield Label(Text("Effective (first day)"))
                yield Input(day_text(self.effective), placeholder="YYYY-MM-DD", id="coverage-effective")
            with Horizontal():
                yield Label(Text("Terminated (last day)"))
                yield Input(day_text(self.terminated), placeholder="blank: still covered",
                            id="coverage-terminated")
            yield Static(Text("Work dated outside these days is not estimated with this plan."),
                         classes="setup-info")
            yield Static(Text(""), id="coverage-dates-error")
            yield Static(Text("Enter next / save · Esc cancel · blank = no limit", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#coverage-effective", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "coverage-terminated":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        dates = typed_dates(self)
        if dates is not None:
            self.dismiss(dates)



def typed_dates(dialog) -> tuple | None:
    """The (effective, terminated) days typed in a coverage dialog; None after showing why
    one is not a date."""
    try:
        start = fx.parse_day(dialog.query_one("#coverage-effective", Input).value, "effective date")
        end = fx.parse_day(dialog.query_one("#coverage-terminated", Input).value, "terminated date")
    except ValueError as exc:
        dialog.query_one("#coverage-dates-error", Static).update(Text(clean(str(exc)), style="bold red"))
        return None
    return start, end


class AddCoverageDialog(DeskModal[dict | None]):
    """Adding a plan: the first (and last) day it covers, the patient's subscriber id and their
    relationship to the subscriber."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="add_coverage.save"),
    ]

    DEFAULT_CSS = """
    AddCoverageDialog { align: center middle; }
    AddCoverageDialog > Vertical { width: 74; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    AddCoverageDialog Horizontal { height: 3; }
    AddCoverageDialog Label { width: 24; padding: 1 0 0 0; }
    AddCoverageDialog Input, AddCoverageDialog Select { width: 1fr; }
    """

    def __init__(self, label: str, effective: date | None) -> None:
        super().__init__()
        self.label, self.effective = label, effective

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(f"Add: {self.label}"), style="bold", no_wrap=True,
                              overflow="ellipsis"))
            with Horizontal():
                yield Label(Text("Effective (first day)"))
                yield Input(day_text(self.effective), placeholder="YYYY-MM-DD", id="coverage-effective")
            with Horizontal():
                yield Label(Text("Terminated (last day)"))
                yield Input("", placeholder="blank: still covered", id="coverage-terminated")
            with Horizontal():
                yield Label(Text("Subscriber id"))
                yield Input("", placeholder="the patient's id on the plan", id="coverage-subscriber-id")
            with Horizontal():
                yield Label(Text("Relationship"))
                yield Select([(Text(r), r) for r in RELATIONSHIPS], prompt="(to the subscriber)",
                             id="coverage-relationship")
            yield Static(Text(""), id="coverage-dates-error")
            yield Static(Text("Enter or Ctrl+S save · Tab next · Esc cancel · blank date = no "
                              "limit", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#coverage-effective", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "coverage-effective":
            self.focus_next()
        else:
            self.action_save()

    def action_save(self) -> None:
        dates = typed_dates(self)
        if dates is None:
            return
        start, end = dates
        relationship = self.query_one("#coverage-relationship", Select).value
        self.dismiss({"effective": start, "terminated": end,
                      "subscriber_id": self.query_one("#coverage-subscriber-id", Input).value.strip()
                      or None,
                      "relationship": None if relationship is Select.NULL else str(relationship)})
