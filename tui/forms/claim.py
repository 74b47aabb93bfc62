"""Create claim: the completed work never billed, each with a checkbox (today's work ticked;
older work, work no plan would bill, excluded and do-not-bill work not ticked, with the reason),
and what will be created: the primary claim and, with secondary coverage, a
secondary claim on hold until the primary is received. Confirmed first."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Checkbox, Static

from estimator.money import fmt_grouped
from estimator.text import clean
from tui.forms.base import FormScreen, text_box
from tui.forms.payment import procedure_label
from tui.forms.port import CoverageInfo, PostingDesk, ProcedureInfo
from tui.forms.visit_port import ClaimCandidate

ORDINALS = {1: "primary", 2: "secondary", 3: "tertiary", 4: "quaternary"}


def coverage_text(plans: list[CoverageInfo]) -> Text:
    """Which claims creating will make (and which wait on hold)."""
    billable = [p for p in plans if p.billable]
    if not billable:
        return Text("This patient has no insurance to bill.", style="bold")
    first, later = billable[0], billable[1:]
    out = Text(f"A claim to {clean(first.carrier)} ({ORDINALS.get(first.order, first.order)}) "
               "will be created, unsent.")
    for plan in later:
        out.append(f"\nA {ORDINALS.get(plan.order, str(plan.order))} claim to "
                   f"{clean(plan.carrier)} will be created on hold until the earlier claims "
                   "are received.", "bold")
    return out


class CreateClaimForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Create claim"
    HINT: ClassVar[str] = "Space tick/untick · Tab next · Ctrl+S create · Esc cancel"

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.procs: list[ProcedureInfo | ClaimCandidate] = []
        self.ticked: list[bool] = []
        self.reasons: list[str] = []
        self.plans: list[CoverageInfo] = []
        if patient_id is not None:
            candidates = getattr(posting, "claim_candidates", None)  # a VisitDesk's
            if candidates is None:  # a plain posting desk: every unbilled line ticked
                self.procs = list(posting.unbilled(patient_id))
                self.ticked, self.reasons = [True] * len(self.procs), [""] * len(self.procs)
            else:
                self.procs = list(candidates(patient_id))
                self.ticked = [c.ticked for c in self.procs]
                self.reasons = [c.reason for c in self.procs]
            self.plans = list(posting.coverage(patient_id))

    def fields(self) -> ComposeResult:
        yield Static(coverage_text(self.plans), id="claim-coverage", classes="form-text")
        if not self.procs:
            yield Static(Text("No completed work is waiting to be billed."), id="claim-none",
                         classes="form-text")
        elif not any(self.ticked):
            yield Static(Text("Nothing from today to bill: tick the older work to bill it."),
                         id="claim-none", classes="form-text")
        for i, proc in enumerate(self.procs):
            label = Text(f"{procedure_label(proc)}  {fmt_grouped(proc.charge)}  "
                         f"{clean(proc.description)}")
            if self.reasons[i]:
                label.append(f"  ({clean(self.reasons[i])})", "italic")
            yield Checkbox(label, value=self.ticked[i], id=f"bill-{i}", classes="bill",
                           compact=True)
        yield self.field("Claim date", text_box("date", self.today().isoformat(), classes="w-date"))

    def chosen(self) -> list[ProcedureInfo]:
        return [p for i, p in enumerate(self.procs)
                if self.query_one(f"#bill-{i}", Checkbox).value]

    def collect(self) -> tuple[list[str], object] | None:
        day = self.day("date")
        procs = self.chosen()
        if not procs:
            self.error("date", "tick at least one procedure to bill")
        if self.errors:
            return None
        return [p.key for p in procs], day

    def confirmation(self, entry) -> tuple[str, Text, bool]:
        keys, day = entry
        message = Text(f"Bill {len(keys)} procedure(s), claim date {day.isoformat()}.\n",
                       style="bold")
        message.append_text(coverage_text(self.plans))
        return "Create the claims?", message, False

    def post(self, entry) -> str:
        keys, day = entry
        labels = self.posting.create_claims(self.patient_id, keys, day)
        return f"Posted claim{'s' if len(labels) != 1 else ''} {', '.join(labels)}."
