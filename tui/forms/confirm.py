"""Dialogs the forms open: a yes/no confirmation before anything irreversible, and a
pick-one list (a claim status)."""
from __future__ import annotations

from typing import ClassVar, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.base import FOCUS_BINDINGS


class ConfirmScreen(ModalScreen[bool], inherit_bindings=False):
    """Ask before posting money, sending a claim or denying a line: Enter / y confirms,
    Esc / n goes back to the form with nothing done."""

    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, message: Text, *, yes: str = "Post", warning: bool = False):
        super().__init__()
        self.title_text, self.message, self.yes, self.warning = title, message, yes, warning

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="form-dialog"):
            yield Static(Text(self.title_text), classes="form-title")
            yield Static(self.message, id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(Text(self.yes), id="confirm-yes", compact=True,
                             variant="error" if self.warning else "primary")
                yield Button(Text("Go back"), id="confirm-no", compact=True)
            yield Static(Text(f"Enter or y: {self.yes.lower()} · Esc or n: go back"),
                         classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen[str | None], inherit_bindings=False):
    """Pick one of a few values; Enter picks, Esc picks nothing."""

    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]]) -> None:
        """``choices``: (value, label)."""
        super().__init__()
        self.title_text, self.choices = title, list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog", classes="form-dialog"):
            yield Static(Text(self.title_text), classes="form-title")
            yield OptionList(*(Option(Text(label), id=value) for value, label in self.choices),
                             id="choice-list")
            yield Static(Text("Up/Down choose · Enter pick · Esc cancel"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
