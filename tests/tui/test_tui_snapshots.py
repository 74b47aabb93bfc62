"""Screenshots of the main screens at 80x24 and 160x50 (fixed clock, fake data).

Update after an intended change: pytest tests/tui --snapshot-update
"""
from __future__ import annotations

import pytest

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])


class TestFindPatientSnapshots:
    @SIZES
    def test_search_with_results(self, snap_compare, desk, make_app, helpers, size):
        assert snap_compare(make_app(desk), terminal_size=size, run_before=helpers.after(*"smi", "down"))


class TestAccountSnapshots:
    @SIZES
    def test_ledger_card(self, snap_compare, desk, make_app, helpers, size):
        app = make_app(desk, patient="P1")
        assert snap_compare(app, terminal_size=size, run_before=helpers.after("down", "down", "down"))

    @SIZES
    def test_ledger_card_scrolled_to_claim_status(self, snap_compare, desk, make_app, helpers, size):
        app = make_app(desk, patient="P1")
        keys = ("right_square_bracket",) * 3
        assert snap_compare(app, terminal_size=size, run_before=helpers.after(*keys))


class TestLineDetailSnapshots:
    @SIZES
    def test_procedure_detail(self, snap_compare, desk, make_app, helpers, size):
        app = make_app(desk, patient="P1")
        assert snap_compare(app, terminal_size=size, run_before=helpers.after("n", "enter"))
