"""The ledger card's line items for one patient, in posting order with day summaries.

Row money convention (so the Balance column adds up to the account total):
- procedure: Billed = charge, UCR = office fee x units, Balance = charge;
- patient or insurance payment: Paid = amount, Balance = -amount (a refund is a negative payment);
- adjustment or write-off: Adjust = amount, Balance = amount (a write-off is a negative amount).
Display text goes through `estimator.text.clean`, so every consumer gets printable cells.
Detail columns Trans Date, Trans Time, User and Location come from the posted row's `Stamp`
(blank when the practice did not record one).
"""
from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Iterable, Iterator, Mapping, NamedTuple

from .ledger_balance import ProcedureMoney, procedure_money
from .ledger_codes import (
    CLAIM_STATUS_TEXT, DEFAULT_WRITEOFF_CODE, DENIED_TEXT, NOT_SUBMITTED, PAYMENT_TYPE,
    claim_number, insurance_code, ucr_fee, visit_letter,
)
from .ledger_index import LedgerIndex, PaidLine, natural_key, posted_capitation_writeoff
from .ledger_types import (  # PRIORITY: also read from here by the store
    PRIORITY, ADJUSTMENT, CONVERTED, DAY_SUMMARY, DENIED, INSURANCE_OWES, INSURANCE_PAYMENT, NOTE,
    PAID_IN_FULL, PATIENT_OWES, PATIENT_PAYMENT, PROCEDURE, SPLIT, STATEMENT, SUMMED_COLUMNS,
    CardRow,
)
from .frozen import frozen_map
from .model import Adjustment, LedgerNote, PatientPayment, Procedure, Stamp, StatementSent
from .money import fmt
from .results import CAP_COMPLETE, LineEstimate
from .text import clean


SortKey = tuple
Keyed = tuple[SortKey, CardRow]


def _row(kind: str, ref: str, posted: date, marker: str, text: dict[str, str | None],
         money: dict[str, int]) -> CardRow:
    cells = {k: clean(v) for k, v in text.items() if v}
    cells.update({k: fmt(v) for k, v in money.items()})
    cells.setdefault("posted", posted.isoformat())
    return CardRow(kind, ref, posted, marker, frozen_map(cells), frozen_map(money))


def stamp_cells(stamp: Stamp | None) -> dict[str, str | None]:
    """The Detail group's who-posted-it-when cells."""
    if stamp is None:
        return {}
    return {"trans_date": stamp.at.date().isoformat(), "trans_time": stamp.at.strftime("%H:%M:%S"),
            "user": stamp.user, "location": stamp.location}


def _key(posted: date, priority: str, *ids: tuple) -> SortKey:
    """(date, kind priority, ids); every id is a `natural_key` so any two keys compare."""
    return (posted, PRIORITY[priority], ids)


def _n(number: int) -> tuple:
    return natural_key(str(number))


# --- procedures ---------------------------------------------------------------

def procedure_marker(idx: LedgerIndex, proc: Procedure, money: ProcedureMoney) -> str:
    """D denied > C converted balance > = paid in full > I insurance owes > P patient owes > S split.

    ``money`` counts the unapplied patient money shown on the line (`estimator.unapplied`), so
    a family whose account is paid never shows a line the patient owes."""
    if any(pl.line.denied for pl in idx.paid_lines.get(proc.id, ())):
        return DENIED
    if any(_is_converted(idx, adj.code) for adj in idx.adjustments_on.get(proc.id, ())):
        return CONVERTED
    # The insurance side: what the carriers pay and what their EOBs will write off.
    pt, ins = money.pt_bal, money.expected
    if money.proc_bal == 0:
        return PAID_IN_FULL
    if ins > 0 and pt > 0:
        return SPLIT
    # Insurance owes all of it (a patient credit on the line does not make it split).
    if ins > 0:
        return INSURANCE_OWES
    return PATIENT_OWES


def _is_converted(idx: LedgerIndex, code: str) -> bool:
    adj_code = idx.adjustment_codes.get(code)
    return adj_code is not None and adj_code.kind == "converted"


