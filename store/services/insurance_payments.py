"""Insurance payments: one check (or EFT) from a carrier, applied by procedure to one or
more claims of that carrier.

Each line records paid, write-off (default: the line's write-off estimate, posted under
the carrier's write-off code), deductible applied, a denial and remarks. The check's
amount must equal the sum paid. The first payment on a claim receives it: the claim and
all its lines become ``received`` (lines the EOB leaves out get a zero line), the line
sums are updated and the stored estimate is frozen as it was before payment. A payment
on a claim already received is supplemental (it may be negative to take money back).
Afterwards the family is re-estimated (a secondary sees what the primary really paid)
and secondary claims waiting on these lines are released from hold.

Refused, with the numbers, to the cent (issue 11): a check whose paid + write-off on a
procedure is more than what is left on it (its charge less everything already posted on it:
every plan's payments and write-offs, the patient's payments on it, adjustments on it), a
first check or a supplemental one alike, unless the caller confirms that the account will
show a credit (``confirm_credit=True``: `CreditRefused` otherwise); a deductible applied above
the line's allowed fee (never: it is an entry error, not a credit).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Sequence

from estimator.money import fmt

from ..connection import Database, bind_list, in_list
from . import lookup
from .claims import claim_number, release_holds
from .common import (
    Actor, Posting, ServiceError, as_date, cents, check_open, insert_rows, one, posting,
    text_or_none,
)

PAYABLE = ("unsent", "queued", "sent")


class CreditRefused(ServiceError):
    """The check would leave a procedure with a credit; post it only with ``confirm_credit``.
    ``credit``: the credit the account would show, in cents."""

    def __init__(self, message: str, credit: int):
        super().__init__(message)
        self.credit = credit


@dataclass(frozen=True)
class EobLine:
    """One procedure's line of an explanation of benefits (money in cents)."""
    claim: int
    procedure: int
    paid: int = 0
    writeoff: int | None = None  # None: the write-off estimate (0 on a supplemental payment)
    deductible: int = 0
    denied: bool = False
    remarks: str | None = None


@dataclass
class _Line:
    """A validated EOB line against its claim procedure."""
    eob: EobLine
    claim: lookup.ClaimRow
    proc: lookup.ProcedureRow
    row: "_ClaimProc"
    supplemental: bool
    paid: int
    writeoff: int
    deductible: int
    default_writeoff: bool = False  # the write-off was not given: the estimate, capped

    @property
    def cp_id(self) -> int:
        return self.row.id


def enter_insurance_payment(db: Database, lines: Sequence[EobLine], *, amount: int,
                            check_no: str | None = None, bank_no: str | None = None,
                            date: date | str | None = None, note: str | None = None,
                            confirm_credit: bool = False, actor: Actor | None = None,
                            now: datetime | None = None,
                            progress: Callable[[int, int], None] | None = None) -> int:
    """Enter one check applied to the given lines; returns the claim payment id.
    ``confirm_credit``: the desk confirmed that the account will show a credit.
    ``progress(done, total)`` follows the families' re-estimation (`posting`)."""
    with posting(db, "insurance_payment", actor=actor, now=now, progress=progress) as post:
        amount = cents(amount, "the check amount")
        day = as_date(date, post.today)
        check_open(db, day, "the insurance payment")
        claims = _claims(db, lines)
        rows = _Rows.read(db, claims, lines)
        checked = [_line(rows, eob, claims[eob.claim]) for eob in lines]
        _no_repeats(checked)
        _settle_writeoffs(rows, checked)
        _no_deductible_above_allowed(rows, checked)
        if not confirm_credit:
            _no_credit(rows, checked)
        applied = sum(ln.paid for ln in checked)
        if applied != amount:
            raise ServiceError(f"the check is {fmt(amount)} but the lines pay {fmt(applied)}; "
                               "they must be equal")
        checked += _unlisted(rows, claims, checked)
        return _post(db, post, claims, checked, amount, day, check_no, bank_no, note)


