"""The desk at 80x24 (issue 17), driven with keys: the footer's keys do what it says, help
lists the screen's keys first, Esc and Ctrl+F come back to a selected search, the card opens
at its latest line, typing is not thrown away unasked, the date filter's totals, checkboxes
and amounts that read without colour, and shared pieces every screen gets."""
from __future__ import annotations

import ast
from pathlib import Path

from textual.widgets import Input

from test_forms_fake_desk import FakePostingDesk
from tui.screens.account import AccountScreen
from tui.screens.discard import DiscardDialog
from tui.screens.find_patient import FindPatientScreen
from tui.screens.help import HelpScreen, screen_keys
from tui.widgets.card_layout import fit_money
from tui.widgets.checkbox import Checkbox
from tui.widgets.key_bar import KeyBar

SIZE = (80, 24)
TUI = Path(__file__).resolve().parents[2] / "tui"


def footer(app) -> str:
    return app.screen.query_one(KeyBar).shown_text()


async def test_question_mark_types_and_f1_opens_help_as_the_footer_says(desk, make_app, helpers):
    app = make_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        assert "F1 Help" in footer(app) and "? Help" not in footer(app)
        await pilot.press("question_mark")
        await helpers.settle(app, pilot)
        assert app.screen.query_one("#find-input", Input).value == "?"  # a name may hold one
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_escape_and_ctrl_f_come_back_to_the_search_selected(desk, make_app, helpers):
    app = make_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        for back in ("escape", "ctrl+f"):
            box = app.screen.query_one("#find-input", Input)
            box.value = ""
            await pilot.press(*"smith", "enter")
            await helpers.settle(app, pilot)
            assert isinstance(app.screen, AccountScreen)
            await pilot.press(back)
            await helpers.settle(app, pilot)
            assert isinstance(app.screen, FindPatientScreen)
            assert app.focused is box and box.selected_text == "smith"
            await pilot.press(*"jo")  # typing replaces the last search
            await helpers.settle(app, pilot)
            assert box.value == "jo"


async def test_the_card_opens_at_its_latest_line(desk, make_app, helpers):
    app = make_app(desk, patient="P2")  # 6,000 lines
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        card = app.screen.card
        assert card.cursor == card.shown_rows - 1
        assert card.scroll_offset.y + card.page_height >= card.shown_rows - 1


async def test_every_posting_key_is_on_a_footer_page_that_fits_80_columns(desk, make_app, helpers):
    app = make_app(desk, posting=FakePostingDesk(), patient="P1")
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        bar = app.screen.query_one(KeyBar)
        pages = []
        for _ in range(bar.page_count):
            text = footer(app)
            assert len(text.rstrip()) <= 80 and text.rstrip().endswith("F1 Help")
            pages.append(text)
            await pilot.press("f2")
            await pilot.pause()
        assert footer(app) == pages[0]  # F2 after the last page: the first again
        shown = " ".join(pages)
        for label in ("P Procedure", "Payment", "a Adjust", "c Claim", "i Ins pay",
                      "I Ins check", "l Claims", "N Note", "A Appt", "R Reverse"):
            assert label in shown, label


async def test_help_lists_the_screens_keys_first_and_editing_keys_in_one_line(desk, make_app,
                                                                               helpers):
    app = make_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        keys = screen_keys(app.screen)
        assert keys[0] == ("This screen", "⏎", "Open account")
        places = [where for where, _, _ in keys]
        assert places.index("Text box") > places.index("This screen")
        assert places.count("Text box") == 1  # not thirty lines of editing keys
        assert places[-1] == "Everywhere" and ("Everywhere", "F1", "Help") in keys


async def test_escape_and_ctrl_q_ask_before_throwing_typing_away(desk, make_app, helpers):
    app = make_app(desk, posting=FakePostingDesk(), patient="P1")
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        await pilot.press("y")
        await helpers.settle(app, pilot)
        form = app.screen
        await pilot.press("escape")  # nothing typed: closes at once
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("y")
        await helpers.settle(app, pilot)
        form = app.screen
        await pilot.press(*"25", "escape")
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("n")  # keep editing: the typing is still there
        await helpers.settle(app, pilot)
        assert app.screen is form and form.has_unsaved_changes()
        await pilot.press("ctrl+q")
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, DiscardDialog) and app.is_running
        await pilot.press("escape")
        await helpers.settle(app, pilot)
        await pilot.press("escape", "y")  # discard
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, AccountScreen)


