"""Balances read back after a posting, with the pure ledger arithmetic over one family.

``estimator.ledger`` defines every balance; this module only loads the family and its
stored claim procedures and maps ids. What earlier payments already put on a procedure
is summed straight from the allocation rows (`open_procedures`).
"""
from __future__ import annotations

from dataclasses import dataclass

from estimator import ledger
from estimator.ledger_types import Balance
from estimator.model import Practice

from ..connection import Database
from ..family.ids import IdMap, family_patient_ids, guarantor_of
from ..family.loader import family_id_map, load_family, load_line_estimates


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


# --- what a posting shows -------------------------------------------------------

def _label(file_id: str | None, kind: str, db_id: int) -> str:
    return file_id or IdMap.generated(kind, db_id)


def patient_info(db: Database, patient_id: int) -> dict:
    file_id, last, first = db.execute_sql(
        "SELECT file_id, last_name, first_name FROM patient WHERE id = ?", (patient_id,)).fetchone()
    return {"id": _label(file_id, "patient", patient_id), "db_id": patient_id,
            "name": f"{last}, {first}" if first else last}


def procedure_info(db: Database, procedure_id: int) -> dict:
    """A procedure as posted (money in cents)."""
    row = db.execute_sql(
        "SELECT p.file_id, p.patient_id, c.code, p.tooth, p.surface, p.fee_cents, p.units, "
        "p.status, p.date, p.completed FROM procedure p JOIN procedure_code c ON c.id = p.code_id "
        "WHERE p.id = ?", (procedure_id,)).fetchone()
    keys = ("patient_id", "code", "tooth", "surface", "fee", "units", "status", "date", "completed")
    return {"id": _label(row[0], "procedure", procedure_id), "db_id": procedure_id,
            **dict(zip(keys, row[1:]))}


def claim_info(db: Database, claim_id: int) -> dict:
    """A claim: its id, number, plan, coverage order, kind, status and procedures."""
    row = db.execute_sql(
        "SELECT c.file_id, c.claim_no, c.plan_id, pl.file_id, c.patient_id, c.status, c.kind, "
        "c.date, c.sent_date, coalesce((SELECT coverage_order FROM patient_coverage pc "
        "WHERE pc.patient_id = c.patient_id AND pc.plan_id = c.plan_id), 0) "
        "FROM claim c JOIN plan pl ON pl.id = c.plan_id WHERE c.id = ?", (claim_id,)).fetchone()
    procs = [_label(f, "procedure", i) for i, f in db.execute_sql(
        "SELECT p.id, p.file_id FROM claim_proc cp JOIN procedure p ON p.id = cp.procedure_id "
        "WHERE cp.claim_id = ? OR cp.preauth_id = ? ORDER BY coalesce(cp.claim_seq, cp.preauth_seq),"
        " cp.id", (claim_id, claim_id))]
    return {"id": _label(row[0], "claim", claim_id), "db_id": claim_id, "claim_no": row[1],
            "plan": _label(row[3], "plan", row[2]), "patient_id": row[4], "order": row[9],
            "kind": row[6], "status": row[5], "date": row[7], "sent_date": row[8],
            "procedures": procs}


def claim_lines(db: Database, claim_id: int) -> list[dict]:
    """The claim's lines: estimate, write-off estimate and actual sums (cents)."""
    rows = db.execute_sql(
        "SELECT p.id, p.file_id, cp.status, cp.ins_est_cents, cp.writeoff_est_cents, "
        "cp.paid_cents, cp.writeoff_cents, cp.deductible_applied_cents FROM claim_proc cp "
        "JOIN procedure p ON p.id = cp.procedure_id WHERE cp.claim_id = ? "
        "ORDER BY cp.claim_seq, cp.id", (claim_id,)).fetchall()
    keys = ("status", "ins_est", "writeoff_est", "paid", "writeoff", "deductible")
    return [{"procedure": _label(f, "procedure", i), **dict(zip(keys, rest))}
            for i, f, *rest in rows]


def payment_info(db: Database, payment_id: int) -> dict:
    patient, amount, note = db.execute_sql(
        "SELECT patient_id, amount_cents, note FROM patient_payment WHERE id = ?",
        (payment_id,)).fetchone()
    return {"id": payment_id, "patient_id": patient, "amount": amount, "note": note}


def adjustment_info(db: Database, adjustment_id: int) -> dict:
    patient, amount, code, reverses = db.execute_sql(
        "SELECT a.patient_id, a.amount_cents, c.code, a.reverses_id FROM adjustment a "
        "JOIN adjustment_code c ON c.id = a.code_id WHERE a.id = ?", (adjustment_id,)).fetchone()
    return {"id": adjustment_id, "patient_id": patient, "amount": amount, "code": code,
            "reverses": reverses}


def note_info(db: Database, note_id: int) -> dict:
    day, text = db.execute_sql("SELECT date, text FROM ledger_note WHERE id = ?",
                               (note_id,)).fetchone()
    return {"id": note_id, "date": str(day), "text": text}


def appointment_info(db: Database, appointment_id: int) -> dict:
    day, status = db.execute_sql("SELECT date, status FROM appointment WHERE id = ?",
                                 (appointment_id,)).fetchone()
    return {"id": appointment_id, "date": str(day), "status": status}
