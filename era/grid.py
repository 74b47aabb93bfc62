"""One ERA payment mapped onto the insurance payment grid (pure; the store posts it).

`map_remittance(remittance, our_claims)` matches each CLP to one of our claims and each
SVC to one of its procedures, and prefills the grid line of the one-check form: what
`store.services.insurance_payments.enter_insurance_payment` takes (`GridLine.eob_fields`
are `EobLine`'s fields). Weak matches and what matches nothing come back with the reason.

Claims: by the claim id we sent (CLP01 = our `sent_id`, or one of `other_ids`); the id matching but the patient
not (neither the name nor the member id) is a weak match. Without the id: one claim of
the same patient (name or member id), date and billed total is a weak match; none, or
several, is no match (`ClaimIndex` finds them without scanning every claim per CLP). A
claim already paid here (`OurClaim.received`) takes a reversal, and a new payment only
as a flagged second payment (`ClaimMatch.again`) unless the same check reverses it; a
reversal of a claim never paid here posts nothing. `ClaimMatch.review` says why a claim
needs the office's look before it posts; `map_claim_to` maps a claim the office chose.
Lines: by the line id we sent when the payer echoes it (REF*6R), else by code (the code
billed, or the code paid when it is the procedure's substitution code: a downgrade),
preferring the same date and fee; a line found by code alone is weak.

How each CAS adjustment lands on the grid line (group-reason; amounts in cents):

| group | reason | grid field | why |
|---|---|---|---|
| CO contractual obligation | any (45 fee schedule, 253 sequestration, 97 bundled, ...) | write-off | the contract forbids billing the patient |
| PI payer-initiated reduction | any | write-off | not the patient's responsibility either |
| PR patient responsibility | 1 deductible | deductible (and the patient owes it) | |
| PR | 2 coinsurance, 3 co-payment, others (96, 204, 119, ...) | reported as patient share, not posted | the ledger already leaves the rest to the patient |
| OA other adjustment | any (23 prior payer, 18 duplicate, ...) | reported, not posted | neither a write-off nor the patient's |
| CR correction/reversal (4010) | any | reported, not posted | the reversal's own lines carry the money |

A line is denied when the claim is denied (CLP02 = 4) or it pays 0 with a denial reason:
any reason but the pricing ones (1, 2, 3, 23, 42, 45, 59, 94, 131, 253); the first denial
reason's words become the remarks. A denied line posts no write-off (the service refuses
one), so its CO/PI amounts are reported as not posted: the office decides. A reversal
(CLP02 = 22) posts as a negative supplemental payment: its negative paid, CO/PI and PR-1
amounts as they are. Claim-level CAS goes to the claim's lines in order: as the guide
has it (the lines balance on their own and pay the claim plus the claim-level amounts),
each line gives up at most what it pays, which moves from paid to the group's field; as
some payers do it (the lines pay the claim, but their own adjustments leave part of their
charge unexplained), each line takes at most that part. What fits no line, or a claim
that balances neither way, is reported as not posted. A predetermination (25) or a claim
forwarded as not the payer's (23) posts nothing.

The check: the claims paid come to the BPR amount minus what the provider-level
adjustments (PLB) add (interest L6 adds, a recovery WO takes), so
`CheckGrid.check_total = BPR amount + sum of PLB amounts` (the file's signs) is what the
claim lines must apply; the PLB lines are reported, never lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Sequence

from estimator.money import Cents, fmt

from . import codes
from .model import Adjustment, EraClaim, ProviderAdjustment, Remittance, ServiceLine

WRITEOFF_GROUPS = ("CO", "PI")
PRICING_REASONS = frozenset({"1", "2", "3", "23", "42", "45", "59", "94", "131", "253"})
NOT_POSTED_STATUS = {codes.PREDETERMINATION: "a predetermination: nothing to post",
                     codes.NOT_OUR_CLAIM: "the payer says it is not its claim: nothing to post"}


# --- our side, filled by the store --------------------------------------------------------

@dataclass(frozen=True)
class OurLine:
    """One claim procedure as we billed it."""
    procedure_id: int
    code: str
    date: date
    fee: Cents                  # the line's charge as billed (fee x units)
    estimate: Cents = 0         # the insurance estimate, shown next to what was paid
    substitution_code: str | None = None  # the code a downgrading plan pays instead
    sent_id: str | None = None  # the line id sent in the 837 (REF*6R), if any


@dataclass(frozen=True)
class OurClaim:
    """One of our claims as sent to the carrier."""
    claim_id: int
    sent_id: str                # the claim id sent (837 CLM01), echoed in CLP01
    patient_id: int
    patient_last: str
    patient_first: str
    date: date
    plan_id: int
    lines: tuple[OurLine, ...]
    member_id: str | None = None  # the subscriber's member id on the claim
    other_ids: tuple[str, ...] = ()  # other ids it may come back under (e.g. an imported
                                     # claim's file id next to its claim number)
    received: bool = False      # already paid here: a payment on it is supplemental
    label: str = ""             # how the office names it (claim number or practice id)

    @property
    def billed(self) -> Cents:
        return sum(ln.fee for ln in self.lines)


# --- the grid -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GridLine:
    """One line of the insurance payment grid, prefilled from one SVC."""
    claim: int
    procedure: int
    paid: Cents
    writeoff: Cents
    deductible: Cents
    denied: bool = False
    remarks: str | None = None
    supplemental: bool = False   # a reversal: takes money back from a received claim
    patient_share: Cents = 0     # PR other than the deductible: reported
    not_posted: tuple[Adjustment, ...] = ()  # OA, CR, and CO/PI of a denied line
    weak: str | None = None      # why this line's match is not certain
    service: ServiceLine | None = field(default=None, compare=False)

    def eob_fields(self) -> dict:
        """The keyword arguments of the store's `EobLine`."""
        return dict(claim=self.claim, procedure=self.procedure, paid=self.paid,
                    writeoff=self.writeoff, deductible=self.deductible, denied=self.denied,
                    remarks=self.remarks)


