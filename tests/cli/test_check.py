"""`dentledger check` over the public scenarios (copied into tests/scenarios)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli.main import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FILES = sorted(SCENARIOS.rglob("*.json"))


def test_every_public_scenario_is_copied():
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_public_scenario_passes(path, capsys):
    assert main(["check", str(path)]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.strip().endswith("1 passed, 0 failed")


def test_check_reports_a_wrong_number_as_a_failure(tmp_path, capsys):
    data = json.loads((SCENARIOS / "estimate/ppo-writeoff-basic.json").read_text())
    data["expect"]["procedures"]["X2"]["ins1_est"] = 61.0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "procedures.X2.ins1_est: expected 61.00, got 61.60" in out
    assert out.strip().endswith("0 passed, 1 failed")


def test_check_json_output(capsys):
    assert main(["check", "--json", str(SCENARIOS / "estimate/percentage-basic.json")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["passed"] == 1 and result["failed"] == 0
    assert result["scenarios"][0]["checked"] > 0


def test_check_missing_path_is_one_line_error(capsys):
    assert main(["check", "/no/such/scenarios"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such" in err


def test_check_invalid_file_fails_with_path(tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text('{"practice": {"as_of": "2026-02-30"}, "expect": {}}')
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "practice.as_of" in out and "0 passed, 1 failed" in out


# --- issue 11, "The acceptance tool": every kind of key is compared, with the computed value --

# (scenario, dotted path of one expectation, a wrong value): each is a right value of a
# public scenario made wrong; the check must report it with the right value as "got".
WRONG_VALUES = [
    ("claims/claim-created-hold.json", "procedures.X1.ins1_est", 70.01),
    ("claims/claim-created-hold.json", "procedures.X1.writeoff1_est", 39.99),
    ("claims/claim-created-hold.json", "procedures.X3.ded1_est", 0.0),
    ("estimate/capitation-overrides.json", "procedures.X1.copay1", 75.5),
    ("claims/patient-payment-adjustments.json", "procedures.X1.paid1", 85.01),
    ("claims/patient-payment-adjustments.json", "procedures.X3.writeoff1", 0.01),
    ("cob/writeoff-override-kept.json", "procedures.X1.ins1_note", "Frequency"),
    ("claims/claim-created-hold.json", "procedures.X1.patient_portion", 0.01),
    ("claims/claim-created-hold.json", "balances.FOSTER_M.total", 380.01),
    ("claims/claim-created-hold.json", "balances.FOSTER_M.patient", 10.49),
    ("claims/claim-created-hold.json", "balances.FOSTER_M.insurance", 369.51),
    ("claims/claim-created-hold.json", "claims.C1.status", "received"),
    ("claims/claim-created-hold.json", "claims.C1.ins_est", 197.01),
    ("claims/patient-payment-adjustments.json", "claims.C1.writeoff", 0.01),
    ("claims/patient-payment-adjustments.json", "claims.C1.paid", 959.99),
    ("claims/patient-payment-adjustments.json", "coverage.BROWN_O.P1.annual_max_used", 960.01),
    ("claims/patient-payment-adjustments.json", "coverage.BROWN_O.P1.annual_max_remaining", 0.0),
    ("claims/patient-payment-adjustments.json", "coverage.BROWN_O.P1.deductible_remaining", 50.0),
]


def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else f"{value:.2f}"


@pytest.mark.parametrize("scenario, where, wrong", WRONG_VALUES, ids=[w for _, w, _ in WRONG_VALUES])
def test_acceptance_tool_reports_a_wrong_value_of_every_kind_of_key(tmp_path, scenario, where, wrong):
    from cli.check import run_scenario

    data = json.loads((SCENARIOS / scenario).read_text())
    *parents, key = where.split(".")
    holder = data["expect"]
    for part in parents:
        holder = holder[part]
    right, holder[key] = holder[key], wrong
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = run_scenario(bad)
    assert result.failures == [f"{where}: expected {_shown(wrong)}, got {_shown(right)}"]
    assert not result.passed and result.checked > 1


def test_acceptance_tool_says_per_file_how_many_values_it_compared(capsys):
    path = SCENARIOS / "estimate/percentage-basic.json"
    assert main(["check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(rf"{re.escape(str(path))}: \d+ values compared, all right", lines[0])
    assert lines[-1] == "1 passed, 0 failed"


@pytest.mark.parametrize("expect", [{}, {"procedures": {}}, {"balances": {}, "claims": {}}])
def test_acceptance_tool_fails_a_file_that_compares_nothing(tmp_path, capsys, expect):
    data = json.loads((SCENARIOS / "estimate/percentage-basic.json").read_text())
    data["expect"] = expect
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(data))
    assert main(["check", str(empty)]) == 1
    out = capsys.readouterr().out
    assert "compared no values" in out and out.strip().endswith("0 passed, 1 failed")


def test_acceptance_tool_fails_a_folder_without_scenarios(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["check", str(tmp_path / "empty")]) == 1
    out = capsys.readouterr().out
    assert "no scenario files" in out and out.strip().endswith("0 passed, 1 failed")
    # ... and a good folder next to an empty one still fails the run
    assert main(["check", str(SCENARIOS / "ledger"), str(tmp_path / "empty")]) == 1
