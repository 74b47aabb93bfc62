"""The one command-palette provider: every screen's actions, searchable by name.

Each `DeskCommand` names an action and where it runs: on the app, on the
current screen (when it is of the named kind) or on the ledger card of the
current screen. Posting forms are listed in `POSTING_FORMS`; until the lead
registers a form with `DentLedgerApp.register_posting_form(kind, factory)`
they say "not available yet".
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

# Hook list: (kind, palette title). The kind is the key for register_posting_form.
POSTING_FORMS: tuple[tuple[str, str], ...] = (
    ("procedure", "Post procedure"),
    ("patient_payment", "Post patient payment"),
    ("insurance_payment", "Post insurance payment"),
    ("adjustment", "Post adjustment"),
    ("insurance_check", "Post insurance check paying several claims"),
    ("ledger_note", "Add ledger note"),
    ("claim", "Create claim"),
    ("appointment", "Record appointment (kept / cancelled / failed)"),
    ("era", "Post an ERA file (electronic remittance, X12 835)"),
    ("era_finish", "ERA to finish (claims an ERA paid that were not posted)"),
    ("patient", "Register a new patient"),
    ("patient_edit", "Edit the patient's registration (name, address, phones, inactive)"),
    ("patient_move", "Move the patient to another family"),
    ("treatment_plan", "Treatment plan"),
)


# The corrections of a procedure from the account's ledger card (tui/forms/corrections.py).
CORRECTION_COMMANDS: tuple[tuple[str, str], ...] = (
    ("fee", "edit the fee"), ("date", "change the date or provider"),
    ("delete", "delete unpaid work"), ("override", "override a plan's estimate"),
    ("no_bill", "do not bill a plan"), ("preauth", "create a pre-authorization"),
    ("complete", "complete planned work"),
)


def report_commands() -> tuple[tuple[str, str], ...]:
    """(report name, palette title): one entry per report, opening the Reports screen on it
    (tui/screens/reports.py). Read when the palette opens, not at start."""
    from estimator.report_table import REPORT_KINDS
    return tuple((k.name, f"Report: {k.title}") for k in REPORT_KINDS)


@dataclass(frozen=True)
class DeskCommand:
    title: str
    help: str
    action: str                 # a Textual action string, run on the target
    target: str = "app"         # "app", "screen" or "card" (the ledger card on the screen)
    screen: str | None = None   # only on screens of this class name
    callback: Callable[[], object] | None = None  # run instead of ``action`` (added at start)


COMMANDS: tuple[DeskCommand, ...] = (
    DeskCommand("Find patient", "Search patients by name, chart number or birthdate",
                "find_patient"),
    DeskCommand("Open account of current patient", "The ledger card of the patient in view",
                "open_current"),
    DeskCommand("Help: keys and legend", "Every key of this screen, code colours and markers",
                "help"),
    DeskCommand("Refresh", "Reload from the database now", "refresh_data"),
    DeskCommand("Ledger: next column group", "Main, Current, Original, Claim Status, Detail",
                "next_group", "card"),
    DeskCommand("Ledger: previous column group", "", "previous_group", "card"),
    DeskCommand("Ledger: next day", "Jump to the next posted date", "next_day", "card"),
    DeskCommand("Ledger: previous day", "Jump to the previous posted date", "previous_day", "card"),
    DeskCommand("Ledger: filter by posted dates", "Show only lines posted in a date range",
                "filter_dates", "card"),
    DeskCommand("Ledger: show/hide Detail columns", "Notes, check numbers, claim numbers...",
                "toggle_detail", "card"),
    DeskCommand("Ledger: open line", "The procedure, payment or claim of the line",
                "open_line", "card"),
    DeskCommand("Ledger: first line", "", "first_line", "card"),
    DeskCommand("Ledger: last line", "", "last_line", "card"),
    DeskCommand("Account: next family member", "", "next_member", "screen", "AccountScreen"),
    DeskCommand("Account: previous family member", "", "previous_member", "screen",
                "AccountScreen"),
    DeskCommand("Account: back to Find patient", "", "back", "screen", "AccountScreen"),
    DeskCommand("Statements: billing run", "Preview and send the statements of every family "
                "that owes (F7)", "statements"),
    DeskCommand("Account: walk-out statement of today's visit",
                "Today's work, insurance estimates and what was paid; write it as PDF or text",
                "walkout", "screen", "AccountScreen"),
    DeskCommand("Account: reverse the line under the cursor",
                "Post the negative of a patient payment or an adjustment, dated today",
                "reverse_line", "screen", "AccountScreen"),
    *(DeskCommand(title, "Posting form", f"posting_form('{kind}')") for kind, title in POSTING_FORMS),
    *(DeskCommand(f"Procedure: {title}", "The procedure under the ledger card's cursor",
                  f"correct('{kind}')", "screen", "AccountScreen")
      for kind, title in CORRECTION_COMMANDS),
    DeskCommand("Audit log", "Who did what, when and from where (admin)", "audit_log"),
    DeskCommand("Audit log: current patient", "Who opened or changed this patient's account",
                "audit_log(True)"),
    DeskCommand("Quit", "Leave DentLedger", "quit"),
)


def _open_report(app, name: str) -> None:
    from tui.screens.reports import open_report  # the screen imports nothing from here
    open_report(app, name)


class DeskCommands(Provider):
    """Palette entries for the screen the palette was opened over."""

    def _target(self, command: DeskCommand) -> DOMNode | None:
        if command.target == "app":
            return self.app
        if command.target == "screen":
            return self.screen if type(self.screen).__name__ == command.screen else None
        from tui.widgets.ledger_card import LedgerCard  # the card imports nothing from here
        return self.screen.query(LedgerCard).first() if self.screen.query(LedgerCard) else None

    def _available(self) -> Iterator[tuple[DeskCommand, Callable[[], object]]]:
        # Hook: commands added when the app starts (e.g. tui.setup.register_setup).
        for command in (*COMMANDS, *getattr(self.app, "extra_commands", ())):
            if command.callback is not None:
                yield command, command.callback
                continue
            target = self._target(command)
            if target is not None:
                yield command, partial(self.app.run_action, command.action, target)
        for name, title in report_commands():
            yield DeskCommand(title, "Office report", ""), partial(_open_report, self.app, name)

    async def discover(self) -> Hits:
        for command, run in self._available():
            yield DiscoveryHit(command.title, run, help=command.help or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, run in self._available():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), run, help=command.help or None)
