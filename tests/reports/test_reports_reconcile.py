"""The reports' totals agree with the ledger cards (estimator.ledger) and the SQL balances.

Over the demo office and every scenario in tests/scenarios: insurance paid, write-offs,
patient payments and the day sheet against the cards' rows for the same dates; the aging
against store.read.balances and, family by family, against estimator.ledger.aging.
"""
from __future__ import annotations

from datetime import date

import pytest

from report_fixtures import EVER, SCENARIOS, TODAY, money_rows, scenario_database
from report_checks import check_aging, check_carriers, check_claims, check_day
from store.files.exporter import export_practice

RANGES = [EVER, (date(2026, 1, 1), date(2026, 6, 30)), (date(2024, 7, 1), date(2025, 12, 31))]


@pytest.fixture(scope="module")
def demo_rows(demo_db):
    return money_rows(demo_db)


class TestDemoOffice:
    @pytest.mark.parametrize("start,end", RANGES, ids=["ever", "2026h1", "mid"])
    def test_carriers_and_writeoffs_match_the_cards(self, demo_db, demo_rows, start, end):
        check_carriers(demo_db, start, end, demo_rows)

    @pytest.mark.parametrize("today", [TODAY, date(2026, 7, 15), date(2023, 1, 1)])
    def test_aging_matches_balances_and_the_cards(self, demo_db, today):
        check_aging(demo_db, today)

    def test_day_sheets_match_the_cards(self, demo_db, demo_rows):
        days = [date.fromisoformat(d) for (d,) in demo_db.execute_sql(
            "SELECT date FROM claim_payment UNION SELECT date FROM patient_payment "
            "UNION SELECT date FROM adjustment UNION SELECT date FROM procedure "
            "ORDER BY 1 DESC LIMIT 40")]
        for day in days:
            check_day(demo_db, day, demo_rows)

    def test_outstanding_claims_match_claim_totals(self, demo_db):
        check_claims(demo_db, TODAY)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenarios_reconcile(path):
    db = scenario_database(path)
    try:
        rows = money_rows(db)
        check_carriers(db, *EVER, rows)
        practice_day = export_practice(db).as_of
        check_aging(db, practice_day)
        check_claims(db, practice_day)
        for (day,) in db.execute_sql("SELECT date FROM claim_payment UNION "
                                     "SELECT date FROM procedure").fetchall():
            check_day(db, date.fromisoformat(day), rows)
    finally:
        db.close()
