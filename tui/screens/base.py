"""Screen bases: every binding has an id (so keymaps work), data through `app.frontdesk`.

`DeskApp` is what screens, forms and set-up screens use of the app: they name it instead of
importing `tui.app` (the app imports them, and forms register through it).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Protocol, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

if TYPE_CHECKING:
    from estimator.ledger_types import CardRow
    from tui.ports import FrontDesk


class DeskApp(Protocol):
    """The app as its screens see it (`tui.app.DentLedgerApp`, a Textual ``App``)."""

    frontdesk: FrontDesk
    config: dict[str, Any]
    clock: Callable[[], datetime]
    posting_forms: dict[str, Callable[[DeskApp, str | None], Screen]]
    posting_desk: Any  # a tui.forms.port.PostingDesk once the forms are wired
    offer_reversal: Callable[[str, CardRow], None] | None  # set with the posting forms
    correct_procedure: Callable[[str, CardRow | None, str], None] | None  # likewise

    def open_account(self, patient_id: str) -> None: ...
    def refusal(self, what: str) -> str | None: ...
    def current_patient(self) -> str | None: ...
    def refresh_data(self, force: bool = False) -> None: ...
    def register_posting_form(self, kind: str,
                              factory: Callable[[DeskApp, str | None], Screen]) -> None: ...
    def action_posting_form(self, kind: str) -> None: ...
    def action_find_patient(self) -> None: ...

# Textual's own Screen bindings, given ids (we do not inherit the id-less originals).
FOCUS_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Focus next", show=False, id="screen.focus_next"),
    Binding("shift+tab", "app.focus_previous", "Focus previous", show=False,
            id="screen.focus_previous"),
    Binding("ctrl+c,super+c", "screen.copy_text", "Copy selected text", show=False,
            id="screen.copy_text"),
]

ResultType = TypeVar("ResultType")


def after_typed_keys(screen: Screen, callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the focused box has taken every key typed before this one.

    A priority binding (Enter on Find patient, Ctrl+S in a form) runs when the app receives
    its key, while the keys typed just before it (a fast typist, a slow SSH link delivering
    a burst) still wait in the box's own queue: acting at once would read "12" of "123.45".
    The callback is queued behind them instead."""
    target = screen.app.focused or screen
    target.call_later(callback)


def steady_cursor(app: Any, event: events.DescendantFocus) -> None:
    """A focused text box blinks as the app's config says: not at all for screenshots, whose
    capture time would otherwise decide whether the cursor shows."""
    if isinstance(event.widget, Input):
        event.widget.cursor_blink = app.config.get("cursor_blink", True)


class DeskScreen(Screen[None], inherit_bindings=False):
    """A full screen of the front desk app."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_BINDINGS

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    @property
    def frontdesk(self) -> FrontDesk:
        return self.desk.frontdesk

    def reload(self) -> None:
        """Called when the data changed (a posting here or at another terminal)."""

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        steady_cursor(self.app, event)


class DeskModal(ModalScreen[ResultType], inherit_bindings=False):
    """A dialog over the current screen; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("escape", "close", "Close", id="modal.close"),
    ]

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def action_close(self) -> None:
        self.dismiss(None)

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        steady_cursor(self.app, event)
