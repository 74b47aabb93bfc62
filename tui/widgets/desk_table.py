"""The table of reports and set-up lists: key columns stay put, the rest pages sideways.

At 80 columns a report or a set-up list is wider than the screen. Textual's DataTable scrolls
every column away, the name or code that says whose row it is included. `DeskTable` keeps its
first ``key_columns`` columns in place (DataTable's ``fixed_columns``) and ``]`` / ``[`` page
through the other columns a screenful of whole columns at a time (the ledger card's keys).
Columns are sized to their widest cell by DataTable, and a column shown only in part (cut by
the right edge, or half under the key columns when the scroll stops at the table's end) is left
blank: no cell is ever shown cut (an amount cut short reads as another amount).
"""
from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widgets import DataTable

COLUMNS = Binding.Group("Columns")  # the footer shows "] [ Columns", as on the ledger card


class DeskTable(DataTable):
    """A DataTable with fixed key columns and ``[`` / ``]`` column paging."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "page_columns(1)", "Next columns", key_display="]",
                group=COLUMNS, id="table.next_columns"),
        Binding("left_square_bracket", "page_columns(-1)", "Previous columns", key_display="[",
                group=COLUMNS, id="table.previous_columns"),
    ]

    def __init__(self, *, key_columns: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fixed_columns = key_columns

    def column_edges(self) -> list[tuple[int, int]]:
        """(start, end) of every column, in the table's full width."""
        edges, x = [], 0
        for column in self.ordered_columns:
            width = column.get_render_width(self)
            edges.append((x, x + width))
            x += width
        return edges

    def _fixed_width(self, edges: list[tuple[int, int]]) -> int:
        return edges[self.fixed_columns - 1][1] if 0 < self.fixed_columns <= len(edges) else 0

    def hidden_columns(self) -> tuple[int, int]:
        """(columns cut off on the left, on the right) of the scrolling part."""
        edges = self.column_edges()
        fixed = self._fixed_width(edges)
        left, right = self.scroll_x + fixed, self.scroll_x + self.scrollable_content_region.width
        rest = edges[self.fixed_columns:]
        return (sum(1 for s, _ in rest if s < left),
                sum(1 for _, e in rest if e > right))

    def _cut_spans(self) -> list[tuple[int, int]]:
        """(x0, x1) on screen of the columns shown cut: the one the right edge cuts, and the
        one scrolled half under the key columns (the scroll stops at the table's end)."""
        edges = self.column_edges()
        fixed = self._fixed_width(edges)
        x, width = int(self.scroll_x), self.scrollable_content_region.width
        spans = []
        for start, end in edges[self.fixed_columns:]:
            if start < x + fixed < end:  # half under the key columns
                spans.append((fixed, min(width, end - x)))
            if start < x + width < end and start - x >= fixed:  # cut by the right edge
                spans.append((start - x, width))
        return spans

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        for x0, x1 in self._cut_spans():
            x1 = min(x1, strip.cell_length)
            if x0 < x1:
                strip = Strip.join([strip.crop(0, x0), Strip.blank(x1 - x0, self.rich_style),
                                    strip.crop(x1, strip.cell_length)])
        return strip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page_columns":  # shown only when some columns are out of sight
            before, after = self.hidden_columns()
            return (before if parameters[0] == -1 else after) > 0 or None
        return super().check_action(action, parameters)

    def watch_scroll_x(self, old: float, new: float) -> None:
        super().watch_scroll_x(old, new)
        self.refresh_bindings()  # the footer shows [ and ] only while they lead somewhere

    def action_page_columns(self, step: int) -> None:
        """Bring the next (or previous) screenful of whole columns into view."""
        edges = self.column_edges()
        fixed = self._fixed_width(edges)
        room = max(1, self.scrollable_content_region.width - fixed)
        rest = edges[self.fixed_columns:]
        left = self.scroll_x + fixed
        if step > 0:  # the first column not wholly in view starts the next page
            start = next((s for s, e in rest if e > left + room), None)
        else:  # as many whole columns before the first in view as fit
            before = [(s, e) for s, e in rest if s < left]
            start = None
            for s, _ in reversed(before):
                if left - s > room and start is not None:
                    break
                start = s
        if start is not None:
            self.scroll_to(x=max(0, start - fixed), animate=False)
        self.refresh_bindings()
