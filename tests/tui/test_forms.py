"""The posting forms against an in-memory PostingDesk: keys, validation shown next to
the field, confirmation, refusals, and what each form hands to the desk."""
from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from test_forms_fake_desk import FakePostingDesk
from tui.app import build_app
from tui.forms import FORMS as FORMS_BY_KIND
from tui.forms.adjustment import AdjustmentForm
from tui.forms.chart_records import AppointmentForm, NoteForm
from tui.forms.claim import CreateClaimForm
from tui.forms.claims import ClaimsScreen
from tui.forms.confirm import ChoiceScreen, ConfirmScreen
from tui.forms.insurance import InsurancePaymentForm
from tui.forms.insurance_check import InsuranceCheckForm
from tui.forms.payment import PaymentForm
from tui.forms.procedure import ProcedureForm
from tui.forms.port import (
    AdjustmentEntry, AppointmentEntry, EobEntry, InsurancePaymentEntry, NoteEntry, PaymentEntry,
    PostingRefused, ProcedureEntry,
)
from tui.screens.account import AccountScreen

NOW = datetime(2024, 6, 3, 9, 30)
TODAY = NOW.date()
CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False, "patient": "P1"}
SCREENS = (ProcedureForm, PaymentForm, AdjustmentForm, NoteForm, AppointmentForm,
           CreateClaimForm, InsurancePaymentForm, InsuranceCheckForm, ClaimsScreen,
           ConfirmScreen, ChoiceScreen, AccountScreen)


@pytest.fixture
def posting():
    return FakePostingDesk()


@pytest.fixture
def open_app(desk, posting):
    """The app on P1's account with the forms wired to the fake desk."""
    def make(size=(80, 24)):
        return build_app(desk, config=CONFIG, clock=lambda: NOW, posting=posting), size
    return make


