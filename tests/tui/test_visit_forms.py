"""The visit's forms at the keyboard on the demo office: duplicates before registering, editing
and moving a patient, the inactive filter, the treatment plan's keys, corrections from the
card (posted, or refused with the service's sentence), the code lookup and Create claim's ticks."""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox, DataTable, Input, Static

from store import services
from store.desks.visit import DbVisitDesk
from store.read.patients import patient_id_of
from tui.forms.confirm import ChoiceScreen, ConfirmScreen
from tui.forms.corrections import DeleteForm, FeeForm
from tui.forms.patient import RegisterPatientForm
from tui.forms.procedure import ProcedureForm, find_codes
from tui.forms.port import CodeInfo
from tui.forms.treatment_plan import TreatmentPlanScreen
from tui.forms.visit_port import VisitDesk
from tui.screens.account import AccountScreen
from visit_helpers import ACTOR, NOW, demo_copy, demo_template, settle, visit_app


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory.mktemp("visit-forms"))


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    database = demo_copy(template, tmp_path, monkeypatch)
    yield database
    database.close()


def _id(db, key: str) -> int:
    return patient_id_of(db, key)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_the_visit_desk_implements_its_port(db):
    assert isinstance(DbVisitDesk(db), VisitDesk)


async def test_a_possible_duplicate_is_shown_and_needs_a_yes(db):
    app = visit_app(db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press(*"DELGADO", "tab", *"jose", "tab", "tab", "tab", *"03/19/1946",
                          "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delgado, José · born 1946-03-19" in app.screen.message.plain
        await pilot.press("n")  # back to the form, nothing registered
        await settle(app, pilot)
        assert isinstance(app.screen, RegisterPatientForm)
        count = db.execute_sql("SELECT count(*) FROM patient").fetchone()[0]
        await pilot.press("ctrl+s", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, AccountScreen)
        assert db.execute_sql("SELECT count(*) FROM patient").fetchone()[0] == count + 1


async def test_edit_move_and_the_inactive_filter(db):
    app = visit_app(db, patient="FAM01_P5")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        name = app.screen.view.summary.name
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#city", Input).value = "Laredo"
        app.screen.query_one("#inactive", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert db.execute_sql("SELECT city, inactive FROM patient WHERE file_id = 'FAM01_P5'"
                              ).fetchone() == ("Laredo", 1)
        await pilot.press("M")
        await settle(app, pilot)
        app.screen.query_one("#family-search", Input).value = "kowalski"
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and "FAM07_P1" in app.screen.message.plain
        await pilot.press("y")
        await settle(app, pilot)
        head = db.execute_sql("SELECT g.file_id FROM patient p JOIN patient g ON g.id = "
                              "p.guarantor_id WHERE p.file_id = 'FAM01_P5'").fetchone()[0]
        assert head.startswith("FAM07")
        await pilot.press("escape")  # Find patient: the inactive patient is hidden ...
        await settle(app, pilot)
        app.screen.query_one("#find-input", Input).value = name.split(",")[1].strip()
        await settle(app, pilot)
        assert f"{name} (inact" not in screen_text(app)
        await pilot.press("f3")  # ... until F3 shows inactive patients too
        await settle(app, pilot)
        assert f"{name} (inact" in screen_text(app)
        assert "Inactive patients shown" in screen_text(app)


async def test_treatment_plan_keys(db):
    roberto = _id(db, "FAM01_P1")
    crown = services.add_procedure(db, roberto, "D2740", planned=True, provider="DDS1")
    app = visit_app(db, patient="FAM01_P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        plan = app.screen
        assert isinstance(plan, TreatmentPlanScreen)
        assert [ln.code for ln in plan.plan.lines] == ["D2392", "D2740"]
        plan.query_one("#plan-table", DataTable).move_cursor(row=1)
        await pilot.press("shift+up")
        await settle(app, pilot)
        assert [ln.code for ln in plan.plan.lines] == ["D2740", "D2392"]
        assert plan.current().key == str(crown)  # the cursor stays on the line moved
        await pilot.press("shift+up")  # already first: refused, nothing moves
        await settle(app, pilot)
        assert [ln.code for ln in plan.plan.lines] == ["D2740", "D2392"]
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, FeeForm)
        app.screen.query_one("#fee", Input).value = "1100.00"
        await settle(app, pilot)
        assert "1,250.00 -> 1,100.00" in str(app.screen.query_one("#preview").render())
        await pilot.press("ctrl+s", "y")
        await settle(app, pilot)
        assert plan.plan.lines[0].fee == 110000
        await pilot.press("x", "y")  # drop the crown, after a question
        await settle(app, pilot)
        assert [ln.code for ln in plan.plan.lines] == ["D2392"]
        assert db.execute_sql("SELECT status FROM procedure WHERE id = ?", (crown,)).fetchone() \
            == ("deleted",)


async def test_corrections_from_the_card_post_or_show_the_refusal(db):
    roberto = _id(db, "FAM01_P1")
    billed = services.add_procedure(db, roberto, "D2391", tooth="19", provider="DDS1")
    services.create_claims(db, roberto, [billed])
    app = visit_app(db, patient="FAM01_P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        card = app.screen.card
        rows = [card.row_at(i) for i in range(card.shown_rows)]
        card.move_cursor(max(i for i, r in enumerate(rows) if r.kind == "procedure"))
        await pilot.press("X")
        await settle(app, pilot)
        assert isinstance(app.screen, DeleteForm)
        assert "it cannot be deleted" in screen_text(app)
        await pilot.press("ctrl+s", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, DeleteForm)  # refused: the form stays, says why
        assert "cannot be deleted: it has a claim" in str(
            app.screen.query_one("#form-error", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        app.screen.query_one("#date", Input).value = "2026-11-19"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "on a claim" in str(app.screen.query_one("#form-error", Static).render())
        await pilot.press("escape")
        card.move_cursor(0)  # not a procedure: the keys say so
        await pilot.press("F")
        await settle(app, pilot)
        assert isinstance(app.screen, AccountScreen)


async def test_procedure_form_code_lookup_and_create_claim_ticks(db):
    roberto = _id(db, "FAM01_P1")
    old = services.add_procedure(db, roberto, "D0220", date="2026-11-02", provider="DDS1")
    app = visit_app(db, patient="FAM01_P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("P", *"cast high noble")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProcedureForm)
        assert "D2790 Crown, full cast high noble metal" in str(
            form.query_one("#code-note").render())
        form.query_one("#code", Input).value = "crown"
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert form.query_one("#code", Input).value.startswith("D27")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        ticks = {str(box.label): box.value for box in app.screen.query(".bill")}
        assert [v for k, v in ticks.items() if "D0220" in k] == [False]  # not today's
        assert [v for k, v in ticks.items() if "D27" in k] == [True]
        await pilot.press("ctrl+s", "y")
        await settle(app, pilot)
        assert db.execute_sql("SELECT claim_id FROM claim_proc WHERE procedure_id = ?",
                              (old,)).fetchone() == (None,)


def test_find_codes_by_code_or_words():
    codes = {c.code: c for c in (CodeInfo("D2740", "Crown, porcelain/ceramic"),
                                 CodeInfo("D2750", "Crown, porcelain fused to high noble metal"),
                                 CodeInfo("D0220", "Intraoral periapical, first image"))}
    assert [c.code for c in find_codes(codes, "d27")] == ["D2740", "D2750"]
    assert [c.code for c in find_codes(codes, "d2750")] == ["D2750"]
    assert [c.code for c in find_codes(codes, "crown porc")] == ["D2740", "D2750"]
    assert [c.code for c in find_codes(codes, "noble")] == ["D2750"]
    assert find_codes(codes, "bridge") == [] and find_codes(codes, " ") == []


def test_claim_candidates_say_why_work_is_not_ticked(db):
    roberto = _id(db, "FAM01_P1")
    desk = DbVisitDesk(db, actor=ACTOR, now=lambda: NOW)
    today = services.add_procedure(db, roberto, "D2391", provider="DDS1")
    kept = services.add_procedure(db, roberto, "D0220", provider="DDS1")
    delta = db.execute_sql("SELECT id FROM plan WHERE file_id = 'PL_DELTA_RH'").fetchone()[0]
    services.set_no_bill(db, kept, delta, True)
    found = {c.key: (c.ticked, c.reason) for c in desk.claim_candidates("FAM01_P1")}
    assert found[str(today)] == (True, "") and found[str(kept)] == (False, "do not bill")
    nobody = desk.register_patient(desk.patient_record("FAM01_P1").entry.__class__(
        "Page", "Tom", NOW.date().replace(year=1990), provider="1"))
    services.add_procedure(db, _id(db, nobody), "D0220")
    assert [(c.ticked, c.reason) for c in desk.claim_candidates(nobody)] == \
        [(False, "no plan bills it")]
