"""Audit figures: what the hash chain costs a posting (postings per second with the chain
against the same postings without it, interleaved in one run on a throw-away copy), and how
fast ``audit verify`` walks a long log (rows per second).

The posting is a ledger note: a whole posting (one write transaction, the family
re-estimated, the audit row) that does little else, so the chain's share shows. (A patient
payment on the 100,000-patient practice spends most of a second reading the practice's id
map in `store.read.readback.open_procedures`, which would hide it.)"""
from __future__ import annotations

import gc
import time

from . import cache
from .context import Context
from .report import Figure, unavailable
from .timing import Timing, measure

VERIFY_ROWS = 100_000  # audit rows added to the copy before it is verified


def posting_with_chain(ctx: Context) -> list[Figure]:
    """Ledger notes (re-estimation included) and bare audit rows, each alternately with
    and without the chain (`store.audit.chain.unchained`, the reference)."""
    size = f"{ctx.patients:,} patients"
    try:
        from store import audit
        from store.audit.chain import unchained
        from store.db import open_database, write_transaction
        from store.services import add_ledger_note
    except ImportError as exc:
        return [unavailable("posting with the audit chain", size, str(exc))]
    reps = ctx.reps(200, 30)
    work = cache.working_copy(ctx.db_path)
    db = open_database(str(work))
    try:
        patients = _ordinary_patients(db, ctx, reps + 1)
        notes = [lambda p=p: add_ledger_note(db, p, "bench") for p in patients]
        chained, plain = _alternate(notes, notes, unchained)

        def bare() -> None:
            with write_transaction(db):
                audit.record(db, "bench", user="bench", entity="bench")

        bare_chained, bare_plain = _alternate([bare] * reps * 5, [bare] * reps * 5, unchained)
    finally:
        db.close()
        cache.remove(work)
    per_s = 1000 / chained.median
    ref_per_s = 1000 / plain.median
    return [
        Figure("ledger note posted, audit chain on", size, chained, target_ratio=1.10,
               target_stat="median", reference="the same postings without the chain",
               ref_timing=plain,
               note=f"{per_s:,.0f} postings/s with the chain, {ref_per_s:,.0f}/s without "
                    f"(the same {chained.samples} patients' families, alternating; committed, "
                    "re-estimation included)"),
        Figure("one audit row committed, chain on", size, bare_chained, target_ratio=2.0,
               target_stat="median", reference="the same row without its hash",
               ref_timing=bare_plain,
               note="store.audit.record in its own write transaction: the chain's whole "
                    "cost (read the last hash, HMAC the row) against the bare commit"),
    ]


def verify(ctx: Context) -> Figure:
    """`audit verify` over the practice's log plus `VERIFY_ROWS` rows."""
    size = f"{ctx.patients:,} patients"
    from store import audit
    from store.db import open_database, write_transaction

    work = cache.working_copy(ctx.db_path)
    db = open_database(str(work))
    try:
        rows = ctx.reps(VERIFY_ROWS, VERIFY_ROWS // 10)
        with write_transaction(db):
            for n in range(rows):
                audit.record(db, "viewed", user="bench", workstation="bench", entity="patient",
                             entity_id=n % 1000 + 1, patient_id=n % 1000 + 1,
                             detail={"via": "bench"})
        count = audit.chain_head(db)[0]
        repeat = ctx.reps(3, 2)
        cpu = time.process_time()
        timing = measure(lambda: audit.verify_database(db), repeat=repeat)
        cpu = (time.process_time() - cpu) / (repeat + 1)  # the warm-up run too
        scan = measure(lambda: db.execute_sql(
            "SELECT id, at, user, os_user, ssh_origin, workstation, action, entity, entity_id, "
            "patient_id, detail, hash FROM audit_log ORDER BY id").fetchall(),
            repeat=ctx.reps(3, 2))
        ok = audit.verify_database(db).ok
    finally:
        db.close()
        cache.remove(work)
    return Figure("audit verify", f"{count:,} audit rows", timing, target_stat="median",
                  target_ms=count / 100_000 * 1000, reference="reading the rows (no hashing)",
                  ref_timing=scan,
                  note=f"{count / timing.median * 1000:,.0f} rows/s (target 100,000 rows/s), "
                       f"{cpu:.2f} s of CPU a run; verified: {ok}")


def _alternate(first, second, without) -> tuple[Timing, Timing]:
    """Time ``first[i]`` (the chain on) and ``second[i]`` (inside ``without()``) in turn,
    each going first every other time, so a noisy machine and a warm family favour
    neither."""
    for call in (first[0], second[0]):  # warm the caches
        call()
    on, off = [], []
    for i, (a, b) in enumerate(zip(first[1:], second[1:])):
        if i % 2:
            with without():
                off.append(_timed(b))
            on.append(_timed(a))
        else:
            on.append(_timed(a))
            with without():
                off.append(_timed(b))
    return Timing.of(on), Timing.of(off)


def _timed(call) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start
    finally:
        gc.enable()


def _ordinary_patients(db, ctx: Context, count: int) -> list[int]:
    big = ",".join(str(p) for p in ctx.big_ledgers.values()) or "0"
    return [p for (p,) in db.execute_sql(
        f"SELECT id FROM patient WHERE id NOT IN ({big}) ORDER BY (id * 7919) % 10007 LIMIT ?",
        (count,))]
