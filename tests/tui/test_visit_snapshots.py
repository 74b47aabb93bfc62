"""Screenshots of the visit's screens at 80x24 and 160x50 on the demo office (fixed clock):
registration, edit, move, the treatment plan, Create claim's reasons and adding a coverage
(the corrections' forms: test_correction_snapshots.py).

Update after an intended change: pytest tests/tui/test_visit_snapshots.py --snapshot-update
"""
from __future__ import annotations

import pytest

from visit_helpers import SIZES, demo_copy, on_account, seeded_demo, shot


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return seeded_demo(tmp_path_factory.mktemp("visit-snapshots"))


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    database = demo_copy(template, tmp_path, monkeypatch)
    yield database
    database.close()


@SIZES
def test_register_patient(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("f2", typed={
        "last_name": "Delgado", "first_name": "Marisol", "birthdate": "2019-03-02",
        "family-search": "delgado, rob"}), patient=None)


@SIZES
def test_edit_patient(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("e", typed={"city": "San Antonio"}))


@SIZES
def test_move_patient(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("M", typed={"family-search": "kowalski"}))


@SIZES
def test_treatment_plan(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("t"))


@SIZES
def test_create_claim_ticks_todays_work(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("c"))


@SIZES
def test_add_coverage_dialog(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("v", "a", "down", "enter"),
                patient="FAM01_P3")