def deny_lines(db: Database, claim_id: int, procedures: Sequence[int], *,
               date: date | str | None = None, remarks: str | None = None,
               actor: Actor | None = None, now: datetime | None = None) -> int:
    """The carrier denied these procedures of a claim, the rest of it still open: the denied
    lines move to a claim of their own (the same plan, dates and claim number with a suffix),
    received by a zero EOB; the claim keeps its other lines and its status. Denying every line
    left receives the claim itself. Returns the claim payment id."""
    if not procedures:
        raise ServiceError("name the procedures the carrier denied")
    with posting(db, "deny_lines", actor=actor, now=now) as post:
        claim = lookup.claim(db, claim_id)
        if claim.status not in PAYABLE:
            raise ServiceError(_not_payable(claim) if claim.status != "received" else
                               f"claim {claim.label} is already received: take money back with "
                               "a negative supplemental payment instead of a denial")
        on_claim = [p for (p,) in db.execute_sql(
            "SELECT procedure_id FROM claim_proc WHERE claim_id = ? ORDER BY claim_seq, id",
            (claim.id,))]
        denied = list(dict.fromkeys(procedures))
        for proc_id in denied:
            if proc_id not in on_claim:
                raise ServiceError(f"procedure {lookup.procedure(db, proc_id, live=False).label} "
                                   f"is not on claim {claim.label}")
        target = claim.id if len(denied) == len(on_claim) else _split_off(db, post, claim, denied)
        eob = [EobLine(target, p, denied=True, remarks=remarks) for p in denied]
        # nested service: a savepoint inside this transaction (it writes its own audit row)
        pay = enter_insurance_payment(db, eob, amount=0, date=date, actor=post.actor, now=post.at)
        post.touch(claim.patient_id)
        post.record("claim", claim.id, denied=denied, received_as=target, payment=pay)
        return pay


def _split_off(db: Database, post: Posting, claim: lookup.ClaimRow,
               procedures: list[int]) -> int:
    """A new claim holding ``procedures`` of ``claim`` (moved off it, both renumbered)."""
    number = claim.claim_no or claim_number(claim.id)
    n = 1
    while one(db, "SELECT 1 FROM claim WHERE claim_no = ?", (f"{number}-{n}",)):
        n += 1
    new = insert_rows(db, "claim", [dict(
        patient_id=claim.patient_id, plan_id=claim.plan_id, kind=claim.kind, status=claim.status,
        date=claim.date.isoformat(), claim_no=f"{number}-{n}", **post.stamp_columns(),
        **dict(zip(("sent_date", "preauth_no"), one(
            db, "SELECT sent_date, preauth_no FROM claim WHERE id = ?", (claim.id,)))))])
    moved = set(procedures)
    rows = db.execute_sql("SELECT id, procedure_id FROM claim_proc WHERE claim_id = ? "
                          "ORDER BY claim_seq, id", (claim.id,)).fetchall()
    kept = [cp for cp, proc in rows if proc not in moved]
    split = [cp for cp, proc in rows if proc in moved]
    for target, lines in ((claim.id, kept), (new, split)):
        db.cursor().executemany("UPDATE claim_proc SET claim_id = ?, claim_seq = ? WHERE id = ?",
                                [(target, seq, cp) for seq, cp in enumerate(lines, 1)])
    return new


# --- validation -----------------------------------------------------------------
# A check may pay a thousand claims (an ERA): what the checks read is read for all its lines
# at once (`_Rows`), a few queries per check instead of several per line; the refusals and
# their order are those of a line at a time.

def _claims(db: Database, lines: Sequence[EobLine]) -> dict[int, lookup.ClaimRow]:
    if not lines:
        raise ServiceError("an insurance payment needs at least one procedure line")
    found = lookup.claims(db, (eob.claim for eob in lines))
    claims = {}
    for eob in lines:
        if eob.claim not in claims:
            claims[eob.claim] = claim = lookup.claim_of(db, found, eob.claim)
            if claim.status not in PAYABLE and claim.status != "received":
                raise ServiceError(_not_payable(claim))
    plans = sorted({c.plan_id for c in claims.values()})
    carriers = {carrier for (carrier,) in db.execute_sql(
        f"SELECT DISTINCT carrier_id FROM plan WHERE id {in_list('?')}", (bind_list(plans),))}
    if len(carriers) > 1:
        raise ServiceError("one check pays claims of one carrier only")
    return claims


