"""The pure pieces: the aging credit rule, age buckets, request defaults and checks."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from estimator.aging import apply_credits, bucket_edges, bucket_of
from estimator.report_table import (
    REPORT_KINDS, ReportColumn, ReportError, ReportRequest, ReportSection, ReportTable,
    cell_text, parse_day, resolve, text_rows,
)

TODAY = date(2026, 11, 20)


class TestAgingRule:
    def test_credit_pays_the_oldest_first(self):
        aged = apply_credits((100, 200, 300, 400), 500)
        assert (aged.current, aged.d31_60, aged.d61_90, aged.over_90) == (100, 200, 200, 0)

    def test_credit_left_over_is_a_negative_current_bucket(self):
        aged = apply_credits((100, 0, 0, 50), 400)
        assert (aged.current, aged.d31_60, aged.d61_90, aged.over_90) == (-250, 0, 0, 0)
        assert aged.total == 150 - 400

    def test_no_credit_leaves_the_debits(self):
        aged = apply_credits((1, 2, 3, 4), 0)
        assert (aged.current, aged.d31_60, aged.d61_90, aged.over_90) == (1, 2, 3, 4)

    @pytest.mark.parametrize("days", [-5, 0, 29, 30, 31, 59, 60, 61, 89, 90, 91, 400])
    def test_buckets_match_the_ledger(self, days):
        day = TODAY - timedelta(days=days)
        # 0-30 days, 31-60, 61-90, over 90 (the ledger card's aging uses this same function)
        assert bucket_of(day, TODAY) == (0 if days <= 30 else 1 if days <= 60 else 2 if days <= 90 else 3)

    def test_edges_are_the_first_day_of_each_bucket(self):
        assert bucket_edges(TODAY) == (date(2026, 10, 21), date(2026, 9, 21), date(2026, 8, 22))


class TestRequests:
    def test_range_defaults_to_the_year_to_date(self):
        req = resolve(ReportRequest("carriers"), TODAY)
        assert (req.start, req.end, req.day) == (date(2026, 1, 1), TODAY, None)

    def test_range_defaults_to_the_year_of_the_end(self):
        req = resolve(ReportRequest("writeoffs", end=date(2025, 3, 31)), TODAY)
        assert req.start == date(2025, 1, 1)

    def test_day_reports_default_to_today(self):
        assert resolve(ReportRequest("daysheet"), TODAY).day == TODAY
        assert resolve(ReportRequest("aging"), TODAY).day == TODAY

    def test_claims_range_stays_open(self):
        req = resolve(ReportRequest("claims"), TODAY)
        assert (req.start, req.end, req.day) == (None, None, TODAY)

    def test_from_after_to_is_one_clear_line(self):
        with pytest.raises(ReportError, match=r"^--from 2026-03-02 is after --to 2026-03-01$"):
            resolve(ReportRequest("carriers", date(2026, 3, 2), date(2026, 3, 1)), TODAY)

    def test_unknown_report(self):
        with pytest.raises(ReportError, match="no report 'nope'"):
            resolve(ReportRequest("nope"), TODAY)

    def test_bad_date(self):
        with pytest.raises(ReportError, match=r"--from: '2026-13-01' is not a date"):
            parse_day("2026-13-01", "--from")
        assert parse_day("  ", "--from") is None

    def test_every_kind_is_listed_once(self):
        names = [k.name for k in REPORT_KINDS]
        assert names == ["carriers", "writeoffs", "aging", "claims", "daysheet"]


def test_text_rows_format_money_and_clean_text():
    table = ReportTable(
        "x", "X", (ReportColumn("who", "Who"), ReportColumn("cents", "Cents", True)),
        (ReportSection("A", ({"who": "Esc\x1b[2J", "cents": -5},), {"who": "Total", "cents": -5}),
         ReportSection("B", (), {"who": "Total", "cents": 0})),
        grand_total={"who": "All", "cents": -5})
    rows = text_rows(table)
    assert rows[0] == {"section": "A", "who": "Esc\u241b[2J", "cents": "-0.05"}
    assert rows[-1] == {"section": "All", "who": "All", "cents": "-0.05"}
    assert len(rows) == 4
    assert cell_text(ReportColumn("d", "D"), date(2026, 1, 2)) == "2026-01-02"