@dataclass(frozen=True)
class UnmatchedLine:
    service: ServiceLine
    reason: str


@dataclass(frozen=True)
class ClaimMatch:
    """One CLP against our claims: the match, its grid lines and what did not fit."""
    era: EraClaim
    claim: OurClaim | None
    how: str                     # "id", "weak", "none", or "hand" (matched by the office)
    reason: str | None = None    # why weak, why none, why nothing posts
    lines: tuple[GridLine, ...] = ()
    unmatched_lines: tuple[UnmatchedLine, ...] = ()
    not_on_era: tuple[int, ...] = ()   # our procedures the ERA does not mention
    not_posted: tuple[Adjustment, ...] = ()  # claim-level CAS no line could take
    again: str | None = None     # the claim was already paid here (and this is no reversal)

    @property
    def posted(self) -> Cents:
        return sum(ln.paid for ln in self.lines)

    @property
    def review(self) -> str | None:
        """Why the office should look before this claim posts (None: a clean match): a weak
        claim or line match, lines matching nothing, claim-level adjustments no line
        takes, or a claim already paid here. Such a claim posts only when accepted."""
        if not self.lines:
            return None
        if self.how == "weak":
            return self.reason
        weak = [f"{ln.service.billed_code if ln.service else ln.procedure}: {ln.weak}"
                for ln in self.lines if ln.weak]
        if weak:
            return "line " + "; line ".join(weak)
        if self.unmatched_lines:
            return "; ".join(u.reason for u in self.unmatched_lines)
        if self.not_posted:
            return ("claim-level " + ", ".join(f"{a.key} {fmt(a.amount)}" for a in self.not_posted)
                    + " fits no line")
        return self.again

    @property
    def left(self) -> Cents:
        """What the payer paid on this claim that the grid does not post."""
        return self.era.paid - self.posted


@dataclass(frozen=True)
class CheckGrid:
    """One payment (ST..SE) mapped: the claims, the PLB lines and the totals."""
    remittance: Remittance
    claims: tuple[ClaimMatch, ...]

    @property
    def provider_adjustments(self) -> tuple[ProviderAdjustment, ...]:
        return self.remittance.provider_adjustments

    @property
    def check_total(self) -> Cents:
        """BPR amount minus what the PLB lines added: what the claim lines apply."""
        return self.remittance.amount + self.remittance.provider_adjustment_total

    @property
    def posted(self) -> Cents:
        return sum(c.posted for c in self.claims)

    @property
    def left(self) -> Cents:
        """Paid on the ERA but not on the grid (unmatched claims and lines)."""
        return self.check_total - self.posted

    def eob_lines(self) -> tuple[GridLine, ...]:
        """The grid lines to post, one per claim procedure: a reversal and its corrected
        claim in the same check name the same procedures, and the service takes each
        procedure once, so their amounts are added."""
        merged: dict[tuple[int, int], GridLine] = {}
        for match in self.claims:
            for ln in match.lines:
                key = (ln.claim, ln.procedure)
                merged[key] = _add(merged[key], ln) if key in merged else ln
        return tuple(merged.values())


