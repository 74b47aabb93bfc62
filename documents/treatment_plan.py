"""A printed treatment plan, as 80-column text and as a Letter PDF: the practice header and the
plan's facts (the statements' pieces, `statement_text.header` / `pdf_kit.Letter`), then the
planned work in plan order with fee, insurance, write-off and the patient's part, each plan's
share under its line (as on the walk-out statement), the totals, what is left of each plan's
annual maximum, and a note that estimates are not a guarantee of payment.

The content is `estimator.visit_views.TreatmentPlan`, already computed; names, codes and
descriptions are cleaned here before they are printed.
"""
from __future__ import annotations

from estimator.statement_types import Party
from estimator.text import clean
from estimator.visit_views import PlanColumn, PlannedLine, TreatmentPlan

from . import text_kit as tk
from . import words as w
from .pdf_kit import AUTO, Letter, PdfCol
from .statement_text import header

TITLE = "TREATMENT PLAN"
NOTE = ("Estimates are based on the insurance information on file and are not a guarantee of "
        "payment: your plan decides what it pays when the claim is processed. Work the annual "
        "maximum cannot cover this benefit year may be better done in the next one.")
TEXT_COLS = (
    tk.Col("#", 3, "right"), tk.Col("Code", 6), tk.Col("Description", 22), tk.Col("Tooth", 6),
    tk.Col("Fee", 9, "right"), tk.Col("Insurance", 9, "right"), tk.Col("Write-off", 9, "right"),
    tk.Col("Your part", 9, "right"),
)
PDF_COLS = (
    PdfCol("#", 22, "R"), PdfCol("Code", 44), PdfCol("Description", 198), PdfCol("Tooth", 44),
    PdfCol("Fee", 58, "R"), PdfCol("Insurance", 58, "R"), PdfCol("Write-off", 58, "R"),
    PdfCol("Your part", 58, "R"),
)


def _cells(n: int, line: PlannedLine) -> list[str]:
    tooth = " ".join(x for x in (line.tooth, line.surface) if x)
    return [str(n), clean(line.code), clean(line.description), clean(tooth), w.money(line.charge),
            w.money(line.insurance), w.money(line.writeoff), w.money(line.patient_portion)]


def _total(plan: TreatmentPlan) -> list[str]:
    return ["", "", "Total", "", w.money(plan.charge), w.money(plan.insurance),
            w.money(plan.writeoff), w.money(plan.patient_portion)]


def _shares(plan: TreatmentPlan, line: PlannedLine) -> list[str]:
    out = []
    for col, est in zip(plan.plans, line.plans):
        if est is not None and (len(plan.plans) > 1 or est.note):
            note = f" ({clean(est.note)})" if est.note else ""
            out.append(f"Ins {col.order} {clean(col.label)}: insurance {w.money(est.ins_est)}, "
                       f"write-off {w.money(est.writeoff_est)}{note}")
    return out


def _benefit(col: PlanColumn) -> str:
    left = "unknown" if col.annual_max_left is None else w.money(col.annual_max_left)
    after = "unknown" if col.left_after is None else w.money(col.left_after)
    unbilled = f"; work not billed yet {w.money(col.unbilled)}" if col.unbilled else ""
    text = (f"Ins {col.order} {clean(col.label)}: annual maximum left {left}{unbilled}; this "
            f"plan's estimates {w.money(col.planned)}; left after {after}")
    return text + (f"; {col.over_max} item(s) over the maximum" if col.over_max else "")


def _facts(plan: TreatmentPlan) -> list[tuple[str, str]]:
    return [("Patient", clean(plan.patient)), ("Date", w.day(plan.as_of)),
            ("Your part (est.)", w.money(plan.patient_portion))]


def render_text(plan: TreatmentPlan, office: Party | None = None) -> str:
    office = office or Party("")
    lines = [*header(office, TITLE, _facts(plan)), "",
             *tk.wrap(f"Planned treatment for {clean(plan.patient)}", tk.WIDTH), ""]
    if not plan.lines:
        lines.append("No treatment is planned.")
    else:
        lines += tk.table(TEXT_COLS, [])
        for n, line in enumerate(plan.lines, 1):
            lines.append(tk.row(TEXT_COLS, _cells(n, line)))
            lines += ["       " + part for share in _shares(plan, line)
                      for part in tk.wrap(share, tk.WIDTH - 7)]
        lines.append(tk.row(TEXT_COLS, _total(plan)))
    if plan.plans:
        lines += ["", "Insurance"] + ["  " + part for col in plan.plans
                                      for part in tk.wrap(_benefit(col), tk.WIDTH - 2)]
    else:
        lines += ["", "No insurance on file: the fees are yours."]
    lines += ["", *tk.wrap(NOTE, tk.WIDTH)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def draw_treatment_plan(doc: Letter, plan: TreatmentPlan, office: Party) -> range:
    doc.begin(f"Treatment plan {clean(plan.patient)}",
              continued=lambda: doc.line_of_text(f"{clean(office.name)} - treatment plan for "
                                                 f"{clean(plan.patient)} (continued)",
                                                 size=8, bold=True, gap=8))
    doc.office_header(office, TITLE)
    doc.facts_box(_facts(plan))
    doc.y_pos = doc.MARGIN + 100
    redo = lambda: doc.table_header(PDF_COLS)  # noqa: E731
    doc.line_of_text(f"Planned treatment for {clean(plan.patient)}", size=10, bold=True)
    if plan.lines:
        doc.table_header(PDF_COLS)
        for n, line in enumerate(plan.lines, 1):
            doc.table_row(PDF_COLS, _cells(n, line), redo=redo)
            for share in _shares(plan, line):
                doc.need(11, redo)
                doc.put(doc.MARGIN + 66, doc.y_pos, share, size=7.5, width=doc.CONTENT_W - 66)
                doc.y_pos += 11
        doc.table_row(PDF_COLS, _total(plan), bold=True, redo=redo)
    else:
        doc.line_of_text("No treatment is planned.", size=9.5)
    doc.y_pos += 8
    doc.line_of_text("Insurance" if plan.plans else "No insurance on file: the fees are yours.",
                     size=10, bold=True)
    for col in plan.plans:
        doc.line_of_text(_benefit(col), size=9)
    doc.y_pos += 6
    doc.paragraph(NOTE)
    return doc.end()


def render_pdf(plan: TreatmentPlan, office: Party | None = None, *, fallback=AUTO) -> bytes:
    doc = Letter(fallback)
    draw_treatment_plan(doc, plan, office or Party(""))
    return bytes(doc.output())
