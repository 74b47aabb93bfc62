"""What an 835 says, as plain frozen data (money in integer cents, dates as `date`).

One `Remittance` per transaction (ST..SE): one check or EFT of one payer to one payee.
Amounts keep the file's signs: a reversal's paid amounts are negative; a provider-level
adjustment (PLB) is positive when it takes money out of the check and negative when it
adds some (interest), so ``sum of claims paid = BPR amount + sum of PLB amounts``.
``segment`` fields count segments from the ISA (1-based), the unit every warning uses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from estimator.money import Cents

from . import codes


class EraError(ValueError):
    """A file that is not an 835 at all (or an amount that cannot be money): one line."""


@dataclass(frozen=True)
class EraWarning:
    """One complaint of the X12 guide (or of the balancing checks) about a readable file."""
    segment: int | None
    text: str

    def __str__(self) -> str:
        return f"segment {self.segment}: {self.text}" if self.segment else self.text


@dataclass(frozen=True)
class Adjustment:
    """One CAS reason: group (CO, PR, OA, PI, CR), reason code, amount (+ reduces payment)."""
    group: str
    reason: str
    amount: Cents
    quantity: Decimal | None = None

    @property
    def key(self) -> str:
        return f"{self.group}-{self.reason}"

    @property
    def text(self) -> str:
        return codes.reason_text(self.reason)


@dataclass(frozen=True)
class ServiceLine:
    """One SVC: a procedure as the payer adjudicated it."""
    code: str                 # as adjudicated (SVC01-2)
    billed_code: str          # as billed (SVC06-2 when the payer changed it, else SVC01-2)
    billed: Cents             # SVC02, the line charge
    paid: Cents               # SVC03
    units: Decimal = Decimal(1)  # SVC05 (1 when empty)
    date: date | None = None  # DTM*472 (or 150), else the claim's date
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()  # LQ*HE remark codes
    qualifier: str = "AD"     # SVC01-1: AD = ADA dental codes, HC = HCPCS/CPT
    modifiers: tuple[str, ...] = ()
    allowed: Cents | None = None      # AMT*B6
    control_number: str | None = None  # REF*6R: the line id we sent, echoed
    segment: int | None = field(default=None, compare=False)  # where it was read

    @property
    def downgraded(self) -> bool:
        """The payer adjudicated another code than the one billed (e.g. D2392 -> D2160)."""
        return self.code != self.billed_code


@dataclass(frozen=True)
class Patient:
    last: str
    first: str = ""
    id: str | None = None  # NM109: member id

    @property
    def name(self) -> str:
        return f"{self.last}, {self.first}" if self.first else self.last


@dataclass(frozen=True)
class EraClaim:
    """One CLP: the payer's decision on one of our claims."""
    claim_id: str              # CLP01: the claim id we sent (837 CLM01)
    status: str                # CLP02: 1 primary, 2 secondary, 4 denied, 22 reversal, ...
    billed: Cents              # CLP03
    paid: Cents                # CLP04
    patient_responsibility: Cents = 0  # CLP05
    payer_claim_no: str | None = None  # CLP07
    filing_code: str | None = None     # CLP06
    patient: Patient = Patient("")     # NM1*QC
    insured: Patient | None = None     # NM1*IL, when not the patient
    date: date | None = None           # DTM*232 (service from), else the first line's date
    date_to: date | None = None        # DTM*233
    received: date | None = None       # DTM*050
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    remarks: tuple[str, ...] = ()      # MOA/MIA remark codes
    lines: tuple[ServiceLine, ...] = ()
    segment: int | None = field(default=None, compare=False)  # where it was read

    @property
    def status_text(self) -> str:
        return codes.CLAIM_STATUS.get(self.status, f"status {self.status}")

    @property
    def is_reversal(self) -> bool:
        return self.status == codes.REVERSAL

    @property
    def is_denied(self) -> bool:
        return self.status == codes.DENIED


@dataclass(frozen=True)
class Party:
    """A payer (N1*PR) or payee (N1*PE): name and its identifier."""
    name: str
    id_qualifier: str | None = None  # N103: XX = NPI, FI = tax id, PI/XV = payer id
    id: str | None = None            # N104 (the payer: REF*2U when N104 is absent)


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB reason: + takes money out of the check, - adds to it (interest L6)."""
    reason: str                # PLB03-1: L6 interest, WO overpayment recovery, FB, CS, ...
    amount: Cents              # as in the file
    reference: str | None = None  # PLB03-2
    provider_id: str | None = None  # PLB01
    fiscal_date: date | None = None  # PLB02
    segment: int | None = field(default=None, compare=False)  # where it was read

    @property
    def added_to_check(self) -> Cents:
        return -self.amount

    @property
    def text(self) -> str:
        return codes.PLB_REASONS.get(self.reason, f"provider adjustment {self.reason}")


@dataclass(frozen=True)
class Remittance:
    """One ST..SE: one payment (check, EFT or none) with the claims it pays."""
    control_number: str        # ST02
    version: str               # GS08, e.g. 005010X221A1
    handling: str              # BPR01: I = payment and remittance, H = advice only, ...
    amount: Cents              # BPR02, negative when BPR03 is D (a debit)
    method: str                # BPR04: ACH, CHK, BOP, FWT, NON
    date: date | None          # BPR16
    trace_number: str          # TRN02: the check or EFT number
    payer: Party
    payee: Party
    originator_id: str | None = None  # TRN03
    production_date: date | None = None  # DTM*405
    claims: tuple[EraClaim, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    segment: int | None = field(default=None, compare=False)  # where it was read

    @property
    def claims_paid(self) -> Cents:
        return sum(c.paid for c in self.claims)

    @property
    def provider_adjustment_total(self) -> Cents:
        return sum(p.amount for p in self.provider_adjustments)

    @property
    def method_text(self) -> str:
        return codes.PAYMENT_METHODS.get(self.method, self.method)


@dataclass(frozen=True)
class EraFile:
    """Everything read from one file: its payments in order and the warnings."""
    name: str
    remittances: tuple[Remittance, ...]
    warnings: tuple[EraWarning, ...] = ()
    validated: bool = True  # False: no guide for its version, read without validation
