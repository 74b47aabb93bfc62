"""The DentLedger front desk app.

`build_app` is the one way in: the caller hands it the data (`FrontDesk`),
settings and a clock, so tests run it on in-memory data at a fixed date.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, ClassVar, Mapping

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from estimator.text import clean
from tui.commands import POSTING_FORMS, DeskCommands
from tui.ports import FrontDesk
from tui.screens.find_patient import FindPatientScreen

# The account, help and every other screen are imported when first opened: the first
# screen (Find patient) paints sooner without them.

DEFAULT_CONFIG: Mapping[str, Any] = {
    "refresh_seconds": 2.0,   # how often to look for postings made at another terminal (0 = never)
    "search_debounce": 0.03,  # at most one search per this many seconds of typing
    "search_limit": 50,
    "keymap": {},             # binding id -> key(s), e.g. {"ledger.next_day": "j"}
    "theme": None,            # a Textual theme name
    "patient": None,          # open this patient's account at start
    "exit_after_first_paint": False,  # benchmarks: quit once the first screen is drawn
    "notice": None,           # a message to show once at start (e.g. "Created ... demo")
    "after_first_paint": None,  # callable(app), run once the first screen is drawn
    "cursor_blink": True,     # False for screenshots (a blinking cursor makes them flaky)
    "idle_lock_seconds": 600,  # lock the desk after this long without a key (0 = never)
    "session": None,          # a tui.screens.lock.SessionDesk: who is here, what they may do
    "audit_log": None,        # a tui.screens.audit_log.AuditLogPort (the palette's Audit log)
    "report_crash": None,     # callable(exception) -> one line naming the incident (cli.incidents)
}

# Actions still allowed while the desk is locked (tui.screens.lock).
WHILE_LOCKED = frozenset({"quit", "help_quit"})

# What the app shows for an unexpected error when no reporter is wired (tests, demos).
CRASH_LINE = "internal error ({kind})"


class Crash(Exception):
    """An unexpected error as the app shows it: one plain line (no traceback, no values)."""

    def __rich__(self) -> Text:  # an error with __rich__ is rendered so, not as a traceback
        return Text(f"DentLedger stopped: {self}", style="bold red")


# A posting form factory: (app, current patient id or None) -> the screen to push.
PostingForm = Callable[["DentLedgerApp", "str | None"], Screen]


class DentLedgerApp(App[None], inherit_bindings=False):
    """Find a patient, read the account and ledger card, open a line."""

    CSS_PATH = "app.tcss"
    TITLE = "DentLedger"
    COMMANDS: ClassVar = {DeskCommands}  # the one palette provider (tui/commands.py)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
        # show=False: the Footer already shows the palette key on its right.
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                id="app.command_palette"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("ctrl+f", "find_patient", "Find patient", show=False, id="app.find_patient"),
        Binding("f5", "refresh_data", "Refresh", show=False, id="app.refresh"),
        Binding("f6", "reports", "Reports", show=False, id="app.reports"),
        Binding("f2", "posting_form('patient')", "New patient", show=False,
                id="app.new_patient"),
        Binding("f7", "statements", "Statements", show=False, id="app.statements"),
    ]

    def __init__(self, frontdesk: FrontDesk, *, config: Mapping[str, Any] | None = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self.frontdesk = frontdesk
        self.config = {**DEFAULT_CONFIG, **(config or {})}
        self.clock = clock
        self.posting_forms: dict[str, PostingForm] = {}
        self.posting_desk: Any = None  # a tui.forms.port.PostingDesk once forms are wired
        self.offer_reversal: Callable[[str, Any], None] | None = None  # likewise (tui.forms)
        self.correct_procedure: Callable[[str, Any, str], None] | None = None  # likewise
        self._revision: int | None = None
        self._last_input = clock()
        self.locked = False
        self._crashes: list[Crash] = []

    # --- start --------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return FindPatientScreen()

    def on_mount(self) -> None:
        if self.config["theme"]:
            self.theme = self.config["theme"]
        if self.config["keymap"]:
            self.set_keymap(self.config["keymap"])
        self._revision = self.frontdesk.revision()
        if self.config["refresh_seconds"]:
            self.set_interval(self.config["refresh_seconds"], self.refresh_data)
        if self.config["idle_lock_seconds"]:
            self.set_interval(min(15.0, self.config["idle_lock_seconds"] / 4), self.lock_when_idle)
        if self.config["patient"]:
            self.open_account(self.config["patient"])
        if self.config["notice"]:
            self.notify(self.config["notice"], timeout=8)
        if self.config["exit_after_first_paint"]:
            self.call_after_refresh(self.exit)
        if self.config["after_first_paint"]:
            self.call_after_refresh(self.config["after_first_paint"], self)

    # --- who is here: roles and the idle lock ------------------------------------

    def refusal(self, what: str) -> str | None:
        """Why the user may not do ``what`` (a posting form's kind, "reversal", "setup",
        "audit_log"), in the services' words; None when they may (or nobody says)."""
        session = self.config.get("session")
        return session.refusal(what) if session is not None else None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp, events.Paste)):
            self._last_input = self.clock()
        await super().on_event(event)

    def lock_when_idle(self) -> None:
        """Lock once nobody has typed for ``idle_lock_seconds`` (the clock is injected)."""
        limit = self.config["idle_lock_seconds"]
        if limit and not self.locked and \
                (self.clock() - self._last_input).total_seconds() >= limit:
            self.lock()

    def lock(self) -> None:
        from tui.screens.lock import LockScreen

        def unlocked(_result: object) -> None:
            self.locked = False
            self._last_input = self.clock()

        self.locked = True
        self.push_screen(LockScreen(self.config.get("session")), unlocked)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.locked and action not in WHILE_LOCKED:
            return False
        return super().check_action(action, parameters)

    def action_audit_log(self, current_patient: bool = False) -> None:
        from tui.screens.audit_log import open_audit_log
        open_audit_log(self, self.current_patient() if current_patient else None)
    # --- crashes --------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Textual prints an unhandled error as rich's traceback with every frame's local
        variables (the open patient's name, amounts, notes). Show one line instead, with the
        incident the wired reporter logged without values; Textual still exits, status 1."""
        crash = Crash(clean(self._crash_line(error)))
        self._crashes.append(crash)
        super()._handle_exception(crash)  # has __rich__: Textual renders it, no traceback

    def _print_error_renderables(self) -> None:
        """Textual prints what it rendered at the screen's width: rich folds a long line, and
        the log's path with it. The first crash is printed whole on one line instead."""
        if not self._crashes:
            super()._print_error_renderables()
            return
        self.error_console.print(Text(f"DentLedger stopped: {self._crashes[0]}", style="bold red"),
                                 soft_wrap=True, highlight=False)
        self._crashes.clear()

    def _crash_line(self, error: BaseException) -> str:
        report = self.config.get("report_crash")
        if callable(report):
            try:
                return report(error)
            except Exception:  # noqa: BLE001 - reporting must not hide the first error
                pass
        return CRASH_LINE.format(kind=type(error).__name__)

    # --- navigation ---------------------------------------------------------

    def open_account(self, patient_id: str) -> None:
        """Show a patient's account (in place when an account is already open)."""
        from tui.screens.account import AccountScreen
        if isinstance(self.screen, AccountScreen):
            self.screen.show_patient(patient_id)
        else:
            self.push_screen(AccountScreen(patient_id))

    def current_patient(self) -> str | None:
        """The open account's patient, or the highlighted search result."""
        for screen in reversed(self.screen_stack):
            current = getattr(screen, "current_patient", None)  # Account, Find patient
            if callable(current):
                return current()
        return None

    def action_reports(self) -> None:
        if self.config.get("reports") is None:
            self.notify("Reports are not available here.", severity="warning")
            return
        from tui.screens.reports import open_report
        open_report(self)

    def action_statements(self) -> None:
        if self.config.get("statements") is None:
            self.notify("Statements are not available here.", severity="warning")
            return
        from tui.screens.statements import open_statements
        open_statements(self)

    def action_find_patient(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, FindPatientScreen):
            self.pop_screen()
        if isinstance(self.screen, FindPatientScreen):
            self.screen.focus_search()

    def action_open_current(self) -> None:
        patient = self.current_patient()
        if patient is None:
            self.notify("No patient selected.", severity="warning")
        else:
            self.open_account(patient)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- data changes -------------------------------------------------------

    def refresh_data(self, force: bool = False) -> None:
        """Reload open screens when the data changed (here or at another terminal).

        Posting forms call this after they post so the card updates at once.
        """
        revision = self.frontdesk.revision()
        if force or revision != self._revision:
            self._revision = revision
            for screen in self.screen_stack:
                reload = getattr(screen, "reload", None)
                if callable(reload):
                    reload()
            return
        idle = getattr(self.frontdesk, "idle", None)  # optional part of the port
        if callable(idle):
            warning = idle()
            if warning:
                self.notify(warning, severity="warning", markup=False)

    def action_refresh_data(self) -> None:
        self.refresh_data(force=True)

    # --- posting forms (hooks the lead wires) -------------------------------

    def register_posting_form(self, kind: str, factory: PostingForm) -> None:
        """Wire a posting form (kinds in tui.commands.POSTING_FORMS) to the palette."""
        self.posting_forms[kind] = factory

    def action_posting_form(self, kind: str) -> None:
        refusal = self.refusal(kind)
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
            return
        factory = self.posting_forms.get(kind)
        if factory is None:
            title = dict(POSTING_FORMS).get(kind, kind)
            self.notify(f"{title}: not available yet.", severity="warning", markup=False)
            return
        self.push_screen(factory(self, self.current_patient()))


def build_app(frontdesk: FrontDesk, *, config: dict | None = None,
              clock: Callable[[], datetime] | None = None,
              posting: Any = None) -> DentLedgerApp:
    """The app over ``frontdesk``; ``clock`` fixes "now" (tests, screenshots).

    ``posting`` (a `tui.forms.port.PostingDesk`, e.g. ``store.desks.posting.DbPostingDesk``
    on the same database) wires the posting forms; without it they say "not available yet".
    """
    app = DentLedgerApp(frontdesk, config=config, clock=clock or datetime.now)
    if posting is not None:
        from tui.forms import register_all
        register_all(app, posting)
    return app