def _claim_text(idx: LedgerIndex, proc: Procedure, line: LineEstimate) -> str:
    """Ins N Claim: the claim status of this plan's line; blank for do-not-bill and capitation."""
    if line.no_bill or line.is_capitation:
        return ""
    claim = idx.claims.get(line.claim or "")
    if claim is None:
        return NOT_SUBMITTED
    if any(pl.line.denied for pl in idx.paid_lines_by_claim.get(claim.id, ()) if pl.line.procedure == proc.id):
        return DENIED_TEXT
    return CLAIM_STATUS_TEXT.get(idx.claim_status(claim), claim.status)


def _claim_columns(idx: LedgerIndex, proc: Procedure) -> dict[str, str]:
    text: dict[str, str] = {}
    numbers = []
    for line in idx.lines_of(proc.id):
        text[f"ins{line.order}_claim"] = _claim_text(idx, proc, line)
        claim = idx.claims.get(line.claim or "")
        if claim is not None and claim.status != "preauth":
            text[f"claim_no{line.order}"] = claim_number(claim)
            numbers.append(claim_number(claim))
    if numbers:
        text["claim_no"] = numbers[0]
    preauths = [c.preauth_no for c in idx.claims_by_proc.get(proc.id, ()) if c.preauth_no]
    if preauths:
        text["preauth_no"] = preauths[0]
    return text


def _procedure_text(idx: LedgerIndex, proc: Procedure) -> dict[str, str | None]:
    code = idx.codes.get(proc.code)
    return {
        "provider": proc.provider,
        "tooth": proc.tooth,
        "surface": proc.surface,
        "service": code.description if code else "",
        "ins_code": insurance_code(idx, proc),
    }


def procedure_row(idx: LedgerIndex, proc: Procedure) -> CardRow:
    """A completed procedure's row: the charge, its Current / Original split and claim status."""
    money = procedure_money(idx, proc, applied=True)
    lines = idx.lines_of(proc.id)
    values = {
        "billed": proc.charge, "ucr": ucr_fee(idx, proc), "balance": proc.charge,
        "proc_bal": money.proc_bal, "pt_bal": money.pt_bal, "ins_bal": money.ins_bal,
        "wo_bal": money.wo_bal,
        **_original(idx, proc, lines),
    }
    for ln in lines:
        values[f"ins{ln.order}_bal"] = money.ins_bal_of(ln.order)
    text = _procedure_text(idx, proc)
    text.update(_claim_columns(idx, proc))
    text.update(code="0" + proc.code, complete=(proc.completed or proc.date).isoformat(), notes=proc.note)
    text.update(stamp_cells(proc.stamp))
    return _row(PROCEDURE, f"procedure:{proc.id}", proc.date, procedure_marker(idx, proc, money),
                text, values)


def _original(idx: LedgerIndex, proc: Procedure, lines) -> dict[str, int]:
    """The Original group: the split estimated when the work was posted (frozen by the store,
    `LedgerIndex.originals`; a procedure without one shows its estimates as they stand).
    The patient's share is what was not estimated to be paid or written off."""
    frozen = idx.originals.get(proc.id)
    if frozen is None:
        charge, split = proc.charge, {ln.plan: (ln.ins_est, ln.writeoff_est) for ln in lines}
    else:
        charge, split = frozen.charge, frozen.estimates
    order = {ln.plan: ln.order for ln in lines}
    values = {"orig_charge": charge,
              "orig_insurance": sum(est for est, _ in split.values()),
              "orig_writeoff": sum(wo for _, wo in split.values())}
    values["orig_patient"] = charge - values["orig_insurance"] - values["orig_writeoff"]
    for plan, (est, _) in split.items():
        values[f"ins{order.get(plan) or idx.plan_order(proc.patient, plan)}_est"] = est
    return values


def visit_row(idx: LedgerIndex, proc: Procedure, n: int) -> CardRow:
    """The moneyless row of a later visit: ``n`` 0 is the second visit (A), 1 the third (B), ..."""
    visit = proc.visits[n]
    text = dict(_procedure_text(idx, proc), code=visit_letter(n) + proc.code,
                complete=visit.isoformat(), notes=proc.note)
    return _row(PROCEDURE, f"procedure:{proc.id}", visit, "", text, {})