def _add(a: GridLine, b: GridLine) -> GridLine:
    remarks = "; ".join(r for r in (a.remarks, b.remarks) if r) or None
    return replace(a, paid=a.paid + b.paid, writeoff=a.writeoff + b.writeoff,
                   deductible=a.deductible + b.deductible, denied=a.denied and b.denied,
                   remarks=remarks, supplemental=a.supplemental or b.supplemental,
                   patient_share=a.patient_share + b.patient_share,
                   not_posted=a.not_posted + b.not_posted, weak=a.weak or b.weak)


# --- mapping ----------------------------------------------------------------------------------

def map_remittance(remittance: Remittance, our_claims: Sequence[OurClaim]) -> CheckGrid:
    """Every claim of one payment against the candidate claims (the carrier's, loaded by
    the caller)."""
    index = ClaimIndex(our_claims)
    matches = [map_claim(c, index) for c in remittance.claims]
    reversed_here = {m.claim.claim_id for m in matches if m.claim and m.era.is_reversal}
    # A received claim paid again is a second payment, unless the same check reverses
    # the first one (a reversal and its correction).
    matches = [replace(m, again=None) if m.claim and m.claim.claim_id in reversed_here else m
               for m in matches]
    return CheckGrid(remittance, tuple(matches))


def map_claim(era: EraClaim, our_claims: Sequence[OurClaim] | ClaimIndex) -> ClaimMatch:
    claim, how, reason = match_claim(era, our_claims)
    if claim is None:
        return ClaimMatch(era, None, how, reason)
    return map_claim_to(era, claim, how, reason)


def map_claim_to(era: EraClaim, claim: OurClaim, how: str = "hand",
                 reason: str | None = None) -> ClaimMatch:
    """The grid of one ERA claim against the claim it belongs to (found by `match_claim`,
    or chosen by the office: ``how="hand"``)."""
    if era.is_reversal and not claim.received:
        return ClaimMatch(era, claim, how, _join(reason, f"a reversal, but claim "
                          f"{claim.label or claim.sent_id} has no payment here to take back"))
    again = None
    if claim.received and not era.is_reversal and era.status not in NOT_POSTED_STATUS:
        again = (f"claim {claim.label or claim.sent_id} was already paid here: this adds a "
                 "supplemental payment")
    if era.status in NOT_POSTED_STATUS:
        return ClaimMatch(era, claim, how, NOT_POSTED_STATUS[era.status])
    services = era.lines or _whole_claim(era, claim)
    if not services:
        return ClaimMatch(era, claim, how, _join(reason, "the ERA pays the claim as a whole "
                          "(no service lines): split it by hand"),
                          not_on_era=tuple(ln.procedure_id for ln in claim.lines))
    pairs, unmatched = match_lines(services, claim, era)
    lines, leftover = _grid_lines(era, claim, pairs)
    taken = {ln.procedure for ln in lines}
    return ClaimMatch(era, claim, how, reason, lines, unmatched,
                      tuple(ln.procedure_id for ln in claim.lines if ln.procedure_id not in taken),
                      leftover, again)


# --- claims ---------------------------------------------------------------------------------

class ClaimIndex:
    """Our claims by the ids they were sent under and by patient (name, member id), built
    once per payment so matching a thousand CLPs does not scan every claim for each."""

    def __init__(self, our_claims: Sequence[OurClaim]) -> None:
        self.claims = list(our_claims)
        self.ids: dict[str, list[int]] = {}
        self.patients: dict[object, list[int]] = {}
        for pos, claim in enumerate(self.claims):
            for key in {_key(i) for i in (claim.sent_id, *claim.other_ids)}:
                self.ids.setdefault(key, []).append(pos)
            self.patients.setdefault((_name(claim.patient_last), _name(claim.patient_first)),
                                     []).append(pos)
            if claim.member_id:
                self.patients.setdefault(_key(claim.member_id), []).append(pos)

    def sent_as(self, claim_id: str) -> list[OurClaim]:
        return [self.claims[pos] for pos in self.ids.get(_key(claim_id), ())]

    def of_patient(self, era: EraClaim) -> list[OurClaim]:
        """Claims that may be the ERA patient's (`_same_patient` decides), in order."""
        found = set(self.patients.get((_name(era.patient.last), _name(era.patient.first)), ()))
        if era.patient.id:
            found |= set(self.patients.get(_key(era.patient.id), ()))
        return [self.claims[pos] for pos in sorted(found)]


