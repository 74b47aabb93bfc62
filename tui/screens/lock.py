"""The idle lock: after the configured idle time the desk hides every screen behind this one
and asks the user's password (or, with none set, to press Enter), re-reading who they are
first: a user disabled meanwhile cannot go on.

The screen runs no SQL: it asks a `SessionDesk` (``store.desks.session.DbSession``), injected
as ``config["session"]``. Without one (tests, fakes) Enter unlocks.
"""
from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from estimator.text import clean
from tui.screens.base import DeskScreen


@runtime_checkable
class SessionDesk(Protocol):
    """Who is at the desk and what they may do."""

    def who(self) -> tuple[str, str]:
        """(user name, role)."""
        ...

    def refusal(self, what: str) -> str | None:
        """Why the user may not do ``what`` (a posting form's kind, "reversal", "setup",
        "audit_log"), in the services' words; None if they may."""
        ...

    def has_password(self) -> bool:
        ...

    def still_allowed(self) -> str | None:
        """None when the user may go on (re-read from the database); else why not."""
        ...

    def check_password(self, password: str) -> bool:
        ...


class LockScreen(DeskScreen):
    """Covers the desk until the user proves who they are."""

    CSS_PATH = "lock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "unlock", "Unlock", id="lock.unlock"),
    ]

    def __init__(self, session: SessionDesk | None) -> None:
        super().__init__()
        self.session = session
        self.needs_password = bool(session and session.has_password())

    def compose(self) -> ComposeResult:
        user, role = self.session.who() if self.session else ("", "")
        with Vertical(id="lock-box"):
            yield Static(Text("DentLedger is locked"), id="lock-title")
            yield Static(Text(f"{clean(user)} ({clean(role)})" if user else ""), id="lock-user")
            if self.needs_password:
                yield Input(password=True, placeholder="password", id="lock-password")
                yield Static(Text("Type your password and press Enter."), id="lock-hint")
            else:
                yield Static(Text(f"Press Enter to continue as {clean(user)}."
                                  if user else "Press Enter to continue."), id="lock-hint")
            yield Static(Text(""), id="lock-message")

    def on_mount(self) -> None:
        if self.needs_password:
            self.query_one("#lock-password", Input).focus()

    def reload(self) -> None:
        """Data changed underneath: nothing of it shows here."""

    @on(Input.Submitted, "#lock-password")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_unlock()

    def action_unlock(self) -> None:
        if self.session is not None:
            problem = self.session.still_allowed()
            if problem:
                self._say(problem)
                self.app.exit(return_code=1, message=problem)
                return
            if self.needs_password:
                box = self.query_one("#lock-password", Input)
                typed, box.value = box.value, ""
                if not self.session.check_password(typed):
                    self._say("Wrong password.")
                    return
        self.dismiss()

    def _say(self, text: str) -> None:
        self.query_one("#lock-message", Static).update(Text(clean(text)))