def procedure_rows(idx: LedgerIndex, proc: Procedure) -> Iterator[Keyed]:
    """The procedure's row, then one moneyless row per later visit (A, B, ...)."""
    ident = natural_key(proc.id)
    yield _key(proc.date, "procedure", ident), procedure_row(idx, proc)
    for n, visit in enumerate(proc.visits):
        yield _key(visit, "procedure", ident, _n(n + 1)), visit_row(idx, proc, n)


# --- insurance --------------------------------------------------------------------

def _carrier_of(idx: LedgerIndex, plan_id: str):
    plan = idx.plans.get(plan_id)
    return idx.carriers.get(plan.carrier) if plan else None


def _insurance_common(idx: LedgerIndex, proc: Procedure, pl: PaidLine):
    """(coverage order, carrier, carrier name, the cells both rows of an EOB line share)."""
    order = idx.plan_order(proc.patient, pl.claim.plan)
    carrier = _carrier_of(idx, pl.claim.plan)
    common = {
        "provider": proc.provider, "tooth": proc.tooth, "surface": proc.surface,
        "claim_no": claim_number(pl.claim), f"claim_no{order}": claim_number(pl.claim),
        "notes": pl.line.remarks,
        **stamp_cells(pl.payment.stamp),
    }
    return order, carrier, carrier.name if carrier else pl.claim.plan, common


def insurance_payment_row(idx: LedgerIndex, proc: Procedure, pl: PaidLine) -> CardRow:
    """An EOB line's insurance payment row."""
    order, _, carrier_name, common = _insurance_common(idx, proc, pl)
    text = dict(common, code=PAYMENT_TYPE.get(order, "1") + proc.code,
                service=f"{carrier_name} payment" + (" (denied)" if pl.line.denied else ""),
                payment_by="insurance", check_no=pl.payment.check_no, bank_no=pl.payment.bank_no)
    marker = DENIED if pl.line.denied else PAID_IN_FULL
    return _row(INSURANCE_PAYMENT, f"claim_payment:{pl.claim.id}:{proc.id}", pl.payment.date,
                marker, text, {"paid": pl.line.paid, "balance": -pl.line.paid})


def insurance_writeoff_row(idx: LedgerIndex, proc: Procedure, pl: PaidLine) -> CardRow:
    """An EOB line's write-off row (only posted when something was written off)."""
    _, carrier, carrier_name, common = _insurance_common(idx, proc, pl)
    code = (carrier.writeoff_code if carrier else None) or DEFAULT_WRITEOFF_CODE
    text = dict(common, code="9" + code, service=f"Write-off {carrier_name} ({proc.code})")
    return _row(ADJUSTMENT, f"claim_payment:{pl.claim.id}:{proc.id}", pl.payment.date,
                PAID_IN_FULL, text, {"adjust": -pl.line.writeoff, "balance": -pl.line.writeoff})


def insurance_rows(idx: LedgerIndex, proc: Procedure, pl: PaidLine) -> Iterator[Keyed]:
    """An EOB line: the insurance payment row and, when something was written off, its write-off row."""
    seq = (_n(pl.payment_index), _n(pl.line_index))
    yield _key(pl.payment.date, "insurance_payment", *seq), insurance_payment_row(idx, proc, pl)
    if pl.line.writeoff:
        yield _key(pl.payment.date, "writeoff", *seq), insurance_writeoff_row(idx, proc, pl)


def capitation_row(idx: LedgerIndex, proc: Procedure, line: LineEstimate) -> CardRow:
    """A completed capitation line's posted write-off, dated with the procedure."""
    amount = posted_capitation_writeoff(line)
    carrier = _carrier_of(idx, line.plan)
    code = (carrier.writeoff_code if carrier else None) or DEFAULT_WRITEOFF_CODE
    name = carrier.name if carrier else line.plan
    # Posted with the completed procedure, so it carries the procedure's stamp.
    text = {"code": "9" + code, "provider": proc.provider, "tooth": proc.tooth,
            "service": f"Capitation write-off {name} ({proc.code})", **stamp_cells(proc.stamp)}
    return _row(ADJUSTMENT, f"procedure:{proc.id}", proc.date, PAID_IN_FULL, text,
                {"adjust": -amount, "balance": -amount})


