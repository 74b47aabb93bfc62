"""One carrier's check paying several claims, of any patients: the EOB as it arrives.

Choose the carrier; its claims waiting for a check are listed oldest first, each with a
box to tick. A ticked claim's lines join the grid prefilled from the estimates (as the
one-claim form does) and untick to leave it. The running line says how much of the
check the lines apply; Post is refused until they apply all of it, and asks first.
Denials, remarks and supplemental payments on received claims stay with the one-claim
form (`tui.forms.insurance`), where the claim's whole history is in view.
"""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from estimator import eob
from estimator.money import fmt, fmt_grouped
from estimator.text import clean
from tui.forms.base import FormScreen, or_none, text_box
from tui.forms.insurance import BOXES, RunningCheck, line_label, prefill
from tui.forms.port import ClaimInfo, EobEntry, InsurancePaymentEntry, PostingDesk
from tui.widgets.checkbox import Checkbox

CHECK_GRID = (("Procedure", "grid-proc"), ("Charge", "grid-money"), ("Paid", "grid-head-money"),
              ("Write-off", "grid-head-money"), ("Deduct", "grid-head-money"))


def claim_choice(claim: ClaimInfo) -> Text:
    sent = claim.sent_date.isoformat() if claim.sent_date else "not sent"
    return Text(clean(f"{claim.label}  {claim.patient}  {sent}  "
                      f"est {fmt_grouped(claim.ins_est_total)}"))


