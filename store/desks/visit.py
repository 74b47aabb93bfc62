"""The visit's adapter over the database: the posting desk plus registering and editing
patients, the treatment plan, correcting a procedure (with the estimator's preview of the
change) and the claims a visit bills (the TUI's `VisitDesk` port, ``tui/forms/visit_port.py``).

Writes go through `store.services` (one transaction, audit row and re-estimation each); a
refusal comes back as `PostingRefused` with the service's sentence. Keys handed to the forms
are database ids as text (patients: as the screens name them).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date
from typing import Iterator, Sequence

from estimator import model as m
from estimator.posting_views import PostingRefused, ProcedureEntry
from estimator.visit_views import (
    ClaimCandidate, CoverageChoice, Correction, EstimatePreview, FamilyPlan, LineTerms,
    PatientChoice, PatientEntry, PatientRecord, ProcedureView, TreatmentPlan,
)

from .. import services
from ..connection import StoreError
from ..family.ids import IdMap
from ..read import estimate_preview, registration
from ..read.patients import patient_id_of, possible_duplicates
from ..read.treatment_plan import treatment_plan
from ..services import estimate_terms, lookup, procedures, treatment_plans
from .posting import DbPostingDesk

_LINES = (
    "SELECT cp.plan_id, cp.coverage_order, ca.name, cp.status, cp.claim_id IS NOT NULL, "
    "cp.no_bill, cp.ins_est_cents, cp.writeoff_est_cents, cp.deductible_est_cents, cp.percent, "
    "cp.allowed_cents, cp.override_percent, cp.override_allowed_cents, "
    "cp.override_ins_est_cents, cp.override_writeoff_est_cents, cp.override_deductible_cents "
    "FROM claim_proc cp JOIN plan pl ON pl.id = cp.plan_id JOIN carrier ca ON ca.id = "
    "pl.carrier_id WHERE cp.procedure_id = ? ORDER BY cp.coverage_order = 0, cp.coverage_order")
_CANDIDATE_LINES = (
    "SELECT cp.procedure_id, cp.no_bill, cp.note FROM claim_proc cp JOIN plan pl "
    "ON pl.id = cp.plan_id WHERE cp.procedure_id IN (SELECT id FROM procedure WHERE "
    "patient_id = ?) AND cp.claim_id IS NULL AND pl.type != 'capitation'")


@contextmanager
def _refusals() -> Iterator[None]:
    """A service's refusal, in the port's words (the TUI never imports the store)."""
    try:
        yield
    except services.ServiceError as exc:
        raise PostingRefused(str(exc)) from None


class DbVisitDesk(DbPostingDesk):
    """Implements `tui.forms.visit_port.VisitDesk` over one open database."""

    def _patient(self, patient_id: str) -> int:
        found = patient_id_of(self.db, patient_id)
        if found is None:
            raise PostingRefused(f"there is no patient {patient_id!r}")
        return found

    def today(self) -> date:
        return (self.now() if self.now else services.clock()).date()

    def _key(self, db_id: int) -> str:
        """A patient's key as Find patient hands it (file id, else database id)."""
        row = self._rows("SELECT file_id FROM patient WHERE id = ?", (db_id,))
        return (row[0][0] if row else None) or str(db_id)

    # --- registration ----------------------------------------------------------------

    def patient_record(self, patient_id: str) -> PatientRecord:
        db_id = self._patient(patient_id)
        head, members = registration.family(self.db, db_id)
        names = dict(members)
        key = self._key(db_id)
        label = IdMap.generated("patient", db_id) if key == str(db_id) else key
        return PatientRecord(
            patient_id, label, registration.patient_entry(self.db, db_id), self._key(head),
            names.get(head, ""), tuple(name for _, name in members),
            len(members) - 1 if head == db_id else 0)

    def find_guarantors(self, text: str) -> list[PatientChoice]:
        return [PatientChoice(self._key(i), label)
                for i, label in registration.guarantors(self.db, text)] if text.strip() else []

    def family_plans(self, guarantor: str) -> list[FamilyPlan]:
        return registration.family_plans(self.db, self._patient(guarantor))

    def duplicates(self, entry: PatientEntry, patient_id: str | None = None) -> list[PatientChoice]:
        exclude = None if patient_id is None else self._patient(patient_id)
        found = possible_duplicates(self.db, entry.last_name, entry.first_name, entry.birthdate,
                                    exclude=exclude)
        return [replace(c, key=self._key(int(c.key)))
                for c in registration.duplicates(self.db, found)]

    def register_patient(self, entry: PatientEntry, guarantor: str | None = None,
                         coverage: Sequence[CoverageChoice] = (), *,
                         duplicate_ok: bool = False) -> str:
        """Register ``entry``; returns the new patient's key."""
        head = None if guarantor is None else self._patient(guarantor)
        with _refusals():
            new = services.register_patient(
                self.db, _values(entry), guarantor=head, duplicate_ok=duplicate_ok,
                coverage=[(int(c.plan_key), c.relationship) for c in coverage], **self._who())
        return self._key(new)

    def edit_patient(self, patient_id: str, entry: PatientEntry, *,
                     duplicate_ok: bool = False) -> None:
        db_id = self._patient(patient_id)
        old = registration.patient_entry(self.db, db_id)
        changes = {k: v for k, v in _values(entry).items() if v != _values(old).get(k)}
        with _refusals():
            services.edit_patient(self.db, db_id, changes, duplicate_ok=duplicate_ok,
                                  **self._who())

    def move_patient(self, patient_id: str, guarantor: str | None) -> None:
        head = None if guarantor is None else self._patient(guarantor)
        with _refusals():
            services.move_patient(self.db, self._patient(patient_id), head, **self._who())

    # --- the treatment plan -----------------------------------------------------------

    def treatment_plan(self, patient_id: str) -> TreatmentPlan:
        return treatment_plan(self.db, self._patient(patient_id), self.today())

    def move_planned(self, procedure_key: str, step: int) -> None:
        with _refusals():
            treatment_plans.move_planned(self.db, int(procedure_key), step, **self._who())

    # --- correcting a procedure --------------------------------------------------------

    def procedure_key(self, patient_id: str, ref: str) -> str:
        """The key of the procedure behind a ledger-card line (`CardRow.ref`)."""
        kind, _, practice_id = ref.partition(":")
        if kind != "procedure":
            raise PostingRefused("put the cursor on a procedure first")
        try:
            proc = lookup.patients_procedure(self.db, lookup.resolve_procedure(
                self.db, practice_id), self._patient(patient_id))
        except services.ServiceError as exc:
            raise PostingRefused(str(exc)) from None
        return str(proc.id)

    def procedure_view(self, procedure_key: str) -> ProcedureView:
        with _refusals():
            proc = lookup.procedure(self.db, int(procedure_key))
        desc, done, provider, tooth, surface = self._rows(
            "SELECT c.description, p.completed, p.provider_id, coalesce(p.tooth, ''), "
            "coalesce(p.surface, '') FROM procedure p JOIN procedure_code c ON c.id = p.code_id "
            "WHERE p.id = ?", (proc.id,))[0]
        lines = tuple(LineTerms(str(plan), order, f"{order} {carrier}" if order else carrier,
                                status, bool(on_claim), bool(nb), *rest)
                      for plan, order, carrier, status, on_claim, nb, *rest
                      in self._rows(_LINES, (proc.id,)))
        portion = proc.charge - sum(ln.ins_est + ln.writeoff_est for ln in lines)
        return ProcedureView(
            procedure_key, proc.label, proc.code, desc or "", proc.status, proc.date,
            date.fromisoformat(done) if done else None, proc.fee, proc.units, str(provider),
            tooth, surface, procedures.posted_against(self.db, proc.id) or "", lines, portion)

    def preview(self, procedure_key: str, correction: Correction) -> EstimatePreview:
        """The estimates the correction would give (nothing is written)."""
        with _refusals():
            proc = lookup.procedure(self.db, int(procedure_key))
        try:
            return estimate_preview.preview(self.db, proc.patient_id, proc.id,
                                            _changer(correction), self.today())
        except (StoreError, KeyError, ValueError) as exc:
            raise PostingRefused(f"no preview: {exc}") from None

    def correct(self, procedure_key: str, correction: Correction) -> None:
        """Post the correction through its service."""
        proc, c, who = int(procedure_key), correction, self._who()
        with _refusals():
            if c.delete:
                services.delete_procedure(self.db, proc, **who)
            elif c.complete_on is not None:
                services.complete_procedure(self.db, proc, date=c.complete_on, **who)
            elif c.fee is not None:
                services.edit_fee(self.db, proc, c.fee, **who)
            elif c.no_bill is not None:
                estimate_terms.set_no_bill(self.db, proc, int(c.plan_key or 0), c.no_bill, **who)
            elif c.overrides:
                estimate_terms.set_overrides(self.db, proc, int(c.plan_key or 0),
                                             dict(c.overrides), **who)
            else:
                changes = {k: v for k, v in (("date", c.date), ("provider", c.provider))
                           if v is not None}
                services.change_procedure(self.db, proc, **changes, **who)

    def preview_new(self, patient_id: str, entry: ProcedureEntry) -> EstimatePreview:
        """The estimate a procedure not yet posted would get."""
        pid = self._patient(patient_id)
        with _refusals():
            code_id, code = lookup.procedure_code(self.db, entry.code)
            provider = lookup.provider_id(self.db, entry.provider and int(entry.provider), pid)
        fee = entry.fee if entry.fee is not None else self.office_fee(str(provider), code)
        if fee is None:
            raise PostingRefused(f"no office fee for {code}: type the fee")

        def new(_old, ids: IdMap) -> m.Procedure:
            return m.Procedure(
                id=estimate_preview.NEW, patient=ids.practice_id("patient", pid), code=code,
                date=entry.date, fee=fee, provider=ids.practice_id("provider", provider),
                status="planned" if entry.planned else "complete", tooth=entry.tooth,
                surface=entry.surface, units=entry.units)
        return estimate_preview.preview(self.db, pid, None, new, self.today())

    def create_preauth(self, patient_id: str, procedure_keys: Sequence[str],
                       plan_key: str | None, day: date) -> str:
        with _refusals():
            new = services.create_preauth(
                self.db, self._patient(patient_id), [int(k) for k in procedure_keys],
                plan=None if plan_key is None else int(plan_key), date=day, **self._who())
        return self.claim(str(new)).label

    # --- billing the visit ------------------------------------------------------------

    def claim_candidates(self, patient_id: str) -> list[ClaimCandidate]:
        """Completed work never billed: today's ticked, unless no plan would bill it."""
        pid, today = self._patient(patient_id), self.today()
        lines: dict[int, list[tuple[bool, str]]] = {}
        for proc, no_bill, note in self._rows(_CANDIDATE_LINES, (pid,)):
            lines.setdefault(proc, []).append((bool(no_bill), note or ""))
        out = []
        for p in self.unbilled(patient_id):
            reason = _not_billed(lines.get(int(p.key), []))
            out.append(ClaimCandidate(p.key, p.label, p.date, p.code, p.description, p.tooth,
                                      p.surface, p.charge, not reason and p.date == today, reason))
        return out