def capitation_rows(idx: LedgerIndex, proc: Procedure) -> Iterator[Keyed]:
    """The write-offs of the procedure's completed capitation lines (after insurance write-offs)."""
    for line in idx.lines_of(proc.id):
        if line.status != CAP_COMPLETE or not posted_capitation_writeoff(line):
            continue
        yield _key(proc.date, "capitation", natural_key(proc.id), _n(line.order)), capitation_row(
            idx, proc, line)


# --- the patient's own postings ---------------------------------------------------

def _payment_service(idx: LedgerIndex, pay: PatientPayment) -> str:
    """"Patient payment (D2740)"; a split names every procedure it went to."""
    service = "Refund" if pay.amount < 0 else "Patient payment"
    codes = [proc.code for part in pay.parts
             if (proc := idx.procedures.get(part.procedure)) is not None]
    return service + (f" ({', '.join(codes)})" if codes else "")


def patient_payment_row(idx: LedgerIndex, n: int, pay: PatientPayment) -> CardRow:
    """The payment's row; ``n`` is its place in the practice's payments (its ref)."""
    text = {"code": "3" + pay.method.upper(), "service": _payment_service(idx, pay),
            "payment_by": pay.method, "check_no": pay.check_no, "bank_no": pay.bank_no,
            "notes": pay.note, **stamp_cells(pay.stamp)}
    return _row(PATIENT_PAYMENT, f"patient_payment:{n}", pay.date, PAID_IN_FULL, text,
                {"paid": pay.amount, "balance": -pay.amount})


def patient_payment_rows(idx: LedgerIndex, patient_id: str) -> Iterator[Keyed]:
    for n, pay in idx.patient_payments.get(patient_id, ()):
        yield _key(pay.date, "patient_payment", _n(n)), patient_payment_row(idx, n, pay)


def adjustment_row(idx: LedgerIndex, n: int, adj: Adjustment) -> CardRow:
    """The adjustment's row; ``n`` is its place in the practice's adjustments (its ref)."""
    adj_code = idx.adjustment_codes.get(adj.code)
    proc = idx.procedures.get(adj.procedure or "")
    service = (adj_code.description if adj_code and adj_code.description else adj.code)
    if proc is not None:
        service += f" ({proc.code})"
    text = {"code": "9" + adj.code, "service": service, "notes": adj.note, **stamp_cells(adj.stamp)}
    if proc is not None:
        text.update(provider=proc.provider, tooth=proc.tooth, surface=proc.surface)
    marker = CONVERTED if _is_converted(idx, adj.code) else PAID_IN_FULL
    return _row(ADJUSTMENT, f"adjustment:{n}", adj.date, marker, text,
                {"adjust": adj.amount, "balance": adj.amount})


def adjustment_rows(idx: LedgerIndex, patient_id: str) -> Iterator[Keyed]:
    for n, adj in idx.adjustments.get(patient_id, ()):
        yield _key(adj.date, "adjustment", _n(n)), adjustment_row(idx, n, adj)


def note_row(n: int, note: LedgerNote) -> CardRow:
    # Service too: Detail columns start hidden.
    text = {"notes": note.text, "service": "Note: " + note.text, **stamp_cells(note.stamp)}
    return _row(NOTE, f"note:{n}", note.date, "", text, {})


def note_rows(idx: LedgerIndex, patient_id: str) -> Iterator[Keyed]:
    for n, note in enumerate(idx.practice.ledger_notes):
        if note.patient == patient_id:
            yield _key(note.date, "note", _n(n)), note_row(n, note)


def statement_text(sent: StatementSent) -> str:
    """"Statement sent, due 124.50" ("credit 12.00" when the family was in credit)."""
    credit = sent.insurance_pending - sent.new_balance
    if sent.amount_due == 0 and credit > 0:
        return f"Statement sent, credit {fmt(credit)}"
    return f"Statement sent, due {fmt(sent.amount_due)}"


def statement_row(n: int, sent: StatementSent) -> CardRow:
    """A statement sent to the family, on the guarantor's card: a line without money."""
    text = {"service": statement_text(sent), "notes": sent.file, **stamp_cells(sent.stamp)}
    return _row(STATEMENT, f"statement:{n}", sent.date, "", text, {})


def statement_rows(idx: LedgerIndex, patient_id: str) -> Iterator[Keyed]:
    for n, sent in enumerate(idx.practice.statements):
        if sent.patient == patient_id:
            yield _key(sent.date, "statement", _n(n)), statement_row(n, sent)