async def test_the_date_filter_totals_follow_the_filter(desk, make_app, helpers):
    app = make_app(desk, patient="P1")
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        totals = str(app.screen.query_one("#account-totals").render())
        assert "Billed 1,785.00" in totals
        await pilot.press("f")
        await helpers.settle(app, pilot)
        app.screen.query_one("#dates-from", Input).value = "2024-03-01"
        app.screen.query_one("#dates-to", Input).value = "2024-03-31"
        await pilot.press("enter")
        await helpers.settle(app, pilot)
        totals = str(app.screen.query_one("#account-totals").render())
        assert "Billed 1,200.00" in totals and "2024-03-01 to 2024-03-31" in totals
        card = app.screen.card
        assert card.shown_rows == 3  # the crown, its discount and the day's total
        # the lines drawn are the filtered ones only: nothing left of the wider card
        text = helpers.screen_text(app)
        assert "2024-01-08" not in text and "2024-04-22" not in text


async def test_checkboxes_read_without_colour(desk, make_app, helpers):
    app = make_app(desk, posting=FakePostingDesk(), patient="P1")
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        await pilot.press("c")  # create claim: a box per procedure, ticked
        await helpers.settle(app, pilot)
        box = app.screen.query(Checkbox).first()
        assert "[x]" in helpers.screen_text(app)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value is False and "[ ]" in helpers.screen_text(app)


def test_an_amount_that_cannot_fit_shows_marks_never_a_cut_number():
    assert fit_money(-28320, 9) == "  -283.20"
    assert fit_money(11500, 6) == "115.00"
    assert fit_money(-28320, 6) == "######"  # never "-283.2" or "-283"
    assert fit_money(123456789, 9) == "#########"


def test_no_screen_uses_textuals_footer_or_checkbox():
    """Screens get the KeyBar (F1 help, F2 more) and the [x] checkbox from tui/widgets."""
    for path in TUI.rglob("*.py"):
        if path.parent.name == "widgets" or path.name == "base.py":  # base: isinstance only
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "textual.widgets":
                names = {alias.name for alias in node.names}
                assert not names & {"Footer", "Checkbox"}, path


def _readme_words() -> str:
    text = (TUI.parent / "README.md").read_text(encoding="utf-8").replace("`", "")
    return " ".join(text.split()).lower()


def _footer_items(line: str) -> list[str]:
    items = [part.strip() for part in line.split("  ") if part.strip()]
    shown = []
    for item in items:
        if item.startswith(("F1 Help", "F2 More", "^p Commands")):
            continue
        item = item.replace("⏎", "Enter").replace("^q", "Ctrl+Q").replace("^s", "Ctrl+S")
        shown.append(" ".join(item.split()).lower())
    return shown


async def test_the_readme_key_table_says_what_the_footers_show(desk, make_app, helpers):
    readme = _readme_words()
    app = make_app(desk, posting=FakePostingDesk())
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        for keys in ((), ("enter",)):  # Find patient, then the first match's account
            await pilot.press(*keys)
            await helpers.settle(app, pilot)
            bar = app.screen.query_one(KeyBar)
            for _ in range(bar.page_count):
                for item in _footer_items(footer(app)):
                    assert item in readme, item
                if bar.page_count > 1:
                    await pilot.press("f2")
                    await pilot.pause()


async def test_a_long_note_wraps_whole_in_the_lines_detail(desk, make_app, helpers, monkeypatch):
    from tui.ports import DetailSection, LineDetail
    note = ("Patient called twice about the crown on #30; insurance said the narrative was "
            "missing, resent with x-rays on 2024-05-02, will call back Friday after 3 pm")

    def detail(patient_id, ref):
        return LineDetail(title="Ledger note", sections=(DetailSection("Line", (
            ("Notes", note),)),), explanation=())
    monkeypatch.setattr(desk, "line_detail", detail)
    app = make_app(desk, patient="P1")
    async with app.run_test(size=SIZE) as pilot:
        await helpers.settle(app, pilot)
        await pilot.press("enter")
        await helpers.settle(app, pilot)
        lines = helpers.screen_text(app).replace("│", " ").splitlines()
        words = " ".join(" ".join(lines).split())
        assert "will call back Friday after 3 pm" in words and "…" not in words
        at = next(n for n, line in enumerate(lines) if "Notes" in line)
        start = lines[at].index("Patient called")
        follow = lines[at + 1]
        label = lines[at].index("Notes")
        assert follow[label:start].strip() == "" and follow[start] != " "  # wraps under itself
