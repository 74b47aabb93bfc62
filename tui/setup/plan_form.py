"""One insurance plan, every field, grouped in sections (seed 002).

Blank means unknown and "0" means zero: an unknown annual maximum shows as an empty box, a
zero one as ``0.00``. The form shows who the plan covers and which plans are identical; saving
a change to a plan with identical plans asks whether it is for this subscriber only or for
every identical plan.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static

from estimator.model import CATEGORIES, COB_RULES, PLAN_TYPES, Plan
from estimator.text import clean
from tui.setup import fields as fx
from tui.setup.common import ProgressDialog, SetupScreen, scope_dialog

YES_NO = [("Yes", "yes"), ("No", "no")]
UNKNOWN_YES_NO = [("Unknown", "unknown"), ("Yes", "yes"), ("No", "no")]


@dataclass(frozen=True)
class FormField:
    name: str        # model.Plan field (coverage per category: "coverage.<category>")
    label: str
    kind: str        # text, money, month, percent, select, bool, tristate, money_map, percent_map,
                     # list, frequency
    hint: str = ""


SECTIONS: tuple[tuple[str, tuple[FormField, ...]], ...] = (
    ("Plan", (
        FormField("carrier", "Carrier", "select"),
        FormField("type", "Plan type", "select"),
        FormField("employer", "Employer", "text"),
        FormField("group_number", "Group number", "text"),
        FormField("cob_rule", "COB rule", "select"),
        FormField("claims_use_ucr", "Claims use UCR", "tristate"),
        FormField("note", "Plan note", "text"),
        FormField("same_plan_as", "Same plan as", "select"),
    )),
    ("Fee schedules", (
        FormField("fee_schedule", "PPO / plan fees", "select"),
        FormField("allowed_fee_schedule", "Carrier allowed", "select"),
        FormField("copay_schedule", "Copay / benefit", "select"),
    )),
    ("Maximums (blank = unknown, 0 = pays nothing)", (
        FormField("annual_max", "Annual max", "money"),
        FormField("family_annual_max", "Family annual max", "money"),
        FormField("renew_month", "Renew month", "month", "1-12 (blank = calendar year)"),
        FormField("category_limits", "Category limits", "money_map", "e.g. orthodontics=1500.00"),
        FormField("category_family_limits", "Category family", "money_map"),
        FormField("code_limits", "Code limits", "money_map", "e.g. D4341=400.00"),
    )),
    ("Deductibles (blank = unknown)", (
        FormField("deductible", "Deductible", "money"),
        FormField("family_deductible", "Family deductible", "money"),
        FormField("deductible_waived_on", "Waived on", "list", "e.g. diagnostic, preventive"),
        FormField("category_deductibles", "Category deduct.", "money_map"),
        FormField("code_deductibles", "Code deductibles", "money_map"),
        FormField("deductible_before_percent", "Deduct. before %", "bool"),
    )),
    ("Coverage % (blank = unknown, 0 = not covered)", (
        *(FormField(f"coverage.{c}", c.replace("_", " ").capitalize(), "percent") for c in CATEGORIES),
        FormField("code_coverage", "Code coverage", "percent_map", "e.g. D9110=80"),
    )),
    ("Limitations", (
        FormField("frequency", "Frequency", "frequency", "e.g. D1110 2 benefit_year; D0210 1 years 5"),
        FormField("exclusions", "Exclusions", "list", "e.g. D9972, D2962"),
        FormField("allow_substitution", "Downgrades", "bool"),
        FormField("substitution_writeoffs", "Write off downgrades", "bool"),
    )),
)


class PlanFormScreen(SetupScreen):
    """ctrl+s saves (asking about identical plans), ctrl+g opens code-specific estimating."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save plan", id="plan.save"),
        Binding("ctrl+g", "grid", "Code-specific estimating", id="plan.grid"),
    ]

    DEFAULT_CSS = """
    PlanFormScreen VerticalScroll { height: 1fr; }
    PlanFormScreen .form-section { padding: 1 1 0 1; text-style: bold; color: $accent; }
    PlanFormScreen .form-grid { grid-size: 2; grid-columns: 22 1fr; grid-rows: 1; height: auto;
                                padding-right: 1; }
    PlanFormScreen .form-grid Label { padding: 0 0 0 1; }
    """

    def __init__(self, plan_id: str | None, subscriber: str = "") -> None:
        """``subscriber``: a new plan's subscriber as typed (a patient's id), prefilled."""
        super().__init__()
        self.plan_id = plan_id
        self.subscriber = subscriber
        self.view = None

    # -- drawing ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        desk = self.setup
        self.view = desk.plan(self.plan_id) if self.plan_id else None
        plan = self.view.plan if self.view else None
        title = "New insurance plan" if plan is None else \
            f"Plan: {self.view.carrier_name} {plan.group_number or ''}"
        yield Static(Text(clean(title)), classes="screen-title")
        with VerticalScroll(id="plan-form"):
            yield from self._who()
            for section, form_fields in SECTIONS:
                yield Static(Text(section), classes="form-section")
                with Grid(classes="form-grid"):  # label | box; hints are placeholders
                    for f in form_fields:
                        yield Label(Text(f.label))
                        yield self._widget(f, plan)
        yield Static(Text(""), classes="setup-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f-subscriber" if self.view is None else "#f-carrier").focus()

    def _who(self) -> ComposeResult:
        if self.view is None:
            with Grid(classes="form-grid"):
                yield Label(Text("Subscriber"))
                yield Input(self.subscriber, id="f-subscriber", compact=True,
                            placeholder="chart number or Last, First (never changes later)")
                yield Label(Text("Cover subscriber"))
                yield Select([(Text(a), b) for a, b in YES_NO], value="yes", allow_blank=False,
                             id="f-attach", compact=True)
            return
        v = self.view
        yield Static(Text(clean(f"Subscriber: {v.subscriber_name}")), classes="setup-info")
        covers = "; ".join(v.covered) or "nobody yet"
        yield Static(Text(clean(f"Shared by (patients covered): {covers}")), classes="setup-info",
                     id="plan-covered")
        if v.identical:
            names = "; ".join(name for _, name in v.identical)
            text = f"Identical plans ({len(v.identical)}): {names}"
        else:
            text = "No identical plans."
        yield Static(Text(clean(text)), classes="setup-info", id="plan-identical")

    def _widget(self, f: FormField, plan: Plan | None):
        wid = "f-" + f.name.replace(".", "-")
        if f.kind in ("select", "bool", "tristate"):
            options, value, blank = self._options(f, plan)
            return Select([(Text(clean(label)), key) for label, key in options], value=value,
                          allow_blank=blank, prompt="(none)", id=wid, compact=True)
        return Input(self._text(f, plan), id=wid, compact=True, placeholder=f.hint)

    def _options(self, f: FormField, plan: Plan | None):
        """(options, current value, whether blank is allowed) of a choice field."""
        desk = self.setup
        current = _value(f, plan)
        if f.kind == "bool":
            return YES_NO, "yes" if current is not False else "no", False
        if f.kind == "tristate":
            return UNKNOWN_YES_NO, {None: "unknown", True: "yes", False: "no"}[current], False
        if f.name == "carrier":
            options = [(r.carrier.name, r.carrier.id) for r in desk.carriers()]
            return options, current or Select.NULL, plan is None  # a new plan: choose one
        if f.name == "type":
            return [(fx.TYPE_NAMES[t], t) for t in PLAN_TYPES], current or "ppo", False
        if f.name == "cob_rule":
            return [(r.replace("_", " "), r) for r in COB_RULES], current or "standard", False
        if f.name == "same_plan_as":
            options = [(" · ".join(filter(None, (r.carrier_name, r.plan.group_number, r.subscriber_name))),
                        r.plan.id) for r in desk.plans() if r.plan.id != self.plan_id]
            return options, current or Select.NULL, True
        kinds = ("copay", "fixed_benefit") if f.name == "copay_schedule" else ("allowed", "office")
        options = [(f"{r.schedule.name or r.schedule.id} ({r.schedule.kind.replace('_', ' ')})",
                    r.schedule.id) for r in desk.fee_schedules() if r.schedule.kind in kinds]
        return options, current or Select.NULL, True

    def _text(self, f: FormField, plan: Plan | None) -> str:
        value = _value(f, plan)
        if f.kind == "money":
            return fx.money_text(value)
        if f.kind in ("percent", "month"):
            return fx.percent_text(value)
        if f.kind == "money_map":
            return fx.map_text(value or {}, fx.money_text)
        if f.kind == "percent_map":
            return fx.map_text(value or {}, str)
        if f.kind == "list":
            return fx.list_text(value or ())
        if f.kind == "frequency":
            return fx.frequency_text(value or ())
        return value or ""

    # -- reading the form ----------------------------------------------------------
    def read_plan(self) -> Plan:
        """The plan as typed (ValueError names the first bad field)."""
        values: dict = {}
        coverage: dict[str, int] = {}
        for _, form_fields in SECTIONS:
            for f in form_fields:
                value = self._read(f)
                if f.name.startswith("coverage."):
                    if value is not None:
                        coverage[f.name.split(".", 1)[1]] = value
                else:
                    values[f.name] = value
        values["coverage"] = coverage
        if not values.get("carrier"):
            raise ValueError("choose a carrier (add one under Setup: carriers first)")
        if self.view is not None:
            return dataclasses.replace(self.view.plan, **values)
        subscriber = self.query_one("#f-subscriber", Input).value.strip()
        if not subscriber:
            raise ValueError("a new plan needs its subscriber (chart number or name)")
        patient_id, _ = self.setup.find_patient(subscriber)
        return Plan(id="", subscriber=patient_id, **values)

    def _read(self, f: FormField):
        widget = self.query_one("#f-" + f.name.replace(".", "-"))
        if isinstance(widget, Select):
            value = None if widget.value is Select.NULL else widget.value
            if f.kind == "bool":
                return value == "yes"
            if f.kind == "tristate":
                return {"unknown": None, "yes": True, "no": False}[value]
            return value
        text = widget.value
        parse: dict[str, Callable] = {
            "money": lambda t: fx.parse_money(t, f.label.lower()),
            "percent": lambda t: fx.parse_percent(t, f"coverage {f.label.lower()}"),
            "month": fx.parse_month,
            "money_map": lambda t: fx.parse_map(t, fx.parse_money, f.label.lower()),
            "percent_map": lambda t: fx.parse_map(t, fx.parse_percent, f.label.lower()),
            "list": fx.parse_list,
            "frequency": fx.parse_frequency,
            "text": lambda t: t.strip() or None,
        }
        return parse[f.kind](text)

    # -- saving ---------------------------------------------------------------------
    def action_save(self) -> None:
        try:
            plan = self.read_plan()
        except ValueError as exc:
            self.status(str(exc), error=True)
            return
        if self.view is not None and plan == self.view.plan:
            self.status("Nothing changed.")
            return
        if self.view is not None and self.view.identical:
            def chosen(scope: str | None) -> None:
                if scope:
                    self._save(plan, scope)
            self.app.push_screen(scope_dialog(len(self.view.identical)), chosen)
        else:
            self._save(plan, "this")

    def _save(self, plan: Plan, scope: str) -> None:
        attach = self.view is None and self.query_one("#f-attach", Select).value == "yes"

        def job(progress):
            return self.setup.save_plan(plan, scope=scope, attach=attach, progress=progress)

        def done(result) -> None:
            ok, value = result or (False, "not saved")
            if not ok:
                self.status(str(value), error=True)
                return
            where = " and every identical plan" if scope == "identical" else ""
            self.changed(f"Plan saved{where}; estimates updated.")
            self.dismiss(value)
        self.app.push_screen(ProgressDialog("Saving the plan", job), done)

    def action_grid(self) -> None:
        if self.plan_id is None:
            self.status("Save the new plan first, then open its code-specific estimating.")
            return
        from tui.setup.code_grid import CodeGridScreen
        self.app.push_screen(CodeGridScreen(self.plan_id))


def _value(f: FormField, plan: Plan | None):
    if plan is None:
        defaults = {"deductible_before_percent": True, "allow_substitution": True,
                    "substitution_writeoffs": True}
        return defaults.get(f.name)
    if f.name.startswith("coverage."):
        return plan.coverage.get(f.name.split(".", 1)[1])
    return getattr(plan, f.name)
