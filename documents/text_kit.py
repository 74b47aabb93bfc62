"""Plain-text layout pieces: columns measured in terminal cells, tables, label/value blocks.

Text is measured as a terminal shows it: East Asian wide characters take two cells and
combining marks none, so an 80-column page stays 80 columns with "山田太郎" or "Zoë" in it.
Text that does not fit its column is cut with "…". Nothing here interprets the text.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

WIDTH = 80
ELLIPSIS = "…"


def cell_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(map(cell_width, text))


def fit(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` columns (ending in "…" when cut)."""
    if text.isascii():  # one cell a character: most text, and a billing run prints a lot of it
        return text if len(text) <= cells else text[:max(0, cells - 1)] + ELLIPSIS
    if width(text) <= cells:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_width(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def left(text: str, cells: int) -> str:
    if text.isascii():
        return text.ljust(cells) if len(text) <= cells else text[:max(0, cells - 1)] + ELLIPSIS
    text = fit(text, cells)
    return text + " " * (cells - width(text))


def right(text: str, cells: int) -> str:
    """Right-aligned; never cut (right-aligned columns hold amounts: a wider one pushes the line)."""
    return " " * max(0, cells - width(text)) + text


@dataclass(frozen=True)
class Col:
    title: str
    cells: int
    align: str = "left"  # or "right"


def row(cols: Sequence[Col], values: Sequence[str], gap: int = 1) -> str:
    parts = []
    for c, v in zip(cols, values):
        v = v or ""
        if not v.isascii():
            parts.append((right if c.align == "right" else left)(v, c.cells))
        elif c.align == "right":  # the same as `right` and `left`, for the lines of a billing run
            parts.append(v.rjust(c.cells))
        else:
            parts.append(v.ljust(c.cells) if len(v) <= c.cells else v[:max(0, c.cells - 1)] + ELLIPSIS)
    return (" " * gap).join(parts).rstrip()


def table(cols: Sequence[Col], rows: Iterable[Sequence[str]]) -> list[str]:
    """A header, a rule, and the rows."""
    head = row(cols, [c.title for c in cols])
    rule = row(cols, ["-" * c.cells for c in cols])
    return [head, rule, *(row(cols, r) for r in rows)]


def pairs(items: Iterable[tuple[str, str]], label_cells: int, value_cells: int, indent: int = 0) -> list[str]:
    """Label ... value lines, values right-aligned."""
    return [" " * indent + left(label, label_cells) + right(value, value_cells) for label, value in items]


def side_by_side(lefts: Sequence[str], rights: Sequence[str], left_cells: int, total: int = WIDTH) -> list[str]:
    """Two blocks next to each other; the right one starts at column ``left_cells``."""
    n = max(len(lefts), len(rights))
    lines = []
    for i in range(n):
        a = lefts[i] if i < len(lefts) else ""
        b = rights[i] if i < len(rights) else ""
        lines.append((left(a, left_cells) + fit(b, total - left_cells)).rstrip())
    return lines


def boxes(labels: Sequence[str], values: Sequence[str], cells: int) -> list[str]:
    """A row of boxes, each ``cells`` wide, label above value: the aging buckets."""
    inner = cells - 2
    top = "".join("+" + "-" * inner for _ in labels) + "+"
    heads = "".join("|" + right(lbl, inner - 1) + " " for lbl in labels) + "|"
    vals = "".join("|" + right(v, inner - 1) + " " for v in values) + "|"
    return [top, heads, vals, top]


def framed(lines: Sequence[str], cells: int) -> list[str]:
    """Lines in a box ``cells`` wide (the amount due)."""
    inner = cells - 4
    edge = "+" + "-" * (cells - 2) + "+"
    return [edge, *("| " + left(line, inner) + " |" for line in lines), edge]


def wrap(text: str, cells: int) -> list[str]:
    """Paragraph lines broken at spaces to fit ``cells`` (a word longer than that is cut)."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            candidate = f"{line} {word}" if line else word
            if width(candidate) <= cells:
                line = candidate
                continue
            if line:
                out.append(line)
            line = fit(word, cells)
        out.append(line)
    return out
