"""How the store names a family's rows: the id map (practice ids <-> database ids), who is in
a family, and how a patient's name is shown and keyed."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from ..connection import Database, StoreError

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


# --- families and names ----------------------------------------------------------

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


def display_name(last: str, first: str) -> str:
    """``"Last, First"`` (just ``Last`` when there is no first name)."""
    return f"{last}, {first}" if first else last


def name_key(text: str) -> str:
    """Normalised lowercase ``"last, first"`` used for ``name_lower`` and prefix search."""
    last, comma, first = text.partition(",")
    last, first = " ".join(last.split()), " ".join(first.split())
    return (f"{last}, {first}" if comma else last).lower()


# Apostrophes people type in names (O'Brien, D’Angelo): dropped, so "obrien" finds O'Brien.
_APOSTROPHES = frozenset("'\u2019\u2018`\u00b4\u02bc")


def search_key(*parts: str | None) -> str:
    """Find patient's form of a name (the ``name_search`` / ``first_search`` columns and what is
    typed): ``parts`` joined, lowercase, accents off (José -> jose), apostrophes dropped
    (O'Brien -> obrien), any other punctuation a space (a comma too: "last, first" is
    "last first"), spaces collapsed."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    kept = (ch if ch.isalnum() else " " for ch in text
            if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    return " ".join("".join(kept).casefold().split())


def name_search_keys(last: str, first: str | None, middle: str | None = None) -> tuple[str, str]:
    """(``name_search``, ``first_search``) of a patient: "last first middle", "first last"."""
    return search_key(last, first, middle), search_key(first, last) if first else ""


_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*\d*\s*$", re.IGNORECASE)


def phone_digits(text: str | None) -> str:
    """A phone number as its digits (an extension left off), a leading US/Canada 1 of an
    eleven-digit number dropped."""
    digits = re.sub(r"\D", "", _EXTENSION.sub("", text or ""))
    return digits[1:] if len(digits) == 11 and digits[0] == "1" else digits


PHONE_MIN_DIGITS = 4  # fewer digits are an id or a chart number, not a phone


def phone_keys(*numbers: str | None) -> list[str]:
    """The ``patient_phone`` keys of a patient's numbers: each number's digits, and the last
    seven of a ten-digit number (the local number people often type without the area code)."""
    keys = set()
    for number in numbers:
        digits = phone_digits(number)
        if len(digits) >= PHONE_MIN_DIGITS:
            keys.add(digits)
            if len(digits) == 10:
                keys.add(digits[3:])
    return sorted(keys)
