"""What the posting forms need from the rest of DentLedger: the `PostingDesk` port.

The forms only collect and present. Every write goes through this Protocol,
implemented over the database by ``store.desks.posting.DbPostingDesk`` (which
wraps ``store.services``) and in memory by the tests. A refused posting raises
`PostingRefused` with one sentence to show; nothing is written then. Money is
integer cents both ways: the forms parse what is typed with
``estimator.money.to_cents`` and format with ``fmt`` / ``fmt_grouped``.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol, Sequence, runtime_checkable

from estimator.posting_views import (
    AdjustmentCodeInfo, AdjustmentEntry, AppointmentEntry, ClaimInfo, ClaimLineInfo, CodeInfo,
    CoverageInfo, CreditRefused, EobEntry, InsurancePaymentEntry, NoteEntry, PaymentEntry,
    PostingRefused,
    ProcedureEntry, ProcedureInfo, ProviderInfo, ReversalInfo,
)

__all__ = [
    "AdjustmentCodeInfo", "AdjustmentEntry", "AppointmentEntry", "ClaimInfo", "ClaimLineInfo",
    "CodeInfo", "CoverageInfo", "CreditRefused", "EobEntry", "InsurancePaymentEntry", "NoteEntry", "PaymentEntry",
    "PostingDesk", "PostingRefused", "ProcedureEntry", "ProcedureInfo", "ProviderInfo",
    "ReversalInfo",
]


@runtime_checkable
class PostingDesk(Protocol):
    """Read-backs and writers for the posting forms; calls are short and synchronous
    (UI thread). ``patient_id`` is the id the screens use (`FrontDesk`)."""

    # --- pick lists -------------------------------------------------------------
    def codes(self) -> Sequence[CodeInfo]:
        """Every procedure code with its description, by code."""
        ...

    def providers(self) -> Sequence[ProviderInfo]:
        ...

    def default_provider(self, patient_id: str) -> str | None:
        """The provider a new procedure gets when none is chosen (None: must choose)."""
        ...

    def office_fee(self, provider: str, code: str) -> int | None:
        """The provider's office fee for ``code`` (cents per unit); None = no fee on file."""
        ...

    def adjustment_codes(self) -> Sequence[AdjustmentCodeInfo]:
        ...

    def coverage(self, patient_id: str) -> Sequence[CoverageInfo]:
        """The plans covering the patient, primary first."""
        ...

    # --- the patient's work and claims ------------------------------------------
    def procedures(self, patient_id: str) -> Sequence[ProcedureInfo]:
        """Completed work, oldest first, with the patient balance left on each."""
        ...

    def unbilled(self, patient_id: str) -> Sequence[ProcedureInfo]:
        """Completed work never put on a claim."""
        ...

    def claims(self, patient_id: str) -> Sequence[ClaimInfo]:
        """The patient's claims (with lines), newest first."""
        ...

    def claim(self, claim_key: str) -> ClaimInfo:
        ...

    def carriers_owing(self) -> Sequence[tuple[str, str]]:
        """(carrier key, name) of the carriers with claims waiting for a check."""
        ...

    def waiting_claims(self, carrier_key: str) -> Sequence[ClaimInfo]:
        """That carrier's claims waiting for a check, any patient (`ClaimInfo.patient`),
        oldest sent first."""
        ...

    # --- postings (each raises PostingRefused and writes nothing on refusal) ------
    def post_procedure(self, patient_id: str, entry: ProcedureEntry) -> str:
        ...

    def post_payment(self, patient_id: str, entry: PaymentEntry) -> str:
        ...

    def post_adjustment(self, patient_id: str, entry: AdjustmentEntry) -> str:
        ...

    def add_ledger_note(self, patient_id: str, entry: NoteEntry) -> str:
        ...

    def record_appointment(self, patient_id: str, entry: AppointmentEntry) -> str:
        ...

    def reversal(self, patient_id: str, ref: str) -> ReversalInfo:
        """What reversing the ledger-card line ``ref`` (`CardRow.ref`) would take back."""
        ...

    def reverse_line(self, patient_id: str, ref: str, day: date) -> str:
        """Post the reversing entry of that line, dated ``day``."""
        ...

    def create_claims(self, patient_id: str, procedures: Sequence[str], day: date) -> Sequence[str]:
        """Claims for the chosen procedures (secondary ones on hold); their labels."""
        ...

    def send_claim(self, claim_key: str, day: date) -> None:
        ...

    def set_claim_status(self, claim_key: str, status: str) -> None:
        ...

    def deny_line(self, claim_key: str, procedure_key: str, day: date,
                  remarks: str | None = None) -> None:
        """The carrier denied this procedure (received with a zero line; the rest of the
        claim stays open)."""
        ...

    def enter_insurance_payment(self, entry: InsurancePaymentEntry) -> str:
        ...
