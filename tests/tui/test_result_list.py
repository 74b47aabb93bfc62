"""ResultList (Find patient's results): rows cut to their columns, never markup, a cursor
kept on screen, a click that names its row."""
from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.result_list import ResultList

COLUMNS = [("Name", 12, "left"), ("Balance", 8, "right")]
THIRTY = [[f"Patient {i}", "0.00"] for i in range(30)]


class ListApp(App[None]):
    def __init__(self, rows) -> None:
        super().__init__()
        self.rows = rows
        self.clicked: list[int] = []

    def compose(self) -> ComposeResult:
        yield ResultList(id="list")

    def on_mount(self) -> None:
        found = self.query_one(ResultList)
        found.set_columns(COLUMNS)
        found.set_rows(self.rows)

    def on_result_list_clicked(self, event: ResultList.Clicked) -> None:
        self.clicked.append(event.row)


def screen_lines(app) -> list[str]:
    results = app.query_one(ResultList)
    return [results.render_line(y).text for y in range(results.size.height)]


async def test_rows_are_cut_to_their_columns_and_never_markup():
    rows = [["[bold]Smith[/], Ann-Marie", "1,234.50"], ["Jones\x1b[2J", "0.00"]]
    app = ListApp(rows)
    async with app.run_test(size=(40, 6)):
        lines = screen_lines(app)
        assert lines[0].startswith(" Name") and "Balance" in lines[0]
        assert lines[1].startswith(" [bold]Smith…  1,234.50")
        assert "\x1b" not in lines[2] and lines[2].startswith(" Jones␛[2J")
        assert app.query_one(ResultList).row_count == 2


async def test_cursor_stays_on_screen_and_clamps():
    app = ListApp(THIRTY)
    async with app.run_test(size=(40, 6)) as pilot:
        results = app.query_one(ResultList)
        results.move_cursor(20)
        await pilot.pause()
        assert results.cursor == 20
        assert results.scroll_offset.y <= 20 < results.scroll_offset.y + results.page_height
        results.move_cursor(99)
        assert results.cursor == 29
        results.move_cursor(-5)
        await pilot.pause()
        assert results.cursor == 0 and results.scroll_offset.y == 0
        results.set_rows([])
        results.move_cursor(3)  # nothing to move to
        assert results.row_count == 0


async def test_a_click_names_the_row_under_it_not_the_header():
    app = ListApp([["Ann", "1.00"], ["Bob", "2.00"]])
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.click("#list", offset=(2, 0))  # the title line
        await pilot.click("#list", offset=(2, 2))
        await pilot.click("#list", offset=(2, 4))  # below the rows
        await pilot.pause()
        assert app.clicked == [1]
        assert app.query_one(ResultList).cursor == 1


async def test_new_columns_take_the_rows_again_and_a_redraw_keeps_the_cursor():
    app = ListApp(THIRTY)
    async with app.run_test(size=(40, 6)) as pilot:
        results = app.query_one(ResultList)
        results.move_cursor(12)
        rows = results._cells
        results.set_columns([("Name", 20, "left"), ("Balance", 8, "right")])
        assert results.row_count == 0  # until the rows come again, for the new columns
        results.set_rows(rows, keep_cursor=True)
        await pilot.pause()
        assert results.cursor == 12 and results.row_text(12).startswith(" Patient 12          ")
