"""A family's statement: the ledger since the period start and what is owed now.

`build_statement` reads the same ledger card rows as the account screen (`ledger_rows`) for
every member of the guarantor's family, as they stood at the end of the statement date
(`ledger_asof`), so the numbers are the card's:
- previous balance = the account balance less the listed lines = the rows dated before the
  period start (the balance at the end of the day before);
- listed = every charge, payment, insurance payment, write-off and adjustment from the period
  start to the statement date; new balance = previous + listed = the family's account balance
  (only the listed rows are built: a monthly statement need not build years of card);
- insurance pending = what insurance is still expected to cover (`Balance.insurance`), and the
  amount due now = new balance - insurance pending, never below 0 (below 0 it is a credit);
  it equals the sum of the members' patient estimates;
- aging = the card's aging rule (`ledger_balance.aging_of`) as of the statement date.
The office's and the guarantor's names and addresses are not in the practice model: the
caller passes them (`Party`). Pure: plain data in, plain data out.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

from . import ledger_types as card
from .ledger_asof import as_of
from .ledger_balance import aging_of, balance_of
from .ledger_index import Estimates, LedgerIndex, PaidLine, natural_key, posted_capitation_writeoff
from .ledger_rows import PRIORITY
from .model import Adjustment, Patient, PatientPayment, Practice, Procedure
from .results import CAP_COMPLETE, LineEstimate
from .statement_types import (
    ADJUSTMENT, CHARGE, INSURANCE_PAYMENT, PAYMENT, WRITEOFF, Party, PatientActivity, Statement,
    StatementLine, StatementTotals,
)
from .text import clean

__all__ = ["StatementError", "build_statement", "default_period_start", "mailing_name", "clean_party",
           "patient_lines", "card_line", "family_of", "assemble", "activity", "check_period",
           "charge_line", "insurance_lines", "insurance_payment_line", "insurance_writeoff_line",
           "capitation_line", "payment_line", "adjustment_line"]


class StatementError(ValueError):
    """A statement that cannot be made, said in one sentence."""


def default_period_start(previous_statement: date | None) -> date | None:
    """The day after the previous statement (its new balance is this one's previous balance,
    and no line is listed twice); None for the first statement (the account's start)."""
    return previous_statement + timedelta(days=1) if previous_statement else None


def mailing_name(name: str) -> str:
    """"Delgado, Rosa" -> "Rosa Delgado" (the name on an envelope); a name without a comma as is."""
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if comma else name.strip()


def clean_party(party: Party) -> Party:
    """The party with every field made printable (`estimator.text.clean`)."""
    return Party(clean(party.name), tuple(clean(line) for line in party.address if line), clean(party.phone))


def clean_message(message: str) -> str:
    """A message keeps its line breaks; each line is made printable."""
    return "\n".join(clean(line) for line in (message or "").splitlines())


# --- lines ------------------------------------------------------------------------------
# A statement line is a money row of the ledger card read in the patient's words. The card
# rows carry every column of the card (UCR, claim status, who posted it, ...), far more than a
# statement prints, and building them cost most of a billing run; so the lines are built here
# straight from the same postings, and `card_line` (a card row read as a statement line)
# stays the reference: tests check that both give the same lines on every scenario.

def _kind(idx: LedgerIndex, row: card.CardRow) -> str:
    if row.kind == card.PROCEDURE:
        return CHARGE
    if row.kind == card.PATIENT_PAYMENT:
        return PAYMENT
    if row.kind == card.INSURANCE_PAYMENT:
        return INSURANCE_PAYMENT
    if not row.ref.startswith("adjustment:"):  # an EOB's or a capitation line's write-off
        return WRITEOFF
    adj = idx.practice.adjustments[int(row.ref.split(":")[1])]
    return _adjustment_kind(idx, adj.code)


def _adjustment_kind(idx: LedgerIndex, code_name: str) -> str:
    code = idx.adjustment_codes.get(code_name)
    return WRITEOFF if code is not None and code.kind == "writeoff" else ADJUSTMENT


def _payment_description(text: str, method: str, check_no: str) -> str:
    """The patient reads "Payment (D2391), check #1042"."""
    text = text.replace("Patient payment", "Payment", 1)
    how = method + (f" #{check_no}" if check_no else "")
    return f"{text}, {how}" if how else text


def _description(kind: str, cells) -> str:
    text = cells.get("service", "")
    if kind == PAYMENT:
        return _payment_description(text, cells.get("payment_by", ""), cells.get("check_no", ""))
    return text


def card_line(idx: LedgerIndex, row: card.CardRow) -> StatementLine:
    """A money row of the ledger card as a statement line (the reference for `patient_lines`)."""
    kind = _kind(idx, row)
    cells = row.cells  # already clean
    # The card's code cell starts with the row's type character ("0D2392", "1D2392").
    code = cells.get("code", "")[1:] if kind in (CHARGE, INSURANCE_PAYMENT) else ""
    tooth = " ".join(filter(None, (cells.get("tooth"), cells.get("surface")))) if kind == CHARGE else ""
    return StatementLine(row.posted, kind, code, _description(kind, cells) or code, tooth,
                         row.values["balance"])


# The lines in the patient's words, from plain values: `_keyed_since` below passes them from
# the practice, the store's billing run from the ledger's rows (`store.read.statements`).

def charge_line(day: date, code: str, description: str, tooth: str | None, surface: str | None,
                amount: int) -> StatementLine:
    """A completed procedure: "D2391 Composite, one surface 30 O 150.00"."""
    code = clean(code)
    return StatementLine(day, CHARGE, code, clean(description) or code,
                         " ".join(filter(None, (clean(tooth), clean(surface)))), amount)


def insurance_lines(day: date, code: str, carrier: str, denied: bool, paid: int,
                    writeoff: int) -> Iterator[StatementLine]:
    """An EOB line: the carrier's payment, then its write-off when there is one."""
    yield insurance_payment_line(day, code, carrier, denied, paid)
    if writeoff:
        yield insurance_writeoff_line(day, code, carrier, writeoff)


def insurance_payment_line(day: date, code: str, carrier: str, denied: bool, paid: int) -> StatementLine:
    code = clean(code)
    return StatementLine(day, INSURANCE_PAYMENT, code,
                         clean(f"{carrier} payment" + (" (denied)" if denied else "")) or code, "", -paid)


def insurance_writeoff_line(day: date, code: str, carrier: str, writeoff: int) -> StatementLine:
    return StatementLine(day, WRITEOFF, "", clean(f"Write-off {carrier} ({code})"), "", -writeoff)


def capitation_line(day: date, code: str, carrier: str, writeoff: int) -> StatementLine:
    return StatementLine(day, WRITEOFF, "", clean(f"Capitation write-off {carrier} ({code})"), "",
                         -writeoff)


def payment_line(day: date, amount: int, method: str, check_no: str | None,
                 codes: list[str]) -> StatementLine:
    """"Payment (D2391), check #1042"; a refund is a negative payment."""
    service = ("Refund" if amount < 0 else "Patient payment") + (f" ({', '.join(codes)})" if codes else "")
    return StatementLine(day, PAYMENT, "", _payment_description(clean(service), clean(method),
                                                                clean(check_no)), "", -amount)


def adjustment_line(day: date, amount: int, code: str, code_kind: str | None,
                    code_description: str | None, procedure_code: str | None) -> StatementLine:
    """An adjustment; one whose code is of kind writeoff is a write-off."""
    service = code_description or code
    service += f" ({procedure_code})" if procedure_code is not None else ""
    kind = WRITEOFF if code_kind == "writeoff" else ADJUSTMENT
    return StatementLine(day, kind, "", clean(service), "", amount)


def _carrier_name(idx: LedgerIndex, plan_id: str) -> str:
    plan = idx.plans.get(plan_id)
    carrier = idx.carriers.get(plan.carrier) if plan else None
    return carrier.name if carrier else plan_id


def _charge(idx: LedgerIndex, proc: Procedure) -> StatementLine:
    code = idx.codes.get(proc.code)
    return charge_line(proc.date, proc.code, code.description if code else "", proc.tooth,
                       proc.surface, proc.charge)


def _insurance(idx: LedgerIndex, proc: Procedure, pl: PaidLine) -> Iterator[StatementLine]:
    return insurance_lines(pl.payment.date, proc.code, _carrier_name(idx, pl.claim.plan),
                           pl.line.denied, pl.line.paid, pl.line.writeoff)


def _capitation(idx: LedgerIndex, proc: Procedure, line: LineEstimate) -> StatementLine:
    return capitation_line(proc.date, proc.code, _carrier_name(idx, line.plan),
                           posted_capitation_writeoff(line))


def _payment(idx: LedgerIndex, pay: PatientPayment) -> StatementLine:
    codes = [proc.code for part in pay.parts if (proc := idx.procedures.get(part.procedure)) is not None]
    return payment_line(pay.date, pay.amount, pay.method, pay.check_no, codes)


def _adjustment(idx: LedgerIndex, adj: Adjustment) -> StatementLine:
    code = idx.adjustment_codes.get(adj.code)
    proc = idx.procedures.get(adj.procedure or "")
    return adjustment_line(adj.date, adj.amount, adj.code, code.kind if code else None,
                           code.description if code else None, proc.code if proc else None)


def _keyed_since(idx: LedgerIndex, patient_id: str, since: date) -> Iterator[tuple]:
    """(card sort key, line) for the money rows of the card (`ledger_rows.keyed_rows`) dated
    ``since`` or later, built only for those dates: a monthly statement of a family with
    years of history must not build the whole card."""
    for proc in idx.procedures_of.get(patient_id, ()):
        if proc.status == "complete" and proc.date >= since:  # not later visits: no money
            ident = natural_key(proc.id)
            yield (proc.date, PRIORITY["procedure"], (ident,)), _charge(idx, proc)
            for line in idx.lines_of(proc.id):
                if line.status == CAP_COMPLETE and posted_capitation_writeoff(line):
                    yield ((proc.date, PRIORITY["capitation"], (ident, natural_key(str(line.order)))),
                           _capitation(idx, proc, line))
        for pl in idx.paid_lines.get(proc.id, ()):
            if pl.payment.date >= since:
                seq = (natural_key(str(pl.payment_index)), natural_key(str(pl.line_index)))
                for n, line in enumerate(_insurance(idx, proc, pl)):
                    kind = "writeoff" if n else "insurance_payment"
                    yield (pl.payment.date, PRIORITY[kind], seq), line
    for n, pay in idx.patient_payments.get(patient_id, ()):
        if pay.date >= since:
            yield (pay.date, PRIORITY["patient_payment"], (natural_key(str(n)),)), _payment(idx, pay)
    for n, adj in idx.adjustments.get(patient_id, ()):
        if adj.date >= since:
            yield (adj.date, PRIORITY["adjustment"], (natural_key(str(n)),)), _adjustment(idx, adj)


def patient_lines(idx: LedgerIndex, patient_id: str, since: date = date.min) -> list[StatementLine]:
    """The money lines of the patient's ledger card dated ``since`` or later, in card order
    (no day totals, notes or later visits: they carry no money)."""
    keyed = sorted(_keyed_since(idx, patient_id, since), key=lambda kr: kr[0])
    return [line for _, line in keyed]


# --- the statement ----------------------------------------------------------------------

def family_of(idx: LedgerIndex, patient_id: str) -> list[Patient]:
    if patient_id not in idx.patients:
        raise StatementError(f"no patient {patient_id!r}")
    return idx.family_of(patient_id)


def activity(patient_id: str, name: str, listed: tuple[StatementLine, ...], total: int,
             insurance: int) -> PatientActivity | None:
    """A member's part: the lines listed and the account balance (``total``) with its
    insurance part; the previous balance is what the balance was before the lines. None
    for a member with nothing to show."""
    previous = total - sum(line.amount for line in listed)
    if not (listed or previous or total or insurance):
        return None
    return PatientActivity(patient_id, clean(name), listed, previous, total, insurance)


def _activity(idx: LedgerIndex, patient: Patient, start: date) -> PatientActivity | None:
    balance = balance_of(idx, patient.id)
    return activity(patient.id, patient.name, tuple(patient_lines(idx, patient.id, start)),
                    balance.total, balance.insurance)


def check_period(start: date, statement_date: date) -> None:
    if start > statement_date:
        raise StatementError(f"the period starts {start.isoformat()}, after the statement date "
                             f"{statement_date.isoformat()}")


def assemble(*, office: Party, guarantor: Party, guarantor_id: str, account_no: str,
             statement_date: date, period_start: date, patients: tuple[PatientActivity, ...],
             aging, message: str = "") -> Statement:
    """The Statement from its parts (the totals are the members' lines and balances)."""
    return Statement(
        office=clean_party(office),
        guarantor=clean_party(guarantor),
        guarantor_id=guarantor_id,
        account_no=clean(account_no),
        statement_date=statement_date,
        period_start=period_start,
        patients=patients,
        totals=_totals(patients),
        aging=aging,
        insurance_pending=sum(a.insurance_pending for a in patients),
        message=clean_message(message),
    )


def account_start(idx: LedgerIndex, members: list[Patient]) -> date | None:
    """The date of the family's first money line (None: no line yet)."""
    ids = {m.id for m in members}
    dates = [p.date for p in idx.practice.procedures if p.patient in ids and p.status == "complete"]
    dates += [pl.payment.date for p in idx.practice.procedures if p.patient in ids
              for pl in idx.paid_lines.get(p.id, ())]
    dates += [x.date for m in ids for _, x in (*idx.patient_payments.get(m, ()), *idx.adjustments.get(m, ()))]
    return min(dates, default=None)


def _totals(activities: tuple[PatientActivity, ...]) -> StatementTotals:
    sums = {kind: 0 for kind in (CHARGE, PAYMENT, INSURANCE_PAYMENT, WRITEOFF, ADJUSTMENT)}
    for line in (line for a in activities for line in a.lines):
        sums[line.kind] += line.amount
    return StatementTotals(
        previous_balance=sum(a.previous_balance for a in activities),
        charges=sums[CHARGE], payments=-sums[PAYMENT], insurance_payments=-sums[INSURANCE_PAYMENT],
        writeoffs=-sums[WRITEOFF], adjustments=sums[ADJUSTMENT],
        new_balance=sum(a.new_balance for a in activities),
    )


def build_statement(practice: Practice, estimates: Estimates, patient_id: str, *,
                    statement_date: date, office: Party, guarantor: Party | None = None,
                    period_start: date | None = None, message: str = "",
                    account_no: str | None = None) -> Statement:
    """The statement of the family of ``patient_id`` (any member; it goes to the guarantor).

    ``period_start`` None: from the account's first line (a first statement). ``guarantor``
    None: the guarantor's name, without an address. ``account_no`` None: the guarantor's id.
    """
    then, lines_then = as_of(practice, estimates, statement_date)
    idx = LedgerIndex(then, lines_then)
    members = family_of(idx, patient_id)
    head = idx.patients[members[0].guarantor] if members[0].guarantor in idx.patients else members[0]
    start = period_start or account_start(idx, members) or statement_date
    check_period(start, statement_date)
    activities = tuple(a for m in members if (a := _activity(idx, m, start)) is not None)
    return assemble(
        office=office, guarantor=guarantor or Party(mailing_name(head.name)), guarantor_id=head.id,
        account_no=account_no or head.id, statement_date=statement_date, period_start=start,
        patients=activities, aging=aging_of(idx, [m.id for m in members], statement_date),
        message=message)
