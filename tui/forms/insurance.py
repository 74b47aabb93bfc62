"""Enter insurance payment: the carrier's check applied by procedure to one claim.

The grid lists the claim's lines prefilled from the estimates (paid = insurance
estimate, write-off = write-off estimate, deductible = deductible estimate; all
0.00 on a supplemental payment to a received claim). Tab walks paid, write-off,
deductible, remarks, denied, then the next line. The running line says how much
of the check the lines apply; Post is refused until they apply all of it, and
asks before posting.
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
from tui.forms.payment import lenient_cents
from tui.forms.port import ClaimInfo, ClaimLineInfo, EobEntry, InsurancePaymentEntry, PostingDesk
from tui.widgets.checkbox import Checkbox

GRID_COLUMNS = (("Procedure", "grid-proc"), ("Charge", "grid-money"), ("Paid", "grid-head-money"),
                ("Write-off", "grid-head-money"), ("Deduct", "grid-head-money"),
                ("Remarks", "grid-remarks"), ("Denied", "grid-denied"))
BOXES = ("paid", "wo", "ded")  # the money boxes of a line, in Tab order


def line_label(line: ClaimLineInfo) -> str:
    tooth = f" #{line.tooth}" if line.tooth else ""
    return clean(f"{line.code}{tooth} {line.surface}".rstrip())


def claim_label(claim: ClaimInfo) -> str:
    return clean(f"{claim.label} {claim.carrier} · {claim.status} · "
                 f"{fmt_grouped(claim.ins_est_total)}")


def running_text(check: int | None, paid: list[int | None], lead: str = "") -> Text:
    """``Applied 96.00 of 120.00 · left 24.00 · must be 0.00 to post`` (None: not money);
    ``lead`` goes before it."""
    if check is None or None in paid:
        return Text(f"{lead}Applied ?: fix the amounts that are not money", style="italic")
    left = eob.remaining(check, paid)
    line = Text(f"{lead}Applied {fmt_grouped(eob.applied(paid))} of {fmt_grouped(check)} · "
                f"left {fmt_grouped(left)}")
    line.append(" · ready to post" if left == 0 and paid else " · must be 0.00 to post",
                "green" if left == 0 else "yellow")
    return line


class RunningCheck:
    """For a check's forms: the running line under the grid, redrawn as the check amount
    or a line's paid amount changes (``#amount``, the ``paid_ids`` boxes, ``#eob-running``)."""

    def paid_ids(self) -> list[str]:
        raise NotImplementedError

    def running_lead(self) -> str:
        return ""

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "amount" or (event.input.id or "").startswith("paid-"):
            self.update_running()

    def update_running(self) -> None:
        check = lenient_cents(self.text("amount"))
        paid = [lenient_cents(self.text(box)) for box in self.paid_ids()]
        self.query_one("#eob-running", Static).update(running_text(check, paid,
                                                                   self.running_lead()))


def prefill(claim: ClaimInfo, line: ClaimLineInfo) -> tuple[str, str, str]:
    """(paid, write-off, deductible) text a line starts with."""
    if claim.status == "received":  # a supplemental payment: only what is new
        return "0.00", "0.00", "0.00"
    return fmt(line.ins_est), fmt(line.writeoff_est), fmt(line.deductible_est)


