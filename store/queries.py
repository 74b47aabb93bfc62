"""Read-side queries (plain tuples/dicts, never ORM objects) and the id map.

Patient search is index-backed: a name prefix becomes the range
``name_lower >= prefix AND name_lower < prefix-with-last-char-bumped`` on the
``(name_lower, id)`` index, which SQLite can seek, unlike ``LIKE`` or
``lower(...)`` on an unindexed expression.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from .db import Database, StoreError

# Entities whose Practice id is a file id or a generated one: kind -> (table, prefix).
ID_KINDS = {
    "provider": ("provider", "DR"), "fee_schedule": ("fee_schedule", "FS"),
    "carrier": ("carrier", "CA"), "plan": ("plan", "PL"), "patient": ("patient", "PT"),
    "procedure": ("procedure", "PR"), "claim": ("claim", "CL"),
}


@dataclass
class IdMap:
    """Practice ids (the strings in `estimator.model`) <-> database ids, per kind."""
    to_db: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    to_practice: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, kind: str, practice_id: str, db_id: int) -> None:
        self.to_db[kind][practice_id] = db_id
        self.to_practice[kind][db_id] = practice_id

    def db_id(self, kind: str, practice_id: str) -> int:
        try:
            return self.to_db[kind][practice_id]
        except KeyError:
            raise StoreError(f"unknown {kind.replace('_', ' ')} {practice_id!r}") from None

    def practice_id(self, kind: str, db_id: int) -> str:
        try:
            return self.to_practice[kind][db_id]
        except KeyError:
            raise StoreError(f"no {kind.replace('_', ' ')} with database id {db_id}") from None

    @staticmethod
    def generated(kind: str, db_id: int) -> str:
        """Id of a row entered in the app (no file id): ``PT12`` is patient 12."""
        return f"{ID_KINDS[kind][1]}{db_id}"


def load_id_map(db: Database, kinds=tuple(ID_KINDS), where: dict[str, str] | None = None,
                params: dict | tuple = ()) -> IdMap:
    """Ids of every row of the given kinds (``where``: optional SQL filter per kind, with
    its named ``params``)."""
    ids = IdMap()
    for kind in kinds:
        table = ID_KINDS[kind][0]
        clause = (where or {}).get(kind)
        sql = f'SELECT id, file_id FROM "{table}"' + (f" WHERE {clause}" if clause else "")
        pairs = db.execute_sql(sql, params if clause else ()).fetchall()
        unnamed = [db_id for db_id, file_id in pairs if file_id is None]
        generated = _generated_ids(db, kind, unnamed) if unnamed else {}
        for db_id, file_id in pairs:
            ids.add(kind, file_id if file_id is not None else generated[db_id], db_id)
    return ids


LOOKUP_LIMIT = 500  # more ids to name than this: read the table's file ids once instead


def _generated_ids(db: Database, kind: str, db_ids: list[int]) -> dict[int, str]:
    """``PT12`` for patient 12 entered in the app, with a ``~`` added while a file id is
    the same (generated ids must not collide with any file id). A few ids (a family's)
    look up just their candidates by the file-id index; many (a whole practice) read the
    table's file ids once."""
    table = ID_KINDS[kind][0]
    names = {db_id: IdMap.generated(kind, db_id) for db_id in db_ids}
    if len(names) > LOOKUP_LIMIT:
        taken = {f for (f,) in db.execute_sql(
            f'SELECT file_id FROM "{table}" WHERE file_id IS NOT NULL')}
        return {db_id: _free(name, taken) for db_id, name in names.items()}
    pending = dict(names)
    while pending:
        marks = ",".join("?" * len(pending))
        taken = {f for (f,) in db.execute_sql(
            f'SELECT file_id FROM "{table}" WHERE file_id IN ({marks})', tuple(pending.values()))}
        pending = {i: name + "~" for i, name in pending.items() if name in taken}
        names.update(pending)
    return names


def _free(name: str, taken: set[str]) -> str:
    while name in taken:  # a file happened to use the same id
        name += "~"
    return name


# --- patients ----------------------------------------------------------------

PATIENT_COLUMNS = ("id", "file_id", "last_name", "first_name", "birthdate", "guarantor_id", "phone")
_SELECT_PATIENT = "SELECT " + ", ".join(PATIENT_COLUMNS) + " FROM patient "


def patient_sql(where: str) -> str:
    """The patient list query for a WHERE clause (parameters, then the limit)."""
    return _SELECT_PATIENT + where + " ORDER BY name_lower, id LIMIT ?"


NAME_PREFIX = "WHERE name_lower >= ? AND name_lower < ?"
BIRTHDATE = "WHERE birthdate = ?"


def _patients(db: Database, where: str, params=(), limit: int = 50) -> list[dict]:
    sql = patient_sql(where)
    out = []
    for row in db.execute_sql(sql, (*params, limit)):
        item = dict(zip(PATIENT_COLUMNS, row))
        item["name"] = display_name(item["last_name"], item["first_name"])
        out.append(item)
    return out


def first_patients(db: Database, limit: int = 50) -> list[dict]:
    """The first patients by name (an empty search box): one index walk, no sort."""
    return _patients(db, "", (), limit)


def display_name(last: str, first: str) -> str:
    """``"Last, First"`` (just ``Last`` when there is no first name)."""
    return f"{last}, {first}" if first else last


def name_key(text: str) -> str:
    """Normalised lowercase ``"last, first"`` used for ``name_lower`` and prefix search."""
    last, comma, first = text.partition(",")
    last, first = " ".join(last.split()), " ".join(first.split())
    return (f"{last}, {first}" if comma else last).lower()


def prefix_range(prefix: str) -> tuple[str, str]:
    """``[low, high)`` bounds of every string starting with ``prefix`` (BINARY order)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def parse_birthdate(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


def search_patients(db: Database, text: str, limit: int = 50) -> list[dict]:
    """Patients matching ``text``: a database id or file id, a birthdate
    (YYYY-MM-DD or MM/DD/YYYY), a last-name prefix or a ``"last, first"`` prefix
    (case-insensitive). Exact id matches come first, then by name."""
    text = text.strip()
    if not text:
        return []
    found = _by_id(db, text)
    born = parse_birthdate(text)
    if born is not None:
        found += _patients(db, BIRTHDATE, (born.isoformat(),), limit)
    elif not re.fullmatch(r"\d+", text):
        low, high = prefix_range(name_key(text))
        found += _patients(db, NAME_PREFIX, (low, high), limit)
    seen: set[int] = set()
    unique = [p for p in found if not (p["id"] in seen or seen.add(p["id"]))]
    return unique[:limit]


def _by_id(db: Database, text: str) -> list[dict]:
    found = _patients(db, "WHERE file_id = ?", (text,), 1)
    if re.fullmatch(r"\d{1,18}", text):
        found += _patients(db, "WHERE id = ?", (int(text),), 1)
    return found


def resolve_patient(db: Database, text: str) -> int:
    """The one patient ``text`` names; `StoreError` (listing candidates) otherwise."""
    exact = _by_id(db, text.strip())
    if exact:
        return exact[0]["id"]
    matches = search_patients(db, text, limit=11)
    if len(matches) == 1:
        return matches[0]["id"]
    if not matches:
        raise StoreError(f"no patient matches {text!r}")
    shown = "; ".join(f"{p['file_id'] or p['id']} {p['name']} {p['birthdate']}" for p in matches[:10])
    more = " ..." if len(matches) > 10 else ""
    raise StoreError(f"{text!r} matches several patients: {shown}{more}")


def family_patient_ids(db: Database, guarantor_id: int) -> list[int]:
    """The guarantor and every patient whose guarantor they are, by id."""
    cursor = db.execute_sql("SELECT id FROM patient WHERE id = ? OR guarantor_id = ? ORDER BY id",
                            (guarantor_id, guarantor_id))
    return [pid for (pid,) in cursor]


def guarantor_of(db: Database, patient_id: int) -> int:
    row = db.execute_sql("SELECT coalesce(guarantor_id, id) FROM patient WHERE id = ?",
                         (patient_id,)).fetchone()
    if row is None:
        raise StoreError(f"no patient with database id {patient_id}")
    return row[0]


def family_members(db: Database, patient_id: int) -> list[dict]:
    """Everyone in ``patient_id``'s family (same guarantor), guarantor first."""
    guarantor = guarantor_of(db, patient_id)
    sql = (_SELECT_PATIENT + "WHERE id = ? OR guarantor_id = ? "
           "ORDER BY id != ?, name_lower, id")
    out = []
    for row in db.execute_sql(sql, (guarantor, guarantor, guarantor)):
        item = dict(zip(PATIENT_COLUMNS, row))
        item["name"] = display_name(item["last_name"], item["first_name"])
        out.append(item)
    return out


def has_practice(db: Database) -> bool:
    """True when any practice data (patients, plans, codes, ...) is stored."""
    tables = ("patient", "provider", "procedure_code", "fee_schedule", "carrier", "plan")
    return any(db.execute_sql(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)
