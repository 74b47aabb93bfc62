"""Balances read back after a posting, with the pure ledger arithmetic over one family.

``estimator.ledger`` defines every balance; this module only loads the family and its
stored claim procedures and maps ids. Patient payments split over several procedures
are counted here from their allocation rows (the practice model carries one procedure
per payment).
"""
from __future__ import annotations

from dataclasses import dataclass

from estimator import ledger
from estimator.ledger_types import Balance
from estimator.model import Practice

from ..db import Database
from ..exporter import family_id_map, load_family, load_line_estimates
from ..queries import IdMap, family_patient_ids, guarantor_of


@dataclass(frozen=True)
class Family:
    practice: Practice
    estimates: dict
    ids: IdMap


def load(db: Database, patient_id: int) -> Family:
    guarantor = guarantor_of(db, patient_id)
    practice = load_family(db, guarantor)
    ids = family_id_map(db, family_patient_ids(db, guarantor))
    return Family(practice, load_line_estimates(db, practice, ids=ids), ids)


def patient_balance(db: Database, patient_id: int) -> Balance:
    """One patient's balance: total, insurance estimate and patient estimate (cents)."""
    family = load(db, patient_id)
    pid = family.ids.practice_id("patient", patient_id)
    return ledger.balances(family.practice, family.estimates).get(pid, Balance(0, 0, 0))


def open_procedures(db: Database, patient_id: int) -> list[tuple[int, int]]:
    """(procedure id, remaining patient balance) of completed work still owing, oldest first:
    the patient portion less what patient payments already allocated to it."""
    family = load(db, patient_id)
    pid = family.ids.practice_id("patient", patient_id)
    allocated = dict(db.execute_sql(
        "SELECT a.procedure_id, sum(a.amount_cents) FROM payment_allocation a "
        "JOIN procedure p ON p.id = a.procedure_id WHERE p.patient_id = ? "
        "GROUP BY a.procedure_id", (patient_id,)).fetchall())
    mine = sorted((p for p in family.practice.procedures
                   if p.patient == pid and p.status == "complete"),
                  key=lambda p: (p.date, family.ids.db_id("procedure", p.id)))
    out = []
    for proc in mine:
        db_id = family.ids.db_id("procedure", proc.id)
        left = ledger.patient_portion(family.practice, family.estimates, proc.id) \
            - allocated.get(db_id, 0)
        if left > 0:
            out.append((db_id, left))
    return out
