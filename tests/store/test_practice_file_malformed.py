"""Each file in malformed/ has exactly one defect; the parser must name it by its JSON path."""
from pathlib import Path

import pytest

from store.files.practice_file import PracticeFileError, load_practice_file

HERE = Path(__file__).parent / "malformed"

# file stem -> (JSON path of the one error, words the message must contain)
EXPECTED = {
    "annual_max_boolean": ("practice.plans[0].annual_max", "not an amount of money"),
    "annual_max_infinity": ("practice.plans[0].annual_max", "Infinity"),
    "claim_mixes_patients": ("practice.claims[0].procedures", "one patient"),
    "claim_status_unknown": ("practice.claims[0].status", '"paid" is not one of'),
    "copay_schedule_wrong_kind": ("practice.plans[0].copay_schedule", "kind allowed"),
    "coverage_order_5": ("practice.patients[0].coverage[0].order", "1-4"),
    "coverage_order_twice": ("practice.patients[0].coverage[1].order", "used twice"),
    "coverage_terminated_before_effective": ("practice.patients[0].coverage[0].terminated",
                                             "before the coverage's effective date"),
    "coverage_effective_us_format": ("practice.patients[0].coverage[0].effective", "YYYY-MM-DD"),
    "dangling_carrier": ("practice.plans[0].carrier", 'unknown carrier "DELTAA"'),
    "dangling_claim_procedure": ("practice.claims[0].procedures[1]", 'unknown procedure "X9"'),
    "dangling_coverage_plan": ("practice.patients[0].coverage[0].plan", 'unknown plan "P9"'),
    "dangling_guarantor": ("practice.patients[0].guarantor", 'unknown patient "PAT9"'),
    "date_not_real": ("practice.procedures[0].date", "not a real date"),
    "date_us_format": ("practice.procedures[0].date", "YYYY-MM-DD"),
    "duplicate_json_key": ("practice.plans[0].annual_max", "duplicate key"),
    "duplicate_patient_id": ("practice.patients[1].id", 'duplicate patient id "PAT1"'),
    "empty_file": ("", "empty"),
    "expect_dangling_procedure": ("expect.procedures.X9", "unknown procedure"),
    "expect_field_unknown": ("expect.procedures.X1.ins_est", "insN_est"),
    "expect_order_without_plan": ("expect.procedures.X1.ins2_est", "coverage order 2"),
    "expect_three_decimals": ("expect.balances.PAT1.total", "more than two decimals"),
    "fee_as_string": ("practice.procedures[0].fee", "without quotes"),
    "fee_for_unknown_code": ("practice.fee_schedules[0].fees.D2931", "unknown procedure code"),
    "fee_huge_exponent": ("practice.procedures[0].fee", "too large"),
    "fee_nan": ("practice.procedures[0].fee", "NaN"),
    "fee_negative": ("practice.procedures[0].fee", "negative"),
    "fee_three_decimals": ("practice.procedures[0].fee", "150.005 has more than two decimals"),
    "frequency_code_and_category": ("practice.plans[0].frequency[0]", "exactly one of code or category"),
    "lone_surrogate_in_name": ("practice.patients[0].name", "Unicode"),
    "missing_as_of": ("practice.as_of", "required"),
    "missing_provider": ("practice.procedures[0].provider", "required"),
    "not_json": ("", "not valid JSON"),
    "nul_in_name": ("practice.patients[0].name", "NUL"),
    "payment_line_not_on_claim": ("practice.claim_payments[0].lines[1].procedure", 'not on claim "C1"'),
    "payment_method_unknown": ("practice.patient_payments[0].method", '"venmo"'),
    "payment_on_other_patients_procedure": ("practice.patient_payments[0].procedure", "belongs to patient"),
    "percent_120": ("practice.plans[0].coverage.restorative", "120 is not a percentage 0-100"),
    "percent_as_string": ("practice.plans[0].coverage.restorative", "without quotes"),
    "percent_fraction": ("practice.plans[0].coverage.restorative", "80.5 is not a whole percentage"),
    "plan_key_typo": ("practice.plans[0].anual_max", 'did you mean "annual_max"'),
    "plan_type_unknown": ("practice.plans[0].type", '"hmo" is not one of'),
    "practice_not_object": ("practice", "not an object"),
    "renew_month_13": ("practice.plans[0].renew_month", "0-12"),
    "top_level_array": ("", "JSON object"),
    "tp_order_negative": ("practice.procedures[0].tp_order", "out of range"),
    "units_zero": ("practice.procedures[0].units", "out of range"),
    "unknown_category": ("practice.plans[0].coverage.crown", '"crown" is not one of'),
    "unknown_procedure_code": ("practice.procedures[0].code", 'unknown procedure code "D9999"'),
    "unknown_top_level_key": ("comments", "unknown key"),
    "writeoff_negative": ("practice.claim_payments[0].lines[0].writeoff", "negative"),
    "wrong_format": ("format", "dentledger-practice/1"),
}


def test_every_fixture_has_an_expectation_and_there_are_enough():
    assert sorted(p.stem for p in HERE.glob("*.json")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_malformed_file_names_its_one_defect(stem):
    path, words = EXPECTED[stem]
    with pytest.raises(PracticeFileError) as caught:
        load_practice_file(HERE / f"{stem}.json")
    err = caught.value
    assert [p for p, _ in err.errors] == [path]  # one defect, one error: the fixture holds nothing else
    assert words in err.errors[0][1]
    assert str(err) == f"{path or '(top level)'}: {err.errors[0][1]}"
    assert err.source.endswith(f"{stem}.json")
