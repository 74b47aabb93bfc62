"""What the visit's forms need beyond posting: the `VisitDesk` port (the `PostingDesk` plus
registering patients, the treatment plan, correcting a procedure with an estimate preview, and
the claims a visit bills), implemented over the database by ``store.desks.visit.DbVisitDesk``.

The forms collect and present only: a preview is the estimator's, computed by the desk without
writing; a refusal raises `PostingRefused` with one sentence and nothing is written.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol, Sequence, runtime_checkable

from estimator.posting_views import ProcedureEntry
from estimator.visit_views import (
    ClaimCandidate, CoverageChoice, Correction, EstimatePreview, FamilyPlan, PatientChoice,
    PatientEntry, PatientRecord, PlannedLine, ProcedureView, TreatmentPlan,
)
from tui.forms.port import PostingDesk

__all__ = ["ClaimCandidate", "CoverageChoice", "Correction", "EstimatePreview", "FamilyPlan",
           "PatientChoice", "PatientEntry", "PatientRecord", "PlannedLine", "ProcedureView",
           "TreatmentPlan", "VisitDesk"]


@runtime_checkable
class VisitDesk(PostingDesk, Protocol):
    """Keys are the strings the desk hands out; ``patient_id`` as the screens name patients."""

    # --- registration ---------------------------------------------------------------
    def patient_record(self, patient_id: str) -> PatientRecord: ...

    def find_guarantors(self, text: str) -> Sequence[PatientChoice]:
        """Families to join: the guarantors of the patients ``text`` finds."""
        ...

    def family_plans(self, guarantor: str) -> Sequence[FamilyPlan]:
        """The plans subscribed by someone in that guarantor's family."""
        ...

    def duplicates(self, entry: PatientEntry,
                   patient_id: str | None = None) -> Sequence[PatientChoice]:
        """Other patients of the same name and birthdate (accents, case ignored)."""
        ...

    def register_patient(self, entry: PatientEntry, guarantor: str | None = None,
                         coverage: Sequence[CoverageChoice] = (), *,
                         duplicate_ok: bool = False) -> str:
        """Returns the new patient's id (as the screens name patients)."""
        ...

    def edit_patient(self, patient_id: str, entry: PatientEntry, *,
                     duplicate_ok: bool = False) -> None: ...

    def move_patient(self, patient_id: str, guarantor: str | None) -> None:
        """Into ``guarantor``'s family (None: their own); both families re-estimated."""
        ...

    # --- the treatment plan -------------------------------------------------------------
    def treatment_plan(self, patient_id: str) -> TreatmentPlan: ...

    def move_planned(self, procedure_key: str, step: int) -> None: ...

    # --- correcting a procedure ----------------------------------------------------------
    def procedure_key(self, patient_id: str, ref: str) -> str:
        """The procedure behind a ledger-card line (`CardRow.ref`)."""
        ...

    def procedure_view(self, procedure_key: str) -> ProcedureView: ...

    def preview(self, procedure_key: str, correction: Correction) -> EstimatePreview: ...

    def correct(self, procedure_key: str, correction: Correction) -> None: ...

    def preview_new(self, patient_id: str, entry: ProcedureEntry) -> EstimatePreview:
        """The estimate a procedure about to be posted would get."""
        ...

    def create_preauth(self, patient_id: str, procedure_keys: Sequence[str],
                       plan_key: str | None, day: date) -> str:
        """A pre-authorization (default: the primary plan); returns its label."""
        ...

    # --- billing the visit ---------------------------------------------------------------
    def claim_candidates(self, patient_id: str) -> Sequence[ClaimCandidate]:
        """Completed work never billed; today's billable work ticked."""
        ...
