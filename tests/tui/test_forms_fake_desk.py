"""An in-memory PostingDesk for the form tests (``from test_forms_fake_desk import
FakePostingDesk``), and the checks that both desks keep to the port.

Patient P1 (FakeFrontDesk.sample's "Smith, John") has three completed procedures,
a sent primary claim C000011 with two lines and a secondary C000012 on hold.
Every write is recorded in ``calls``; ``refuse`` makes the next write refused.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from estimator.posting_views import (
    AdjustmentCodeInfo, ClaimInfo, ClaimLineInfo, CodeInfo, CoverageInfo, PostingRefused,
    ProcedureInfo, ProviderInfo, ReversalInfo,
)
from tui.forms.port import PostingDesk


D1, D2, D3 = date(2024, 3, 4), date(2024, 4, 22), date(2024, 5, 6)


def _procs() -> list[ProcedureInfo]:
    return [
        ProcedureInfo("11", "PR11", D1, "D2392", "Resin composite, two surfaces", "14", "MO",
                      18000, 3600),
        ProcedureInfo("12", "PR12", D2, "D2740", "Crown - porcelain/ceramic", "30", "", 120000, 0),
        ProcedureInfo("13", "PR13", D3, "D1110", "Prophylaxis, adult [bold]x[/]", "", "", 9500,
                      1900),
    ]


def _line(proc: ProcedureInfo, ins: int, wo: int, ded: int, status="not_received") -> ClaimLineInfo:
    return ClaimLineInfo(proc.key, proc.label, proc.code, proc.description, proc.tooth,
                         proc.surface, proc.date, proc.charge, status, ins, wo, ded)


def _claims() -> list[ClaimInfo]:
    p = _procs()
    primary = (_line(p[0], 9600, 6000, 2400), _line(p[2], 7000, 2500, 0))
    secondary = (_line(p[0], 2000, 0, 0), _line(p[2], 0, 0, 0))
    return [
        ClaimInfo("21", "C000021", "Delta Dental", 1, "sent", D3, D3, 16600, primary),
        ClaimInfo("22", "C000022", "Aetna", 2, "hold", D3, None, 2000, secondary),
    ]


class FakePostingDesk:
    """Implements `tui.forms.port.PostingDesk` in memory."""

    def __init__(self) -> None:
        self.procs = _procs()
        self.claim_list = _claims()
        self.calls: list[tuple] = []
        self.refuse: str | None = None

    # --- pick lists -----------------------------------------------------------------
    def codes(self):
        return [CodeInfo("D1110", "Prophylaxis, adult"), CodeInfo("D2391", "Resin, one surface"),
                CodeInfo("D2392", "Resin composite, two surfaces"),
                CodeInfo("D2740", "Crown - porcelain/ceramic")]

    def providers(self):
        return [ProviderInfo("1", "DOC1 Reyes, Ana"), ProviderInfo("2", "DOC2 Okafor, Ben")]

    def default_provider(self, patient_id):
        return "1"

    def office_fee(self, provider, code):
        fees = {("1", "D2392"): 18000, ("2", "D2392"): 19000, ("1", "D1110"): 9500}
        return fees.get((provider, code))

    def adjustment_codes(self):
        return [AdjustmentCodeInfo("COURTESY", "courtesy", "Professional courtesy"),
                AdjustmentCodeInfo("FINANCE", "finance_charge", "Finance charge")]

    def coverage(self, patient_id):
        return [CoverageInfo(1, "Delta Dental", "ppo", True),
                CoverageInfo(2, "Aetna", "percentage", True)]

    # --- the patient's work -------------------------------------------------------------
    def procedures(self, patient_id):
        return list(self.procs)

    def unbilled(self, patient_id):
        return self.procs[1:]

    def claims(self, patient_id):
        return list(self.claim_list)

    def claim(self, claim_key):
        return next(c for c in self.claim_list if c.key == claim_key)

    def carriers_owing(self):
        return [("1", "Delta Dental"), ("2", "Aetna")]

    def waiting_claims(self, carrier_key):
        """Delta's check: P1's claim 21 and another patient's claim 31 (one line)."""
        if carrier_key != "1":
            return []
        other = ClaimInfo("31", "C000031", "Delta Dental", 1, "sent", D2, D2, 5000,
                          (_line(self.procs[1], 5000, 0, 0),), patient="[b]Page[/b], Tom")
        return [replace(self.claim_list[0], patient="Smith, John"), other]

    # --- writes -------------------------------------------------------------------
    def _write(self, *call):
        if self.refuse:
            message, self.refuse = self.refuse, None
            raise PostingRefused(message)
        self.calls.append(call)

    def post_procedure(self, patient_id, entry):
        self._write("procedure", patient_id, entry)
        return "99"

    def post_payment(self, patient_id, entry):
        self._write("payment", patient_id, entry)
        return "98"

    def post_adjustment(self, patient_id, entry):
        self._write("adjustment", patient_id, entry)
        return "97"

    def add_ledger_note(self, patient_id, entry):
        self._write("ledger_note", patient_id, entry)
        return "13"

    def record_appointment(self, patient_id, entry):
        self._write("appointment", patient_id, entry)
        return "375"

    def reversal(self, patient_id, ref):
        if not ref.startswith(("patient_payment:", "adjustment:")):
            raise PostingRefused("only a patient payment or an adjustment can be reversed here")
        what = "payment" if ref.startswith("patient_payment") else "adjustment"
        return ReversalInfo(ref, what, "card", 2000, date(2024, 2, 10))

    def reverse_line(self, patient_id, ref, day):
        self._write("reverse_line", patient_id, ref, day)
        return "98"

    def create_claims(self, patient_id, procedures, day):
        self._write("create_claims", patient_id, tuple(procedures), day)
        return ["C000031", "C000032"]

    def _status(self, claim_key, status, **changes):
        self.claim_list = [replace(c, status=status, **changes) if c.key == claim_key else c
                           for c in self.claim_list]

    def send_claim(self, claim_key, day):
        self._write("send", claim_key, day)
        self._status(claim_key, "sent", sent_date=day)

    def set_claim_status(self, claim_key, status):
        self._write("status", claim_key, status)
        self._status(claim_key, status)

    def deny_line(self, claim_key, procedure_key, day, remarks=None):
        self._write("deny", claim_key, procedure_key, day, remarks)
        self._status(claim_key, "received")

    def enter_insurance_payment(self, entry):
        self._write("insurance_payment", entry)
        self._status(entry.claim, "received")
        return "96"


def test_fake_keeps_to_the_port():
    assert isinstance(FakePostingDesk(), PostingDesk)


def test_database_desk_keeps_to_the_port():
    from store.desks.posting import DbPostingDesk
    missing = [name for name in dir(FakePostingDesk) if not name.startswith("_")
               and callable(getattr(FakePostingDesk, name)) and not hasattr(DbPostingDesk, name)]
    assert not missing
    port = [name for name in vars(PostingDesk) if not name.startswith("_")]
    assert port and all(hasattr(DbPostingDesk, name) for name in port)
