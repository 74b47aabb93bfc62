"""The set-up screens driven with keys: identical plans ask, the CSV preview reports rejected
lines and imports nothing, the code-specific grid edits in place, coverage keys."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from estimator.money import fmt
from store.services import setup as svc
from tui.commands import DeskCommands
from tui.setup.code_grid import COLUMNS, CodeGridScreen
from tui.setup.common import ChoiceDialog
from tui.setup.coverage import CoverageScreen
from tui.setup.fee_schedules import FeeSchedulesScreen, ImportFeesScreen
from tui.setup.plan_form import PlanFormScreen


def test_every_setup_binding_has_an_id():
    from tui.setup import carriers, code_grid, coverage, fee_schedules, plan_form, plans
    classes = (carriers.CarriersScreen, carriers.CarrierForm, plans.PlansScreen,
               plan_form.PlanFormScreen, code_grid.CodeGridScreen, fee_schedules.FeeSchedulesScreen,
               fee_schedules.FeeScheduleScreen, fee_schedules.NewScheduleDialog,
               fee_schedules.ImportFeesScreen, coverage.CoverageScreen, coverage.BenefitsUsedDialog,
               coverage.CoverageDatesDialog, coverage.AddCoverageDialog)
    for cls in classes:
        bindings = [b for _, b in cls._merge_bindings()]
        assert all(b.id for b in bindings), (cls.__name__, [b.key for b in bindings if not b.id])


def test_the_desk_implements_the_port(db):
    from store.desks.setup import DbSetupDesk
    from tui.setup.port import SetupDesk
    assert isinstance(DbSetupDesk(db), SetupDesk)


def amount(db, schedule: str, code: str):
    row = db.execute_sql("SELECT f.amount_cents FROM fee f JOIN fee_schedule s ON s.id = f.schedule_id "
                         "WHERE s.file_id = ? AND f.code = ?", (schedule, code)).fetchone()
    return row[0] if row else None


@pytest.fixture
def twin(db, pid) -> int:
    """A copy of the Delgados' Delta plan for Harold Whitfield: identical, another subscriber."""
    base = {k: v for k, v in svc.plan_values(db, pid(db, "PL_DELTA_RH", "plan")).items()
            if k != "subscriber"}
    return svc.create_plan(db, pid(db, "FAM04_P1"), attach=True, **base)


async def save_with_annual_max(app, pilot, ui, plan_id: str, text: str) -> None:
    app.push_screen(PlanFormScreen(plan_id))
    await ui.settle(app, pilot)
    box = app.screen.query_one("#f-annual_max", Input)
    box.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(box.value), *text, "ctrl+s")
    await ui.settle(app, pilot)


async def test_saving_a_plan_with_identical_plans_asks(db, pid, twin, make_app, ui):
    rh = pid(db, "PL_DELTA_RH", "plan")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(app, pilot)
        await save_with_annual_max(app, pilot, ui, f"PL{twin}", "1800")
        assert isinstance(app.screen, ChoiceDialog)
        shown = ui.text(app)
        assert "This subscriber's plan only" in shown and "Every identical plan (2)" in shown
        await pilot.press("escape")  # no answer: nothing is saved
        await ui.settle(app, pilot)
        assert isinstance(app.screen, PlanFormScreen)
        assert svc.plan_values(db, twin)["annual_max"] == 150000
        await pilot.press("ctrl+s")
        await ui.settle(app, pilot)
        await pilot.press("down", "enter")  # every identical plan
        await ui.settle(app, pilot)
        assert [svc.plan_values(db, p)["annual_max"] for p in (twin, rh)] == [180000, 180000]

        await save_with_annual_max(app, pilot, ui, f"PL{twin}", "2000")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # this subscriber only
        await ui.settle(app, pilot)
        assert [svc.plan_values(db, p)["annual_max"] for p in (twin, rh)] == [200000, 180000]

        app.push_screen(PlanFormScreen(f"PL{twin}"))
        await ui.settle(app, pilot)
        assert "No identical plans." in ui.text(app)  # no longer identical
        assert "Whitfield, Harold (primary)" in ui.text(app)


async def test_csv_preview_reports_rejected_lines_and_imports_nothing(db, make_app, ui, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,fee\nD0120,40.00\nD0140,forty\nQ1234,5\nD0120,41\nD1110,-3\n", encoding="utf-8")
    before = amount(db, "PPO-DELTA", "D0120")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(FeeSchedulesScreen())
        await ui.settle(app, pilot)
        await pilot.press("down", "i")  # the Delta PPO schedule (second row)
        await ui.settle(app, pilot)
        assert isinstance(app.screen, ImportFeesScreen) and "Delta Dental PPO fees" in ui.text(app)
        await ui.paste(app, pilot, str(path))
        await pilot.press("enter")
        await ui.settle(app, pilot)
        shown = ui.text(app)
        assert "4 line(s) rejected, 1 accepted. Nothing will be imported" in shown
        for reason in ("fee 'forty' is not an amount", "unknown code Q1234",
                       "duplicate code D0120 (also on line 2)", "fee '-3' is negative"):
            assert reason in shown
        await pilot.press("ctrl+s")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, ImportFeesScreen)
        assert "Nothing imported" in ui.text(app)
    assert amount(db, "PPO-DELTA", "D0120") == before


