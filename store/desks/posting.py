"""The posting forms' adapter over the database (the TUI's `PostingDesk` port,
``tui/forms/port.py``).

Writes go through `store.services` (one transaction, audit row and re-estimation
per call); a refusal comes back as `PostingRefused` with the service's sentence.
The read-backs are the pick lists and the patient's work and claims the forms
prefill from. Keys handed to the forms are database ids as text; labels are the
practice ids the office knows (file id, or a generated one such as ``PR12``).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Callable, Iterator, Sequence

from estimator.posting_views import (
    AdjustmentCodeInfo, AdjustmentEntry, AppointmentEntry, ClaimInfo, ClaimLineInfo, CodeInfo,
    CoverageInfo, CreditRefused, InsurancePaymentEntry, NoteEntry, PaymentEntry, PostingRefused,
    ProcedureEntry, ProcedureInfo, ProviderInfo, ReversalInfo,
)

from .. import services
from ..connection import Database
from ..family.ids import IdMap
from ..read import readback
from ..services import lookup

_PROCEDURES = (
    "SELECT p.id, p.file_id, p.date, c.code, c.description, coalesce(p.tooth, ''), "
    "coalesce(p.surface, ''), p.fee_cents * p.units FROM procedure p "
    "JOIN procedure_code c ON c.id = p.code_id WHERE p.patient_id = ? AND p.status = 'complete'")
_NEVER_BILLED = (" AND NOT EXISTS (SELECT 1 FROM claim_proc cp WHERE cp.procedure_id = p.id "
                 "AND cp.claim_id IS NOT NULL)")
_CLAIMS = (
    "SELECT c.id, c.file_id, c.claim_no, ca.name, coalesce(pc.coverage_order, 0), c.status, "
    "c.date, c.sent_date, (SELECT coalesce(sum(ins_est_cents), 0) FROM claim_proc "
    "WHERE claim_id = c.id OR preauth_id = c.id) FROM claim c JOIN plan pl ON pl.id = c.plan_id "
    "JOIN carrier ca ON ca.id = pl.carrier_id LEFT JOIN patient_coverage pc "
    "ON pc.patient_id = c.patient_id AND pc.plan_id = c.plan_id")
# Claims a carrier's check may pay (a received claim takes a supplemental payment, one at a time).
_WAITING = "'unsent', 'queued', 'sent'"
_LINES = (
    "SELECT p.id, p.file_id, pc.code, pc.description, coalesce(p.tooth, ''), "
    "coalesce(p.surface, ''), p.date, p.fee_cents * p.units, cp.status, cp.ins_est_cents, "
    "cp.writeoff_est_cents, cp.deductible_est_cents, cp.paid_cents, cp.writeoff_cents, "
    "cp.deductible_applied_cents, cp.note FROM claim_proc cp "
    "JOIN procedure p ON p.id = cp.procedure_id JOIN procedure_code pc ON pc.id = p.code_id "
    "WHERE cp.claim_id = ? OR cp.preauth_id = ? "
    "ORDER BY coalesce(cp.claim_seq, cp.preauth_seq), cp.id")


@contextmanager
def _refusals() -> Iterator[None]:
    """A service's refusal, in the port's words (the TUI never imports the store)."""
    try:
        yield
    except services.CreditRefused as exc:  # the form may ask and post it with confirm_credit
        raise CreditRefused(str(exc)) from None
    except services.ServiceError as exc:
        raise PostingRefused(str(exc)) from None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _label(kind: str, file_id: str | None, db_id: int) -> str:
    return file_id or IdMap.generated(kind, db_id)


class DbPostingDesk:
    """Implements `tui.forms.port.PostingDesk` over one open database (share it with the
    `DbFrontDesk` so a posting moves the revision the card watches)."""

    def __init__(self, db: Database, *, actor: services.Actor | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.actor = actor
        self.now = now

    def _who(self) -> dict:
        return {"actor": self.actor, "now": self.now() if self.now else None}

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self.db.execute_sql(sql, tuple(params)).fetchall()

    def _patient(self, patient_id: str) -> int:
        """The database id of a patient named as the screens name them (file id or db id)."""
        rows = self._rows("SELECT id FROM patient WHERE file_id = ?", (patient_id,))
        if not rows and str(patient_id).isdigit():
            rows = self._rows("SELECT id FROM patient WHERE id = ?", (int(patient_id),))
        if not rows:
            raise PostingRefused(f"there is no patient {patient_id!r}")
        return rows[0][0]

    # --- pick lists ---------------------------------------------------------------

    def codes(self) -> list[CodeInfo]:
        return [CodeInfo(c, d or "") for c, d in
                self._rows("SELECT code, description FROM procedure_code ORDER BY code")]

    def providers(self) -> list[ProviderInfo]:
        return [ProviderInfo(str(i), f"{_label('provider', f, i)} {n}") for i, f, n in
                self._rows("SELECT id, file_id, name FROM provider ORDER BY name, id")]

    def default_provider(self, patient_id: str) -> str | None:
        try:
            return str(lookup.provider_id(self.db, None, self._patient(patient_id)))
        except (services.ServiceError, PostingRefused):
            return None

    def office_fee(self, provider: str, code: str) -> int | None:
        rows = self._rows(
            "SELECT f.amount_cents FROM provider p JOIN fee f ON f.schedule_id = p.fee_schedule_id "
            "JOIN procedure_code c ON c.code = f.code WHERE p.id = ? AND upper(c.code) = upper(?) "
            "ORDER BY c.code = ? DESC LIMIT 1", (int(provider), (code or "").strip(), code))
        return rows[0][0] if rows else None

    def adjustment_codes(self) -> list[AdjustmentCodeInfo]:
        return [AdjustmentCodeInfo(c, k, d or "") for c, k, d in self._rows(
            "SELECT code, kind, description FROM adjustment_code ORDER BY code")]

    def coverage(self, patient_id: str) -> list[CoverageInfo]:
        rows = self._rows(
            "SELECT c.coverage_order, ca.name, p.type FROM patient_coverage c "
            "JOIN plan p ON p.id = c.plan_id JOIN carrier ca ON ca.id = p.carrier_id "
            "WHERE c.patient_id = ? ORDER BY c.coverage_order", (self._patient(patient_id),))
        return [CoverageInfo(o, n, t, t != "capitation") for o, n, t in rows]

    # --- the patient's work and claims ------------------------------------------------

    def procedures(self, patient_id: str) -> list[ProcedureInfo]:
        """Completed work, oldest first, with what the patient still owes on each."""
        return self._procedures(patient_id, "")

    def unbilled(self, patient_id: str) -> list[ProcedureInfo]:
        """Completed work never put on a claim (what Create claim bills by default)."""
        return self._procedures(patient_id, _NEVER_BILLED)

    def _procedures(self, patient_id: str, where: str) -> list[ProcedureInfo]:
        pid = self._patient(patient_id)
        rows = self._rows(_PROCEDURES + where + " ORDER BY p.date, p.id", (pid,))
        owed = dict(readback.open_procedures(self.db, pid)) if rows else {}
        return [ProcedureInfo(str(i), _label("procedure", f, i), date.fromisoformat(d), code,
                              desc or "", tooth, surface, charge, owed.get(i, 0))
                for i, f, d, code, desc, tooth, surface, charge in rows]

    def claims(self, patient_id: str) -> list[ClaimInfo]:
        """The patient's claims, newest first, with their lines."""
        rows = self._rows(_CLAIMS + " WHERE c.patient_id = ? ORDER BY c.date DESC, c.id DESC",
                          (self._patient(patient_id),))
        return [self._claim(row) for row in rows]

    def claim(self, claim_key: str) -> ClaimInfo:
        rows = self._rows(_CLAIMS + " WHERE c.id = ?", (int(claim_key),))
        if not rows:
            raise PostingRefused(f"there is no claim {claim_key!r}")
        return self._claim(rows[0])

    # --- one check, several claims -----------------------------------------------------
    def carriers_owing(self) -> list[tuple[str, str]]:
        """(carrier key, name) of every carrier with claims waiting for a check."""
        return [(str(i), name) for i, name in self._rows(
            "SELECT DISTINCT ca.id, ca.name FROM claim c JOIN plan pl ON pl.id = c.plan_id "
            "JOIN carrier ca ON ca.id = pl.carrier_id "
            f"WHERE c.status IN ({_WAITING}) ORDER BY ca.name, ca.id")]

    def waiting_claims(self, carrier_key: str, limit: int = 200) -> list[ClaimInfo]:
        """The carrier's claims waiting for a check (any patient), oldest sent first."""
        rows = self._rows(
            _CLAIMS.replace("SELECT c.id,", "SELECT c.patient_id, c.id,", 1)
            + f" WHERE pl.carrier_id = ? AND c.status IN ({_WAITING}) "
              "ORDER BY coalesce(c.sent_date, c.date), c.id LIMIT ?", (int(carrier_key), limit))
        names = dict(self._rows(
            "SELECT id, last_name || coalesce(', ' || first_name, '') FROM patient "
            f"WHERE id IN ({','.join(str(r[0]) for r in rows) or 'NULL'})"))
        return [replace(self._claim(row[1:]), patient=names.get(row[0], "")) for row in rows]

    def _claim(self, row: tuple) -> ClaimInfo:
        cid, file_id, claim_no, carrier, order, status, day, sent, total = row
        lines = tuple(
            ClaimLineInfo(str(i), _label("procedure", f, i), code, desc or "", tooth, surface,
                          date.fromisoformat(d), *rest)
            for i, f, code, desc, tooth, surface, d, *rest in self._rows(_LINES, (cid, cid)))
        return ClaimInfo(str(cid), file_id or claim_no or _label("claim", None, cid), carrier,
                         order, status, date.fromisoformat(day), _day(sent), total, lines)

    # --- postings ---------------------------------------------------------------------

    def post_procedure(self, patient_id: str, entry: ProcedureEntry) -> str:
        with _refusals():
            new = services.add_procedure(
                self.db, self._patient(patient_id), entry.code, fee=entry.fee,
                planned=entry.planned, date=entry.date, provider=entry.provider,
                tooth=entry.tooth, surface=entry.surface, units=entry.units, note=entry.note,
                completed=entry.completed, **self._who())
        return str(new)

    def post_payment(self, patient_id: str, entry: PaymentEntry) -> str:
        split = None if entry.split is None else [(int(k), c) for k, c in entry.split]
        with _refusals():
            new = services.post_payment(
                self.db, self._patient(patient_id), entry.amount, entry.method, date=entry.date,
                check_no=entry.check_no, bank_no=entry.bank_no, allocations=split,
                note=entry.note, **self._who())
        return str(new)

    def post_adjustment(self, patient_id: str, entry: AdjustmentEntry) -> str:
        proc = None if entry.procedure is None else int(entry.procedure)
        with _refusals():
            new = services.post_adjustment(
                self.db, self._patient(patient_id), entry.amount, entry.code, procedure=proc,
                date=entry.date, note=entry.note, **self._who())
        return str(new)

    def add_ledger_note(self, patient_id: str, entry: NoteEntry) -> str:
        with _refusals():
            new = services.add_ledger_note(self.db, self._patient(patient_id), entry.text,
                                           date=entry.date, **self._who())
        return str(new)

    def record_appointment(self, patient_id: str, entry: AppointmentEntry) -> str:
        with _refusals():
            new = services.record_appointment(self.db, self._patient(patient_id), entry.status,
                                              date=entry.date, **self._who())
        return str(new)

    # --- reversing a line of the ledger card ---------------------------------------
    def reversal(self, patient_id: str, ref: str) -> ReversalInfo:
        """What reversing card line ``ref`` would take back; refused for a line that is not
        a patient payment or adjustment, is a reversal, or was reversed already."""
        kind, db_id = self._line(patient_id, ref)
        with _refusals():
            if kind == "patient_payment":
                pay = services.reversible_payment(self.db, db_id)
                label = f"{pay.method} {pay.check_no}" if pay.check_no else pay.method
                return ReversalInfo(ref, "payment", label, pay.amount_cents,
                                    _day(str(pay.date)))
            adj = services.reversible_adjustment(self.db, db_id)
            code = self._rows("SELECT code FROM adjustment_code WHERE id = ?", (adj.code_id,))
            return ReversalInfo(ref, "adjustment", code[0][0] if code else "", adj.amount_cents,
                                _day(str(adj.date)))

    def reverse_line(self, patient_id: str, ref: str, day: date) -> str:
        """Post the reversing entry of card line ``ref``, dated ``day``; returns its id."""
        kind, db_id = self._line(patient_id, ref)
        reverse = services.reverse_payment if kind == "patient_payment" else \
            services.reverse_adjustment
        with _refusals():
            return str(reverse(self.db, db_id, date=day, **self._who()))

    def _line(self, patient_id: str, ref: str) -> tuple[str, int]:
        """(kind, database id) of a patient payment or adjustment line of the card (refs
        number a family's payments and adjustments, `store.derived.ledger_entries`)."""
        from ..derived.ledger_entries import ADJUSTMENT, PATIENT_PAYMENT

        kind, _, number = ref.partition(":")
        priority = {"patient_payment": PATIENT_PAYMENT, "adjustment": ADJUSTMENT}.get(kind)
        if priority is None or not number.isdigit():
            raise PostingRefused("only a patient payment or an adjustment can be reversed "
                                 "here; take back an insurance check from its claim")
        rows = self._rows("SELECT src_id FROM ledger_entry WHERE patient_id = ? "
                          "AND priority = ? AND ref_no = ? LIMIT 1",
                          (self._patient(patient_id), priority, int(number)))
        if not rows:
            raise PostingRefused("that line is no longer on the card")
        return kind, rows[0][0]

    def create_claims(self, patient_id: str, procedures: Sequence[str], day: date) -> list[str]:
        """Claims for the chosen procedures; returns their labels, primary first."""
        with _refusals():
            made = services.create_claims(self.db, self._patient(patient_id),
                                          [int(k) for k in procedures], date=day, **self._who())
        return [self.claim(str(c)).label for c in made]

    def send_claim(self, claim_key: str, day: date) -> None:
        with _refusals():
            services.send_claim(self.db, int(claim_key), date=day, **self._who())

    def set_claim_status(self, claim_key: str, status: str) -> None:
        with _refusals():
            services.set_claim_status(self.db, int(claim_key), status, **self._who())

    def deny_line(self, claim_key: str, procedure_key: str, day: date,
                  remarks: str | None = None) -> None:
        with _refusals():
            services.deny_lines(self.db, int(claim_key), [int(procedure_key)], date=day,
                                remarks=remarks, **self._who())

    def enter_insurance_payment(self, entry: InsurancePaymentEntry) -> str:
        lines = [services.EobLine(int(ln.claim or entry.claim), int(ln.procedure), paid=ln.paid,
                                  writeoff=ln.writeoff, deductible=ln.deductible,
                                  denied=ln.denied, remarks=ln.remarks)
                 for ln in entry.lines]
        with _refusals():
            new = services.enter_insurance_payment(
                self.db, lines, amount=entry.amount, check_no=entry.check_no,
                bank_no=entry.bank_no, date=entry.date, confirm_credit=entry.confirm_credit,
                **self._who())
        return str(new)
