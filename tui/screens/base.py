"""Screen bases: every binding has an id (so keymaps work), data through `app.frontdesk`."""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from tui.app import DentLedgerApp
    from tui.ports import FrontDesk

# Textual's own Screen bindings, given ids (we do not inherit the id-less originals).
FOCUS_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Focus next", show=False, id="screen.focus_next"),
    Binding("shift+tab", "app.focus_previous", "Focus previous", show=False,
            id="screen.focus_previous"),
    Binding("ctrl+c,super+c", "screen.copy_text", "Copy selected text", show=False,
            id="screen.copy_text"),
]

ResultType = TypeVar("ResultType")


class DeskScreen(Screen[None], inherit_bindings=False):
    """A full screen of the front desk app."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_BINDINGS

    @property
    def desk(self) -> DentLedgerApp:
        return self.app  # type: ignore[return-value]

    @property
    def frontdesk(self) -> FrontDesk:
        return self.desk.frontdesk

    def reload(self) -> None:
        """Called when the data changed (a posting here or at another terminal)."""


class DeskModal(ModalScreen[ResultType], inherit_bindings=False):
    """A dialog over the current screen; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("escape", "close", "Close", id="modal.close"),
    ]

    @property
    def desk(self) -> DentLedgerApp:
        return self.app  # type: ignore[return-value]

    def action_close(self) -> None:
        self.dismiss(None)
