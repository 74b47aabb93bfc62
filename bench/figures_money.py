"""Money figures: posting an insurance payment (committed, with re-estimation) on a copy of
the practice, re-estimating one family, the per-carrier report and the practice's A/R aging
(their SQL lives in `bench.reports_sql` until the app has reports)."""
from __future__ import annotations

from datetime import date, timedelta

from . import cache
from .context import Context
from .report import Figure, unavailable
from .reports_sql import PROPOSED_INDEXES, ar_aging, carrier_report
from .timing import measure, measure_each


def insurance_payment(ctx: Context) -> list[Figure]:
    op, size = "insurance payment posted", f"{ctx.patients:,} patients"
    try:
        from store import audit
        from store.db import open_database, write_transaction
        from store.services import EobLine, enter_insurance_payment
    except ImportError as exc:
        return [unavailable(op, size, f"store.services: {exc}")]
    reps = ctx.reps(30, 8)
    work = cache.working_copy(ctx.db_path)
    db = open_database(str(work))
    try:
        payments = _sent_claims(db, ctx, reps + 2)
        if len(payments) < reps + 2:
            return [unavailable(op, size, "too few sent claims in the practice")]
        calls = [lambda c=c, lines=lines: enter_insurance_payment(
            db, [EobLine(c, proc, paid=paid) for proc, paid in lines],
            amount=sum(paid for _, paid in lines), check_no="BENCH") for c, lines in payments]
        measure_each(calls[:2])  # warm the caches
        timing = measure_each(calls[2:])

        def bare_commit():
            with write_transaction(db):
                audit.record(db, "bench", user="bench", entity="bench")

        ref = measure(bare_commit, repeat=reps)
        figures = [Figure(op, size, timing, target_ms=25, reference="bare write transaction",
                          ref_timing=ref, note=f"enter_insurance_payment, committed, re-estimation "
                          f"included: {reps} sent claims of ordinary families paid as estimated, "
                          "on a throw-away copy of the practice")]
        figures.append(_reestimate(db, ctx, payments))
        return figures
    finally:
        db.close()
        cache.remove(work)


def _sent_claims(db, ctx: Context, count: int) -> list[tuple[int, list[tuple[int, int]]]]:
    """Sent claims of ordinary (not big-ledger) patients with what each line is estimated
    to pay, spread over the practice."""
    big = ",".join(str(p) for p in ctx.big_ledgers.values()) or "0"
    claims = [c for (c,) in db.execute_sql(
        f"SELECT id FROM claim WHERE status = 'sent' AND patient_id NOT IN ({big}) "
        "ORDER BY (id * 7919) % 10007 LIMIT ?", (count,))]
    out = []
    for claim in claims:
        lines = db.execute_sql("SELECT procedure_id, ins_est_cents FROM claim_proc "
                               "WHERE claim_id = ? ORDER BY claim_seq", (claim,)).fetchall()
        if lines:
            out.append((claim, [(proc, est) for proc, est in lines]))
    return out


def _reestimate(db, ctx: Context, payments) -> Figure:
    op, size = "re-estimate one family", f"{ctx.patients:,} patients"
    from store.estimates import reestimate_patient

    patients = [db.execute_sql("SELECT patient_id FROM claim WHERE id = ?", (c,)).fetchone()[0]
                for c, _ in payments]

    def run(pid):
        db.execute_sql("BEGIN")
        try:
            reestimate_patient(db, pid)
        finally:
            db.execute_sql("ROLLBACK")

    timing = measure_each([lambda p=p: run(p) for p in patients])
    return Figure(op, size, timing,
                  note="store.estimates.reestimate_patient alone (read the family, estimate, "
                       "write changes), rolled back; no target")


def carrier_reports(ctx: Context) -> list[Figure]:
    db = ctx.open()
    year = _last_full_year(db)
    reps = ctx.reps(15, 5)
    op, size = f"carrier report {year}", f"{ctx.patients:,} patients"
    try:
        current = measure(lambda: carrier_report(db, year), repeat=reps)
        db.execute_sql("BEGIN")  # the proposed indexes exist only inside this transaction
        try:
            for sql in PROPOSED_INDEXES:
                db.execute_sql(sql)
            proposed = measure(lambda: carrier_report(db, year), repeat=reps)
        finally:
            db.execute_sql("ROLLBACK")
    finally:
        db.close()
    return [
        Figure(op, size, current, target_ms=25,
               reference="+ proposed indexes", ref_timing=proposed,
               note="SQL in bench/reports_sql.py: insurance paid and written off from the "
                    "claim payment lines of the year's checks, patient paid by primary carrier"),
        Figure(op + ", proposed indexes", size, proposed, target_ms=25,
               note="indexes: " + "; ".join(s.split(" ON ", 1)[1] for s in PROPOSED_INDEXES)),
    ]


def aging(ctx: Context) -> Figure:
    db = ctx.open()
    try:
        today = _as_of(db)
        timing = measure(lambda: ar_aging(db, today), repeat=ctx.reps(5, 2))
        totals = ar_aging(db, today)
    finally:
        db.close()
    owed = sum(v for k, v in totals.items() if k != "families_owing")
    return Figure("A/R aging, whole practice", f"{ctx.patients:,} patients",
                  timing, target_ms=2000, target_stat="median",
                  note=f"SQL aggregate in bench/reports_sql.py; {totals['families_owing']:,} "
                       f"families owe {owed / 100:,.2f} (definition of estimator.ledger aging)")


def _as_of(db) -> date:
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'as_of'").fetchone()
    return date.fromisoformat(row[0]) if row else date.today()


def _last_full_year(db) -> int:
    return (_as_of(db) - timedelta(days=366)).year
