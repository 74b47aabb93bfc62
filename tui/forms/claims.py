"""Claims of a patient: the list, the highlighted claim's lines with their estimates,
and what the front desk does to a claim: send, queue, set status, deny a line,
enter its payment. Sending and denying are confirmed first."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from estimator.money import fmt_grouped
from estimator.posting_views import SETTABLE_CLAIM_STATUSES
from estimator.text import clean
from tui.forms.confirm import ChoiceScreen, ConfirmScreen
from tui.forms.insurance import InsurancePaymentForm, line_label
from tui.forms.port import ClaimInfo, ClaimLineInfo, PostingDesk, PostingRefused
from tui.screens.base import FOCUS_BINDINGS

ORDER_NAMES = {0: "", 1: "Pri", 2: "Sec", 3: "Ter", 4: "Qua"}
CLAIM_COLUMNS = (("Claim", "left"), ("Carrier", "left"), ("Ins", "left"), ("Status", "left"),
                 ("Date", "left"), ("Sent", "left"), ("Ins est", "right"))
LINE_COLUMNS = (("Procedure", "left"), ("Date", "left"), ("Charge", "right"), ("Status", "left"),
                ("Ins est", "right"), ("W/O est", "right"), ("Ded est", "right"),
                ("Paid", "right"), ("W/O", "right"), ("Ded", "right"), ("Note", "left"))


def claim_cells(claim: ClaimInfo) -> list[Text]:
    sent = claim.sent_date.isoformat() if claim.sent_date else ""
    return [Text(clean(claim.label)), Text(clean(claim.carrier), overflow="ellipsis"),
            Text(ORDER_NAMES.get(claim.order, str(claim.order))), Text(claim.status),
            Text(claim.date.isoformat()), Text(sent),
            Text(fmt_grouped(claim.ins_est_total), justify="right")]


def line_cells(line: ClaimLineInfo) -> list[Text]:
    money = (line.charge,)
    after = (line.ins_est, line.writeoff_est, line.deductible_est, line.paid, line.writeoff,
             line.deductible_applied)
    return [Text(line_label(line)), Text(line.date.isoformat()),
            *(Text(fmt_grouped(c), justify="right") for c in money),
            Text(line.status.replace("_", " ")),
            *(Text(fmt_grouped(c), justify="right") for c in after),
            Text(clean(line.note))]


class ClaimsScreen(ModalScreen[None], inherit_bindings=False):
    """Up/Down pick a claim, Tab to its lines; s send, u queue, t status, x deny the
    line, i enter its payment, Esc close."""

    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("s", "send", "Send", id="claims.send"),
        Binding("u", "queue", "Queue", id="claims.queue"),
        Binding("t", "set_status", "Status", id="claims.status"),
        Binding("x", "deny", "Deny line", id="claims.deny"),
        Binding("i", "pay", "Enter payment", id="claims.pay"),
        Binding("E", "era", "ERA file", id="claims.era"),
        Binding("escape", "close", "Close", id="claims.close"),
    ]

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__()
        self.posting, self.patient_id = posting, patient_id
        self.claims: list[ClaimInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="claims-dialog", classes="form-dialog"):
            yield Static(Text(f"Claims · {clean(self.patient_name())}"), classes="form-title")
            yield DataTable(id="claims-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text(""), id="claims-lines-title", classes="form-text")
            yield DataTable(id="lines-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Tab claims/lines · s send · u queue · t status · x deny line · "
                              "i payment · E ERA file · Esc close"), classes="form-hint")
        yield Footer()

    def patient_name(self) -> str:
        try:
            frontdesk = self.app.frontdesk  # type: ignore[attr-defined]
            return frontdesk.account(self.patient_id).summary.name
        except (KeyError, AttributeError):
            return str(self.patient_id)

    def on_mount(self) -> None:
        if self.patient_id is None:
            self.notify("Open a patient's account first.", severity="warning")
            self.dismiss(None)
            return
        for table, columns in ((self.table, CLAIM_COLUMNS), (self.lines_table, LINE_COLUMNS)):
            for title, justify in columns:
                table.add_column(Text(title, justify=justify), key=title)
        self.reload()
        self.table.focus()

    @property
    def table(self) -> DataTable:
        return self.query_one("#claims-table", DataTable)

    @property
    def lines_table(self) -> DataTable:
        return self.query_one("#lines-table", DataTable)

    # --- data -----------------------------------------------------------------------

    def reload(self) -> None:
        """Called after an action here and by the app when anything was posted."""
        current = self.current()
        self.claims = list(self.posting.claims(self.patient_id))
        self.table.clear()
        for claim in self.claims:
            self.table.add_row(*claim_cells(claim), key=claim.key)
        keys = [c.key for c in self.claims]
        row = keys.index(current.key) if current and current.key in keys else 0
        if self.claims:
            self.table.move_cursor(row=row)
        self._show_lines()

    def current(self) -> ClaimInfo | None:
        row = self.table.cursor_row
        return self.claims[row] if 0 <= row < len(self.claims) else None

    def current_line(self) -> ClaimLineInfo | None:
        claim, row = self.current(), self.lines_table.cursor_row
        return claim.lines[row] if claim and 0 <= row < len(claim.lines) else None

    @on(DataTable.RowHighlighted, "#claims-table")
    def _claim_highlighted(self) -> None:
        self._show_lines()

    def _show_lines(self) -> None:
        claim = self.current()
        self.lines_table.clear()
        title = Text("No claims yet." if claim is None else f"Lines of claim {clean(claim.label)}")
        self.query_one("#claims-lines-title", Static).update(title)
        for line in claim.lines if claim else ():
            self.lines_table.add_row(*line_cells(line))

    # --- actions ----------------------------------------------------------------------

    def _do(self, what: str, call) -> None:
        try:
            call()
        except PostingRefused as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            return
        self.notify(what, title="Posted", markup=False)
        self.app.refresh_data()  # type: ignore[attr-defined]
        self.reload()

    def _ask(self, title: str, message: str, yes: str, then, *, warning: bool = False) -> None:
        def answered(ok: bool | None) -> None:
            if ok:
                then()
        self.app.push_screen(ConfirmScreen(title, Text(message), yes=yes, warning=warning),
                             answered)

    def _claim_or_warn(self) -> ClaimInfo | None:
        claim = self.current()
        if claim is None:
            self.notify("No claim selected.", severity="warning")
        return claim

    def _today(self):
        return self.app.clock().date()  # type: ignore[attr-defined]

    def action_send(self) -> None:
        claim = self._claim_or_warn()
        if claim is not None:
            label = clean(claim.label)
            self._ask("Send the claim?", f"Send claim {label} to {clean(claim.carrier)}, sent "
                      f"{self._today().isoformat()}?", "Send",
                      lambda: self._do(f"Posted: claim {label} sent.",
                                       lambda: self.posting.send_claim(claim.key, self._today())))

    def action_queue(self) -> None:
        claim = self._claim_or_warn()
        if claim is not None:
            self._do(f"Posted: claim {clean(claim.label)} queued.",
                     lambda: self.posting.set_claim_status(claim.key, "queued"))

    def action_set_status(self) -> None:
        claim = self._claim_or_warn()
        if claim is None:
            return

        def chosen(status: str | None) -> None:
            if not status or status == claim.status:
                return
            label = clean(claim.label)
            change = lambda: self._do(f"Posted: claim {label} is {status}.",  # noqa: E731
                                      lambda: self.posting.set_claim_status(claim.key, status))
            if status == "sent":
                self._ask("Mark the claim sent?", f"Mark claim {label} sent today?", "Send",
                          change)
            else:
                change()

        choices = [(s, s) for s in SETTABLE_CLAIM_STATUSES]
        self.app.push_screen(ChoiceScreen(f"Status of claim {clean(claim.label)}", choices),
                             chosen)

    def action_deny(self) -> None:
        claim, line = self.current(), self.current_line()
        if claim is None or line is None:
            self.notify("Pick a line of the claim (Tab to the lines).", severity="warning")
            return
        label, what = clean(claim.label), line_label(line)
        self._ask("Deny this line?", f"The carrier denied {what} on claim {label}. The line "
                  "is received with nothing paid on it (on a claim of its own when others stay "
                  "open); this cannot be undone.", "Deny",
                  lambda: self._do(f"Posted: {what} denied on claim {label}.",
                                   lambda: self.posting.deny_line(claim.key, line.procedure_key,
                                                                  self._today())),
                  warning=True)

    def action_pay(self) -> None:
        claim = self._claim_or_warn()
        if claim is not None and not claim.payable:
            self.notify(f"Claim {clean(claim.label)} is {claim.status}: it cannot be paid.",
                        severity="warning", markup=False)
        elif claim is not None:
            self.app.push_screen(InsurancePaymentForm(self.posting, self.patient_id, claim.key))

    def action_era(self) -> None:
        """The ERA screen: post a carrier's 835 file (any patients' claims)."""
        self.app.action_posting_form("era")  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)
