"""A new family's first visit, end to end at the keyboard, on the demo office: register the
guarantor (F2), give her a new Delta Dental plan from her account (v, a, the plan form),
register her son into the family with the plan (relationship child), plan three procedures
on his treatment plan (t, P), read their estimates, complete two (c), create the claim (c),
enter the carrier's check (i), take the patient's payment (y), and see a zero balance."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from estimator.money import fmt
from tui.forms.treatment_plan import TreatmentPlanScreen
from tui.screens.account import AccountScreen
from visit_helpers import demo_copy, demo_template, settle, visit_app

PLAN = (("annual_max", "1500.00"), ("deductible", "50.00"), ("coverage-diagnostic", "100"),
        ("coverage-preventive", "100"), ("coverage-restorative", "80"))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory.mktemp("visit"))


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    database = demo_copy(template, tmp_path, monkeypatch)
    yield database
    database.close()


async def register(app, pilot, last: str, first: str, born: str, family: str = "") -> None:
    await pilot.press("f2")
    await settle(app, pilot)
    await pilot.press(*last, "tab", *first, "tab", "tab", "tab", *born)
    form = app.screen
    form.query_one("#provider", Select).value = "1"  # Dr Reyes, the family's dentist
    if family:
        form.query_one("#family-search", Input).value = family
        await settle(app, pilot)
        form.query_one("#cover-1", Select).value = "child"
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_a_new_familys_first_visit(db):
    app = visit_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await register(app, pilot, "Okafor", "Grace", "1984-02-11")
        assert isinstance(app.screen, AccountScreen)
        grace = app.screen.patient_id
        # coverage from her account: a new plan, created on the spot with the plan form
        await pilot.press("v", "a")
        await settle(app, pilot)
        await pilot.press("enter")  # "+ New plan"
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#f-subscriber", Input).value == grace
        form.query_one("#f-carrier", Select).value = "DELTA"
        form.query_one("#f-fee_schedule", Select).value = "PPO-DELTA"
        for name, value in PLAN:
            form.query_one(f"#f-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        await pilot.press("r", "enter", "escape")  # she is the subscriber: "self"
        await settle(app, pilot)
        assert db.execute_sql("SELECT relationship FROM patient_coverage WHERE patient_id = ?",
                              (int(grace),)).fetchone() == ("self",)

        # her son joins the family, covered by her plan as her child
        await register(app, pilot, "Okafor", "Daniel", "2016-07-30", family="okafor, g")
        daniel = app.screen.patient_id
        assert app.frontdesk.account(daniel).summary.guarantor_name == "Okafor, Grace"
        assert db.execute_sql("SELECT relationship FROM patient_coverage WHERE patient_id = ?",
                              (int(daniel),)).fetchone() == ("child",)

        # three procedures on his treatment plan, with their estimates
        await pilot.press("t")
        await settle(app, pilot)
        for code, where in (("D0120", ()), ("D1120", ()), ("D2392", ("tab", *"30", "tab", "M",
                                                                     "O"))):
            await pilot.press("P", *code, *where)
            await settle(app, pilot)
            assert "Delta Dental: ins" in str(app.screen.query_one("#preview").render())
            await pilot.press("ctrl+s")
            await settle(app, pilot)
        assert isinstance(app.screen, TreatmentPlanScreen)
        plan = app.screen.plan
        assert [ln.code for ln in plan.lines] == ["D0120", "D1120", "D2392"]
        assert all(ln.plans[0] is not None for ln in plan.lines) and plan.ins_est[0] > 0
        assert plan.lines[0].plans[0].ins_est == 0  # the deductible comes first
        table = app.screen.query_one("#plan-table", DataTable)
        assert table.get_row_at(2)[5].plain == fmt(plan.lines[2].plans[0].ins_est)
        assert table.get_row_at(3)[1].plain == "Total"

        # two are done today: completed from the plan (each asks first: a charge is posted)
        for _ in range(2):
            app.screen.query_one("#plan-table", DataTable).move_cursor(row=0)
            await pilot.press("c")
            await settle(app, pilot)
            await pilot.press("ctrl+s", "y")
            await settle(app, pilot)
        assert [ln.code for ln in app.screen.plan.lines] == ["D2392"]
        await pilot.press("escape")
        await settle(app, pilot)

        # the claim: today's two completed procedures are ticked
        await pilot.press("c")
        await settle(app, pilot)
        assert [box.value for box in app.screen.query(".bill")] == [True, True]
        await pilot.press("ctrl+s", "y")
        await settle(app, pilot)
        view = app.frontdesk.account(daniel)
        insurance, patient = view.summary.balance.insurance, view.summary.balance.patient
        assert view.summary.balance.total == 14500 and insurance > 0 and patient > 0

        # the carrier pays as estimated; the write-offs are taken as estimated
        await pilot.press("i")
        await settle(app, pilot)
        form = app.screen
        paid = sum(int(box.value.replace(".", "")) for box in form.query("Input")
                   if (box.id or "").startswith("paid-"))
        await pilot.press(*"4411", "tab", "tab", "tab", *fmt(paid), "ctrl+s", "y")
        await settle(app, pilot)
        assert app.frontdesk.account(daniel).summary.balance.total == patient

        # the mother pays what is left
        await pilot.press("y", *fmt(patient), "ctrl+s", "y")
        await settle(app, pilot)
        view = app.frontdesk.account(daniel)
        assert view.summary.balance.total == 0 and view.summary.family_total == 0
        assert "Balance 0.00" in "\n".join(s.text for s in
                                             app.screen._compositor.render_strips())
