"""What every posting service shares: the refusal type, who is posting, the clock,
the lock date and the `posting` context.

One service call is one `posting`: a ``BEGIN IMMEDIATE`` write transaction in which
the service first validates (reads only, raising `ServiceError`), then writes; on
the way out the context re-estimates every family the posting touched and appends
the audit row, all inside the same transaction. Any error rolls everything back,
so a refused posting leaves nothing written.
"""
from __future__ import annotations

import os
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterator, Sequence

import peewee

from estimator.money import MoneyError, check_range

from ..audit import current as current_session, record, refusal, workstation_name
from ..connection import (
    Database, EngineError, StoreError, bind_list, describe_error, executemany, in_list,
    last_row_id, lock_family, write_transaction,
)
from ..derived.estimates import reestimate_families
from ..models import MODELS


class ServiceError(Exception):
    """A posting refused, explained in one sentence; nothing was written."""


@dataclass(frozen=True)
class Actor:
    """Who posts, from which workstation and office location (stamped on every row), with
    which role (`store.audit.roles`; an Actor made in code is the account owner, admin)."""
    user: str
    workstation: str | None = None
    location: str | None = None
    role: str = "admin"


def desk_actor() -> Actor:
    """The signed-in user (``--as``) or the account owner at this machine (location from
    ``$DENTLEDGER_LOCATION``)."""
    who = current_session()
    return Actor(who.user, workstation_name(), os.environ.get("DENTLEDGER_LOCATION") or None,
                 who.role)


def check_role(actor: Actor, action: str) -> None:
    """Refuse ``action`` when the actor's role lacks it (`store.audit.roles.NEEDS`)."""
    message = refusal(actor.user, actor.role, action)
    if message:
        raise ServiceError(message)


def clock() -> datetime:
    """The time a posting is entered; tests patch this (or pass ``now=``)."""
    return datetime.now()


def stamp_text(at: datetime) -> str:
    """``entered_at`` / audit ``at`` text, the same shape as `store.audit.now`."""
    return at.isoformat(sep=" ", timespec="seconds")


# --- the posting context --------------------------------------------------------

@dataclass
class Posting:
    """One service call in progress: its transaction's db, actor, time and audit facts."""
    db: Database
    actor: Actor
    at: datetime
    action: str
    entity: str | None = None
    entity_id: object = None
    detail: dict = field(default_factory=dict)
    families: set[int] = field(default_factory=set)
    patient_id: int | None = None  # the first patient touched: the audit row's patient
    after_estimates: list[Callable[[], None]] = field(default_factory=list)
    _location: int | None = None

    @property
    def today(self) -> date:
        return self.at.date()

    def touch(self, patient_id: int) -> None:
        """Re-estimate this patient's family before the posting commits (and wait for other
        desks' postings to it: `lock_family`)."""
        self.touch_all([patient_id])

    def touch_all(self, patient_ids: Sequence[int]) -> None:
        """`touch` each of these patients, their guarantors read in one query (a check
        paying a thousand claims); StoreError names a patient that is not there."""
        for patient_id in patient_ids:
            lock_family(self.db, patient_id)
        if self.patient_id is None and patient_ids:
            self.patient_id = patient_ids[0]
        found = dict(self.db.execute_sql(
            f"SELECT id, coalesce(guarantor_id, id) FROM patient WHERE id {in_list('?')}",
            (bind_list(list(patient_ids)),)).fetchall())
        for patient_id in patient_ids:
            if patient_id not in found:
                raise StoreError(f"no patient with database id {patient_id}")
            self.families.add(found[patient_id])

    def record(self, entity: str, entity_id: object, **detail) -> None:
        """What the audit row will say about this posting."""
        self.entity, self.entity_id = entity, entity_id
        self.detail.update(detail)

    def stamp(self) -> dict:
        """The Posted columns for a new row (peewee field names)."""
        return {"entered_at": stamp_text(self.at), "entered_by": self.actor.user,
                "workstation": self.actor.workstation, "location": self.location_id()}

    def stamp_columns(self) -> dict:
        """The Posted columns for a new row written in SQL (`insert_rows`)."""
        stamp = self.stamp()
        stamp["location_id"] = stamp.pop("location")
        return stamp

    def location_id(self) -> int | None:
        name = self.actor.location
        if not name:
            return None
        if self._location is None:
            self.db.execute_sql("INSERT INTO location (name) VALUES (?) "
                                "ON CONFLICT (name) DO NOTHING", (name,))
            self._location = self.db.execute_sql(
                "SELECT id FROM location WHERE name = ?", (name,)).fetchone()[0]
        return self._location


