"""Reverse a ledger-card line: R on a patient payment or an adjustment posts its negative,
dated today, after a confirmation. The line itself stays on the card (nothing posted is ever
edited away); insurance checks are taken back from their claim instead."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from estimator.ledger_types import CardRow
from estimator.money import fmt_grouped
from estimator.text import clean
from tui.forms.confirm import ConfirmScreen
from tui.forms.port import PostingRefused, ReversalInfo

if TYPE_CHECKING:
    from tui.screens.base import DeskApp


def offer_reversal(app: DeskApp, patient_id: str, row: CardRow) -> None:
    """Ask whether to reverse ``row`` of ``patient_id``'s card, then post it."""
    desk = app.posting_desk
    if desk is None:
        app.notify("Posting is not available here.", severity="warning")
        return
    try:
        info = desk.reversal(patient_id, row.ref)
    except PostingRefused as exc:
        app.notify(str(exc), title="Cannot reverse", severity="warning", markup=False)
        return
    today = app.clock().date()

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        try:
            desk.reverse_line(patient_id, info.ref, today)
        except PostingRefused as exc:
            app.notify(str(exc), title="Not posted", severity="error", markup=False)
            return
        app.notify(f"Posted {fmt_grouped(-info.amount)}, reversing the {info.what} of "
                   f"{info.date.isoformat()}.", title="Posted", markup=False)
        app.refresh_data()

    app.push_screen(ConfirmScreen("Reverse this line?", _message(info, today), yes="Reverse",
                                  warning=True), answered)


def _message(info: ReversalInfo, today) -> Text:
    message = Text()
    message.append(f"{info.what.capitalize()} {clean(info.label)} {fmt_grouped(info.amount)} "
                   f"of {info.date.isoformat()}\n", "bold")
    message.append(f"A reversing entry of {fmt_grouped(-info.amount)} is posted today, "
                   f"{today.isoformat()}; the {info.what} stays on the card.")
    return message
