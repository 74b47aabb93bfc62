"""The printed treatment plan (documents.treatment_plan): 80-column text and a Letter PDF with
the statements' pieces, user text printed as data."""
from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from documents.treatment_plan import render_pdf, render_text
from estimator.statement_types import Party
from estimator.visit_views import PlanColumn, PlanEstimate, PlannedLine, TreatmentPlan


def _line(n: int, code: str, description: str, charge: int, ins: int, wo: int,
          note: str = "") -> PlannedLine:
    return PlannedLine(str(n), f"PR{n}", n, date(2026, 11, 20), code, description, "3", "",
                       "Reyes, Ana", charge, 1, charge, (PlanEstimate(ins, wo, note),),
                       charge - ins - wo)


PLAN = TreatmentPlan(
    patient="O'Brien, **Seán** [bold]x[/] {nb}", as_of=date(2026, 11, 20),
    plans=(PlanColumn(1, "Delta Dental", 20000, 19000, 1000, 1, unbilled=0),),
    lines=(_line(1, "D2740", "Crown, porcelain/ceramic", 125000, 15000, 42200,
                 "Annual max left 150.00"),
           _line(2, "D0220", "Intraoral periapical\x1b[31m, first image", 3500, 4000, 0)),
    charge=128500, ins_est=(19000,), writeoff_est=(42200,), patient_portion=67300)
OFFICE = Party("Riverside Dental", ("1 Main St", "San Antonio, TX 78205"), "210-555-0100")


def test_text_plan():
    text = render_text(PLAN, OFFICE)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "TREATMENT PLAN" in lines[0] and "Riverside Dental" in lines[0]
    assert "O'Brien, **Seán** [bold]x[/] {nb}" in text  # printed as typed, never markup
    assert "\x1b" not in text
    assert any("D2740" in line and "1,250.00" in line and "150.00" in line and "673.00" not in line
               for line in lines)
    assert any(line.strip().startswith("Total") or " Total " in line for line in lines)
    flat = " ".join(text.split())
    assert "Ins 1 Delta Dental: insurance 150.00, write-off 422.00 (Annual max left 150.00)" in flat
    assert "annual maximum left 200.00; this plan's estimates 190.00; left after 10.00; 1 item(s)" \
           " over the maximum" in flat
    assert "not a guarantee of payment" in flat


def test_pdf_plan():
    data = render_pdf(PLAN, OFFICE, fallback=None)
    assert data.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    for expected in ("TREATMENT PLAN", "Riverside Dental", "D2740", "1,285.00", "673.00",
                     "{nb}", "Page 1 of 1"):
        assert expected in page, expected


def test_a_plan_without_lines_or_insurance():
    empty = TreatmentPlan("Lee, Ann", date(2026, 1, 1), (), (), 0, (), (), 0)
    text = render_text(empty)
    assert "No treatment is planned." in text and "No insurance on file" in text
    assert render_pdf(empty, fallback=None).startswith(b"%PDF")