# --- the card -------------------------------------------------------------------------

def keyed_rows(idx: LedgerIndex, patient_id: str) -> Iterator[Keyed]:
    for proc in idx.procedures_of.get(patient_id, ()):
        # Planned work is not on the ledger; insurance money posted on it still is.
        if proc.status == "complete":
            yield from procedure_rows(idx, proc)
            yield from capitation_rows(idx, proc)
        for pl in idx.paid_lines.get(proc.id, ()):
            yield from insurance_rows(idx, proc, pl)
    yield from patient_payment_rows(idx, patient_id)
    yield from adjustment_rows(idx, patient_id)
    yield from note_rows(idx, patient_id)
    yield from statement_rows(idx, patient_id)


def day_summary(posted: date, rows: list[CardRow]) -> CardRow:
    sums = {key: sum(r.values.get(key, 0) for r in rows) for key in SUMMED_COLUMNS}
    return day_summary_row(posted, len(rows), sums)


def day_summary_row(posted: date, money_rows: int, sums: Mapping[str, int]) -> CardRow:
    """The line after a day with ``money_rows`` (2+) money rows; ``sums``: SUMMED_COLUMNS totals."""
    return _row(DAY_SUMMARY, "", posted, "", {"service": f"Day total ({money_rows} lines)"},
                {key: sums.get(key, 0) for key in SUMMED_COLUMNS})


def card_rows(idx: LedgerIndex, patient_id: str) -> tuple[CardRow, ...]:
    """Rows in posted-date order; a day summary after each date with two or more money rows."""
    ordered = [row for _, row in sorted(keyed_rows(idx, patient_id), key=lambda kr: kr[0])]
    out: list[CardRow] = []
    for posted, group in groupby(ordered, key=lambda r: r.posted):
        day = list(group)
        out.extend(day)
        money_rows = [r for r in day if r.is_money]
        if len(money_rows) >= 2:
            out.append(day_summary(posted, money_rows))
    return tuple(out)


# --- a window of the card -------------------------------------------------------------


class Entry(NamedTuple):
    """One card line named the way the store's ledger_entry table names it, in practice terms:

    - ``("procedure", procedure id)``; ``("visit", procedure id, n)`` (n 0 = visit A);
      ``("capitation", procedure id, plan id)``;
    - ``("insurance_payment" | "writeoff", payment index, line index)``: one line of
      ``practice.claim_payments[payment index]``;
    - ``("patient_payment" | "adjustment" | "note" | "statement", list index, ref number)``: the item at
      ``list index`` of the practice's list, shown with the ref number it has in its whole family.
    """
    kind: str
    key: object
    detail: object = None


def entry_row(idx: LedgerIndex, entry: Entry) -> CardRow:
    """The card row of one entry, exactly as `card_rows` builds it."""
    kind, key, detail = entry
    practice = idx.practice
    if kind == "procedure":
        return procedure_row(idx, idx.procedures[key])
    if kind == "visit":
        return visit_row(idx, idx.procedures[key], detail)
    if kind == "capitation":
        line = next(ln for ln in idx.lines_of(key) if ln.plan == detail)
        return capitation_row(idx, idx.procedures[key], line)
    if kind in ("insurance_payment", "writeoff"):
        payment = practice.claim_payments[key]
        line = payment.lines[detail]
        paid = PaidLine(key, detail, payment, line, idx.claims[payment.claim])
        build = insurance_payment_row if kind == "insurance_payment" else insurance_writeoff_row
        return build(idx, idx.procedures[line.procedure], paid)
    if kind == "patient_payment":
        return patient_payment_row(idx, detail, practice.patient_payments[key])
    if kind == "adjustment":
        return adjustment_row(idx, detail, practice.adjustments[key])
    if kind == "note":
        return note_row(detail, practice.ledger_notes[key])
    if kind == "statement":
        return statement_row(detail, practice.statements[key])
    raise ValueError(f"unknown ledger entry kind {kind!r}")


def entry_rows(idx: LedgerIndex, entries: Iterable[Entry]) -> tuple[CardRow, ...]:
    """The rows of ``entries`` in the order given (the store reads them in card order)."""
    return tuple(entry_row(idx, entry) for entry in entries)
