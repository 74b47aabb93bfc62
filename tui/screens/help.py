"""Help: every key of the screen it was opened over (from its bindings) and the
legend of code colours and markers."""
from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.screens.base import DeskModal
from tui.widgets.card_layout import MARKER_STYLES, MARKERS

PLACES = {"LedgerCard": "Ledger card", "DataTable": "Results"}
# Text boxes bring some thirty editing keys (Home, Ctrl+A, word left...): help names them in
# one line instead of listing them before the screen's own keys.
TEXT_BOXES = ("Input", "TextArea", "MaskedInput")
TEXT_EDITING = "Text box", "arrows Home End Ctrl+W Ctrl+U ...", "the usual editing keys"

CODE_TYPES = (
    ("0", "a procedure"),
    ("1 2 4 5", "primary, secondary, tertiary, quaternary insurance payment"),
    ("3", "a patient payment"),
    ("9", "an adjustment"),
    ("A B C", "second, third, fourth visit of a multi-visit procedure"),
)


def screen_keys(screen: Screen) -> list[tuple[str, str, str]]:
    """(where, keys, description) of every described binding active on ``screen``: the
    screen's own first, then the focused widget's, then the app's (Everywhere)."""
    found: dict[tuple[str, str], list[str]] = {}
    editing = False
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if not binding.description or binding.system:
            continue
        if isinstance(node, App) or (binding.id or "").startswith("screen."):
            where = "Everywhere"  # Tab, Shift+Tab, copy: every screen has them
        elif isinstance(node, Screen):
            where = "This screen"
        elif type(node).__name__ in TEXT_BOXES:
            editing = True
            continue
        else:
            where = PLACES.get(type(node).__name__, type(node).__name__)
        shown = screen.app.get_key_display(binding)
        keys = found.setdefault((where, binding.description), [])
        if shown not in keys:
            keys.append(shown)
    order = {"This screen": 0, "Everywhere": 9}
    rows = [(where, " ".join(keys), description) for (where, description), keys in found.items()]
    if editing:
        rows.append(TEXT_EDITING)
    return sorted(rows, key=lambda row: order.get(row[0], 5))


def keys_text(keys: list[tuple[str, str, str]]) -> Text:
    out = Text(end="")
    width = max((cell_len(k) for _, k, _ in keys), default=0)
    where_now = None
    for where, key, description in keys:
        if where != where_now:
            out.append(("\n\n" if out.plain else "") + where, "bold underline")
            where_now = where
        out.append("\n  " + key + " " * (width - cell_len(key)) + "  ", "bold")
        out.append(description)
    return out


def legend_text() -> Text:
    """Code colours with their marker letters, code types, day summaries."""
    out = Text(end="")
    out.append("Code colour and marker (who owes what is left on the line)", "bold underline")
    for marker, (_, colour, meaning) in MARKERS.items():
        out.append("\n  ")
        out.append(f"{marker} 0D1110", MARKER_STYLES[marker])
        out.append(f"  {colour:<10} {meaning}")
    out.append("\n\nFirst character of the code", "bold underline")
    for chars, meaning in CODE_TYPES:
        out.append(f"\n  {chars:<8} {meaning}")
    out.append("\n\nDay summary lines (bold) total Billed, UCR, Paid, Adjust and Balance of a "
               "posted date with several lines.")
    return out


class HelpScreen(DeskModal[None]):
    """Keys of the current screen and the ledger card legend."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark,q", "close", "Close", show=False, id="help.close"),
    ]

    def __init__(self, over: Screen) -> None:
        super().__init__()
        self.keys = screen_keys(over)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Text("Help"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(keys_text(self.keys), id="help-keys")
                yield Static(legend_text(), id="help-legend")
            yield Static(Text("Esc close · Up/Down scroll · Ctrl+P all commands"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
