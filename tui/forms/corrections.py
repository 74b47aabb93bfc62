"""Correcting a procedure from the ledger card (or the treatment plan): its fee (F), date or
provider (D), deleting unpaid work (X), overrides of a plan's estimate (O), do-not-bill for a
plan (B), a pre-authorization (U), completing planned work (K / c on the plan). Each form shows
the estimator's new estimate before anything is saved (the desk's preview, nothing written),
asks first where money moves, and shows the service's refusal when there is one."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from estimator.money import MoneyError, fmt, fmt_grouped, to_cents
from estimator.text import clean
from estimator.visit_views import OVERRIDES
from tui.forms.base import FormScreen, text_box
from tui.forms.port import PostingRefused
from tui.forms.preview import preview_text
from tui.forms.visit_port import Correction, ProcedureView, VisitDesk

OVERRIDE_LABELS = {"percent": "Percent", "allowed": "Allowed fee", "ins_est": "Estimate",
                   "writeoff_est": "Write-off est", "deductible": "Deductible"}


def procedure_text(view: ProcedureView) -> Text:
    where = " ".join(x for x in (view.tooth and f"#{view.tooth}", view.surface) if x)
    units = f" x {view.units}" if view.units != 1 else ""
    return Text(clean(f"{view.label} {view.code} {where} {view.description} · {view.status} "
                      f"{view.date.isoformat()} · {fmt_grouped(view.fee)}{units}"))


class CorrectionForm(FormScreen):
    """One correction: fields, the live estimate preview, confirm where money moves, post."""

    posting: VisitDesk
    ALWAYS_ASK: ClassVar[bool] = False   # ask even when no money moves
    WARNING: ClassVar[bool] = False      # the question in red (it cannot be undone)

    def __init__(self, posting: VisitDesk, patient_id: str | None, procedure_key: str) -> None:
        super().__init__(posting, patient_id)
        self.key = procedure_key
        self.view = posting.procedure_view(procedure_key)
        self.last_preview = None

    def fields(self) -> ComposeResult:
        yield Static(procedure_text(self.view), classes="form-text")
        yield from self.correction_fields()
        yield Static(Text(""), id="preview", classes="form-text preview")

    def correction_fields(self) -> ComposeResult:
        yield from ()

    def prefill(self) -> None:
        self.refresh_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.refresh_preview()

    # --- the preview ----------------------------------------------------------------

    def refresh_preview(self) -> None:
        self.errors.clear()
        correction = self.collect()
        self.errors.clear()
        if correction is None:
            self.last_preview = None
            self.show_preview(None, "fill in the change to see the new estimate")
            return
        try:
            self.last_preview = self.posting.preview(self.key, correction)
        except PostingRefused as exc:
            self.last_preview = None
            self.show_preview(None, str(exc))
            return
        self.show_preview(self.last_preview)

    def show_preview(self, preview, problem: str = "") -> None:
        for box in self.query("#preview"):
            box.update(preview_text(preview, problem=problem))

    # --- posting --------------------------------------------------------------------

    def confirmation(self, entry: Correction):
        try:
            preview = self.posting.preview(self.key, entry)
        except PostingRefused:
            preview = None  # the post will say why
        if preview is None or not (preview.moves_money or self.ALWAYS_ASK):
            return None
        message = Text(f"{self.FORM_TITLE}: ", style="bold")
        message.append_text(procedure_text(self.view))
        message.append("\n")
        message.append_text(preview_text(preview))
        return f"{self.FORM_TITLE}?", message, self.WARNING

    def post(self, entry: Correction) -> str:
        self.posting.correct(self.key, entry)
        return f"{self.FORM_TITLE}: {clean(self.view.label)} {clean(self.view.code)} done."


class FeeForm(CorrectionForm):
    FORM_TITLE: ClassVar[str] = "Change the fee"

    def correction_fields(self) -> ComposeResult:
        yield self.field("Fee", text_box("fee", fmt(self.view.fee), classes="w-money"),
                         note=Text("per unit", style="italic"))

    def collect(self) -> Correction | None:
        fee = self.money("fee", negative=False)
        return None if fee is None or self.errors else Correction(fee=fee)


class DateProviderForm(CorrectionForm):
    FORM_TITLE: ClassVar[str] = "Change the date or provider"

    def correction_fields(self) -> ComposeResult:
        yield self.field("Date", text_box("date", self.view.date.isoformat(), classes="w-date"))
        providers = [(Text(clean(p.name)), p.key) for p in self.posting.providers()]
        value = self.view.provider if self.view.provider in {k for _, k in providers} \
            else Select.NULL
        yield self.field("Provider", Select(providers, id="provider", value=value,
                                            classes="w-select", compact=True))

    def collect(self) -> Correction | None:
        day = self.day("date")
        provider = self.query_one("#provider", Select).value
        if self.errors:
            return None
        return Correction(date=None if day == self.view.date else day,
                          provider=None if provider in (Select.NULL, self.view.provider)
                          else str(provider))


class DeleteForm(CorrectionForm):
    FORM_TITLE: ClassVar[str] = "Delete the procedure"
    ALWAYS_ASK: ClassVar[bool] = True
    WARNING: ClassVar[bool] = True

    def correction_fields(self) -> ComposeResult:
        text = (f"It has {self.view.paid_against}: it cannot be deleted (reverse that first)."
                if self.view.paid_against else "Nothing was posted against it.")
        yield Static(Text(text), classes="form-text")

    def collect(self) -> Correction:
        return Correction(delete=True)


class CompleteForm(CorrectionForm):
    FORM_TITLE: ClassVar[str] = "Complete planned work"
    ALWAYS_ASK: ClassVar[bool] = True  # the charge reaches the ledger

    def correction_fields(self) -> ComposeResult:
        yield self.field("Completed", text_box("date", self.today().isoformat(), classes="w-date"))

    def collect(self) -> Correction | None:
        day = self.day("date")
        return None if day is None else Correction(complete_on=day)


class PlanChoice(CorrectionForm):
    """A correction of one plan's line: the plan list first."""

    def plan_field(self) -> ComposeResult:
        plans = [(Text(clean(ln.label)), ln.plan_key) for ln in self.view.lines]
        yield self.field("Plan", Select(plans, id="plan", value=plans[0][1] if plans
                                        else Select.NULL, classes="w-select", compact=True))

    def plan_key(self) -> str | None:
        value = self.query_one("#plan", Select).value
        if value is Select.NULL:
            self.error("plan", "the procedure has no plan line")
            return None
        return str(value)

    def line(self, key: str | None):
        return next((ln for ln in self.view.lines if ln.plan_key == key), None)


