"""Registering, editing and moving patients (store.services.patients): the chart number,
Find patient's keys, duplicates, families, and every refusal writing nothing."""
from __future__ import annotations

import json

import pytest

from store import services
from store.read.patients import search_patients
from svc_helpers import audit, line, pid, refused

ANN = {"last_name": "Nguyễn", "first_name": "Ánh", "birthdate": "1985-04-02",
       "phone": "(617) 555-0142", "mobile_phone": "+1 617 555 0199", "city": "Boston",
       "state": "MA", "zip": "02118", "email": "anh@example.com", "gender": "female"}


def names(found):
    return [p["name"] for p in found]


def test_register_a_new_family_with_a_generated_chart_number(db):
    new = services.register_patient(db, ANN)
    row = db.execute_sql("SELECT guarantor_id, chart_no, name_search, first_search, city, "
                         "gender, inactive FROM patient WHERE id = ?", (new,)).fetchone()
    assert row == (new, str(new), "nguyen anh", "anh nguyen", "Boston", "female", 0)
    phones = db.execute_sql("SELECT digits FROM patient_phone WHERE patient_id = ? ORDER BY 1",
                            (new,)).fetchall()
    assert phones == [("5550142",), ("5550199",), ("6175550142",), ("6175550199",)]
    for typed in ("nguyen", "NGUYỄN, á", "nguyen anh", "anh", "anh ngu", "617-555-0142",
                  "555 0199", str(new)):
        assert names(search_patients(db, typed)) == ["Nguyễn, Ánh"], typed
    detail = json.loads(audit(db, "register_patient")[-1][6])
    assert detail["chart_no"] == str(new) and detail["guarantor"] is None


def test_join_a_family_with_coverage_and_relationship(db):
    james = pid(db, "WILSON_J")
    kid = services.register_patient(
        db, {"last_name": "Wilson", "first_name": "Amy", "birthdate": "2015-05-05",
             "chart_no": "W-7"}, guarantor=james,
        coverage=[(pid(db, "P1", "plan"), "child")])
    assert db.execute_sql("SELECT guarantor_id, chart_no FROM patient WHERE id = ?",
                          (kid,)).fetchone() == (james, "W-7")
    assert db.execute_sql("SELECT coverage_order, relationship, effective FROM patient_coverage "
                          "WHERE patient_id = ?", (kid,)).fetchall() == [(1, "child", "2026-03-02")]
    assert names(search_patients(db, "W-7")) == ["Wilson, Amy"]
    services.add_procedure(db, kid, "D4341", provider="DOC1", planned=True)
    proc = db.execute_sql("SELECT id FROM procedure WHERE patient_id = ?", (kid,)).fetchone()[0]
    assert line(db, proc, "P1")["ins_est_cents"] > 0  # the family's plan estimates her work


@pytest.mark.parametrize("values, match", [
    ({"first_name": "X", "birthdate": "1990-01-01"}, "needs a last name"),
    ({"last_name": "  ", "birthdate": "1990-01-01"}, "needs a last name"),
    ({"last_name": "X"}, "needs a birthdate"),
    ({"last_name": "X", "birthdate": "1990-02-30"}, "not a date"),
    ({"last_name": "X", "birthdate": "2030-01-01"}, "in the future"),
    ({"last_name": "X", "birthdate": "1850-01-01"}, "before 1880"),
    ({"last_name": "X", "birthdate": "1990-01-01", "gender": "f"}, "gender must be one of"),
    ({"last_name": "X", "birthdate": "1990-01-01", "phone": "555-12"}, "not a phone number"),
    ({"last_name": "X", "birthdate": "1990-01-01", "phone": "call me"}, "not a phone number"),
    ({"last_name": "X", "birthdate": "1990-01-01", "email": "anh@"}, "not an e-mail"),
    ({"last_name": "X\x1b[31m", "birthdate": "1990-01-01"}, "control character"),
    ({"last_name": 7, "birthdate": "1990-01-01"}, "must be text"),
    ({"last_name": "X", "birthdate": "1990-01-01", "provider": "DOC9"}, "no provider"),
    ({"last_name": "X", "birthdate": "1990-01-01", "inactive": "yes"}, "yes or no"),
])
def test_registration_refusals_write_nothing(db, values, match):
    refused(db, services.register_patient, values, match=match)


def test_chart_number_taken_is_refused(db):
    services.register_patient(db, {**ANN, "chart_no": "1001"})
    refused(db, services.register_patient,
            {"last_name": "Other", "birthdate": "1970-01-01", "chart_no": "1001"},
            match="chart number 1001 is already Nguyễn, Ánh's")


def test_a_possible_duplicate_needs_a_confirmation(db):
    message = refused(db, services.register_patient,
                      {"last_name": "WILSON", "first_name": "james", "birthdate": "1965-01-14"},
                      match="possible duplicate of Wilson, James born 1965-01-14")
    assert "confirm" in message
    again = services.register_patient(
        db, {"last_name": "WILSON", "first_name": "james", "birthdate": "1965-01-14"},
        duplicate_ok=True)
    assert again


def test_joining_someone_who_is_not_a_guarantor_is_refused(db):
    refused(db, services.register_patient, ANN, guarantor=pid(db, "WILSON_C"),
            match="Wilson, Claire is not a guarantor .*Wilson, James")
    refused(db, services.register_patient, ANN, guarantor=99999, match="no patient with id")
    refused(db, services.register_patient, ANN, coverage=[(pid(db, "P1", "plan"), "cousin")],
            match="relationship to the subscriber must be one of")


