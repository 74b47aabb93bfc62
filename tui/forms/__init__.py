"""The posting forms: post procedure, patient payment, adjustment, create claim,
enter insurance payment, and the claims list with its actions.

`register_all(app, desk)` wires every form to the app's posting hooks
(`DentLedgerApp.register_posting_form`), so the palette and the account keys
open them. ``desk`` is the `PostingDesk` the forms post through
(``store.desk_services.DbPostingDesk`` over the database, a fake in tests).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual.screen import ModalScreen, Screen

from tui.forms.adjustment import AdjustmentForm
from tui.forms.claim import CreateClaimForm
from tui.forms.claims import ClaimsScreen
from tui.forms.insurance import InsurancePaymentForm
from tui.forms.payment import PaymentForm
from tui.forms.port import PostingDesk, PostingRefused
from tui.forms.procedure import ProcedureForm

if TYPE_CHECKING:
    from tui.app import DentLedgerApp

# kind (tui.commands.POSTING_FORMS, plus "claims") -> the screen it opens
FORMS: dict[str, Callable[[PostingDesk, "str | None"], Screen]] = {
    "procedure": ProcedureForm,
    "patient_payment": PaymentForm,
    "insurance_payment": InsurancePaymentForm,
    "adjustment": AdjustmentForm,
    "claim": CreateClaimForm,
    "claims": ClaimsScreen,
}


class Unavailable(ModalScreen[None], inherit_bindings=False):
    """What a factory returns when the desk could not read what the form needs: it says
    why and closes at once (the app expects a screen to push)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def on_mount(self) -> None:
        self.notify(self.message, title="Cannot open", severity="error", markup=False)
        self.dismiss(None)


def register_all(app: DentLedgerApp, desk: PostingDesk) -> None:
    """Register every form factory ``(app, patient_id) -> Screen`` on ``app``."""
    for kind, form in FORMS.items():
        app.register_posting_form(kind, _factory(desk, form))


def _factory(desk: PostingDesk, form) -> Callable[[DentLedgerApp, "str | None"], Screen]:
    def open_form(_app: DentLedgerApp, patient_id: str | None) -> Screen:
        try:
            return form(desk, patient_id)
        except PostingRefused as exc:
            return Unavailable(str(exc))
    return open_form
