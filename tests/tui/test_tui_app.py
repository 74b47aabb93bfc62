"""The app shell: binding ids, help, the command palette provider, posting-form hooks."""
from __future__ import annotations

import pytest
from textual.screen import Screen
from textual.widgets import Static

from tui.app import DentLedgerApp
from tui.commands import COMMANDS, POSTING_FORMS, DeskCommands
from tui.screens.account import AccountScreen
from tui.screens.date_filter import DateFilterScreen
from tui.screens.find_patient import FindPatientScreen
from tui.screens.help import HelpScreen
from tui.screens.line_detail import LineDetailScreen
from tui.widgets.ledger_card import LedgerCard

OURS = (DentLedgerApp, FindPatientScreen, AccountScreen, LedgerCard, HelpScreen,
        LineDetailScreen, DateFilterScreen)


@pytest.mark.parametrize("node_class", OURS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id(node_class):
    bindings = [binding for _, binding in node_class._merge_bindings()]
    assert bindings
    assert all(binding.id for binding in bindings), [b.key for b in bindings if not b.id]


async def hits(provider: DeskCommands) -> dict[str, object]:
    return {hit.text: hit async for hit in provider.discover()}


class TestCommandPalette:
    async def test_commands_follow_the_screen(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            on_find = await hits(DeskCommands(app.screen))
            assert "Find patient" in on_find and "Quit" in on_find
            assert not any(title.startswith("Ledger:") for title in on_find)
            app.open_account("P1")
            await pilot.pause()
            on_account = await hits(DeskCommands(app.screen))
            assert {"Ledger: next column group", "Account: next family member",
                    "Post patient payment"} <= set(on_account)

    async def test_a_command_runs_on_the_card(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            provider = DeskCommands(app.screen)
            found = [hit async for hit in provider.search("next column group")]
            assert found[0].text == "Ledger: next column group"
            await found[0].command()
            await pilot.pause()
            assert app.screen.query_one(LedgerCard).current_group() == "Current"

    async def test_palette_from_the_keyboard(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"detail col")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert app.screen.query_one(LedgerCard).show_detail

    def test_every_command_names_a_real_action(self):
        targets = {"app": DentLedgerApp, "card": LedgerCard, "screen": AccountScreen}
        for command in COMMANDS:
            name = command.action.split("(")[0]
            assert hasattr(targets[command.target], f"action_{name}"), command


class TestPostingHooks:
    async def test_unwired_form_says_so(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await app.run_action("posting_form('patient_payment')")
            await pilot.pause()
            assert [n.message for n in app._notifications] == [
                "Post patient payment: not available yet."]

    async def test_registered_form_gets_the_current_patient(self, desk, make_app, helpers):
        opened = []

        class Form(Screen):
            def compose(self):
                yield Static("form")

        def factory(app, patient_id):
            opened.append(patient_id)
            return Form()

        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            app.register_posting_form("patient_payment", factory)
            await app.run_action("posting_form('patient_payment')")
            await pilot.pause()
            assert opened == ["P1"] and isinstance(app.screen, Form)

    def test_hook_kinds(self):
        assert [kind for kind, _ in POSTING_FORMS][:4] == [
            "procedure", "patient_payment", "insurance_payment", "adjustment"]


class TestHelp:
    async def test_help_lists_the_keys_of_the_screen_and_the_legend(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = app.screen.query_one("#help-keys", Static).render().plain
            for expected in ("Ledger card", "Next group", "Previous day", "Dates",
                             "Next in family", "Everywhere", "Quit"):
                assert expected in text
            legend = app.screen.query_one("#help-legend", Static).render().plain
            assert "brick red" in legend and "C 0D1110" in legend
            await pilot.press("escape")
            assert isinstance(app.screen, AccountScreen)

    async def test_f1_works_while_typing_a_search(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "Open account" in app.screen.query_one("#help-keys", Static).render().plain
