"""What the screens need from the rest of DentLedger: the `FrontDesk` port.

The TUI has no SQL and does no money arithmetic. Everything it shows comes
through this Protocol; the lead implements it over the database in
``store/desks/frontdesk.py`` and the tests implement it in memory
(``tests/tui/fakes.py``). Money is integer cents, formatted only with
``estimator.money.fmt`` / ``fmt_grouped``; text may hold anything a user typed
(markup brackets, control characters), the screens clean it before drawing.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol, Sequence, runtime_checkable

from estimator.ledger_types import CardRow
# The view types live in the core (estimator.views) so store and tui share them;
# re-exported here because they are part of this port.
from estimator.views import AccountView, DetailSection, LineDetail, PatientHit, PlanBenefit

__all__ = ["AccountView", "DetailSection", "FrontDesk", "LineDetail", "PatientHit", "PlanBenefit"]


@runtime_checkable
class FrontDesk(Protocol):
    """The data the screens read. Calls are short and synchronous.

    ``search`` runs on the event loop after a short typing pause (it must stay fast);
    every other method is called on the UI thread.
    """

    def search(self, text: str, limit: int = 50, *, inactive: bool = False) -> list[PatientHit]:
        """Patients matching ``text`` (name, id, birthdate...), best first; "" = first ``limit``.
        Inactive patients only when ``inactive``."""
        ...

    def account(self, patient_id: str) -> AccountView:
        """Header, totals and size of a patient's ledger card. KeyError if unknown."""
        ...

    def rows(self, patient_id: str, start: int, stop: int) -> Sequence[CardRow]:
        """Ledger card rows ``start:stop`` (clamped to the card). The card never asks for all rows."""
        ...

    def day_index(self, patient_id: str) -> Sequence[tuple[date, int]]:
        """(posted date, index of its first row), ascending: next/previous day and date filters."""
        ...

    def line_detail(self, patient_id: str, ref: str) -> LineDetail:
        """The line behind ``CardRow.ref``."""
        ...

    def revision(self) -> int:
        """Changes whenever anything is posted anywhere (SQLite data_version): reload when it moves."""
        ...
