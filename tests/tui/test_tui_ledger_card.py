"""The ledger card widget: keys, windowed fetching, markers, escapes, refresh."""
from __future__ import annotations

from datetime import date

from textual.widgets import Input

from tui.screens.account import AccountScreen
from tui.screens.date_filter import DateFilterScreen
from tui.screens.line_detail import LineDetailScreen
from tui.widgets.card_layout import MARKERS
from tui.widgets.ledger_card import HEADER_ROWS, WINDOW, LedgerCard


def card_of(app) -> LedgerCard:
    return app.screen.query_one(LedgerCard)


def card_lines(card: LedgerCard) -> list[str]:
    return [card.render_line(y).text for y in range(card.scrollable_content_region.height)]


class TestKeys:
    async def test_next_and_previous_group(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            assert app.focused is card and card.current_group() == "Main"
            seen = []
            for _ in range(3):
                await pilot.press("right_square_bracket")
                await pilot.pause()
                seen.append(card.current_group())
            assert seen == ["Current", "Original", "Claim Status"], seen
            assert "Claim Status" in card.render_line(0).text
            await pilot.press("left_square_bracket", "left_square_bracket")
            await pilot.pause()
            assert card.current_group() == "Current"
            assert "Current" in card.border_title

    async def test_fixed_columns_stay_while_scrolling(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            await pilot.press("home", "right_square_bracket", "right")
            await pilot.pause()
            assert card.scroll_offset.x > 0
            title = card.render_line(1).text
            assert title.startswith("Posted     Code")
            assert "Complete" not in title
            assert card.render_line(HEADER_ROWS).text.startswith("2024-01-08 = 0D0120")

    async def test_the_amounts_open_the_card_at_80_columns(self, desk, make_app, helpers):
        """At 80 columns the Main group does not fit: Billed, Paid, Adjust and Balance come
        first, the rest of Main one `]` away; at 160 the spec's order is kept."""
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            title = card.render_line(1).text
            assert title.split("│")[1].split()[:4] == ["Billed", "Paid", "Adjust", "Balance"]
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert "Insurance" in card.render_line(1).text and card.current_group() == "Main"
            await pilot.resize_terminal(160, 50)
            await pilot.pause()
            title = card.render_line(1).text
            assert title.index("Complete") < title.index("Billed") < title.index("Balance")

    async def test_next_and_previous_day(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            await pilot.press("home")
            positions = []
            for key in ("n", "n", "down", "p", "p", "p"):
                await pilot.press(key)
                positions.append(card.cursor)
            # days start at rows 0, 3, 7, 10; p goes to the start of the day, then the one before
            assert positions == [3, 7, 8, 7, 3, 0]
            assert card.cursor_row.posted == date(2024, 1, 8)

    async def test_detail_toggle(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            groups = [g for g, _, _ in card.layout.groups]
            assert "Detail" not in groups
            width = card.virtual_size.width
            await pilot.press("d")
            assert [g for g, _, _ in card.layout.groups][-1] == "Detail"
            assert card.virtual_size.width > width
            for _ in range(12):  # 80 columns: Main takes three pages, the others two or one
                if card.current_group() != "Detail":
                    await pilot.press("right_square_bracket")
            await pilot.pause()
            assert "Notes" in card.render_line(1).text
            await pilot.press("d")
            assert card.virtual_size.width == width

    async def test_page_down_home_end(self, desk, make_app, helpers):
        app = make_app(desk, patient="P2")  # 6,000 lines
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            assert card.cursor == 5999  # the card opens at its latest line
            page = card.page_height
            await pilot.press("home", "pagedown")
            await pilot.pause()
            assert card.cursor == page
            assert card.scroll_offset.y == page
            assert f"line {page + 1:,} of 6,000" in card.border_subtitle
            await pilot.press("end")
            await pilot.pause()
            assert card.cursor == 5999
            assert card.scroll_offset.y == card.max_scroll_y
            assert card.cursor_row.kind == "day_summary"
            assert card.scroll_offset.y + card.page_height - 1 == card.cursor  # on the last line
            await pilot.press("pageup", "home")
            await pilot.pause()
            assert card.cursor == 0 and card.scroll_offset.y == 0

    async def test_enter_opens_line_detail(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("home", "down", "down")  # the day summary: nothing to open
            await pilot.press("enter")
            assert isinstance(app.screen, AccountScreen)
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, LineDetailScreen)
            assert app.screen.detail.title == "Line procedure:3"
            assert "How the estimate was made" in helpers.screen_text(app)
            await pilot.press("escape")
            assert isinstance(app.screen, AccountScreen)

    async def test_date_filter(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("f")
            await pilot.pause()
            assert isinstance(app.screen, DateFilterScreen)
            app.screen.query_one("#dates-from", Input).value = "2024-02-01"
            app.screen.query_one("#dates-to", Input).value = "2024-03-31"
            await pilot.press("enter")
            await pilot.pause()
            card = card_of(app)
            assert card.shown_rows == 7
            assert card.cursor_row.posted == date(2024, 2, 12)
            assert "posted 2024-02-01 to 2024-03-31" in card.border_subtitle
            await pilot.press("end")
            assert card.cursor_row.posted == date(2024, 3, 4)
            await pilot.press("f", "ctrl+l")
            await pilot.pause()
            assert card.shown_rows == 12

    async def test_bad_date_is_refused(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("f")
            await pilot.pause()
            app.screen.query_one("#dates-from", Input).value = "03/01/2024"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DateFilterScreen)
            assert "YYYY-MM-DD" in helpers.screen_text(app)
            await pilot.press("escape")
            assert card_of(app).shown_rows == 12

    async def test_family_members_switch_in_place(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("full_stop")
            assert app.screen.patient_id == "P2"
            assert card_of(app).shown_rows == 6000
            await pilot.press("comma", "comma")
            assert app.screen.patient_id == "P3"


class TestDrawing:
    async def test_markers_are_letters_and_colours(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            text = "\n".join(card_lines(card))
            for shown in ("= 0D0120", "I 0D1110", "S 0D2392", "P 0D2740", "D 9", "C 0CONV"):
                assert shown in text
            for y, marker in ((HEADER_ROWS + 1, "I"), (HEADER_ROWS + 7, "P")):
                code = next(s for s in card.render_line(y) if s.text.startswith(marker + " "))
                assert code.style.color.name == MARKERS[marker][0]

    async def test_day_summary_and_cursor_are_styled(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            await pilot.press("home")
            summary = card.render_line(HEADER_ROWS + 2)
            assert "Day total" in summary.text
            assert any(s.style and s.style.bold for s in summary if s.text.strip())
            cursor_bg = card.render_line(HEADER_ROWS)._segments[0].style.bgcolor
            plain_bg = card.render_line(HEADER_ROWS + 1)._segments[0].style.bgcolor
            assert cursor_bg != plain_bg

    async def test_escape_byte_never_reaches_the_terminal(self, desk, make_app, helpers):
        app = make_app(desk)
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            assert "\x1b" not in helpers.screen_text(app)
            assert "Jones␛]2;evil␇, Ann" in helpers.screen_text(app)
            app.open_account("P4")
            await helpers.settle(app, pilot)
            await pilot.press("d")
            assert "\x1b" not in "".join(card_lines(card_of(app)))
            assert "\x1b" not in helpers.screen_text(app)
            assert "Limited exam␛]2;evil␇" in helpers.screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, LineDetailScreen)
            assert "\x1b" not in helpers.screen_text(app)
            assert "[bold]not bold[/]" in helpers.screen_text(app)


class TestWindowing:
    async def test_only_visible_rows_are_fetched(self, big_desk, make_app, helpers):
        app = make_app(big_desk, patient="BIG")
        async with app.run_test(size=(160, 50)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            assert card.shown_rows == 50_000
            assert card.cursor == 49_999  # opened at the latest line, reading only its end
            assert big_desk.rows_requested <= 2 * WINDOW
            assert len(big_desk.row_calls) <= 2
            await pilot.press("home", "pagedown")
            await pilot.pause()
            assert card.cursor == card.page_height
            assert card.cursor_row is not None
            assert big_desk.rows_requested <= 4 * WINDOW

    async def test_refresh_after_posting_elsewhere(self, desk, make_app, helpers, fakes):
        app = make_app(desk, patient="P1")
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            card = card_of(app)
            await pilot.press("home", "n")
            app.refresh_data()  # no change: nothing reloads
            assert card.shown_rows == 12
            desk.post("P1", fakes.row("patient_payment", "patient_payment:9", date(2024, 6, 3),
                                      "=", code="3", service="Payment at the window", paid=-1000))
            app.refresh_data()  # what the 2-second timer does
            await pilot.pause()
            assert card.shown_rows == 13
            assert card.cursor == 3  # the user keeps their place
            await pilot.press("end")
            assert card.cursor_row.ref == "patient_payment:9"


class TestKeymap:
    async def test_binding_ids_take_a_keymap(self, desk, make_app, helpers):
        app = make_app(desk, patient="P1", keymap={"ledger.next_day": "j"})
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.settle(app, pilot)
            await pilot.press("home", "j")
            assert card_of(app).cursor == 3


class TestNarrowMain:
    """`card_layout.money_first`: pure, no app."""

    def test_money_moves_to_the_front_of_main_only(self):
        from estimator.ledger_types import card_columns
        from tui.widgets.card_layout import CardLayout
        columns = card_columns(2)
        wide = CardLayout.build(columns, False, view=500)
        narrow = CardLayout.build(columns, False, view=54)
        assert [c.key for c in wide.scroll] == [c.key for c in CardLayout.build(columns, False).scroll]
        keys = [c.key for c in narrow.scroll]
        assert keys[:5] == ["billed", "paid", "adjust", "balance", "complete"]
        assert sorted(keys) == sorted(c.key for c in wide.scroll)
        assert [c.key for c in narrow.scroll if c.group != "Main"] == \
            [c.key for c in wide.scroll if c.group != "Main"]
