"""Where the ledger card's columns sit, how a cell is cut to width, and the marker colours.

Pure layout: no Textual here, so the help screen and tests share it. The scrolling part shows
whole columns only: those that do not fit are left for the next page of columns (`]`), never
cut; an amount wider than its column shows `#` marks (`fit_money`), never a wrong number.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from rich.cells import cell_len, set_cell_size
from rich.style import Style

from estimator.ledger_types import FIXED_COLUMNS, Column
from estimator.money import fmt_grouped
from estimator.text import clean

# Who owes what is left on the line: colour AND letter (16-colour terminals, colour-blind users).
MARKERS: dict[str, tuple[str, str, str]] = {
    "P": ("#ff4040", "red", "the patient owes the balance"),
    "I": ("#2ebd4e", "green", "insurance owes the balance"),
    "S": ("#9e9e9e", "gray", "patient and insurance each owe part"),
    "=": ("#4f8fff", "blue", "paid in full"),
    "D": ("#ff69b4", "pink", "insurance denied the claim for this line"),
    "C": ("#b22222", "brick red", "balance converted from a previous system"),
}
MARKER_STYLES = {m: Style(color=c, bold=True) for m, (c, _, _) in MARKERS.items()}


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` cleaned and padded/cut to exactly ``width`` cells (… marks a cut)."""
    text = clean(text)
    size = cell_len(text)
    if size > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    pad = " " * (width - size)
    return pad + text if align == "right" else text + pad


def fit_money(cents: int, width: int) -> str:
    """An amount right-aligned in ``width`` cells (`fmt_grouped`), or ``#`` marks when it
    does not fit: a cut amount would read as another number."""
    text = fmt_grouped(cents)
    return text.rjust(width) if len(text) <= width else "#" * width


@dataclass(frozen=True)
class CardLayout:
    """Where each column sits: fixed part on the left, scrolling part after it."""
    fixed: tuple[Column, ...]
    scroll: tuple[Column, ...]
    offsets: tuple[int, ...]                  # x of each scrolling column (in the scrolling part)
    groups: tuple[tuple[str, int, int], ...]  # (group, x0, x1) in the scrolling part
    fixed_width: int
    scroll_width: int

    @classmethod
    def build(cls, columns: Sequence[Column], show_detail: bool,
              view: int | None = None) -> CardLayout:
        """``view``: the cells the scrolling part has on screen; when the Main group does not
        fit in it (an 80-column terminal), its money columns come first (`money_first`)."""
        shown = [c for c in columns if show_detail or c.group != "Detail"]
        fixed = tuple(c for key in FIXED_COLUMNS for c in shown if c.key == key)
        scroll = tuple(c for c in shown if c.key not in FIXED_COLUMNS)
        if view is not None and main_width(scroll) > view:
            scroll = money_first(scroll)
        offsets, groups, x = [], [], 0
        for col in scroll:
            if not groups or groups[-1][0] != col.group:
                groups.append([col.group, x, x])
            offsets.append(x)
            x += col_width(col) + 1
            groups[-1][2] = x
        fixed_width = sum(col_width(c) + 1 for c in fixed) + (1 if fixed else 0)
        return cls(fixed, scroll, tuple(offsets), tuple(tuple(g) for g in groups), fixed_width, x)

    # --- which columns are in view ------------------------------------------------------

    def first_at(self, x: int) -> int:
        """The scrolling column at ``x`` (the first one left of it; 0 when none)."""
        return max(0, bisect_right(self.offsets, x) - 1)

    def shown(self, x: int, view: int) -> range:
        """The scrolling columns drawn with the view at ``x``, ``view`` cells wide: whole
        columns from the one at ``x`` (at least that one, cut, if it is wider than the view)."""
        if not self.scroll:
            return range(0)
        first = self.first_at(x)
        start, end = self.offsets[first], first + 1
        while end < len(self.scroll) and self.offsets[end] + col_width(self.scroll[end]) - start <= view:
            end += 1
        return range(first, end)

    def group_of(self, index: int) -> int:
        """Which group (index into ``groups``) column ``index`` belongs to."""
        x = self.offsets[index]
        return next(n for n, (_, x0, x1) in enumerate(self.groups) if x0 <= x < x1)

    def next_page(self, x: int, view: int) -> int:
        """Where `]` goes: the columns of this group not in view, else the next group."""
        shown = self.shown(x, view)
        if not shown:
            return 0
        group = self.group_of(shown.start)
        if group + 1 == len(self.groups) and shown.stop >= len(self.scroll):
            return self.offsets[shown.start]  # the last columns are in view
        group_end = self.groups[group][2]
        if shown.stop >= len(self.scroll):
            return group_end  # the rest is in view: the next group to the left edge
        return min(self.offsets[shown.stop], group_end)

    def previous_page(self, x: int, view: int) -> int:
        """Where `[` goes: the columns of this group left of the view, else the previous group."""
        if not self.scroll:
            return 0
        first = self.first_at(x)
        group = self.groups[self.group_of(first)]
        if self.offsets[first] > group[1]:  # part of this group is off to the left
            k = first - 1
            while k > 0 and self.offsets[k - 1] >= group[1] and \
                    self.offsets[first] - self.offsets[k - 1] <= view:
                k -= 1
            return self.offsets[k]
        n = self.group_of(first)
        return self.groups[n - 1][1] if n else 0


# What the desk reads first on a line: on a narrow card these open the Main group, so the
# amounts are on screen when the card opens; the rest of Main follows them (`]`).
MONEY_FIRST = ("billed", "paid", "adjust", "balance")


def main_width(scroll: Sequence[Column]) -> int:
    """Cells the Main group's scrolling columns take."""
    return sum(col_width(c) + 1 for c in scroll if c.group == "Main")


def money_first(scroll: Sequence[Column]) -> tuple[Column, ...]:
    """``scroll`` (Main first, as `card_columns` orders it) with the Main group's
    `MONEY_FIRST` columns moved to its front; the rest keeps its order."""
    money = [c for key in MONEY_FIRST for c in scroll if c.key == key and c.group == "Main"]
    return tuple(money + [c for c in scroll if c not in money])


def col_width(col: Column) -> int:
    """Cells a column takes; Code gets two more for the marker letter."""
    return col.width + 2 if col.key == "code" else col.width
