"""Register a patient (F2, the palette) and edit one (``e`` on the account): name, preferred
name, birthdate, gender, address, phones, e-mail, chart number (blank: generated), provider;
a new patient is their own guarantor or joins a family (search the guarantor), and may be
covered by the plans its members subscribe to, with the relationship to each subscriber.
Possible duplicates (same name and birthdate) are shown before saving and need a yes."""
from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Select, Static

from estimator.model import GENDERS, RELATIONSHIPS
from estimator.text import clean
from tui.forms.base import FormScreen, or_none, text_box
from tui.forms.family import FamilyChoice
from tui.forms.visit_port import CoverageChoice, PatientEntry, VisitDesk

# (field, label, css width class) of the text boxes, in form order; birthdate, gender and
# provider are placed among them by `PatientFields.fields`.
NAMES = (("last_name", "Last name", "w-text"), ("first_name", "First name", "w-text"),
         ("middle_name", "Middle name", "w-text"), ("preferred_name", "Preferred", "w-text"))
CONTACT = (("address1", "Address", "w-wide"), ("address2", "Address 2", "w-wide"),
           ("city", "City", "w-text"), ("state", "State", "w-short"), ("zip", "ZIP", "w-short"),
           ("phone", "Home phone", "w-text"), ("mobile_phone", "Mobile", "w-text"),
           ("work_phone", "Work phone", "w-text"), ("email", "E-mail", "w-wide"))
NOT_COVERED = "-"


def parse_birthdate(text: str) -> date | None:
    """YYYY-MM-DD or MM/DD/YYYY (what Find patient accepts too)."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            pass
    return None


def duplicate_question(found) -> tuple[str, Text, bool]:
    message = Text("Another patient has this name and birthdate:\n", style="bold")
    for choice in found[:5]:
        message.append(f"  {clean(choice.label)}\n")
    message.append("Save anyway as a different patient?")
    return "Possible duplicate", message, True


class PatientFields(FormScreen):
    """The registration's fields, shared by registering and editing."""

    posting: VisitDesk

    def patient_fields(self, entry: PatientEntry | None) -> ComposeResult:
        def box(field: str, label: str, css: str):
            value = getattr(entry, field) if entry else None
            return self.field(label, text_box(field, clean(value or ""), classes=css))

        for spec in NAMES:
            yield box(*spec)
        born = entry.birthdate.isoformat() if entry else ""
        yield self.field("Birthdate", text_box("birthdate", born, placeholder="YYYY-MM-DD",
                                               classes="w-date"))
        genders = [(Text(g), g) for g in GENDERS]
        yield self.field("Gender", Select(genders, id="gender", prompt="(not recorded)",
                                          value=(entry.gender if entry and entry.gender
                                                 else Select.NULL),
                                          classes="w-select", compact=True))
        for spec in CONTACT:
            yield box(*spec)
        yield self.field("Chart number", text_box(
            "chart_no", clean(entry.chart_no or "") if entry else "",
            placeholder="blank: the next number", classes="w-text"))
        providers = [(Text(clean(p.name)), p.key) for p in self.posting.providers()]
        chosen = entry.provider if entry and entry.provider in {k for _, k in providers} \
            else Select.NULL
        yield self.field("Provider", Select(providers, id="provider", prompt="(none)",
                                            value=chosen, classes="w-select", compact=True))

    def read_entry(self, inactive: bool = False) -> PatientEntry | None:
        if not self.text("last_name").strip():
            self.error("last_name", "a last name is needed")
        born = parse_birthdate(self.text("birthdate"))
        if born is None:
            self.error("birthdate", "a date: YYYY-MM-DD or MM/DD/YYYY")
        if self.errors:
            return None
        texts = {f: or_none(self.text(f)) for f, _, _ in (*NAMES, *CONTACT)}
        texts["first_name"] = texts["first_name"] or ""
        gender = self.query_one("#gender", Select).value
        provider = self.query_one("#provider", Select).value
        return PatientEntry(
            birthdate=born, gender=None if gender is Select.NULL else str(gender),
            chart_no=or_none(self.text("chart_no")),
            provider=None if provider is Select.NULL else str(provider), inactive=inactive,
            **texts)