def _not_payable(claim: lookup.ClaimRow) -> str:
    if claim.status == "hold":
        return f"claim {claim.label} is on hold: send it before entering its payment"
    return f"claim {claim.label} is a pre-authorization and is never paid"


@dataclass
class _ClaimProc:
    """The claim procedure a line pays, as it stands before this check."""
    id: int
    procedure: int
    writeoff_est: int
    allowed: int | None
    paid: int
    writeoff: int
    deductible_applied: int


_CLAIM_PROCS = ("SELECT claim_id, id, procedure_id, writeoff_est_cents, allowed_cents, paid_cents, "
                "writeoff_cents, deductible_applied_cents FROM claim_proc "
                f"WHERE claim_id {in_list('?')} ORDER BY claim_id, claim_seq, id")
# Every plan's payments and write-offs already posted on each procedure (checks before this
# one, supplemental ones and a posted capitation write-off included).
_INSURANCE_POSTED = ("SELECT procedure_id, coalesce(sum(paid_cents + writeoff_cents), 0) "
                     f"FROM claim_proc WHERE procedure_id {in_list('?')} GROUP BY procedure_id")


@dataclass
class _Rows:
    """What validating a check reads, read for all its lines at once."""
    db: Database
    on_claim: dict[int, list[_ClaimProc]]   # claim id -> its claim procedures, in claim order
    procedures: dict[int, lookup.ProcedureRow]
    posted: dict[int, int]                  # procedure id -> insurance posted on it

    @classmethod
    def read(cls, db: Database, claims: dict[int, lookup.ClaimRow],
             lines: Sequence[EobLine]) -> "_Rows":
        on_claim: dict[int, list[_ClaimProc]] = defaultdict(list)
        for claim_id, *row in db.execute_sql(
                _CLAIM_PROCS, (bind_list(sorted({c.id for c in claims.values()})),)):
            on_claim[claim_id].append(_ClaimProc(*row))
        wanted = {eob.procedure for eob in lines}
        wanted |= {cp.procedure for cps in on_claim.values() for cp in cps}
        procedures = lookup.procedures(db, wanted)
        posted = dict(db.execute_sql(_INSURANCE_POSTED, (bind_list(sorted(procedures)),)))
        return cls(db, on_claim, procedures, posted)

    def procedure(self, procedure_id: int, *, live: bool = True) -> lookup.ProcedureRow:
        return lookup.procedure_of(self.db, self.procedures, procedure_id, live=live)

    def claim_proc(self, claim_id: int, procedure_id: int) -> _ClaimProc | None:
        return next((cp for cp in self.on_claim.get(claim_id, ()) if cp.procedure == procedure_id),
                    None)

    def insurance_posted(self, procedure_id: int) -> int:
        if procedure_id not in self.procedures:
            return _insurance_posted(self.db, procedure_id)
        return self.posted.get(procedure_id, 0)


def _line(rows: _Rows, eob: EobLine, claim: lookup.ClaimRow) -> _Line:
    proc = rows.procedure(eob.procedure)
    row = rows.claim_proc(claim.id, proc.id)
    if row is None:
        raise ServiceError(f"procedure {proc.label} is not on claim {claim.label}")
    supplemental = claim.status == "received"
    paid = cents(eob.paid, f"the amount paid on {proc.label}")
    deductible = cents(eob.deductible, f"the deductible on {proc.label}")
    writeoff = None if eob.writeoff is None else cents(eob.writeoff, f"the write-off on {proc.label}")
    if eob.denied:
        if supplemental:
            raise ServiceError(f"claim {claim.label} is already received: take money back with "
                               "a negative supplemental payment instead of a denial")
        if paid or writeoff:
            raise ServiceError(f"a denied line pays and writes off nothing ({proc.label})")
        writeoff = 0
    if not supplemental and min(paid, deductible, writeoff or 0) < 0:
        raise ServiceError(f"amounts on {proc.label} cannot be negative (only a supplemental "
                           "payment on a received claim takes money back)")
    if writeoff is None:  # the estimate is the default on a first payment (capped later)
        return _Line(eob, claim, proc, row, supplemental, paid,
                     0 if supplemental else row.writeoff_est, deductible, default_writeoff=True)
    return _Line(eob, claim, proc, row, supplemental, paid, writeoff, deductible)


