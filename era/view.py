"""An `EraFile` as JSON-ready data (the keys `dentledger era show --format json` prints
and the README lists): money as strings with two decimals, dates as ISO strings, every
code next to its plain words. No file positions: they are for warnings only."""
from __future__ import annotations

from datetime import date

from estimator.money import fmt

from . import codes
from .model import Adjustment, EraClaim, EraFile, Party, Patient, ProviderAdjustment, \
    Remittance, ServiceLine


def era_json(era: EraFile) -> dict:
    return {
        "file": era.name,
        "validated": era.validated,
        "warnings": [str(w) for w in era.warnings],
        "payments": [payment_json(r) for r in era.remittances],
    }


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _money(cents: int | None) -> str | None:
    return None if cents is None else fmt(cents)


def _party(party: Party) -> dict:
    return {"name": party.name, "id_qualifier": party.id_qualifier, "id": party.id}


def _person(person: Patient | None) -> dict | None:
    if person is None:
        return None
    return {"last": person.last, "first": person.first, "id": person.id}


def payment_json(r: Remittance) -> dict:
    return {
        "payer": _party(r.payer),
        "payee": _party(r.payee),
        "handling": r.handling,
        "method": r.method,
        "method_text": r.method_text,
        "amount": _money(r.amount),
        "date": _day(r.date),
        "trace_number": r.trace_number,
        "originator_id": r.originator_id,
        "production_date": _day(r.production_date),
        "version": r.version,
        "control_number": r.control_number,
        "claims_paid": _money(r.claims_paid),
        "provider_adjustment_total": _money(r.provider_adjustment_total),
        "claims": [claim_json(c) for c in r.claims],
        "provider_adjustments": [plb_json(p) for p in r.provider_adjustments],
    }


def adjustment_json(a: Adjustment) -> dict:
    return {"group": a.group, "group_text": codes.group_text(a.group), "reason": a.reason,
            "reason_text": a.text, "amount": _money(a.amount),
            "quantity": None if a.quantity is None else str(a.quantity)}


def claim_json(c: EraClaim) -> dict:
    return {
        "claim_id": c.claim_id,
        "status": c.status,
        "status_text": c.status_text,
        "billed": _money(c.billed),
        "paid": _money(c.paid),
        "patient_responsibility": _money(c.patient_responsibility),
        "payer_claim_no": c.payer_claim_no,
        "filing_code": c.filing_code,
        "patient": _person(c.patient),
        "insured": _person(c.insured),
        "date": _day(c.date),
        "date_to": _day(c.date_to),
        "received": _day(c.received),
        "adjustments": [adjustment_json(a) for a in c.adjustments],
        "remarks": list(c.remarks),
        "lines": [line_json(ln) for ln in c.lines],
    }


def line_json(ln: ServiceLine) -> dict:
    return {
        "code": ln.code,
        "billed_code": ln.billed_code,
        "qualifier": ln.qualifier,
        "modifiers": list(ln.modifiers),
        "billed": _money(ln.billed),
        "paid": _money(ln.paid),
        "units": str(ln.units),
        "date": _day(ln.date),
        "allowed": _money(ln.allowed),
        "control_number": ln.control_number,
        "adjustments": [adjustment_json(a) for a in ln.adjustments],
        "remarks": list(ln.remarks),
    }


def plb_json(p: ProviderAdjustment) -> dict:
    return {"reason": p.reason, "reason_text": p.text, "reference": p.reference,
            "amount": _money(p.amount), "added_to_check": _money(p.added_to_check),
            "provider_id": p.provider_id, "fiscal_date": _day(p.fiscal_date)}
