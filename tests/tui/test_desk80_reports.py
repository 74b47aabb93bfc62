"""Reports at 80x24 (issue 17): the key column stays, the rest pages sideways, a row opens the
family's account, dates show whole while typed, and a report of many families pages through
all of them."""
from __future__ import annotations

from datetime import date

from textual.widgets import Input

from estimator.report_table import (
    ACCOUNT, ReportColumn, ReportRequest, ReportSection, ReportTable,
)
from tui.screens.reports import PAGE_ROWS, ReportsScreen, register_reports

SIZE = (80, 24)
COLUMNS = (ReportColumn("guarantor", "Guarantor (family)"),
           *(ReportColumn(key, title, True) for key, title in (
               ("current", "0-30"), ("d31_60", "31-60"), ("d61_90", "61-90"),
               ("over_90", "Over 90"), ("balance", "Balance"), ("insurance", "Ins est"),
               ("patient", "Pt est"))))
MONEY = [c.key for c in COLUMNS[1:]]


class FakeReports:
    """An aging of ``families`` families; the first is the sample desk's P1."""

    def __init__(self, families: int = 3):
        self.families = families

    def carriers(self):
        return [("DELTA", "Delta Dental")]

    def run(self, request: ReportRequest) -> ReportTable:
        rows = tuple({"guarantor": f"Family {n:05d}", **{k: 123_456_78 + n for k in MONEY},
                      ACCOUNT: "P1" if n == 1 else f"X{n}"} for n in range(1, self.families + 1))
        total = {"guarantor": "Total", **{k: sum(r[k] for r in rows) for k in MONEY}}
        return ReportTable("aging", "A/R aging", COLUMNS, (ReportSection("", rows, total),))


async def open_reports(make_app, desk, helpers, pilot_size=SIZE, families=3):
    app = make_app(desk)
    register_reports(app, FakeReports(families))
    return app


async def _ready(app, pilot, helpers):
    await helpers.settle(app, pilot)
    app.push_screen(ReportsScreen("aging"))
    await helpers.settle(app, pilot)
    await app.workers.wait_for_complete()
    await helpers.settle(app, pilot)
    screen = app.screen
    screen.table.focus()
    await pilot.pause()
    return screen


async def test_the_key_column_stays_while_the_columns_page(desk, make_app, helpers):
    app = await open_reports(make_app, desk, helpers)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot, helpers)
        text = helpers.screen_text(app)
        assert "Pt est" not in text  # wider than 80 columns
        assert "] Columns" in text  # the footer says how to reach the rest
        await pilot.press("right_square_bracket")
        await pilot.pause()
        text = helpers.screen_text(app)
        assert "Pt est" in text and "Family 00001" in text  # the key column did not scroll
        assert "123,456.79" in text  # whole amounts only
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "0-30" in helpers.screen_text(app)


async def test_a_report_row_opens_the_familys_account(desk, make_app, helpers):
    from tui.screens.account import AccountScreen
    app = await open_reports(make_app, desk, helpers)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot, helpers)
        assert "Open account" in helpers.screen_text(app).splitlines()[-1]  # the footer
        await pilot.press("enter")
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, AccountScreen) and app.screen.patient_id == "P1"
        # the totals row is no family's: nothing opens
        await pilot.press("escape")
        await helpers.settle(app, pilot)


async def test_the_aging_pages_through_every_family(desk, make_app, helpers):
    families = PAGE_ROWS + 500
    app = await open_reports(make_app, desk, helpers, families=families)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot, helpers)
        assert screen.table.row_count == PAGE_ROWS
        footer = helpers.screen_text(app).splitlines()[-1]
        if "< > Rows" not in footer:
            await pilot.press("f2")  # the footer's next page of keys
            await pilot.pause()
            footer = helpers.screen_text(app).splitlines()[-1]
        assert "< > Rows" in footer
        await pilot.press("greater_than_sign")
        await pilot.pause()
        rows = screen.rows_text()
        assert rows[0][0] == f"Family {PAGE_ROWS + 1:05d}"
        assert rows[-2][0] == f"Family {families:05d}" and rows[-1][0] == "Total"
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert screen.rows_text()[0][0] == "Family 00001"


async def test_date_fields_show_the_whole_date_while_typed(desk, make_app, helpers):
    app = await open_reports(make_app, desk, helpers)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot, helpers)
        box = screen.query_one("#reports-day", Input)
        box.focus()
        box.value = ""
        await pilot.press(*"2026-10-08")
        await pilot.pause()
        assert "2026-10-08" in helpers.screen_text(app)
        assert box.content_region.width >= len("2026-10-08") + 1  # room for the cursor


async def test_no_amount_shows_cut_after_paging(desk, make_app, helpers):
    app = await open_reports(make_app, desk, helpers)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot, helpers)
        for key in ("right_square_bracket", "right_square_bracket", "left_square_bracket"):
            await pilot.press(key)
            await pilot.pause()
            for line in helpers.screen_text(app).splitlines():
                if line.startswith(" Family 0000"):
                    amounts = line.split()[2:]
                    assert amounts and all(a.startswith("123,456.") for a in amounts), line
