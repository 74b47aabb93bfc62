"""Patients: register, edit (mark inactive included) and move to another family.

A patient is their own guarantor or joins an existing family (their guarantor must be a
guarantor). The chart number is the office's: given (refused when another patient has it) or
generated. A possible duplicate (another patient of the same name and birthdate, compared
without case, accents or apostrophes) is refused unless the caller confirmed it
(``duplicate_ok``). Every write keeps Find patient's keys current (``name_search``,
``first_search``, ``patient_phone``). Moving a patient re-estimates both families (deductibles
and maxima are shared inside a family).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Mapping, Sequence

from estimator import model as m
from estimator.visit_views import PATIENT_FIELDS

from ..connection import Database
from ..family.ids import display_name, name_key, name_search_keys, phone_digits, phone_keys
from ..read.patients import possible_duplicates
from . import lookup
from .common import Actor, Posting, ServiceError, insert_rows, one, posting
from .setup import add_coverage

OLDEST = date(1880, 1, 1)
_PHONE = re.compile(r"[0-9 ()+\-./xX]*(?:ext\.?\s*\d+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LABELS = {"last_name": "the last name", "first_name": "the first name",
           "middle_name": "the middle name", "preferred_name": "the preferred name",
           "address1": "the address", "address2": "the address's second line",
           "city": "the city", "state": "the state", "zip": "the ZIP code",
           "phone": "the home phone", "mobile_phone": "the mobile phone",
           "work_phone": "the work phone", "email": "the e-mail", "chart_no": "the chart number"}


def register_patient(db: Database, values: Mapping[str, object], *, guarantor: int | None = None,
                     coverage: Sequence[tuple[int, str]] = (), duplicate_ok: bool = False,
                     actor: Actor | None = None, now: datetime | None = None) -> int:
    """A new patient from ``values`` (`PATIENT_FIELDS`; last name and birthdate required), their
    own guarantor or joining ``guarantor``'s family, covered by ``coverage`` ((plan id,
    relationship to its subscriber) from today). Returns the patient's id."""
    with posting(db, "register_patient", actor=actor, now=now) as post:
        row = _checked(db, post, {f: values.get(f) for f in PATIENT_FIELDS}, None)
        head = None if guarantor is None else _guarantor(db, guarantor)
        if not duplicate_ok:
            _no_duplicate(db, row, None)
        new_id = insert_rows(db, "patient", [{**_columns(row), "guarantor_id": head}])
        chart = row["chart_no"] or _free_chart_no(db, new_id)
        # a guarantor is their own (as imported families have it)
        db.execute_sql("UPDATE patient SET chart_no = ?, guarantor_id = ? WHERE id = ?",
                       (chart, head or new_id, new_id))
        _write_phones(db, new_id, row)
        for plan_id, relationship in coverage:  # nested services: savepoints in this transaction
            add_coverage(db, new_id, plan_id, relationship=relationship, actor=post.actor,
                         now=post.at)
        post.touch(new_id)
        post.record("patient", new_id, chart_no=chart, guarantor=head,
                    name=display_name(row["last_name"], row["first_name"]),
                    coverage=[p for p, _ in coverage])
        return new_id


def edit_patient(db: Database, patient_id: int, changes: Mapping[str, object], *,
                 duplicate_ok: bool = False, actor: Actor | None = None,
                 now: datetime | None = None) -> None:
    """Change some of a patient's `PATIENT_FIELDS` (``inactive`` marks them inactive); a chart
    number cleared gets a generated one (a patient imported without one keeps none)."""
    unknown = sorted(set(changes) - set(PATIENT_FIELDS))
    if unknown:
        raise ServiceError(f"a patient has no field {unknown[0]!r}")
    with posting(db, "edit_patient", actor=actor, now=now) as post:
        old = _current(db, patient_id)
        row = _checked(db, post, {**old, **changes}, patient_id)
        if row["chart_no"] is None and old["chart_no"] is not None:  # cleared: a new one
            row["chart_no"] = _free_chart_no(db, patient_id)
        changed = {k: v for k, v in row.items() if v != old[k]}
        if not changed:
            raise ServiceError("nothing changed")
        renamed = {"last_name", "first_name", "birthdate"} & set(changed)
        if renamed and not duplicate_ok:
            _no_duplicate(db, row, patient_id)
        sets = _columns(row)
        db.execute_sql(f"UPDATE patient SET {', '.join(f'{c} = ?' for c in sets)} WHERE id = ?",
                       (*sets.values(), patient_id))
        _write_phones(db, patient_id, row)
        post.touch(patient_id)
        post.record("patient", patient_id, **{k: _audit(v) for k, v in changed.items()})


