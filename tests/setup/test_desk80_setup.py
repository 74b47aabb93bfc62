"""Set-up lists at 80x24 (issue 17): the key columns stay in view while the rest pages, amounts
are whole and grouped, schedules are named, not shown by id."""
from __future__ import annotations

from textual.widgets import DataTable

from tui.setup.code_grid import CodeGridScreen
from tui.setup.plans import PlansScreen

SIZE = (80, 24)


async def test_the_plans_list_keeps_the_carrier_while_its_columns_page(make_app, ui):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(PlansScreen())
        await ui.settle(app, pilot)
        text = ui.text(app)
        titles = text.splitlines()[1]
        assert "Identical" not in titles
        assert "Subsc" not in titles and "Delga" not in text  # a cut column is not drawn
        footer = text.splitlines()[-1]
        if "] Columns" not in footer:
            await pilot.press("f2")  # the footer's next page
            await pilot.pause()
            footer = ui.text(app).splitlines()[-1]
        assert "] Columns" in footer
        await pilot.press("right_square_bracket")
        await pilot.pause()
        text = ui.text(app)
        assert "Identical" in text and "Carrier" in text and "Delta Dental" in text


async def test_the_code_grid_keeps_code_and_description_in_view(make_app, ui):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(CodeGridScreen("PL_DELTA_SL"))
        await ui.settle(app, pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(column=len(table.columns) - 1)  # the Note column
        await pilot.pause()
        text = ui.text(app)
        header = next(line for line in text.splitlines() if " Code " in f" {line} ")
        assert "Description" in header and "Note" in header
        info = str(app.screen.query_one("#grid-info").render())
        schedule = app.screen.view.grid.allowed_schedule
        name = next(r.schedule.name for r in app.setup_desk.fee_schedules()
                    if r.schedule.id == schedule)
        assert f"Allowed fees: {name} (used by" in info and name != schedule  # not its id
        crown = next(r for r in app.screen.view.grid.rows if r.office_fee >= 100_000)
        row = app.screen.view.grid.rows.index(crown)
        cells = [str(c) for c in table.get_row_at(row)]
        assert f"{crown.office_fee // 100:,}." in cells[2]  # grouped, as the card shows money


async def test_escape_on_a_changed_plan_asks_before_discarding(make_app, ui):
    from textual.widgets import Input

    from tui.screens.discard import DiscardDialog
    from tui.setup.plan_form import PlanFormScreen
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(PlansScreen())
        await ui.settle(app, pilot)
        app.push_screen(PlanFormScreen("PL_DELTA_SL"))
        await ui.settle(app, pilot)
        form = app.screen
        await pilot.press("escape")  # nothing changed: back at once
        await ui.settle(app, pilot)
        assert isinstance(app.screen, PlansScreen)
        app.push_screen(PlanFormScreen("PL_DELTA_SL"))
        await ui.settle(app, pilot)
        form = app.screen
        form.query_one("#f-annual_max", Input).value = "1234"
        await pilot.press("escape")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("n")
        await ui.settle(app, pilot)
        assert app.screen is form
        await pilot.press("escape", "y")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, PlansScreen)


async def test_escape_on_a_changed_carrier_asks_before_discarding(make_app, ui):
    from tui.screens.discard import DiscardDialog
    from tui.setup.carriers import CarrierForm
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(CarrierForm(None))
        await ui.settle(app, pilot)
        await pilot.press(*"Acme", "escape")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("y")
        await ui.settle(app, pilot)
        assert not isinstance(app.screen, (DiscardDialog, CarrierForm))


async def test_a_paged_report_never_shows_an_amount_cut(db, make_app, ui):
    from store.reports import DbReports
    from tui.screens.reports import ReportsScreen, register_reports
    app = make_app()
    register_reports(app, DbReports(db, today=lambda: app.clock().date()))
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(ReportsScreen("aging"))
        await ui.settle(app, pilot)
        screen = app.screen
        screen.table.focus()
        rows = {r[0]: set(r[1:]) for r in screen.rows_text()}
        for key in ("right_square_bracket", "left_square_bracket", "right_square_bracket"):
            await pilot.press(key)
            await pilot.pause()
            for line in ui.text(app).splitlines():
                name = next((n for n in rows if n and line.startswith(f" {n} ")), None)
                if name:
                    shown = [t for t in line[len(name) + 1:].split() if "." in t]
                    assert set(shown) <= rows[name], (line, rows[name])


async def test_the_footer_offers_column_paging_only_when_columns_are_hidden(make_app, ui):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(PlansScreen())
        await ui.settle(app, pilot)
        bar_text = ui.text(app).splitlines()[-1]
        assert "Identical" in ui.text(app) and "Columns" not in bar_text
