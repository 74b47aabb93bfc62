"""Practice-file extensions on posted rows: split patient payments (``allocations``) and who
posted what, when (``stamp``): read, checked, written canonically."""
from __future__ import annotations

import copy
import json
from datetime import datetime
from decimal import Decimal

import pytest

from estimator import model as m
from store.files.practice_file import PracticeFileError, dumps_practice, encode_json, parse_practice_text

AT = "2026-02-16T14:05:09"


def doc() -> dict:
    """PAT1 with two completed procedures, PAT2 with one; no payments yet."""
    return {"practice": {
        "as_of": "2026-03-01",
        "providers": [{"id": "DOC1", "name": "Reyes, Ana"}],
        "procedure_codes": [{"code": "D2391", "category": "restorative"}],
        "fee_schedules": [],
        "carriers": [],
        "plans": [],
        "patients": [
            {"id": "PAT1", "name": "Shaw, Megan", "birthdate": "1994-02-14", "guarantor": "PAT1",
             "coverage": []},
            {"id": "PAT2", "name": "Shaw, Tim", "birthdate": "2000-01-01", "guarantor": "PAT1",
             "coverage": []},
        ],
        "procedures": [
            {"id": f"X{n}", "patient": patient, "code": "D2391", "date": "2026-02-01",
             "fee": Decimal("150.00"), "provider": "DOC1", "status": "complete"}
            for n, patient in ((1, "PAT1"), (2, "PAT1"), (3, "PAT2"))
        ],
    }}


def with_split(amount="100.00", parts=(("X1", "60.00"), ("X2", "30.00")), **extra) -> dict:
    d = doc()
    pay = {"patient": "PAT1", "date": "2026-02-16", "amount": Decimal(amount), "method": "card",
           "allocations": [{"procedure": p, "amount": Decimal(a)} for p, a in parts]}
    pay.update(extra)
    d["practice"]["patient_payments"] = [pay]
    return d


def parse(d: dict) -> m.Practice:
    return parse_practice_text(encode_json(d)).practice


def errors_of(d: dict) -> list[tuple[str, str]]:
    with pytest.raises(PracticeFileError) as caught:
        parse_practice_text(encode_json(d))
    return caught.value.errors


# --- allocations -------------------------------------------------------------------

def test_split_payment_is_read_in_cents_and_written_back():
    p = parse(with_split())
    pay = p.patient_payments[0]
    assert pay.procedure is None
    assert pay.allocations == (m.Allocation("X1", 6000), m.Allocation("X2", 3000))
    assert pay.parts == pay.allocations  # 10.00 stays unallocated
    text = dumps_practice(p)
    written = json.loads(text)["practice"]["patient_payments"][0]
    assert written["allocations"] == [{"procedure": "X1", "amount": 60.0},
                                      {"procedure": "X2", "amount": 30.0}]
    assert '"amount": 60.00' in text
    assert parse_practice_text(text).practice == p


def test_v1_procedure_form_is_the_whole_amount_on_one_procedure():
    d = doc()
    d["practice"]["patient_payments"] = [{"patient": "PAT1", "date": "2026-02-16",
                                          "amount": Decimal("25.00"), "method": "cash",
                                          "procedure": "X2"}]
    pay = parse(d).patient_payments[0]
    assert pay.allocations == () and pay.parts == (m.Allocation("X2", 2500),)
    assert "allocations" not in dumps_practice(parse(d))


def test_a_refund_split_has_negative_parts():
    p = parse(with_split("-50.00", (("X1", "-20.00"), ("X2", "-30.00"))))
    assert sum(a.amount for a in p.patient_payments[0].allocations) == -5000


def test_a_split_may_use_the_whole_amount_and_an_empty_list_is_no_split():
    assert parse(with_split("90.00")).patient_payments[0].allocations[1].amount == 3000
    pay = parse(with_split(parts=())).patient_payments[0]
    assert pay.allocations == () and pay.parts == ()


ALLOC = "practice.patient_payments[0].allocations"


@pytest.mark.parametrize("case, path, words", [
    (with_split(procedure="X1"), ALLOC, "not both"),
    (with_split(parts=(("X1", "60.00"), ("X3", "30.00"))), f"{ALLOC}[1].procedure",
     'belongs to patient "PAT2"'),
    (with_split(parts=(("X1", "60.00"), ("X9", "30.00"))), f"{ALLOC}[1].procedure",
     'unknown procedure "X9"'),
    (with_split(parts=(("X1", "60.00"), ("X1", "30.00"))), f"{ALLOC}[1].procedure", "twice"),
    (with_split(parts=(("X1", "60.00"), ("X2", "0.00"))), f"{ALLOC}[1].amount", "more than 0"),
    (with_split(parts=(("X1", "60.00"), ("X2", "-10.00"))), f"{ALLOC}[1].amount", "more than 0"),
    (with_split("-50.00", (("X1", "-20.00"), ("X2", "5.00"))), f"{ALLOC}[1].amount", "negative"),
    (with_split(parts=(("X1", "60.00"), ("X2", "40.01"))), ALLOC, "100.01, more than"),
    (with_split(parts=(("X1", "60.005"),)), f"{ALLOC}[0].amount", "more than two decimals"),
    (with_split(allocations={"X1": 10}), ALLOC, "not a list"),
], ids=["with-procedure", "other-patient", "unknown", "twice", "zero", "wrong-sign",
        "refund-wrong-sign", "over", "three-decimals", "not-a-list"])