def match_claim(era: EraClaim, our_claims: Sequence[OurClaim] | ClaimIndex):
    """(our claim or None, "id" | "weak" | "none", reason)."""
    index = our_claims if isinstance(our_claims, ClaimIndex) else ClaimIndex(our_claims)
    by_id = index.sent_as(era.claim_id)
    if len(by_id) == 1:
        claim = by_id[0]
        if _same_patient(era, claim):
            return claim, "id", None
        return claim, "weak", (f"claim id {era.claim_id} matches but the ERA's patient is "
                               f"{era.patient.name}, not {claim.patient_last}, "
                               f"{claim.patient_first}")
    if len(by_id) > 1:
        return None, "none", f"{len(by_id)} claims were sent as {era.claim_id}: choose one"
    alike = [c for c in index.of_patient(era) if _same_patient(era, c) and _same_day(era, c)
             and c.billed == era.billed]
    what = f"{era.patient.name} on {era.date or 'no date'} for {fmt(era.billed)}"
    if len(alike) == 1:
        return alike[0], "weak", (f"no claim sent as {era.claim_id}: matched by patient, "
                                  f"date and billed total ({what})")
    if alike:
        return None, "none", f"no claim sent as {era.claim_id} and {len(alike)} claims of {what}"
    return None, "none", f"no claim sent as {era.claim_id} and none of {what}"


def _key(text: str | None) -> str:
    return (text or "").strip().upper()


