"""Checks that a report agrees with the ledger cards and the SQL balances (shared by tests)."""
from __future__ import annotations

from report_fixtures import in_range, is_writeoff_row
from estimator import ledger
from store.derived import estimates
from store.read.balances import family_totals, patient_balances
from store.files.exporter import export_practice
from store.family.ids import load_id_map
from store.reports import (
    carrier_ledger, day_sheet, family_aging, outstanding_claims, writeoff_lines,
)


def sql_one(db, sql, params=()):
    return db.execute_sql(sql, params).fetchone()[0] or 0


def check_carriers(db, start, end, every_row):
    rows = in_range(every_row, start, end)
    ledger_lines = carrier_ledger(db, start, end)
    insurance_rows = sum(r.values["paid"] for r in rows if r.kind == "insurance_payment")
    lines = sql_one(db, "SELECT sum(l.paid_cents) FROM claim_payment_line l JOIN claim_payment p "
                        "ON p.id = l.payment_id WHERE p.date BETWEEN ? AND ?",
                    (start.isoformat(), end.isoformat()))
    assert sum(ln.insurance_paid for ln in ledger_lines) == lines == insurance_rows
    patient_rows = sum(r.values["paid"] for r in rows if r.kind == "patient_payment")
    assert sum(ln.patient_paid for ln in ledger_lines) == patient_rows
    card_writeoffs = -sum(r.values["adjust"] for r in rows if is_writeoff_row(r))
    hand = [w for w in writeoff_lines(db, start, end) if w.source == "By hand"]
    carrier_hand = sum(w.amount for w in hand if w.carrier_id is not None)
    assert sum(ln.written_off for ln in ledger_lines) == card_writeoffs + carrier_hand
    assert sum(w.amount for w in writeoff_lines(db, start, end)) == \
        card_writeoffs + sum(w.amount for w in hand)


def check_aging(db, today):
    families = family_aging(db, today)
    guarantors = [g for (g,) in db.execute_sql("SELECT DISTINCT coalesce(guarantor_id, id) "
                                               "FROM patient")]
    totals = family_totals(db, guarantors)
    assert sum(f.balance for f in families) == sum(totals.values())
    for f in families:
        assert f.balance == totals[f.guarantor_id]
    ids = load_id_map(db, kinds=("patient",))
    every = patient_balances(db, ids.to_practice["patient"])
    assert sum(f.insurance for f in families) == sum(b.insurance for b in every.values())
    # family by family: the same buckets as the ledger card's header
    practice = export_practice(db)
    lines = estimates.load_estimates(db)
    members = {}
    for p in practice.patients:
        members.setdefault(p.guarantor, []).append(p.id)
    by_id = {f.guarantor_id: f for f in families}
    for guarantor, ids_ in members.items():
        pure = ledger.aging(practice, lines, ids_, today)
        mine = by_id.get(ids.db_id("patient", guarantor))
        got = (mine.current, mine.d31_60, mine.d61_90, mine.over_90) if mine else (0, 0, 0, 0)
        assert got == (pure.current, pure.d31_60, pure.d61_90, pure.over_90), guarantor


def check_day(db, day, every_row):
    rows = [r for r in every_row if r.posted == day]
    sheet = day_sheet(db, day)
    total = {k: sum(getattr(p, k) for p in sheet.providers) for k in
             ("production", "patient_payments", "insurance_payments", "writeoffs", "adjustments")}
    assert total["production"] == sum(r.values["billed"] for r in rows if r.kind == "procedure")
    assert total["patient_payments"] == sum(r.values["paid"] for r in rows
                                            if r.kind == "patient_payment")
    assert total["insurance_payments"] == sum(r.values["paid"] for r in rows
                                              if r.kind == "insurance_payment")
    assert total["writeoffs"] == -sum(r.values["adjust"] for r in rows if is_writeoff_row(r))
    assert total["adjustments"] == sum(r.values["adjust"] for r in rows
                                       if r.ref.startswith("adjustment:"))
    assert sum(p.net for p in sheet.providers) == sum(r.values["balance"] for r in rows)


def check_claims(db, today):
    practice = export_practice(db)
    pure = ledger.claim_totals(practice, estimates.load_estimates(db))
    open_claims = [c for c, t in pure.items() if t["status"] in ("unsent", "hold", "queued", "sent")]
    claims = outstanding_claims(db, today)
    assert len(claims) == len(open_claims)
    assert sum(c.estimate for c in claims) == sum(pure[c]["ins_est"] for c in open_claims)