def _no_repeats(lines: list[_Line]) -> None:
    seen = set()
    for ln in lines:
        if ln.cp_id in seen:
            raise ServiceError(f"procedure {ln.proc.label} appears twice for claim "
                               f"{ln.claim.label}")
        seen.add(ln.cp_id)


def _by_procedure(lines: list[_Line]) -> dict[int, list[_Line]]:
    by_proc = defaultdict(list)
    for ln in lines:
        by_proc[ln.proc.id].append(ln)
    return by_proc


def _insurance_posted(db: Database, proc_id: int) -> int:
    """Every plan's payments and write-offs already posted on the procedure (checks before
    this one, supplemental ones and a posted capitation write-off included)."""
    return one(db, "SELECT coalesce(sum(paid_cents + writeoff_cents), 0) FROM claim_proc "
                   "WHERE procedure_id = ?", (proc_id,))[0]


def _settle_writeoffs(rows: _Rows, lines: list[_Line]) -> None:
    """A write-off left blank is the line's estimate, cut to what the charge leaves after
    the insurance money (never below zero); sums never go below zero."""
    for proc_id, mine in _by_procedure(lines).items():
        proc = mine[0].proc
        given = [ln for ln in mine if not ln.default_writeoff]
        room = proc.charge - rows.insurance_posted(proc_id) - sum(ln.paid for ln in mine) \
            - sum(ln.writeoff for ln in given)
        for ln in mine:
            if ln.default_writeoff:
                ln.writeoff = max(0, min(ln.writeoff, room))
                room -= ln.writeoff
        for ln in mine:
            _not_below_zero(ln)


# What the patients paid on each procedure (their own payments) and the adjustments on it.
_PATIENT_PAID = ("SELECT a.procedure_id, sum(a.amount_cents) FROM payment_allocation a "
                 "JOIN patient_payment pp ON pp.id = a.payment_id "
                 "JOIN procedure p ON p.id = a.procedure_id "
                 f"WHERE a.procedure_id {in_list('?')} AND pp.patient_id = p.patient_id "
                 "GROUP BY a.procedure_id")
_ADJUSTED = ("SELECT j.procedure_id, sum(j.amount_cents) FROM adjustment j "
             "JOIN procedure p ON p.id = j.procedure_id "
             f"WHERE j.procedure_id {in_list('?')} AND j.patient_id = p.patient_id "
             "GROUP BY j.procedure_id")


def _left(rows: _Rows, procedures: list[lookup.ProcedureRow]) -> dict[int, int]:
    """What is left on each of these procedures before this check, by id: its charge less
    everything posted on it (insurance paid and written off, the patient's payments on it)
    plus adjustments on it."""
    ids = (bind_list(sorted(p.id for p in procedures)),)
    paid = dict(rows.db.execute_sql(_PATIENT_PAID, ids))
    adjusted = dict(rows.db.execute_sql(_ADJUSTED, ids))
    return {p.id: p.charge - rows.insurance_posted(p.id) - (paid.get(p.id) or 0)
            + (adjusted.get(p.id) or 0) for p in procedures}


def _no_credit(rows: _Rows, lines: list[_Line]) -> None:
    """Not one cent more than is left on a procedure, unless the desk confirms the credit."""
    by_proc = _by_procedure(lines)
    left_on_each = _left(rows, [mine[0].proc for mine in by_proc.values()])
    for proc_id, mine in by_proc.items():
        proc = mine[0].proc
        paid, writeoff = sum(ln.paid for ln in mine), sum(ln.writeoff for ln in mine)
        left = left_on_each[proc_id]
        if paid + writeoff > 0 and paid + writeoff > left:
            credit = paid + writeoff - left
            raise CreditRefused(
                f"procedure {proc.label}: the check pays {fmt(paid)} and writes off "
                f"{fmt(writeoff)} but {fmt(left)} is left on it; the account would show a "
                f"credit of {fmt(credit)}: confirm the credit to post it", credit)


def _no_deductible_above_allowed(rows: _Rows, lines: list[_Line]) -> None:
    """A deductible is part of the allowed fee: applying more is an entry error."""
    for ln in lines:
        applied = ln.row.deductible_applied
        allowed = ln.row.allowed or ln.proc.charge  # a line never estimated: the charge
        if ln.deductible > 0 and applied + ln.deductible > allowed:
            raise ServiceError(f"the deductible {fmt(applied + ln.deductible)} on procedure "
                               f"{ln.proc.label} is more than its allowed fee {fmt(allowed)}")


