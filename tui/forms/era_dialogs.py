"""The ERA screens' dialogs: editing one grid line (paid, write-off, deductible, denied,
remarks) and asking for one line of text (a claim number, a note)."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from era.review import LinePick
from estimator.money import MoneyError, fmt, to_cents
from estimator.text import clean
from tui.screens.base import FOCUS_BINDINGS, after_typed_keys

MONEY_BOXES = (("paid", "Paid"), ("writeoff", "Write-off"), ("deductible", "Deductible"))


class LineDialog(ModalScreen["LinePick | None"], inherit_bindings=False):
    """One grid line as the payer sent it, to correct before posting: Enter or Ctrl+S keeps
    it, Esc leaves it as it was."""

    CSS_PATH = "era.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("ctrl+s", "keep", "Keep", priority=True, id="era_line.keep"),
        Binding("escape", "cancel", "Cancel", id="era_line.cancel"),
    ]

    def __init__(self, title: str, line: LinePick, *, negative: bool = False) -> None:
        super().__init__()
        self.title_text, self.line, self.negative = title, line, negative

    def compose(self) -> ComposeResult:
        with Vertical(id="era-line-dialog", classes="era-dialog"):
            yield Static(Text(clean(self.title_text)), classes="era-dialog-title")
            for key, label in MONEY_BOXES:
                yield Horizontal(Label(Text(label), classes="era-field-label"),
                                 Input(fmt(getattr(self.line, key)), id=f"line-{key}",
                                       classes="era-money", compact=True),
                                 classes="era-field")
            yield Horizontal(Label(Text("Denied"), classes="era-field-label"),
                             Checkbox(Text("yes" if self.line.denied else "no"),
                                      self.line.denied, id="line-denied", compact=True),
                             classes="era-field")
            yield Horizontal(Label(Text("Remarks"), classes="era-field-label"),
                             Input(self.line.remarks or "", id="line-remarks", compact=True,
                                   classes="era-remarks"),
                             classes="era-field")
            yield Static(Text(""), id="line-error", classes="era-error")
            yield Static(Text("Tab fields · Enter or Ctrl+S keep · Esc cancel"),
                         classes="era-hint")

    def on_mount(self) -> None:
        self.query_one("#line-paid", Input).focus()

    @on(Checkbox.Changed, "#line-denied")
    def _denied(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = Text("yes" if event.value else "no")

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        after_typed_keys(self, self._keep)  # Ctrl+S is a priority binding: after the amounts

    def _keep(self) -> None:
        amounts = {}
        for key, label in MONEY_BOXES:
            raw = self.query_one(f"#line-{key}", Input).value.strip() or "0"
            try:
                amounts[key] = to_cents(raw)
            except MoneyError:
                return self._error(f"{label}: not an amount (e.g. 120.00)")
            if amounts[key] < 0 and not self.negative:
                return self._error(f"{label}: cannot be negative")
        remarks = self.query_one("#line-remarks", Input).value.strip() or None
        denied = self.query_one("#line-denied", Checkbox).value
        self.dismiss(LinePick(self.line.claim_key, self.line.procedure_key, amounts["paid"],
                              amounts["writeoff"], amounts["deductible"], denied, remarks))

    def _error(self, message: str) -> None:
        self.query_one("#line-error", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen["str | None"], inherit_bindings=False):
    """One line of text: Enter gives it, Esc gives nothing."""

    CSS_PATH = "era.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("escape", "cancel", "Cancel", id="era_prompt.cancel"),
    ]

    def __init__(self, title: str, question: str, *, placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.question, self.placeholder = title, question, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="era-prompt-dialog", classes="era-dialog"):
            yield Static(Text(clean(self.title_text)), classes="era-dialog-title")
            yield Static(Text(clean(self.question)))
            yield Input(placeholder=self.placeholder, id="prompt-text", compact=True)
            yield Static(Text("Enter: done · Esc: cancel"), classes="era-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt-text", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