class RegisterPatientForm(FamilyChoice, PatientFields):
    FORM_TITLE: ClassVar[str] = "New patient"
    NEEDS_PATIENT: ClassVar[bool] = False
    HINT: ClassVar[str] = "Tab next field · Ctrl+S register · Esc cancel"

    def __init__(self, posting: VisitDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.plans: list = []
        self.new_key: str | None = None
        self.duplicate_ok = False

    def fields(self) -> ComposeResult:
        yield from self.patient_fields(None)
        yield from self.family_fields()
        yield Vertical(id="family-plans", classes="grid")

    @on(Select.Changed, "#guarantor")
    async def _guarantor_chosen(self) -> None:
        key = self.guarantor()
        self.plans = list(self.posting.family_plans(key)) if key else []
        box = self.query_one("#family-plans", Vertical)
        await box.remove_children()
        choices = [(Text("not covered"), NOT_COVERED)] + [(Text(r), r) for r in RELATIONSHIPS]
        if self.plans:
            await box.mount(Static(Text("Cover by the family's plans (relationship to the "
                                        "subscriber):"), classes="form-text"))
        await box.mount_all([self.field(f"Plan {n}", Select(
            choices, value=NOT_COVERED, allow_blank=False, id=f"cover-{n}",
            classes="w-select", compact=True), note=Text(clean(plan.label), style="italic"))
            for n, plan in enumerate(self.plans, 1)])

    def collect(self):
        entry = self.read_entry()
        if entry is None:
            return None
        coverage = []
        for n, plan in enumerate(self.plans, 1):
            value = self.query_one(f"#cover-{n}", Select).value
            if value not in (NOT_COVERED, Select.NULL):
                coverage.append(CoverageChoice(plan.plan_key, str(value)))
        return entry, self.guarantor(), tuple(coverage)

    def confirmation(self, entry):
        found = self.posting.duplicates(entry[0])
        self.duplicate_ok = bool(found)
        return duplicate_question(found) if found else None

    def post(self, entry) -> str:
        patient, guarantor, coverage = entry
        self.new_key = self.posting.register_patient(patient, guarantor, coverage,
                                                     duplicate_ok=self.duplicate_ok)
        return f"Registered {clean(patient.last_name)}, {clean(patient.first_name)}."

    def post_now(self, entry) -> None:
        super().post_now(entry)
        if self.new_key is not None:
            self.desk.open_account(self.new_key)


class EditPatientForm(PatientFields):
    FORM_TITLE: ClassVar[str] = "Edit patient"
    HINT: ClassVar[str] = "Tab next field · Ctrl+S save · Esc cancel"

    def __init__(self, posting: VisitDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.record = posting.patient_record(patient_id) if patient_id is not None else None
        self.duplicate_ok = False

    def fields(self) -> ComposeResult:
        if self.record is None:
            return
        yield from self.patient_fields(self.record.entry)
        yield self.field("Inactive", Checkbox(Text("no longer seen (found only with the "
                                                   "inactive filter)"), self.record.entry.inactive,
                                              id="inactive", compact=True))
        family = f"{self.record.guarantor_name} (guarantor); {len(self.record.family)} in family"
        yield Static(Text(clean(f"Family: {family}. Move to another family: M on the "
                                "account.")), classes="form-text")

    def collect(self):
        return self.read_entry(self.query_one("#inactive", Checkbox).value)

    def confirmation(self, entry: PatientEntry):
        old = self.record.entry
        renamed = (entry.last_name, entry.first_name, entry.birthdate) != \
            (old.last_name, old.first_name, old.birthdate)
        found = self.posting.duplicates(entry, self.patient_id) if renamed else []
        self.duplicate_ok = bool(found)
        return duplicate_question(found) if found else None

    def post(self, entry: PatientEntry) -> str:
        self.posting.edit_patient(self.patient_id, entry, duplicate_ok=self.duplicate_ok)
        return f"Saved {clean(entry.last_name)}, {clean(entry.first_name)}."
