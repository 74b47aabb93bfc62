"""The posting forms: post procedure, patient payment, adjustment, ledger note,
appointment, create claim, enter insurance payment, and the claims list with its actions;
the ERA screen (an 835 file posted as one check per payment) and the ERA to finish list.

`register_all(app, desk)` wires every form to the app's posting hooks
(`DentLedgerApp.register_posting_form`), so the palette and the account keys
open them. ``desk`` is the `PostingDesk` the forms post through
(``store.desks.posting.DbPostingDesk`` over the database, a fake in tests).
`register_era(app, desk)` does the same for the ERA screens over an `EraDesk`
(``store.desks.era.DbEraDesk``).

May import: `tui.screens`, `tui.widgets`, `tui.ports`, `estimator`; never `tui.app` (the forms
name the app as `tui.screens.base.DeskApp`).
"""
from __future__ import annotations

from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, Callable

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from estimator.ledger_types import CardRow
    from tui.forms.port import PostingDesk
    from tui.screens.base import DeskApp

# kind (tui.commands.POSTING_FORMS, plus "claims") -> "module:class" of the screen it opens.
# Named, not imported: a form's module loads when it is first opened, so the app's first
# screen does not wait for every form.
FORMS: dict[str, str] = {
    "procedure": "tui.forms.procedure:ProcedureForm",
    "patient_payment": "tui.forms.payment:PaymentForm",
    "insurance_payment": "tui.forms.insurance:InsurancePaymentForm",
    "insurance_check": "tui.forms.insurance_check:InsuranceCheckForm",
    "adjustment": "tui.forms.adjustment:AdjustmentForm",
    "ledger_note": "tui.forms.chart_records:NoteForm",
    "appointment": "tui.forms.chart_records:AppointmentForm",
    "claim": "tui.forms.claim:CreateClaimForm",
    "claims": "tui.forms.claims:ClaimsScreen",
    # the visit (issue 14): registration, the treatment plan; they need a VisitDesk
    "patient": "tui.forms.patient:RegisterPatientForm",
    "patient_edit": "tui.forms.patient:EditPatientForm",
    "patient_move": "tui.forms.family:MovePatientForm",
    "treatment_plan": "tui.forms.treatment_plan:TreatmentPlanScreen",
}


# The ERA screens (kinds "era" and "era_finish" in tui.commands.POSTING_FORMS), over an EraDesk.
ERA_SCREENS: dict[str, str] = {
    "era": "tui.forms.era:EraScreen",
    "era_finish": "tui.forms.era:EraFinishScreen",
}


def form_class(kind: str) -> Callable[[PostingDesk, "str | None"], Screen]:
    """The screen class of form ``kind`` (imported on first use)."""
    module, _, name = FORMS[kind].partition(":")
    return getattr(import_module(module), name)


class Unavailable(ModalScreen[None], inherit_bindings=False):
    """What a factory returns when the desk could not read what the form needs: it says
    why and closes at once (the app expects a screen to push)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def on_mount(self) -> None:
        self.notify(self.message, title="Cannot open", severity="error", markup=False)
        self.dismiss(None)


def register_all(app: DeskApp, desk: PostingDesk) -> None:
    """Register every form factory ``(app, patient_id) -> Screen`` on ``app``; ``desk`` also
    serves what is posted from the ledger card itself (reversing a line)."""
    app.posting_desk = desk
    app.offer_reversal = partial(_offer_reversal, app)
    app.correct_procedure = partial(_correct_procedure, app)
    for kind in FORMS:
        app.register_posting_form(kind, _factory(desk, kind))


def _offer_reversal(app: DeskApp, patient_id: str, row: CardRow) -> None:
    from tui.forms.reverse import offer_reversal  # the forms load when first used
    offer_reversal(app, patient_id, row)


def _correct_procedure(app: DeskApp, patient_id: str, row: CardRow | None, kind: str) -> None:
    """A correction of the procedure under the card's cursor (``kind`` of
    `tui.forms.corrections.CORRECTIONS`), or "complete" planned work picked from a list."""
    from tui.forms import corrections  # the forms load when first used
    if kind == "complete":
        corrections.open_complete(app, patient_id)
    else:
        corrections.open_correction(app, patient_id, row, kind)


def _factory(desk: PostingDesk, kind: str) -> Callable[[DeskApp, "str | None"], Screen]:
    def open_form(_app: DeskApp, patient_id: str | None) -> Screen:
        from tui.forms.port import PostingRefused
        try:
            return form_class(kind)(desk, patient_id)
        except PostingRefused as exc:
            return Unavailable(str(exc))
    return open_form


def register_era(app: DeskApp, desk: object) -> None:
    """Wire the ERA screen and the ERA to finish list over ``desk`` (a
    `tui.forms.era_port.EraDesk`); they load when first opened."""
    app.era_desk = desk  # type: ignore[attr-defined]
    for kind, where in ERA_SCREENS.items():
        module, _, name = where.partition(":")

        def open_screen(_app: DeskApp, _patient: str | None, module=module, name=name) -> Screen:
            return getattr(import_module(module), name)(desk)
        app.register_posting_form(kind, open_screen)