class OverrideForm(PlanChoice):
    FORM_TITLE: ClassVar[str] = "Override the estimate"

    def correction_fields(self) -> ComposeResult:
        yield from self.plan_field()
        for name in OVERRIDES:
            yield self.field(OVERRIDE_LABELS[name], text_box(f"ov-{name}", classes="w-money"),
                             note=Text("blank: no override", style="italic"))

    def prefill(self) -> None:
        self._fill()
        super().prefill()

    @on(Select.Changed, "#plan")
    def _plan_chosen(self) -> None:
        self._fill()

    def _fill(self) -> None:
        line = self.line(str(self.query_one("#plan", Select).value))
        for name in OVERRIDES:
            value = getattr(line, f"override_{name}") if line else None
            text = "" if value is None else str(value) if name == "percent" else fmt(value)
            self.query_one(f"#ov-{name}", Input).value = text

    def collect(self) -> Correction | None:
        key = self.plan_key()
        values = []
        for name in OVERRIDES:
            raw = self.text(f"ov-{name}").strip()
            if not raw:
                values.append((name, None))
            elif name == "percent":
                if not raw.isdigit() or int(raw) > 100:
                    self.error(f"ov-{name}", "a whole percent 0-100")
                else:
                    values.append((name, int(raw)))
            else:
                try:
                    values.append((name, to_cents(raw)))
                except MoneyError:
                    self.error(f"ov-{name}", "not an amount (e.g. 120.00)")
        if self.errors or key is None:
            return None
        return Correction(plan_key=key, overrides=tuple(values))


class NoBillForm(PlanChoice):
    FORM_TITLE: ClassVar[str] = "Do not bill"

    def correction_fields(self) -> ComposeResult:
        yield from self.plan_field()
        line = self.view.lines[0] if self.view.lines else None
        yield self.field("Do not bill", Checkbox(Text("never bill this plan for this work"),
                                                 bool(line and line.no_bill), id="no-bill",
                                                 compact=True))

    @on(Select.Changed, "#plan")
    def _plan_chosen(self) -> None:
        line = self.line(str(self.query_one("#plan", Select).value))
        self.query_one("#no-bill", Checkbox).value = bool(line and line.no_bill)

    def collect(self) -> Correction | None:
        key = self.plan_key()
        if key is None:
            return None
        return Correction(plan_key=key, no_bill=self.query_one("#no-bill", Checkbox).value)


class PreauthForm(PlanChoice):
    FORM_TITLE: ClassVar[str] = "Pre-authorization"

    def correction_fields(self) -> ComposeResult:
        yield from self.plan_field()
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))
        yield Static(Text("A pre-authorization asks the plan first; estimates do not change."),
                     classes="form-text")

    def refresh_preview(self) -> None:
        self.show_preview(None, "a pre-authorization leaves the estimate as it is")

    def collect(self):
        key, day = self.plan_key(), self.day("date")
        return None if self.errors else (key, day)

    def confirmation(self, entry):
        return None

    def post(self, entry) -> str:
        key, day = entry
        label = self.posting.create_preauth(self.patient_id, [self.key], key, day)
        return f"Pre-authorization {clean(label)} created."


# kind -> form (the account's keys and the treatment plan open them by kind)
CORRECTIONS: dict[str, type[CorrectionForm]] = {
    "fee": FeeForm, "date": DateProviderForm, "delete": DeleteForm, "override": OverrideForm,
    "no_bill": NoBillForm, "preauth": PreauthForm, "complete": CompleteForm,
}


def open_correction(app, patient_id: str, row, kind: str) -> None:
    """The correction ``kind`` of the procedure under the card's cursor (``row``)."""
    desk = app.posting_desk
    try:
        key = desk.procedure_key(patient_id, row.ref if row is not None else "")
        form = CORRECTIONS[kind](desk, patient_id, key)
    except PostingRefused as exc:
        app.notify(str(exc), title="Cannot correct", severity="warning", markup=False)
        return
    app.push_screen(form)


def open_complete(app, patient_id: str) -> None:
    """Pick one of the patient's planned procedures, then complete it."""
    from tui.forms.confirm import ChoiceScreen

    desk = app.posting_desk
    lines = desk.treatment_plan(patient_id).lines
    if not lines:
        app.notify("No planned work to complete.", severity="warning")
        return

    def chosen(key: str | None) -> None:
        if key:
            app.push_screen(CompleteForm(desk, patient_id, key))
    choices = [(ln.key, clean(f"{ln.code} {' '.join(filter(None, (ln.tooth, ln.surface)))} "
                              f"{ln.description} {fmt_grouped(ln.charge)}")) for ln in lines]
    app.push_screen(ChoiceScreen("Complete which planned work?", choices), chosen)