async def start(app, pilot, *keys):
    """Open what the first key opens, then type the rest once it is up (a key typed while a
    form mounts can land elsewhere: the tests were flaky under load)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    if keys:
        # The first key opens a form: let it mount and focus its first box before typing.
        await pilot.press(keys[0])
        await pilot.pause()
        if keys[1:]:
            await pilot.press(*keys[1:])
            await pilot.pause()


def error_of(app, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}-error", Static).render().plain


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def value(app, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


@pytest.mark.parametrize("node_class", SCREENS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id(node_class):
    bindings = [binding for _, binding in node_class._merge_bindings()]
    assert bindings and all(binding.id for binding in bindings)


class TestAccountKeys:
    def test_every_account_key_names_a_registered_form(self):
        kinds = {b.action.removeprefix("post('").removesuffix("')")
                 for b in AccountScreen.BINDINGS if b.action.startswith("post(")}
        assert kinds == set(FORMS_BY_KIND) - {"patient"}  # a new patient: F2 on any screen

    async def test_keys_open_forms_for_the_patient(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot)
            footer_keys = {b.binding.id for b in app.screen.active_bindings.values()}
            assert {"account.post_payment", "account.claims"} <= footer_keys
            for key, form in (("dollar_sign", PaymentForm), ("l", ClaimsScreen)):
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, form), key
                assert app.screen.patient_id == "P1"
                await pilot.press("escape")
                await pilot.pause()
                assert isinstance(app.screen, AccountScreen)
            posting.procedures = lambda patient_id: (_ for _ in ()).throw(
                PostingRefused("there is no patient 'P1'"))
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert notes(app)[-1] == "there is no patient 'P1'"

    async def test_without_a_posting_desk_the_keys_stay_hidden(self, desk):
        app = build_app(desk, config=CONFIG, clock=lambda: NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            await start(app, pilot, "y")
            assert isinstance(app.screen, AccountScreen)
            shown = {b.binding.id for b in app.screen.active_bindings.values()}
            assert "account.post_payment" not in shown


class TestPatientPayment:
    async def test_errors_next_to_the_field_then_confirmed_post(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "y", "enter")
            assert isinstance(app.screen, PaymentForm)
            assert error_of(app, "amount") == "enter an amount"
            assert notes(app)[-1] == "Amount: enter an amount"
            app.screen.query_one("#amount", Input).value = "12.345"
            await pilot.press("enter")
            assert error_of(app, "amount") == "'12.345' has more than two decimals"
            app.screen.query_one("#amount", Input).value = "120"
            app.screen.query_one("#check_no", Input).value = "1042"
            app.screen.query_one("#method", Select).value = "check"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "Payment 120.00 by check #1042" in app.screen.message.plain
            await pilot.press("n")  # back to the form: nothing posted
            await pilot.pause()
            assert isinstance(app.screen, PaymentForm) and posting.calls == []
            assert error_of(app, "amount") == ""
            await pilot.press("ctrl+s", "enter")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert posting.calls == [("payment", "P1", PaymentEntry(
                12000, "check", TODAY, check_no="1042"))]
            assert notes(app)[-1] == "Posted payment 120.00 (check)."

    async def test_split_by_procedure_with_a_running_total(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "y", *"50")
            form = app.screen
            assert not form.query_one("#split-grid").display
            form.query_one("#split", Checkbox).focus()
            await pilot.press("space")
            await pilot.pause()
            assert form.query_one("#split-grid").display
            assert len(form.query("#split-grid Input")) == 2  # the two procedures with a balance
            form.query_one("#split-0", Input).focus()
            await pilot.press(*"10")
            await pilot.pause()
            running = form.query_one("#split-total", Static).render().plain
            assert running == "Split 10.00 of 50.00 · 40.00 stays on account"
            await pilot.press("enter")
            await pilot.pause()
            assert "Split over 1 procedure(s); 40.00 stays on account." in app.screen.message.plain
            await pilot.press("enter")
            await pilot.pause()
            assert posting.calls[0][2].split == (("11", 1000),)

    async def test_a_refused_refund_keeps_the_form_open_and_posts_nothing(self, open_app,
                                                                           posting):
        posting.refuse = "the payment is dated 2024-06-03, on or before the lock date"
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "y", *"[b]5", "enter")
            assert error_of(app, "amount") == ("'[b]5' is not an amount "
                                               "(digits, at most two decimals: 1,234.50)")
            app.screen.query_one("#amount", Input).value = "-20"
            await pilot.press("enter")
            assert isinstance(app.screen, ConfirmScreen) and app.screen.warning
            assert app.screen.message.plain.startswith("Refund -20.00 by cash")
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, PaymentForm) and posting.calls == []
            shown = app.screen.query_one("#form-error", Static).render().plain
            assert "lock date" in shown and "lock date" in notes(app)[-1]
            await pilot.press("enter", "y")  # the desk takes it now
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert posting.calls[0][2].amount == -2000


class TestProcedure:
    async def test_errors_code_lookup_fee_default_and_post(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "P", *"XYZ")
            form = app.screen
            note = form.query_one("#code-note", Static)
            assert note.render().plain == "no such code"
            form.query_one("#units", Input).value = "0"
            form.query_one("#date", Input).value = "3/6/24"
            await pilot.press("ctrl+s")
            assert error_of(app, "code") == "choose a procedure code"
            assert error_of(app, "units") == "a whole number, 1 or more"
            assert error_of(app, "date") == "a date: YYYY-MM-DD"
            assert app.focused.id == "code" and posting.calls == []
            form.query_one("#units", Input).value = "1"
            form.query_one("#date", Input).value = "2024-06-03"
            form.query_one("#code", Input).value = ""
            await pilot.press(*"d239")
            assert note.render().plain == "D2391 D2392"
            await pilot.press("2")
            await pilot.pause()
            assert note.render().plain == "Resin composite, two surfaces"
            assert value(app, "fee") == "180.00"  # DOC1's office fee
            form.query_one("#provider", Select).value = "2"
            await pilot.pause()
            assert value(app, "fee") == "190.00"  # follows the provider ...
            form.query_one("#fee", Input).value = "150"
            form.query_one("#provider", Select).value = "1"
            await pilot.pause()
            assert value(app, "fee") == "150"     # ... until typed by hand
            await pilot.press("tab", *"14", "tab", *"MO", "enter")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert posting.calls == [("procedure", "P1", ProcedureEntry(
                "D2392", TODAY, fee=15000, provider="1", tooth="14", surface="MO"))]
            assert notes(app)[-1] == "Posted D2392 14 MO."


class TestAdjustment:
    async def test_code_required_then_confirmed(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "a", *"-25", "enter")
            assert error_of(app, "code") == "choose a code"
            app.screen.query_one("#code", Select).value = "COURTESY"
            app.screen.query_one("#procedure", Select).value = "11"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen.message.plain.startswith("COURTESY -25.00 on 2024-03-04 D2392 #14 MO")
            await pilot.press("enter")
            await pilot.pause()
            assert posting.calls == [("adjustment", "P1", AdjustmentEntry(
                -2500, "COURTESY", TODAY, procedure="11"))]


class TestChartRecords:
    async def test_a_note_needs_text_and_posts_without_asking(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "N", "enter")
            assert error_of(app, "text") == "write the note"
            await pilot.press(*"[b]Called[/b]  about   balance", "enter")
            await pilot.pause()
            assert posting.calls == [("ledger_note", "P1", NoteEntry(
                "[b]Called[/b] about balance", TODAY))]
            assert isinstance(app.screen, AccountScreen)

    async def test_an_appointment_defaults_to_kept_today(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "A")
            assert isinstance(app.screen, AppointmentForm)
            app.screen.query_one("#status", Select).value = "failed"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert posting.calls == [("appointment", "P1", AppointmentEntry("failed", TODAY))]
            assert notes(app)[-1] == "Recorded a failed appointment on 2024-06-03."

    async def test_a_refusal_keeps_the_form_open(self, open_app, posting):
        app, size = open_app()
        posting.refuse = "an appointment in the future cannot be kept yet"
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "A", "ctrl+s")
            assert isinstance(app.screen, AppointmentForm) and posting.calls == []
            assert "cannot be kept yet" in app.screen.query_one("#form-error", Static).render().plain


class TestInsuranceCheck:
    async def test_one_check_pays_two_patients_claims(self, open_app, posting, helpers):
        app, size = open_app(size=(100, 40))
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "I")
            form = app.screen
            assert isinstance(form, InsuranceCheckForm)
            form.query_one("#carrier", Select).value = "1"
            await pilot.pause()
            assert "[b]Page[/b], Tom" in helpers.screen_text(app)  # names are never markup
            form.query_one("#amount", Input).value = "216.00"
            for key in ("21", "31"):
                form.query_one(f"#pick-{key}", Checkbox).value = True
                await pilot.pause()
            assert "2 claim(s) · Applied 216.00 of 216.00 · left 0.00 · ready to post" in \
                helpers.screen_text(app)
            form.query_one("#wo-31-0", Input).value = "5.00"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "C000031  [b]Page[/b], Tom  50.00\nEach claim" in app.screen.message.plain
            await pilot.press("enter")
            await pilot.pause()
            lines = (EobEntry("11", 9600, 6000, 2400, claim="21"),
                     EobEntry("13", 7000, 2500, 0, claim="21"),
                     EobEntry("12", 5000, 500, 0, claim="31"))
            assert posting.calls == [("insurance_payment", InsurancePaymentEntry(
                "21", 21600, TODAY, lines))]
            assert notes(app)[-1] == "Posted insurance check 216.00 to 2 claims."

    async def test_unticked_claims_are_left_out_and_the_check_must_balance(self, open_app,
                                                                          posting):
        app, size = open_app(size=(100, 40))
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "I")
            form = app.screen
            await pilot.press("ctrl+s")
            assert error_of(app, "carrier") == "choose the carrier"
            form.query_one("#carrier", Select).value = "1"
            await pilot.pause()
            form.query_one("#amount", Input).value = "50.00"
            for value in (True, False):  # ticked, then thought better of
                form.query_one("#pick-21", Checkbox).value = value
                await pilot.pause()
            await pilot.press("ctrl+s")
            assert error_of(app, "amount") == "tick the claims this check pays"
            form.query_one("#pick-31", Checkbox).value = True
            await pilot.pause()
            form.query_one("#paid-31-0", Input).value = "40.00"
            await pilot.press("ctrl+s")
            assert error_of(app, "amount") == "the lines apply 40.00; left 10.00"
            assert posting.calls == []


class TestReverseLine:
    async def _on_row(self, app, pilot, kind: str) -> None:
        card = app.screen.card
        card.move_cursor(next(i for i in range(card.shown_rows)
                              if card.row_at(i).kind == kind))
        await pilot.pause()

    async def test_r_on_a_payment_confirms_then_posts_today(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot)
            await self._on_row(app, pilot, "patient_payment")
            await pilot.press("R")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "reversing entry of -20.00 is posted today, 2024-06-03" in \
                app.screen.message.plain
            await pilot.press("enter")
            await pilot.pause()
            assert posting.calls == [("reverse_line", "P1", "patient_payment:1", TODAY)]
            assert notes(app)[-1] == "Posted -20.00, reversing the payment of 2024-02-10."

    async def test_other_lines_say_why_not_and_go_back_posts_nothing(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot)
            await self._on_row(app, pilot, "procedure")
            await pilot.press("R")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert "can be reversed" in notes(app)[-1]
            await self._on_row(app, pilot, "adjustment")
            await pilot.press("R", "escape")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen) and posting.calls == []


class TestCreateClaim:
    async def test_all_ticked_secondary_on_hold_confirmed(self, open_app, posting, helpers):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "c")
            form = app.screen
            assert [box.value for box in form.query(Checkbox)] == [True, True]
            text = helpers.screen_text(app)
            assert "secondary claim to Aetna will be created on hold" in text
            assert "Prophylaxis, adult [bold]x[/]" in text  # user text is never markup
            await pilot.press("space")  # untick the first
            form.query_one("#bill-1", Checkbox).value = False
            await pilot.press("ctrl+s")
            assert "tick at least one" in error_of(app, "date") and posting.calls == []
            form.query_one("#bill-1", Checkbox).value = True
            await pilot.press("ctrl+s", "enter")
            await pilot.pause()
            assert posting.calls == [("create_claims", "P1", ("13",), TODAY)]
            assert notes(app)[-1] == "Posted claims C000031, C000032."


class TestInsurancePayment:
    async def test_grid_prefilled_running_total_and_post(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "i")
            form = app.screen
            assert app.focused.id == "check_no"
            assert [value(app, f"{box}-0") for box in ("paid", "wo", "ded")] == \
                ["96.00", "60.00", "24.00"]
            running = form.query_one("#eob-running", Static)
            await pilot.press(*"88120", "tab", "tab", "tab", *"96", "ctrl+s")
            await pilot.pause()
            assert running.render().plain.startswith("Applied 166.00 of 96.00 · left -70.00")
            assert error_of(app, "amount") == "the lines apply 166.00; left -70.00"
            assert posting.calls == []
            # Tab goes paid, write-off, deductible, remarks, denied
            order = []
            for _ in range(10):
                await pilot.press("tab")
                order.append(app.focused.id)
            assert order == ["paid-0", "wo-0", "ded-0", "rem-0", "den-0",
                             "paid-1", "wo-1", "ded-1", "rem-1", "den-1"]
            await pilot.press("space")  # deny the prophylaxis
            await pilot.pause()
            assert (value(app, "paid-1"), form.query_one("#paid-1", Input).disabled) == \
                ("0.00", True)
            assert running.render().plain.startswith("Applied 96.00 of 96.00 · left 0.00")
            form.query_one("#rem-1", Input).value = "not a covered service"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "2 line(s), 1 denied" in app.screen.message.plain
            await pilot.press("enter")
            await pilot.pause()
            (_, entry), = posting.calls
            assert (entry.claim, entry.amount, entry.check_no) == ("21", 9600, "88120")
            assert [(ln.procedure, ln.paid, ln.writeoff, ln.deductible, ln.denied, ln.remarks)
                    for ln in entry.lines] == [("11", 9600, 6000, 2400, False, None),
                                               ("13", 0, 0, 0, True, "not a covered service")]
            assert notes(app)[-1] == "Posted insurance payment 96.00 to claim C000021."


class TestClaims:
    async def test_list_lines_and_actions(self, open_app, posting):
        app, size = open_app()
        async with app.run_test(size=size) as pilot:
            await start(app, pilot, "l")
            screen = app.screen
            assert screen.query_one("#claims-table", DataTable).row_count == 2
            assert screen.query_one("#lines-table", DataTable).row_count == 2
            await pilot.press("down", "s")  # the held secondary: send is confirmed first
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert posting.calls == []
            await pilot.press("t")
            await pilot.pause()
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("down", "down", "enter")  # unsent, hold, queued
            await pilot.pause()
            assert posting.calls == [("status", "22", "queued")]
            assert screen.current().status == "queued"
            await pilot.press("up", "tab", "down", "x")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen) and app.screen.warning
            await pilot.press("y")
            await pilot.pause()
            assert posting.calls[-1] == ("deny", "21", "13", TODAY, None)
            await pilot.press("shift+tab", "i")
            await pilot.pause()
            assert isinstance(app.screen, InsurancePaymentForm)
            assert app.screen.claim.key == "21"
