"""`dentledger check` over the public scenarios (copied into tests/scenarios)."""
from __future__ import annotations

import json
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
