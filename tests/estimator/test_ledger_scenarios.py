"""The ledger arithmetic against the shared scenarios' `balances`, `patient_portion` and `claims`.

Two sources of claim procedures:
- "expect": lines built from the scenario's own expected estimates and its claim payments
  (works without the engine; checks the ledger arithmetic alone);
- "engine": `estimator.engine.estimate_practice` (skipped until the engine exists).
Practices are loaded with `store.files.practice_file` when it exists, else with the small loader below
(only what the ledger reads).
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import ledger
from estimator.model import (
    Adjustment, Appointment, Carrier, Claim, ClaimPayment, ClaimPaymentLine, Coverage, FeeSchedule,
    Patient, PatientPayment, Plan, Practice, Procedure, ProcedureCode, Provider,
)
from estimator.money import to_cents
from estimator.results import (
    CAP_COMPLETE, CAP_ESTIMATE, ESTIMATE, NOT_RECEIVED, PREAUTH, RECEIVED, LineEstimate,
)

SCENARIOS = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
if not SCENARIOS.exists():  # tests/scenarios is a copy of the shared folder
    SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
LEDGER_FILES = sorted(p for p in SCENARIOS.glob("*/*.json")
                      if "balances" in json.loads(p.read_text()).get("expect", {})
                      or p.parent.name in ("claims", "ledger"))


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _c(value) -> int:
    return to_cents(value)


def _minimal_practice(p: dict) -> Practice:
    """Just the parts of a practice file the ledger reads."""
    return Practice(
        as_of=_d(p["as_of"]),
        providers=tuple(Provider(x["id"], x["name"], x.get("fee_schedule")) for x in p.get("providers", [])),
        procedure_codes=tuple(ProcedureCode(x["code"], x["category"], x.get("description", ""),
                                            substitution_code=x.get("substitution_code"),
                                            substitution_condition=x.get("substitution_condition"))
                              for x in p.get("procedure_codes", [])),
        fee_schedules=tuple(FeeSchedule(x["id"], x["kind"], x.get("name", ""),
                                        {k: _c(v) for k, v in x["fees"].items()})
                            for x in p.get("fee_schedules", [])),
        carriers=tuple(Carrier(x["id"], x["name"], x.get("writeoff_code")) for x in p.get("carriers", [])),
        plans=tuple(Plan(x["id"], x["carrier"], x["subscriber"], x["type"], fee_schedule=x.get("fee_schedule"))
                    for x in p.get("plans", [])),
        patients=tuple(Patient(x["id"], x["name"], _d(x["birthdate"]), x["guarantor"],
                               tuple(Coverage(c["plan"], c["order"]) for c in x.get("coverage", [])))
                       for x in p.get("patients", [])),
        procedures=tuple(Procedure(x["id"], x["patient"], x["code"], _d(x["date"]), _c(x["fee"]),
                                   x["provider"], x["status"], x.get("tooth"), x.get("surface"),
                                   x.get("units", 1), no_bill=tuple(x.get("no_bill", ())))
                         for x in p.get("procedures", [])),
        claims=tuple(Claim(x["id"], x["plan"], tuple(x["procedures"]), x["status"], _d(x["date"]), x.get("kind"))
                     for x in p.get("claims", [])),
        claim_payments=tuple(ClaimPayment(x["claim"], _d(x["date"]),
                                          tuple(ClaimPaymentLine(ln["procedure"], _c(ln["paid"]),
                                                                 _c(ln["writeoff"]), _c(ln["deductible"]))
                                                for ln in x["lines"]),
                                          x.get("check_no"), x.get("bank_no"))
                             for x in p.get("claim_payments", [])),
        patient_payments=tuple(PatientPayment(x["patient"], _d(x["date"]), _c(x["amount"]), x["method"],
                                              x.get("check_no"), x.get("bank_no"), x.get("procedure"))
                               for x in p.get("patient_payments", [])),
        adjustments=tuple(Adjustment(x["patient"], _d(x["date"]), _c(x["amount"]), x["code"],
                                     x.get("procedure"), x.get("note"))
                          for x in p.get("adjustments", [])),
        appointments=tuple(Appointment(x["patient"], _d(x["date"]), x["status"]) for x in p.get("appointments", [])),
    )


def load(path: Path) -> tuple[Practice, dict]:
    doc = json.loads(path.read_text(), parse_float=Decimal)
    try:
        from store.files.practice_file import load_practice_file
    except ImportError:
        return _minimal_practice(doc["practice"]), doc["expect"]
    return load_practice_file(path).practice, doc["expect"]


def _expected(expect: dict, proc_id: str, key: str) -> int | None:
    value = expect.get("procedures", {}).get(proc_id, {}).get(key)
    return None if value is None else _c(value)


def _line(practice: Practice, expect: dict, proc: Procedure, cov: Coverage) -> LineEstimate:
    """A claim procedure as the engine should produce it, from the scenario's own numbers."""
    n = cov.order
    ins_est = _expected(expect, proc.id, f"ins{n}_est")
    wo_est = _expected(expect, proc.id, f"writeoff{n}_est")
    plan = next(p for p in practice.plans if p.id == cov.plan)
    base = dict(procedure=proc.id, plan=cov.plan, order=n)
    if plan.type == "capitation":
        status = CAP_COMPLETE if proc.status == "complete" else CAP_ESTIMATE
        return LineEstimate(**base, status=status, writeoff_est=wo_est or 0,
                            writeoff=(wo_est or 0) if status == CAP_COMPLETE else 0)
    if cov.plan in proc.no_bill:
        return LineEstimate(**base, status=ESTIMATE, no_bill=True)
    claim = next((c for c in practice.claims if c.plan == cov.plan and proc.id in c.procedures), None)
    paid_lines = [ln for cp in practice.claim_payments if claim and cp.claim == claim.id
                  for ln in cp.lines if ln.procedure == proc.id]
    if claim is None:
        status = ESTIMATE
    elif claim.status == "preauth":
        status = PREAUTH
    elif paid_lines:
        status = RECEIVED
    else:
        status = NOT_RECEIVED
    paid = sum(ln.paid for ln in paid_lines)
    writeoff = sum(ln.writeoff for ln in paid_lines)
    if status == RECEIVED:  # paid as estimated unless the scenario says otherwise
        ins_est = paid if ins_est is None else ins_est
        wo_est = writeoff if wo_est is None else wo_est
    return LineEstimate(**base, status=status, ins_est=ins_est or 0, writeoff_est=wo_est or 0,
                        claim=claim.id if claim else None, paid=paid, writeoff=writeoff)