def _not_billed(lines: list[tuple[bool, str]]) -> str:
    """Why no claim would be ticked for a procedure's open lines ("" when one would)."""
    if not lines:
        return "no plan bills it"
    billed = [note for no_bill, note in lines if not no_bill]
    if not billed:
        return "do not bill"
    if all(note == "Exclusion" for note in billed):
        return "excluded by the plan"
    return ""


def _values(entry: PatientEntry) -> dict:
    values = asdict(entry)
    if values["provider"] is not None and str(values["provider"]).isdigit():
        values["provider"] = int(values["provider"])
    return values


def _changer(c: Correction):
    """The correction as a change of the estimator's procedure (`estimate_preview.preview`)."""
    def change(proc: m.Procedure | None, ids: IdMap) -> m.Procedure | None:
        if proc is None or c.delete:
            return None
        if c.fee is not None:
            proc = replace(proc, fee=c.fee)
        if c.date is not None:
            proc = replace(proc, date=c.date)
        if c.provider is not None:
            proc = replace(proc, provider=ids.practice_id("provider", int(c.provider)))
        if c.complete_on is not None:
            proc = replace(proc, status="complete", date=c.complete_on)
        if c.plan_key is not None:
            proc = _plan_terms(proc, ids.practice_id("plan", int(c.plan_key)), c)
        return proc
    return change


def _plan_terms(proc: m.Procedure, plan: str, c: Correction) -> m.Procedure:
    if c.no_bill is not None:
        kept = tuple(p for p in proc.no_bill if p != plan)
        proc = replace(proc, no_bill=kept + ((plan,) if c.no_bill else ()))
    if c.overrides:
        old = next((o for o in proc.overrides if o.plan == plan), m.Override(plan))
        new = replace(old, **dict(c.overrides))
        others = tuple(o for o in proc.overrides if o.plan != plan)
        keep = any(getattr(new, f) is not None for f in
                   ("percent", "ins_est", "allowed", "copay", "deductible", "paid_other_ins",
                    "writeoff_est", "deductible_before_percent"))
        proc = replace(proc, overrides=others + ((new,) if keep else ()))
    return proc