def test_bad_split_names_its_path(case, path, words):
    errors = errors_of(case)
    assert [p for p, _ in errors] == [path]
    assert words in errors[0][1]


def test_allocation_keys_are_checked():
    d = with_split()
    d["practice"]["patient_payments"][0]["allocations"][0]["amt"] = 1
    del d["practice"]["patient_payments"][0]["allocations"][0]["amount"]
    assert sorted(p for p, _ in errors_of(d)) == [f"{ALLOC}[0].amount", f"{ALLOC}[0].amt"]


# --- stamps ------------------------------------------------------------------------

def stamped(stamp: dict) -> dict:
    """Every kind of posted row the file carries, each with ``stamp``."""
    d = with_split(stamp=stamp)
    p = d["practice"]
    p["procedures"][0]["stamp"] = stamp
    p["fee_schedules"] = [{"id": "PPO", "kind": "allowed", "fees": {}}]
    p["carriers"] = [{"id": "DELTA", "name": "Delta"}]
    p["plans"] = [{"id": "P1", "carrier": "DELTA", "subscriber": "PAT1", "type": "ppo",
                   "fee_schedule": "PPO"}]
    p["claims"] = [{"id": "C1", "plan": "P1", "procedures": ["X1"], "status": "sent",
                    "date": "2026-02-01"}]
    p["claim_payments"] = [{"claim": "C1", "date": "2026-02-20", "stamp": stamp,
                            "lines": [{"procedure": "X1", "paid": 10, "writeoff": 0,
                                       "deductible": 0}]}]
    p["adjustments"] = [{"patient": "PAT1", "date": "2026-02-21", "amount": -5, "code": "DISC",
                         "stamp": stamp}]
    p["ledger_notes"] = [{"patient": "PAT1", "date": "2026-02-22", "text": "hi", "stamp": stamp}]
    return d


def test_stamps_on_every_posted_row_are_read_and_written():
    full = {"at": AT, "user": "maria", "workstation": "FRONT1", "location": "Main St"}
    p = parse(stamped(full))
    want = m.Stamp(datetime(2026, 2, 16, 14, 5, 9), "maria", "FRONT1", "Main St")
    rows = (p.procedures[0], p.claim_payments[0], p.patient_payments[0], p.adjustments[0],
            p.ledger_notes[0])
    assert [r.stamp for r in rows] == [want] * 5
    assert p.procedures[1].stamp is None  # not recorded
    text = dumps_practice(p)
    assert text.count(f'"at": "{AT}"') == 5
    written = json.loads(text)["practice"]["procedures"][0]
    assert list(written)[-1] == "stamp" and written["stamp"] == full
    assert parse_practice_text(text).practice == p
    assert dumps_practice(parse_practice_text(text).practice) == text  # stable


def test_stamp_workstation_and_location_are_optional():
    stamp = parse(stamped({"at": AT, "user": "bo"})).adjustments[0].stamp
    assert stamp == m.Stamp(datetime(2026, 2, 16, 14, 5, 9), "bo")
    assert '"workstation"' not in dumps_practice(parse(stamped({"at": AT, "user": "bo"})))


STAMP = "practice.adjustments[0].stamp"


@pytest.mark.parametrize("stamp, path, words", [
    ({"at": "2026-02-16 14:05:09", "user": "bo"}, f"{STAMP}.at", "YYYY-MM-DDTHH:MM:SS"),
    ({"at": "2026-02-16T14:05", "user": "bo"}, f"{STAMP}.at", "YYYY-MM-DDTHH:MM:SS"),
    ({"at": "2026-02-16T14:05:09.5", "user": "bo"}, f"{STAMP}.at", "YYYY-MM-DDTHH:MM:SS"),
    ({"at": "2026-02-16T14:05:09Z", "user": "bo"}, f"{STAMP}.at", "YYYY-MM-DDTHH:MM:SS"),
    ({"at": "2026-02-16T25:00:00", "user": "bo"}, f"{STAMP}.at", "not a real date and time"),
    ({"at": "2026-02-30T10:00:00", "user": "bo"}, f"{STAMP}.at", "not a real date and time"),
    ({"at": 20260216, "user": "bo"}, f"{STAMP}.at", "not a date and time"),
    ({"user": "bo"}, f"{STAMP}.at", "required"),
    ({"at": AT}, f"{STAMP}.user", "required"),
    ({"at": AT, "user": " "}, f"{STAMP}.user", "must not be empty"),
    ({"at": AT, "user": "bo", "workstation": 7}, f"{STAMP}.workstation", "not text"),
    ({"at": AT, "user": "bo", "locaton": "Main"}, f"{STAMP}.locaton", 'did you mean "location"'),
    ("2026-02-16T14:05:09", STAMP, "not an object"),
], ids=["space", "no-seconds", "fraction", "zone", "hour-25", "feb-30", "number", "no-at",
        "no-user", "blank-user", "workstation-number", "typo", "not-object"])
def test_bad_stamp_names_its_path(stamp, path, words):
    d = doc()
    d["practice"]["adjustments"] = [{"patient": "PAT1", "date": "2026-02-21", "amount": -5,
                                     "code": "DISC", "stamp": copy.deepcopy(stamp)}]
    errors = errors_of(d)
    assert [p for p, _ in errors] == [path]
    assert words in errors[0][1]


def test_null_stamp_is_no_stamp():
    d = doc()
    d["practice"]["procedures"][0]["stamp"] = None
    assert parse(d).procedures[0].stamp is None