def expect_estimates(practice: Practice, expect: dict) -> dict:
    patients = {p.id: p for p in practice.patients}
    return {(proc.id, cov.plan): _line(practice, expect, proc, cov)
            for proc in practice.procedures for cov in patients[proc.patient].coverage}


def engine_estimates(practice: Practice, expect: dict) -> dict:
    engine = pytest.importorskip("estimator.engine")
    return engine.estimate_practice(practice)


SOURCES = {"expect": expect_estimates, "engine": engine_estimates}


@pytest.fixture(params=sorted(SOURCES))
def source(request):
    return SOURCES[request.param]


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_balances(path, source):
    practice, expect = load(path)
    got = ledger.balances(practice, source(practice, expect))
    for patient_id, exp in expect.get("balances", {}).items():
        bal = got[patient_id]
        assert (bal.total, bal.insurance, bal.patient) == (
            _c(exp["total"]), _c(exp["insurance"]), _c(exp["patient"])), patient_id


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_patient_portion(path, source):
    practice, expect = load(path)
    estimates = source(practice, expect)
    for proc_id, exp in expect.get("procedures", {}).items():
        if "patient_portion" in exp:
            assert ledger.patient_portion(practice, estimates, proc_id) == _c(exp["patient_portion"]), proc_id


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_claim_totals(path, source):
    practice, expect = load(path)
    got = ledger.claim_totals(practice, source(practice, expect))
    for claim_id, exp in expect.get("claims", {}).items():
        for key, value in exp.items():
            want = value if key == "status" else _c(value)
            assert got[claim_id][key] == want, (claim_id, key)


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_card_balance_column_sums_to_account_total(path, source):
    practice, expect = load(path)
    estimates = source(practice, expect)
    bals = ledger.balances(practice, estimates)
    for patient in practice.patients:
        card = ledger.build_card(practice, estimates, patient.id, today=practice.as_of)
        assert card.totals.balance == bals[patient.id].total == card.summary.balance.total
        procs = [r for r in card.rows if r.kind == "procedure" and r.values]
        # Ins Bal is what the carriers pay, W/O Est what they will write off: together the
        # insurance part of the balance (issue 11: shown apart)
        assert sum(r.values["ins_bal"] + r.values["wo_bal"] for r in procs) == bals[patient.id].insurance
        assert sum(r.values["wo_bal"] for r in procs) == bals[patient.id].writeoff_est
    family = {p.id for p in practice.patients}
    ages = ledger.aging(practice, estimates, family, practice.as_of)
    assert ages.total == sum(bals[p].total for p in family)
