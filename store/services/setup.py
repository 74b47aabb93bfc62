"""Insurance set-up: carriers, plans, patient coverage and fee schedules (seeds 000 and 002).

Same contract as the posting services: one call is one ``BEGIN IMMEDIATE`` transaction that
validates before it writes, appends one audit row, and re-estimates every family the change
can move (every family with a patient covered by a changed plan), inside the transaction,
reporting ``progress(done, total)`` as it goes. A refusal raises `ServiceError` and writes
nothing. Money is integer cents and ``None`` (NULL) means unknown, never 0.

Plans are never shared between subscribers; plans that are alike are *identical*
(`plans_identical_to`) and `edit_plan` makes the caller choose whether a change applies to
"this" plan only or to every "identical" one: nothing is synchronized silently.
"""
from __future__ import annotations

import csv
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field, fields
from datetime import date, datetime
from typing import Callable, Iterator, Mapping, Sequence

from estimator import model as m
from estimator.money import MoneyError, fmt, to_cents

from ..connection import Database
from ..derived.estimates import reestimate_families
from ..models import LIMIT_KINDS
from .common import (
    Actor, Posting, ServiceError, as_date, cents, one, posting, require_patient, text_or_none,
)

Progress = Callable[[int, int], None]
SCOPES = ("this", "identical")
KEEP = object()  # "leave this value as it is" (None would mean "set to unknown")
TODAY = "today"  # a coverage's effective date: the day of the change

# --- plan fields ---------------------------------------------------------------
# Every field of `model.Plan` but id and subscriber (which never changes), with
# references as database ids. Each is a plan column or a child table.
PLAN_FIELDS = tuple(f.name for f in fields(m.Plan) if f.name not in ("id", "subscriber"))
_COLUMN = {
    "carrier": "carrier_id", "type": "type", "fee_schedule": "fee_schedule_id",
    "allowed_fee_schedule": "allowed_fee_schedule_id", "copay_schedule": "copay_schedule_id",
    "annual_max": "annual_max_cents", "family_annual_max": "family_annual_max_cents",
    "deductible": "deductible_cents", "family_deductible": "family_deductible_cents",
    "deductible_before_percent": "deductible_before_percent", "renew_month": "renew_month",
    "allow_substitution": "allow_substitution", "substitution_writeoffs": "substitution_writeoffs",
    "cob_rule": "cob_rule", "same_plan_as": "same_plan_as_id", "employer": "employer",
    "group_number": "group_number", "note": "note", "claims_use_ucr": "claims_use_ucr",
}
_COVERAGE_KIND = {"coverage": "category", "code_coverage": "code"}
# "Identical" (seed 002): same carrier, group, employer, type, fee schedules and benefits.
IDENTITY_FIELDS = tuple(f for f in PLAN_FIELDS if f not in ("note", "same_plan_as", "claims_use_ucr"))
_SCHEDULE_KINDS = {"fee_schedule": ("allowed", "office"), "allowed_fee_schedule": ("allowed", "office"),
                   "copay_schedule": ("copay", "fixed_benefit")}


def _plan_defaults() -> dict:
    out = {}
    for f in fields(m.Plan):
        if f.name in PLAN_FIELDS and f.name not in ("carrier", "type"):
            out[f.name] = f.default_factory() if callable(f.default_factory) else f.default
    return out


# --- the change context ---------------------------------------------------------

@dataclass
class Change:
    """One set-up call in progress: its posting plus the families to re-estimate."""
    post: Posting
    families: set[int] = field(default_factory=set)

    @property
    def db(self) -> Database:
        return self.post.db

    def plans_changed(self, plan_ids) -> None:
        self.families.update(families_of_plans(self.db, plan_ids))

    def patient_changed(self, patient_id: int) -> None:
        self.families.add(_guarantor(self.db, patient_id))

    def record(self, entity: str, entity_id: object, **detail) -> None:
        self.post.record(entity, entity_id, **detail)


@contextmanager
def _change(db: Database, action: str, actor: Actor | None, now: datetime | None,
            progress: Progress | None, *, today: bool = False) -> Iterator[Change]:
    """``today``: re-estimate planned work as of the change's date, as postings do (a coverage
    change: a plan effective today covers the planned work)."""
    with posting(db, action, actor=actor, now=now) as post:
        change = Change(post)
        yield change
        post.detail["families_reestimated"] = _reestimate(db, sorted(change.families), progress,
                                                          post.at.date() if today else None)


def _reestimate(db: Database, guarantors: Sequence[int], progress: Progress | None,
                as_of: date | None = None) -> int:
    """Every family a set-up change touches (a fee schedule of a big carrier: most of the
    practice), read and written a chunk of families at a time (`reestimate_families`)."""
    total = len(guarantors)
    if progress:
        progress(0, total)
    reestimate_families(db, guarantors, as_of=as_of, progress=progress)
    return total


def _guarantor(db: Database, patient_id: int) -> int:
    return one(db, "SELECT coalesce(guarantor_id, id) FROM patient WHERE id = ?", (patient_id,))[0]


def families_of_plans(db: Database, plan_ids) -> list[int]:
    """Guarantors of every family with a patient covered by one of the plans."""
    inn = ",".join(str(int(i)) for i in plan_ids) or "NULL"
    return [g for (g,) in db.execute_sql(
        "SELECT DISTINCT coalesce(p.guarantor_id, p.id) FROM patient_coverage c JOIN patient p "
        f"ON p.id = c.patient_id WHERE c.plan_id IN ({inn}) ORDER BY 1")]


def plans_using_schedule(db: Database, schedule_id: int) -> list[int]:
    return [i for (i,) in db.execute_sql(
        "SELECT id FROM plan WHERE ? IN (fee_schedule_id, allowed_fee_schedule_id, "
        "copay_schedule_id) ORDER BY id", (schedule_id,))]


