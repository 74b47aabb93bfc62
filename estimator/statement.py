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
from .ledger_index import Estimates, LedgerIndex
from .ledger_rows import adjustment_rows, capitation_rows, insurance_rows, patient_payment_rows, procedure_rows
from .model import Patient, Practice
from .statement_types import (
    ADJUSTMENT, CHARGE, INSURANCE_PAYMENT, PAYMENT, WRITEOFF, Party, PatientActivity, Statement,
    StatementLine, StatementTotals,
)
from .text import clean

__all__ = ["StatementError", "build_statement", "default_period_start", "mailing_name", "clean_party",
           "patient_lines", "family_of"]


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
    code = idx.adjustment_codes.get(adj.code)
    return WRITEOFF if code is not None and code.kind == "writeoff" else ADJUSTMENT


def _description(kind: str, cells) -> str:
    text = cells.get("service", "")
    if kind == PAYMENT:  # the patient reads "Payment (D2391), check #1042"
        text = text.replace("Patient payment", "Payment", 1)
        how = cells.get("payment_by", "")
        if cells.get("check_no"):
            how += f" #{cells['check_no']}"
        text = f"{text}, {how}" if how else text
    return text


def _line(idx: LedgerIndex, row: card.CardRow) -> StatementLine:
    kind = _kind(idx, row)
    cells = row.cells  # already clean
    # The card's code cell starts with the row's type character ("0D2392", "1D2392").
    code = cells.get("code", "")[1:] if kind in (CHARGE, INSURANCE_PAYMENT) else ""
    tooth = " ".join(filter(None, (cells.get("tooth"), cells.get("surface")))) if kind == CHARGE else ""
    return StatementLine(row.posted, kind, code, _description(kind, cells) or code, tooth,
                         row.values["balance"])


def _keyed_since(idx: LedgerIndex, patient_id: str, since: date) -> Iterator[tuple]:
    """The money lines of the card (`ledger_rows.keyed_rows`) dated ``since`` or later, built
    only for those dates: a monthly statement of a family with years of history must not
    build the whole card. Tests check that, from the account's start, these are exactly the
    card's money rows."""
    for proc in idx.procedures_of.get(patient_id, ()):
        if proc.status == "complete" and proc.date >= since:
            yield from (kr for kr in procedure_rows(idx, proc) if kr[1].is_money)  # not later visits
            yield from capitation_rows(idx, proc)
        for pl in idx.paid_lines.get(proc.id, ()):
            if pl.payment.date >= since:
                yield from insurance_rows(idx, proc, pl)
    yield from (kr for kr in patient_payment_rows(idx, patient_id) if kr[1].posted >= since)
    yield from (kr for kr in adjustment_rows(idx, patient_id) if kr[1].posted >= since)


def patient_lines(idx: LedgerIndex, patient_id: str, since: date = date.min) -> list[StatementLine]:
    """The money lines of the patient's ledger card dated ``since`` or later, in card order
    (no day totals, notes or later visits: they carry no money)."""
    keyed = sorted(_keyed_since(idx, patient_id, since), key=lambda kr: kr[0])
    return [_line(idx, row) for _, row in keyed]


# --- the statement ----------------------------------------------------------------------

def family_of(idx: LedgerIndex, patient_id: str) -> list[Patient]:
    if patient_id not in idx.patients:
        raise StatementError(f"no patient {patient_id!r}")
    return idx.family_of(patient_id)


def _activity(idx: LedgerIndex, patient: Patient, start: date) -> PatientActivity | None:
    """The member's lines since ``start``; the previous balance is what the account balance
    (the card's total) was before them."""
    listed = tuple(patient_lines(idx, patient.id, start))
    balance = balance_of(idx, patient.id)
    previous = balance.total - sum(line.amount for line in listed)
    if not (listed or previous or balance.total or balance.insurance):
        return None
    return PatientActivity(patient.id, clean(patient.name), listed, previous, balance.total, balance.insurance)


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
    if start > statement_date:
        raise StatementError(f"the period starts {start.isoformat()}, after the statement date "
                             f"{statement_date.isoformat()}")
    activities = tuple(a for m in members if (a := _activity(idx, m, start)) is not None)
    return Statement(
        office=clean_party(office),
        guarantor=clean_party(guarantor or Party(mailing_name(head.name))),
        guarantor_id=head.id,
        account_no=clean(account_no or head.id),
        statement_date=statement_date,
        period_start=start,
        patients=activities,
        totals=_totals(activities),
        aging=aging_of(idx, [m.id for m in members], statement_date),
        insurance_pending=sum(a.insurance_pending for a in activities),
        message=clean_message(message),
    )
