"""A new PPO set up from nothing (seed 000): a carrier with its write-off code, an allowed-fee
schedule imported from CSV, the plan, attached to an uninsured demo patient; their estimates
then follow the new plan. Once through the services, once through the screens with keys."""
from __future__ import annotations

from estimator.money import fmt
from store.services import setup as svc
from tui.setup.carriers import CarriersScreen
from tui.setup.fee_schedules import FeeSchedulesScreen, ImportFeesScreen
from tui.setup.plan_form import PlanFormScreen
from tui.setup.plans import PlansScreen

COVERAGE = {"diagnostic": 100, "diagnostic_xray": 100, "preventive": 100, "restorative": 80,
            "endodontics": 80, "periodontics": 80, "oral_surgery": 80, "crowns": 50,
            "prosthodontics": 50}


def ppo_csv(db) -> tuple[str, dict[str, int]]:
    """Contracted fees at 70% of the office's (whole cents), as a code,fee CSV."""
    office = db.execute_sql("SELECT f.code, f.amount_cents FROM fee f JOIN fee_schedule s ON "
                            "s.id = f.schedule_id WHERE s.file_id = 'OFFICE'").fetchall()
    fees = {code: amount * 7 // 10 for code, amount in office}
    return "code,fee\n" + "".join(f"{c},{fmt(a)}\n" for c, a in fees.items()), fees


def harold_lines(db, pid) -> list[tuple]:
    return db.execute_sql(
        "SELECT c.code, c.category, p.fee_cents * p.units, cp.allowed_cents, cp.ins_est_cents, "
        "cp.writeoff_est_cents, pl.file_id, cp.plan_id FROM claim_proc cp "
        "JOIN procedure p ON p.id = cp.procedure_id JOIN procedure_code c ON c.id = p.code_id "
        "JOIN plan pl ON pl.id = cp.plan_id WHERE p.patient_id = ? AND p.status != 'deleted'",
        (pid(db, "FAM04_P1"),)).fetchall()


def check_estimates_follow_the_plan(db, pid, fees: dict[str, int], plan_id: int) -> None:
    lines = harold_lines(db, pid)
    procedures = db.execute_sql("SELECT count(*) FROM procedure WHERE patient_id = ? AND "
                                "status != 'deleted'", (pid(db, "FAM04_P1"),)).fetchone()[0]
    assert len(lines) == procedures and {line[-1] for line in lines} == {plan_id}
    for code, category, charge, allowed, ins, writeoff, _, _ in lines:
        assert allowed == min(fees[code], charge)
        assert writeoff == charge - allowed  # the PPO write-off: office fee less the contracted fee
        assert 0 <= ins <= allowed
        if category in ("diagnostic", "diagnostic_xray", "preventive"):
            assert ins == allowed  # 100%, deductible waived
    assert sum(line[4] for line in lines) > 0


def test_through_the_services(db, pid):
    assert harold_lines(db, pid) == []  # uninsured: no claim procedures
    carrier = svc.create_carrier(db, "Acme Dental PPO", writeoff_code="WO-ACME", electronic_id="99999")
    schedule = svc.create_fee_schedule(db, "Acme PPO fees", "allowed")
    text, fees = ppo_csv(db)
    preview = svc.import_fee_csv(db, schedule, text)
    assert preview.new == len(fees) and not preview.rejected
    plan = svc.create_plan(db, pid(db, "FAM04_P1"), carrier=carrier, type="ppo", fee_schedule=schedule,
                           coverage=COVERAGE, annual_max=100000, deductible=5000,
                           deductible_waived_on=("diagnostic", "diagnostic_xray", "preventive"),
                           employer="Acme Co", group_number="AC-1", attach=True)
    check_estimates_follow_the_plan(db, pid, fees, plan)
    # a better contracted fee for one code moves that code's estimate
    code = harold_lines(db, pid)[0][0]
    svc.set_fee(db, schedule, code, fees[code] + 100)
    check_estimates_follow_the_plan(db, pid, {**fees, code: fees[code] + 100}, plan)


async def palette(app, pilot, ui, query: str) -> None:
    await pilot.press("ctrl+p")
    await ui.settle(app, pilot)
    await ui.type(pilot, query)
    await ui.settle(app, pilot)
    await pilot.press("enter")
    await ui.settle(app, pilot)


async def choose(app, pilot, ui, selector: str, text: str) -> None:
    """Pick a Select's option from the keyboard: open it, type to search, Enter."""
    app.screen.query_one(selector).focus()
    await pilot.press("enter")
    await ui.settle(app, pilot)
    await ui.type(pilot, text)
    await pilot.press("enter")
    await ui.settle(app, pilot)


async def fill(app, pilot, ui, selector: str, text: str) -> None:
    """Paste into an empty box (typing every key of a long form is slow under test)."""
    app.screen.query_one(selector).focus()
    await pilot.pause()
    await ui.paste(app, pilot, text)


async def test_through_the_screens(db, pid, make_app, ui, tmp_path):
    text, fees = ppo_csv(db)
    path = tmp_path / "acme.csv"
    path.write_text(text, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(app, pilot)
        # 1. the carrier, with a write-off code that does not exist yet
        await palette(app, pilot, ui, "carriers")
        assert isinstance(app.screen, CarriersScreen)
        await pilot.press("n")
        await ui.settle(app, pilot)
        await ui.paste(app, pilot, "Acme Dental PPO")
        await pilot.press("enter")
        for value in ("WO-ACME", "99999"):
            await ui.type(pilot, value)
            await pilot.press("enter")
        await ui.settle(app, pilot)
        assert "Acme Dental PPO" in ui.text(app) and "WO-ACME" in ui.text(app)
        await pilot.press("escape")
        # 2. the allowed-fee schedule, imported from the CSV
        await palette(app, pilot, ui, "fee schedules")
        assert isinstance(app.screen, FeeSchedulesScreen)
        await pilot.press("n")
        await ui.settle(app, pilot)
        await ui.paste(app, pilot, "Acme PPO fees")
        await pilot.press("enter")
        await ui.settle(app, pilot)
        await pilot.press("i")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, ImportFeesScreen)
        await ui.paste(app, pilot, str(path))
        await pilot.press("enter")
        await ui.settle(app, pilot)
        assert f"{len(fees)} fee(s) ready: {len(fees)} new" in ui.text(app)
        await pilot.press("ctrl+s")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, FeeSchedulesScreen)
        await pilot.press("escape")
        # 3. the plan, for Harold Whitfield, covering him
        await palette(app, pilot, ui, "plans")
        assert isinstance(app.screen, PlansScreen)
        await pilot.press("n")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, PlanFormScreen)
        await ui.type(pilot, "FAM04_P1")
        await choose(app, pilot, ui, "#f-carrier", "acme")
        await choose(app, pilot, ui, "#f-fee_schedule", "acme")
        for category, percent in COVERAGE.items():
            await fill(app, pilot, ui, f"#f-coverage-{category}", str(percent))
        await fill(app, pilot, ui, "#f-annual_max", "1000")
        await fill(app, pilot, ui, "#f-deductible", "50")
        await fill(app, pilot, ui, "#f-deductible_waived_on", "diagnostic, diagnostic_xray, preventive")
        await pilot.press("ctrl+s")
        await ui.settle(app, pilot)
        assert isinstance(app.screen, PlansScreen), ui.text(app)
        assert "Acme Dental PPO" in ui.text(app) and "Whitfield, Harold" in ui.text(app)
    plan = db.execute_sql("SELECT p.id FROM plan p JOIN carrier c ON c.id = p.carrier_id "
                          "WHERE c.name = 'Acme Dental PPO'").fetchone()[0]
    values = svc.plan_values(db, plan)
    assert (values["annual_max"], values["deductible"], values["family_annual_max"]) == (100000, 5000, None)
    assert db.execute_sql("SELECT a.code, a.kind FROM carrier c JOIN adjustment_code a ON "
                          "a.id = c.writeoff_code_id WHERE c.name = 'Acme Dental PPO'").fetchone() == \
        ("WO-ACME", "writeoff")
    check_estimates_follow_the_plan(db, pid, fees, plan)
