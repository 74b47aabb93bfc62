"""Screenshots of the visit's screens at 80x24 and 160x50 on the demo office (fixed clock):
each correction of a procedure with its estimate preview, completing planned work and the
procedure form's preview.

Update after an intended change: pytest tests/tui/test_correction_snapshots.py --snapshot-update
"""
from __future__ import annotations

import pytest

from visit_helpers import SIZES, demo_copy, on_account, seeded_demo, shot


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return seeded_demo(tmp_path_factory.mktemp("correction-snapshots"))


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    database = demo_copy(template, tmp_path, monkeypatch)
    yield database
    database.close()


@SIZES
def test_edit_fee_preview(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("F", procedure="D2391", typed={"fee": "150.00"}))


@SIZES
def test_change_date_or_provider(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("D", procedure="D2391",
                                                   typed={"date": "2026-11-19"}))


@SIZES
def test_delete_procedure(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("X", procedure="D2391"))


@SIZES
def test_override_preview(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("O", procedure="D2391",
                                                   typed={"ov-percent": "100"}))


@SIZES
def test_do_not_bill(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("B", procedure="D2391"))


@SIZES
def test_preauthorization(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("U", procedure="D2391"))


@SIZES
def test_complete_planned_work(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("K", "enter"))


@SIZES
def test_procedure_form_preview(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("P", typed={"code": "D2750", "tooth": "30"}))
