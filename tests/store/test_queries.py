"""Patient search: prefixes, birthdates, ids, families, and that it stays on an index."""
from __future__ import annotations

from datetime import date

import pytest

from estimator import model as m
from store.db import StoreError
from store.files.importer import import_practice
from store.read.patients import BIRTHDATE, NAME_PREFIX, family_members, patient_sql, prefix_range, resolve_patient, search_patients

PEOPLE = [
    ("SMITH_J", "Smith, John", "1970-05-01", "SMITH_J"),
    ("SMITH_JO", "Smith, Joan", "1972-06-02", "SMITH_J"),
    ("SMITH_A", "Smith, Anna", "2005-02-03", "SMITH_J"),
    ("SMITHERS", "Smithers, Waylon", "1970-05-01", "SMITHERS"),
    ("OBRIEN", "O'Brien, Conan", "1963-04-18", "OBRIEN"),
    ("ZOE", "Zoë, Élise", "1999-12-31", "ZOE"),
]


@pytest.fixture
def people(db):
    patients = tuple(m.Patient(pid, name, date.fromisoformat(born), g)
                     for pid, name, born, g in PEOPLE)
    ids = import_practice(db, m.Practice(as_of=date(2026, 1, 1), patients=patients)).id_map
    return db, ids


def names(rows):
    return [r["name"] for r in rows]


def test_last_name_prefix_case_insensitive(people):
    db, _ = people
    assert names(search_patients(db, "smith")) == [
        "Smith, Anna", "Smith, Joan", "Smith, John", "Smithers, Waylon"]
    assert names(search_patients(db, "SMITHE")) == ["Smithers, Waylon"]
    assert names(search_patients(db, "o'b")) == ["O'Brien, Conan"]
    assert names(search_patients(db, "zoë")) == ["Zoë, Élise"]


def test_last_first_prefix(people):
    db, _ = people
    assert names(search_patients(db, "smith, jo")) == ["Smith, Joan", "Smith, John"]
    assert names(search_patients(db, "Smith,Joh")) == ["Smith, John"]
    assert names(search_patients(db, "smith, x")) == []


def test_birthdate_both_formats(people):
    db, _ = people
    assert names(search_patients(db, "1970-05-01")) == ["Smith, John", "Smithers, Waylon"]
    assert names(search_patients(db, "05/01/1970")) == ["Smith, John", "Smithers, Waylon"]


def test_database_id_and_file_id(people):
    db, ids = people
    joan = ids.db_id("patient", "SMITH_JO")
    assert names(search_patients(db, str(joan))) == ["Smith, Joan"]
    assert names(search_patients(db, "OBRIEN")) == ["O'Brien, Conan"]


def test_limit_and_blank(people):
    db, _ = people
    assert len(search_patients(db, "s", limit=2)) == 2
    assert search_patients(db, "   ") == []


def test_rows_are_plain_dicts(people):
    db, ids = people
    row = search_patients(db, "smith, john")[0]
    assert row == {"id": ids.db_id("patient", "SMITH_J"), "file_id": "SMITH_J",
                   "last_name": "Smith", "first_name": "John", "birthdate": "1970-05-01",
                   "guarantor_id": ids.db_id("patient", "SMITH_J"), "phone": None,
                   "chart_no": None, "inactive": 0, "name": "Smith, John"}


def test_resolve_patient(people):
    db, ids = people
    assert resolve_patient(db, "smith, joa") == ids.db_id("patient", "SMITH_JO")
    assert resolve_patient(db, "SMITHERS") == ids.db_id("patient", "SMITHERS")  # file id wins
    with pytest.raises(StoreError, match="matches several patients: .*Smith, Joan.*Smith, John"):
        resolve_patient(db, "smith, jo")
    with pytest.raises(StoreError, match="no patient matches 'nobody'"):
        resolve_patient(db, "nobody")


def test_family_members(people):
    db, ids = people
    family = family_members(db, ids.db_id("patient", "SMITH_A"))
    assert names(family) == ["Smith, John", "Smith, Anna", "Smith, Joan"]  # guarantor first
    assert names(family_members(db, ids.db_id("patient", "ZOE"))) == ["Zoë, Élise"]
    with pytest.raises(StoreError):
        family_members(db, 9999)


def test_prefix_range():
    assert prefix_range("smith") == ("smith", "smiti")
    assert prefix_range("smith, jo") == ("smith, jo", "smith, jp")


def _plan(db, where, params, order="p.name_lower, p.id"):
    rows = db.execute_sql("EXPLAIN QUERY PLAN " + patient_sql(where, order),
                          (*params, 50)).fetchall()
    return " | ".join(row[-1] for row in rows)


@pytest.mark.sqlite_only  # SQLite's query plan
def test_name_search_uses_the_index(people):
    db, _ = people
    plan = _plan(db, NAME_PREFIX, prefix_range("smith"), "p.name_search, p.id")
    assert "USING INDEX patient_name_search_id" in plan or "USING COVERING INDEX" in plan
    assert "SCAN p" not in plan
    assert "TEMP B-TREE" not in plan  # the index already gives name order


def test_first_names_accents_apostrophes_and_no_comma(people):
    db, _ = people
    assert names(search_patients(db, "jo")) == ["Smith, Joan", "Smith, John"]  # first names
    assert names(search_patients(db, "elise")) == ["Zoë, Élise"]
    assert names(search_patients(db, "zoe eli")) == ["Zoë, Élise"]
    assert names(search_patients(db, "obrien con")) == ["O'Brien, Conan"]
    assert names(search_patients(db, "O’BRIEN")) == ["O'Brien, Conan"]  # a typographic apostrophe
    assert names(search_patients(db, "smith joa")) == ["Smith, Joan"]
    assert names(search_patients(db, "john smi")) == ["Smith, John"]  # "first last"


def test_phone_numbers_any_formatting(db):
    from store import services
    import_practice(db, m.Practice(as_of=date(2026, 1, 1)))
    ann = services.register_patient(db, {"last_name": "Lee", "first_name": "Ann",
                                         "birthdate": "1990-01-01", "phone": "210.555.0143",
                                         "work_phone": "+1 (512) 555-0199 x12"})
    for typed in ("(210) 555-0143", "2105550143", "555-0143", "1 210 555 0143", "512-555"):
        assert [p["id"] for p in search_patients(db, typed)] == [ann], typed
    assert search_patients(db, "555-0144") == []


@pytest.mark.sqlite_only  # SQLite's query plan
def test_birthdate_search_uses_the_index(people):
    db, _ = people
    plan = _plan(db, BIRTHDATE, ("1970-05-01",))
    assert "INDEX patient_birthdate" in plan and "SCAN patient" not in plan
