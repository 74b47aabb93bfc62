"""The visit's figures: registering a patient (committed: checks, duplicates, chart number,
search keys, the family re-estimated, the audit row) and opening a 50-line treatment plan (what
the plan screen reads: the family by the one loader, its stored estimates, the pure plan), each
on a throw-away copy of the practice, with a reference measured in the same run."""
from __future__ import annotations

from datetime import date

from . import cache
from .context import Context
from .report import Figure, unavailable
from .timing import measure, measure_each

PLAN_LINES = 50
CODES = ("D0120", "D1110", "D2392", "D2740", "D0220", "D2950", "D4341", "D2391", "D0274", "D3330")


def visit(ctx: Context) -> list[Figure]:
    try:
        from store.services import register_patient  # noqa: F401
    except ImportError as exc:
        return [unavailable("register a patient", f"{ctx.patients:,} patients", str(exc))]
    work = cache.working_copy(ctx.db_path)
    try:
        from store.db import open_database
        db = open_database(str(work))
        try:
            return [_register(db, ctx), _treatment_plan(db, ctx)]
        finally:
            db.close()
    finally:
        cache.remove(work)


def _families(db, ctx: Context, count: int) -> list[int]:
    """Guarantors of ordinary insured families, spread over the practice."""
    big = ",".join(str(p) for p in ctx.big_ledgers.values()) or "0"
    return [g for (g,) in db.execute_sql(
        "SELECT p.id FROM patient p WHERE p.guarantor_id = p.id AND p.id NOT IN "
        f"({big}) AND EXISTS (SELECT 1 FROM patient_coverage c WHERE c.patient_id = p.id) "
        "ORDER BY (p.id * 7919) % 10007 LIMIT ?", (count,))]


def _register(db, ctx: Context) -> Figure:
    from store import audit
    from store.db import write_transaction
    from store.services import register_patient

    op, size = "register a patient", f"{ctx.patients:,} patients"
    reps = ctx.reps(200, 30)
    heads = _families(db, ctx, reps + 2)
    calls = [lambda n=n, head=head: register_patient(
        db, {"last_name": f"Benchley{n}", "first_name": "Ann", "birthdate": "2012-05-06",
             "phone": f"(617) 555-{n:04d}", "city": "Boston"},
        guarantor=head if n % 2 else None) for n, head in enumerate(heads)]
    measure_each(calls[:2])  # warm the caches
    timing = measure_each(calls[2:])

    def bare_commit():
        with write_transaction(db):
            audit.record(db, "bench", user="bench", entity="bench")

    ref = measure(bare_commit, repeat=reps)
    return Figure(op, size, timing, target_ms=25, reference="bare write transaction",
                  ref_timing=ref, note=f"register_patient, committed: {reps} patients, every "
                  "other one joining an insured family (re-estimated), the others a new family; "
                  "the duplicate check, chart number and Find patient's keys included")


def _treatment_plan(db, ctx: Context) -> Figure:
    from store.desks.frontdesk import DbFrontDesk
    from store.desks.visit import DbVisitDesk
    from store.services import add_procedure

    op, size = f"open a {PLAN_LINES}-line treatment plan", f"{ctx.patients:,} patients"
    patients = _families(db, ctx, ctx.reps(12, 4))
    for pid in patients:  # set up, not timed: fifty planned procedures each
        provider = db.execute_sql("SELECT provider_id FROM procedure WHERE patient_id = ? "
                                  "LIMIT 1", (pid,)).fetchone()
        for n in range(PLAN_LINES):
            add_procedure(db, pid, CODES[n % len(CODES)], planned=True,
                          provider=provider[0] if provider else None)
    desk = DbVisitDesk(db, now=lambda: _now())
    keys = [str(p) for p in patients]
    rounds = ctx.reps(5, 2)
    measure_each([lambda k=k: desk.treatment_plan(k) for k in keys])  # warm
    timing = measure_each([lambda k=k: desk.treatment_plan(k) for k in keys], rounds=rounds)
    ref = measure_each([lambda k=k: DbFrontDesk(db).account(k) for k in keys], rounds=rounds)
    lines = len(desk.treatment_plan(keys[0]).lines)
    return Figure(op, size, timing, target_ms=100, reference="the same patients' account opened",
                  ref_timing=ref, note=f"DbVisitDesk.treatment_plan: {len(keys)} insured patients "
                  f"with {lines} planned lines each, {rounds} rounds: the family by the one "
                  "loader, its stored estimates, the pure plan with each plan's maximum left")


def _now():
    from datetime import datetime
    return datetime.combine(date.today(), datetime.min.time())
