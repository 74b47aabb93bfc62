"""Line detail: what Enter on a ledger line opens (procedure and its claim procedures,
a payment, a claim), with the estimator's explanation."""
from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from estimator.text import clean
from tui.ports import DetailSection, LineDetail
from tui.screens.base import DeskModal


def detail_text(detail: LineDetail) -> Text:
    """The sections as aligned ``label  value`` lines, then the explanation (plain text: tests,
    copying; the dialog shows `detail_renderable`, which wraps long values under themselves)."""
    out = Text(end="")
    for section in detail.sections:
        if out.plain:
            out.append("\n\n")
        out.append(clean(section.title), "bold underline")
        labels = [clean(label) for label, _ in section.fields]
        width = max((cell_len(label) for label in labels), default=0)
        for label, (_, value) in zip(labels, section.fields):
            out.append("\n")
            out.append(label + " " * (width - cell_len(label)) + "  ", "dim")
            out.append(clean(value))
        for line in section.lines:
            out.append("\n" + clean(line))
    if detail.explanation:
        if out.plain:
            out.append("\n\n")
        out.append("How the estimate was made", "bold underline")
        for line in detail.explanation:
            out.append("\n" + clean(line))
    return out


def _fields(section: DetailSection) -> Table:
    """``label  value`` rows; a long value (a note) wraps in its own column, never cut."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in section.fields:
        grid.add_row(Text(clean(label)), Text(clean(value)))
    return grid


def detail_renderable(detail: LineDetail) -> Group:
    """What the dialog shows: each section's title, its fields, its lines; the explanation."""
    parts: list = []
    for section in detail.sections:
        if parts:
            parts.append(Text(""))
        parts.append(Text(clean(section.title), "bold underline"))
        if section.fields:
            parts.append(_fields(section))
        parts.extend(Text(clean(line)) for line in section.lines)
    if detail.explanation:
        if parts:
            parts.append(Text(""))
        parts.append(Text("How the estimate was made", "bold underline"))
        parts.extend(Text(clean(line)) for line in detail.explanation)
    return Group(*parts)


class LineDetailScreen(DeskModal[None]):
    """A read-only dialog; Escape or Enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,q", "close", "Close", show=False, id="detail.close"),
    ]

    def __init__(self, detail: LineDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-dialog", classes="dialog"):
            yield Static(Text(clean(self.detail.title)), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                yield Static(detail_renderable(self.detail), id="detail-text")
            yield Static(Text("Esc / Enter close · Up/Down scroll"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