def move_patient(db: Database, patient_id: int, guarantor: int | None, *,
                 actor: Actor | None = None, now: datetime | None = None) -> None:
    """Move a patient to ``guarantor``'s family (None: the patient becomes their own
    guarantor); both families are re-estimated."""
    with posting(db, "move_patient", actor=actor, now=now) as post:
        old = one(db, "SELECT guarantor_id, last_name, first_name FROM patient WHERE id = ?",
                  (patient_id,))
        if old is None:
            raise ServiceError(f"there is no patient with id {patient_id}")
        head = None if guarantor is None or guarantor == patient_id else _guarantor(db, guarantor)
        if (old[0] or patient_id) == (head or patient_id):
            raise ServiceError(f"{display_name(old[1], old[2])} is already in that family")
        dependents = one(db, "SELECT count(*) FROM patient WHERE guarantor_id = ? AND id != ?",
                         (patient_id, patient_id))[0]
        if dependents:
            raise ServiceError(f"{display_name(old[1], old[2])} is the guarantor of {dependents} "
                               "other patient(s): move them first")
        if (old[0] or patient_id) != patient_id:
            post.touch(patient_id)  # the family they leave (a guarantor alone leaves none)
        db.execute_sql("UPDATE patient SET guarantor_id = ? WHERE id = ?",
                       (head or patient_id, patient_id))
        post.touch(patient_id)  # the family they join
        post.record("patient", patient_id, old_guarantor=old[0] or patient_id,
                    guarantor=head or patient_id)


# --- checks -------------------------------------------------------------------------------

def _checked(db: Database, post: Posting, row: dict, patient_id: int | None) -> dict:
    """The values cleaned and checked (ServiceError names the first bad one)."""
    out = {}
    for field in PATIENT_FIELDS:
        value = row.get(field)
        if field in _LABELS:
            value = _text(value, _LABELS[field])
        out[field] = value
    if not out["last_name"]:
        raise ServiceError("a patient needs a last name")
    out["first_name"] = out["first_name"] or ""
    out["birthdate"] = _birthdate(row.get("birthdate"), post.today)
    if out["gender"] is not None and out["gender"] not in m.GENDERS:
        raise ServiceError(f"gender must be one of {', '.join(m.GENDERS)} (or blank), "
                           f"not {out['gender']!r}")
    for field in ("phone", "mobile_phone", "work_phone"):
        _phone(out[field], _LABELS[field])
    if out["email"] is not None and not _EMAIL.fullmatch(out["email"]):
        raise ServiceError(f"{out['email']!r} is not an e-mail address")
    if out["chart_no"] is not None:
        taken = one(db, "SELECT last_name, first_name FROM patient WHERE chart_no = ? AND id != ?",
                    (out["chart_no"], patient_id or 0))
        if taken:
            raise ServiceError(f"chart number {out['chart_no']} is already "
                               f"{display_name(*taken)}'s")
    out["provider"] = _provider(db, row.get("provider"))
    out["inactive"] = _yes_no(row.get("inactive"))
    return out


def _text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ServiceError(f"{what} must be text, not {value!r}")
    if any(ord(ch) < 32 and ch not in "\t\n\r" or 0x7f <= ord(ch) < 0xa0 for ch in value):
        raise ServiceError(f"{what} contains a control character")
    return " ".join(value.split()) or None


