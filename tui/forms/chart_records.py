"""A ledger note ("called about the balance") and an appointment's outcome (kept, cancelled,
failed): the account's non-money lines. Neither asks for confirmation: no money moves, and
a wrong one is followed by a right one, as on a paper card."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Select

from estimator.model import APPOINTMENT_STATUSES
from estimator.text import clean
from tui.forms.base import FormScreen, text_box
from tui.forms.port import AppointmentEntry, NoteEntry


class NoteForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Ledger note"

    def fields(self) -> ComposeResult:
        yield self.field("Note", text_box("text", placeholder="called about the balance",
                                          classes="w-wide"))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))

    def collect(self) -> NoteEntry | None:
        text = " ".join(self.text("text").split())
        if not text:
            self.error("text", "write the note")
        day = self.day("date")
        if self.errors:
            return None
        return NoteEntry(text=text, date=day)

    def post(self, entry: NoteEntry) -> str:
        self.posting.add_ledger_note(self.patient_id, entry)
        return f"Added the note to {clean(self.patient_name())}'s ledger card."


class AppointmentForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Appointment"

    def fields(self) -> ComposeResult:
        choices = [(Text(status.capitalize()), status) for status in APPOINTMENT_STATUSES]
        yield self.field("Status", Select(choices, id="status", value="kept",
                                          allow_blank=False, classes="w-date", compact=True))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))

    def collect(self) -> AppointmentEntry | None:
        status = str(self.query_one("#status", Select).value)
        day = self.day("date")
        if self.errors:
            return None
        return AppointmentEntry(status=status, date=day)

    def post(self, entry: AppointmentEntry) -> str:
        self.posting.record_appointment(self.patient_id, entry)
        return f"Recorded a {entry.status} appointment on {entry.date.isoformat()}."
