"""Screenshots at 80x24 (issue 17): Find patient and the account with a two-plan header in
full colour, without colour (NO_COLOR) and in 16 colours; each column group of the ledger
card; help; the footer's second page.

Update after an intended change: pytest tests/tui/test_desk80_snapshots.py --snapshot-update
"""
from __future__ import annotations

import pytest

from color_modes import COLORS

SIZE = (80, 24)


@COLORS
def test_find_patient(snap_compare, color_mode, desk, make_app, helpers):
    assert snap_compare(make_app(desk), terminal_size=SIZE,
                        run_before=helpers.after(*"smi", "down"))


@COLORS
def test_account_with_two_plans(snap_compare, color_mode, desk, make_app, helpers):
    app = make_app(desk, patient="P1")
    assert snap_compare(app, terminal_size=SIZE, run_before=helpers.after("up", "up"))


# `]` presses from the first page of the card (its amounts) to the rest of Main and to each
# group at 80 columns (Detail: after d).
GROUPS = {"main_rest": ("]",), "current": ("]",) * 3, "original": ("]",) * 5,
          "claim_status": ("]",) * 7, "detail": ("d", *("]",) * 8)}


@pytest.mark.parametrize("group", list(GROUPS))
def test_each_column_group(snap_compare, desk, make_app, helpers, group):
    keys = ["right_square_bracket" if k == "]" else k for k in GROUPS[group]]
    app = make_app(desk, patient="P1")
    assert snap_compare(app, terminal_size=SIZE, run_before=helpers.after(*keys))


def test_help_lists_the_screens_keys_first(snap_compare, desk, make_app, helpers):
    app = make_app(desk, patient="P1")
    assert snap_compare(app, terminal_size=SIZE, run_before=helpers.after("f1"))


def test_the_footers_second_page(snap_compare, desk, make_app, helpers):
    app = make_app(desk, patient="P1")
    assert snap_compare(app, terminal_size=SIZE, run_before=helpers.after("f2"))
