"""Patient search and look-ups (plain tuples/dicts, never ORM objects).

Patient search is index-backed: a name prefix becomes the range
``name_lower >= prefix AND name_lower < prefix-with-last-char-bumped`` on the
``(name_lower, id)`` index, which SQLite can seek, unlike ``LIKE`` or
``lower(...)`` on an unindexed expression.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from ..connection import Database, StoreError
from ..family.ids import display_name, guarantor_of, name_key

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
