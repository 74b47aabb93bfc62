"""Statements as Letter-size PDF pages (one document per family; several can share a file).

Page one: the practice, the statement's facts with the amount due (the remittance stub), the
guarantor's address in the envelope window, a tear line; then the period and the
transactions per patient (the table header repeats on a new page, under a running head),
the reconciliation beside the aging boxes, pending insurance, the amount due in a frame, and
the message. Same content and order as `statement_text`.
"""
from __future__ import annotations

from estimator.statement_types import PatientActivity, Statement, VisitProcedure, Walkout

from . import words as w
from .pdf_kit import AUTO, Letter, PdfCol

STATEMENT_COLS = (
    PdfCol("Date", 58), PdfCol("Code", 44), PdfCol("Description", 254), PdfCol("Tooth", 44),
    PdfCol("Charges", 70, "R"), PdfCol("Credits", 70, "R"),
)
WALKOUT_COLS = (
    PdfCol("Code", 44), PdfCol("Description", 196), PdfCol("Tooth", 44), PdfCol("Fee", 64, "R"),
    PdfCol("Insurance", 64, "R"), PdfCol("Write-off", 64, "R"), PdfCol("Your part", 64, "R"),
)
PAID_COLS = (PdfCol("Date", 58), PdfCol("Description", 412), PdfCol("Credit", 70, "R"))
BODY_TOP = 250.0   # below the tear line


def _running_head(doc: Letter, text: str) -> None:
    doc.line_of_text(text, size=8, bold=True, gap=8)


def _first_page(doc: Letter, office, title: str, facts, addressee, tear_note: str) -> None:
    doc.office_header(office, title)
    doc.facts_box(facts)
    doc.address_window(addressee)
    doc.tear_line(BODY_TOP - 18, tear_note)
    doc.y_pos = BODY_TOP


# --- the statement ------------------------------------------------------------------------

def _patient(doc: Letter, activity: PatientActivity) -> None:
    doc.need(48)
    doc.y_pos += 6
    doc.line_of_text(activity.name, size=10, bold=True)
    if not activity.lines:
        doc.line_of_text("No activity in this period.")
    else:
        doc.table_header(STATEMENT_COLS)
        for i, line in enumerate(activity.lines):
            if i == len(activity.lines) - 1:
                doc.need(26, lambda: doc.table_header(STATEMENT_COLS))  # keep the total with its last row
            doc.table_row(STATEMENT_COLS, [w.day(line.date), line.code, line.description, line.tooth,
                                           w.money(line.charge), w.money(line.credit)],
                          redo=lambda: doc.table_header(STATEMENT_COLS))
    doc.line_of_text(w.patient_summary(activity), size=8.5, align="R")


def _summary(doc: Letter, st: Statement) -> None:
    doc.need(150)
    top = doc.y_pos + 10
    left_end = doc.pairs(w.totals_rows(st), doc.MARGIN, top, 230, bold_last=True)
    x = doc.MARGIN + 260
    width = doc.CONTENT_W - 260
    y = doc.boxes(w.AGING_LABELS, w.aging_values(st.aging), x, top, width) + 8
    y = doc.pairs([w.pending_row(st)], x, y, width) + 4
    label, value = w.amount_due(st)
    y = doc.framed_amount(label, value, x, y, width) + 4
    note = w.due_note(st)
    if note:
        doc.put(x, y, note, size=8, width=width)
        y += 12
    doc.y_pos = max(left_end, y) + 10


def draw_statement(doc: Letter, st: Statement) -> range:
    """Add the family's statement to ``doc`` on pages of its own; returns their numbers."""
    label, value = w.amount_due(st)
    head = f"{st.office.name} - statement for {st.guarantor.name}, {w.day(st.statement_date)} (continued)"
    doc.begin(f"Account {st.account_no}", continued=lambda: _running_head(doc, head))
    facts = [("Statement date", w.day(st.statement_date)), ("Account", st.account_no),
             ("Amount enclosed", ""), (label, value)]
    _first_page(doc, st.office, "STATEMENT", facts, st.guarantor,
                "Please detach and return the upper portion with your payment.")
    doc.line_of_text(w.period(st), size=9.5, bold=True)
    for activity in st.patients:
        _patient(doc, activity)
    _summary(doc, st)
    if st.message:
        doc.paragraph(st.message)
    return doc.end()


# --- the walk-out statement -----------------------------------------------------------------

def _visit(doc: Letter, proc: VisitProcedure) -> None:
    redo = lambda: doc.table_header(WALKOUT_COLS)  # noqa: E731
    doc.table_row(WALKOUT_COLS, [
        proc.code, proc.description, proc.tooth, w.money(proc.charge),
        w.money(sum(s.insurance for s in proc.plans)), w.money(sum(s.writeoff for s in proc.plans)),
        w.money(proc.patient_portion)], redo=redo)
    for share in proc.plans:
        text = (f"Ins {share.order} {share.plan_name}: insurance {w.money(share.insurance)}, "
                f"write-off {w.money(share.writeoff)}" + (f" ({share.note})" if share.note else ""))
        doc.need(11, redo)
        doc.put(doc.MARGIN + 52, doc.y_pos, text, size=7.5, width=doc.CONTENT_W - 52)
        doc.y_pos += 11


def draw_walkout(doc: Letter, wo: Walkout) -> range:
    head = f"{wo.office.name} - walk-out statement for {wo.patient.name}, {w.day(wo.day)} (continued)"
    doc.begin(f"Account {wo.account_no}", continued=lambda: _running_head(doc, head))
    facts = [("Visit date", w.day(wo.day)), ("Account", wo.account_no),
             ("Your estimated balance", w.money(wo.balance.patient))]
    _first_page(doc, wo.office, "WALK-OUT STATEMENT", facts, wo.patient, "Thank you for your visit.")
    if wo.procedures:
        doc.line_of_text("Today's treatment", size=10, bold=True)
        doc.table_header(WALKOUT_COLS)
        for proc in wo.procedures:
            _visit(doc, proc)
    if wo.paid:
        doc.y_pos += 6
        doc.line_of_text("Paid and adjusted today", size=10, bold=True)
        doc.table_header(PAID_COLS)
        for line in wo.paid:
            doc.table_row(PAID_COLS, [w.day(line.date), line.description, w.money(-line.amount)],
                          redo=lambda: doc.table_header(PAID_COLS))
    doc.need(120)
    top = doc.y_pos + 10
    left_end = doc.pairs(w.walkout_totals(wo), doc.MARGIN, top, 250)
    right_end = doc.pairs(w.walkout_balance(wo), doc.MARGIN + 290, top, 250, bold_last=False)
    doc.y_pos = max(left_end, right_end) + 10
    if wo.message:
        doc.paragraph(wo.message)
    return doc.end()


# --- one document to bytes ------------------------------------------------------------------

def statement_pdf(st: Statement, *, fallback=AUTO) -> bytes:
    doc = Letter(fallback)
    draw_statement(doc, st)
    return bytes(doc.output())


def walkout_pdf(wo: Walkout, *, fallback=AUTO) -> bytes:
    doc = Letter(fallback)
    draw_walkout(doc, wo)
    return bytes(doc.output())

