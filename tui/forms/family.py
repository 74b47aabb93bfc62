"""Choosing a family: a search box for the guarantor (name, chart number, phone) with the
families it finds in a list below it, "own family" first; and the form that moves a patient
to another family (both families are re-estimated, after a confirmation)."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from estimator.text import clean
from tui.forms.base import FormScreen, text_box
from tui.forms.visit_port import VisitDesk

OWN = "__own__"  # the list's value for "their own guarantor (a new family)"


class FamilyChoice(FormScreen):
    """A form with the guarantor box and list (`family_fields`)."""

    posting: VisitDesk
    OWN_LABEL: ClassVar[str] = "their own guarantor (a new family)"
    families: dict[str, str] = {}

    def family_fields(self, label: str = "Family") -> ComposeResult:
        yield self.field(label, text_box("family-search", placeholder="guarantor's name, "
                                         "chart number or phone", classes="w-wide"))
        yield self.field("Guarantor", Select([(Text(self.OWN_LABEL), OWN)], value=OWN,
                                             allow_blank=False, id="guarantor",
                                             classes="w-wide", compact=True))

    @on(Input.Changed, "#family-search")
    def _family_typed(self, event: Input.Changed) -> None:
        found = self.posting.find_guarantors(event.value) if event.value.strip() else []
        self.families = {c.key: c.label for c in found}
        options = [(Text(self.OWN_LABEL), OWN)] + [(Text(clean(c.label)), c.key) for c in found]
        select = self.query_one("#guarantor", Select)
        select.set_options(options)
        select.value = found[0].key if found else OWN

    def guarantor(self) -> str | None:
        """The chosen guarantor's key (None: their own family)."""
        value = self.query_one("#guarantor", Select).value
        return None if value in (OWN, Select.NULL) else str(value)


class MovePatientForm(FamilyChoice):
    """Move the patient to another family, or make them their own guarantor."""

    FORM_TITLE: ClassVar[str] = "Move to another family"
    OWN_LABEL: ClassVar[str] = "their own guarantor (leave the family)"
    HINT: ClassVar[str] = "Type the new guarantor's name · Ctrl+S move · Esc cancel"

    def __init__(self, posting: VisitDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.record = posting.patient_record(patient_id) if patient_id is not None else None

    def fields(self) -> ComposeResult:
        now = f"now in the family of {self.record.guarantor_name}" if self.record else ""
        yield self.field("Now", text_box("family-now", clean(now), classes="w-wide"))
        yield from self.family_fields("New family")

    def prefill(self) -> None:
        self.query_one("#family-now", Input).disabled = True

    def collect(self) -> str | None:
        return self.guarantor() or ""

    def confirmation(self, entry: str) -> tuple[str, Text, bool]:
        where = "their own family" if not entry else \
            f"the family of {self.families.get(entry, entry)}"
        message = Text(f"Move {clean(self.patient_name())} to {clean(where)}? Both "
                       "families' estimates, deductibles and maximums are worked out again.")
        return "Move the patient?", message, False

    def post(self, entry: str) -> str:
        self.posting.move_patient(self.patient_id, entry or None)
        return f"Moved {clean(self.patient_name())}."
