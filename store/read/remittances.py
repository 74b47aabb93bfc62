"""Matching an ERA payment (X12 835) against the database: which carrier sent it, which of
our claims its CLPs name, and whether it was posted already. Read only.

The claims come in a few set-based queries per payment, never one per CLP (a 1,000-claim
ERA matches in a few tens of milliseconds): the carrier's payable claims whose claim
number or practice id is one a CLP names; for the CLPs no id finds, the claims of the
patients the ERA names (by name or member id), for `era.grid`'s weaker match by patient,
date and billed total; then every candidate's procedures in one query. `era.grid` does
the matching itself (pure); this module fills its `OurClaim`s.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Sequence

from era.grid import CheckGrid, OurClaim, OurLine, map_remittance
from era.model import EraClaim, Party, Remittance
from estimator.money import fmt

from ..connection import Database, bind_list, in_list
from ..family.ids import IdMap, name_key

# Claims a carrier's payment may apply to (received: a supplemental payment or a reversal).
PAYABLE = ("unsent", "queued", "sent", "received")


@dataclass(frozen=True)
class Carrier:
    id: int
    name: str


@dataclass(frozen=True)
class Posted:
    """An ERA payment already imported: when, by whom, from which file."""
    era_id: int
    imported_at: str
    imported_by: str
    file_name: str
    status: str


@dataclass(frozen=True)
class CheckMatch:
    """One payment of an ERA file against the database: the carrier it comes from, the
    grid (`era.grid.CheckGrid`) and, when it cannot be posted, why (one sentence)."""
    remittance: Remittance
    carrier: Carrier | None
    grid: CheckGrid | None
    refusal: str | None = None
    posted: Posted | None = None


def match_check(db: Database, remittance: Remittance) -> CheckMatch:
    """Match one payment; a payment that cannot post says why in ``refusal`` (no carrier,
    no trace number, posted already, claims that do not add up to the check)."""
    carrier = find_carrier(db, remittance.payer)
    if carrier is None:
        return CheckMatch(remittance, None, None, _no_carrier(remittance.payer))
    grid = map_remittance(remittance, our_claims(db, carrier.id, remittance.claims))
    return CheckMatch(remittance, carrier, grid, *_refusal(db, carrier, remittance, grid))


def _refusal(db: Database, carrier: Carrier, remittance: Remittance, grid: CheckGrid):
    what = era_label(remittance, carrier.name)
    if not remittance.trace_number.strip():
        return f"{what} has no trace number (TRN02): it cannot be told from another", None
    done = posted_already(db, carrier.id, remittance.trace_number)
    if done is not None:
        return (f"{what} was already posted on {done.imported_at} by {done.imported_by} "
                f"(from {done.file_name})"), done
    if remittance.claims_paid != grid.check_total:
        return (f"{what} does not balance: its claims pay {fmt(remittance.claims_paid)} but "
                f"the check is {fmt(remittance.amount)} and its provider adjustments add "
                f"{fmt(-remittance.provider_adjustment_total)}, which leaves "
                f"{fmt(grid.check_total)} for the claims"), None
    return None, None


def era_label(remittance: Remittance, carrier: str | None = None) -> str:
    """``ERA MET20261130 from MetLife`` (how refusals and summaries name a payment)."""
    payer = carrier or remittance.payer.name or "an unnamed payer"
    return f"ERA {remittance.trace_number.strip() or '(no trace)'} from {payer}"


# --- the carrier -------------------------------------------------------------------------

def _key(text: str | None) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def find_carrier(db: Database, payer: Party) -> Carrier | None:
    """Our carrier for the ERA's payer: by electronic (payer) id, else by the same name."""
    rows = db.execute_sql("SELECT id, name, electronic_id FROM carrier ORDER BY id").fetchall()
    if payer.id:
        found = [Carrier(i, n) for i, n, e in rows if e and _key(e) == _key(payer.id)]
        if len(found) == 1:
            return found[0]
    named = [Carrier(i, n) for i, n, _e in rows if _key(n) and _key(n) == _key(payer.name)]
    return named[0] if len(named) == 1 else None


def _no_carrier(payer: Party) -> str:
    ident = f" (payer id {payer.id})" if payer.id else ""
    return (f"the ERA's payer {payer.name or '(no name)'}{ident} is none of our carriers: give "
            "the carrier that payer id as its electronic id, or the same name")


# --- our claims ----------------------------------------------------------------------------

_CLAIMS = (
    "SELECT c.id, c.claim_no, c.file_id, c.patient_id, p.last_name, p.first_name, c.date, "
    "c.plan_id, c.status, pc.subscriber_id, pl.allow_substitution FROM claim c "
    "JOIN patient p ON p.id = c.patient_id JOIN plan pl ON pl.id = c.plan_id "
    "LEFT JOIN patient_coverage pc ON pc.patient_id = c.patient_id AND pc.plan_id = c.plan_id "
    f"WHERE c.id {in_list('?1')}")
