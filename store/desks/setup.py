"""The insurance set-up screens' data (the TUI's `tui.setup.port.SetupDesk`) over the database.

Screens speak in practice ids (file ids, or generated ones such as ``PL12``) and model types
(`estimator.model.Plan`, `Carrier`, `FeeSchedule`); this adapter turns them into database ids
and calls `store.services.setup`, which does the writing. Refusals come back as `SetupError`
(a ValueError with one sentence for the front desk).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from estimator import model as m
from estimator.code_estimates import CodeGrid, code_grid

from ..connection import Database, StoreError, revision
from ..family.ids import IdMap, display_name, load_id_map
from ..family.loader import read_practice
from ..read.patients import resolve_patient
from ..services import setup as svc
from ..services.common import ServiceError


class SetupError(ValueError):
    """A set-up change refused (nothing was written), in one sentence."""


@dataclass(frozen=True)
class CarrierRow:
    carrier: m.Carrier
    plans: int


@dataclass(frozen=True)
class PlanRow:
    plan: m.Plan
    carrier_name: str
    subscriber_name: str
    patients: int      # patients covered by the plan
    identical: int     # other plans identical to it


@dataclass(frozen=True)
class PlanView:
    plan: m.Plan
    carrier_name: str
    subscriber_name: str
    covered: tuple[str, ...]                  # "Name (primary)" of every patient it covers
    identical: tuple[tuple[str, str], ...]    # (plan id, subscriber name) of identical plans


@dataclass(frozen=True)
class ScheduleRow:
    schedule: m.FeeSchedule
    plans: int
    providers: int


@dataclass(frozen=True)
class GridView:
    grid: CodeGrid
    plan_label: str
    identical: int                 # other plans identical to this one
    shared: dict                   # schedule id -> how many plans use it


@dataclass(frozen=True)
class CoverageRow:
    order: int
    plan_id: str
    label: str                     # carrier, employer, group
    subscriber_name: str
    subscriber_id: str | None
    pending: bool
    paid_elsewhere: int
    deductible_met: int
    effective: date | None = None    # first day covered (None: no limit)
    terminated: date | None = None   # last day covered
    relationship: str | None = None  # the patient to the subscriber (model.RELATIONSHIPS)


@dataclass(frozen=True)
class CoverageView:
    patient_id: str
    patient_name: str
    rows: tuple[CoverageRow, ...]


ORDER_NAMES = {1: "primary", 2: "secondary", 3: "tertiary", 4: "quaternary"}
_KINDS = ("provider", "fee_schedule", "carrier", "plan")


def _refused(call):
    """Run a service call, turning its refusal into `SetupError`."""
    def wrapped(*args, **kw):
        try:
            return call(*args, **kw)
        except (ServiceError, StoreError) as exc:
            raise SetupError(str(exc)) from None
    wrapped.__name__ = call.__name__
    wrapped.__doc__ = call.__doc__
    return wrapped


class DbSetupDesk:
    """Implements `tui.setup.port.SetupDesk` over one open database."""

    def __init__(self, db: Database):
        self.db = db
        self._cache: tuple[int, m.Practice, IdMap] | None = None

    # -- reading --------------------------------------------------------------------
    def revision(self) -> int:
        return revision(self.db)

    def practice(self) -> m.Practice:
        """The practice's set-up (codes, schedules, providers, carriers, plans; no patients)."""
        return self._load()[0]

    def _ids(self) -> IdMap:
        return self._load()[1]

    def _load(self) -> tuple[m.Practice, IdMap]:
        rev = self.revision()
        if self._cache is None or self._cache[0] != rev:
            ids = load_id_map(self.db, kinds=_KINDS)
            subscribers = load_id_map(self.db, kinds=("patient",), where={
                "patient": "id IN (SELECT subscriber_id FROM plan)"})
            for db_id, pid in subscribers.to_practice["patient"].items():
                ids.add("patient", pid, db_id)
            self._cache = (rev, read_practice(self.db, ids, []), ids)
        return self._cache[1], self._cache[2]

    def _db_id(self, kind: str, pid: str) -> int:
        try:
            return self._ids().db_id(kind, pid)
        except StoreError as exc:
            raise SetupError(str(exc)) from None

    def _names(self, patient_ids) -> dict[int, str]:
        inn = ",".join(str(int(i)) for i in set(patient_ids)) or "NULL"
        rows = self.db.execute_sql(f"SELECT id, last_name, first_name FROM patient WHERE id IN ({inn})")
        return {i: display_name(last, first) for i, last, first in rows}

    def as_of(self) -> date:
        return self.practice().as_of

    def procedure_codes(self) -> list[m.ProcedureCode]:
        return list(self.practice().procedure_codes)

    def writeoff_codes(self) -> list[m.AdjustmentCode]:
        rows = self.db.execute_sql("SELECT code, kind, description FROM adjustment_code "
                                   "WHERE kind = 'writeoff' ORDER BY code")
        return [m.AdjustmentCode(*row) for row in rows]

    def carriers(self) -> list[CarrierRow]:
        counts: dict[str, int] = {}
        for plan in self.practice().plans:
            counts[plan.carrier] = counts.get(plan.carrier, 0) + 1
        return [CarrierRow(c, counts.get(c.id, 0)) for c in self.practice().carriers]

    def plans(self) -> list[PlanRow]:
        practice, ids = self._load()
        carriers = {c.id: c.name for c in practice.carriers}
        subs = self._names(ids.db_id("patient", p.subscriber) for p in practice.plans)
        covered = dict(self.db.execute_sql(
            "SELECT plan_id, count(*) FROM patient_coverage GROUP BY plan_id").fetchall())
        keys = [svc.identity_key(vars(p)) for p in practice.plans]
        rows = []
        for plan, key in zip(practice.plans, keys):
            db_id = ids.db_id("plan", plan.id)
            rows.append(PlanRow(plan, carriers.get(plan.carrier, ""),
                                subs.get(ids.db_id("patient", plan.subscriber), ""),
                                covered.get(db_id, 0), keys.count(key) - 1))
        return rows

    def plan(self, plan_id: str) -> PlanView:
        practice, ids = self._load()
        plan = next((p for p in practice.plans if p.id == plan_id), None)
        if plan is None:
            raise KeyError(plan_id)
        db_id = ids.db_id("plan", plan_id)
        covered = self.db.execute_sql(
            "SELECT c.coverage_order, p.last_name, p.first_name FROM patient_coverage c JOIN patient p "
            "ON p.id = c.patient_id WHERE c.plan_id = ? ORDER BY p.name_lower, p.id", (db_id,)).fetchall()
        same = svc.plans_identical_to(self.db, db_id)
        subscriber_of = dict(self.db.execute_sql(
            f"SELECT id, subscriber_id FROM plan WHERE id IN ({','.join(map(str, same)) or 'NULL'})"))
        names = self._names([ids.db_id("patient", plan.subscriber), *subscriber_of.values()])
        carrier = next((c.name for c in practice.carriers if c.id == plan.carrier), "")
        return PlanView(
            plan, carrier, names.get(ids.db_id("patient", plan.subscriber), ""),
            tuple(f"{display_name(last, first)} ({ORDER_NAMES.get(o, o)})" for o, last, first in covered),
            tuple((ids.practice_id("plan", i), names.get(subscriber_of[i], "")) for i in same))

    def fee_schedules(self) -> list[ScheduleRow]:
        practice = self.practice()
        plans = {s.id: 0 for s in practice.fee_schedules}
        for plan in practice.plans:
            for sid in {plan.fee_schedule, plan.allowed_fee_schedule, plan.copay_schedule} - {None}:
                plans[sid] = plans.get(sid, 0) + 1
        providers = {}
        for prov in practice.providers:
            if prov.fee_schedule:
                providers[prov.fee_schedule] = providers.get(prov.fee_schedule, 0) + 1
        return [ScheduleRow(s, plans.get(s.id, 0), providers.get(s.id, 0))
                for s in practice.fee_schedules]

    def fee_schedule(self, schedule_id: str) -> m.FeeSchedule:
        found = next((s for s in self.practice().fee_schedules if s.id == schedule_id), None)
        if found is None:
            raise KeyError(schedule_id)
        return found

    def grid(self, plan_id: str) -> GridView:
        view = self.plan(plan_id)
        grid = code_grid(self.practice(), plan_id)
        shared = {row.schedule.id: row.plans for row in self.fee_schedules()}
        label = " ".join(filter(None, (view.carrier_name, view.plan.group_number, "-",
                                       view.subscriber_name)))
        return GridView(grid, label, len(view.identical), shared)

    def find_patient(self, text: str) -> tuple[str, str]:
        """(patient id, name) of the one patient ``text`` names."""
        try:
            db_id = resolve_patient(self.db, text)
        except StoreError as exc:
            raise SetupError(str(exc)) from None
        return self._patient_pid(db_id), self._names([db_id])[db_id]

    def _patient_pid(self, db_id: int) -> str:
        row = self.db.execute_sql("SELECT file_id FROM patient WHERE id = ?", (db_id,)).fetchone()
        return row[0] or str(db_id)

    def _patient_db_id(self, patient_id: str) -> int:
        """A patient named as the front desk names them: file id, database id, or ``PT12``."""
        row = self.db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (patient_id,)).fetchone()
        if row is None:
            digits = patient_id[2:] if patient_id.startswith("PT") else patient_id
            if digits.isdigit():
                row = self.db.execute_sql("SELECT id FROM patient WHERE id = ?", (int(digits),)).fetchone()
        if row is None:
            raise SetupError(f"there is no patient {patient_id!r}")
        return row[0]

    def coverage(self, patient_id: str) -> CoverageView:
        practice, ids = self._load()
        pat = self._patient_db_id(patient_id)
        rows = self.db.execute_sql(
            "SELECT c.coverage_order, c.plan_id, c.subscriber_id, c.pending, "
            "coalesce(sum(u.paid_cents), 0), coalesce(sum(u.deductible_met_cents), 0), "
            "c.effective, c.terminated, c.relationship "
            "FROM patient_coverage c LEFT JOIN benefit_used u ON u.patient_id = c.patient_id "
            "AND u.plan_id = c.plan_id WHERE c.patient_id = ? GROUP BY c.id "
            "ORDER BY c.coverage_order", (pat,)).fetchall()
        plans = {row.plan.id: row for row in self.plans()}
        out = []
        for order, plan_db, sid, pending, paid, ded, start, end, rel in rows:
            row = plans[ids.practice_id("plan", plan_db)]
            out.append(CoverageRow(order, row.plan.id, plan_label(row), row.subscriber_name, sid,
                                   bool(pending), paid, ded, _day(start), _day(end), rel))
        return CoverageView(patient_id, self._names([pat])[pat], tuple(out))

    # -- writing ---------------------------------------------------------------------
    @_refused
    def save_carrier(self, carrier_id: str | None, *, name: str, writeoff_code: str | None,
                     electronic_id: str | None) -> str:
        """Create (``carrier_id`` None) or change a carrier; returns its id."""
        values = dict(name=name, writeoff_code=writeoff_code, electronic_id=electronic_id)
        if carrier_id is None:
            db_id = svc.create_carrier(self.db, **values)
            return self._fresh_id("carrier", db_id)
        svc.edit_carrier(self.db, self._db_id("carrier", carrier_id), **values)
        return carrier_id

    def _fresh_id(self, kind: str, db_id: int) -> str:
        return self._ids().practice_id(kind, db_id)

    def _plan_values(self, plan: m.Plan) -> dict:
        """A model.Plan's fields (PLAN_FIELDS) with references turned into database ids."""
        out = {}
        for name in svc.PLAN_FIELDS:
            value = getattr(plan, name)
            if name == "carrier":
                value = self._db_id("carrier", value)
            elif name in ("fee_schedule", "allowed_fee_schedule", "copay_schedule") and value:
                value = self._db_id("fee_schedule", value)
            elif name == "same_plan_as" and value:
                value = self._db_id("plan", value)
            out[name] = value
        return out

    @_refused
    def save_plan(self, plan: m.Plan, *, scope: str | None = None, attach: bool = False,
                  progress=None) -> str:
        """Create (``plan.id`` empty; ``plan.subscriber`` a patient id) or change a plan. A
        change needs ``scope`` ("this" or "identical"); returns the plan id. May run in a
        worker thread (``progress(done, total)`` families re-estimated)."""
        values = self._plan_values(plan)
        with _thread_connection(self.db):
            if not plan.id:
                subscriber = self._patient_db_id(plan.subscriber)
                db_id = svc.create_plan(self.db, subscriber, attach=attach, progress=progress,
                                        **values)
                return self._fresh_id("plan", db_id)
            old = self._plan_values(self.plan(plan.id).plan)
            changes = {k: v for k, v in values.items() if _differs(k, v, old[k])}
            if changes:
                if scope is None:
                    raise SetupError("choose whether the change is for this plan or every "
                                     "identical plan")
                svc.edit_plan(self.db, self._db_id("plan", plan.id), changes, scope=scope,
                              progress=progress)
            return plan.id

    @_refused
    def set_code_term(self, plan_id: str, code: str, column: str, value, *, scope: str) -> None:
        """One grid cell: ``column`` "allowed", "percent", "copay" or "benefit"; None clears it."""
        if column not in svc.GRID_FIELDS:
            raise SetupError(f"the grid has no editable column {column!r}")
        svc.set_code_terms(self.db, self._db_id("plan", plan_id), code, scope=scope, **{column: value})

    @_refused
    def create_fee_schedule(self, name: str, kind: str) -> str:
        return self._fresh_id("fee_schedule", svc.create_fee_schedule(self.db, name, kind))

    @_refused
    def set_fee(self, schedule_id: str, code: str, amount: int | None) -> None:
        svc.set_fee(self.db, self._db_id("fee_schedule", schedule_id), code, amount)

    @_refused
    def preview_fees(self, schedule_id: str, text: str) -> svc.FeeImportPreview:
        return svc.preview_fee_csv(self.db, self._db_id("fee_schedule", schedule_id), text)

    @_refused
    def import_fees(self, schedule_id: str, text: str, *, replace: bool = False,
                    progress=None) -> svc.FeeImportPreview:
        """All or nothing; may run in a worker thread (``progress(done, total)`` families)."""
        schedule = self._db_id("fee_schedule", schedule_id)
        with _thread_connection(self.db):
            return svc.import_fee_csv(self.db, schedule, text, replace=replace, progress=progress)

    @_refused
    def update_estimates(self, *, progress=None) -> int:
        """Re-estimate every family (may run in a worker thread)."""
        with _thread_connection(self.db):
            return svc.update_estimates(self.db, progress=progress)

    @_refused
    def add_coverage(self, patient_id: str, plan_id: str, order: int | None = None, *,
                     effective: date | str | None = svc.TODAY, terminated: date | None = None,
                     subscriber_id: str | None = None, relationship: str | None = None) -> int:
        return svc.add_coverage(self.db, self._patient_db_id(patient_id),
                                self._db_id("plan", plan_id), order=order, effective=effective,
                                terminated=terminated, subscriber_id=subscriber_id,
                                relationship=relationship)

    @_refused
    def set_relationship(self, patient_id: str, plan_id: str, relationship: str | None) -> None:
        svc.set_coverage(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id),
                         relationship=relationship)

    @_refused
    def set_coverage_dates(self, patient_id: str, plan_id: str, effective: date | None,
                           terminated: date | None) -> None:
        svc.set_coverage_dates(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id),
                               effective=effective, terminated=terminated)

    @_refused
    def drop_coverage(self, patient_id: str, plan_id: str) -> None:
        svc.drop_coverage(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id))

    @_refused
    def move_coverage(self, patient_id: str, plan_id: str, order: int) -> None:
        svc.move_coverage(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id), order)

    @_refused
    def set_pending(self, patient_id: str, plan_id: str, pending: bool) -> None:
        svc.set_coverage(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id),
                         pending=pending)

    @_refused
    def set_subscriber_id(self, patient_id: str, plan_id: str, subscriber_id: str | None) -> None:
        svc.set_coverage(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id),
                         subscriber_id=subscriber_id)

    @_refused
    def set_benefits_used(self, patient_id: str, plan_id: str, *, paid: int,
                          deductible_met: int) -> None:
        svc.set_benefits_used(self.db, self._patient_db_id(patient_id), self._db_id("plan", plan_id),
                              paid=paid, deductible_met=deductible_met)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def plan_label(row: PlanRow) -> str:
    """"Delta Dental PPO Riverside Hospital RH-20041": how the front desk names a plan."""
    plan = row.plan
    return " ".join(filter(None, (row.carrier_name, plan.type.replace("_", " ").upper()
                                  if plan.type == "ppo" else plan.type.replace("_", " "),
                                  plan.employer, plan.group_number)))


def _differs(name: str, new, old) -> bool:
    if name in ("exclusions", "deductible_waived_on"):
        return sorted(new) != sorted(old)
    if isinstance(new, dict) or isinstance(old, dict) or hasattr(new, "items"):
        return dict(new) != dict(old)
    return new != old


class _thread_connection:
    """In a worker thread, close that thread's own connection afterwards (a file database
    gives each thread its connection; an in-memory one shares the only one)."""

    def __init__(self, db: Database):
        self.db = db

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        worker = threading.current_thread() is not threading.main_thread()
        if worker and self.db.thread_safe and not self.db.is_closed():
            self.db.close()
        return False


__all__ = ["DbSetupDesk", "SetupError", "CarrierRow", "PlanRow", "PlanView", "ScheduleRow",
           "GridView", "CoverageRow", "CoverageView", "plan_label"]
