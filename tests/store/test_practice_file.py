"""The practice file: every public scenario parses and round-trips; defaults, extensions, errors."""
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimator.model import Practice
from estimator.money import MAX_CENTS
from store.files.practice_file import Expect, PracticeFile, PracticeFileError, dump_practice, dumps_practice, dumps_practice_file, encode_json, load_practice_file, parse_practice_text

SCENARIO_DIR = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
SCENARIOS = sorted(SCENARIO_DIR.rglob("*.json"))


def _id(path: Path) -> str:
    return str(path.relative_to(SCENARIO_DIR))


def minimal() -> dict:
    """A small valid practice: one PPO patient, one completed procedure on a paid claim."""
    return {"practice": {
        "as_of": "2026-03-01",
        "providers": [{"id": "DOC1", "name": "Reyes, Ana"}],
        "procedure_codes": [{"code": "D2391", "category": "restorative"}],
        "fee_schedules": [{"id": "PPO", "kind": "allowed", "fees": {"D2391": Decimal("110.00")}}],
        "carriers": [{"id": "DELTA", "name": "Delta Dental"}],
        "plans": [{"id": "P1", "carrier": "DELTA", "subscriber": "PAT1", "type": "ppo", "fee_schedule": "PPO",
                   "coverage": {"restorative": 80}}],
        "patients": [{"id": "PAT1", "name": "Shaw, Megan", "birthdate": "1994-02-14", "guarantor": "PAT1",
                      "coverage": [{"plan": "P1", "order": 1}]}],
        "procedures": [{"id": "X1", "patient": "PAT1", "code": "D2391", "date": "2026-02-01",
                        "fee": Decimal("150.00"), "provider": "DOC1", "status": "complete"}],
        "claims": [{"id": "C1", "plan": "P1", "procedures": ["X1"], "status": "sent", "date": "2026-02-01"}],
        "claim_payments": [{"claim": "C1", "date": "2026-02-20", "lines": [
            {"procedure": "X1", "paid": Decimal("88.00"), "writeoff": Decimal("40.00"), "deductible": 0}]}],
    }}


def parse(doc: dict) -> PracticeFile:
    return parse_practice_text(encode_json(doc))


def errors_of(doc_or_text) -> list[tuple[str, str]]:
    text = doc_or_text if isinstance(doc_or_text, str) else encode_json(doc_or_text)
    with pytest.raises(PracticeFileError) as caught:
        parse_practice_text(text)
    return caught.value.errors


# --- the public scenarios ----------------------------------------------------

def test_scenarios_are_there():
    assert len(SCENARIOS) >= 40


@pytest.mark.parametrize("path", SCENARIOS, ids=_id)
def test_scenario_parses(path):
    pf = load_practice_file(path)
    assert isinstance(pf.practice, Practice)
    assert isinstance(pf.expect, Expect)
    assert pf.meta["format"] == "dentledger-practice/1"


@pytest.mark.parametrize("path", SCENARIOS, ids=_id)
def test_scenario_round_trips(path):
    pf = load_practice_file(path)
    assert parse_practice_text(dumps_practice(pf.practice)).practice == pf.practice
    text = dumps_practice_file(pf)
    again = parse_practice_text(text)
    assert again == pf  # meta and expect too
    assert dumps_practice_file(again) == text  # canonical: writing is stable


def test_scenario_values_in_cents():
    pf = load_practice_file(SCENARIO_DIR / "estimate" / "frequency.json")
    assert pf.practice.procedures[0].fee == 10500
    assert pf.practice.plans[0].annual_max == 150000
    assert pf.expect.procedures["X1"]["ins1_est"] == 0
    assert pf.expect.procedures["X1"]["ins1_note"] == "Frequency"
    assert pf.expect.balances["PRICE_L"] == {"total": 0, "patient": 0, "insurance": 0}
    renew = load_practice_file(SCENARIO_DIR / "estimate" / "renew-month.json")
    assert renew.practice.plans[0].renew_month == 7


# --- defaults ------------------------------------------------------------------

