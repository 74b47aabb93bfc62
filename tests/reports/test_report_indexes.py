"""The reports read by their indexes (EXPLAIN QUERY PLAN guard) and migration 2 adds them."""
from __future__ import annotations

import pytest

from store import reports
from store.db import open_database
from store.db.migrations import MIGRATIONS, REPORT_INDEX_SQL, add_report_indexes
from store.models import REPORT_INDEXES

# SQLite's query plans and index list (PostgreSQL plans by statistics; its indexes come from the
# same models)
pytestmark = pytest.mark.sqlite_only

RANGE = ("2025-01-01", "2025-12-31")

# query -> (parameters, steps the plan must contain)
PLANS = {
    "BILLED_SQL": ((*RANGE, None), [
        "SEARCH c USING COVERING INDEX report_claim_date (date>? AND date<?)",
        "SEARCH pl USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH cp USING COVERING INDEX report_claim_proc_claim (claim_id=?)",
        "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)"]),
    "CHECKS_SQL": ((*RANGE, 1), [
        "SEARCH pay USING COVERING INDEX report_claim_payment_date (date>? AND date<?)",
        "SEARCH l USING COVERING INDEX report_claim_payment_line_money (payment_id=?)"]),
    "CAPITATION_SQL": ((*RANGE, None, None), [
        "SEARCH cp USING COVERING INDEX report_claim_proc_capitation (plan_id=?)",
        "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)"]),
    "HAND_WRITEOFFS_SQL": ((*RANGE, None), ["SEARCH a USING INDEX report_adjustment_date (date>? AND date<?)"]),
    "PAID_SQL": (RANGE, [
        "SEARCH pp USING COVERING INDEX report_patient_payment_date (date>? AND date<?)"]),
    "PAID_ALLOCATED_SQL": (RANGE, [
        "SEARCH pp USING COVERING INDEX report_patient_payment_date (date>? AND date<?)",
        "SEARCH a USING INDEX payment_allocation_payment_id (payment_id=?)"]),
    "PAID_APPLIED_SQL": (RANGE, [
        "SEARCH pp USING COVERING INDEX report_patient_payment_date (date>? AND date<?)",
        "SEARCH c USING INDEX applied_credit_payment_id (payment_id=?)"]),
    "CLAIM_WRITEOFFS_SQL": ((*RANGE, None, 1), [
        "SEARCH pay USING INDEX report_claim_payment_date (date>? AND date<?)",
        "SEARCH l USING COVERING INDEX report_claim_payment_line_money (payment_id=?)"]),
    "OUTSTANDING_SQL": ((None, None, None), ["SEARCH c USING INDEX claim_status_date (status=?)"]),
    "AGING_SQL": (("2026-10-21", "2026-09-21", "2026-08-22"), [
        "SCAN p USING INDEX procedure_patient_id_date_id",
        "SEARCH cp USING COVERING INDEX report_claim_proc_money (procedure_id=?)"]),
}
DAY_PLANS = {
    "production": "SEARCH p USING INDEX report_procedure_date (date=?)",
    "capitation": "SEARCH p USING INDEX report_procedure_date (date=?)",
    "insurance": "SEARCH pay USING COVERING INDEX report_claim_payment_date (date=?)",
    "allocated": "SEARCH pp USING COVERING INDEX report_patient_payment_date (date=?)",
    "methods": "SEARCH pp USING INDEX report_patient_payment_date (date=?)",
    "adjustments": "SEARCH a USING INDEX report_adjustment_date (date=?)",
}
# Only the aging reads whole tables (every account), and only these.
AGING_SCANS = {"SCAN j", "SCAN work", "SCAN money", "SCAN x"}  # adjustments + co-routines


def plan(db, sql, params) -> list[str]:
    return [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.fixture(params=["no statistics", "analyzed"])
def planned_db(request, demo_db):
    """The demo office as it comes, then with ANALYZE statistics (the plan must not change)."""
    if request.param == "analyzed":
        demo_db.execute_sql("ANALYZE")
        yield demo_db
        demo_db.execute_sql("DROP TABLE IF EXISTS sqlite_stat1")
        demo_db.execute_sql("DROP TABLE IF EXISTS sqlite_stat4")
    else:
        yield demo_db


@pytest.mark.parametrize("name", sorted(PLANS))
def test_report_queries_use_their_indexes(planned_db, name):
    params, steps = PLANS[name]
    got = plan(planned_db, getattr(reports, name), params)
    for step in steps:
        assert step in got, "\n".join(got)
    scans = {s for s in got if s.startswith("SCAN ") and "USING" not in s}
    allowed = AGING_SCANS if name == "AGING_SQL" else {"SCAN pl"}  # plan: a few rows
    assert scans <= allowed | {"SCAN touched"}, got


def test_aging_sums_each_patients_procedures_without_sorting_them(demo_db):
    got = plan(demo_db, reports.AGING_SQL, PLANS["AGING_SQL"][0])
    after = got[got.index("SCAN work") + 1]
    assert after != "USE TEMP B-TREE FOR GROUP BY", got


@pytest.mark.parametrize("name", sorted(DAY_PLANS))
def test_day_sheet_queries_use_the_date_indexes(planned_db, name):
    got = plan(planned_db, reports.DAY_SQL[name], ("2026-10-08",))
    assert DAY_PLANS[name] in got, "\n".join(got)
    assert not [s for s in got if s.startswith("SCAN ")], got


def _report_indexes(db) -> dict[str, str]:
    return dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                               "name LIKE 'report_%' ORDER BY name").fetchall())


def test_migration_2_adds_the_same_indexes_as_a_new_database():
    assert MIGRATIONS[1] is add_report_indexes
    db = open_database(":memory:")
    expected = _report_indexes(db)
    assert set(expected) == {name for _, name, _, _ in REPORT_INDEXES}
    assert len(REPORT_INDEX_SQL) == len(REPORT_INDEXES)
    for name in expected:  # a version-1 database: no report indexes
        db.execute_sql(f'DROP INDEX "{name}"')
    add_report_indexes(db)
    assert _report_indexes(db) == expected
    add_report_indexes(db)  # safe to run twice
    db.close()