def test_edit_marks_inactive_and_keeps_the_keys_current(db):
    new = services.register_patient(db, ANN)
    services.edit_patient(db, new, {"last_name": "Tran", "phone": None, "inactive": True})
    assert search_patients(db, "tran") == []
    assert names(search_patients(db, "tran", inactive=True)) == ["Tran, Ánh"]
    assert search_patients(db, "nguyen", inactive=True) == []
    assert names(search_patients(db, "555-0199", inactive=True)) == ["Tran, Ánh"]
    assert search_patients(db, "555-0142", inactive=True) == []
    detail = json.loads(audit(db, "edit_patient")[-1][6])
    assert detail == {"inactive": True, "last_name": "Tran", "phone": None}
    services.edit_patient(db, new, {"chart_no": "A-1"})
    services.edit_patient(db, new, {"chart_no": ""})  # blank: generated again
    assert db.execute_sql("SELECT chart_no FROM patient WHERE id = ?", (new,)).fetchone() == \
        (str(new),)


def test_edit_refusals(db):
    new = services.register_patient(db, ANN)
    refused(db, services.edit_patient, new, {"city": "Boston"}, match="nothing changed")
    refused(db, services.edit_patient, new, {"shoe_size": 9}, match="no field 'shoe_size'")
    refused(db, services.edit_patient, new, {"birthdate": "2099-01-01"}, match="future")
    refused(db, services.edit_patient, 99999, {"city": "X"}, match="no patient with id")
    refused(db, services.edit_patient, new,
            {"last_name": "Wilson", "first_name": "James", "birthdate": "1965-01-14"},
            match="possible duplicate")


def test_move_to_another_family_re_estimates_both(db):
    james, claire, tom = pid(db, "WILSON_J"), pid(db, "WILSON_C"), pid(db, "PAGE_T")
    proc = services.add_procedure(db, claire, "D4341", provider="DOC1")
    before = db.execute_sql("SELECT count(*) FROM ledger_entry WHERE patient_id = ?",
                            (claire,)).fetchone()
    services.move_patient(db, claire, tom)
    assert db.execute_sql("SELECT guarantor_id FROM patient WHERE id = ?", (claire,)).fetchone() \
        == (tom,)
    assert db.execute_sql("SELECT count(*) FROM ledger_entry WHERE patient_id = ?",
                          (claire,)).fetchone() == before  # her card moved with her
    assert services.patient_balance(db, claire).total == 26000
    assert line(db, proc, "P2")["ins_est_cents"] > 0
    detail = json.loads(audit(db, "move_patient")[-1][6])
    assert (detail["old_guarantor"], detail["guarantor"]) == (james, tom)
    services.move_patient(db, claire, None)  # her own family now
    assert db.execute_sql("SELECT guarantor_id FROM patient WHERE id = ?", (claire,)).fetchone() \
        == (claire,)


def test_move_refusals(db):
    james, claire, tom = pid(db, "WILSON_J"), pid(db, "WILSON_C"), pid(db, "PAGE_T")
    refused(db, services.move_patient, james, tom, match="guarantor of 1 other patient")
    refused(db, services.move_patient, claire, james, match="already in that family")
    refused(db, services.move_patient, tom, claire, match="not a guarantor")
    refused(db, services.move_patient, 99999, tom, match="no patient with id")


def test_a_registered_patient_round_trips_through_the_practice_file(db):
    from store.files.exporter import export_practice
    from store.files.practice_file import dumps_practice, parse_practice_text

    services.register_patient(db, {**ANN, "address1": "1 Main St", "preferred_name": "Annie",
                                   "provider": "DOC2"})
    text = dumps_practice(export_practice(db))
    raw = json.loads(text)["practice"]["patients"][-1]
    assert raw["address"] == {"line1": "1 Main St", "city": "Boston", "state": "MA",
                              "zip": "02118"}
    assert raw["phones"] == {"home": "(617) 555-0142", "mobile": "+1 617 555 0199"}
    assert (raw["preferred_name"], raw["provider"], raw["gender"]) == ("Annie", "DOC2", "female")
    again = parse_practice_text(text).practice
    assert again == export_practice(db)


def test_new_work_takes_the_patients_provider_else_the_guarantors(db):
    james = pid(db, "WILSON_J")
    services.edit_patient(db, james, {"provider": "DOC2"})
    amy = services.register_patient(db, {"last_name": "Wilson", "first_name": "Amy",
                                         "birthdate": "2015-05-05"}, guarantor=james)
    tom = services.register_patient(db, {"last_name": "Lee", "first_name": "Tom",
                                         "birthdate": "1990-05-05", "provider": "DOC1"})
    doc = {pid(db, d, "provider"): d for d in ("DOC1", "DOC2")}
    for patient, expected in ((amy, "DOC2"), (tom, "DOC1")):
        proc = services.add_procedure(db, patient, "D1110")
        assert doc[db.execute_sql("SELECT provider_id FROM procedure WHERE id = ?",
                                  (proc,)).fetchone()[0]] == expected
    refused(db, services.add_procedure,
            services.register_patient(db, {"last_name": "Ng", "birthdate": "1990-01-01"}),
            "D1110", match="name the provider")