def test_defaults():
    p = parse(minimal()).practice
    plan, proc, line = p.plans[0], p.procedures[0], p.claim_payments[0].lines[0]
    assert proc.units == 1 and proc.tp_order is None and proc.overrides == () and proc.no_bill == ()
    assert plan.cob_rule == "standard"
    assert plan.deductible_before_percent and plan.allow_substitution and plan.substitution_writeoffs
    assert plan.annual_max is None and plan.deductible is None  # absent = unknown, not zero
    assert plan.renew_month is None
    assert not any(vars(p.preferences).values())
    assert p.patients[0].coverage[0].pending is False
    assert line.deductible == 0 and line.denied is False
    assert p.claims[0].kind is None


def test_renew_month_zero_means_calendar_year():
    doc = minimal()
    doc["practice"]["plans"][0]["renew_month"] = 0
    assert parse(doc).practice.plans[0].renew_month is None


def test_whole_percentage_written_with_decimals_is_accepted():
    doc = minimal()
    doc["practice"]["plans"][0]["coverage"]["restorative"] = Decimal("80.0")
    assert parse(doc).practice.plans[0].coverage["restorative"] == 80


def test_money_becomes_cents_exactly():
    text = encode_json(minimal()).replace('"fee": 150.00', '"fee": 1.5e2')
    assert parse_practice_text(text).practice.procedures[0].fee == 15000
    doc = minimal()
    doc["practice"]["procedures"][0]["fee"] = 100  # an integer is whole dollars
    assert parse(doc).practice.procedures[0].fee == 10000


def test_negative_amounts_where_the_spec_allows_them():
    doc = minimal()
    q = doc["practice"]
    q["patient_payments"] = [{"patient": "PAT1", "date": "2026-03-01", "amount": Decimal("-20.00"), "method": "check"}]
    q["adjustments"] = [{"patient": "PAT1", "date": "2026-03-01", "amount": Decimal("-10.00"), "code": "COURTESY",
                         "procedure": "X1"}]
    q["claim_payments"].append({"claim": "C1", "date": "2026-03-01", "lines": [
        {"procedure": "X1", "paid": Decimal("-5.00"), "writeoff": 0, "deductible": 0}]})
    p = parse(doc).practice
    assert p.patient_payments[0].amount == -2000
    assert p.adjustments[0].amount == -1000
    assert p.claim_payments[1].lines[0].paid == -500


def test_names_are_stored_as_given():
    """Markup-looking text is data (the screens never render names as markup); control
    characters are refused (issue 13: `tests/safety/test_import_limits.py`)."""
    doc = minimal()
    doc["practice"]["patients"][0]["name"] = "O'Brien, [bold]Sean[/]"
    assert parse(doc).practice.patients[0].name == "O'Brien, [bold]Sean[/]"


# --- extensions ------------------------------------------------------------------

def with_extensions() -> dict:
    doc = minimal()
    q = doc["practice"]
    q["procedures"][0].update(completed="2026-02-03", visits=["2026-02-10", "2026-02-17"], note="crown seated")
    q["claims"][0].update(claim_no="CLM-1", preauth_no="PA-9", sent_date="2026-02-02")
    q["claim_payments"][0]["lines"][0].update(denied=True, remarks="missing x-ray")
    q["patient_payments"] = [{"patient": "PAT1", "date": "2026-02-01", "amount": Decimal("22.00"),
                              "method": "card", "note": "front desk"}]
    q["patients"][0]["coverage"][0]["subscriber_id"] = "XJ-1001"
    q["adjustment_codes"] = [{"code": "WO-DELTA", "kind": "writeoff", "description": "Delta write-off"}]
    q["ledger_notes"] = [{"patient": "PAT1", "date": "2026-02-01", "text": "prefers mornings"}]
    q["lock_date"] = "2026-01-31"
    return doc


def test_extension_keys_are_read_and_written():
    pf = parse(with_extensions())
    p = pf.practice
    assert p.procedures[0].completed.isoformat() == "2026-02-03"
    assert [d.isoformat() for d in p.procedures[0].visits] == ["2026-02-10", "2026-02-17"]
    assert p.claims[0].claim_no == "CLM-1" and p.claims[0].sent_date.isoformat() == "2026-02-02"
    assert p.claim_payments[0].lines[0].denied is True
    assert p.patients[0].coverage[0].subscriber_id == "XJ-1001"
    assert p.adjustment_codes[0].kind == "writeoff"
    assert p.ledger_notes[0].text == "prefers mornings"
    assert p.lock_date.isoformat() == "2026-01-31"
    assert parse_practice_text(dumps_practice(p)).practice == p


