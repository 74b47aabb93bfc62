"""Short builders for ERA tests: payments, claims and lines in cents, and our claims taken
from the demo office's practice file (its claims as the store would hand them over)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import sample_data
from era.grid import OurClaim, OurLine
from era.model import (
    Adjustment, EraClaim, Party, Patient, ProviderAdjustment, Remittance, ServiceLine,
)
from estimator.money import to_cents

FILES = Path(__file__).parent / "files"
PAID_ON = date(2026, 11, 30)


def adj(key: str, amount: int) -> Adjustment:
    """``adj("CO-45", 1300)``: a CAS reason in cents."""
    group, reason = key.split("-", 1)
    return Adjustment(group, reason, amount)


def svc(code: str, billed: int, paid: int, *adjustments: Adjustment, day: date | None = None,
        billed_code: str | None = None, **more) -> ServiceLine:
    return ServiceLine(code, billed_code or code, billed, paid, date=day,
                       adjustments=adjustments, **more)


def clp(claim_id: str, lines=(), *, status: str = "1", patient=("NGUYEN", "THANH", None),
        billed: int | None = None, paid: int | None = None, day: date | None = None,
        adjustments=(), responsibility: int | None = None) -> EraClaim:
    """A claim whose totals default to its lines' (the 835's balancing rules)."""
    lines = tuple(lines)
    if billed is None:
        billed = sum(ln.billed for ln in lines)
    if paid is None:
        paid = sum(ln.paid for ln in lines)
    if responsibility is None:
        responsibility = sum(a.amount for ln in lines for a in (*ln.adjustments, *adjustments)
                             if a.group == "PR")
    day = day or next((ln.date for ln in lines if ln.date), None)
    return EraClaim(claim_id, status, billed, paid, responsibility, f"PCN-{claim_id}", "12",
                    Patient(*patient), date=day, adjustments=tuple(adjustments), lines=lines)


def payment(claims, *, plb=(), amount: int | None = None, trace: str = "CHK1001",
            payer: str = "METLIFE", method: str = "CHK", control: str = "0001") -> Remittance:
    """One check: its amount defaults to the claims paid minus the PLB amounts."""
    claims, plb = tuple(claims), tuple(plb)
    if amount is None:
        amount = sum(c.paid for c in claims) - sum(p.amount for p in plb)
    return Remittance(control, "005010X221A1", "I", amount, method, PAID_ON, trace,
                      Party(payer), Party("SMILE DENTAL", "XX", "1234567893"),
                      originator_id="1999999999", claims=claims, provider_adjustments=plb)


def interest(amount: int) -> ProviderAdjustment:
    """Interest the payer adds: negative in the file (it adds to the check)."""
    return ProviderAdjustment("L6", -amount, "INT", "1234567893", date(2026, 12, 31))


# --- the demo office ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def demo_practice() -> dict:
    path = Path(sample_data.__file__).parent / "demo.json"
    return json.loads(path.read_text(encoding="utf-8"))["practice"]


def _number(file_id: str) -> int:
    return int("".join(ch for ch in file_id if ch.isdigit()))


def demo_claim(claim_file_id: str) -> OurClaim:
    """One of the demo office's claims as `OurClaim` (ids: the file id's digits)."""
    practice = demo_practice()
    claim = next(c for c in practice["claims"] if c["id"] == claim_file_id)
    procs = {p["id"]: p for p in practice["procedures"]}
    codes = {c["code"]: c for c in practice["procedure_codes"]}
    lines = []
    for proc_id in claim["procedures"]:
        proc = procs[proc_id]
        lines.append(OurLine(_number(proc_id), proc["code"], date.fromisoformat(proc["date"]),
                             to_cents(Decimal(str(proc["fee"]))),
                             substitution_code=codes[proc["code"]].get("substitution_code")))
    patient_id = procs[claim["procedures"][0]]["patient"]
    patient = next(p for p in practice["patients"] if p["id"] == patient_id)
    last, first = (part.strip() for part in patient["name"].split(",", 1))
    member = next((c.get("subscriber_id") for c in patient.get("coverage", [])
                   if c["plan"] == claim["plan"]), None)
    return OurClaim(_number(claim_file_id), claim_file_id, _number(patient_id), last, first,
                    date.fromisoformat(claim["date"]), claim["plan"], tuple(lines), member,
                    received=claim["status"] == "received", label=claim_file_id)


def era_patient(claim: OurClaim) -> tuple[str, str, str | None]:
    """The patient as the payer writes it: upper case, with the member id."""
    return claim.patient_last.upper(), claim.patient_first.upper(), claim.member_id
