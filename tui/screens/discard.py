"""Asking before typing is thrown away: Esc in a form with changes, Ctrl+Q with a form open."""
from __future__ import annotations

from typing import Callable, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from tui.screens.base import DeskModal


class DiscardDialog(DeskModal[bool]):
    """"Discard your changes?": y or Enter discards, n or Esc goes back to the form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Discard", id="discard.yes"),
        Binding("n", "answer(False)", "Keep editing", id="discard.no"),
    ]

    def __init__(self, what: str = "Discard your changes?") -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-dialog", classes="dialog"):
            yield Static(Text("Unsaved changes"), classes="dialog-title")
            yield Static(Text(self.what))
            yield Static(Text("y or Enter: discard · n or Esc: keep editing"),
                         classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_close(self) -> None:
        self.dismiss(False)


def unsaved(screen: Screen) -> bool:
    """Whether ``screen`` has fields changed since they were filled (`ChangesGuard`)."""
    check = getattr(screen, "has_unsaved_changes", None)
    return bool(callable(check) and check())


def ask_discard(screen: Screen, then: Callable[[], object], what: str = "Discard your changes?"
                ) -> None:
    """Run ``then`` at once when ``screen`` has no unsaved changes, else after a yes."""
    if not unsaved(screen):
        then()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    screen.app.push_screen(DiscardDialog(what), answered)