class InsurancePaymentForm(RunningCheck, FormScreen):
    FORM_TITLE: ClassVar[str] = "Insurance payment"
    HINT: ClassVar[str] = ("Tab: paid, write-off, deductible, remarks, denied · "
                           "Ctrl+S post · Esc cancel")

    def __init__(self, posting: PostingDesk, patient_id: str | None,
                 claim_key: str | None = None) -> None:
        super().__init__(posting, patient_id)
        self.claims: list[ClaimInfo] = []
        if patient_id is not None:
            self.claims = [c for c in posting.claims(patient_id) if c.payable]
        self.claim = self._first(claim_key)

    def _first(self, key: str | None) -> ClaimInfo | None:
        for wanted in (lambda c: c.key == key, lambda c: c.status == "sent",
                       lambda c: c.status != "received", lambda c: True):
            found = next((c for c in self.claims if wanted(c)), None)
            if found is not None:
                return found
        return None

    # --- layout ---------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        options = [(Text(claim_label(c)), c.key) for c in self.claims]
        yield self.field("Claim", Select(options, id="claim", prompt="(no claim to pay)",
                                         value=self.claim.key if self.claim else Select.NULL,
                                         classes="w-wide", compact=True))
        yield Static(self._carrier_text(), id="carrier", classes="form-text")
        yield self.field("Check #", text_box("check_no", classes="w-short"))
        yield self.field("Bank #", text_box("bank_no", classes="w-short"))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))
        yield self.field("Check amount",
                         text_box("amount", placeholder="the check", classes="w-money"))
        yield Horizontal(*(Static(Text(title, justify="right" if title == "Charge" else "left"),
                                 classes=css) for title, css in GRID_COLUMNS),
                         classes="grid-row grid-header")
        with Vertical(id="eob-grid", classes="grid"):
            yield from self._rows()
        yield Static(Text(""), id="eob-running", classes="running")

    def _carrier_text(self) -> Text:
        if self.claim is None:
            return Text("No claim of this patient is waiting for a payment.", style="italic")
        claim = self.claim
        if claim.status == "received":
            kind = "received: a supplemental payment"
        else:
            sent = f" {claim.sent_date.isoformat()}" if claim.sent_date else ""
            kind = f"{claim.status}{sent}, estimate {fmt_grouped(claim.ins_est_total)}"
        out = Text()
        out.append("Carrier".ljust(14), "dim")
        out.append(f"{clean(claim.carrier)} · claim {clean(claim.label)} {kind}")
        return out

    def _rows(self) -> list[Widget]:
        if self.claim is None:
            return []
        rows = []
        for i, line in enumerate(self.claim.lines):
            paid, wo, ded = prefill(self.claim, line)
            rows.append(Horizontal(
                Label(Text(line_label(line)), classes="grid-proc"),
                Static(Text(fmt_grouped(line.charge), justify="right"), classes="grid-money"),
                Input(paid, id=f"paid-{i}", classes="grid-box", compact=True),
                Input(wo, id=f"wo-{i}", classes="grid-box", compact=True),
                Input(ded, id=f"ded-{i}", classes="grid-box", compact=True),
                Input(placeholder="remarks", id=f"rem-{i}", classes="grid-remarks", compact=True),
                Checkbox(Text("no"), id=f"den-{i}", classes="grid-denied", compact=True),
                classes="grid-row"))
            for box, what in zip(BOXES, ("paid", "write-off", "deductible")):
                self.labels[f"{box}-{i}"] = f"{line_label(line)} {what}"
        return rows

    def prefill(self) -> None:
        self.update_running()

    def focus_first(self) -> None:
        """The claim is usually already the right one: start at the check number."""
        if self.claim is not None:
            self.query_one("#check_no", Input).focus()
        else:
            super().focus_first()

    @on(Select.Changed, "#claim")
    async def _claim_chosen(self, event: Select.Changed) -> None:
        chosen = next((c for c in self.claims if c.key == event.value), None)
        if chosen is None or chosen is self.claim:
            return
        self.claim = chosen
        self.query_one("#carrier", Static).update(self._carrier_text())
        grid = self.query_one("#eob-grid", Vertical)
        await grid.remove_children()
        rows = self._rows()
        if rows:
            await grid.mount_all(rows)
        for box in grid.query(Input):
            box.cursor_blink = self.desk.config["cursor_blink"]
        self.update_running()

    # --- the running line -------------------------------------------------------------

    def lines(self) -> list[ClaimLineInfo]:
        return list(self.claim.lines) if self.claim else []

    def paid_ids(self) -> list[str]:
        return [f"paid-{i}" for i in range(len(self.lines()))]

    @on(Checkbox.Changed)
    def _denied(self, event: Checkbox.Changed) -> None:
        """A denied line pays and writes off nothing: zero it and skip it in Tab order."""
        box_id = event.checkbox.id or ""
        if not box_id.startswith("den-"):
            return
        i = int(box_id.removeprefix("den-"))
        event.checkbox.label = Text("YES" if event.value else "no")
        paid, wo, _ = prefill(self.claim, self.lines()[i])
        for name, restore in (("paid", paid), ("wo", wo)):
            money_box = self.query_one(f"#{name}-{i}", Input)
            money_box.value = "0.00" if event.value else restore
            money_box.disabled = event.value

    # --- posting ----------------------------------------------------------------

    def collect(self) -> InsurancePaymentEntry | None:
        if self.claim is None:
            self.error("claim", "no claim to pay")
            return None
        amount = self.money("amount")
        day = self.day("date")
        lines = [self._line(i, line) for i, line in enumerate(self.lines())]
        if self.errors:
            return None
        paid = [ln.paid for ln in lines]
        if self.claim.status == "received" and not any(
                (ln.paid, ln.writeoff, ln.deductible) != (0, 0, 0) for ln in lines):
            self.error("amount", "a supplemental payment needs an amount on a line")
            return None
        if not eob.balanced(amount, paid):
            self.error("amount", f"the lines apply {fmt(eob.applied(paid))}; "
                                 f"left {fmt(eob.remaining(amount, paid))}")
            return None
        return InsurancePaymentEntry(
            claim=self.claim.key, amount=amount, date=day, lines=tuple(lines),
            check_no=or_none(self.text("check_no")), bank_no=or_none(self.text("bank_no")))

    def _line(self, i: int, line: ClaimLineInfo) -> EobEntry:
        supplemental = self.claim.status == "received"
        paid, wo, ded = (self.money(f"{box}-{i}", required=False, negative=supplemental) or 0
                         for box in BOXES)
        return EobEntry(procedure=line.procedure_key, paid=paid, writeoff=wo, deductible=ded,
                        denied=self.query_one(f"#den-{i}", Checkbox).value,
                        remarks=or_none(self.text(f"rem-{i}")))

    def confirmation(self, entry: InsurancePaymentEntry) -> tuple[str, Text, bool]:
        denied = sum(1 for ln in entry.lines if ln.denied)
        check = f" check #{entry.check_no}" if entry.check_no else ""
        message = Text(f"{fmt_grouped(entry.amount)}{clean(check)} from "
                       f"{clean(self.claim.carrier)}, dated {entry.date.isoformat()}\n", "bold")
        message.append(f"Claim {clean(self.claim.label)}: {len(entry.lines)} line(s)"
                       + (f", {denied} denied" if denied else "") + ".\n")
        message.append("The claim becomes received." if self.claim.status != "received"
                       else "A supplemental payment on a received claim.")
        return "Post this insurance payment?", message, False

    def post(self, entry: InsurancePaymentEntry) -> str:
        self.posting.enter_insurance_payment(entry)
        return f"Posted insurance payment {fmt(entry.amount)} to claim {clean(self.claim.label)}."