# --- carriers --------------------------------------------------------------------

def create_carrier(db: Database, name: str, *, writeoff_code: str | None = None,
                   electronic_id: str | None = None, phone: str | None = None,
                   address: str | None = None, actor: Actor | None = None,
                   now: datetime | None = None) -> int:
    """A new carrier; a write-off code it names is created (kind writeoff) when missing."""
    with _change(db, "create_carrier", actor, now, None) as change:
        values = _carrier_values(db, {"name": name, "writeoff_code": writeoff_code,
                                      "electronic_id": electronic_id, "phone": phone,
                                      "address": address})
        cursor = db.execute_sql(
            "INSERT INTO carrier (name, writeoff_code_id, electronic_id, phone, address) "
            "VALUES (?, ?, ?, ?, ?)", tuple(values[k] for k in
                                            ("name", "writeoff_code_id", "electronic_id", "phone",
                                             "address")))
        carrier_id = db.last_insert_id(cursor)
        change.record("carrier", carrier_id, **values)
        return carrier_id


def edit_carrier(db: Database, carrier_id: int, *, actor: Actor | None = None,
                 now: datetime | None = None, **changes) -> None:
    """Change a carrier's ``name``, ``writeoff_code``, ``electronic_id``, ``phone``, ``address``."""
    with _change(db, "edit_carrier", actor, now, None) as change:
        if one(db, "SELECT 1 FROM carrier WHERE id = ?", (carrier_id,)) is None:
            raise ServiceError(f"there is no carrier with id {carrier_id}")
        unknown = set(changes) - {"name", "writeoff_code", "electronic_id", "phone", "address"}
        if unknown:
            raise ServiceError(f"a carrier has no field {sorted(unknown)[0]!r}")
        name = changes.get("name") or one(db, "SELECT name FROM carrier WHERE id = ?", (carrier_id,))[0]
        values = _carrier_values(db, changes, name)
        before = {}
        if values:
            row = one(db, f"SELECT {', '.join(values)} FROM carrier WHERE id = ?", (carrier_id,))
            before = dict(zip(values, row))
            sets = ", ".join(f"{k} = ?" for k in values)
            db.execute_sql(f"UPDATE carrier SET {sets} WHERE id = ?", (*values.values(), carrier_id))
        change.record("carrier", carrier_id, before=before, **values)


def _carrier_values(db: Database, given: Mapping, name: str | None = None) -> dict:
    out = {}
    if "name" in given:
        out["name"] = text_or_none(given["name"])
        if not out["name"]:
            raise ServiceError("a carrier needs a name")
    if "writeoff_code" in given:
        out["writeoff_code_id"] = writeoff_code_id(db, given["writeoff_code"], out.get("name") or name)
    for key in ("electronic_id", "phone", "address"):
        if key in given:
            out[key] = text_or_none(given[key])
    return out


def writeoff_code_id(db: Database, code: str | None, carrier: str | None = None) -> int | None:
    """The adjustment code a carrier writes off under; created (kind writeoff) when missing."""
    code = text_or_none(code)
    if code is None:
        return None
    row = one(db, "SELECT id, kind FROM adjustment_code WHERE code = ?", (code,))
    if row is not None:
        if row[1] != "writeoff":
            raise ServiceError(f"adjustment code {code} is a {row[1]} code, not a write-off code")
        return row[0]
    what = f"{carrier} write-off" if carrier else "Insurance write-off"
    cursor = db.execute_sql("INSERT INTO adjustment_code (code, kind, description, declared) "
                            "VALUES (?, 'writeoff', ?, TRUE)", (code, what))
    return db.last_insert_id(cursor)


# --- plans: reading ----------------------------------------------------------------

def plan_values(db: Database, plan_id: int) -> dict:
    """Every field of a plan (PLAN_FIELDS, references as database ids) plus ``subscriber``."""
    cols = list(_COLUMN.values())
    row = one(db, f"SELECT subscriber_id, {', '.join(cols)} FROM plan WHERE id = ?", (plan_id,))
    if row is None:
        raise ServiceError(f"there is no plan with id {plan_id}")
    out = {"subscriber": row[0]}
    for name, value in zip(_COLUMN, row[1:]):
        if name in ("deductible_before_percent", "allow_substitution", "substitution_writeoffs"):
            value = bool(value)
        elif name == "claims_use_ucr":
            value = None if value is None else bool(value)
        out[name] = value
    for name, kind in _COVERAGE_KIND.items():
        out[name] = dict(db.execute_sql("SELECT key, percent FROM plan_coverage WHERE plan_id = ? "
                                        "AND kind = ? ORDER BY id", (plan_id, kind)).fetchall())
    for kind in LIMIT_KINDS:
        out[kind] = dict(db.execute_sql("SELECT key, amount_cents FROM plan_limit WHERE plan_id = ? "
                                        "AND kind = ? ORDER BY id", (plan_id, kind)).fetchall())
    out["frequency"] = tuple(m.FrequencyLimit(q, per, code, cat, n) for q, per, code, cat, n in
                             db.execute_sql("SELECT quantity, per, code, category, count FROM "
                                            "plan_frequency WHERE plan_id = ? ORDER BY id",
                                            (plan_id,)))
    out["exclusions"] = tuple(c for (c,) in db.execute_sql(
        "SELECT code FROM plan_exclusion WHERE plan_id = ? ORDER BY id", (plan_id,)))
    out["deductible_waived_on"] = tuple(c for (c,) in db.execute_sql(
        "SELECT category FROM plan_deductible_waiver WHERE plan_id = ? ORDER BY id", (plan_id,)))
    return out


