"""Reports after the desk posts: hand write-offs, a split payment, a shared write-off code."""
from __future__ import annotations

from datetime import date, datetime

from report_fixtures import EVER, TODAY, money_rows
from report_checks import check_aging, check_carriers, check_day
from store import services
from store.reports import carrier_ledger, writeoff_lines

DAY = date(2026, 11, 19)
NOW = datetime(2026, 11, 20, 10, 0)
ACTOR = services.Actor("reports-test", "ws1")


def one(db, sql, params=()):
    return db.execute_sql(sql, params).fetchone()


def patient(db, file_id):
    return one(db, "SELECT id FROM patient WHERE file_id = ?", (file_id,))[0]


def carrier(db, name):
    return one(db, "SELECT id FROM carrier WHERE name = ?", (name,))[0]


def by_carrier(db, start=DAY, end=DAY):
    return {ln.name: ln for ln in carrier_ledger(db, start, end)}


def adjust(db, who, cents, code):
    services.post_adjustment(db, who, cents, code, date=DAY, actor=ACTOR, now=NOW)


def test_hand_writeoffs_count_under_their_carrier_or_no_carrier(fresh_demo_db):
    db = fresh_demo_db
    before = by_carrier(db)
    adjust(db, patient(db, "FAM01_P1"), -1234, "WO-DELTA")
    adjust(db, patient(db, "FAM03_P1"), -500, "BADDEBT")
    after = by_carrier(db)
    assert after["Delta Dental"].written_off == before["Delta Dental"].written_off + 1234
    assert sum(ln.written_off for ln in after.values()) == \
        sum(ln.written_off for ln in before.values()) + 1234  # bad debt is no carrier's
    hand = [w for w in writeoff_lines(db, DAY, DAY) if w.source == "By hand"]
    assert sorted((w.carrier, w.code, w.amount) for w in hand) == [
        ("(no carrier)", "BADDEBT", 500), ("Delta Dental", "WO-DELTA", 1234)]
    rows = money_rows(db)
    check_carriers(db, *EVER, rows)
    check_day(db, DAY, rows)
    check_aging(db, TODAY)


def test_a_code_shared_by_carriers_goes_to_the_patients_primary(fresh_demo_db):
    db = fresh_demo_db
    code = one(db, "SELECT writeoff_code_id FROM carrier WHERE name = 'Delta Dental'")[0]
    db.execute_sql("UPDATE carrier SET writeoff_code_id = ? WHERE name = 'Guardian'", (code,))
    adjust(db, patient(db, "FAM02_P1"), -300, "WO-DELTA")   # primary: Guardian
    adjust(db, patient(db, "FAM03_P1"), -700, "WO-DELTA")   # primary: Cigna (not sharing)
    hand = {(w.carrier, w.amount) for w in writeoff_lines(db, DAY, DAY) if w.source == "By hand"}
    assert hand == {("Guardian", 300), ("Delta Dental", 700)}  # else the first by name


def test_carrier_report_pt_paid_follows_the_work_it_paid_never_the_plan_today(fresh_demo_db):
    """Issue 11: "Pt paid" counts a payment under the carrier of the work it paid: the part
    allocated to a procedure, and the unallocated rest where the card applies it (the family's
    oldest work the patient owes on first); what paid no work, under (no insurance). The plan
    the patient has today never decides."""
    db = fresh_demo_db
    payer = patient(db, "FAM01_P1")  # Delta Dental; the family owes no patient share yet
    claimed = one(db, "SELECT p.id FROM procedure p JOIN claim_proc cp ON cp.procedure_id = p.id "
                      "JOIN plan pl ON pl.id = cp.plan_id JOIN carrier c ON c.id = pl.carrier_id "
                      "WHERE p.patient_id = ? AND p.status = 'complete' AND cp.claim_id IS NOT NULL "
                      "AND c.name = 'Delta Dental' ORDER BY p.id LIMIT 1", (payer,))[0]
    crown = services.add_procedure(db, payer, "D2740", fee=120000, date=DAY, actor=ACTOR, now=NOW)
    owed = one(db, "SELECT e.aging_cents - e.ins_owed_cents FROM ledger_entry e "
                   "WHERE e.src_id = ? AND e.priority = 0", (crown,))[0]
    assert owed > 3000  # the patient's share of the crown, insured by Delta
    before = by_carrier(db)
    services.post_payment(db, payer, 13000, "check", date=DAY, allocations=[(claimed, 10000)],
                          actor=ACTOR, now=NOW)
    services.post_payment(db, payer, owed, "cash", date=DAY, actor=ACTOR, now=NOW)

    def paid_today() -> dict[str, int]:
        after = by_carrier(db)
        got = {name: after[name].patient_paid - (before[name].patient_paid if name in before else 0)
               for name in after}
        return {k: v for k, v in got.items() if v}

    # 100.00 allocated to Delta work; the unallocated 30.00 and the cash pay the crown's share
    # (Delta's) up to what is owed; the 30.00 left over paid no work.
    assert paid_today() == {"Delta Dental": 10000 + owed, "(no insurance)": 3000}
    # The payer's primary plan is now Cigna's: nothing moves.
    cigna_plan = one(db, "SELECT p.id FROM plan p JOIN carrier c ON c.id = p.carrier_id "
                         "WHERE c.name = 'Cigna' ORDER BY p.id LIMIT 1")[0]
    db.execute_sql("UPDATE patient_coverage SET plan_id = ? WHERE patient_id = ? AND "
                   "coverage_order = 1", (cigna_plan, payer))
    assert paid_today() == {"Delta Dental": 10000 + owed, "(no insurance)": 3000}


def test_split_payment_and_refund_keep_everything_reconciled(fresh_demo_db):
    db = fresh_demo_db
    payer = patient(db, "FAM01_P1")
    procs = [pid for (pid,) in db.execute_sql(
        "SELECT id FROM procedure WHERE patient_id = ? AND status = 'complete' ORDER BY date DESC "
        "LIMIT 2", (payer,))]
    services.post_payment(db, payer, 5000, "card", date=DAY,
                          allocations=[(procs[0], 2000), (procs[1], 1000)], actor=ACTOR, now=NOW)
    services.post_payment(db, payer, -1500, "cash", date=DAY, actor=ACTOR, now=NOW)
    rows = money_rows(db)
    check_carriers(db, DAY, DAY, rows)
    check_day(db, DAY, rows)
    check_aging(db, TODAY)
    check_aging(db, date(2027, 3, 1))
