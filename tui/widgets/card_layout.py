"""Where the ledger card's columns sit, how a cell is cut to width, and the marker colours.

Pure layout: no Textual here, so the help screen and tests share it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.cells import cell_len, set_cell_size
from rich.style import Style

from estimator.ledger_types import FIXED_COLUMNS, Column
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
    def build(cls, columns: Sequence[Column], show_detail: bool) -> CardLayout:
        shown = [c for c in columns if show_detail or c.group != "Detail"]
        fixed = tuple(c for key in FIXED_COLUMNS for c in shown if c.key == key)
        scroll = tuple(c for c in shown if c.key not in FIXED_COLUMNS)
        offsets, groups, x = [], [], 0
        for col in scroll:
            if not groups or groups[-1][0] != col.group:
                groups.append([col.group, x, x])
            offsets.append(x)
            x += col_width(col) + 1
            groups[-1][2] = x
        fixed_width = sum(col_width(c) + 1 for c in fixed) + (1 if fixed else 0)
        return cls(fixed, scroll, tuple(offsets), tuple(tuple(g) for g in groups), fixed_width, x)


def col_width(col: Column) -> int:
    """Cells a column takes; Code gets two more for the marker letter."""
    return col.width + 2 if col.key == "code" else col.width
