"""Write a valid 5010 835 (X221A1) from plain data, for tests and the benchmark.

The input is the reader's own dataclasses (`Remittance` with its claims, lines and
adjustments), so ``read_era(build_835(r)).remittances == r`` for what the file carries.
What the office's data does not have but the guide requires (the payer's address and
billing contact, a payee NPI, bank numbers for an EFT) comes from `Envelope`'s defaults.
Amounts are written as the file's signs (`model`); nothing is computed here, so a test can
also write a file that does not balance.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, Sequence

from estimator.money import fmt

from .model import Adjustment, EraClaim, Remittance, ServiceLine

VERSION = "005010X221A1"


@dataclass(frozen=True)
class Envelope:
    """The interchange around the payments and the guide's required filler."""
    sender: str = "PAYER"
    receiver: str = "DENTLEDGER"
    created: datetime = datetime(2025, 1, 31, 12, 0)
    control_number: int = 1
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    terminator: str = "~"
    newline: bool = False  # a line break after each segment (many payers do)
    payer_address: tuple[str, str, str, str] = ("PO BOX 1000", "SPRINGFIELD", "IL", "62701")
    payer_phone: str = "8005550100"
    payee_npi: str = "1234567893"
    originator_id: str = "1999999999"  # TRN03/BPR10: "1" and the payer's tax id


def build_835(remittances: Sequence[Remittance], envelope: Envelope = Envelope()) -> str:
    """The 835 text of one interchange holding one transaction per remittance."""
    env = envelope
    out = [_isa(env), _seg(env, "GS", "HP", env.sender, env.receiver,
                           env.created.strftime("%Y%m%d"), env.created.strftime("%H%M"),
                           str(env.control_number), "X", VERSION)]
    for i, remittance in enumerate(remittances, 1):
        body = list(_transaction(env, remittance))
        control = remittance.control_number or f"{i:04d}"
        out.append(_seg(env, "ST", "835", control, VERSION))
        out += body
        out.append(_seg(env, "SE", str(len(body) + 2), control))
    out.append(_seg(env, "GE", str(len(remittances)), str(env.control_number)))
    out.append(_seg(env, "IEA", "1", f"{env.control_number:09d}"))
    return "".join(out)


# --- segments ----------------------------------------------------------------------------

def _seg(env: Envelope, seg_id: str, *elements: str) -> str:
    parts = [seg_id, *elements]
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()  # the guide wants no trailing empty elements
    return env.element.join(parts) + env.terminator + ("\n" if env.newline else "")


def _isa(env: Envelope) -> str:
    c = env.created
    return _seg(env, "ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{env.sender:<15}",
                "ZZ", f"{env.receiver:<15}", c.strftime("%y%m%d"), c.strftime("%H%M"),
                env.repetition, "00501", f"{env.control_number:09d}", "0", "P", env.component)


def _amount(cents: int) -> str:
    return fmt(cents)


def _day(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def _transaction(env: Envelope, r: Remittance) -> Iterable[str]:
    yield _bpr(env, r)
    yield _seg(env, "TRN", "1", r.trace_number, r.originator_id or env.originator_id)
    if r.production_date:
        yield _seg(env, "DTM", "405", _day(r.production_date))
    yield _seg(env, "N1", "PR", r.payer.name)
    street, city, state, zip_code = env.payer_address
    yield _seg(env, "N3", street)
    yield _seg(env, "N4", city, state, zip_code)
    if r.payer.id and r.payer.id_qualifier == "2U":
        yield _seg(env, "REF", "2U", r.payer.id)
    yield _seg(env, "PER", "BL", "CLAIMS", "TE", env.payer_phone)
    yield _seg(env, "N1", "PE", r.payee.name, r.payee.id_qualifier or "XX",
               r.payee.id or env.payee_npi)
    if r.claims:
        yield _seg(env, "LX", "1")
    for claim in r.claims:
        yield from _claim(env, claim)
    yield from _plb(env, r)


def _bpr(env: Envelope, r: Remittance) -> str:
    credit = "D" if r.amount < 0 else "C"
    head = [r.handling or "I", _amount(abs(r.amount)), credit, r.method or "CHK"]
    if r.method in ("ACH", "BOP", "FWT"):
        bank = ["CCP", "01", "999999992", "DA", "123456", env.originator_id, "",
                "01", "999988880", "DA", "98765"]
    else:
        bank = [""] * 11
    return _seg(env, "BPR", *head, *bank, _day(r.date))


def _claim(env: Envelope, c: EraClaim) -> Iterable[str]:
    yield _seg(env, "CLP", c.claim_id, c.status, _amount(c.billed), _amount(c.paid),
               _amount(c.patient_responsibility) if c.patient_responsibility else "",
               c.filing_code or "12", c.payer_claim_no or c.claim_id)
    yield from _cas(env, c.adjustments)
    p = c.patient
    yield _seg(env, "NM1", "QC", "1", p.last, p.first, "", "", "", "MI" if p.id else "",
               p.id or "")
    if c.insured:
        i = c.insured
        yield _seg(env, "NM1", "IL", "1", i.last, i.first, "", "", "", "MI" if i.id else "",
                   i.id or "")
    if c.remarks:
        yield _seg(env, "MOA", "", "", *c.remarks[:5])
    for qualifier, day in (("232", c.date), ("233", c.date_to), ("050", c.received)):
        if day:
            yield _seg(env, "DTM", qualifier, _day(day))
    for line in c.lines:
        yield from _line(env, line)


def _line(env: Envelope, ln: ServiceLine) -> Iterable[str]:
    code = env.component.join([ln.qualifier, ln.code, *ln.modifiers])
    units = "" if ln.units == Decimal(1) else str(ln.units)
    original = env.component.join([ln.qualifier, ln.billed_code]) if ln.downgraded else ""
    yield _seg(env, "SVC", code, _amount(ln.billed), _amount(ln.paid), "", units, original)
    if ln.date:
        yield _seg(env, "DTM", "472", _day(ln.date))
    yield from _cas(env, ln.adjustments)
    if ln.control_number:
        yield _seg(env, "REF", "6R", ln.control_number)
    if ln.allowed is not None:
        yield _seg(env, "AMT", "B6", _amount(ln.allowed))
    for remark in ln.remarks:
        yield _seg(env, "LQ", "HE", remark)


def _cas(env: Envelope, adjustments: Sequence[Adjustment]) -> Iterable[str]:
    """One CAS per group, six reasons at most each (the guide's limit)."""
    groups: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        groups.setdefault(adj.group, []).append(adj)
    for group, adjs in groups.items():
        for start in range(0, len(adjs), 6):
            elements = []
            for adj in adjs[start:start + 6]:
                qty = "" if adj.quantity is None else str(adj.quantity)
                elements += [adj.reason, _amount(adj.amount), qty]
            yield _seg(env, "CAS", group, *elements)


def _plb(env: Envelope, r: Remittance) -> Iterable[str]:
    """Provider adjustments, six to a PLB, dated the last day of the payment's year."""
    adjustments = r.provider_adjustments
    for start in range(0, len(adjustments), 6):
        chunk = adjustments[start:start + 6]
        first = chunk[0]
        fiscal = first.fiscal_date or date((r.date or env.created.date()).year, 12, 31)
        pairs = []
        for adj in chunk:
            reason = env.component.join([adj.reason, adj.reference]) if adj.reference \
                else adj.reason
            pairs += [reason, _amount(adj.amount)]
        yield _seg(env, "PLB", first.provider_id or env.payee_npi, _day(fiscal), *pairs)