def _not_below_zero(ln: _Line) -> None:
    sums = (ln.row.paid, ln.row.writeoff, ln.row.deductible_applied)
    for what, have, change in zip(("paid", "write-off", "deductible"), sums,
                                  (ln.paid, ln.writeoff, ln.deductible)):
        if have + change < 0:
            raise ServiceError(f"procedure {ln.proc.label} would have a negative {what} "
                               f"({fmt(have)} {fmt(change)})")


def _unlisted(rows: _Rows, claims: dict[int, lookup.ClaimRow],
              lines: list[_Line]) -> list[_Line]:
    """Zero lines for the procedures an EOB leaves out of a claim it receives."""
    listed = {ln.cp_id for ln in lines}
    out = []
    for claim in claims.values():
        if claim.status == "received":
            continue
        for row in rows.on_claim.get(claim.id, ()):
            if row.id not in listed:
                proc = rows.procedure(row.procedure, live=False)
                out.append(_Line(EobLine(claim.id, row.procedure, remarks="not on the EOB"), claim,
                                 proc, row, False, 0, 0, 0))
    return out


# --- posting ------------------------------------------------------------------------

def _post(db: Database, post: Posting, claims: dict[int, lookup.ClaimRow], lines: list[_Line],
          amount: int, day: date, check_no, bank_no, note) -> int:
    first = next(iter(claims.values()))
    carrier, code = one(db, "SELECT c.id, a.code FROM plan p JOIN carrier c ON c.id = p.carrier_id "
                            "LEFT JOIN adjustment_code a ON a.id = c.writeoff_code_id "
                            "WHERE p.id = ?", (first.plan_id,))
    # Written in SQL, not through the ORM: its per-row inserts cost more than the writes.
    stamp = post.stamp_columns()
    pay = insert_rows(db, "claim_payment", [dict(
        claim_id=first.id if len(claims) == 1 else None, carrier_id=carrier,
        check_no=text_or_none(check_no), bank_no=text_or_none(bank_no), date=day.isoformat(),
        amount_cents=amount, note=text_or_none(note), **stamp)])
    insert_rows(db, "claim_payment_line", [dict(
        payment_id=pay, claim_proc_id=ln.cp_id, paid_cents=ln.paid, writeoff_cents=ln.writeoff,
        deductible_cents=ln.deductible, denied=int(ln.eob.denied),
        remarks=text_or_none(ln.eob.remarks), supplemental=int(ln.supplemental), **stamp)
        for ln in lines])
    db.cursor().executemany(
        "UPDATE claim_proc SET paid_cents = paid_cents + ?, writeoff_cents = writeoff_cents "
        "+ ?, deductible_applied_cents = deductible_applied_cents + ?, status = 'received', "
        "frozen = TRUE WHERE id = ?", [(ln.paid, ln.writeoff, ln.deductible, ln.cp_id) for ln in lines])
    received = [c.id for c in claims.values() if c.status != "received"]
    db.cursor().executemany("UPDATE claim SET status = 'received' WHERE id = ?",
                            [(c,) for c in received])
    patients = sorted({c.patient_id for c in claims.values()})
    post.touch_all(patients)
    post.after_estimates.append(lambda: _release(db, post, patients))
    post.record("claim_payment", pay, claims=sorted(claims), received=received,
                amount=amount, date=day, check_no=check_no, writeoff_code=code or "WO",
                lines=[[ln.proc.id, ln.claim.id, ln.paid, ln.writeoff, ln.deductible,
                        int(ln.eob.denied), int(ln.supplemental)] for ln in lines])
    return pay


def _release(db: Database, post: Posting, patients: list[int]) -> None:
    """Release the secondary claims on hold of these patients that no longer wait."""
    held = [c for (c,) in db.execute_sql(
        f"SELECT id FROM claim WHERE patient_id {in_list('?')} AND status = 'hold' "
        "ORDER BY patient_id, id", (bind_list(patients),))]
    released = release_holds(db, held) if held else []
    if released:
        post.detail.setdefault("released", []).extend(released)
