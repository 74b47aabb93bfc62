"""Every public scenario's estimator fields (insN_est, writeoffN_est, dedN_est, copayN, insN_note,
paidN, writeoffN) and coverage expectations, straight from the estimator (no database).

patient_portion, balances and claims totals are checked by the ledger tests and `dentledger check`.
"""
import re
from pathlib import Path

import pytest

from estimator.engine import benefits_summary, estimate_practice
from store.files.practice_file import load_practice_file

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"  # the copy in the repository, never the machine's own
FILES = sorted(SCENARIOS.rglob("*.json"))

FIELD = re.compile(r"(ins|writeoff|ded|copay|paid)([1-4])(_est|_note)?\Z")
ATTRIBUTE = {("ins", "_est"): "ins_est", ("ins", "_note"): "note", ("writeoff", "_est"): "writeoff_est",
             ("writeoff", None): "writeoff", ("ded", "_est"): "deductible", ("copay", None): "copay",
             ("paid", None): "paid"}


def mismatches(path: Path) -> list[str]:
    scenario = load_practice_file(path)
    practice, expect = scenario.practice, scenario.expect
    estimates = estimate_practice(practice)
    plan_of = {(p.id, c.order): c.plan for p in practice.patients for c in p.coverage}
    patient_of = {p.id: p.patient for p in practice.procedures}
    wrong = []
    for proc_id, fields in expect.procedures.items():
        for name, want in fields.items():
            match = FIELD.match(name)
            if not match:
                continue  # patient_portion: the ledger's
            kind, order, suffix = match.groups()
            line = estimates[(proc_id, plan_of[(patient_of[proc_id], int(order))])]
            got = getattr(line, ATTRIBUTE[(kind, suffix)])
            if got != want:
                wrong.append(f"{proc_id}.{name}: expected {want}, got {got}  {line.explanation}")
    for patient, plans in expect.coverage.items():
        for plan, values in plans.items():
            summary = benefits_summary(practice, estimates, patient, plan)
            for name, want in values.items():
                if getattr(summary, name) != want:
                    wrong.append(f"coverage {patient} {plan} {name}: expected {want}, got {getattr(summary, name)}")
    return wrong


def test_scenarios_are_there():
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(SCENARIOS)) for p in FILES])
def test_scenario_estimates(path):
    assert mismatches(path) == []
