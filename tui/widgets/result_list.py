"""Find patient's results: a line-API list that draws only the rows on screen.

A stock DataTable measures and renders every cell through Rich on each refill, which was
most of the time from a keystroke to its results on screen. Here each row is cut to its
column widths once, when the results arrive, and a frame is a handful of Segments. The
list never takes the focus: typing stays in the search box and the screen moves the
cursor. Cells are plain strings (cleaned of control characters by `fit`): no markup is
ever parsed.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.card_layout import fit
from tui.widgets.rows_in_view import scroll_to_row

HEADER_ROWS = 1
GAP = "  "  # between columns

# (title, width, "left" | "right")
ColumnSpec = tuple[str, int, str]


class ResultList(ScrollView, can_focus=False):
    """Rows of fixed-width cells under one title line, with a cursor row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--header", "result-list--cursor", "result-list--stripe",
    }

    # The look of a zebra-striped DataTable, whose place this takes. The list never has
    # the focus (typing stays in the search box), so its cursor always looks focused.
    DEFAULT_CSS = """
    ResultList {
        background: $surface;
        color: $foreground;
        & > .result-list--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .result-list--header { background: ansi_bright_blue; color: ansi_default; }
        & > .result-list--stripe { background: $surface-lighten-1 50%; }
        &:dark > .result-list--stripe { background: $surface-darken-1 40%; }
        & > .result-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Clicked(Message):
        """A row was clicked (the screen opens it)."""

        def __init__(self, result_list: ResultList, row: int) -> None:
            super().__init__()
            self.result_list = result_list
            self.row = row

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._columns: tuple[ColumnSpec, ...] = ()
        self._cells: list[Sequence[str]] = []
        self._lines: list[str] = []
        self._title = ""
        self.cursor = 0

    # --- content ------------------------------------------------------------

    def set_columns(self, columns: Sequence[ColumnSpec]) -> None:
        """New columns; the rows are given again (`set_rows`) to match them."""
        self._columns = tuple(columns)
        self._title = self._line([title for title, _, _ in columns])
        self._cells, self._lines = [], []
        self._resize()

    def set_rows(self, rows: Sequence[Sequence[str]], *, keep_cursor: bool = False) -> None:
        """Show ``rows`` (cell texts in column order) with the cursor on the first, or
        where it was (``keep_cursor``: the same rows, redrawn for new columns)."""
        self._cells = list(rows)
        self._lines = [self._line(cells) for cells in self._cells]
        if keep_cursor:
            self.move_cursor(self.cursor)
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self._resize()

    @property
    def row_count(self) -> int:
        return len(self._lines)

    def row_text(self, row: int) -> str:
        """Row ``row`` as drawn (tests, screen readers of the future)."""
        return self._lines[row]

    def _line(self, cells: Sequence[str]) -> str:
        return " " + GAP.join(fit(text, width, justify)
                               for text, (_, width, justify) in zip(cells, self._columns))

    def _resize(self) -> None:
        width = 1 + sum(w for _, w, _ in self._columns) + len(GAP) * max(0, len(self._columns) - 1)
        self.virtual_size = Size(width, self.row_count + HEADER_ROWS)
        self.refresh()

    # --- drawing ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y < HEADER_ROWS:
            text, style = self._title, base + self.get_component_rich_style("result-list--header")
        else:
            row = scroll_y + y - HEADER_ROWS
            if row >= self.row_count:
                return Strip.blank(width, base)
            text, style = self._lines[row], base
            if row == self.cursor:
                style += self.get_component_rich_style("result-list--cursor")
            elif row % 2 == 0:
                style += self.get_component_rich_style("result-list--stripe")
        strip = Strip([Segment(text, style)])
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, style)

    # --- cursor -------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_ROWS)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (clamped) and scroll it into view."""
        if not self.row_count:
            return
        self.cursor = max(0, min(row, self.row_count - 1))
        scroll_to_row(self, self.cursor, self.page_height)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER_ROWS:
            return
        row = self.scroll_offset.y + offset.y - HEADER_ROWS
        if row < self.row_count:
            self.move_cursor(row)
            self.post_message(self.Clicked(self, row))
