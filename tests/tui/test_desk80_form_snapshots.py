"""Screenshots at 80x24 of each posting form, the claims list and the unsaved-changes question
(issue 17), over the fake desks (fixed clock).

Update after an intended change: pytest tests/tui/test_desk80_form_snapshots.py --snapshot-update
"""
from __future__ import annotations

from datetime import datetime

import pytest

from color_modes import COLORS
from test_forms_fake_desk import FakePostingDesk
from tui.app import build_app

CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False, "patient": "P1"}
SIZE = (80, 24)
# The account's key for each form (the insurance payment grid has its own test).
FORMS = {"procedure": "P", "patient_payment": "y", "adjustment": "a", "claim": "c",
         "insurance_check": "I", "claims_list": "l", "ledger_note": "N", "appointment": "A"}


def app_over(desk):
    return build_app(desk, config=dict(CONFIG), clock=lambda: datetime(2024, 6, 3, 9, 30),
                     posting=FakePostingDesk())


def pressing(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
    return run_before


@pytest.mark.parametrize("form", list(FORMS))
def test_each_posting_form(snap_compare, desk, form):
    assert snap_compare(app_over(desk), terminal_size=SIZE, run_before=pressing(FORMS[form]))


@COLORS
def test_escape_asks_before_discarding_typing(snap_compare, color_mode, desk):
    keys = ("y", *"25", "escape")
    assert snap_compare(app_over(desk), terminal_size=SIZE, run_before=pressing(*keys))
