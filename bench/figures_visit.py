"""The visit's figures: registering a patient (committed: checks, duplicates, chart number,
search keys, the family re-estimated, the audit row) and opening a 50-line treatment plan (what
the plan screen reads: the family by the one loader, its stored estimates, the pure plan), each
on a throw-away copy of the practice, with a reference measured in the same run."""
from __future__ import annotations

from datetime import date

from . import cache
from .context import Context
from .report import Figure, unavailable
from .timing import measure_each

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
    from store.services import add_procedure, register_patient

    op, size = "register a patient", f"{ctx.patients:,} patients"
    reps = ctx.reps(200, 30)
    heads = _families(db, ctx, reps + 2)
    calls = [lambda n=n, head=head: register_patient(
        db, {"last_name": f"Benchley{n}", "first_name": "Ann",
             "birthdate": f"20{n % 20:02d}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
             "phone": f"(617) 555-{n:04d}", "city": "Boston"}, guarantor=head)
             for n, head in enumerate(heads)]
    # the reference: a completed procedure posted to each of the same families, the posting
    # every visit makes (one transaction, the family re-estimated, an audit row)
    others = _families(db, ctx, 2 * reps + 4)[reps + 2:]
    posts = [lambda head=head: add_procedure(db, head, "D0120", provider=first)
             for head in others]
    first = db.execute_sql("SELECT min(id) FROM provider").fetchone()[0]
    measure_each(calls[:2] + posts[:2])  # warm the caches
    timing = measure_each(calls[2:])
    ref = measure_each(posts[2:])
    return Figure(op, size, timing, target_ratio=1.5, target_stat="median",
                  reference="a procedure posted to a family", ref_timing=ref,
                  note=f"register_patient, committed: {reps} children joining insured families "
                  "(each family re-estimated, as any posting does), with the duplicate check, "
                  "chart number and Find patient's keys; the reference posts one procedure to "
                  f"{reps} other such families. Both first postings on their family: they also "
                  "write its open lines' explanations (see README)")


def _treatment_plan(db, ctx: Context) -> Figure:
    from store.desks.frontdesk import DbFrontDesk
    from store.desks.visit import DbVisitDesk
    from store.services import add_procedure

    op, size = f"open a {PLAN_LINES}-line treatment plan", f"{ctx.patients:,} patients"
    patients = _families(db, ctx, ctx.reps(12, 4))
    first = db.execute_sql("SELECT min(id) FROM provider").fetchone()[0]
    for pid in patients:  # set up, not timed: fifty planned procedures each
        provider = db.execute_sql("SELECT provider_id FROM procedure WHERE patient_id = ? "
                                  "LIMIT 1", (pid,)).fetchone()
        for n in range(PLAN_LINES):
            add_procedure(db, pid, CODES[n % len(CODES)], planned=True,
                          provider=provider[0] if provider else first)
    desk = DbVisitDesk(db, now=lambda: _now())
    keys = [str(p) for p in patients]
    rounds = ctx.reps(5, 2)
    measure_each([lambda k=k: desk.treatment_plan(k) for k in keys])  # warm
    timing = measure_each([lambda k=k: desk.treatment_plan(k) for k in keys], rounds=rounds)
    ref = measure_each([lambda k=k: DbFrontDesk(db).account(k) for k in keys], rounds=rounds)
    lines = len(desk.treatment_plan(keys[0]).lines)
    return Figure(op, size, timing, target_ratio=2, target_stat="median",
                  reference="the same patients' account opened", ref_timing=ref, note=f"DbVisitDesk.treatment_plan: {len(keys)} insured patients "
                  f"with {lines} planned lines each, {rounds} rounds: the family by the one "
                  "loader, its stored estimates, the pure plan with each plan's maximum left")


def _now():
    from datetime import datetime
    return datetime.combine(date.today(), datetime.min.time())
