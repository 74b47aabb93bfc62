"""Patient payment: amount (negative = refund), method, check and bank numbers, date,
note; allocated oldest first, or split by procedure in a small table of the open
procedures. Always confirmed before posting; a refund says so in red."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from estimator import eob
from estimator.model import PAYMENT_METHODS
from estimator.money import MoneyError, fmt, fmt_grouped, to_cents
from estimator.text import clean
from tui.forms.base import FormScreen, or_none, text_box
from tui.forms.port import PaymentEntry, PostingDesk, ProcedureInfo
from tui.widgets.checkbox import Checkbox


def procedure_label(proc: ProcedureInfo) -> str:
    """``2026-02-02 D2392 #3 MO`` (tooth and surface when there are)."""
    tooth = f" #{proc.tooth}" if proc.tooth else ""
    return clean(f"{proc.date.isoformat()} {proc.code}{tooth} {proc.surface}".rstrip())


def lenient_cents(text: str) -> int | None:
    """A running total's view of a box: blank is 0, unreadable is None."""
    try:
        return to_cents(text) if text.strip() else 0
    except MoneyError:
        return None


class PaymentForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Patient payment"

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.open: list[ProcedureInfo] = []
        if patient_id is not None:
            self.open = [p for p in posting.procedures(patient_id) if p.patient_balance > 0]

    def fields(self) -> ComposeResult:
        yield self.field("Amount", text_box("amount", placeholder="0.00", classes="w-money"),
                         note=Text("negative = refund", style="italic"))
        methods = [(m.title(), m) for m in PAYMENT_METHODS]
        yield self.field("Method", Select(methods, id="method", value=PAYMENT_METHODS[0],
                                          allow_blank=False, classes="w-select", compact=True))
        yield self.field("Check #", text_box("check_no", classes="w-short"))
        yield self.field("Bank #", text_box("bank_no", classes="w-short"))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))
        yield self.field("Note", text_box("note"))
        label = "split by procedure (else oldest first)" if self.open else \
            "split by procedure: no open procedures"
        split = Checkbox(Text(label), id="split", compact=True, disabled=not self.open)
        yield self.field("Allocate", split)
        with Vertical(id="split-grid", classes="grid"):
            yield Horizontal(Static(Text("Open procedure"), classes="split-proc"),
                             Static(Text("Owes", justify="right"), classes="grid-money"),
                             Static(Text("Amount"), classes="w-money"),
                             classes="grid-row grid-header")
            for i, proc in enumerate(self.open):
                yield Horizontal(
                    Label(Text(procedure_label(proc)), classes="split-proc"),
                    Static(Text(fmt_grouped(proc.patient_balance), justify="right"),
                           classes="grid-money"),
                    Input(placeholder="0.00", id=f"split-{i}", classes="w-money", compact=True),
                    Static(Text(""), id=f"split-{i}-error", classes="field-error"),
                    classes="grid-row")
                self.labels[f"split-{i}"] = procedure_label(proc)
            yield Static(Text(""), id="split-total", classes="running")

    def prefill(self) -> None:
        self.query_one("#split-grid").display = False

    @on(Checkbox.Changed, "#split")
    def _split_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#split-grid").display = event.value
        self.update_running()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id == "amount" or (event.input.id or "").startswith("split-"):
            self.update_running()

    def update_running(self) -> None:
        """``Split 50.00 of 120.00 · 70.00 stays on account``."""
        amount = lenient_cents(self.text("amount"))
        parts = [lenient_cents(self.text(f"split-{i}")) for i in range(len(self.open))]
        if amount is None or None in parts:
            line = Text("Split: fix the amounts marked above", style="italic")
        else:
            left = eob.remaining(amount, parts)
            line = Text(f"Split {fmt_grouped(eob.applied(parts))} of {fmt_grouped(amount)} · "
                        f"{fmt_grouped(left)} stays on account")
        self.query_one("#split-total", Static).update(line)

    # --- posting ----------------------------------------------------------------

    def collect(self) -> PaymentEntry | None:
        amount = self.money("amount", nonzero=True)
        day = self.day("date")
        split = self._split() if self.query_one("#split", Checkbox).value else None
        if self.errors:
            return None
        return PaymentEntry(
            amount=amount, method=str(self.query_one("#method", Select).value), date=day,
            check_no=or_none(self.text("check_no")), bank_no=or_none(self.text("bank_no")),
            note=or_none(self.text("note")), split=split)

    def _split(self) -> tuple[tuple[str, int], ...] | None:
        parts = []
        for i, proc in enumerate(self.open):
            cents = self.money(f"split-{i}", required=False, nonzero=True)
            if cents:
                parts.append((proc.key, cents))
        if not parts and not self.errors:
            self.error("split", "put an amount on at least one procedure")
        return tuple(parts)

    def confirmation(self, entry: PaymentEntry) -> tuple[str, Text, bool]:
        refund = entry.amount < 0
        what = "Refund" if refund else "Payment"
        how = entry.method + (f" #{entry.check_no}" if entry.check_no else "")
        if entry.split is None:
            where = "Allocated oldest first." if not refund else "Refunded from the credit."
        else:
            left = eob.remaining(entry.amount, (c for _, c in entry.split))
            where = (f"Split over {len(entry.split)} procedure(s); "
                     f"{fmt_grouped(left)} stays on account.")
        message = Text()
        message.append(f"{what} {fmt_grouped(entry.amount)} by {clean(how)} "
                       f"dated {entry.date.isoformat()}\n", "bold red" if refund else "bold")
        message.append(f"{clean(self.patient_name())}\n{where}")
        return f"Post this {what.lower()}?", message, refund

    def post(self, entry: PaymentEntry) -> str:
        self.posting.post_payment(self.patient_id, entry)
        what = "refund" if entry.amount < 0 else "payment"
        return f"Posted {what} {fmt(entry.amount)} ({entry.method})."
