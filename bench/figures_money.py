"""Money figures: posting an insurance payment (committed, with re-estimation) on a copy of
the practice, re-estimating one family, the per-carrier report and the practice's A/R aging
(the app's own reports, `store.reports`)."""
from __future__ import annotations

from datetime import date, timedelta

from . import cache
from .context import Context
from .report import Figure, unavailable
from .timing import measure, measure_each


def insurance_payment(ctx: Context) -> list[Figure]:
    op, size = "insurance payment posted", f"{ctx.patients:,} patients"
    try:
        from store import audit
        from store.db import open_database, write_transaction
        from store.services import EobLine, enter_insurance_payment
    except ImportError as exc:
        return [unavailable(op, size, f"store.services: {exc}")]
    # Enough payments that the p99 is a percentile, not just the slowest one (200: the
    # 2nd slowest). Each pays a different claim, so the families differ in size.
    reps = ctx.reps(200, 30)
    work = cache.working_copy(ctx.db_path)
    db = open_database(str(work))  # a file, or a postgresql:// URL
    try:
        payments = _sent_claims(db, ctx, reps + 2)
        if len(payments) < reps + 2:
            return [unavailable(op, size, "too few sent claims in the practice")]
        calls = [lambda c=c, lines=lines: enter_insurance_payment(
            db, [EobLine(c, proc, paid=paid) for proc, paid in lines],
            amount=sum(paid for _, paid in lines), check_no="BENCH",
            confirm_credit=True)  # a line paid as estimated may leave a credit (issue 11's rule)
            for c, lines in payments]
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
    from store.derived.estimates import reestimate_patient

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
                  note="store.derived.estimates.reestimate_patient alone (read the family, "
                       "estimate, write changes), rolled back; no target")


def carrier_reports(ctx: Context) -> list[Figure]:
    """The one-year per-carrier report for every carrier (what an office runs), as the
    report screen and `dentledger report` run it; reference: the same from the postings."""
    from store.reports import carrier_ledger, carriers_report

    db = ctx.open()
    year = _last_full_year(db)
    start, end = date(year, 1, 1), date(year, 12, 31)
    op, size = f"carrier report {year}, all carriers", f"{ctx.patients:,} patients"
    try:
        timing = measure(lambda: carriers_report(db, start, end), repeat=ctx.reps(50, 10))
        exact = measure(lambda: carrier_ledger(db, start, end, exact=True),
                        repeat=ctx.reps(5, 2))
    finally:
        db.close()
    return [Figure(op, size, timing, target_ms=25, reference="from the postings (exact SQL)",
                   ref_timing=exact,
                   note="store.reports.carriers_report: whole months from the monthly sums "
                        "(store.derived.report_summary), partial months at the edges by the "
                        "exact SQL")]


def aging(ctx: Context) -> Figure:
    from store.reports import aging_report

    db = ctx.open()
    try:
        today = _as_of(db)
        timing = measure(lambda: aging_report(db, today), repeat=ctx.reps(5, 2))
        table = aging_report(db, today)
    finally:
        db.close()
    owing = table.sections[0]
    return Figure("A/R aging, whole practice", f"{ctx.patients:,} patients",
                  timing, target_ms=2000, target_stat="median",
                  note=f"store.reports.aging_report (one scan of the ledger lines); "
                       f"{len(owing.rows):,} families owe "
                       f"{owing.total['balance'] / 100:,.2f}")


def _as_of(db) -> date:
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'as_of'").fetchone()
    return date.fromisoformat(row[0]) if row else date.today()


def _last_full_year(db) -> int:
    return (_as_of(db) - timedelta(days=366)).year
