"""Posting an ERA (electronic remittance, X12 835): one payment of one carrier, any number of
claims and patients, through `enter_insurance_payment`, so re-estimation, the release of
secondary claims, the audit row and the carrier's write-off code work as for a keyed check.

`post_era` posts one payment (one ST..SE of a file) in one transaction: it matches the
payment against the database inside the transaction (`store.read.remittances`), refuses
what cannot post (no carrier, no trace number, posted before, claims that do not add up to
the check: BPR amount minus the provider adjustments), posts the claims chosen, and records
the ERA: the file (kept whole), the payment, each claim (matched or not, posted or left)
and the provider adjustments (PLB: interest, recoveries; recorded and reported, posted to
no account). A refusal writes nothing.

What posts: every claim matched by its id whose lines all match (`ClaimMatch.review` is
None); weak matches only when accepted (``accept_weak``) or chosen (``choices``, the ERA
screen, with the lines as edited there: paid may move between a claim's lines, but the
claim pays what the ERA says). The rest stays on the "ERA to finish" list with its
amount: `finish_era_claim` posts one by hand to a claim the office names,
`close_era_claim` marks one handled with a note.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from era.grid import NOT_POSTED_STATUS, CheckGrid, ClaimMatch, map_claim_to
from era.model import Remittance
from estimator.money import fmt

from ..connection import Database
from ..read.remittances import CheckMatch, era_label, load_claims, match_check
from .common import (
    Actor, Posting, ServiceError, check_open, insert_rows, one, posting, stamp_text, text_or_none,
)
from .insurance_payments import EobLine, enter_insurance_payment

OPEN_STATES = ("open", "partial")  # on the "ERA to finish" list


@dataclass(frozen=True)
class EraSource:
    """The file a payment was read from: kept whole with the ERA."""
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ClaimChoice:
    """The office's decision to post one claim of the ERA (``seq``: its place in the
    payment, 0-based) to our claim ``claim``, with its lines as edited (None: as matched)."""
    seq: int
    claim: int
    lines: tuple[EobLine, ...] | None = None


@dataclass(frozen=True)
class EraPosting:
    """What `post_era` did: the ERA row, the claim payment (None: nothing posted), the
    match it posted from, and each claim's state (posted / partial / open / nothing)."""
    era_id: int
    payment_id: int | None
    match: CheckMatch
    states: tuple[str, ...]
    posted: int
    left: int

    @property
    def grid(self) -> CheckGrid:
        return self.match.grid  # type: ignore[return-value]


def post_era(db: Database, source: EraSource, remittance: Remittance, *, seq: int = 1,
             choices: Sequence[ClaimChoice] | None = None, accept_weak: bool = False,
             actor: Actor | None = None, now: datetime | None = None,
             progress: Callable[[int, int], None] | None = None) -> EraPosting:
    """Post one payment of an ERA file (``seq``: its place in the file, 1-based)."""
    with posting(db, "era_import", actor=actor, now=now) as post:
        match = match_check(db, remittance)
        if match.refusal:
            raise ServiceError(match.refusal)
        grid = match.grid
        assert grid is not None and match.carrier is not None
        chosen = _chosen(grid, choices, accept_weak)
        day = remittance.date or post.today
        check_open(db, day, f"{era_label(remittance, match.carrier.name)}")
        pay = _pay(db, post, grid, chosen, remittance, day, source, progress)
        states = tuple(_state(m, i in chosen) for i, m in enumerate(grid.claims))
        posted = sum(sum(ln.paid for ln in chosen[i]) for i in chosen)
        era_id = _record(db, post, source, remittance, seq, match, chosen, states, pay)
        left = grid.check_total - posted
        post.record("era", era_id, payer=remittance.payer.name, carrier=match.carrier.name,
                    trace=remittance.trace_number, amount=remittance.amount,
                    provider_adjustments=remittance.provider_adjustment_total,
                    payment=pay, posted=posted, left=left, file=source.name,
                    claims=len(grid.claims), claims_posted=len(chosen))
        return EraPosting(era_id, pay, match, states, posted, left)


# --- what posts ---------------------------------------------------------------------------

def _chosen(grid: CheckGrid, choices: Sequence[ClaimChoice] | None,
            accept_weak: bool) -> dict[int, tuple]:
    """seq -> the grid lines to post for that claim."""
    if choices is None:
        return {i: m.lines for i, m in enumerate(grid.claims)
                if m.lines and (m.review is None or accept_weak)}
    out = {}
    for choice in choices:
        if not 0 <= choice.seq < len(grid.claims):
            raise ServiceError(f"the ERA has no claim number {choice.seq + 1}")
        if choice.seq in out:
            raise ServiceError(f"claim number {choice.seq + 1} of the ERA is chosen twice")
        out[choice.seq] = _edited(grid.claims[choice.seq], choice)
    return out


