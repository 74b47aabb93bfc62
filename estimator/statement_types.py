"""What a patient statement and a walk-out statement say, as plain frozen data.

Built by `estimator.statement` and `estimator.walkout` from the ledger arithmetic; printed
by `documents` (text and PDF). Money is integer cents; every text field is already
`estimator.text.clean` (names, addresses, codes and descriptions are data: a renderer prints
them as they are and never interprets them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .ledger_types import Aging, Balance
from .money import Cents

# Statement line kinds, in the office's words.
CHARGE = "charge"
PAYMENT = "payment"                        # a patient payment (a refund is a negative one)
INSURANCE_PAYMENT = "insurance_payment"
WRITEOFF = "writeoff"                      # insurance and capitation write-offs, write-off adjustments
ADJUSTMENT = "adjustment"
LINE_KINDS = (CHARGE, PAYMENT, INSURANCE_PAYMENT, WRITEOFF, ADJUSTMENT)


@dataclass(frozen=True)
class Party:
    """A name with its postal address and phone, as printed (the office, the guarantor)."""
    name: str
    address: tuple[str, ...] = ()   # street lines, then "City, ST 12345"
    phone: str = ""


@dataclass(frozen=True)
class StatementLine:
    """One charge, payment, insurance payment, write-off or adjustment."""
    date: date
    kind: str            # LINE_KINDS
    code: str            # the procedure code of a charge or an insurance payment, else ""
    description: str
    tooth: str           # tooth and surface of a charge ("30 MO"), else ""
    amount: Cents        # its effect on the balance: a charge is positive, a payment negative

    @property
    def charge(self) -> Cents | None:
        """The Charges column: what raises the balance (a refund, a positive adjustment)."""
        return self.amount if self.amount > 0 or (self.amount == 0 and self.kind == CHARGE) else None

    @property
    def credit(self) -> Cents | None:
        """The Credits column, as a positive number: what lowers the balance."""
        return None if self.charge is not None else -self.amount


@dataclass(frozen=True)
class PatientActivity:
    """One family member's part of the statement."""
    patient_id: str
    name: str
    lines: tuple[StatementLine, ...]
    previous_balance: Cents
    new_balance: Cents
    insurance_pending: Cents

    @property
    def patient_portion(self) -> Cents:
        return self.new_balance - self.insurance_pending


@dataclass(frozen=True)
class StatementTotals:
    """previous + charges - payments - insurance payments - write-offs + adjustments = new."""
    previous_balance: Cents
    charges: Cents
    payments: Cents              # patient payments, less refunds
    insurance_payments: Cents
    writeoffs: Cents
    adjustments: Cents           # signed: positive raises the balance
    new_balance: Cents


@dataclass(frozen=True)
class Statement:
    """A family's statement: what happened since the period start and what is owed now."""
    office: Party
    guarantor: Party
    guarantor_id: str
    account_no: str
    statement_date: date
    period_start: date
    patients: tuple[PatientActivity, ...]
    totals: StatementTotals
    aging: Aging                 # of the new balance, as of the statement date
    insurance_pending: Cents     # estimated insurance still expected
    message: str = ""

    @property
    def new_balance(self) -> Cents:
        return self.totals.new_balance

    @property
    def patient_portion(self) -> Cents:
        """The balance less the insurance still expected (negative: a credit)."""
        return self.totals.new_balance - self.insurance_pending

    @property
    def amount_due(self) -> Cents:
        """Amount due now: the patient portion, never below 0."""
        return max(0, self.patient_portion)

    @property
    def credit(self) -> Cents:
        """A credit in the family's favour (shown as a credit, never as an amount due)."""
        return max(0, -self.patient_portion)

    @property
    def lines(self) -> tuple[StatementLine, ...]:
        return tuple(line for p in self.patients for line in p.lines)


# --- the walk-out statement ---------------------------------------------------------------------

@dataclass(frozen=True)
class PlanShare:
    """What one plan is expected to pay on a procedure (or paid, once received)."""
    order: int           # coverage order 1..4
    plan_name: str       # the carrier's name
    insurance: Cents     # estimate, or paid once received
    writeoff: Cents      # write-off estimate, or the write-off once received
    note: str = ""       # "received", "not billed", the estimator's note ("Over annual max")


@dataclass(frozen=True)
class VisitProcedure:
    code: str
    description: str
    tooth: str
    charge: Cents
    plans: tuple[PlanShare, ...]
    patient_portion: Cents   # charge - insurance - write-offs + adjustments on the procedure


@dataclass(frozen=True)
class Walkout:
    """One patient's visit of one day: the work, each plan's share, what was paid."""
    office: Party
    patient: Party
    patient_id: str
    account_no: str
    day: date
    procedures: tuple[VisitProcedure, ...]
    paid: tuple[StatementLine, ...]         # patient payments and adjustments posted that day
    balance: Balance                        # the patient's account at the end of the day
    family_balance: Cents
    message: str = ""

    @property
    def charges(self) -> Cents:
        return sum(p.charge for p in self.procedures)

    @property
    def insurance(self) -> Cents:
        return sum(s.insurance for p in self.procedures for s in p.plans)

    @property
    def writeoffs(self) -> Cents:
        return sum(s.writeoff for p in self.procedures for s in p.plans)

    @property
    def patient_portion(self) -> Cents:
        return sum(p.patient_portion for p in self.procedures)

    @property
    def paid_today(self) -> Cents:
        """Patient payments of the day (adjustments are not payments)."""
        return sum(-line.amount for line in self.paid if line.kind == PAYMENT)
