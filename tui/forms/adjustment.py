"""Adjustment: a signed amount (negative reduces what is owed), an adjustment code,
optionally the procedure it is for, date and note. Confirmed before posting."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Select

from estimator.money import fmt, fmt_grouped
from estimator.text import clean
from tui.forms.base import FormScreen, or_none, text_box
from tui.forms.payment import procedure_label
from tui.forms.port import AdjustmentEntry, PostingDesk


class AdjustmentForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Adjustment"

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.codes = list(posting.adjustment_codes())
        self.procs = list(posting.procedures(patient_id)) if patient_id is not None else []

    def fields(self) -> ComposeResult:
        yield self.field("Amount", text_box("amount", placeholder="-25.00", classes="w-money"),
                         note=Text("negative reduces what is owed", style="italic"))
        codes = [(Text(clean(f"{c.code}  {c.description or c.kind}")), c.code) for c in self.codes]
        yield self.field("Code", Select(codes, id="code", prompt="(choose a code)",
                                        classes="w-wide", compact=True))
        procs = [(Text(f"{procedure_label(p)}  {fmt_grouped(p.charge)}"), p.key)
                 for p in self.procs]
        yield self.field("Procedure", Select(procs, id="procedure", prompt="(none: the account)",
                                             classes="w-wide", compact=True))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))
        yield self.field("Note", text_box("note"))

    def collect(self) -> AdjustmentEntry | None:
        amount = self.money("amount", nonzero=True)
        code = self.query_one("#code", Select).value
        if code is Select.NULL:
            self.error("code", "choose a code")
        day = self.day("date")
        if self.errors:
            return None
        proc = self.query_one("#procedure", Select).value
        return AdjustmentEntry(amount=amount, code=str(code), date=day,
                               procedure=None if proc is Select.NULL else str(proc),
                               note=or_none(self.text("note")))

    def confirmation(self, entry: AdjustmentEntry) -> tuple[str, Text, bool]:
        proc = next((p for p in self.procs if p.key == entry.procedure), None)
        on = f"on {procedure_label(proc)}" if proc else "on the account"
        message = Text()
        message.append(f"{clean(entry.code)} {fmt_grouped(entry.amount)} {on}\n", "bold")
        message.append(f"{clean(self.patient_name())}, dated {entry.date.isoformat()}")
        return "Post this adjustment?", message, False

    def post(self, entry: AdjustmentEntry) -> str:
        self.posting.post_adjustment(self.patient_id, entry)
        return f"Posted adjustment {clean(entry.code)} {fmt(entry.amount)}."