def _edited(match: ClaimMatch, choice: ClaimChoice) -> tuple:
    clp = match.era.claim_id
    if match.claim is None or match.claim.claim_id != choice.claim:
        raise ServiceError(f"claim {clp} of the ERA no longer matches the claim chosen for it: "
                           "review the ERA again")
    if not match.lines:
        raise ServiceError(f"claim {clp} of the ERA has nothing to post: {match.reason}")
    if choice.lines is None:
        return match.lines
    by_key = {(ln.claim, ln.procedure): ln for ln in match.lines}
    given = {(e.claim, e.procedure): e for e in choice.lines}
    if len(given) != len(choice.lines) or set(given) != set(by_key):
        raise ServiceError(f"the lines given for claim {clp} are not the ERA's lines of it")
    lines = tuple(replace(ln, paid=given[k].paid, writeoff=given[k].writeoff,
                          deductible=given[k].deductible, denied=given[k].denied,
                          remarks=given[k].remarks) for k, ln in by_key.items())
    paid = sum(ln.paid for ln in lines)
    if paid != match.posted:
        raise ServiceError(f"the lines of claim {clp} pay {fmt(paid)} but the ERA pays "
                           f"{fmt(match.posted)} on them")
    return lines


def _pay(db: Database, post: Posting, grid: CheckGrid, chosen: dict[int, tuple],
         remittance: Remittance, day, source: EraSource, progress) -> int | None:
    """The check through the insurance payment service (its own savepoint, re-estimation
    and audit row inside this transaction); None when no claim posts."""
    kept = CheckGrid(grid.remittance, tuple(
        replace(m, lines=chosen.get(i, ())) for i, m in enumerate(grid.claims)))
    lines = [EobLine(**ln.eob_fields()) for ln in kept.eob_lines()]
    if not lines:
        return None
    return enter_insurance_payment(
        db, lines, amount=sum(ln.paid for ln in lines), check_no=remittance.trace_number,
        date=day, note=f"ERA {source.name}", actor=post.actor, now=post.at, progress=progress)


def _state(match: ClaimMatch, posted: bool) -> str:
    if posted:
        return "partial" if match.left or match.unmatched_lines else "posted"
    if match.claim is not None and match.era.status in NOT_POSTED_STATUS and not match.era.paid:
        return "nothing"
    return "open"


def _reason(match: ClaimMatch, state: str) -> str | None:
    if state == "open" and match.lines:
        return f"not accepted: {match.review}"
    if state == "partial" and match.unmatched_lines:
        return "; ".join(u.reason for u in match.unmatched_lines)
    return match.reason or match.review


# --- the record -------------------------------------------------------------------------------

def _record(db: Database, post: Posting, source: EraSource, remittance: Remittance, seq: int,
            match: CheckMatch, chosen: dict[int, tuple], states: Sequence[str],
            pay: int | None) -> int:
    file_id = _file(db, source)
    grid = match.grid
    assert grid is not None and match.carrier is not None
    posted = {i: sum(ln.paid for ln in lines) for i, lines in chosen.items()}
    era_id = insert_rows(db, "era", [dict(
        file_id=file_id, seq=seq, control_number=remittance.control_number,
        carrier_id=match.carrier.id, payer_id=remittance.payer.id,
        payer_name=remittance.payer.name or match.carrier.name,
        trace_number=remittance.trace_number.strip(), method=remittance.method,
        check_date=remittance.date.isoformat() if remittance.date else None,
        amount_cents=remittance.amount,
        provider_adjustments_cents=remittance.provider_adjustment_total,
        posted_cents=sum(posted.values()), payment_id=pay, status=era_status(states),
        imported_at=stamp_text(post.at), imported_by=post.actor.user,
        workstation=post.actor.workstation)])
    if grid.claims:
        insert_rows(db, "era_claim", [dict(
            era_id=era_id, seq=i, claim_ref=m.era.claim_id, patient_name=m.era.patient.name,
            status_code=m.era.status, billed_cents=m.era.billed, paid_cents=m.era.paid,
            posted_cents=posted.get(i, 0), left_cents=m.era.paid - posted.get(i, 0),
            claim_id=m.claim.claim_id if m.claim else None, how=m.how,
            reason=text_or_none(_reason(m, states[i])), state=states[i],
            payment_id=pay if i in chosen else None, note=None, finished_at=None,
            finished_by=None) for i, m in enumerate(grid.claims)])
    if remittance.provider_adjustments:
        insert_rows(db, "era_provider_adjustment", [dict(
            era_id=era_id, reason=p.reason, reference=p.reference, amount_cents=p.amount)
            for p in remittance.provider_adjustments])
    return era_id


def _file(db: Database, source: EraSource) -> int:
    digest = source.sha256
    row = one(db, "SELECT id FROM era_file WHERE sha256 = ?", (digest,))
    if row is not None:
        return row[0]
    return insert_rows(db, "era_file", [dict(sha256=digest, name=Path(source.name).name,
                                             size=len(source.data), data=source.data)])


# --- finishing ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Open:
    id: int
    era_id: int
    seq: int
    claim_ref: str
    state: str
    carrier_id: int
    era_seq: int
    trace: str
    check_date: str | None
    file_id: int


_OPEN = ("SELECT c.id, c.era_id, c.seq, c.claim_ref, c.state, e.carrier_id, e.seq, "
         "e.trace_number, e.check_date, e.file_id FROM era_claim c JOIN era e ON e.id = c.era_id "
         "WHERE c.id = ?")


