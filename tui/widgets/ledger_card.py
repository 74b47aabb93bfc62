"""The ledger card: a line-API ScrollView that draws only the rows on screen.

Rows come from ``FrontDesk.rows`` in windows of `WINDOW` rows kept in a small
LRU, so a card with 50,000 lines opens as fast as one with 5. The two header
lines (group names, column titles) and the Posted and Code columns stay put
while the rest scrolls. Cells are plain strings from the ledger, cleaned of
control characters and drawn as Segments: no markup is ever parsed.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from datetime import date
from typing import ClassVar, Sequence

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from estimator.ledger_types import DAY_SUMMARY, TEXT_KINDS, CardRow, Column
from estimator.text import clean
from tui.ports import FrontDesk
from tui.widgets.card_layout import (
    MARKER_STYLES, MARKERS, CardLayout, col_width, fit, fit_money,
)
from tui.widgets.rows_in_view import scroll_to_row

__all__ = ["HEADER_ROWS", "MARKERS", "WINDOW", "LedgerCard"]

HEADER_ROWS = 2      # group names, column titles
WINDOW = 128         # rows fetched per FrontDesk.rows call
MAX_WINDOWS = 8      # windows kept (LRU)
SEPARATOR = "│"      # between the fixed columns and the scrolling part
COLUMNS = Binding.Group("Columns")  # the footer shows "] [ Columns" (tui.widgets.key_bar)
DAYS = Binding.Group("Day")


class LedgerCard(ScrollView, can_focus=True, inherit_bindings=False):
    """A patient's ledger card, windowed over `FrontDesk.rows`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="ledger.up"),
        Binding("down", "cursor_down", "Down", show=False, id="ledger.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="ledger.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="ledger.page_down"),
        Binding("home", "first_line", "First line", show=False, id="ledger.first"),
        Binding("end", "last_line", "Last line", show=False, id="ledger.last"),
        Binding("left", "column_left", "Column left", show=False, id="ledger.left"),
        Binding("right", "column_right", "Column right", show=False, id="ledger.right"),
        Binding("right_square_bracket", "next_group", "Next group", key_display="]",
                group=COLUMNS, id="ledger.next_group"),
        Binding("left_square_bracket", "previous_group", "Previous group", key_display="[",
                group=COLUMNS, id="ledger.previous_group"),
        Binding("n", "next_day", "Next day", group=DAYS, id="ledger.next_day"),
        Binding("p", "previous_day", "Previous day", group=DAYS, id="ledger.previous_day"),
        Binding("f", "filter_dates", "Dates", id="ledger.filter_dates"),
        Binding("d", "toggle_detail", "Detail", id="ledger.toggle_detail"),
        Binding("enter", "open_line", "Open line", id="ledger.open_line"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ledger-card--group", "ledger-card--title", "ledger-card--summary",
        "ledger-card--note", "ledger-card--cursor", "ledger-card--separator",
    }

    class LineSelected(Message):
        """Enter on a line: the screen opens its detail."""

        def __init__(self, card: LedgerCard, row: CardRow) -> None:
            super().__init__()
            self.card = card
            self.row = row

    class FilterRequested(Message):
        """The user asked for a posted-date range (the screen asks for it)."""

        def __init__(self, card: LedgerCard) -> None:
            super().__init__()
            self.card = card

    def __init__(self, frontdesk: FrontDesk, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._fd = frontdesk
        self._patient: str | None = None
        self._columns: tuple[Column, ...] = ()
        self._show_detail = False
        self._layout = CardLayout.build((), False)
        self._count = 0
        self._lo = 0                     # date filter: absolute rows [lo, hi) are shown
        self._hi = 0
        self._filter: tuple[date | None, date | None] = (None, None)
        self._days: list[tuple[date, int]] = []
        self._windows: OrderedDict[int, Sequence[CardRow]] = OrderedDict()
        self.cursor = 0                  # relative to _lo

    # --- loading ------------------------------------------------------------

    def load(self, patient_id: str, columns: Sequence[Column], row_count: int,
             *, keep_position: bool = False) -> None:
        """Show ``patient_id``'s card; ``keep_position`` after a refresh of the same card."""
        same = keep_position and patient_id == self._patient
        self._patient = patient_id
        self._columns = tuple(columns)
        self._count = row_count
        self._windows.clear()
        self._days = list(self._fd.day_index(patient_id))
        if not same:
            self._filter = (None, None)
            self.cursor = row_count  # the latest line: what the desk asks about (`_apply_filter`)
            self.scroll_to(0, 0, animate=False)
        self._relayout()
        self._apply_filter()
        if not same:
            self.call_after_refresh(self.action_last_line)  # once the card knows its height

    @property
    def patient_id(self) -> str | None:
        return self._patient

    @property
    def shown_rows(self) -> int:
        """Rows inside the date filter."""
        return self._hi - self._lo

    @property
    def date_filter(self) -> tuple[date | None, date | None]:
        return self._filter

    @property
    def show_detail(self) -> bool:
        return self._show_detail

    @property
    def layout(self) -> CardLayout:
        return self._layout

    def set_date_filter(self, start: date | None, end: date | None) -> None:
        """Show only rows posted from ``start`` to ``end`` (inclusive; None = open)."""
        self._filter = (start, end)
        self.cursor = 0
        self._apply_filter()
        self.scroll_to(y=0, animate=False)

    def _apply_filter(self) -> None:
        # Rows are in posting-date order, so a date range is one contiguous index range.
        dates = [d for d, _ in self._days]
        start, end = self._filter
        self._lo = 0 if start is None else self._day_start(bisect_left(dates, start))
        self._hi = self._count if end is None else self._day_start(bisect_right(dates, end))
        self._hi = max(self._lo, self._hi)
        self.cursor = max(0, min(self.cursor, self.shown_rows - 1))
        self._resize()

    def _day_start(self, day: int) -> int:
        return self._days[day][1] if day < len(self._days) else self._count

    def _relayout(self) -> None:
        self._layout = self._build_layout()
        self._resize()

    def _build_layout(self) -> CardLayout:
        fixed = CardLayout.build(self._columns, self._show_detail).fixed_width
        view = max(0, self.scrollable_content_region.width - fixed)
        return CardLayout.build(self._columns, self._show_detail, view or None)

    def _resize(self) -> None:
        layout = self._layout
        # Room for the last column to scroll to the left edge, so `]` reaches every column.
        view = max(0, self.scrollable_content_region.width - layout.fixed_width)
        last_start = layout.offsets[-1] if layout.offsets else 0
        width = layout.fixed_width + max(layout.scroll_width, last_start + view)
        self.virtual_size = Size(width, self.shown_rows + HEADER_ROWS)
        self._update_titles()
        self.refresh()

    def on_resize(self) -> None:
        layout = self._build_layout()
        if layout.scroll != self._layout.scroll:  # the Main group's order follows the width
            self._layout = layout
            self.scroll_to(x=0, animate=False)
        self._resize()

    # --- rows (windowed) ----------------------------------------------------

    def row_at(self, index: int) -> CardRow | None:
        """Absolute row ``index``, fetched with its window when not cached."""
        if self._patient is None or not 0 <= index < self._count:
            return None
        key, offset = divmod(index, WINDOW)
        window = self._windows.get(key)
        if window is None:
            start = key * WINDOW
            window = tuple(self._fd.rows(self._patient, start, min(self._count, start + WINDOW)))
            self._windows[key] = window
            while len(self._windows) > MAX_WINDOWS:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(key)
        return window[offset] if offset < len(window) else None

    @property
    def cursor_row(self) -> CardRow | None:
        return self.row_at(self._lo + self.cursor) if self.shown_rows else None

    # --- drawing ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            line = self._group_line(scroll_x, width, base)
        elif y == 1:
            line = self._title_line(scroll_x, width, base)
        else:
            rel = scroll_y + y - HEADER_ROWS
            row = self.row_at(self._lo + rel) if rel < self.shown_rows else None
            if row is None:
                return Strip.blank(width, base)
            line = self._row_line(row, rel == self.cursor, scroll_x, width, base)
        return line.extend_cell_length(width, base).crop(0, width)

    def _style(self, name: str, base: Style) -> Style:
        return base + self.get_component_rich_style(f"ledger-card--{name}")

    def _shown(self, width: int) -> range:
        """The scrolling columns in view: whole columns only (`CardLayout.shown`)."""
        view = max(0, width - self._layout.fixed_width)
        return self._layout.shown(self.scroll_offset.x, view)

    def _join(self, fixed: list[Segment], moving: list[Segment], base: Style) -> Strip:
        """Fixed cells + separator + the scrolling cells in view (`render_line` pads and
        crops to the width)."""
        if self._layout.fixed:
            fixed = [*fixed, Segment(SEPARATOR, self._style("separator", base))]
        return Strip.join([Strip(fixed), Strip(moving)])

    def _group_line(self, scroll_x: int, width: int, base: Style) -> Strip:
        # Each group's name over its columns in view, even when it started off to the left.
        style = self._style("group", base)
        layout = self._layout
        fixed = [Segment(" " * (layout.fixed_width - 1), style)] if layout.fixed else []
        spans: list[list] = []  # [group name, cells]
        for i in self._shown(width):
            col = layout.scroll[i]
            name = layout.groups[layout.group_of(i)][0]
            if not spans or spans[-1][0] != name:
                spans.append([name, 0])
            spans[-1][1] += col_width(col) + 1
        moving = [Segment(set_cell_size(f"{name} " + "─" * cells, cells - 1) + " ", style)
                  for name, cells in spans]
        return self._join(fixed, moving, base)

    def _title_line(self, scroll_x: int, width: int, base: Style) -> Strip:
        style = self._style("title", base)
        layout = self._layout
        fixed = [Segment(fit(c.title, col_width(c), c.align) + " ", style) for c in layout.fixed]
        moving = [Segment(fit(layout.scroll[i].title, col_width(layout.scroll[i]),
                              layout.scroll[i].align) + " ", style) for i in self._shown(width)]
        return self._join(fixed, moving, base)

    def _row_line(self, row: CardRow, is_cursor: bool, scroll_x: int, width: int,
                  base: Style) -> Strip:
        style = base
        if row.kind == DAY_SUMMARY:
            style = self._style("summary", base)
        elif row.kind in TEXT_KINDS:
            style = self._style("note", base)
        if is_cursor:
            style = style + self.get_component_rich_style("ledger-card--cursor")
        fixed = [self._cell(row, c, style) for c in self._layout.fixed]
        if row.kind in TEXT_KINDS:  # a note reads across the card, whichever group is in view
            view = max(0, width - self._layout.fixed_width)
            return self._join(fixed, [Segment(fit(row.cells.get("service", ""), view), style)],
                              base)
        moving = [self._cell(row, self._layout.scroll[i], style) for i in self._shown(width)]
        return self._join(fixed, moving, base)

    @staticmethod
    def _cell(row: CardRow, col: Column, style: Style) -> Segment:
        if col.key in row.values:  # money: the one formatter, never cut (`fit_money`)
            return Segment(fit_money(row.values[col.key], col.width) + " ", style)
        text = row.cells.get(col.key, "")
        if col.key != "code":
            return Segment(fit(text, col.width, col.align) + " ", style)
        marker = row.marker if row.marker in MARKERS else ""
        marker_style = style + MARKER_STYLES[marker] if marker else style
        return Segment(fit(f"{marker or ' '} {clean(text)}", col_width(col)) + " ", marker_style)

    def _update_titles(self) -> None:
        group = self.current_group()
        width = self.scrollable_content_region.width
        shown = self._shown(width) if width else range(0)
        more = " · ] more" if shown and shown.stop < len(self._layout.scroll) else ""
        detail = "" if self._show_detail else " · d: Detail"
        self.border_title = f"Ledger card · {group}{more}{detail}" if group else "Ledger card"
        where = f"line {self._lo + self.cursor + 1:,} of {self._count:,}" if self.shown_rows else "no lines"
        start, end = self._filter
        if start or end:
            where += f" · posted {start or '…'} to {end or '…'}"
        self.border_subtitle = where

    def current_group(self) -> str:
        """The group of the first scrolling column in view."""
        layout = self._layout
        if not layout.scroll:
            return ""
        return layout.groups[layout.group_of(layout.first_at(self.scroll_offset.x))][0]

    # --- cursor and scrolling -----------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_ROWS)

    def move_cursor(self, rel: int) -> None:
        """Put the cursor on shown row ``rel`` and scroll it into view."""
        self.cursor = max(0, min(rel, self.shown_rows - 1))
        scroll_to_row(self, self.cursor, self.page_height)
        self._update_titles()
        self.refresh()

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_offset.y + self.page_height, animate=False)
        self.move_cursor(self.cursor + self.page_height)

    def action_page_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_offset.y - self.page_height), animate=False)
        self.move_cursor(self.cursor - self.page_height)

    def action_first_line(self) -> None:
        self.move_cursor(0)

    def action_last_line(self) -> None:
        self.move_cursor(self.shown_rows - 1)

    def _scroll_x_to(self, x: int) -> None:
        self.scroll_to(x=max(0, x), animate=False)

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self._update_titles()  # the group name in the title follows sideways scrolling

    def action_column_right(self) -> None:
        x = self.scroll_offset.x
        self._scroll_x_to(next((o for o in self._layout.offsets if o > x), x))

    def action_column_left(self) -> None:
        x = self.scroll_offset.x
        self._scroll_x_to(next((o for o in reversed(self._layout.offsets) if o < x), 0))

    def _view_width(self) -> int:
        return max(0, self.scrollable_content_region.width - self._layout.fixed_width)

    def action_next_group(self) -> None:
        """The columns of this group that are not in view, else the next group."""
        self._scroll_x_to(self._layout.next_page(self.scroll_offset.x, self._view_width()))

    def action_previous_group(self) -> None:
        self._scroll_x_to(self._layout.previous_page(self.scroll_offset.x, self._view_width()))

    def action_next_day(self) -> None:
        here = self._lo + self.cursor
        nxt = next((i for _, i in self._days if here < i < self._hi), None)
        if nxt is not None:
            self.move_cursor(nxt - self._lo)

    def action_previous_day(self) -> None:
        # Like toolong: to the start of this day first, then to the day before.
        here = self._lo + self.cursor
        prev = next((i for _, i in reversed(self._days) if self._lo <= i < here), None)
        if prev is not None:
            self.move_cursor(prev - self._lo)

    def action_toggle_detail(self) -> None:
        self._show_detail = not self._show_detail
        self._relayout()

    def action_filter_dates(self) -> None:
        self.post_message(self.FilterRequested(self))

    def action_open_line(self) -> None:
        row = self.cursor_row
        if row is not None and row.ref:
            self.post_message(self.LineSelected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= HEADER_ROWS:
            self.move_cursor(self.scroll_offset.y + offset.y - HEADER_ROWS)