_LINES = (
    "SELECT cp.claim_id, cp.procedure_id, pcode.code, pr.date, pr.fee_cents * pr.units, "
    "cp.ins_est_cents, pcode.substitution_code FROM claim_proc cp "
    "JOIN procedure pr ON pr.id = cp.procedure_id "
    "JOIN procedure_code pcode ON pcode.id = pr.code_id "
    f"WHERE cp.claim_id {in_list('?1')} ORDER BY cp.claim_id, cp.claim_seq, cp.id")
# The carrier and status are filtered here, not in SQL: with them in the WHERE clause the
# planner may walk the status index (every received claim) instead of the one looked up by.
_BY = ("SELECT c.id, c.status, pl.carrier_id FROM claim c JOIN plan pl ON pl.id = c.plan_id "
       "WHERE c.{column} " + in_list("?1"))


def our_claims(db: Database, carrier_id: int, era_claims: Sequence[EraClaim]) -> list[OurClaim]:
    """The carrier's payable claims the ERA's claims may be: named by their id, or (for the
    CLPs no id finds) of a patient the ERA names."""
    sent = sorted({v for c in era_claims for v in (c.claim_id.strip(), c.claim_id.strip().upper())
                   if v})
    ids = _ids(db, "claim_no", sent, carrier_id) | _ids(db, "file_id", sent, carrier_id)
    found = load_claims(db, ids)
    known = {k.upper() for c in found for k in (c.sent_id, *c.other_ids)}
    missing = [c for c in era_claims if c.claim_id.strip().upper() not in known]
    if missing:
        more = _patients_claims(db, carrier_id, missing) - ids
        found += load_claims(db, more)
    return found


def _ids(db: Database, column: str, values: Sequence, carrier_id: int) -> set[int]:
    """The carrier's payable claims whose ``column`` is one of ``values``."""
    if not values:
        return set()
    rows = db.execute_sql(_BY.format(column=column), (bind_list(list(values)),)).fetchall()
    return {cid for cid, status, carrier in rows if carrier == carrier_id and status in PAYABLE}


def _patients_claims(db: Database, carrier_id: int, era_claims: Iterable[EraClaim]) -> set[int]:
    """Payable claims of the carrier of the patients these CLPs name (by name or member id)."""
    names = sorted({name_key(f"{c.patient.last}, {c.patient.first}") for c in era_claims
                    if c.patient.last})
    members = sorted({c.patient.id.strip() for c in era_claims if c.patient.id})
    patients = {r[0] for r in db.execute_sql(
        f"SELECT id FROM patient WHERE name_lower {in_list('?1')}", (bind_list(names),))}
    if members:
        patients |= {r[0] for r in db.execute_sql(
            f"SELECT patient_id FROM patient_coverage WHERE subscriber_id {in_list('?1')}",
            (bind_list(members),))}
    return _ids(db, "patient_id", sorted(patients), carrier_id)


def load_claims(db: Database, claim_ids: Iterable[int]) -> list[OurClaim]:
    """These claims as `OurClaim`s (with their procedures), by id."""
    ids = sorted(claim_ids)
    if not ids:
        return []
    lines: dict[int, list[OurLine]] = {}
    for claim, proc, code, day, fee, est, sub in db.execute_sql(_LINES, (bind_list(ids),)):
        lines.setdefault(claim, []).append(OurLine(proc, code, _day(day), fee, est, sub))
    out = []
    for (cid, claim_no, file_id, patient, last, first, day, plan, status, member,
         substitutes) in db.execute_sql(_CLAIMS, (bind_list(ids),)).fetchall():
        sent = claim_no or file_id or IdMap.generated("claim", cid)
        others = (file_id,) if claim_no and file_id and file_id != claim_no else ()
        mine = tuple(ln if substitutes else _no_substitution(ln) for ln in lines.get(cid, ()))
        out.append(OurClaim(cid, sent, patient, last, first or "", _day(day), plan, mine,
                            member, others, received=status == "received",
                            label=file_id or claim_no or sent))
    return sorted(out, key=lambda c: c.claim_id)


def _no_substitution(line: OurLine) -> OurLine:
    return replace(line, substitution_code=None) if line.substitution_code else line


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- what was imported ------------------------------------------------------------------------

def posted_already(db: Database, carrier_id: int, trace_number: str) -> Posted | None:
    row = db.execute_sql(
        "SELECT e.id, e.imported_at, e.imported_by, f.name, e.status FROM era e "
        "JOIN era_file f ON f.id = e.file_id WHERE e.carrier_id = ? AND e.trace_number = ?",
        (carrier_id, trace_number.strip())).fetchone()
    if row is None:
        return None
    return Posted(row[0], str(row[1])[:16], row[2], row[3], row[4])
