"""Screenshots of the insurance payment grid at 80x24 and 160x50 (fixed clock, fake
data, the check amount typed so the running line says it balances).

Update after an intended change: pytest tests/tui/test_forms_snapshots.py --snapshot-update
"""
from __future__ import annotations

from datetime import datetime

import pytest

from test_forms_fake_desk import FakePostingDesk
from tui.app import build_app

CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False, "patient": "P1"}


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_insurance_payment_grid(snap_compare, desk, size):
    app = build_app(desk, config=CONFIG, clock=lambda: datetime(2024, 6, 3, 9, 30),
                    posting=FakePostingDesk())

    async def run_before(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("i")
        await pilot.pause()  # the form mounts and focuses its first box before we type
        await pilot.press(*"88120", "tab", "tab", "tab", *"166.00")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
