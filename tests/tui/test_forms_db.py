"""The posting forms on a real database: the Wilson family (tests/services/fixtures)
imported into a fresh file, the app over `DbFrontDesk` + `DbPostingDesk` on the same
connection. A payment typed in the form shows on the ledger card at once; a check
entered through the grid receives the claim and releases the secondary."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select

from estimator.money import fmt
from estimator.posting_views import AdjustmentEntry, PostingRefused
from store import services
from store.derived import estimates
from store.db import open_database, write_transaction
from store.desks.posting import DbPostingDesk
from store.desks.frontdesk import DbFrontDesk
from store.files.importer import import_practice
from store.files.practice_file import load_practice_file
from tui.app import build_app
from tui.forms.claim import CreateClaimForm
from tui.forms.confirm import ConfirmScreen
from tui.forms.insurance import InsurancePaymentForm
from tui.screens.account import AccountScreen

FIXTURE = Path(__file__).parents[1] / "services" / "fixtures" / "wilson.json"
NOW = datetime(2026, 3, 2, 9, 30)
ACTOR = services.Actor("maria", "front-1", None)
CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False,
          "patient": "WILSON_J"}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Wilson imported, James with two fillings billed to Delta (sent) and Aetna (hold)."""
    path = tmp_path_factory.mktemp("forms") / "practice.db"
    db = open_database(str(path))
    with write_transaction(db):
        import_practice(db, load_practice_file(FIXTURE).practice, user="fixture")
        estimates.reestimate_all(db)
    james = _id(db, "WILSON_J")
    for tooth in ("3", "14"):
        services.add_procedure(db, james, "D2392", provider="DOC1", date="2026-02-02",
                               tooth=tooth, surface="MO", actor=ACTOR, now=NOW)
    primary, _ = services.create_claims(db, james, date="2026-02-02", actor=ACTOR, now=NOW)
    services.send_claim(db, primary, date="2026-02-03", actor=ACTOR, now=NOW)
    db.close()
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "practice.db"
    shutil.copy(template, path)
    database = open_database(str(path))
    yield database
    database.close()


@pytest.fixture
def desk(db):
    return DbPostingDesk(db, actor=ACTOR, now=lambda: NOW)


def _id(db, file_id: str) -> int:
    return db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (file_id,)).fetchone()[0]


def _app(db, desk):
    front = DbFrontDesk(db, today=lambda: NOW.date())
    return build_app(front, config=CONFIG, clock=lambda: NOW, posting=desk)


