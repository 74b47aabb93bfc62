"""Screenshots at 80x24 of each report and each set-up list over the demo office (issue 17):
key columns in view, whole amounts, the footer's keys.

Update after an intended change: pytest tests/setup/test_desk80_setup_snapshots.py --snapshot-update
"""
from __future__ import annotations

import pytest

from color_modes import COLORS

SIZE = (80, 24)
REPORTS = ("carriers", "writeoffs", "aging", "claims", "daysheet")


def showing(ui, open_screen):
    async def run_before(pilot) -> None:
        await ui.settle(pilot.app, pilot)
        open_screen(pilot.app)
        await ui.settle(pilot.app, pilot)
        from textual.widgets import DataTable
        tables = pilot.app.screen.query(DataTable)
        if tables:
            tables.first().focus()  # the footer shows the table's keys
        await ui.settle(pilot.app, pilot)
    return run_before


def with_reports(db, app):
    from store.reports import DbReports
    from tui.screens.reports import register_reports
    register_reports(app, DbReports(db, today=lambda: app.clock().date()))
    return app


@pytest.mark.parametrize("name", REPORTS)
def test_each_report(snap_compare, db, make_app, ui, name):
    from tui.screens.reports import ReportsScreen
    app = with_reports(db, make_app())
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=showing(ui, lambda a: a.push_screen(ReportsScreen(name))))


@COLORS
def test_aging_in_each_colour_mode(snap_compare, color_mode, db, make_app, ui):
    from tui.screens.reports import ReportsScreen
    app = with_reports(db, make_app())
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=showing(ui, lambda a: a.push_screen(ReportsScreen("aging"))))


def _carriers(app):
    from tui.setup.carriers import CarriersScreen
    app.push_screen(CarriersScreen())


def _plans(app):
    from tui.setup.plans import PlansScreen
    app.push_screen(PlansScreen())


def _schedules(app):
    from tui.setup.fee_schedules import FeeSchedulesScreen
    app.push_screen(FeeSchedulesScreen())


def _schedule(app):
    from tui.setup.fee_schedules import FeeScheduleScreen
    app.push_screen(FeeScheduleScreen("PPO-DELTA"))


def _grid(app):
    from tui.setup.code_grid import CodeGridScreen
    app.push_screen(CodeGridScreen("PL_DELTA_SL"))


def _plan_form(app):
    from tui.setup.plan_form import PlanFormScreen
    app.push_screen(PlanFormScreen("PL_DELTA_SL"))


SETUP = {"carriers": _carriers, "plans": _plans, "fee_schedules": _schedules,
         "fee_schedule": _schedule, "code_grid": _grid, "plan_form": _plan_form}


@pytest.mark.parametrize("screen", list(SETUP))
def test_each_setup_screen(snap_compare, make_app, ui, screen):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=showing(ui, SETUP[screen]))