async def test_grid_edits_in_place_and_recomputes(db, make_app, ui):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(CodeGridScreen("PL_DELTA_SL"))
        await ui.settle(app, pilot)
        table = app.screen.query_one(DataTable)
        row = next(n for n, r in enumerate(app.screen.view.grid.rows) if r.code == "D2740")
        table.move_cursor(row=row, column=COLUMNS.index("Allowed"))
        before = app.screen.view.grid.rows[row]
        await pilot.press("enter")
        await ui.settle(app, pilot)
        assert app.focused.id == "editor-input" and app.focused.value == fmt(before.allowed_fee)
        await pilot.press(*["backspace"] * 6, *"900", "enter")
        await ui.settle(app, pilot)
        crown = next(r for r in app.screen.view.grid.rows if r.code == "D2740")
        assert amount(db, "PPO-DELTA", "D2740") == 90000
        assert (crown.allowed, crown.writeoff_est) == (90000, crown.office_fee - 90000)
        assert crown.ins_est == (90000 - 5000) // 2  # crowns 50% after the 50.00 deductible

        table.move_cursor(row=row, column=COLUMNS.index("Pays"))
        await pilot.press("enter")
        await ui.settle(app, pilot)
        assert app.focused.value == ""  # no percentage of its own: the category's applies
        await pilot.press(*"80", "enter")
        await ui.settle(app, pilot)
        crown = next(r for r in app.screen.view.grid.rows if r.code == "D2740")
        assert (crown.percent, crown.ins_est) == (80, (90000 - 5000) * 8 // 10)
        assert "80%" in ui.text(app)


async def test_coverage_keys(db, pid, make_app, ui):
    emily = pid(db, "FAM07_P3")
    order = "SELECT pl.file_id FROM patient_coverage c JOIN plan pl ON pl.id = c.plan_id " \
            "WHERE c.patient_id = ? ORDER BY c.coverage_order"
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(CoverageScreen("FAM07_P3"))
        await ui.settle(app, pilot)
        assert "Coverage: Kowalski, Emily" in ui.text(app)
        await pilot.press("shift+down")  # primary MetLife becomes secondary
        await ui.settle(app, pilot)
        assert [r for (r,) in db.execute_sql(order, (emily,))] == ["PL_GUARD_NF", "PL_MET_BH", "PL_DELTA_SL"]
        await pilot.press("p")
        await ui.settle(app, pilot)
        assert db.execute_sql("SELECT pending FROM patient_coverage c JOIN plan pl ON pl.id = c.plan_id "
                              "WHERE c.patient_id = ? AND pl.file_id = 'PL_MET_BH'", (emily,)).fetchone() == (1,)
        await pilot.press("b")
        await ui.settle(app, pilot)
        await pilot.press(*"250", "enter", *"50", "enter")
        await ui.settle(app, pilot)
        assert db.execute_sql("SELECT paid_cents, deductible_met_cents FROM benefit_used WHERE "
                              "patient_id = ?", (emily,)).fetchall() == [(25000, 5000)]
        await pilot.press("d")
        await ui.settle(app, pilot)
        await pilot.press("down", "enter")  # "Drop it"
        await ui.settle(app, pilot)
        assert [r for (r,) in db.execute_sql(order, (emily,))] == ["PL_GUARD_NF", "PL_DELTA_SL"]
        await pilot.press("a")
        await ui.settle(app, pilot)
        await pilot.press("down", "enter")  # the first plan offered (after "New plan"): the
        await ui.settle(app, pilot)         # Delgados' Delta plan
        assert app.screen.query_one("#coverage-effective", Input).value == "2026-11-20"  # today
        await pilot.press("enter", "tab", *"X9")
        app.screen.query_one("#coverage-relationship", Select).value = "spouse"
        await pilot.press("ctrl+s")
        await ui.settle(app, pilot)
        assert [r for (r,) in db.execute_sql(order, (emily,))] == \
            ["PL_GUARD_NF", "PL_DELTA_SL", "PL_DELTA_RH"]
        assert db.execute_sql("SELECT c.subscriber_id, c.relationship FROM patient_coverage c "
                              "JOIN plan pl ON pl.id = c.plan_id WHERE c.patient_id = ? AND "
                              "pl.file_id = 'PL_DELTA_RH'", (emily,)).fetchone() == ("X9", "spouse")
        await pilot.press("r")  # the relationship of the plan under the cursor
        await ui.settle(app, pilot)
        await pilot.press("down", "down", "enter")  # child
        await ui.settle(app, pilot)
        assert db.execute_sql("SELECT c.relationship FROM patient_coverage c JOIN plan pl ON "
                              "pl.id = c.plan_id WHERE c.patient_id = ? AND pl.file_id = "
                              "'PL_DELTA_RH'", (emily,)).fetchone() == ("child",)
        dates = "SELECT c.effective, c.terminated FROM patient_coverage c JOIN plan pl ON pl.id = " \
                "c.plan_id WHERE c.patient_id = ? AND pl.file_id = ?"
        assert db.execute_sql(dates, (emily, "PL_DELTA_RH")).fetchone() == ("2026-11-20", None)
        assert "2026-11-20" in ui.text(app)
        await pilot.press("e")  # the dates of the plan under the cursor, shown to edit
        await ui.settle(app, pilot)
        assert app.screen.query_one("#coverage-effective", Input).value == "2026-11-20"
        await pilot.press("tab", *"2026-11-1", "enter")
        await ui.settle(app, pilot)
        assert db.execute_sql(dates, (emily, "PL_DELTA_RH")).fetchone() == ("2026-11-20", None)
        assert "not a date" in ui.text(app)
        await pilot.press(*"9", "enter")   # 2026-11-19 is before the effective date: refused
        await ui.settle(app, pilot)
        assert "cannot end" in ui.text(app)
        assert db.execute_sql(dates, (emily, "PL_DELTA_RH")).fetchone() == ("2026-11-20", None)


async def test_palette_lists_the_setup_screens(make_app, ui):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.settle(app, pilot)
        titles = {hit.text async for hit in DeskCommands(app.screen).discover()}
        assert {"Setup: insurance carriers", "Setup: insurance plans", "Setup: fee schedules",
                "Setup: patient coverage", "Setup: update all estimates"} <= titles


async def test_update_every_estimate_with_a_progress_bar(db, make_app, ui):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(FeeSchedulesScreen())
        await ui.settle(app, pilot)
        await pilot.press("u")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, FeeSchedulesScreen)  # the progress dialog has closed
    detail = db.execute_sql("SELECT detail FROM audit_log WHERE action = 'update_estimates'").fetchone()
    families = db.execute_sql("SELECT count(DISTINCT coalesce(guarantor_id, id)) FROM patient").fetchone()
    assert f'"families_reestimated": {families[0]}' in detail[0]