async def _ready(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_note_typed_in_the_form_is_a_card_line_at_once(db, desk, helpers):
    app = _app(db, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        before = app.frontdesk.account("WILSON_J")
        await pilot.press("N")
        await pilot.pause()  # the form mounts and focuses its first box
        await pilot.press(*"Mom will call back", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        after = app.frontdesk.account("WILSON_J")
        assert after.row_count == before.row_count + 1  # a note-only day has no day total
        assert after.summary.balance == before.summary.balance
        assert "Note: Mom will call back" in helpers.screen_text(app)  # across the card


async def test_payment_typed_in_the_form_shows_on_the_card(db, desk):
    app = _app(db, desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        before = app.frontdesk.account("WILSON_J")
        await pilot.press("y")
        await pilot.pause()  # the form mounts and focuses its first box
        await pilot.press(*"40", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        after = app.frontdesk.account("WILSON_J")
        assert after.summary.balance.total == before.summary.balance.total - 4000
        assert app.screen.card._count == after.row_count == before.row_count + 1
        rows = app.frontdesk.rows("WILSON_J", 0, after.row_count)
        paid = [r for r in rows if r.kind == "patient_payment"]
        assert [r.posted for r in paid] == [date(2026, 3, 2)]
        assert "-40.00" in paid[0].cells.values()
        assert [n.message for n in app._notifications][-1] == "Posted payment 40.00 (cash)."


async def test_check_entered_in_the_grid_receives_the_claim(db, desk):
    primary, secondary = sorted(desk.claims("WILSON_J"), key=lambda c: c.order)
    total = primary.ins_est_total
    app = _app(db, desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, InsurancePaymentForm) and form.claim.key == primary.key
        await pilot.press(*"88301", "tab", "tab", "tab")
        await pilot.press(*fmt(total))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
    statuses = {c.order: c.status for c in desk.claims("WILSON_J")}
    assert statuses == {1: "received", 2: "unsent"}  # the secondary is released from hold
    row = db.execute_sql("SELECT check_no, amount_cents FROM claim_payment").fetchone()
    assert row == ("88301", total)


async def test_procedure_then_claim_through_the_forms(db, desk):
    app = _app(db, desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.press("P")
        await pilot.pause()  # the form mounts and focuses its first box
        await pilot.press(*"d4341")
        await pilot.pause()
        assert app.screen.query_one("#fee").value == "260.00"  # DOC1's office fee
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateClaimForm)
        assert [p.code for p in app.screen.procs] == ["D4341"]
        await pilot.press("ctrl+s", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
    made = [c for c in desk.claims("WILSON_J") if any(ln.code == "D4341" for ln in c.lines)]
    assert sorted((c.order, c.status) for c in made) == [(1, "unsent"), (2, "hold")]


def test_desk_read_backs_and_refusals(db, desk):
    assert [c.code for c in desk.codes()][:2] == ["D1110", "D2392"]
    doc1 = desk.default_provider("WILSON_J")
    assert desk.office_fee(doc1, "d2392") == 18000 and desk.office_fee(doc1, "D9110") is None
    assert [c.code for c in desk.adjustment_codes()] == ["COURTESY", "FINANCE", "WO-DELTA"]
    assert [(c.order, c.carrier) for c in desk.coverage("WILSON_J")] == \
        [(1, "Delta Dental"), (2, "Aetna")]
    procs = desk.procedures("WILSON_J")
    assert [(p.code, p.tooth, p.charge) for p in procs] == [("D2392", "3", 18000),
                                                           ("D2392", "14", 18000)]
    assert desk.unbilled("WILSON_J") == []
    primary = next(c for c in desk.claims("WILSON_J") if c.order == 1)
    assert primary.status == "sent" and [ln.procedure_key for ln in primary.lines] == \
        [p.key for p in procs]
    before = db.execute_sql("SELECT count(*) FROM adjustment").fetchone()[0]
    with pytest.raises(PostingRefused, match="must be negative"):
        desk.post_adjustment("WILSON_J", AdjustmentEntry(2500, "COURTESY", NOW.date()))
    assert db.execute_sql("SELECT count(*) FROM adjustment").fetchone()[0] == before
    desk.post_adjustment("WILSON_J", AdjustmentEntry(-2500, "COURTESY", NOW.date(),
                                                     procedure=procs[0].key))
    desk.deny_line(primary.key, procs[1].key, NOW.date(), remarks="frequency")
    assert desk.claim(primary.key).status == "sent"  # the rest of the claim stays open
    assert [ln.procedure_key for ln in desk.claim(primary.key).lines] == [procs[0].key]
    denied = next(c for c in desk.claims("WILSON_J") if c.order == 1 and c.status == "received")
    assert [ln.procedure_key for ln in denied.lines] == [procs[1].key]
    with pytest.raises(PostingRefused, match="no patient"):
        desk.procedures("NOBODY")


async def test_reversing_a_payment_from_the_card(db, desk):
    services.post_payment(db, _id(db, "WILSON_J"), 4000, "check", check_no="1234",
                          date="2026-03-01", actor=ACTOR, now=NOW)
    app = _app(db, desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        before = app.frontdesk.account("WILSON_J").summary.balance.total
        card = app.screen.card
        paid = next(i for i in range(card.shown_rows) if card.row_at(i).kind == "patient_payment")
        card.move_cursor(paid)
        await pilot.press("R")
        await pilot.pause()
        assert "Payment check 1234 40.00 of 2026-03-01" in app.screen.message.plain
        await pilot.press("enter")
        await pilot.pause()
        after = app.frontdesk.account("WILSON_J")
        assert after.summary.balance.total == before + 4000
        rows = app.frontdesk.rows("WILSON_J", 0, after.row_count)
        assert [r.cells.get("paid") for r in rows if r.kind == "patient_payment"] == [
            "40.00", "-40.00"]
        card.move_cursor(paid)  # the original again: already reversed
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert "already been reversed" in [n.message for n in app._notifications][-1]
        with pytest.raises(PostingRefused, match="insurance check"):
            desk.reversal("WILSON_J", "claim_payment:1:2")


async def test_one_check_for_several_claims_receives_them_all(db, desk):
    james = _id(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D1110", provider="DOC1", date="2026-02-20",
                                  actor=ACTOR, now=NOW)
    second, _ = services.create_claims(db, james, procedures=[proc], date="2026-02-20",
                                       actor=ACTOR, now=NOW)
    services.send_claim(db, second, date="2026-02-21", actor=ACTOR, now=NOW)
    delta = next(key for key, name in desk.carriers_owing() if name.startswith("Delta"))
    waiting = desk.waiting_claims(delta)
    assert [c.patient for c in waiting] == ["Wilson, James"] * 2
    app = _app(db, desk)
    async with app.run_test(size=(110, 45)) as pilot:
        await _ready(app, pilot)
        await pilot.press("I")
        await pilot.pause()
        form = app.screen
        form.query_one("#carrier", Select).value = delta
        await pilot.pause()
        for claim in waiting:
            form.query_one(f"#pick-{claim.key}", Checkbox).value = True
            await pilot.pause()
        total = sum(line.ins_est for claim in waiting for line in claim.lines)
        form.query_one("#amount", Input).value = fmt(total)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
    statuses = db.execute_sql("SELECT status, count(*) FROM claim WHERE patient_id = ? "
                              "GROUP BY status ORDER BY status", (james,)).fetchall()
    assert statuses == [("received", 2), ("unsent", 2)]  # both paid; their secondaries released
    assert desk.waiting_claims(delta) == []


async def test_ctrl_s_in_a_burst_of_keys_posts_the_whole_amount(db, desk):
    """Keys arriving at once (a slow SSH link, a fast typist): Ctrl+S is a priority binding the
    app acts on before the amount box has taken the digits before it; it must post 41.25,
    never the part typed so far."""
    from textual import events

    app = _app(db, desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        before = app.frontdesk.account("WILSON_J")
        await pilot.press("y")
        await pilot.pause()  # the form is up, its amount box focused
        for key in ("4", "1", "full_stop", "2", "5"):
            char = "." if key == "full_stop" else key
            app.post_message(events.Key(key, char))
        app.post_message(events.Key("ctrl+s", None))  # all queued before any is handled
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), app.screen
        await pilot.press("enter")
        await pilot.pause()
        after = app.frontdesk.account("WILSON_J")
        assert after.summary.balance.total == before.summary.balance.total - 4125