def _open_claim(db: Database, era_claim_id: int) -> _Open:
    row = one(db, _OPEN, (era_claim_id,))
    if row is None:
        raise ServiceError(f"there is no ERA claim {era_claim_id}")
    found = _Open(*row)
    if found.state not in OPEN_STATES:
        raise ServiceError(f"ERA claim {era_claim_id} ({found.claim_ref}) is {found.state}: "
                           "nothing is left to finish")
    return found


def era_claim_of_file(db: Database, era_claim_id: int):
    """(the ERA claim as read again from its stored file, the open row); read before
    `finish_era_claim` opens its transaction (reading a large file takes a moment)."""
    from era import read_era

    row = _open_claim(db, era_claim_id)
    name, data = one(db, "SELECT name, data FROM era_file WHERE id = ?", (row.file_id,))
    era = read_era(bytes(data), name=name, validate=False)
    remittance = era.remittances[row.era_seq - 1]
    claim = remittance.claims[row.seq]
    if claim.claim_id != row.claim_ref:  # the stored file is the one imported
        raise ServiceError(f"ERA claim {era_claim_id} is not in its stored file")
    return claim, row


def finish_era_claim(db: Database, era_claim_id: int, claim_id: int, *,
                     actor: Actor | None = None, now: datetime | None = None) -> int:
    """Post an ERA claim left open to the claim the office names; returns the payment id."""
    era_claim, _ = era_claim_of_file(db, era_claim_id)
    with posting(db, "era_finish", actor=actor, now=now) as post:
        row = _open_claim(db, era_claim_id)  # again, inside the transaction
        if row.state != "open":
            raise ServiceError(f"ERA claim {era_claim_id} ({row.claim_ref}) was posted in part: "
                               "key the rest as a claim payment and mark it handled")
        ours = load_claims(db, [claim_id])
        carrier = one(db, "SELECT pl.carrier_id FROM claim c JOIN plan pl ON pl.id = c.plan_id "
                          "WHERE c.id = ?", (claim_id,))
        if not ours or carrier is None:
            raise ServiceError(f"there is no claim with id {claim_id}")
        if carrier[0] != row.carrier_id:
            raise ServiceError(f"claim {ours[0].label} is another carrier's: this ERA pays "
                               "only its own carrier's claims")
        match = map_claim_to(era_claim, ours[0])
        if not match.lines:
            raise ServiceError(f"ERA claim {row.claim_ref} matches nothing on claim "
                               f"{ours[0].label}: {match.reason or 'no line fits'}")
        lines = [EobLine(**ln.eob_fields()) for ln in match.lines]
        pay = enter_insurance_payment(
            db, lines, amount=sum(ln.paid for ln in lines), check_no=row.trace,
            date=row.check_date or post.today, note=f"ERA claim {row.claim_ref}, matched by hand",
            actor=post.actor, now=post.at)
        state = _state(match, True)
        db.execute_sql(
            "UPDATE era_claim SET claim_id = ?, how = 'hand', posted_cents = ?, "
            "left_cents = paid_cents - ?, state = ?, payment_id = ?, reason = ?, "
            "finished_at = ?, finished_by = ? WHERE id = ?",
            (claim_id, match.posted, match.posted, state, pay,
             text_or_none(_reason(match, state)), stamp_text(post.at), post.actor.user,
             era_claim_id))
        _restate(db, row.era_id, match.posted)
        post.record("era_claim", era_claim_id, claim=claim_id, payment=pay, posted=match.posted,
                    state=state)
        return pay


def close_era_claim(db: Database, era_claim_id: int, note: str, *, actor: Actor | None = None,
                    now: datetime | None = None) -> None:
    """Take an ERA claim off the list to finish: handled elsewhere, as the note says."""
    with posting(db, "era_handled", actor=actor, now=now) as post:
        row = _open_claim(db, era_claim_id)
        text = text_or_none(note)
        if text is None:
            raise ServiceError("say in a note how the ERA claim was handled")
        db.execute_sql("UPDATE era_claim SET state = 'handled', note = ?, finished_at = ?, "
                       "finished_by = ? WHERE id = ?",
                       (text, stamp_text(post.at), post.actor.user, era_claim_id))
        _restate(db, row.era_id, 0)
        post.record("era_claim", era_claim_id, state="handled", note=text,
                    was=row.state)


def _restate(db: Database, era_id: int, posted: int) -> None:
    """The ERA's posted amount and status after one of its claims was finished."""
    states = [r[0] for r in db.execute_sql("SELECT state FROM era_claim WHERE era_id = ?",
                                           (era_id,))]
    db.execute_sql("UPDATE era SET posted_cents = posted_cents + ?, status = ? WHERE id = ?",
                   (posted, era_status(states), era_id))


def era_status(states: Sequence[str]) -> str:
    """posted: nothing left to finish; open: nothing of it posted or handled yet; partial."""
    if not any(s in OPEN_STATES for s in states):
        return "posted"
    return "partial" if any(s in ("posted", "partial", "handled") for s in states) else "open"