async def test_progress_dialog_shows_families_done(make_app, ui):
    import threading
    import time

    from textual.widgets import ProgressBar

    from tui.setup.common import ProgressDialog
    halfway, finish, results = threading.Event(), threading.Event(), []

    def job(progress):
        progress(0, 2)
        time.sleep(0.15)  # updates are throttled to a few per second
        progress(1, 2)
        halfway.set()
        finish.wait(5)
        progress(2, 2)
        return "done"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(ProgressDialog("Updating", job), results.append)
        while not halfway.is_set():
            await pilot.pause(0.02)
        await pilot.pause(0.05)
        assert app.screen.query_one(ProgressBar).progress == 1
        assert "1 of 2 families" in ui.text(app)
        finish.set()
        await ui.settle(app, pilot)
    assert results == [(True, "done")]


async def test_the_form_shows_every_field_and_reads_it_back_unchanged(db, pid, make_app, ui):
    from estimator.model import FrequencyLimit
    plan = svc.create_plan(
        db, pid(db, "FAM04_P1"), carrier=pid(db, "GUARD", "carrier"), type="percentage",
        allowed_fee_schedule=pid(db, "GUARD-ALLOWED", "fee_schedule"),
        copay_schedule=pid(db, "MET-COPAY", "fee_schedule"),
        coverage={"diagnostic": 100, "preventive": 0}, code_coverage={"D9110": 80},
        annual_max=0, category_limits={"orthodontics": 150000}, category_family_limits={"orthodontics": 1},
        code_limits={"D4341": 40000}, deductible=5000, family_deductible=None,
        category_deductibles={"preventive": 0}, code_deductibles={"D2740": 10000},
        deductible_waived_on=("diagnostic", "preventive"), deductible_before_percent=False,
        renew_month=7, frequency=(FrequencyLimit(2, "benefit_year", code="D1110"),
                                  FrequencyLimit(1, "years", category="diagnostic_xray", count=5)),
        exclusions=("D9972", "D2962"), allow_substitution=False, substitution_writeoffs=False,
        cob_rule="carve_out", same_plan_as=pid(db, "PL_GUARD_HV", "plan"), employer="[b]Acme[/b]",
        group_number="G-1", note="Call first", claims_use_ucr=False)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(app, pilot)
        app.push_screen(PlanFormScreen(f"PL{plan}"))
        await ui.settle(app, pilot)
        form = app.screen
        assert form.read_plan() == form.view.plan
        assert form.query_one("#f-frequency", Input).value == "D1110 2 benefit_year; diagnostic_xray 1 years 5"
        assert form.query_one("#f-category_limits", Input).value == "orthodontics=1500.00"
        assert form.query_one("#f-coverage-preventive", Input).value == "0"
        assert form.query_one("#f-coverage-crowns", Input).value == ""
        assert form.query_one("#f-employer", Input).value == "[b]Acme[/b]"
        await pilot.press("ctrl+s")
        await ui.settle(app, pilot)
        assert "Nothing changed." in ui.text(app)