def identity_key(values: Mapping) -> tuple:
    """What makes two plans identical (IDENTITY_FIELDS of a plan_values dict, or of a
    `model.Plan` through ``vars``), comparable (the order of lists does not matter)."""
    def norm(name, value):
        if isinstance(value, Mapping):
            return tuple(sorted(value.items()))
        if name == "frequency":
            return tuple(sorted((astuple(f) for f in value), key=repr))
        if isinstance(value, (tuple, list)):
            return tuple(sorted(value))
        if name == "renew_month":
            return value or None
        return value
    return tuple(norm(name, values[name]) for name in IDENTITY_FIELDS)


def plans_identical_to(db: Database, plan_id: int) -> list[int]:
    """Other plans with the same carrier, group number, employer, type, fee schedules and
    benefits (each belongs to another subscriber, or to the same one)."""
    values = plan_values(db, plan_id)
    candidates = db.execute_sql(
        "SELECT id FROM plan WHERE id != ? AND carrier_id = ? AND type = ? AND group_number IS ? "
        "AND employer IS ? ORDER BY id",
        (plan_id, values["carrier"], values["type"], values["group_number"], values["employer"]))
    key = identity_key(values)
    return [i for (i,) in candidates.fetchall() if identity_key(plan_values(db, i)) == key]


# --- plans: writing ------------------------------------------------------------------

def create_plan(db: Database, subscriber_id: int, *, carrier: int, type: str,
                attach: bool = False, actor: Actor | None = None, now: datetime | None = None,
                progress: Progress | None = None, **plan_fields) -> int:
    """A new plan for ``subscriber_id``; other fields as in `PLAN_FIELDS` (missing = the
    model's default: unknown). ``attach=True`` also covers the subscriber by it (next order)."""
    with _change(db, "create_plan", actor, now, progress) as change:
        require_patient(db, subscriber_id)
        values = {**_plan_defaults(), **plan_fields, "carrier": carrier, "type": type}
        values = check_plan_values(db, values)
        cursor = db.execute_sql("INSERT INTO plan (carrier_id, subscriber_id, type) VALUES (?, ?, ?)",
                                (values["carrier"], subscriber_id, values["type"]))
        plan_id = db.last_insert_id(cursor)
        _write_plan(db, plan_id, values)
        if attach:
            _add_coverage(db, subscriber_id, plan_id, None, False, None)
            change.patient_changed(subscriber_id)
        change.record("plan", plan_id, subscriber=subscriber_id, attached=attach,
                      **_audit_values(values))
        return plan_id


def edit_plan(db: Database, plan_id: int, changes: Mapping[str, object], *, scope: str,
              actor: Actor | None = None, now: datetime | None = None,
              progress: Progress | None = None) -> list[int]:
    """Change some fields of a plan. ``scope`` must be given: ``"this"`` changes this plan only,
    ``"identical"`` this plan and every plan identical to it (as they were before the change).
    Returns the ids of the plans changed."""
    with _change(db, "edit_plan", actor, now, progress) as change:
        targets = _targets(db, plan_id, scope)
        if "subscriber" in changes:
            raise ServiceError("the subscriber of a plan cannot change; create a new plan")
        values = check_plan_values(db, dict(changes), plan_ids=targets)
        columns = [_COLUMN[k] for k in values if k in _COLUMN]
        before = dict(zip(columns, one(db, f"SELECT {', '.join(columns)} FROM plan WHERE id = ?",
                                       (plan_id,)))) if columns else {}
        for target in targets:
            _write_plan(db, target, values)
        change.plans_changed(targets)
        change.record("plan", plan_id, scope=scope, plans=targets, before=before,
                      **_audit_values(values))
        return targets


def _targets(db: Database, plan_id: int, scope: str) -> list[int]:
    if scope not in SCOPES:
        raise ServiceError(f"choose the scope of a plan change: 'this' or 'identical', not {scope!r}")
    if one(db, "SELECT 1 FROM plan WHERE id = ?", (plan_id,)) is None:
        raise ServiceError(f"there is no plan with id {plan_id}")
    return [plan_id] + (plans_identical_to(db, plan_id) if scope == "identical" else [])


def _audit_values(values: Mapping) -> dict:
    out = {}
    for k, v in values.items():
        if isinstance(v, Mapping):
            v = dict(v)
        elif k == "frequency":
            v = [{kk: vv for kk, vv in vars(f).items() if vv is not None} for f in v]
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


def _write_plan(db: Database, plan_id: int, values: Mapping) -> None:
    cols = {_COLUMN[k]: _sql(v) for k, v in values.items() if k in _COLUMN}
    if cols:
        sets = ", ".join(f"{c} = ?" for c in cols)
        db.execute_sql(f"UPDATE plan SET {sets} WHERE id = ?", (*cols.values(), plan_id))
    cur = db.cursor()
    for name, kind in _COVERAGE_KIND.items():
        if name in values:
            cur.execute("DELETE FROM plan_coverage WHERE plan_id = ? AND kind = ?", (plan_id, kind))
            cur.executemany("INSERT INTO plan_coverage (plan_id, kind, key, percent) VALUES (?, ?, ?, ?)",
                            [(plan_id, kind, k, p) for k, p in values[name].items()])
    for kind in LIMIT_KINDS:
        if kind in values:
            cur.execute("DELETE FROM plan_limit WHERE plan_id = ? AND kind = ?", (plan_id, kind))
            cur.executemany("INSERT INTO plan_limit (plan_id, kind, key, amount_cents) "
                            "VALUES (?, ?, ?, ?)", [(plan_id, kind, k, a) for k, a in values[kind].items()])
    if "frequency" in values:
        cur.execute("DELETE FROM plan_frequency WHERE plan_id = ?", (plan_id,))
        cur.executemany("INSERT INTO plan_frequency (plan_id, code, category, quantity, per, count) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [(plan_id, f.code, f.category, f.quantity, f.per, f.count)
                         for f in values["frequency"]])
    for name, table, col in (("exclusions", "plan_exclusion", "code"),
                             ("deductible_waived_on", "plan_deductible_waiver", "category")):
        if name in values:
            cur.execute(f"DELETE FROM {table} WHERE plan_id = ?", (plan_id,))
            cur.executemany(f"INSERT INTO {table} (plan_id, {col}) VALUES (?, ?)",
                            [(plan_id, v) for v in values[name]])