def _name(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _same_patient(era: EraClaim, claim: OurClaim) -> bool:
    if era.patient.id and claim.member_id and _key(era.patient.id) == _key(claim.member_id):
        return True
    return (_name(era.patient.last) == _name(claim.patient_last) != ""
            and _name(era.patient.first) == _name(claim.patient_first))


def _same_day(era: EraClaim, claim: OurClaim) -> bool:
    days = {era.date, *(ln.date for ln in era.lines)} - {None}
    return bool(days & ({claim.date} | {ln.date for ln in claim.lines}))


# --- lines ----------------------------------------------------------------------------------

def match_lines(services: Sequence[ServiceLine], claim: OurClaim, era: EraClaim):
    """([(service, our line, weak reason or None)], [UnmatchedLine])."""
    free = list(claim.lines)
    pairs, unmatched = [], []
    for svc in services:
        found = _by_control_number(svc, free) or _by_code(svc, free, era)
        if found is None:
            codes_here = ", ".join(ln.code for ln in free) or "none left"
            unmatched.append(UnmatchedLine(svc, f"no {svc.billed_code} on claim "
                                                f"{claim.sent_id} (open lines: {codes_here})"))
            continue
        line, weak = found
        free.remove(line)
        pairs.append((svc, line, weak))
    return pairs, tuple(unmatched)


def _by_control_number(svc: ServiceLine, free: list[OurLine]):
    for line in free:
        if svc.control_number and _key(line.sent_id) == _key(svc.control_number):
            return line, None
    return None


def _codes_fit(svc: ServiceLine, line: OurLine) -> bool:
    ours = _key(line.code)
    return ours in (_key(svc.billed_code), _key(svc.code)) or (
        bool(line.substitution_code) and _key(line.substitution_code) == _key(svc.code))


def _by_code(svc: ServiceLine, free: list[OurLine], era: EraClaim):
    fits = [ln for ln in free if _codes_fit(svc, ln)]
    if not fits:
        return None
    day = svc.date or era.date
    charge = abs(svc.billed)  # a reversal's charge is negative
    best = max(fits, key=lambda ln: (ln.date == day) + (ln.fee == charge))  # first of ties
    problems = []
    if best.date != day:
        problems.append(f"date {day or 'missing'} on the ERA, {best.date} here")
    if best.fee != charge:
        problems.append(f"charge {fmt(svc.billed)} on the ERA, {fmt(best.fee)} here")
    return best, ("; ".join(problems) or None)


def _whole_claim(era: EraClaim, claim: OurClaim) -> tuple[ServiceLine, ...]:
    """A claim the payer answers without service lines: its one procedure, or (a denial)
    every procedure, stands in for them; otherwise () and the office splits it."""
    if len(claim.lines) == 1:
        ln = claim.lines[0]
        return (ServiceLine(ln.code, ln.code, era.billed, era.paid, date=ln.date,
                            adjustments=era.adjustments, control_number=ln.sent_id),)
    if era.is_denied and era.paid == 0:
        return tuple(ServiceLine(ln.code, ln.code, ln.fee, 0, date=ln.date,
                                 control_number=ln.sent_id) for ln in claim.lines)
    return ()


# --- amounts ------------------------------------------------------------------------------

def _grid_lines(era: EraClaim, claim: OurClaim, pairs):
    """The grid lines, with the claim-level adjustments handed out to them."""
    services = [svc for svc, _line, _weak in pairs]
    paid = [svc.paid for svc in services]
    level = () if not era.lines and len(claim.lines) == 1 else era.adjustments  # else on it
    extra, leftover = [[] for _ in services], tuple(level)
    lines_paid = sum(ln.paid for ln in era.lines or services)
    if level and lines_paid == era.paid:
        # Off the guide: the lines do not balance and the claim-level CAS says why.
        extra, leftover = _hand_out(level, [svc.billed - svc.paid - sum(
            a.amount for a in svc.adjustments) for svc in services])
    elif level and lines_paid - sum(a.amount for a in level) == era.paid:
        # The guide's way: the lines balance, the claim-level CAS takes from what they pay.
        extra, leftover = _hand_out(level, paid)
        paid = [p - sum(a.amount for a in more) for p, more in zip(paid, extra)]
    lines = tuple(_grid_line(era, claim, svc, line, weak, extra[i], paid[i])
                  for i, (svc, line, weak) in enumerate(pairs))
    return lines, leftover


def _hand_out(adjustments: Sequence[Adjustment], room: list[Cents]):
    """Each adjustment onto the lines in order, a line taking at most its `room` (same
    sign only: a reversal's are negative); returns (per line lists, what fit nowhere)."""
    room = list(room)
    extra: list[list[Adjustment]] = [[] for _ in room]
    leftover = []
    for adj in adjustments:
        left = adj.amount
        for i, space in enumerate(room):
            if left == 0:
                break
            if space == 0 or (space > 0) != (left > 0):
                continue
            take = min(abs(left), abs(space)) * (1 if left > 0 else -1)
            extra[i].append(replace(adj, amount=take))
            room[i] -= take
            left -= take
        if left:
            leftover.append(replace(adj, amount=left))
    return extra, tuple(leftover)


def _grid_line(era: EraClaim, claim: OurClaim, svc: ServiceLine, line: OurLine,
               weak: str | None, extra: Sequence[Adjustment], paid: Cents) -> GridLine:
    adjustments = (*svc.adjustments, *extra)
    reversal = era.is_reversal
    denied = not reversal and paid == 0 and (era.is_denied or bool(_denials(adjustments)))
    writeoff = sum(a.amount for a in adjustments if a.group in WRITEOFF_GROUPS)
    kept_out = tuple(a for a in adjustments if a.group not in ("CO", "PI", "PR")
                     or (denied and a.group in WRITEOFF_GROUPS))
    # A claim paid already takes no denial (the service refuses one): a zero supplemental
    # line that says "denied" in its remarks.
    return GridLine(
        claim.claim_id, line.procedure_id, paid, 0 if denied else writeoff,
        sum(a.amount for a in adjustments if a.key == "PR-1"),
        denied=denied and not claim.received, remarks=_remarks(era, svc, adjustments, denied),
        supplemental=reversal or claim.received,
        patient_share=sum(a.amount for a in adjustments if a.group == "PR" and a.reason != "1"),
        not_posted=kept_out, weak=weak, service=svc)


def _denials(adjustments: Iterable[Adjustment]) -> list[Adjustment]:
    return [a for a in adjustments if a.reason not in PRICING_REASONS and a.amount]


def _remarks(era: EraClaim, svc: ServiceLine, adjustments: Sequence[Adjustment],
             denied: bool) -> str | None:
    parts = []
    if era.is_reversal:
        parts.append("reversal of a previous payment")
    if denied:
        why = _denials(adjustments) or _denials(era.adjustments)
        parts.append(f"denied: {why[0].key} {why[0].text}" if why else "denied")
    if svc.downgraded:
        parts.append(f"paid as {svc.code}")
    parts += [f"{a.key} {fmt(a.amount)}" for a in adjustments]
    parts += list(svc.remarks)
    return "; ".join(parts) or None


def _join(*texts: str | None) -> str:
    return "; ".join(t for t in texts if t)