class InsuranceCheckForm(RunningCheck, FormScreen):
    FORM_TITLE: ClassVar[str] = "Insurance check, several claims"
    NEEDS_PATIENT: ClassVar[bool] = False
    HINT: ClassVar[str] = "Tab: fields, claims, then each line · Ctrl+S post · Esc cancel"

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.carriers = list(posting.carriers_owing())
        self.claims: list[ClaimInfo] = []
        self.ticked: list[ClaimInfo] = []  # in the order they were ticked

    # --- layout ---------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        options = [(Text(clean(name)), key) for key, name in self.carriers]
        yield self.field("Carrier", Select(options, id="carrier", prompt="(choose the carrier)",
                                           classes="w-wide", compact=True))
        yield self.field("Check #", text_box("check_no", classes="w-short"))
        yield self.field("Bank #", text_box("bank_no", classes="w-short"))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))
        yield self.field("Check amount",
                         text_box("amount", placeholder="the check", classes="w-money"))
        yield Static(Text("Claims waiting for this carrier's check:"), classes="form-text")
        yield Vertical(id="check-claims", classes="grid")
        yield Horizontal(*(Static(Text(title, justify="right" if title == "Charge" else "left"),
                                  classes=css) for title, css in CHECK_GRID),
                         classes="grid-row grid-header")
        yield Vertical(id="eob-grid", classes="grid")
        yield Static(Text(""), id="eob-running", classes="running")

    def prefill(self) -> None:
        self.update_running()

    @on(Select.Changed, "#carrier")
    async def _carrier_chosen(self, event: Select.Changed) -> None:
        self.claims = [] if event.value is Select.NULL else \
            list(self.posting.waiting_claims(str(event.value)))
        self.ticked = []
        await self.query_one("#eob-grid", Vertical).remove_children()
        box = self.query_one("#check-claims", Vertical)
        await box.remove_children()
        if self.claims:
            await box.mount_all([Checkbox(claim_choice(c), id=f"pick-{c.key}", compact=True)
                                 for c in self.claims])
        else:
            await box.mount(Static(Text("None: every claim of this carrier is paid.",
                                        style="italic")))
        self.update_running()

    @on(Checkbox.Changed)
    async def _picked(self, event: Checkbox.Changed) -> None:
        box_id = event.checkbox.id or ""
        if not box_id.startswith("pick-"):
            return
        claim = next(c for c in self.claims if c.key == box_id.removeprefix("pick-"))
        grid = self.query_one("#eob-grid", Vertical)
        if event.value:
            self.ticked.append(claim)
            await grid.mount(self._claim_rows(claim))
            for box in grid.query(Input):
                box.cursor_blink = self.desk.config["cursor_blink"]
        else:
            self.ticked.remove(claim)
            await self.query_one(f"#lines-{claim.key}").remove()
        self.update_running()

    def _claim_rows(self, claim: ClaimInfo) -> Widget:
        rows: list[Widget] = [Static(Text(clean(f"{claim.label} · {claim.patient}"), style="bold"),
                                     classes="grid-row")]
        for i, line in enumerate(claim.lines):
            paid, wo, ded = prefill(claim, line)
            rows.append(Horizontal(
                Label(Text(line_label(line)), classes="grid-proc"),
                Static(Text(fmt_grouped(line.charge), justify="right"), classes="grid-money"),
                *(Input(value, id=f"{box}-{claim.key}-{i}", classes="grid-box", compact=True)
                  for box, value in zip(BOXES, (paid, wo, ded))),
                classes="grid-row"))
            for box, what in zip(BOXES, ("paid", "write-off", "deductible")):
                self.labels[f"{box}-{claim.key}-{i}"] = f"{claim.label} {line_label(line)} {what}"
        return Vertical(*rows, id=f"lines-{claim.key}", classes="grid")

    # --- the running line -------------------------------------------------------------

    def paid_ids(self) -> list[str]:
        return [f"paid-{c.key}-{i}" for c in self.ticked for i in range(len(c.lines))]

    def running_lead(self) -> str:
        return f"{len(self.ticked)} claim(s) · "

    # --- posting ----------------------------------------------------------------

    def collect(self) -> InsurancePaymentEntry | None:
        if self.query_one("#carrier", Select).value is Select.NULL:
            self.error("carrier", "choose the carrier")
            return None
        if not self.ticked:
            self.error("amount", "tick the claims this check pays")
            return None
        amount = self.money("amount")
        day = self.day("date")
        lines = [self._line(claim, i, line.procedure_key) for claim in self.ticked
                 for i, line in enumerate(claim.lines)]
        if self.errors:
            return None
        paid = [ln.paid for ln in lines]
        if not eob.balanced(amount, paid):
            self.error("amount", f"the lines apply {fmt(eob.applied(paid))}; "
                                 f"left {fmt(eob.remaining(amount, paid))}")
            return None
        return InsurancePaymentEntry(
            claim=self.ticked[0].key, amount=amount, date=day, lines=tuple(lines),
            check_no=or_none(self.text("check_no")), bank_no=or_none(self.text("bank_no")))

    def _line(self, claim: ClaimInfo, i: int, procedure: str) -> EobEntry:
        paid, wo, ded = (self.money(f"{box}-{claim.key}-{i}", required=False, negative=False) or 0
                         for box in BOXES)
        return EobEntry(procedure=procedure, paid=paid, writeoff=wo, deductible=ded,
                        claim=claim.key)

    def confirmation(self, entry: InsurancePaymentEntry) -> tuple[str, Text, bool]:
        carrier = dict(self.carriers).get(str(self.query_one("#carrier", Select).value), "")
        check = f" check #{entry.check_no}" if entry.check_no else ""
        message = Text(f"{fmt_grouped(entry.amount)}{clean(check)} from {clean(carrier)}, "
                       f"dated {entry.date.isoformat()}\n", "bold")
        for claim in self.ticked:
            paid = sum(ln.paid for ln in entry.lines if ln.claim == claim.key)
            message.append(clean(f"{claim.label}  {claim.patient}  {fmt_grouped(paid)}") + "\n")
        message.append("Each claim becomes received; their secondaries are released.")
        return "Post this insurance check?", message, False

    def post(self, entry: InsurancePaymentEntry) -> str:
        self.posting.enter_insurance_payment(entry)
        return (f"Posted insurance check {fmt(entry.amount)} to {len(self.ticked)} "
                f"claim{'s' if len(self.ticked) != 1 else ''}.")