def _birthdate(value: object, today: date) -> date:
    if value in (None, ""):
        raise ServiceError("a patient needs a birthdate")
    try:
        born = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(f"birthdate {value!r} is not a date (YYYY-MM-DD)") from None
    if born > today:  # said as such, before the posting-date range would say it vaguely
        raise ServiceError(f"the birthdate {born.isoformat()} is in the future")
    if born < OLDEST:
        raise ServiceError(f"the birthdate {born.isoformat()} is before {OLDEST.year}")
    return born


def _phone(value: str | None, what: str) -> None:
    if value is not None and not (_PHONE.fullmatch(value) and 7 <= len(phone_digits(value)) <= 15):
        raise ServiceError(f"{what} {value!r} is not a phone number (7 to 15 digits)")


def _provider(db: Database, value: object) -> int | None:
    """A provider's database id (int) or practice-file id (text); None or blank: none."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if one(db, "SELECT 1 FROM provider WHERE id = ?", (value,)) is None:
            raise ServiceError(f"there is no provider with id {value}")
        return value
    return lookup.provider_id(db, str(value), 0)


def _yes_no(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ServiceError(f"inactive must be yes or no, not {value!r}")
    return value


def _guarantor(db: Database, guarantor: int) -> int:
    row = one(db, "SELECT id, guarantor_id, last_name, first_name FROM patient WHERE id = ?",
              (guarantor,))
    if row is None:
        raise ServiceError(f"there is no patient with id {guarantor} to be the guarantor")
    if row[1] not in (None, row[0]):
        head = one(db, "SELECT last_name, first_name FROM patient WHERE id = ?", (row[1],))
        raise ServiceError(f"{display_name(row[2], row[3])} is not a guarantor (their guarantor "
                           f"is {display_name(*head)}): join that family instead")
    return row[0]


def _no_duplicate(db: Database, row: dict, patient_id: int | None) -> None:
    found = possible_duplicates(db, row["last_name"], row["first_name"], row["birthdate"],
                                exclude=patient_id)
    if found:
        who = "; ".join(f"{p['name']} born {p['birthdate']} chart {p['chart_no'] or p['id']}"
                        for p in found[:3])
        raise ServiceError(f"possible duplicate of {who}: confirm to register anyway")


# --- writing --------------------------------------------------------------------------------

def _columns(row: dict) -> dict:
    """Patient columns of checked values (search keys included)."""
    last, first = row["last_name"], row["first_name"]
    name_search, first_search = name_search_keys(last, first, row["middle_name"])
    out = {field: row[field] for field in PATIENT_FIELDS if field not in ("provider", "inactive")}
    out.update(birthdate=row["birthdate"].isoformat(), provider_id=row["provider"],
               inactive=int(row["inactive"]), name_lower=name_key(display_name(last, first)),
               first_lower=first.lower(), name_search=name_search, first_search=first_search)
    return out


def _write_phones(db: Database, patient_id: int, row: dict) -> None:
    db.execute_sql("DELETE FROM patient_phone WHERE patient_id = ?", (patient_id,))
    keys = phone_keys(row["phone"], row["mobile_phone"], row["work_phone"])
    if keys:
        insert_rows(db, "patient_phone", [{"digits": k, "patient_id": patient_id} for k in keys])


def _free_chart_no(db: Database, patient_id: int) -> str:
    """A generated chart number: the patient's number, or the next one no one has."""
    number = patient_id
    while one(db, "SELECT 1 FROM patient WHERE chart_no = ? AND id != ?",
              (str(number), patient_id)):
        number += 1
    return str(number)


def _current(db: Database, patient_id: int) -> dict:
    columns = [f if f != "provider" else "provider_id" for f in PATIENT_FIELDS]
    row = one(db, f"SELECT {', '.join(columns)} FROM patient WHERE id = ?", (patient_id,))
    if row is None:
        raise ServiceError(f"there is no patient with id {patient_id}")
    values = dict(zip(PATIENT_FIELDS, row))
    values["birthdate"] = date.fromisoformat(str(values["birthdate"]))
    values["inactive"] = bool(values["inactive"])
    return values


def _audit(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