def test_completion_date_needs_completed_work():
    doc = with_extensions()
    doc["practice"]["procedures"][0]["status"] = "planned"
    assert [p for p, _ in errors_of(doc)] == ["practice.procedures[0].completed"]


# --- writing -----------------------------------------------------------------------

def test_dump_is_canonical():
    doc = minimal()
    doc["practice"]["procedures"][0]["units"] = 1
    doc["practice"]["plans"][0]["cob_rule"] = "standard"
    doc["practice"]["plans"][0]["renew_month"] = 0
    text = dumps_practice(parse(doc).practice)
    assert '"fee": 150.00' in text and '"deductible": 0.00' in text
    assert '"units"' not in text and '"cob_rule"' not in text and '"renew_month"' not in text
    assert text.startswith('{\n  "format": "dentledger-practice/1",\n  "practice": {\n    "as_of"')
    keys = list(json.loads(text)["practice"]["procedures"][0])
    assert keys == ["id", "patient", "code", "date", "fee", "provider", "status"]


def test_dump_is_json_ready_with_two_decimal_money():
    out = dump_practice(parse(minimal()).practice, {"name": "demo"})
    fee = out["practice"]["procedures"][0]["fee"]
    assert isinstance(fee, Decimal) and fee.as_tuple().exponent == -2
    assert out["name"] == "demo"
    assert json.loads(encode_json(out), parse_float=Decimal) == out


def test_dump_rejects_unknown_meta():
    with pytest.raises(ValueError):
        dump_practice(parse(minimal()).practice, {"titel": "x"})


@settings(max_examples=60, deadline=None)
@given(cents=st.integers(min_value=0, max_value=MAX_CENTS), tp=st.none() | st.integers(0, 1000))
def test_any_amount_round_trips(cents, tp):
    doc = minimal()
    doc["practice"]["procedures"][0]["fee"] = Decimal(cents) / 100
    if tp is not None:
        doc["practice"]["procedures"][0]["tp_order"] = tp
    p = parse(doc).practice
    assert p.procedures[0].fee == cents
    assert parse_practice_text(dumps_practice(p)).practice == p


# --- errors ---------------------------------------------------------------------------

def test_all_errors_are_collected_in_one_go():
    doc = minimal()
    q = doc["practice"]
    q["plans"][0]["coverage"]["crowns"] = 120
    q["procedures"][0]["units"] = 0
    q["claims"][0]["plan"] = "P7"
    q["patients"][0]["birthdate"] = "1994-13-01"
    paths = [p for p, _ in errors_of(doc)]
    assert sorted(paths) == sorted([
        "practice.plans[0].coverage.crowns", "practice.procedures[0].units",
        "practice.claims[0].plan", "practice.patients[0].birthdate",
    ])


def test_error_text_is_one_line_per_error():
    doc = minimal()
    doc["practice"]["plans"][0]["coverage"]["crowns"] = 120
    doc["practice"]["procedures"][0]["fee"] = "150.00"
    with pytest.raises(PracticeFileError) as caught:
        parse(doc)
    lines = str(caught.value).splitlines()
    assert "practice.plans[0].coverage.crowns: 120 is not a percentage 0-100" in lines
    assert len(lines) == 2
    assert isinstance(caught.value, ValueError)


def test_errors_are_capped():
    doc = minimal()
    doc["practice"]["fee_schedules"][0]["fees"] = {"D2391": Decimal("-1.00")}
    doc["practice"]["procedures"] = [
        dict(doc["practice"]["procedures"][0], id=f"Y{i}", fee=Decimal("-1.00")) for i in range(60)]
    doc["practice"].pop("claims")
    doc["practice"].pop("claim_payments")
    with pytest.raises(PracticeFileError) as caught:
        parse(doc)
    assert len(caught.value.errors) == 50 and caught.value.more == 11
    assert str(caught.value).splitlines()[-1] == "... and 11 more errors"


