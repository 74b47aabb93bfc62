"""What the registration and edit forms read: a patient's record, the family they belong to,
guarantors to join, the plans a family's members subscribe to."""
from __future__ import annotations

from datetime import date

from estimator.visit_views import PATIENT_FIELDS, FamilyPlan, PatientChoice, PatientEntry

from ..connection import Database, StoreError
from ..family.ids import display_name, guarantor_of
from .patients import search_patients

_COLUMNS = [f if f != "provider" else "provider_id" for f in PATIENT_FIELDS]


def patient_entry(db: Database, patient_id: int) -> PatientEntry:
    """The patient's registration as the form shows it (provider: its database id as text)."""
    row = db.execute_sql(f"SELECT {', '.join(_COLUMNS)} FROM patient WHERE id = ?",
                         (patient_id,)).fetchone()
    if row is None:
        raise StoreError(f"there is no patient with id {patient_id}")
    values = dict(zip(PATIENT_FIELDS, row))
    values["birthdate"] = date.fromisoformat(str(values["birthdate"]))
    values["provider"] = None if values["provider"] is None else str(values["provider"])
    values["inactive"] = bool(values["inactive"])
    return PatientEntry(**values)


def family(db: Database, patient_id: int) -> tuple[int, list[tuple[int, str]]]:
    """(guarantor id, [(patient id, name)] guarantor first, then by name)."""
    head = guarantor_of(db, patient_id)
    rows = db.execute_sql("SELECT id, last_name, first_name FROM patient WHERE id = ? OR "
                          "guarantor_id = ? ORDER BY id != ?, name_lower, id",
                          (head, head, head)).fetchall()
    return head, [(i, display_name(last, first)) for i, last, first in rows]


def choice_label(p: dict) -> str:
    """"Delgado, Roberto · born 1976-08-14 · chart 1001" (a search row of `store.read.patients`)."""
    chart = p.get("chart_no") or p.get("file_id") or p["id"]
    inactive = " · inactive" if p.get("inactive") else ""
    return f"{p['name']} · born {p['birthdate']} · chart {chart}{inactive}"


def guarantors(db: Database, text: str, limit: int = 8) -> list[tuple[int, str]]:
    """Families to join for a typed name, chart number or phone: the guarantor of each patient
    found, once each, as (guarantor id, label)."""
    out: dict[int, str] = {}
    for p in search_patients(db, text, limit * 3):
        head = p["guarantor_id"] or p["id"]
        if head in out:
            continue
        if head != p["id"]:
            found = search_patients(db, str(head), 1, inactive=True)
            if not found:
                continue
            p = found[0]
        out[head] = choice_label(p)
        if len(out) >= limit:
            break
    return list(out.items())


def family_plans(db: Database, guarantor_id: int) -> list[FamilyPlan]:
    """The plans whose subscriber is in the guarantor's family (keys: plan database ids)."""
    rows = db.execute_sql(
        "SELECT pl.id, ca.name, pl.type, pl.group_number, s.last_name, s.first_name "
        "FROM plan pl JOIN carrier ca ON ca.id = pl.carrier_id JOIN patient s "
        "ON s.id = pl.subscriber_id WHERE s.id = ? OR s.guarantor_id = ? ORDER BY pl.id",
        (guarantor_id, guarantor_id)).fetchall()
    return [FamilyPlan(str(i), " · ".join(filter(None, (
        carrier, kind.replace("_", " "), group, f"subscriber {display_name(last, first)}"))))
        for i, carrier, kind, group, last, first in rows]


def duplicates(db: Database, found: list[dict]) -> list[PatientChoice]:
    return [PatientChoice(str(p["id"]), choice_label(p)) for p in found]
