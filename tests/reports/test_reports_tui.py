"""The Reports screen: opened from the command palette, runs a report through the port."""
from __future__ import annotations

import asyncio
from datetime import datetime

from textual.widgets import Input, Select

from report_fixtures import TODAY
from store.desks.frontdesk import DbFrontDesk
from store.reports import DbReports
from tui.app import build_app
from tui.commands import DeskCommands, report_commands
from tui.screens.reports import ReportsPort, ReportsScreen, register_reports

CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False}
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30)


def make_app(db, *, reports=True):
    app = build_app(DbFrontDesk(db, today=lambda: TODAY), config=dict(CONFIG), clock=lambda: NOW)
    if reports:
        register_reports(app, DbReports(db, today=lambda: app.clock().date()))
    return app


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_open_a_report_from_the_palette_and_run_another(demo_db):
    async def scenario():
        app = make_app(demo_db)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"Report: A/R aging")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ReportsScreen)
            assert str(screen.query_one("#reports-title").render()) == "A/R aging as of 2026-11-20"
            rows = screen.rows_text()
            assert rows[0][0] == "Accounts owing"
            assert rows[-1][0] == "All accounts"
            assert any(r[0] == "Credit balances" for r in rows)
            # another report: the day sheet of a chosen day, run with the key
            screen.query_one("#reports-kind", Select).value = "daysheet"
            await settle(app, pilot)
            screen.query_one("#reports-day", Input).value = "2026-10-08"
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert str(screen.query_one("#reports-title").render()) == "Day sheet for 2026-10-08"
            assert screen.rows_text()[-1][0] == "Total"
            assert screen.rows_text()[-1][-1] == "-485.00"
    asyncio.run(scenario())


def test_a_bad_range_shows_one_line_and_keeps_the_results(demo_db):
    async def scenario():
        app = make_app(demo_db)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            app.push_screen(ReportsScreen("carriers"))
            await settle(app, pilot)
            screen = app.screen
            shown = screen.rows_text()
            assert shown[-1][0] == "Total"
            screen.query_one("#reports-from", Input).value = "2026-12-01"
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            error = str(screen.query_one("#reports-error").render())
            assert error == "From 2026-12-01 is after To 2026-11-20"
            assert screen.rows_text() == shown
            screen.query_one("#reports-from", Input).value = "2026-01-01"
            screen.query_one("#reports-carrier", Select).value = "DELTA"
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert [r[0] for r in screen.rows_text()] == ["Delta Dental", "Total"]
            assert str(screen.query_one("#reports-error").render()) == ""
            # outstanding claims: all of them (the claim-date range is the command's filter)
            screen.query_one("#reports-carrier", Select).value = "__all__"
            screen.query_one("#reports-kind", Select).value = "claims"
            await settle(app, pilot)
            assert not screen.query_one("#reports-from").display
            rows = screen.rows_text()
            assert rows[-1][1] == f"Total ({len(rows) - 1} claims)" and len(rows) == 13
    asyncio.run(scenario())


def test_every_report_has_a_palette_entry(demo_db):
    async def scenario():
        app = make_app(demo_db)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            titles = {hit.text async for hit in DeskCommands(app.screen).discover()}
            assert {title for _, title in report_commands()} <= titles
            assert len(report_commands()) == 5
    asyncio.run(scenario())


def test_without_a_database_the_screen_says_so(demo_db):
    async def scenario():
        app = make_app(demo_db, reports=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            app.push_screen(ReportsScreen("aging"))
            await settle(app, pilot)
            assert "not available" in str(app.screen.query_one("#reports-error").render())
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, ReportsScreen)
    asyncio.run(scenario())


def test_the_store_implements_the_port(demo_db):
    from store.reports import DbReports
    assert isinstance(DbReports(demo_db), ReportsPort)


def test_bindings_have_ids():
    assert all(b.id for _, b in ReportsScreen._merge_bindings())