def test_same_key_in_odd_places_gets_a_readable_path():
    doc = minimal()
    doc["practice"]["plans"][0]["coverage"]["crowns and bridges"] = 50
    assert errors_of(doc)[0][0] == 'practice.plans[0].coverage["crowns and bridges"]'


def test_fee_schedule_kind_must_fit_its_use():
    doc = minimal()
    doc["practice"]["fee_schedules"][0]["kind"] = "copay"
    assert [p for p, _ in errors_of(doc)] == ["practice.plans[0].fee_schedule"]


def test_guarantor_must_head_the_family():
    doc = minimal()
    q = doc["practice"]
    q["patients"].append({"id": "KID", "name": "Shaw, Kid", "birthdate": "2015-01-01", "guarantor": "PAT1",
                          "coverage": []})
    q["patients"].append({"id": "KID2", "name": "Shaw, Kid2", "birthdate": "2016-01-01", "guarantor": "KID",
                          "coverage": []})
    assert [p for p, _ in errors_of(doc)] == ["practice.patients[2].guarantor"]


def test_overrides_and_no_bill_are_checked():
    doc = minimal()
    proc = doc["practice"]["procedures"][0]
    proc["overrides"] = [{"plan": "P1", "percent": 50}, {"plan": "P1", "ins_est": Decimal("1.00")},
                         {"plan": "P1", "paid_other_ins": Decimal("-1.00")}]
    proc["no_bill"] = ["P1", "P1"]
    paths = sorted(p for p, _ in errors_of(doc))
    assert paths == ["practice.procedures[0].no_bill[1]", "practice.procedures[0].overrides[1].plan",
                     "practice.procedures[0].overrides[2].paid_other_ins", "practice.procedures[0].overrides[2].plan"]


def test_expect_coverage_must_name_a_covering_plan():
    doc = minimal()
    q = doc["practice"]
    q["plans"].append({"id": "P2", "carrier": "DELTA", "subscriber": "PAT1", "type": "percentage"})
    doc["expect"] = {"coverage": {"PAT1": {"P2": {"annual_max_used": 0}}},
                     "claims": {"C1": {"status": "done"}}}
    paths = sorted(p for p, _ in errors_of(doc))
    assert paths == ["expect.claims.C1.status", "expect.coverage.PAT1.P2"]


def test_load_accepts_a_bom_and_rejects_bad_bytes(tmp_path):
    good = tmp_path / "bom.json"
    good.write_bytes(b"\xef\xbb\xbf" + encode_json(minimal()).encode())
    assert load_practice_file(good).practice.as_of.isoformat() == "2026-03-01"
    bad = tmp_path / "latin1.json"
    bad.write_bytes(encode_json(minimal()).replace("Megan", "M\u00e9gan").encode("latin-1"))
    with pytest.raises(PracticeFileError) as caught:
        load_practice_file(bad)
    assert "UTF-8" in str(caught.value)


def test_absurd_nesting_is_an_error_not_a_crash():
    doc = minimal()
    deep: object = 1
    for _ in range(200):
        deep = [deep]
    doc["derived"] = deep
    assert "nested" in errors_of(doc)[0][1]
    assert "not valid JSON" in errors_of("[" * 100_000)[0][1]


def test_informational_meta_is_kept():
    doc = minimal()
    doc.update(name="demo", derived=True, derived_fields=["X1.ins1_est"])
    pf = parse(doc)
    assert pf.meta["derived_fields"] == ("X1.ins1_est",)
    assert json.loads(dumps_practice_file(pf))["derived_fields"] == ["X1.ins1_est"]


def test_null_optional_key_means_absent_but_required_null_is_an_error():
    doc = minimal()
    doc["practice"]["plans"][0]["annual_max"] = None
    doc["practice"]["procedures"][0]["tooth"] = None
    p = parse(doc).practice
    assert p.plans[0].annual_max is None and p.procedures[0].tooth is None
    doc["practice"]["procedures"][0]["fee"] = None
    assert errors_of(doc) == [("practice.procedures[0].fee", "null is not an amount of money")]
