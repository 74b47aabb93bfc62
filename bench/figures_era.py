"""ERA figure: importing and posting a 1,000-claim ERA (X12 835) on the practice, as
`dentledger era import FILE` does it (read the file, match its claims, post the check with
re-estimation, record the ERA, commit); reference: the same payments keyed through the
insurance payment service directly (one check, the same lines), in the same run.

The file is written by `era.build` from the practice's own sent claims of one carrier,
paying each line its estimate with the write-off estimate as CO-45, the deductible
estimate as PR-1 and the rest of the charge as PR-2 (so the 835 balances).
"""
from __future__ import annotations

import time
from datetime import date

from . import cache
from .context import Context
from .report import Figure, unavailable
from .timing import Timing

CLAIMS_FULL, CLAIMS_QUICK = 1000, 200


def era_import(ctx: Context) -> list[Figure]:
    count = ctx.reps(CLAIMS_FULL, CLAIMS_QUICK)
    op, size = f"ERA import, {count:,} claims posted", f"{ctx.patients:,} patients"
    try:
        from era.build import build_835
    except ImportError as exc:
        return [unavailable(op, size, f"era: {exc}")]
    reps = ctx.reps(3, 1)
    seconds, reference, phases = [], [], {}
    for rep in range(reps):
        work = cache.working_copy(ctx.db_path)
        try:
            remittance = _remittance(work, count, trace=f"BENCH{rep}")
            if remittance is None:
                return [unavailable(op, size, f"no carrier with {count} sent claims")]
            data = build_835([remittance]).encode()
            seconds.append(_import(work, data, phases))
        finally:
            cache.remove(work)
        work = cache.working_copy(ctx.db_path)
        try:
            reference.append(_keyed(work, _remittance(work, count, trace=f"KEYED{rep}")))
        finally:
            cache.remove(work)
    split = ", ".join(f"{k} {v / reps:.2f} s" for k, v in phases.items())
    return [Figure(op, size, Timing.of(seconds), target_ms=10_000, target_stat="median",
                   reference="the same lines keyed as one check (enter_insurance_payment)",
                   ref_timing=Timing.of(reference),
                   note=f"read (no guide validation) + match + post + record, committed, on a "
                        f"throw-away copy; {len(remittance.claims):,} claims, "
                        f"{sum(len(c.lines) for c in remittance.claims):,} lines; mean {split}")]


def _import(path, data: bytes, phases: dict) -> float:
    from era import read_era
    from store.db import open_database
    from store.services.remittances import EraSource, post_era

    db = open_database(str(path), create=False)
    try:
        start = time.perf_counter()
        era = read_era(data, name="bench.835", validate=False)
        read = time.perf_counter()
        for seq, remittance in enumerate(era.remittances, 1):
            post_era(db, EraSource("bench.835", data), remittance, seq=seq,
                     confirm_credit=True)  # a line paid as estimated may leave a credit
        end = time.perf_counter()
    finally:
        db.close()
    phases["read"] = phases.get("read", 0) + read - start
    phases["match and post"] = phases.get("match and post", 0) + end - read
    return end - start


def _keyed(path, remittance) -> float:
    """The same check through the service with the lines as the ERA grid gives them."""
    from era.grid import map_remittance
    from store.db import open_database
    from store.read.remittances import find_carrier, our_claims
    from store.services import EobLine, enter_insurance_payment

    db = open_database(str(path), create=False)
    try:
        carrier = find_carrier(db, remittance.payer)
        grid = map_remittance(remittance, our_claims(db, carrier.id, remittance.claims))
        lines = [EobLine(**ln.eob_fields()) for ln in grid.eob_lines()]
        start = time.perf_counter()
        enter_insurance_payment(db, lines, amount=sum(ln.paid for ln in lines),
                                check_no=remittance.trace_number, date=remittance.date,
                                confirm_credit=True)
        return time.perf_counter() - start
    finally:
        db.close()


# --- the file ---------------------------------------------------------------------------------

_LINES = (
    "SELECT c.id, coalesce(c.claim_no, c.file_id), p.last_name, p.first_name, pc.subscriber_id, "
    "pcode.code, pr.date, pr.fee_cents * pr.units, cp.ins_est_cents, cp.writeoff_est_cents, "
    "cp.deductible_est_cents FROM claim c JOIN plan pl ON pl.id = c.plan_id "
    "JOIN patient p ON p.id = c.patient_id "
    "LEFT JOIN patient_coverage pc ON pc.patient_id = c.patient_id AND pc.plan_id = c.plan_id "
    "JOIN claim_proc cp ON cp.claim_id = c.id JOIN procedure pr ON pr.id = cp.procedure_id "
    "JOIN procedure_code pcode ON pcode.id = pr.code_id "
    "WHERE c.id IN (SELECT c2.id FROM claim c2 JOIN plan p2 ON p2.id = c2.plan_id "
    "WHERE c2.status = 'sent' AND p2.carrier_id = ? ORDER BY c2.id LIMIT ?) "
    "ORDER BY c.id, cp.claim_seq, cp.id")


def _remittance(path, count: int, trace: str):
    """A check of the carrier with the most sent claims paying ``count`` of them."""
    from era.model import Adjustment, EraClaim, Party, Patient, Remittance, ServiceLine
    from store.db import open_database

    db = open_database(str(path), create=False)
    try:
        carrier = db.execute_sql(
            "SELECT pl.carrier_id, ca.name, ca.electronic_id, count(*) AS n FROM claim c "
            "JOIN plan pl ON pl.id = c.plan_id JOIN carrier ca ON ca.id = pl.carrier_id "
            "WHERE c.status = 'sent' GROUP BY pl.carrier_id ORDER BY n DESC LIMIT 1").fetchone()
        if carrier is None or carrier[3] < count:
            return None
        rows = db.execute_sql(_LINES, (carrier[0], count)).fetchall()
    finally:
        db.close()
    claims: dict[int, list] = {}
    for row in rows:
        claims.setdefault(row[0], []).append(row)
    out = []
    for lines in claims.values():
        _, sent, last, first, member = lines[0][:5]
        services = []
        for *_, code, day, fee, est, wo, ded in lines:
            paid = min(est, fee)
            wo, ded = min(wo, fee - paid), min(ded, fee - paid - min(wo, fee - paid))
            rest = fee - paid - wo - ded
            adjustments = tuple(Adjustment(g, r, a) for g, r, a in
                                (("CO", "45", wo), ("PR", "1", ded), ("PR", "2", rest)) if a)
            services.append(ServiceLine(code, code, fee, paid, date=date.fromisoformat(str(day)),
                                        adjustments=adjustments))
        out.append(EraClaim(sent, "1", sum(s.billed for s in services),
                            sum(s.paid for s in services),
                            sum(a.amount for s in services for a in s.adjustments
                                if a.group == "PR"),
                            f"P{sent}", "12", Patient(last.upper(), (first or "").upper(), member),
                            date=services[0].date, lines=tuple(services)))
    total = sum(c.paid for c in out)
    return Remittance("0001", "005010X221A1", "I", total, "ACH", date(2026, 12, 1), trace,
                      Party(carrier[1].upper(), "2U", carrier[2]),
                      Party("BENCH DENTAL", "XX", "1234567893"), claims=tuple(out))
