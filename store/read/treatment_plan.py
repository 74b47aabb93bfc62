"""A patient's treatment plan as stored: the family read by the one loader with its stored
estimates (what the last posting's re-estimation wrote, the card's numbers), handed to the
pure `estimator.treatment_plan.build_treatment_plan`."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from estimator.statement_types import Party
from estimator.treatment_plan import build_treatment_plan
from estimator.visit_views import TreatmentPlan

from ..connection import Database
from ..family.ids import family_patient_ids, guarantor_of
from ..family.loader import family_id_map, load_stored_estimates, read_practice


def treatment_plan(db: Database, patient_id: int, today: date) -> TreatmentPlan:
    """The plan of ``patient_id`` as of ``today`` (planned work is estimated as of the last
    posting's day; every posting re-estimates its family). Keys are procedure database ids."""
    members = family_patient_ids(db, guarantor_of(db, patient_id))
    ids = family_id_map(db, members)
    practice = replace(read_practice(db, ids, members, for_estimates=True), as_of=today)
    stored, _ = load_stored_estimates(db, members, ids)
    keys = {pid: str(db_id) for pid, db_id in ids.to_db["procedure"].items()}
    names = {ids.practice_id("provider", i): n
             for i, n in db.execute_sql("SELECT id, name FROM provider")}
    return build_treatment_plan(practice, stored, ids.practice_id("patient", patient_id),
                                keys=keys, provider_names=names)


# The office as printed documents show it: the settings the statements use (``office.*``).
OFFICE_KEYS = ("office.name", "office.address", "office.phone")


def office_party(db: Database) -> Party:
    """The practice's name, address lines and phone (empty when none are on file)."""
    values = dict(db.execute_sql("SELECT key, value FROM setting WHERE key IN (?, ?, ?)",
                                 OFFICE_KEYS).fetchall())
    address = tuple(line for line in (values.get("office.address") or "").split("\n") if line)
    return Party(values.get("office.name") or "", address, values.get("office.phone") or "")
