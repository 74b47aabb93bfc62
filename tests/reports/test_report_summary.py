"""The fast paths agree with the exact ones: the per-carrier report from the monthly sums
(`store.derived.report_summary`) with the report from the postings, for random ranges, per carrier,
after postings through store.services and after migration 4; the A/R aging from the ledger
lines with the aging from the postings."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random

import pytest

from report_fixtures import EVER, SCENARIOS, TODAY, scenario_database
from store.connection import application_id, set_schema_version
from store import services
from store.derived import report_summary
from store.demo import synthetic
from store.db import open_database
from store.files.exporter import export_practice
from store.db.migrations import LATEST, migrate
from store.reports import carrier_ledger, family_aging
from store.services import EobLine
from store.services.setup import edit_carrier

ACTOR = services.Actor("reports-test", "ws1")
NOW = datetime(2026, 11, 20, 10, 0)
DAY = date(2026, 11, 19)


def ranges(seed: int, around: date, count: int = 12):
    """Whole years and months, partial months, one day, and random spans."""
    rng = Random(seed)
    out = [EVER, (date(around.year - 1, 1, 1), date(around.year - 1, 12, 31)),
           (date(around.year, 2, 1), date(around.year, 2, 28)),
           (date(around.year, 3, 15), date(around.year, 3, 20)), (around, around)]
    for _ in range(count):
        start = around - timedelta(days=rng.randrange(1200))
        out.append((start, start + timedelta(days=rng.randrange(500))))
    return out


def carrier_ids(db):
    return [c for (c,) in db.execute_sql("SELECT id FROM carrier ORDER BY id")]


def check_summary(db, start, end, per_carrier=True):
    assert carrier_ledger(db, start, end) == carrier_ledger(db, start, end, exact=True)
    if per_carrier:
        for cid in carrier_ids(db):
            assert carrier_ledger(db, start, end, cid) == \
                carrier_ledger(db, start, end, cid, exact=True)


def table(db, name):
    return sorted(db.execute_sql(f"SELECT * FROM {name}").fetchall())


def check_tables_are_current(db):
    """What postings left in the summary tables = rebuilding them from scratch."""
    kept = table(db, "patient_carrier_month"), _nonzero(table(db, "carrier_month"))
    report_summary.rebuild_all(db)
    assert kept == (table(db, "patient_carrier_month"), _nonzero(table(db, "carrier_month")))


def _nonzero(rows):
    return [r for r in rows if any(r[2:])]


class TestDemoOffice:
    @pytest.mark.parametrize("seed", [1, 2])
    def test_carriers_from_the_monthly_sums_equal_the_exact_report(self, demo_db, seed):
        for start, end in ranges(seed, TODAY):
            check_summary(demo_db, start, end)

    @pytest.mark.parametrize("today", [TODAY, date(2026, 7, 15), date(2023, 1, 1),
                                       date(2027, 6, 1)])
    def test_aging_from_the_ledger_lines_equals_the_exact_aging(self, demo_db, today):
        assert family_aging(demo_db, today) == family_aging(demo_db, today, exact=True)

    def test_tables_match_a_rebuild(self, fresh_demo_db):
        check_tables_are_current(fresh_demo_db)


def test_postings_keep_the_monthly_sums_current(fresh_demo_db):
    db = fresh_demo_db
    one = lambda sql, p=(): db.execute_sql(sql, p).fetchone()  # noqa: E731
    payer = one("SELECT id FROM patient WHERE file_id = 'FAM01_P1'")[0]
    procs = [p for (p,) in db.execute_sql(
        "SELECT id FROM procedure WHERE patient_id = ? AND status = 'complete' "
        "ORDER BY date DESC LIMIT 2", (payer,))]
    services.post_payment(db, payer, 5000, "card", date=DAY,
                          allocations=[(procs[0], 2000), (procs[1], 1000)], actor=ACTOR, now=NOW)
    services.post_payment(db, payer, -1500, "cash", date=date(2026, 10, 3), actor=ACTOR, now=NOW)
    services.post_adjustment(db, payer, -1234, "WO-DELTA", date=date(2026, 9, 30),
                             actor=ACTOR, now=NOW)
    claim = one("SELECT id FROM claim WHERE status = 'sent' ORDER BY id LIMIT 1")
    if claim:
        lines = db.execute_sql("SELECT procedure_id, ins_est_cents FROM claim_proc "
                               "WHERE claim_id = ?", (claim[0],)).fetchall()
        services.enter_insurance_payment(
            db, [EobLine(claim[0], proc, paid=est) for proc, est in lines],
            amount=sum(est for _, est in lines), date=date(2026, 8, 14), actor=ACTOR, now=NOW)
    for start, end in ranges(3, TODAY, count=6):
        check_summary(db, start, end)
    check_tables_are_current(db)


def test_a_carriers_new_writeoff_code_moves_hand_writeoffs_at_once(fresh_demo_db):
    """Editing a carrier re-estimates no one: hand write-offs are never taken from the sums."""
    db = fresh_demo_db
    payer = db.execute_sql("SELECT id FROM patient WHERE file_id = 'FAM02_P1'").fetchone()[0]
    services.post_adjustment(db, payer, -300, "WO-DELTA", date=date(2026, 9, 12),
                             actor=ACTOR, now=NOW)
    guardian = db.execute_sql("SELECT id FROM carrier WHERE name = 'Guardian'").fetchone()[0]
    edit_carrier(db, guardian, writeoff_code="WO-DELTA", actor=ACTOR, now=NOW)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    check_summary(db, *year)
    by_name = {ln.name: ln.written_off for ln in carrier_ledger(db, *year)}
    exact = {ln.name: ln.written_off for ln in carrier_ledger(db, *year, exact=True)}
    assert by_name == exact


def test_a_small_synthetic_practice():
    db = open_database(":memory:")
    try:
        synthetic.generate(db, patients=120, seed=5, big_ledgers=())
        as_of = export_practice(db).as_of
        for start, end in ranges(4, as_of, count=8):
            check_summary(db, start, end, per_carrier=False)
        assert family_aging(db, as_of) == family_aging(db, as_of, exact=True)
        check_tables_are_current(db)
    finally:
        db.close()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenarios(path):
    db = scenario_database(path)
    try:
        as_of = export_practice(db).as_of
        for start, end in ranges(5, as_of, count=3):
            check_summary(db, start, end)
        assert family_aging(db, as_of) == family_aging(db, as_of, exact=True)
    finally:
        db.close()


def test_migration_4_fills_the_monthly_sums(fresh_demo_db):
    db = fresh_demo_db
    expected = table(db, "patient_carrier_month"), table(db, "carrier_month")
    db.execute_sql("DROP TABLE patient_carrier_month")
    db.execute_sql("DROP TABLE carrier_month")
    set_schema_version(db, 3, application_id(db))
    assert migrate(db) == LATEST
    assert (table(db, "patient_carrier_month"), table(db, "carrier_month")) == expected