@contextmanager
def posting(db: Database, action: str, *, actor: Actor | None = None,
            now: datetime | None = None,
            progress: Callable[[int, int], None] | None = None) -> Iterator[Posting]:
    """One write transaction + re-estimation of the touched families + one audit row.
    ``progress(done, total)`` follows the re-estimation, family by family (a long one:
    an ERA paying a thousand claims; `store.derived.estimates.reestimate_families`). The actor's role is checked first (`check_role`): a
    refusal names the role missing."""
    post = Posting(db, actor or desk_actor(), now or clock(), action)
    check_role(post.actor, action)
    try:
        with _models_bound(db), write_transaction(db):
            yield post
            # one family or a thousand (an ERA): read, estimated and written by chunks
            reestimate_families(db, post.families, as_of=post.at.date(), progress=progress)
            for step in post.after_estimates:
                step()
            _audit(post)
    except (peewee.PeeweeException, EngineError) as exc:
        raise ServiceError(f"{action.replace('_', ' ')} failed, nothing was written: "
                           f"{describe_error(db.database, exc)}") from exc
    except StoreError as exc:  # e.g. the file was replaced under the desk: the desk says so
        raise ServiceError(str(exc)) from exc


def _models_bound(db: Database):
    """The ORM's models on ``db`` for the posting: they follow the database opened last in
    the process (`store.models`), and a service's ORM writes must go to its own database even
    when another one was opened since (a copy, a test, the benchmark)."""
    if MODELS[0]._meta.database is db:
        return nullcontext()
    return db.bind_ctx(MODELS)


def _audit(post: Posting) -> None:
    record(post.db, post.action, user=post.actor.user, workstation=post.actor.workstation,
           entity=post.entity, entity_id=post.entity_id, detail=post.detail or None,
           patient_id=post.patient_id, at=stamp_text(post.at))


# --- checks shared by the services ------------------------------------------------

def lock_date(db: Database) -> date | None:
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'lock_date'").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def check_open(db: Database, day: date, what: str) -> None:
    """Refuse anything dated on or before the practice lock date."""
    locked = lock_date(db)
    if locked is not None and day <= locked:
        raise ServiceError(f"{what} is dated {day.isoformat()}, on or before the lock date "
                           f"{locked.isoformat()}; correct it with an entry dated after the lock date")


# The dates a service accepts: no year 1 or 9999 (a typing or conversion slip), from
# 1900-01-01 to two years after today (appointments, planned work, a coverage's end may be
# ahead; nothing sane is further).
FIRST_DAY = date(1900, 1, 1)
YEARS_AHEAD = 2


def as_date(value: date | str | None, default: date, what: str = "date") -> date:
    """A date argument (``None`` = ``default``); ISO text accepted; refused outside
    `FIRST_DAY` .. two years after today (or after ``default``, a posting's own day)."""
    if value is None:
        return default
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ServiceError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None
    return in_range(day, max(clock().date(), default), what)


def in_range(day: date, today: date, what: str = "date") -> date:
    """``day`` if it lies in FIRST_DAY .. `YEARS_AHEAD` years after ``today``."""
    try:
        last = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + YEARS_AHEAD, day=28)
    if not FIRST_DAY <= day <= last:
        raise ServiceError(f"{what} {day.isoformat()} is outside the dates a posting may have "
                           f"({FIRST_DAY.isoformat()} .. {last.isoformat()})")
    return day


def cents(value: object, what: str) -> int:
    """An amount in integer cents (parse dollars with `estimator.money.to_cents` first),
    inside the one range every entry point accepts (`estimator.money.MAX_CENTS`)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(f"{what} must be a whole number of cents, not {value!r}")
    try:
        return check_range(value, what)
    except MoneyError as exc:
        raise ServiceError(str(exc)) from None


def text_or_none(value: str | None) -> str | None:
    """Trimmed text; blank becomes None."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def insert_rows(db: Database, table: str, rows: Sequence[dict]) -> int:
    """Insert ``rows`` (column -> value, the same columns each) in one statement whose text
    is the same every time, so it stays prepared; returns the last row id. For the rows a
    posting writes many of, where building each insert through the ORM costs more than
    the write."""
    columns = list(rows[0])
    sql = (f'INSERT INTO "{table}" ({", ".join(columns)}) '
           f'VALUES ({", ".join("?" * len(columns))})')
    executemany(db, sql, [tuple(row[c] for c in columns) for row in rows])
    return last_row_id(db)


def one(db: Database, sql: str, params=()) -> tuple | None:
    return db.execute_sql(sql, params).fetchone()


def require_patient(db: Database, patient_id: int) -> tuple[int, str]:
    """(patient id, display name); refuses an unknown patient. Inside a posting it first waits
    for other desks' postings to the patient's family (`lock_family`), so what the posting
    reads next is what they committed."""
    row = one(db, "SELECT id, last_name, first_name FROM patient WHERE id = ?", (patient_id,))
    if row is None:
        raise ServiceError(f"there is no patient with id {patient_id}")
    if db.in_transaction():
        lock_family(db, row[0])
    return row[0], f"{row[1]}, {row[2]}" if row[2] else row[1]
