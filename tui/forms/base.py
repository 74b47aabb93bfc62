"""What every posting form shares: the keys, labelled fields with their error next
to them, parsing what was typed, confirmation and the post itself.

A form builds an entry from its fields (`collect`), may ask before posting
(`confirmation`) and posts it through the `PostingDesk` (`post`). A field that
does not parse gets its error beside it and a notification; a refused posting
shows the desk's sentence; either way nothing is posted and the form stays
open. After a post: "Posted ..." is notified, the form closes and the app
reloads so the ledger card shows the new line at once.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static

from estimator.money import MoneyError, to_cents
from estimator.text import clean
from tui.forms.confirm import ConfirmScreen
from tui.forms.port import CreditRefused, PostingDesk, PostingRefused
from tui.screens.base import FOCUS_BINDINGS, after_typed_keys

if TYPE_CHECKING:
    from tui.screens.base import DeskApp


def field_row(label: str, widget: Widget, *, note: Text | None = None) -> Horizontal:
    """``Label  [widget]  error`` on one line (``note``: a grey remark before the error)."""
    parts: list[Widget] = [Label(Text(label), classes="field-label"), widget]
    if note is not None:
        parts.append(Static(note, id=f"{widget.id}-note", classes="field-note"))
    parts.append(Static(Text(""), id=f"{widget.id}-error", classes="field-error"))
    return Horizontal(*parts, classes="field")


def text_box(field_id: str, value: str = "", *, placeholder: str = "",
             classes: str = "w-text") -> Input:
    return Input(value, placeholder=placeholder, id=field_id, classes=classes, compact=True)


def or_none(text: str) -> str | None:
    """Typed text, trimmed; blank is None."""
    return text.strip() or None


class FormScreen(ModalScreen[None], inherit_bindings=False):
    """A posting form over the account: Tab / Shift+Tab between fields, Enter or
    Ctrl+S posts, Esc cancels."""

    CSS_PATH = "forms.tcss"
    FORM_TITLE: ClassVar[str] = "Form"
    NEEDS_PATIENT: ClassVar[bool] = True  # False: a form of the office (a check for many)
    HINT: ClassVar[str] = "Tab next field · Enter or Ctrl+S post · Esc cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("ctrl+s", "post", "Post", priority=True, id="form.post"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__()
        self.posting = posting
        self.patient_id = patient_id
        self.errors: dict[str, str] = {}
        self.labels: dict[str, str] = {}

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def today(self) -> date:
        return self.desk.clock().date()

    def patient_name(self) -> str:
        try:
            return self.desk.frontdesk.account(self.patient_id).summary.name
        except (KeyError, AttributeError):
            return str(self.patient_id)

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-dialog", classes="form-dialog"):
            yield Static(self.title_text(), classes="form-title")
            if self.patient_id is not None or not self.NEEDS_PATIENT:
                yield from self.fields()
            yield Static(Text(""), id="form-error")
            yield Static(Text(self.HINT), classes="form-hint")
        yield Footer()  # covers the account's footer: only this form's keys work now

    def title_text(self) -> Text:
        if self.patient_id is None or not self.NEEDS_PATIENT:
            return Text(self.FORM_TITLE)
        return Text(f"{self.FORM_TITLE} · {clean(self.patient_name())}")

    def fields(self) -> ComposeResult:
        """The form's field rows, in Tab order."""
        yield from ()

    def field(self, label: str, widget: Widget, *, note: Text | None = None) -> Horizontal:
        self.labels[widget.id or ""] = label
        return field_row(label, widget, note=note)

    def on_mount(self) -> None:
        if self.patient_id is None and self.NEEDS_PATIENT:
            self.notify("Open a patient's account first.", severity="warning")
            self.dismiss(None)
            return
        for box in self.query(Input):
            box.cursor_blink = self.desk.config["cursor_blink"]
        self.prefill()
        self.focus_first()

    def prefill(self) -> None:
        """Fill defaults that need the mounted widgets."""

    def focus_first(self) -> None:
        focusable = [w for w in self.query("#form-dialog *") if w.focusable]
        if focusable:
            focusable[0].focus()

    # --- reading fields --------------------------------------------------------------

    def text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def money(self, field_id: str, *, required: bool = True, nonzero: bool = False,
              negative: bool = True) -> int | None:
        """Typed dollars as cents through the one parser (`to_cents`, which says what is
        wrong in one line); records an error and returns None if not."""
        raw = self.text(field_id).strip()
        if not raw:
            if required:
                self.error(field_id, "enter an amount")
            return None
        try:
            cents = to_cents(raw, signed=negative)
        except MoneyError as exc:
            self.error(field_id, "cannot be negative" if str(exc).endswith("0 or more")
                       else str(exc))
            return None
        if nonzero and cents == 0:
            self.error(field_id, "must not be 0.00")
        return cents

    def day(self, field_id: str) -> date | None:
        raw = self.text(field_id).strip()
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.error(field_id, "a date: YYYY-MM-DD")
            return None

    # --- errors ----------------------------------------------------------------------

    def error(self, field_id: str, message: str) -> None:
        self.errors.setdefault(field_id, message)

    def clear_errors(self) -> None:
        self.errors.clear()
        for box in self.query(".field-error"):
            box.update(Text(""))
        self.query_one("#form-error", Static).update(Text(""))

    def show_errors(self) -> None:
        for field_id, message in self.errors.items():
            found = self.query(f"#{field_id}-error")
            if found:
                found.first(Static).update(Text(clean(message)))
        field_id, message = next(iter(self.errors.items()))
        label = self.labels.get(field_id, field_id)
        self.notify(f"{label}: {message}", title="Not posted", severity="error", markup=False)
        found = self.query(f"#{field_id}")
        if found and found.first().focusable:
            found.first().focus()

    # --- posting ---------------------------------------------------------------------

    def collect(self) -> Any:
        """The entry to post, or None after recording errors."""
        raise NotImplementedError

    def confirmation(self, entry: Any) -> tuple[str, Text, bool] | None:
        """(title, message, warning) to ask before posting; None posts at once."""
        return None

    def post(self, entry: Any) -> str:
        """Post through the desk; returns the "Posted ..." message."""
        raise NotImplementedError

    def action_post(self) -> None:
        after_typed_keys(self, self.submit)  # Ctrl+S is a priority binding: after the amount

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        self.clear_errors()
        entry = self.collect()
        if self.errors or entry is None:
            if self.errors:
                self.show_errors()
            return
        question = self.confirmation(entry)
        if question is None:
            self.post_now(entry)
            return
        title, message, warning = question

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_now(entry)

        self.app.push_screen(ConfirmScreen(title, message, warning=warning), answered)

    def post_now(self, entry: Any) -> None:
        try:
            message = self.post(entry)
        except CreditRefused as exc:
            self.ask_credit(entry, str(exc))
            return
        except PostingRefused as exc:
            self.refused(str(exc))
            return
        self.notify(message, title="Posted", markup=False)
        self.dismiss(None)
        self.desk.refresh_data()

    def ask_credit(self, entry: Any, message: str) -> None:
        """The desk refused because the account would show a credit: say so, and post only
        when the user confirms (the entry again, with ``confirm_credit``)."""
        self.refused(message)
        if not hasattr(entry, "confirm_credit"):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_now(replace(entry, confirm_credit=True))

        self.app.push_screen(ConfirmScreen(
            "Post with a credit?",
            Text(f"{clean(message)}.\n\nThe account will show a credit. Post it anyway?"),
            yes="Post with a credit", warning=True), answered)

    def refused(self, message: str) -> None:
        """The desk's refusal: on the form and as a notification; the form stays open."""
        self.query_one("#form-error", Static).update(Text(clean(message)))
        self.notify(clean(message), title="Not posted", severity="error", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