def _sql(value):
    return int(value) if isinstance(value, bool) else value


# --- plans: validation -----------------------------------------------------------------

def check_plan_values(db: Database, values: dict, plan_ids: Sequence[int] = ()) -> dict:
    """``values`` checked and normalised (ServiceError names the first bad field)."""
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ServiceError(f"a plan has no field {sorted(unknown)[0]!r}")
    codes = _known_codes(db)
    out = {}
    for name, value in values.items():
        out[name] = _check_field(db, name, value, codes, plan_ids)
    return out


def _check_field(db: Database, name: str, value, codes: set[str], plan_ids) -> object:
    what = name.replace("_", " ")
    if name == "carrier":
        if not isinstance(value, int) or one(db, "SELECT 1 FROM carrier WHERE id = ?", (value,)) is None:
            raise ServiceError(f"there is no carrier {value!r}")
        return value
    if name == "type":
        return _choice(value, m.PLAN_TYPES, "plan type")
    if name == "cob_rule":
        return _choice(value, m.COB_RULES, "COB rule")
    if name in _SCHEDULE_KINDS:
        return _schedule(db, value, _SCHEDULE_KINDS[name], what)
    if name in ("annual_max", "family_annual_max", "deductible", "family_deductible"):
        return _money_or_none(value, what)
    if name == "renew_month":
        return _renew_month(value)
    if name in ("deductible_before_percent", "allow_substitution", "substitution_writeoffs"):
        if not isinstance(value, bool):
            raise ServiceError(f"{what} must be yes or no")
        return value
    if name == "claims_use_ucr":
        if value is not None and not isinstance(value, bool):
            raise ServiceError("claims use UCR must be yes, no or unknown")
        return value
    if name in ("employer", "group_number"):
        return text_or_none(value)
    if name == "note":
        return (str(value).strip() or None) if value is not None else None
    if name == "same_plan_as":
        return _same_plan(db, value, plan_ids)
    if name in ("coverage", "code_coverage"):
        keys = m.CATEGORIES if name == "coverage" else codes
        return _mapping(value, keys, _percent, what)
    if name in LIMIT_KINDS:
        keys = codes if name.startswith("code_") else m.CATEGORIES
        return _mapping(value, keys, _money, what)
    if name == "frequency":
        return tuple(_frequency(f, codes) for f in (value or ()))
    if name == "exclusions":
        return _unique_list(value, codes, "exclusions", "procedure code")
    if name == "deductible_waived_on":
        return _unique_list(value, m.CATEGORIES, "deductible waived on", "category")
    raise ServiceError(f"a plan has no field {name!r}")  # pragma: no cover (checked above)


def _choice(value, allowed, what: str) -> str:
    if value not in allowed:
        raise ServiceError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _schedule(db: Database, value, kinds, what: str) -> int | None:
    if value is None:
        return None
    row = one(db, "SELECT kind FROM fee_schedule WHERE id = ?", (value,)) if isinstance(value, int) else None
    if row is None:
        raise ServiceError(f"{what}: there is no fee schedule {value!r}")
    if row[0] not in kinds:
        raise ServiceError(f"{what}: the fee schedule is kind {row[0]}; this needs {' or '.join(kinds)}")
    return value


def _money(value, what: str) -> int:
    value = cents(value, what)  # refuses beyond the one range (estimator.money.MAX_CENTS)
    if value < 0:
        raise ServiceError(f"{what} cannot be negative")
    return value


def _money_or_none(value, what: str) -> int | None:
    return None if value is None else _money(value, what)


