"""Patient search and look-ups (plain tuples/dicts, never ORM objects).

Patient search is index-backed: a name prefix becomes the range
``name_search >= key AND name_search < key-with-last-char-bumped`` on the
``(name_search, id)`` index (``first_search`` for first names, ``patient_phone.digits`` for
phone numbers), which SQLite can seek, unlike ``LIKE`` or ``lower(...)`` on an unindexed
expression. The keys are folded in Python (`store.family.ids.search_key`: no case, accents or
apostrophes) when a patient is written, so the query compares plain text.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from ..connection import Database, StoreError
from ..family.ids import PHONE_MIN_DIGITS, display_name, guarantor_of, phone_digits, search_key

PATIENT_COLUMNS = ("id", "file_id", "last_name", "first_name", "birthdate", "guarantor_id", "phone",
                   "chart_no", "inactive")
_SELECT_PATIENT = "SELECT " + ", ".join(f"p.{c}" for c in PATIENT_COLUMNS) + " FROM patient p "


def patient_sql(where: str, order: str | None = "p.name_lower, p.id") -> str:
    """The patient list query for a WHERE clause (parameters, then the limit); ``order``
    None: an exact look-up of a row or two, in no order."""
    return _SELECT_PATIENT + where + (f" ORDER BY {order}" if order else "") + " LIMIT ?"


# The searches (`search_queries`): each an index range or an exact look-up, in list order.
NAME_PREFIX = "WHERE p.name_search >= ? AND p.name_search < ?"
FIRST_PREFIX = "WHERE p.first_search >= ? AND p.first_search < ?"
BIRTHDATE = "WHERE p.birthdate = ?"
PHONE_PREFIX = ("JOIN patient_phone ph ON ph.patient_id = p.id "
                "WHERE ph.digits >= ? AND ph.digits < ?")
ACTIVE = " AND NOT p.inactive"
EXACT = "WHERE (p.file_id = ?1 OR p.chart_no = ?1)"  # two unique indexes, one statement
GENERATED = "WHERE p.id = ? AND p.file_id IS NULL"  # ``PT12``: a patient without a file id
_GENERATED = re.compile(r"PT(\d{1,18})~*")
_PHONE_TEXT = re.compile(r"[\d\s().+-]+")


def _patients(db: Database, sql: str, params=()) -> list[dict]:
    out = []
    for row in db.execute_sql(sql, params):
        item = dict(zip(PATIENT_COLUMNS, row))
        item["name"] = display_name(item["last_name"], item["first_name"])
        out.append(item)
    return out


def first_patients(db: Database, limit: int = 50, *, inactive: bool = False) -> list[dict]:
    """The first patients by name (an empty search box): one index walk, no sort."""
    where = "" if inactive else "WHERE NOT p.inactive"
    return _patients(db, patient_sql(where), (limit,))


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


def search_queries(text: str, limit: int = 50, *,
                   inactive: bool = False) -> list[tuple[str, tuple]]:
    """The statements a search for ``text`` runs, in the order their rows are listed (each
    an exact look-up or an index range, at most ``limit`` rows): the file id or chart number
    (one statement), the database id; then a birthdate (YYYY-MM-DD or MM/DD/YYYY), or a phone
    number (digits, any formatting), or a name: the last name or "last first" (with or
    without the comma), then the first name or "first last". Names match without case,
    accents or apostrophes (`search_key`). Inactive patients only when ``inactive``."""
    text = text.strip()
    if not text:
        return []
    active = "" if inactive else ACTIVE
    out = [(patient_sql(EXACT + active, None), (text, 2))]
    if re.fullmatch(r"\d{1,18}", text):
        out.append((patient_sql("WHERE p.id = ?" + active), (int(text), 1)))
    elif generated := _GENERATED.fullmatch(text):
        out.append((patient_sql(GENERATED + active), (int(generated[1]), 1)))
    born = parse_birthdate(text)
    digits = phone_digits(text)
    if born is not None:
        out.append((patient_sql(BIRTHDATE + active), (born.isoformat(), limit)))
    elif _PHONE_TEXT.fullmatch(text) and len(digits) >= PHONE_MIN_DIGITS:
        out.append((patient_sql(PHONE_PREFIX + active, "ph.digits, ph.patient_id"),
                    (*prefix_range(digits), limit)))
    elif not text.isdigit() and (key := search_key(text)):
        out.append((patient_sql(NAME_PREFIX + active, "p.name_search, p.id"),
                    (*prefix_range(key), limit)))
        if "," not in text:  # "last, first" names the last name first
            out.append((patient_sql(FIRST_PREFIX + active, "p.first_search, p.id"),
                        (*prefix_range(key), limit)))
    return out


def search_patients(db: Database, text: str, limit: int = 50, *,
                    inactive: bool = False) -> list[dict]:
    """Patients matching ``text`` (see `search_queries`): exact id matches first, then by
    name; each patient once. Stops reading once ``limit`` patients are found."""
    found: dict[int, dict] = {}
    for sql, params in search_queries(text, limit, inactive=inactive):
        for item in _patients(db, sql, params):
            found.setdefault(item["id"], item)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


def _by_id(db: Database, text: str) -> list[dict]:
    """The patient ``text`` names exactly (file id, chart number, database id or the generated
    id of a patient without a file id, ``PT12``), inactive too."""
    found = [] if not text else _patients(db, patient_sql("WHERE p.file_id = ?"), (text, 1))
    found += _patients(db, patient_sql("WHERE p.chart_no = ?"), (text, 1)) if text else []
    if re.fullmatch(r"\d{1,18}", text):
        found += _patients(db, patient_sql("WHERE p.id = ?"), (int(text), 1))
    elif generated := _GENERATED.fullmatch(text):
        found += _patients(db, patient_sql(GENERATED), (int(generated[1]), 1))
    return found


def patient_id_of(db: Database, key: str) -> int | None:
    """The database id of a patient named as the screens name them: file id, database id or a
    generated id (``PT12``); None when there is none."""
    key = str(key).strip()
    row = db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (key,)).fetchone()
    if row is None and re.fullmatch(r"\d{1,18}", key):
        row = db.execute_sql("SELECT id FROM patient WHERE id = ?", (int(key),)).fetchone()
    if row is None and (generated := _GENERATED.fullmatch(key)):
        row = db.execute_sql("SELECT id FROM patient WHERE id = ? AND file_id IS NULL",
                             (int(generated[1]),)).fetchone()
    return None if row is None else row[0]


def resolve_patient(db: Database, text: str) -> int:
    """The one patient ``text`` names; `StoreError` (listing candidates) otherwise."""
    exact = _by_id(db, text.strip())
    if exact:
        return exact[0]["id"]
    matches = search_patients(db, text, limit=11, inactive=True)
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
    sql = (_SELECT_PATIENT + "WHERE p.id = ? OR p.guarantor_id = ? "
           "ORDER BY p.id != ?, p.name_lower, p.id")
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


def possible_duplicates(db: Database, last: str, first: str, born: date | str, *,
                        exclude: int | None = None) -> list[dict]:
    """Other patients (inactive ones too) of the same name and birthdate, compared without
    case, accents or apostrophes: what registering or renaming a patient shows first."""
    day = born.isoformat() if isinstance(born, date) else str(born)
    names = (search_key(last), search_key(first))
    # the folded first and last name is the first-name key: an equality on its index
    where = ("WHERE p.first_search = ? AND p.birthdate = ?" if names[1]
             else "WHERE p.name_search >= ? AND p.name_search < ? AND p.birthdate = ?")
    params = (search_key(first, last),) if names[1] else prefix_range(names[0])
    return [p for p in _patients(db, patient_sql(where), (*params, day, 50))
            if p["id"] != exclude
            and (search_key(p["last_name"]), search_key(p["first_name"])) == names]
