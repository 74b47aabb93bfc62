"""The footer of every full screen: the keys of the screen that fit the terminal's width.

Textual's own Footer lays every shown key on one line and cuts what does not fit, so at 80
columns most of the account's keys were never seen. `KeyBar` fits whole keys only: keys
with the same `Binding.Group` share one label (``P y a c i Post``), the rest goes to further
pages, and ``F2 More`` (the app's ``app.more_keys`` binding) turns the page. ``F1 Help``
(every key of the screen, `tui.screens.help`) is always on the right, so help is reachable
with the key the footer shows, even while a text box has the focus.

The screen's own keys come first, then the focused widget's (the ledger card's, a table's),
then the app's. A screen gets it by yielding ``KeyBar()`` where it would yield Textual's ``Footer()``
(a test refuses the stock Footer in `tui/`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

GAP = 2           # cells between two keys
PALETTE_FROM = 100  # terminals at least this wide also show the palette key


@dataclass(frozen=True)
class FooterItem:
    """One place on the footer: its keys (as displayed), what they do, the key to simulate."""
    keys: tuple[str, ...]
    description: str
    press: str

    @property
    def width(self) -> int:
        return cell_len(" ".join(self.keys)) + (1 + cell_len(self.description)
                                                if self.description else 0)


def footer_items(bindings: Iterable[Binding], key_display) -> list[FooterItem]:
    """Shown bindings as footer items: one per action, bindings of one group together."""
    items: list[FooterItem] = []
    seen: set[str] = set()
    group_at: dict[object, int] = {}
    for binding in bindings:
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        shown, press = key_display(binding), binding.key.split(",")[0].strip()
        group = binding.group
        if group is not None and group in group_at:
            at = group_at[group]
            old = items[at]
            items[at] = FooterItem((*old.keys, shown), old.description, old.press)
            continue
        if group is not None:
            group_at[group] = len(items)
            items.append(FooterItem((shown,), group.description, press))
        else:
            items.append(FooterItem((shown,), binding.description, press))
    return items


def pages(items: list[FooterItem], room: int) -> list[list[FooterItem]]:
    """Items cut into pages of whole items, each at most ``room`` cells wide."""
    out: list[list[FooterItem]] = [[]]
    used = 0
    for item in items:
        need = item.width + (GAP if out[-1] else 0)
        if out[-1] and used + need > room:
            out.append([])
            used, need = 0, item.width
        out[-1].append(item)
        used += need
    return out


class KeyBar(Widget):
    """One line of keys, paged to the width; F2 turns the page, F1 opens help."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        & > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-bar--description { color: $footer-description-foreground; }
    }
    """

    HELP = FooterItem(("F1",), "Help", "f1")
    MORE = FooterItem(("F2",), "More", "f2")
    PALETTE = FooterItem(("^p",), "Commands", "ctrl+p")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.page = 0
        self._spans: list[tuple[int, int, str]] = []  # (x0, x1, key) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    # --- what is shown --------------------------------------------------------------

    def items(self) -> list[FooterItem]:
        """Every item of the screen's shown bindings (help, more and palette are added apart)."""
        from textual.app import App
        from textual.screen import Screen

        def place(node) -> int:  # the screen's own keys first (the account: its postings)
            return 0 if isinstance(node, Screen) else 2 if isinstance(node, App) else 1
        active = sorted(self.screen.active_bindings.values(), key=lambda a: place(a.node))
        bindings = [a.binding for a in active if a.enabled  # a key that does nothing now: off
                    and a.binding.action not in ("help", "more_keys", "command_palette",
                                                "app.help", "app.more_keys")]
        return footer_items(bindings, self.app.get_key_display)

    def _right(self, width: int, paged: bool, count: int = 9) -> list[FooterItem]:
        # "F2 More 1/3": the page shown of how many (the width of 9/9 is kept for any count).
        right = [FooterItem(self.MORE.keys, f"More {self.page + 1}/{count}", self.MORE.press)
                 ] if paged else []
        right.append(self.HELP)
        if width >= PALETTE_FROM:
            right.append(self.PALETTE)
        return right

    def layout_pages(self, width: int | None = None) -> tuple[list[list[FooterItem]], list[FooterItem]]:
        """(pages of the screen's keys, the fixed items on the right) for ``width``."""
        width = self.size.width if width is None else width
        items = self.items()
        right = self._right(width, False)
        cut = pages(items, max(1, width - 1 - sum(i.width + GAP for i in right)))
        if len(cut) == 1:
            return cut, right
        room = width - 1 - sum(i.width + GAP for i in self._right(width, True))
        cut = pages(items, max(1, room))
        self.page = min(self.page, len(cut) - 1)
        return cut, self._right(width, True, len(cut))

    @property
    def page_count(self) -> int:
        return len(self.layout_pages()[0])

    def next_page(self) -> bool:
        """Show the next page of keys (back to the first after the last); False: one page."""
        count = self.page_count
        if count <= 1:
            return False
        self.page = (self.page + 1) % count
        self.refresh()
        return True

    def shown_text(self) -> str:
        """The line as drawn (tests)."""
        return "".join(segment.text for segment in self.render_line(0))

    # --- drawing --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        cut, right = self.layout_pages(width)
        key = base + self.get_component_rich_style("key-bar--key")
        text = base + self.get_component_rich_style("key-bar--description")
        segments: list[Segment] = [Segment(" ", base)]
        self._spans = []
        x = 1
        for item in cut[self.page]:
            x = self._item(segments, item, x, key, text, base)
        right_width = sum(i.width for i in right) + GAP * (len(right) - 1) + 1
        pad = max(GAP, width - x - right_width)
        segments.append(Segment(" " * pad, base))
        x += pad
        for n, item in enumerate(right):
            x = self._item(segments, item, x, key, text, base, gap=n > 0)
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _item(self, segments: list[Segment], item: FooterItem, x: int, key: Style,
              text: Style, base: Style, *, gap: bool = True) -> int:
        if gap and x > 1:
            segments.append(Segment(" " * GAP, base))
            x += GAP
        start = x
        segments.append(Segment(" ".join(item.keys), key))
        if item.description:
            segments.append(Segment(" " + item.description, text))
        x += item.width
        self._spans.append((start, x, item.press))
        return x

    def on_click(self, event: events.Click) -> None:
        for x0, x1, press in self._spans:
            if x0 <= event.x < x1:
                self.app.simulate_key(press)
                return
