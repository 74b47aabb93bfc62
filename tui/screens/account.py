"""A patient's account: header, the ledger card, totals."""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from estimator.text import clean
from tui.ports import AccountView
from tui.screens.base import DeskScreen
from tui.screens.date_filter import DateFilterScreen
from tui.screens.line_detail import LineDetailScreen
from tui.widgets.account_header import header_text, totals_text
from tui.widgets.ledger_card import LedgerCard


WIDE = 140  # columns from which the header packs into fewer lines


class AccountScreen(DeskScreen):
    """The account of one patient; family members switch in place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Find patient", id="account.back"),
        Binding("full_stop", "next_member", "Next in family", key_display=".",
                id="account.next_member"),
        Binding("comma", "previous_member", "Prev in family", key_display=",",
                id="account.previous_member"),
        # Posting forms (tui/forms): shown only once the app has them registered.
        Binding("P", "post('procedure')", "Procedure", id="account.post_procedure"),
        Binding("y,dollar_sign", "post('patient_payment')", "Payment", key_display="y",
                id="account.post_payment"),
        Binding("a", "post('adjustment')", "Adjust", id="account.post_adjustment"),
        Binding("c", "post('claim')", "Claim", id="account.create_claim"),
        Binding("i", "post('insurance_payment')", "Ins pay", id="account.insurance_payment"),
        Binding("l", "post('claims')", "Claims", id="account.claims"),
        # Off the footer (it is full at 80 columns); help and the palette list them.
        Binding("N", "post('ledger_note')", "Ledger note", show=False, id="account.ledger_note"),
        Binding("A", "post('appointment')", "Appointment", show=False,
                id="account.appointment"),
        Binding("I", "post('insurance_check')", "Insurance check", show=False,
                id="account.insurance_check"),
        Binding("R", "reverse_line", "Reverse line", show=False, id="account.reverse_line"),
        # The visit (tui/forms: patient, treatment_plan, corrections); off the footer too.
        Binding("e", "post('patient_edit')", "Edit patient", show=False,
                id="account.edit_patient"),
        Binding("M", "post('patient_move')", "Move to another family", show=False,
                id="account.move_patient"),
        Binding("t", "post('treatment_plan')", "Treatment plan", show=False,
                id="account.treatment_plan"),
        Binding("v", "coverage", "Coverage", show=False, id="account.coverage"),
        Binding("F", "correct('fee')", "Procedure fee", show=False, id="account.procedure_fee"),
        Binding("D", "correct('date')", "Procedure date or provider", show=False,
                id="account.procedure_date"),
        Binding("X", "correct('delete')", "Delete procedure", show=False,
                id="account.procedure_delete"),
        Binding("O", "correct('override')", "Override estimate", show=False,
                id="account.procedure_override"),
        Binding("B", "correct('no_bill')", "Do not bill", show=False,
                id="account.procedure_no_bill"),
        Binding("U", "correct('preauth')", "Pre-authorization", show=False,
                id="account.procedure_preauth"),
        Binding("K", "correct('complete')", "Complete planned work", show=False,
                id="account.complete_planned"),
        Binding("w", "walkout", "Walk-out statement", show=False, id="account.walkout"),
    ]

    def __init__(self, patient_id: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.view: AccountView | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="account-header")
        yield LedgerCard(self.frontdesk, id="ledger-card")
        yield Static(Text(""), id="account-totals")
        yield Footer()

    @property
    def card(self) -> LedgerCard:
        return self.query_one(LedgerCard)

    def on_mount(self) -> None:
        self.show_patient(self.patient_id)
        self.card.focus()

    def current_patient(self) -> str | None:
        return self.patient_id

    def show_patient(self, patient_id: str, *, keep_position: bool = False) -> None:
        """Load ``patient_id``'s account (keep_position: same card after a refresh)."""
        try:
            view = self.frontdesk.account(patient_id)
        except KeyError:
            self.notify(f"No patient {clean(patient_id)}.", severity="error", markup=False)
            return
        opened = patient_id != self.patient_id or self.view is None
        self.patient_id, self.view = patient_id, view
        self._draw_header()
        self.card.load(patient_id, view.columns, view.row_count, keep_position=keep_position)
        if opened and not keep_position:  # audited once the card is on screen
            self.call_after_refresh(self._viewed, patient_id)

    def _viewed(self, patient_id: str) -> None:
        viewed = getattr(self.frontdesk, "viewed", None)  # optional part of the port
        if callable(viewed):
            viewed(patient_id)

    def _draw_header(self) -> None:
        if self.view is not None:
            wide = self.size.width >= WIDE
            self.query_one("#account-header", Static).update(header_text(self.view, wide=wide))
            totals = totals_text(self.view.totals, wide=wide)
            self.query_one("#account-totals", Static).update(totals)

    def on_resize(self) -> None:
        self._draw_header()

    def reload(self) -> None:
        self.show_patient(self.patient_id, keep_position=True)

    # --- keys -----------------------------------------------------------------

    def action_back(self) -> None:
        self.desk.action_find_patient()

    def _member(self, step: int) -> None:
        members = [m for m, _ in self.view.summary.members] if self.view else []
        if len(members) > 1 and self.patient_id in members:
            i = (members.index(self.patient_id) + step) % len(members)
            self.show_patient(members[i])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "post":  # hide the keys of forms the app does not have, or the role lacks
            kind = str(parameters[0])
            return kind in self.desk.posting_forms and not self.desk.refusal(kind)
        if action == "reverse_line":
            return self.desk.offer_reversal is not None and not self.desk.refusal("reversal")
        if action == "correct":
            return getattr(self.desk, "correct_procedure", None) is not None
        if action == "coverage":
            return getattr(self.desk, "open_coverage", None) is not None
        if action == "walkout":
            return self.desk.config.get("statements") is not None
        return True

    def action_post(self, kind: str) -> None:
        self.desk.action_posting_form(kind)

    def action_reverse_line(self) -> None:
        refusal = self.desk.refusal("reversal")
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
            return
        row = self.card.cursor_row
        if row is None or not row.ref:
            self.notify("Put the cursor on a payment or an adjustment first.", severity="warning")
            return
        if self.desk.offer_reversal is not None:  # wired with the posting forms
            self.desk.offer_reversal(self.patient_id, row)

    def action_correct(self, kind: str) -> None:
        """A correction of the procedure under the card's cursor (wired with the forms)."""
        if self.desk.correct_procedure is not None:
            self.desk.correct_procedure(self.patient_id, self.card.cursor_row, kind)

    def action_coverage(self) -> None:
        opener = getattr(self.desk, "open_coverage", None)  # wired with the set-up screens
        if opener is not None:
            opener(self.patient_id)

    def action_walkout(self) -> None:
        from tui.screens.walkout import open_walkout  # loaded when first asked for
        open_walkout(self.app, self.patient_id)

    def action_next_member(self) -> None:
        self._member(1)

    def action_previous_member(self) -> None:
        self._member(-1)

    # --- from the card --------------------------------------------------------

    @on(LedgerCard.LineSelected)
    def _open_line(self, event: LedgerCard.LineSelected) -> None:
        try:
            detail = self.frontdesk.line_detail(self.patient_id, event.row.ref)
        except KeyError:  # posted over at another terminal since the card was drawn
            self.notify("That line is no longer on the card.", severity="warning")
            self.reload()
            return
        self.app.push_screen(LineDetailScreen(detail))

    @on(LedgerCard.FilterRequested)
    def _ask_dates(self, event: LedgerCard.FilterRequested) -> None:
        card = event.card
        start, end = card.date_filter

        def apply(result: tuple[date | None, date | None] | None) -> None:
            if result is not None:
                card.set_date_filter(*result)

        today = self.desk.clock().date()
        self.app.push_screen(DateFilterScreen(start, end, today=today), apply)
