"""Blank is unknown, 0 is zero (seed 002): stored NULL vs 0, shown "" vs "0.00", estimated as
"no limit known" vs "pays nothing", and kept apart through export and import."""
from __future__ import annotations

import json

import pytest
from textual.widgets import Input

from store.derived import estimates
from store.db import open_database, write_transaction
from store.files.exporter import export_practice
from store.files.importer import import_practice
from store.files.practice_file import dumps_practice, parse_practice_text
from store.services import setup as svc
from tui.setup.plan_form import PlanFormScreen


@pytest.fixture
def two_plans(db, pid):
    """The same Delta plan twice: annual max unknown for the Whitfields, 0 for the Sullivans."""
    base = {k: v for k, v in svc.plan_values(db, pid(db, "PL_DELTA_RH", "plan")).items()
            if k != "subscriber"}
    unknown = svc.create_plan(db, pid(db, "FAM04_P1"), attach=True, **{**base, "annual_max": None})
    zero = svc.create_plan(db, pid(db, "FAM13_P1"), attach=True, **{**base, "annual_max": 0})
    return unknown, zero


def estimates_of(db, plan: int) -> list[tuple[int, str]]:
    return db.execute_sql("SELECT ins_est_cents, note FROM claim_proc WHERE plan_id = ? ORDER BY id",
                          (plan,)).fetchall()


def file_id(db, plan: int) -> str:
    row = db.execute_sql("SELECT file_id FROM plan WHERE id = ?", (plan,)).fetchone()
    return row[0] or f"PL{plan}"


def test_stored_as_null_and_zero(db, two_plans):
    unknown, zero = two_plans
    rows = db.execute_sql("SELECT id, annual_max_cents FROM plan WHERE id IN (?, ?) ORDER BY id",
                          two_plans).fetchall()
    assert rows == [(unknown, None), (zero, 0)]


def test_estimator_treats_them_as_unknown_and_pays_nothing(db, two_plans):
    unknown, zero = two_plans
    assert any(est > 0 for est, _ in estimates_of(db, unknown))
    assert all(note != "Over annual max" for _, note in estimates_of(db, unknown))
    paying = [(est, note) for est, note in estimates_of(db, zero)]
    assert paying and all(est == 0 for est, _ in paying)
    assert "Over annual max" in {note for _, note in paying}


async def test_form_shows_blank_and_zero_and_saves_blank_as_unknown(db, two_plans, make_app, ui):
    unknown, zero = two_plans
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for plan, shown in ((unknown, ""), (zero, "0.00")):
            app.push_screen(PlanFormScreen(file_id(db, plan)))
            await ui.settle(app, pilot)
            assert app.screen.query_one("#f-annual_max", Input).value == shown
            assert app.screen.query_one("#f-family_annual_max", Input).value == ""  # unknown
        app.screen.query_one("#f-annual_max", Input).focus()  # the zero plan's form
        await pilot.pause()
        await pilot.press("end", *["backspace"] * 4, "ctrl+s")  # cleared: blank = unknown
        await ui.settle(app, pilot)
    assert svc.plan_values(db, zero)["annual_max"] is None


def test_export_and_import_keep_them_apart(db, two_plans, tmp_path):
    unknown, zero = two_plans
    text = dumps_practice(export_practice(db))
    plans = {p["id"]: p for p in json.loads(text)["practice"]["plans"]}
    assert "annual_max" not in plans[file_id(db, unknown)]
    assert plans[file_id(db, zero)]["annual_max"] == 0
    fresh = open_database(str(tmp_path / "fresh.db"))
    with write_transaction(fresh):
        import_practice(fresh, parse_practice_text(text).practice)
        estimates.reestimate_all(fresh)
    back = dict(fresh.execute_sql("SELECT file_id, annual_max_cents FROM plan").fetchall())
    assert back[file_id(db, unknown)] is None and back[file_id(db, zero)] == 0
    assert estimates_of(fresh, fresh.execute_sql("SELECT id FROM plan WHERE file_id = ?",
                                                 (file_id(db, zero),)).fetchone()[0]) == \
        estimates_of(db, zero)
    fresh.close()
