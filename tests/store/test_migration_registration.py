"""Schema version 6 (patient registration): a database of the previous version migrates to the
same columns and indexes a new database has, with Find patient's keys filled from the names and
phones already stored; the registration's practice-file keys are checked on import."""
from __future__ import annotations

import json

import pytest

from store.db import open_database
from store.db.migrations import add_patient_registration, version_before
from store.files.practice_file import PracticeFileError, parse_practice_text
from store.read.patients import search_patients


V5_PATIENT = (
    'CREATE TABLE "patient" ("id" INTEGER NOT NULL PRIMARY KEY, "file_id" TEXT, "last_name" TEXT '
    'NOT NULL, "first_name" TEXT NOT NULL DEFAULT \'\', "name_lower" TEXT NOT NULL, "first_lower" '
    'TEXT NOT NULL DEFAULT \'\', "birthdate" DATE NOT NULL, "guarantor_id" INTEGER, "phone" TEXT, '
    'FOREIGN KEY ("guarantor_id") REFERENCES "patient" ("id"))')
V5_INDEXES = (
    'CREATE UNIQUE INDEX "patient_file_id" ON "patient" ("file_id")',
    'CREATE INDEX "patient_birthdate" ON "patient" ("birthdate")',
    'CREATE INDEX "patient_guarantor_id" ON "patient" ("guarantor_id")',
    'CREATE INDEX "patient_name_lower_id" ON "patient" ("name_lower", "id")',
    'CREATE INDEX "patient_first_lower_id" ON "patient" ("first_lower", "id")',
)


def _schema(db) -> tuple:
    columns = {t: [r[1] for r in db.execute_sql(f'PRAGMA table_info("{t}")')]
               for t in ("patient", "patient_coverage", "patient_phone")}
    indexes = sorted(r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
        "('patient', 'patient_phone') AND name NOT LIKE 'sqlite_%'"))
    return {t: sorted(c) for t, c in columns.items()}, indexes


@pytest.mark.sqlite_only  # PRAGMA table_info, sqlite_master: a version-5 SQLite file
def test_a_version_5_database_migrates(tmp_path):
    db = open_database(str(tmp_path / "old.db"))
    expected = _schema(db)
    db.execute_sql("DROP TABLE patient_phone")
    db.execute_sql("DROP TABLE patient")  # empty: rebuilt as version 5 had it
    db.execute_sql(V5_PATIENT)
    for sql in V5_INDEXES:
        db.execute_sql(sql)
    db.execute_sql('ALTER TABLE patient_coverage DROP COLUMN "relationship"')
    db.execute_sql("INSERT INTO patient (id, last_name, first_name, name_lower, birthdate, phone) "
                   "VALUES (7, 'O''Brien', 'Zoë', 'o''brien, zoë', '1980-01-01', '(212) 555-0187')")
    db.pragma("user_version", version_before(add_patient_registration))
    db.close()
    db = open_database(str(tmp_path / "old.db"))  # opening migrates
    assert _schema(db) == expected
    assert db.execute_sql("SELECT name_search, first_search, inactive, chart_no FROM patient"
                          ).fetchone() == ("obrien zoe", "zoe obrien", 0, None)
    for typed in ("obrien", "zoe", "o'brien zo", "555-0187", "2125550187"):
        assert [p["id"] for p in search_patients(db, typed)] == [7], typed
    add_patient_registration(db)  # safe to run again (a later migration test re-runs it)
    db.close()


def _file(patient_extra: dict, coverage_extra: dict | None = None) -> str:
    patient = {"id": "P1", "name": "Lee, Ann", "birthdate": "1990-01-01", "guarantor": "P1",
               "coverage": [], **patient_extra}
    if coverage_extra is not None:
        patient["coverage"] = [{"plan": "PL1", "order": 1, **coverage_extra}]
    return json.dumps({"practice": {
        "as_of": "2026-01-01", "carriers": [{"id": "C", "name": "Carrier"}],
        "plans": [{"id": "PL1", "carrier": "C", "subscriber": "P1", "type": "percentage"}],
        "providers": [{"id": "DR1", "name": "Doc"}],
        "patients": [patient, {**patient, "id": "P2", "guarantor": "P2", "coverage": []}]}})


@pytest.mark.parametrize("extra, coverage, message", [
    ({"gender": "f"}, None, "patients[0].gender"),
    ({"address": {"street": "1 Main"}}, None, "patients[0].address.street"),
    ({"phones": {"home": 5551234}}, None, "patients[0].phones.home"),
    ({"provider": "DR9"}, None, "unknown provider"),
    ({"inactive": "yes"}, None, "patients[0].inactive"),
    ({"chart_no": "77"}, None, 'chart number "77" is used by another patient'),
    ({}, {"relationship": "cousin"}, "patients[0].coverage[0].relationship"),
])
def test_registration_keys_are_checked(extra, coverage, message):
    with pytest.raises(PracticeFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_practice_text(_file(extra, coverage))


def test_registration_keys_read():
    practice = parse_practice_text(_file({"gender": "female", "phones": {"mobile": "555 0101"},
                                          "provider": "DR1"}, {"relationship": "self"})).practice
    first = practice.patients[0]
    assert (first.gender, first.phones.mobile, first.provider) == ("female", "555 0101", "DR1")
    assert first.coverage[0].relationship == "self"
