"""Screenshots of the coverage screen with coverage dates, and of its dates dialog, at 80x24 and
160x50 (the demo office, fixed clock).

Update after an intended change: pytest tests/setup/test_coverage_snapshots.py --snapshot-update
"""
from __future__ import annotations

import pytest

from store.services import setup as svc
from tui.setup.coverage import CoverageScreen

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])


def dated_coverage(db, pid) -> None:
    """Elena Delgado: Delta until 2026-06-30, MetLife from 2026-07-01."""
    elena = pid(db, "FAM01_P2")
    svc.set_coverage_dates(db, elena, pid(db, "PL_DELTA_RH", "plan"), terminated="2026-06-30")
    svc.add_coverage(db, elena, pid(db, "PL_MET_BH", "plan"), effective="2026-07-01")


def on_coverage(ui, *keys: str):
    async def run_before(pilot) -> None:
        await ui.settle(pilot.app, pilot)
        pilot.app.push_screen(CoverageScreen("FAM01_P2"))
        await ui.settle(pilot.app, pilot)
        if keys:
            await pilot.press(*keys)
            await ui.settle(pilot.app, pilot)
    return run_before


@SIZES
def test_coverage_with_dates(snap_compare, db, pid, make_app, ui, size):
    dated_coverage(db, pid)
    assert snap_compare(make_app(), terminal_size=size, run_before=on_coverage(ui))


@SIZES
def test_coverage_dates_dialog(snap_compare, db, pid, make_app, ui, size):
    dated_coverage(db, pid)
    assert snap_compare(make_app(), terminal_size=size, run_before=on_coverage(ui, "down", "e"))
