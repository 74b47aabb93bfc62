"""What the office reviews of an ERA before and after posting it, as plain frozen data:
built by the store (`store.desks.era`, `store.read.era_lists`) from the matched grid and
the imported ERAs, read by the ERA screen (`tui.forms.era`) and the CLI. Keys are opaque
strings handed back unchanged; money is integer cents; the sums a screen shows while the
office edits (the running check balance) are the functions at the end, so no widget adds
money.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from estimator.money import Cents, fmt

from .grid import CheckGrid, ClaimMatch, GridLine


# --- a file as matched, before posting ------------------------------------------------------

@dataclass(frozen=True)
class LineView:
    """One grid line: an SVC matched to one of our claim procedures, prefilled."""
    claim_key: str
    procedure_key: str
    label: str                # our procedure: code (and tooth / surface)
    code_paid: str            # the code as the payer adjudicated it
    date: date | None
    charge: Cents
    paid: Cents
    writeoff: Cents
    deductible: Cents
    denied: bool = False
    remarks: str | None = None
    patient_share: Cents = 0  # PR other than the deductible: reported, not posted
    weak: str | None = None   # why the line match is uncertain
    supplemental: bool = False


@dataclass(frozen=True)
class ClaimView:
    """One CLP: what the payer says, the claim it matched and how sure the match is."""
    seq: int                  # place in the payment, 0-based
    claim_ref: str            # CLP01: the claim id we sent
    patient: str              # as the payer wrote it
    status: str               # CLP02 in words
    billed: Cents
    paid: Cents               # what the ERA pays on it
    claim_key: str | None     # our claim (None: matched nothing)
    claim_label: str | None
    how: str                  # id / weak / none
    reason: str | None        # why weak, why none, why nothing posts
    review: str | None        # why the office should look before it posts (None: clean)
    lines: tuple[LineView, ...] = ()
    unmatched: tuple[str, ...] = ()  # service lines that match nothing, with the reason
    left: Cents = 0           # paid on the ERA, not on the lines

    @property
    def postable(self) -> bool:
        return bool(self.lines)


@dataclass(frozen=True)
class CheckView:
    """One payment (ST..SE) of the file: one check or EFT."""
    seq: int                  # place in the file, 1-based
    payer: str
    carrier: str | None       # our carrier (None: no carrier is this payer)
    trace_number: str
    method: str               # in words: check, EFT, ...
    date: date | None
    amount: Cents             # BPR
    provider_adjustments: tuple[tuple[str, str, Cents], ...]  # (reason, reference, amount)
    check_total: Cents        # BPR minus the provider adjustments: what the claims apply
    refusal: str | None       # why it cannot be posted (posted already, ...)
    claims: tuple[ClaimView, ...] = ()


@dataclass(frozen=True)
class EraPreview:
    """An ERA file read and matched: its payments and what the reading found."""
    path: str
    name: str
    checks: tuple[CheckView, ...]
    warnings: tuple[str, ...] = ()
    validated: bool = False   # False: the X12 guide's check has not run (yet)


# --- what the office hands back --------------------------------------------------------------

@dataclass(frozen=True)
class LinePick:
    claim_key: str
    procedure_key: str
    paid: Cents
    writeoff: Cents
    deductible: Cents
    denied: bool = False
    remarks: str | None = None


@dataclass(frozen=True)
class ClaimPick:
    """Post the ERA's claim ``seq`` to ``claim_key`` with these lines."""
    seq: int
    claim_key: str
    lines: tuple[LinePick, ...]


def as_picked(line: LineView) -> LinePick:
    return LinePick(line.claim_key, line.procedure_key, line.paid, line.writeoff,
                    line.deductible, line.denied, line.remarks)


# --- the imported ERAs -----------------------------------------------------------------------

@dataclass(frozen=True)
class EraSummary:
    """One imported payment: what it paid, what was posted, what is left to finish."""
    key: str
    payer: str
    carrier: str
    trace_number: str
    method: str
    check_date: date | None
    amount: Cents
    provider_adjustments: Cents  # the file's signs
    posted: Cents
    left: Cents                  # on its claims still to finish
    status: str                  # posted / partial / open
    file_name: str
    imported_at: str
    imported_by: str
    claims: int
    open_claims: int


@dataclass(frozen=True)
class FinishRow:
    """One claim of an imported ERA (on the "ERA to finish" list when open or partial)."""
    key: str
    era_key: str
    trace_number: str
    payer: str
    check_date: date | None
    claim_ref: str
    patient: str
    paid: Cents
    posted: Cents
    left: Cents
    state: str                   # open / partial / posted / handled / nothing
    how: str
    reason: str | None
    claim_label: str | None
    note: str | None = None


# --- sums the screen shows ---------------------------------------------------------------------

@dataclass(frozen=True)
class Balance:
    """The running check balance: what the ticked claims' lines apply, what stays on the
    list to finish, and what is off (must be 0.00 to post)."""
    check_total: Cents
    applied: Cents
    to_finish: Cents

    @property
    def off(self) -> Cents:
        return self.check_total - self.applied - self.to_finish


def balance(check: CheckView, picked: Mapping[int, Iterable[Cents]]) -> Balance:
    """``picked``: claim seq -> the paid amounts of its lines as typed, for the claims the
    office posts; every other claim goes to the list with all it pays, a posted one with
    what its lines leave (`ClaimView.left`)."""
    applied = sum(sum(paid) for paid in picked.values())
    to_finish = sum(c.left if c.seq in picked else c.paid for c in check.claims)
    return Balance(check.check_total, applied, to_finish)


def claim_off(claim: ClaimView, paid: Iterable[Cents]) -> Cents:
    """How far a posted claim's typed lines are from what the ERA pays on them."""
    return sum(ln.paid for ln in claim.lines) - sum(paid)


# --- from the grid ---------------------------------------------------------------------------

def claim_view(match: ClaimMatch, labels: Mapping[int, str], seq: int) -> ClaimView:
    """``labels``: our procedure id -> its label (code, tooth, surface)."""
    claim = match.claim
    return ClaimView(
        seq, match.era.claim_id, match.era.patient.name, match.era.status_text,
        match.era.billed, match.era.paid, str(claim.claim_id) if claim else None,
        (claim.label or claim.sent_id) if claim else None, match.how, match.reason,
        match.review, tuple(_line_view(ln, labels) for ln in match.lines),
        tuple(f"{u.service.billed_code} paid {fmt(u.service.paid)}: {u.reason}"
              for u in match.unmatched_lines), match.left)


def _line_view(line: GridLine, labels: Mapping[int, str]) -> LineView:
    svc = line.service
    return LineView(str(line.claim), str(line.procedure), labels.get(line.procedure, "?"),
                    svc.code if svc else "", svc.date if svc else None,
                    svc.billed if svc else 0, line.paid, line.writeoff, line.deductible,
                    line.denied, line.remarks, line.patient_share, line.weak, line.supplemental)


def check_view(grid: CheckGrid | None, remittance, seq: int, carrier: str | None,
               refusal: str | None, labels: Mapping[int, str]) -> CheckView:
    claims = () if grid is None else tuple(
        claim_view(m, labels, i) for i, m in enumerate(grid.claims))
    total = remittance.amount + remittance.provider_adjustment_total
    return CheckView(seq, remittance.payer.name, carrier, remittance.trace_number,
                     remittance.method_text, remittance.date, remittance.amount,
                     tuple((f"{p.reason} {p.text}", p.reference or "", p.amount)
                           for p in remittance.provider_adjustments),
                     total, refusal, claims)
