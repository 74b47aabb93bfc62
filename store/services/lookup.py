"""Reading the rows a service posts against (procedures, claims, codes, providers), and
turning the ids people type (a practice-file id, a generated id such as ``PR12``, a
claim number, or a database id) into database ids.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from ..connection import Database, bind_list, in_list
from ..family.ids import ID_KINDS
from .common import ServiceError, one


@dataclass(frozen=True)
class ProcedureRow:
    id: int
    patient_id: int
    code: str
    status: str
    date: date
    fee: int
    units: int
    file_id: str | None

    @property
    def charge(self) -> int:
        return self.fee * self.units

    @property
    def label(self) -> str:
        return self.file_id or f"{ID_KINDS['procedure'][1]}{self.id}"


@dataclass(frozen=True)
class ClaimRow:
    id: int
    patient_id: int
    plan_id: int
    status: str
    kind: str | None
    date: date
    file_id: str | None
    claim_no: str | None

    @property
    def label(self) -> str:
        return self.file_id or self.claim_no or f"{ID_KINDS['claim'][1]}{self.id}"


_PROC = ("SELECT p.id, p.patient_id, c.code, p.status, p.date, p.fee_cents, p.units, p.file_id "
         "FROM procedure p JOIN procedure_code c ON c.id = p.code_id WHERE p.id = ?")
_CLAIM = ("SELECT id, patient_id, plan_id, status, kind, date, file_id, claim_no "
          "FROM claim WHERE id = ?")
_PROCS = _PROC.replace("WHERE p.id = ?", f"WHERE p.id {in_list('?')}")
_CLAIMS = _CLAIM.replace("WHERE id = ?", f"WHERE id {in_list('?')}")


def procedure(db: Database, procedure_id: int, *, live: bool = True) -> ProcedureRow:
    """The procedure; refuses a missing one (and a deleted one when ``live``)."""
    row = one(db, _PROC, (procedure_id,))
    if row is None:
        raise ServiceError(f"there is no procedure with id {procedure_id}")
    proc = ProcedureRow(*row[:4], date.fromisoformat(row[4]), *row[5:])
    if live and proc.status == "deleted":
        raise ServiceError(f"procedure {proc.label} was deleted")
    return proc


def procedures(db: Database, procedure_ids: Iterable[int]) -> dict[int, ProcedureRow]:
    """The procedures found of these ids, by id, in one query (deleted ones included: check
    each with `procedure_of`)."""
    ids = sorted({p for p in procedure_ids if isinstance(p, int) and not isinstance(p, bool)})
    rows = db.execute_sql(_PROCS, (bind_list(ids),)).fetchall() if ids else []
    return {row[0]: ProcedureRow(*row[:4], date.fromisoformat(row[4]), *row[5:]) for row in rows}


def procedure_of(db: Database, found: Mapping[int, ProcedureRow], procedure_id: int, *,
                 live: bool = True) -> ProcedureRow:
    """`procedure`, from the rows ``found`` by `procedures` (read here when not among them):
    the same row, the same refusals."""
    proc = found.get(procedure_id) if isinstance(procedure_id, int) else None
    if proc is None:
        return procedure(db, procedure_id, live=live)
    if live and proc.status == "deleted":
        raise ServiceError(f"procedure {proc.label} was deleted")
    return proc


def patients_procedure(db: Database, procedure_id: int, patient_id: int) -> ProcedureRow:
    """A live procedure of this patient (postings never cross to another patient's work)."""
    proc = procedure(db, procedure_id)
    if proc.patient_id != patient_id:
        raise ServiceError(f"procedure {proc.label} belongs to another patient")
    return proc


def claim(db: Database, claim_id: int) -> ClaimRow:
    row = one(db, _CLAIM, (claim_id,))
    if row is None:
        raise ServiceError(f"there is no claim with id {claim_id}")
    return ClaimRow(*row[:5], date.fromisoformat(row[5]), *row[6:])


def claims(db: Database, claim_ids: Iterable[int]) -> dict[int, ClaimRow]:
    """The claims found of these ids, by id, in one query (`claim_of` refuses a missing one)."""
    ids = sorted({c for c in claim_ids if isinstance(c, int) and not isinstance(c, bool)})
    rows = db.execute_sql(_CLAIMS, (bind_list(ids),)).fetchall() if ids else []
    return {row[0]: ClaimRow(*row[:5], date.fromisoformat(row[5]), *row[6:]) for row in rows}


def claim_of(db: Database, found: Mapping[int, ClaimRow], claim_id: int) -> ClaimRow:
    """`claim`, from the rows ``found`` by `claims` (read here when not among them)."""
    row = found.get(claim_id) if isinstance(claim_id, int) else None
    return row if row is not None else claim(db, claim_id)


def procedure_code(db: Database, code: str) -> tuple[int, str]:
    """(id, code) of a procedure code."""
    code = (code or "").strip()
    row = one(db, "SELECT id, code FROM procedure_code WHERE code = ?", (code,))
    if row is None:  # "d2392" typed at a prompt: the one code that differs only in case
        found = db.execute_sql("SELECT id, code FROM procedure_code WHERE upper(code) = "
                               "upper(?) LIMIT 2", (code,)).fetchall()
        row = found[0] if len(found) == 1 else None
    if row is None:
        raise ServiceError(f"there is no procedure code {code!r}")
    return row[0], row[1]


def provider_id(db: Database, provider: int | str | None, patient_id: int) -> int:
    """The provider named (database id or practice-file id); else the patient's own provider
    (registration), else their guarantor's, else the only provider, else the provider of the
    patient's latest procedure."""
    if provider is not None:
        row = one(db, "SELECT id FROM provider WHERE file_id = ?", (str(provider),))
        if row is None and re.fullmatch(r"\d{1,18}", str(provider)):
            row = one(db, "SELECT id FROM provider WHERE id = ?", (int(provider),))
        if row is None:
            raise ServiceError(f"there is no provider {provider!r}")
        return row[0]
    own = one(db, "SELECT coalesce(p.provider_id, g.provider_id) FROM patient p LEFT JOIN "
                  "patient g ON g.id = p.guarantor_id WHERE p.id = ?", (patient_id,))
    if own and own[0] is not None:
        return own[0]
    everyone = db.execute_sql("SELECT id FROM provider LIMIT 2").fetchall()
    if len(everyone) == 1:
        return everyone[0][0]
    row = one(db, "SELECT provider_id FROM procedure WHERE patient_id = ? AND status != 'deleted' "
                  "ORDER BY date DESC, id DESC LIMIT 1", (patient_id,))
    if row is None:
        raise ServiceError("name the provider: the practice has several and this patient has "
                           "no earlier work to take one from")
    return row[0]


# --- ids people type ----------------------------------------------------------

def resolve_procedure(db: Database, text: str) -> int:
    """A procedure's database id from its file id, generated id (``PR12``) or database id."""
    return _resolve(db, "procedure", text)


def resolve_claim(db: Database, text: str) -> int:
    """A claim's database id from its file id, claim number, generated id or database id."""
    text = str(text).strip()
    row = one(db, "SELECT id FROM claim WHERE file_id = ?", (text,)) or \
        one(db, "SELECT id FROM claim WHERE claim_no = ?", (text,))
    return row[0] if row else _resolve(db, "claim", text)


def resolve_plan(db: Database, text: str) -> int:
    """A plan's database id from its file id, generated id (``PL3``) or database id."""
    return _resolve(db, "plan", text)


def _resolve(db: Database, kind: str, text: str) -> int:
    table, prefix = ID_KINDS[kind]
    text = str(text).strip()
    row = one(db, f'SELECT id FROM "{table}" WHERE file_id = ?', (text,))
    if row:
        return row[0]
    match = re.fullmatch(rf"(?:{prefix})?(\d{{1,18}})", text)
    if match:
        # the generated form names only rows that have no file id of their own
        only_new = "" if text.isdigit() else " AND file_id IS NULL"
        row = one(db, f'SELECT id FROM "{table}" WHERE id = ?{only_new}', (int(match[1]),))
        if row:
            return row[0]
    raise ServiceError(f"there is no {kind} {text!r}")