def _percent(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ServiceError(f"{what}: {value!r} is not a whole percentage 0-100")
    return value


def _renew_month(value) -> int | None:
    if value is None or value == 0:
        return None  # calendar year
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise ServiceError(f"renew month must be 1-12 (blank for the calendar year), not {value!r}")
    return value


def _mapping(value, keys, check, what: str) -> dict:
    out = {}
    for key, amount in dict(value or {}).items():
        if key not in keys:
            raise ServiceError(f"{what}: {key!r} is not a known {'category' if keys is m.CATEGORIES else 'procedure code'}")
        out[key] = check(amount, f"{what} {key}")
    return out


def _unique_list(value, known, what: str, noun: str) -> tuple:
    out = []
    for item in value or ():
        if item not in known:
            raise ServiceError(f"{what}: {item!r} is not a known {noun}")
        if item not in out:
            out.append(item)
    return tuple(out)


def _frequency(limit, codes: set[str]) -> m.FrequencyLimit:
    if not isinstance(limit, m.FrequencyLimit):
        raise ServiceError(f"frequency: {limit!r} is not a frequency limit")
    if (limit.code is None) == (limit.category is None):
        raise ServiceError("frequency: each limit names a code or a category (one of them)")
    if limit.code is not None and limit.code not in codes:
        raise ServiceError(f"frequency: {limit.code!r} is not a known procedure code")
    if limit.category is not None and limit.category not in m.CATEGORIES:
        raise ServiceError(f"frequency: {limit.category!r} is not a known category")
    if isinstance(limit.quantity, bool) or not isinstance(limit.quantity, int) or limit.quantity < 1:
        raise ServiceError("frequency: the quantity must be a whole number of at least 1")
    if limit.per not in m.FREQUENCY_PERIODS:
        raise ServiceError(f"frequency: per must be one of {', '.join(m.FREQUENCY_PERIODS)}")
    if isinstance(limit.count, bool) or not isinstance(limit.count, int) or limit.count < 1:
        raise ServiceError("frequency: the count must be a whole number of at least 1")
    return limit


def _same_plan(db: Database, value, plan_ids) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or one(db, "SELECT 1 FROM plan WHERE id = ?", (value,)) is None:
        raise ServiceError(f"same plan as: there is no plan {value!r}")
    if value in plan_ids:
        raise ServiceError("same plan as: a plan cannot name itself")
    return value


def _known_codes(db: Database) -> set[str]:
    return {c for (c,) in db.execute_sql("SELECT code FROM procedure_code")}


# --- code-specific estimating (the grid's editable cells) ---------------------------------

GRID_FIELDS = ("allowed", "percent", "copay", "benefit")


def set_code_terms(db: Database, plan_id: int, code: str, *, scope: str, allowed=KEEP,
                   percent=KEEP, copay=KEEP, benefit=KEEP, actor: Actor | None = None,
                   now: datetime | None = None, progress: Progress | None = None) -> list[int]:
    """One code's terms for a plan, as typed in the code-specific estimating grid.

    ``percent`` is the plan's own percentage for the code (None = from its category); it is a
    plan change, so ``scope`` says whether identical plans change too. ``allowed``, ``copay``
    and ``benefit`` are fees in the plan's allowed-fee, copay and fixed-benefit schedules (None
    removes the fee); every plan using the schedule sees them. A plan without the schedule gets
    a new one (attached to the plans in ``scope``). Returns the ids of the plans affected.
    """
    with _change(db, "set_code_terms", actor, now, progress) as change:
        targets = _targets(db, plan_id, scope)
        values = plan_values(db, plan_id)
        if code not in _known_codes(db):
            raise ServiceError(f"there is no procedure code {code!r}")
        affected = set(targets)
        detail = {}
        if percent is not KEEP:
            detail["percent"] = _code_percent(db, targets, values, code, percent)
        for name, amount in (("allowed", allowed), ("copay", copay), ("benefit", benefit)):
            if amount is KEEP:
                continue
            amount = None if amount is None else _money(amount, f"the {name} fee")
            schedule = _grid_schedule(db, targets, values, name)
            _put_fee(db, schedule, code, amount)
            affected.update(plans_using_schedule(db, schedule))
            detail[name] = {"schedule": schedule, "amount": amount}
        change.plans_changed(sorted(affected))
        change.record("plan", plan_id, code=code, scope=scope, plans=targets, **detail)
        return sorted(affected)


def _code_percent(db: Database, targets, values, code: str, percent) -> int | None:
    mapping = dict(values["code_coverage"])
    if percent is None:
        mapping.pop(code, None)
    else:
        mapping[code] = _percent(percent, f"the percentage for {code}")
    for target in targets:
        _write_plan(db, target, {"code_coverage": mapping})
    return percent


def _grid_schedule(db: Database, targets, values, name: str) -> int:
    """The schedule a grid column writes to; created and attached when the plan has none."""
    if name == "allowed":
        slot = {"ppo": "fee_schedule", "flat_copay": "fee_schedule",
                "percentage": "allowed_fee_schedule"}.get(values["type"])
        if slot is None:
            raise ServiceError("a capitation plan has no allowed fees (it uses the office fee)")
        kind = "allowed"
    else:
        slot, kind = "copay_schedule", ("copay" if name == "copay" else "fixed_benefit")
    schedule = values[slot]
    if schedule is not None:
        have = one(db, "SELECT kind FROM fee_schedule WHERE id = ?", (schedule,))[0]
        if slot == "copay_schedule" and have != kind:
            raise ServiceError(f"the plan's copay schedule is a {have.replace('_', ' ')} schedule; "
                               f"it has no {name} amounts")
        return schedule
    carrier = one(db, "SELECT name FROM carrier WHERE id = ?", (values["carrier"],))[0]
    label = " ".join(filter(None, (carrier, values["group_number"])))
    title = {"allowed": "allowed fees", "copay": "copays", "benefit": "fixed benefits"}[name]
    cursor = db.execute_sql("INSERT INTO fee_schedule (kind, name) VALUES (?, ?)",
                            (kind, f"{label} {title}"))
    schedule = db.last_insert_id(cursor)
    for target in targets:
        _write_plan(db, target, {slot: schedule})
    return schedule


def _put_fee(db: Database, schedule_id: int, code: str, amount: int | None) -> None:
    if amount is None:
        db.execute_sql("DELETE FROM fee WHERE schedule_id = ? AND code = ?", (schedule_id, code))
    else:
        db.execute_sql("INSERT INTO fee (schedule_id, code, amount_cents) VALUES (?, ?, ?) "
                       "ON CONFLICT (schedule_id, code) DO UPDATE SET amount_cents = excluded.amount_cents",
                       (schedule_id, code, amount))


# --- patient coverage ------------------------------------------------------------------

def add_coverage(db: Database, patient_id: int, plan_id: int, *, order: int | None = None,
                 pending: bool = False, subscriber_id: str | None = None,
                 effective: date | str | None = TODAY, terminated: date | str | None = None,
                 relationship: str | None = None,
                 actor: Actor | None = None, now: datetime | None = None) -> int:
    """Cover a patient by a plan at ``order`` (1-4; default the next free one; a taken order
    moves the plans from there down one) from ``effective`` (default today, so work already
    done keeps its estimates; None: no start) to ``terminated`` (None: open); ``relationship``:
    the patient to the plan's subscriber (`model.RELATIONSHIPS`). Returns the order."""
    with _change(db, "add_coverage", actor, now, None, today=True) as change:
        require_patient(db, patient_id)
        if one(db, "SELECT 1 FROM plan WHERE id = ?", (plan_id,)) is None:
            raise ServiceError(f"there is no plan with id {plan_id}")
        start, end = _coverage_dates(change.post.at.date(), effective, terminated)
        relationship = _relationship(relationship)
        order = _add_coverage(db, patient_id, plan_id, order, pending, subscriber_id)
        db.execute_sql("UPDATE patient_coverage SET effective = ?, terminated = ?, "
                       "relationship = ? WHERE patient_id = ? AND plan_id = ?",
                       (start, end, relationship, patient_id, plan_id))
        change.patient_changed(patient_id)
        change.record("patient_coverage", patient_id, plan=plan_id, order=order, pending=pending,
                      effective=start, terminated=end, relationship=relationship)
        return order


def _relationship(value: str | None) -> str | None:
    """The patient's relationship to a plan's subscriber (blank: not recorded)."""
    value = text_or_none(value)
    if value is not None and value not in m.RELATIONSHIPS:
        raise ServiceError(f"the relationship to the subscriber must be one of "
                           f"{', '.join(m.RELATIONSHIPS)}, not {value!r}")
    return value


def set_coverage_dates(db: Database, patient_id: int, plan_id: int, *, effective=KEEP,
                       terminated=KEEP, actor: Actor | None = None,
                       now: datetime | None = None) -> None:
    """The first and last day the plan covers the patient's work (None: no limit that side)."""
    with _change(db, "set_coverage_dates", actor, now, None, today=True) as change:
        _require_coverage(db, patient_id, plan_id)
        old = one(db, "SELECT effective, terminated FROM patient_coverage WHERE patient_id = ? "
                      "AND plan_id = ?", (patient_id, plan_id))
        start, end = _coverage_dates(change.post.at.date(), old[0] if effective is KEEP else effective,
                                     old[1] if terminated is KEEP else terminated)
        db.execute_sql("UPDATE patient_coverage SET effective = ?, terminated = ? WHERE "
                       "patient_id = ? AND plan_id = ?", (start, end, patient_id, plan_id))
        change.patient_changed(patient_id)
        change.record("patient_coverage", patient_id, plan=plan_id, effective=start, terminated=end,
                      before={"effective": old[0], "terminated": old[1]})


def _coverage_dates(today: date, effective, terminated) -> tuple[str | None, str | None]:
    """(effective, terminated) as ISO text or None; refused when the coverage ends before it starts."""
    start = today if effective == TODAY else _day_or_none(effective, "effective date")
    end = _day_or_none(terminated, "terminated date")
    if start and end and end < start:
        raise ServiceError(f"the coverage cannot end ({end.isoformat()}) before it starts "
                           f"({start.isoformat()})")
    return (start.isoformat() if start else None), (end.isoformat() if end else None)


def _day_or_none(value, what: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return as_date(value, date.min, what)


def _add_coverage(db, patient_id, plan_id, order, pending, subscriber_id) -> int:
    plans = _coverage_plans(db, patient_id)
    if plan_id in plans:
        raise ServiceError("the patient is already covered by this plan")
    if len(plans) >= 4:
        raise ServiceError("a patient has at most 4 plans (primary to quaternary)")
    if order is None:
        order = len(plans) + 1
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= len(plans) + 1:
        raise ServiceError(f"coverage order must be 1-{len(plans) + 1}, not {order!r}")
    db.execute_sql("INSERT INTO patient_coverage (patient_id, plan_id, coverage_order, pending, "
                   "subscriber_id) VALUES (?, ?, ?, ?, ?)",
                   (patient_id, plan_id, 9, int(bool(pending)), text_or_none(subscriber_id)))
    plans.insert(order - 1, plan_id)
    _renumber(db, patient_id, plans)
    return order


def _coverage_plans(db: Database, patient_id: int) -> list[int]:
    return [p for (p,) in db.execute_sql("SELECT plan_id FROM patient_coverage WHERE patient_id = ? "
                                         "ORDER BY coverage_order", (patient_id,))]


def _renumber(db: Database, patient_id: int, plans: Sequence[int]) -> None:
    """Orders 1..n in the given plan order; swapped through negative numbers first so the
    unique (patient, order) index never sees two plans at one order."""
    for n, plan in enumerate(plans, 1):
        db.execute_sql("UPDATE patient_coverage SET coverage_order = ? WHERE patient_id = ? AND "
                       "plan_id = ?", (-n, patient_id, plan))
    db.execute_sql("UPDATE patient_coverage SET coverage_order = -coverage_order WHERE "
                   "patient_id = ?", (patient_id,))


def _require_coverage(db: Database, patient_id: int, plan_id: int) -> list[int]:
    require_patient(db, patient_id)
    plans = _coverage_plans(db, patient_id)
    if plan_id not in plans:
        raise ServiceError("the patient is not covered by this plan")
    return plans


def drop_coverage(db: Database, patient_id: int, plan_id: int, *, actor: Actor | None = None,
                  now: datetime | None = None) -> None:
    """The patient is no longer covered by the plan (later plans move up). Lines already on
    claims stay; estimate-only lines of the plan go at re-estimation."""
    with _change(db, "drop_coverage", actor, now, None, today=True) as change:
        plans = _require_coverage(db, patient_id, plan_id)
        db.execute_sql("DELETE FROM patient_coverage WHERE patient_id = ? AND plan_id = ?",
                       (patient_id, plan_id))
        plans.remove(plan_id)
        _renumber(db, patient_id, plans)
        change.patient_changed(patient_id)
        change.record("patient_coverage", patient_id, plan=plan_id, dropped=True)


def reorder_coverage(db: Database, patient_id: int, plan_ids: Sequence[int], *,
                     actor: Actor | None = None, now: datetime | None = None) -> None:
    """The patient's plans in their new order (primary first); every plan listed once."""
    with _change(db, "reorder_coverage", actor, now, None, today=True) as change:
        require_patient(db, patient_id)
        plans = _coverage_plans(db, patient_id)
        if sorted(plan_ids) != sorted(plans) or len(set(plan_ids)) != len(plan_ids):
            raise ServiceError("list each of the patient's plans exactly once")
        _renumber(db, patient_id, list(plan_ids))
        change.patient_changed(patient_id)
        change.record("patient_coverage", patient_id, order=list(plan_ids))


def move_coverage(db: Database, patient_id: int, plan_id: int, order: int, *,
                  actor: Actor | None = None, now: datetime | None = None) -> None:
    """Move one plan to ``order`` (the others keep their relative order)."""
    plans = _coverage_plans(db, patient_id)
    if plan_id not in plans:
        raise ServiceError("the patient is not covered by this plan")
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= len(plans):
        raise ServiceError(f"coverage order must be 1-{len(plans)}, not {order!r}")
    plans.remove(plan_id)
    plans.insert(order - 1, plan_id)
    reorder_coverage(db, patient_id, plans, actor=actor, now=now)


def set_coverage(db: Database, patient_id: int, plan_id: int, *, pending=KEEP,
                 subscriber_id=KEEP, relationship=KEEP, actor: Actor | None = None,
                 now: datetime | None = None) -> None:
    """The pending flag (informational only), the patient's subscriber id on the plan and
    their relationship to its subscriber."""
    with _change(db, "set_coverage", actor, now, None) as change:
        _require_coverage(db, patient_id, plan_id)
        values = {}
        if pending is not KEEP:
            if not isinstance(pending, bool):
                raise ServiceError("pending must be yes or no")
            values["pending"] = int(pending)
        if subscriber_id is not KEEP:
            values["subscriber_id"] = text_or_none(subscriber_id)
        if relationship is not KEEP:
            values["relationship"] = _relationship(relationship)
        before = {}
        if values:
            before = dict(zip(values, one(db, f"SELECT {', '.join(values)} FROM patient_coverage "
                                              "WHERE patient_id = ? AND plan_id = ?",
                                          (patient_id, plan_id))))
            sets = ", ".join(f"{k} = ?" for k in values)
            db.execute_sql(f"UPDATE patient_coverage SET {sets} WHERE patient_id = ? AND plan_id = ?",
                           (*values.values(), patient_id, plan_id))
        change.record("patient_coverage", patient_id, plan=plan_id, before=before, **values)


def set_benefits_used(db: Database, patient_id: int, plan_id: int, *, paid: int,
                      deductible_met: int, actor: Actor | None = None,
                      now: datetime | None = None, progress: Progress | None = None) -> None:
    """Benefits the patient used elsewhere this benefit year under the plan (replaces any
    earlier amounts; 0 and 0 clears them)."""
    with _change(db, "set_benefits_used", actor, now, progress) as change:
        _require_coverage(db, patient_id, plan_id)
        paid, ded = _money(paid, "benefits paid"), _money(deductible_met, "deductible met")
        old = one(db, "SELECT coalesce(sum(paid_cents), 0), coalesce(sum(deductible_met_cents), 0) "
                      "FROM benefit_used WHERE patient_id = ? AND plan_id = ?", (patient_id, plan_id))
        db.execute_sql("DELETE FROM benefit_used WHERE patient_id = ? AND plan_id = ?",
                       (patient_id, plan_id))
        if paid or ded:
            db.execute_sql("INSERT INTO benefit_used (patient_id, plan_id, paid_cents, "
                           "deductible_met_cents) VALUES (?, ?, ?, ?)", (patient_id, plan_id, paid, ded))
        change.patient_changed(patient_id)
        change.record("benefit_used", patient_id, plan=plan_id, paid=paid, deductible_met=ded,
                      before={"paid": old[0], "deductible_met": old[1]})


# --- fee schedules -------------------------------------------------------------------

def create_fee_schedule(db: Database, name: str, kind: str, *, actor: Actor | None = None,
                        now: datetime | None = None) -> int:
    with _change(db, "create_fee_schedule", actor, now, None) as change:
        name = text_or_none(name)
        if not name:
            raise ServiceError("a fee schedule needs a name")
        _choice(kind, m.FEE_SCHEDULE_KINDS, "fee schedule kind")
        if one(db, "SELECT 1 FROM fee_schedule WHERE name = ?", (name,)):
            raise ServiceError(f"there is already a fee schedule named {name!r}")
        cursor = db.execute_sql("INSERT INTO fee_schedule (kind, name) VALUES (?, ?)", (kind, name))
        schedule_id = db.last_insert_id(cursor)
        change.record("fee_schedule", schedule_id, name=name, kind=kind)
        return schedule_id


def set_fee(db: Database, schedule_id: int, code: str, amount: int | None, *,
            actor: Actor | None = None, now: datetime | None = None,
            progress: Progress | None = None) -> None:
    """One fee of a schedule (None removes it: the code then has no fee there)."""
    with _change(db, "set_fee", actor, now, progress) as change:
        _require_schedule(db, schedule_id)
        if code not in _known_codes(db):
            raise ServiceError(f"there is no procedure code {code!r}")
        amount = None if amount is None else _money(amount, f"the fee for {code}")
        old = one(db, "SELECT amount_cents FROM fee WHERE schedule_id = ? AND code = ?",
                  (schedule_id, code))
        _put_fee(db, schedule_id, code, amount)
        change.plans_changed(plans_using_schedule(db, schedule_id))
        change.record("fee_schedule", schedule_id, code=code, amount=amount,
                      before={"amount": old[0] if old else None})


def _require_schedule(db: Database, schedule_id: int) -> str:
    row = one(db, "SELECT kind FROM fee_schedule WHERE id = ?", (schedule_id,))
    if row is None:
        raise ServiceError(f"there is no fee schedule with id {schedule_id}")
    return row[0]


@dataclass(frozen=True)
class FeeLine:
    line: int      # line number in the file (1 = first)
    code: str
    amount: int    # cents
    old: int | None = None  # the schedule's fee before the import (None = no fee yet)


@dataclass(frozen=True)
class RejectedLine:
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class FeeImportPreview:
    """What importing a CSV would do: accepted fees and rejected lines with reasons."""
    accepted: tuple[FeeLine, ...]
    rejected: tuple[RejectedLine, ...]

    @property
    def ok(self) -> bool:
        """True when it can be imported (all-or-nothing: no rejected line, some fees)."""
        return not self.rejected and bool(self.accepted)

    @property
    def new(self) -> int:
        return sum(1 for f in self.accepted if f.old is None)

    @property
    def changed(self) -> int:
        return sum(1 for f in self.accepted if f.old is not None and f.old != f.amount)


def preview_fee_csv(db: Database, schedule_id: int, text: str) -> FeeImportPreview:
    """Check a ``code,fee`` CSV against a schedule (a first ``code,...`` header line is skipped)."""
    _require_schedule(db, schedule_id)
    known = {c.upper(): c for c in _known_codes(db)}
    old = dict(db.execute_sql("SELECT code, amount_cents FROM fee WHERE schedule_id = ?",
                              (schedule_id,)).fetchall())
    return parse_fee_csv(text, known, old)


def parse_fee_csv(text: str, known: Mapping[str, str], old: Mapping[str, int]) -> FeeImportPreview:
    """``known``: upper-cased code -> code; ``old``: the schedule's current fees."""
    accepted, rejected, seen = [], [], {}
    for n, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        cells = [c.strip() for c in next(csv.reader([raw]), [])]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or cells[0].startswith("#"):
            continue
        if n == 1 and cells[0].lower() in ("code", "procedure code", "proc code", "cdt"):
            continue  # header
        reason, code, amount = _fee_cells(cells, known)
        if reason is None and code in seen:
            reason = f"duplicate code {code} (also on line {seen[code]})"
        if reason is not None:
            rejected.append(RejectedLine(n, raw, reason))
            continue
        seen[code] = n
        accepted.append(FeeLine(n, code, amount, old.get(code)))
    return FeeImportPreview(tuple(accepted), tuple(rejected))


def _fee_cells(cells: list[str], known: Mapping[str, str]) -> tuple[str | None, str, int]:
    if len(cells) != 2:
        return "expected two columns: code, fee", "", 0
    code, money = cells
    if not code:
        return "no procedure code", "", 0
    if code.upper() not in known:
        return f"unknown code {code}", code, 0
    if not money:
        return "no fee", code, 0
    try:  # the one money parser: the same rules and range as a typed or imported fee
        amount = to_cents(money, signed=False)
    except MoneyError as exc:
        return f"fee {exc}", code, 0
    return None, known[code.upper()], amount


def import_fee_csv(db: Database, schedule_id: int, text: str, *, replace: bool = False,
                   actor: Actor | None = None, now: datetime | None = None,
                   progress: Progress | None = None) -> FeeImportPreview:
    """Import a ``code,fee`` CSV into a schedule, all or nothing: any rejected line refuses
    the whole file. ``replace=True`` also removes the schedule's fees the file does not list.
    Re-estimates the families covered by plans using the schedule."""
    with _change(db, "import_fees", actor, now, progress) as change:
        preview = preview_fee_csv(db, schedule_id, text)
        if preview.rejected:
            first = preview.rejected[0]
            raise ServiceError(f"{len(preview.rejected)} line(s) rejected, nothing imported; "
                               f"line {first.line}: {first.reason}")
        if not preview.accepted:
            raise ServiceError("the file holds no fees, nothing imported")
        if replace:
            db.execute_sql("DELETE FROM fee WHERE schedule_id = ?", (schedule_id,))
        db.cursor().executemany(
            "INSERT INTO fee (schedule_id, code, amount_cents) VALUES (?, ?, ?) ON CONFLICT "
            "(schedule_id, code) DO UPDATE SET amount_cents = excluded.amount_cents",
            [(schedule_id, f.code, f.amount) for f in preview.accepted])
        change.plans_changed(plans_using_schedule(db, schedule_id))
        change.record("fee_schedule", schedule_id, imported=len(preview.accepted),
                      new=preview.new, changed=preview.changed, replace=replace)
        return preview


# --- estimates -----------------------------------------------------------------------

def update_estimates(db: Database, *, plan_ids: Sequence[int] | None = None,
                     progress: Progress | None = None, actor: Actor | None = None,
                     now: datetime | None = None) -> int:
    """Re-estimate the families covered by ``plan_ids`` (None: every family of the practice);
    returns how many families were re-estimated."""
    with _change(db, "update_estimates", actor, now, progress) as change:
        if plan_ids is None:
            change.families.update(g for (g,) in db.execute_sql(
                "SELECT DISTINCT coalesce(guarantor_id, id) FROM patient"))
        else:
            change.plans_changed(plan_ids)
        change.record("estimates", None, plans=None if plan_ids is None else list(plan_ids))
        return len(change.families)
