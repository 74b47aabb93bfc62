"""Statements as plain text, 80 columns: for email and for `less` over SSH.

Same content as the PDF, in the same order: practice header and the statement's facts, the
guarantor's address, the transactions per patient, the reconciliation, aging, pending
insurance, the amount due in a box, the message. UTF-8; no control characters (the content
arrives cleaned), no markup.
"""
from __future__ import annotations

from estimator.money import fmt_grouped
from estimator.statement_types import Party, PatientActivity, PlanShare, Statement, VisitProcedure, Walkout

from . import text_kit as tk
from . import words as w

RIGHT_BLOCK = 46   # the statement's facts start at this column, beside the practice
STATEMENT_COLS = (
    tk.Col("Date", 10), tk.Col("Code", 6), tk.Col("Description", 33), tk.Col("Tooth", 6),
    tk.Col("Charges", 10, "right"), tk.Col("Credits", 10, "right"),
)
WALKOUT_COLS = (
    tk.Col("Code", 6), tk.Col("Description", 24), tk.Col("Tooth", 7), tk.Col("Fee", 9, "right"),
    tk.Col("Insurance", 9, "right"), tk.Col("Write-off", 9, "right"), tk.Col("Your part", 9, "right"),
)
PAID_COLS = (tk.Col("Date", 10), tk.Col("Description", 57), tk.Col("Credit", 11, "right"))


# --- shared pieces (a printed treatment plan uses them too) ---------------------------------

def office_lines(office: Party) -> list[str]:
    return [office.name, *office.address, *([f"Phone {office.phone}"] if office.phone else [])]


def header(office: Party, title: str, facts: list[tuple[str, str]]) -> list[str]:
    """The practice on the left; the document's title and facts on the right."""
    right = [tk.right(title, tk.WIDTH - RIGHT_BLOCK), *tk.pairs(facts, 16, tk.WIDTH - RIGHT_BLOCK - 16)]
    return tk.side_by_side(office_lines(office), right, RIGHT_BLOCK)


def address_block(party: Party) -> list[str]:
    """The addressee, indented as on the printed page (the envelope window)."""
    return ["    " + tk.fit(line, tk.WIDTH - 4) for line in (party.name, *party.address)]


def message_lines(message: str) -> list[str]:
    return ["", *tk.wrap(message, tk.WIDTH)] if message else []


# --- the statement ------------------------------------------------------------------------

def _line_cells(line) -> list[str]:
    return [w.day(line.date), line.code, line.description, line.tooth,
            w.money(line.charge), w.money(line.credit)]


# The usual line (ASCII code, description and tooth) by one format string: what `tk.row`
# gives, several times faster (a billing run prints millions of lines).
_LINE = " ".join(f"{{:{'>' if c.align == 'right' else '<'}{c.cells}}}" for c in STATEMENT_COLS)
_CODE, _DESCRIPTION, _TOOTH = (c.cells for c in STATEMENT_COLS[1:4])


def _line_text(line) -> str:
    code, text, tooth = line.code, line.description, line.tooth
    if not (code.isascii() and text.isascii() and tooth.isascii()):
        return tk.row(STATEMENT_COLS, _line_cells(line))
    if len(text) > _DESCRIPTION:  # cut as `tk.fit` cuts (ASCII: one cell a character)
        text = text[:_DESCRIPTION - 1] + tk.ELLIPSIS
    if len(code) > _CODE or len(tooth) > _TOOTH:
        code, tooth = tk.fit(code, _CODE), tk.fit(tooth, _TOOTH)
    charge, credit = line.charge, line.credit
    return _LINE.format(w.day(line.date), code, text, tooth,
                        "" if charge is None else fmt_grouped(charge),
                        "" if credit is None else fmt_grouped(credit)).rstrip()


def _patient(activity: PatientActivity) -> list[str]:
    out = ["", tk.fit(activity.name, tk.WIDTH)]
    if activity.lines:
        out += tk.table(STATEMENT_COLS, ())
        out += [_line_text(line) for line in activity.lines]
    else:
        out.append("No activity in this period.")
    out.append(tk.right(w.patient_summary(activity), tk.WIDTH))
    return out


def _summary(st: Statement) -> list[str]:
    label, value = w.amount_due(st)
    out = ["", *tk.pairs(w.totals_rows(st), 24, 14), ""]
    out += tk.boxes(w.AGING_LABELS, w.aging_values(st.aging), 19)
    out += ["", *tk.pairs([w.pending_row(st)], 28, 14)]
    out += tk.framed([tk.left(label, 26) + tk.right(value, 14)], 44)
    note = w.due_note(st)
    return out + ([note] if note else [])


def statement_text(st: Statement) -> str:
    label, value = w.amount_due(st)
    facts = [("Statement date", w.day(st.statement_date)), ("Account", st.account_no), (label, value)]
    lines = [*header(st.office, "STATEMENT", facts), "", *address_block(st.guarantor), "",
             w.period(st)]
    lines += [text for activity in st.patients for text in _patient(activity)]
    lines += _summary(st)
    lines += message_lines(st.message)
    return "\n".join(line.rstrip() for line in lines) + "\n"


# --- the walk-out statement -----------------------------------------------------------------

def _share_line(share: PlanShare) -> str:
    text = (f"      Ins {share.order} {share.plan_name}: insurance {w.money(share.insurance)}, "
            f"write-off {w.money(share.writeoff)}")
    return tk.fit(text + (f" ({share.note})" if share.note else ""), tk.WIDTH)


def _visit_rows(proc: VisitProcedure) -> list[str]:
    insurance = sum(s.insurance for s in proc.plans)
    writeoff = sum(s.writeoff for s in proc.plans)
    first = tk.row(WALKOUT_COLS, [proc.code, proc.description, proc.tooth, w.money(proc.charge),
                                  w.money(insurance), w.money(writeoff), w.money(proc.patient_portion)])
    return [first, *(_share_line(s) for s in proc.plans)]


def walkout_text(wo: Walkout) -> str:
    facts = [("Visit date", w.day(wo.day)), ("Account", wo.account_no)]
    lines = [*header(wo.office, "WALK-OUT STATEMENT", facts), "", *address_block(wo.patient), ""]
    if wo.procedures:
        lines += tk.table(WALKOUT_COLS, [])
        lines += [text for proc in wo.procedures for text in _visit_rows(proc)]
    if wo.paid:
        lines += ["", "Paid and adjusted today"]
        lines += tk.table(PAID_COLS, [[w.day(ln.date), ln.description, w.money(-ln.amount)] for ln in wo.paid])
    lines += ["", *tk.pairs(w.walkout_totals(wo), 30, 14), ""]
    lines += tk.pairs(w.walkout_balance(wo), 30, 14)
    lines += message_lines(wo.message)
    return "\n".join(line.rstrip() for line in lines) + "\n"
