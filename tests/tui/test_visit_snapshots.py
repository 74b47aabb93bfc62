"""Screenshots of the visit's screens at 80x24 and 160x50 on the demo office (fixed clock):
registration, edit, move, the treatment plan, each correction with its estimate preview, the
procedure form's preview, Create claim's reasons and adding a coverage.

Update after an intended change: pytest tests/tui/test_visit_snapshots.py --snapshot-update
"""
from __future__ import annotations

import pytest
from textual.widgets import Input

from store import services
from store.services import estimate_terms
from visit_helpers import demo_copy, demo_template, settle, visit_app

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory.mktemp("visit-snapshots"))


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    """Roberto Delgado with a crown and an X-ray planned, and today's filling and X-ray done
    (the X-ray not to be billed)."""
    database = demo_copy(template, tmp_path, monkeypatch)
    roberto = database.execute_sql("SELECT id FROM patient WHERE file_id = 'FAM01_P1'").fetchone()[0]
    services.add_procedure(database, roberto, "D2740", tooth="3", planned=True, provider="DDS1")
    services.add_procedure(database, roberto, "D0220", planned=True, provider="DDS1")
    services.add_procedure(database, roberto, "D2391", tooth="19", surface="O", provider="DDS1")
    xray = services.add_procedure(database, roberto, "D0220", provider="DDS1")
    delta = database.execute_sql("SELECT id FROM plan WHERE file_id = 'PL_DELTA_RH'").fetchone()[0]
    estimate_terms.set_no_bill(database, xray, delta, True)
    yield database
    database.close()


def on_account(*keys: str, procedure: str | None = None, typed: dict | None = None):
    """Open Roberto's account, put the card's cursor on ``procedure`` (a code of today's
    work), press ``keys``, fill ``typed`` boxes."""
    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        if procedure:
            card = app.screen.card
            rows = [card.row_at(i) for i in range(card.shown_rows)]
            card.move_cursor(max(i for i, r in enumerate(rows)
                                 if r.kind == "procedure" and procedure in str(r.cells)))
            await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        for box, value in (typed or {}).items():
            app.screen.query_one(f"#{box}", Input).value = value
            await settle(app, pilot)
    return run_before


def shot(snap_compare, db, size, run_before, patient: str | None = "FAM01_P1"):
    app = visit_app(db, **({"patient": patient} if patient else {}))
    return snap_compare(app, terminal_size=size, run_before=run_before)


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


@SIZES
def test_create_claim_ticks_todays_work(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("c"))


@SIZES
def test_add_coverage_dialog(snap_compare, db, size):
    assert shot(snap_compare, db, size, on_account("v", "a", "down", "enter"),
                patient="FAM01_P3")
