"""The walk-out statement: one patient's visit of one day, handed over at the desk.

The day's completed procedures with each plan's estimate (or payment, once received) and the
patient's portion (`ledger_balance.portion_of`, the card's rule), what the patient paid that
day, and the patient's account at the end of the day (`ledger_asof`). Pure.
"""
from __future__ import annotations

from datetime import date

from .ledger_asof import as_of
from .ledger_balance import balance_of, portion_of
from .ledger_index import Estimates, LedgerIndex, posted_capitation_writeoff
from .model import Practice, Procedure
from .results import RECEIVED, LineEstimate
from .statement import StatementError, clean_message, clean_party, family_of, mailing_name, patient_lines
from .statement_types import ADJUSTMENT, PAYMENT, Party, PlanShare, VisitProcedure, Walkout
from .text import clean


def _share(idx: LedgerIndex, line: LineEstimate) -> PlanShare:
    plan = idx.plans.get(line.plan)
    carrier = idx.carriers.get(plan.carrier) if plan else None
    name = clean(carrier.name if carrier else line.plan)
    if line.status == RECEIVED:
        return PlanShare(line.order, name, line.paid, line.writeoff, "received")
    if line.no_bill:
        return PlanShare(line.order, name, 0, 0, "not billed")
    if line.is_capitation:
        return PlanShare(line.order, name, 0, posted_capitation_writeoff(line) or line.writeoff_est,
                         clean(line.note))
    return PlanShare(line.order, name, line.ins_est, line.writeoff_est, clean(line.note))


def _procedure(idx: LedgerIndex, proc: Procedure) -> VisitProcedure:
    code = idx.codes.get(proc.code)
    return VisitProcedure(
        code=clean(proc.code),
        description=clean(code.description if code else ""),
        tooth=clean(" ".join(filter(None, (proc.tooth, proc.surface)))),
        charge=proc.charge,
        plans=tuple(_share(idx, line) for line in idx.lines_of(proc.id)),
        patient_portion=portion_of(idx, proc),
    )


def build_walkout(practice: Practice, estimates: Estimates, patient_id: str, day: date, *,
                  office: Party, patient: Party | None = None, message: str = "",
                  account_no: str | None = None) -> Walkout:
    """The walk-out statement of ``patient_id``'s visit on ``day``. Refused (StatementError)
    when nothing was done, paid or adjusted for the patient that day."""
    then, lines_then = as_of(practice, estimates, day)
    idx = LedgerIndex(then, lines_then)
    members = family_of(idx, patient_id)
    person = idx.patients[patient_id]
    visit = [p for p in idx.procedures_of.get(patient_id, ()) if p.status == "complete" and p.date == day]
    paid = tuple(line for line in patient_lines(idx, patient_id, day)
                 if line.date == day and line.kind in (PAYMENT, ADJUSTMENT))
    if not visit and not paid:
        raise StatementError(f"nothing was posted for {clean(person.name)} on {day.isoformat()}")
    return Walkout(
        office=clean_party(office),
        patient=clean_party(patient or Party(mailing_name(person.name))),
        patient_id=person.id,
        account_no=clean(account_no or person.guarantor),
        day=day,
        procedures=tuple(_procedure(idx, proc) for proc in visit),
        paid=paid,
        balance=balance_of(idx, patient_id),
        family_balance=sum(balance_of(idx, m.id).total for m in members),
        message=clean_message(message),
    )
