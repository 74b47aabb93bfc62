"""Find patient: type-ahead, Up/Down while typing, Enter opens the account, markup safety."""
from __future__ import annotations

from textual.widgets import Input

from tui.screens.account import AccountScreen
from tui.screens.find_patient import FindPatientScreen


def results(app) -> list[str]:
    """Patient ids of the listed results, in order (every one drawn as a row)."""
    screen = app.screen
    assert screen.results.row_count == len(screen._hits)
    return [hit.patient_id for hit in screen._hits]


class TestTypeAhead:
    async def test_opens_on_search_with_focus_in_the_box(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            assert isinstance(app.screen, FindPatientScreen)
            assert isinstance(app.focused, Input)
            assert len(results(app)) == 4

    async def test_typing_filters_results(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"smith")
            await helpers.settle(app, pilot)
            assert results(app) == ["P2", "P1"]  # "[bold]Smith[/]" sorts before "Smith, John"
            await pilot.press(*", j")
            await helpers.settle(app, pilot)
            assert results(app) == ["P1"]
            assert desk.searches[-1] == "smith, j"

    async def test_no_match_says_so(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"zzz")
            await helpers.settle(app, pilot)
            assert results(app) == []
            assert "No patient matches" in helpers.screen_text(app)
            await pilot.press("enter")  # nothing to open
            assert isinstance(app.screen, FindPatientScreen)

    async def test_escape_clears_the_box(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"jones", "escape")
            await helpers.settle(app, pilot)
            assert app.screen.query_one(Input).value == ""
            assert len(results(app)) == 4


class TestSearchPace:
    """At most one search per `search_debounce`: a burst of keys searches once, for the
    last text; a key after a pause searches at once."""

    async def test_a_burst_searches_once_and_a_key_after_a_pause_at_once(self, desk, make_app,
                                                                         helpers):
        app = make_app(desk, search_debounce=2.0)  # long enough for a loaded test machine
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            assert desk.searches == [""]                   # the opening list
            await pilot.press(*"smi")                      # within 2 s of it
            await helpers.settle(app, pilot)
            assert desk.searches == ["", "smi"]            # "s" and "sm" were overtaken
            app.screen._searched_at = float("-inf")        # as after a pause in typing
            await pilot.press("t")
            await pilot.pause()                            # no wait: the last search was long ago
            assert desk.searches[-1] == "smit"
            assert results(app) == ["P2", "P1"]


class TestWideScreens:
    async def test_wide_screens_show_the_chart_number(self, desk, make_app, helpers):
        from tui.screens.find_patient import CHART_FROM
        app = make_app(desk)
        async with app.run_test(size=(CHART_FROM, 24)) as pilot:
            await pilot.press(*"smith", "down")
            await helpers.settle(app, pilot)
            results = app.screen.results
            assert "Chart" in helpers.screen_text(app)
            assert results.row_text(1).split()[:3] == ["Smith,", "John", "P1"]
            app.screen._set_columns()
            app.screen._fill(keep_cursor=True)  # as a resize does
            assert app.current_patient() == "P1"


class TestOpenAccount:
    async def test_enter_opens_first_match(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"smith")
            await helpers.settle(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert app.screen.patient_id == "P2"

    async def test_enter_before_the_search_ran_opens_a_match_of_the_typed_text(
            self, desk, make_app, helpers):
        """A fast typist (or a slow SSH link delivering keys at once) presses Enter while the
        debounced search for the last keys still waits: the list shows an older text's
        matches, and Enter must not open one of those."""
        app = make_app(desk, search_debounce=30.0)
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press(*"smith, j", "enter")  # all within the debounce: no search yet
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert app.screen.patient_id == "P1"  # Smith, John; not the first of all patients

    async def test_down_moves_in_results_while_typing_continues(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"smith")
            await helpers.settle(app, pilot)
            await pilot.press("down")
            assert isinstance(app.focused, Input)
            assert app.current_patient() == "P1"
            await pilot.press("up", "down", "enter")
            await pilot.pause()
            assert app.screen.patient_id == "P1"

    async def test_escape_on_account_returns_to_search(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"jones", "enter")
            await helpers.settle(app, pilot)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, FindPatientScreen)
            assert isinstance(app.focused, Input)


class TestMarkupSafety:
    async def test_markup_name_renders_literally(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            text = helpers.screen_text(app)
            assert "[bold]Smith[/]" in text
            assert "[@click=app.q" in text

    async def test_click_markup_does_not_quit(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"click")
            await helpers.settle(app, pilot)
            await pilot.click("#find-results", offset=(3, 1))  # a click on a result opens it
            await helpers.settle(app, pilot)
            assert isinstance(app.screen, AccountScreen) and app.screen.patient_id == "P3"
            await pilot.click("#account-header", offset=(3, 0))
            await pilot.click("#account-header", offset=(30, 1))
            await helpers.settle(app, pilot)
            assert app.is_running and app.return_code is None
            assert "[@click=app.quit]x[/]" in helpers.screen_text(app)
