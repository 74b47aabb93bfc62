"""Statements printed: the text golden-checked, the PDF read back with pypdf, hostile and
non-Latin text printed as data."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents import text_kit
from documents.pdf_fonts import fallback_font
from documents.statement_pdf import statement_pdf, walkout_pdf
from documents.statement_text import statement_text, walkout_text
from estimator.money import fmt_grouped
from estimator.statement import build_statement
from estimator.statement_types import Party
from estimator.walkout import build_walkout
from statement_fixtures import OFFICE, d, family

GOLDEN = Path(__file__).resolve().parent / "golden"
ADDRESS = Party("Ann Lee", ("9 Elm Street", "Springfield, IL 62704"))
MESSAGE = "Thank you for choosing Bright Smiles. Payment is due within 30 days of the statement date."
HOSTILE = "[bold]Lee[/bold] \x1b[31m\u202eevil =cmd **x** {nb} <b>y</b>"


def small_statement(**kw):
    practice, estimates = family()
    return build_statement(practice, estimates, "ANN", statement_date=d(30), office=OFFICE,
                           guarantor=ADDRESS, period_start=d(2), message=MESSAGE, **kw)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def renamed(practice, names: dict):
    return replace(practice, patients=tuple(replace(p, name=names.get(p.id, p.name)) for p in practice.patients))


# --- text -----------------------------------------------------------------------------------

def test_statement_text_golden():
    assert statement_text(small_statement()) == (GOLDEN / "statement.txt").read_text(encoding="utf-8")


def test_walkout_text_golden():
    practice, estimates = family()
    wo = build_walkout(practice, estimates, "ANN", d(1), office=OFFICE, patient=ADDRESS,
                       message="Next visit: call us to book your cleaning.")
    assert walkout_text(wo) == (GOLDEN / "walkout.txt").read_text(encoding="utf-8")


def test_every_demo_statement_fits_80_columns(demo):
    practice, estimates = demo
    practice = renamed(practice, {"FAM01_P1": "山田, 太郎 Ñúñez-O'Brien Zoë " + "x" * 80})
    for g in sorted({p.guarantor for p in practice.patients}):
        text = statement_text(build_statement(practice, estimates, g, statement_date=practice.as_of,
                                              office=OFFICE, message=MESSAGE * 3))
        assert max(map(text_kit.width, text.splitlines())) <= 80, g


def test_hostile_text_is_printed_literally_without_control_characters():
    practice, estimates = family()
    practice = renamed(practice, {"KID": HOSTILE})
    st = build_statement(practice, estimates, "ANN", statement_date=d(30), office=OFFICE,
                         message="=HYPERLINK(\"x\") [link]")
    text = statement_text(st)
    assert "[bold]Lee[/bold] \u241b[31m\ufffdevil =cmd **x** {nb} <b>y</b>" in text
    assert '=HYPERLINK("x") [link]' in text
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    assert "\u202e" not in text and "\x1b" not in text


def test_wide_characters_keep_the_columns():
    assert text_kit.width("山田太郎") == 8 and text_kit.width("Zoë") == 3
    assert text_kit.fit("山田太郎", 5) == "山田…" and text_kit.width(text_kit.left("山田", 6)) == 6


# --- PDF ------------------------------------------------------------------------------------

def test_pdf_has_the_family_every_amount_and_the_amount_due():
    st = small_statement()
    text = pdf_text(statement_pdf(st))
    assert "Ann Lee" in text and "Lee, Kid" in text and "9 Elm Street" in text
    for line in st.lines:
        assert fmt_grouped(line.charge if line.charge is not None else line.credit) in text
        assert line.description in text
    assert f"Amount due now {fmt_grouped(st.amount_due)}" in text
    assert "Statement date 06/30/2026" in text and "Account ANN" in text


def test_pdf_of_a_long_family_repeats_the_header_and_numbers_its_pages(demo):
    practice, estimates = demo
    st = build_statement(practice, estimates, "FAM01_P1", statement_date=practice.as_of, office=OFFICE,
                         period_start=practice.as_of - timedelta(days=150))
    reader = PdfReader(io.BytesIO(statement_pdf(st)))
    n = len(reader.pages)
    assert n > 2
    last = reader.pages[-1].extract_text()
    assert f"Page {n} of {n}" in last and "(continued)" in last
    assert fmt_grouped(st.amount_due) in last and "New balance" in last
    assert "Date Code Description Tooth Charges Credits" in reader.pages[1].extract_text()


@pytest.fixture(scope="module")
def unusual_pdf_text() -> str:
    """Accented and hostile patient names and a CJK practice name, without a CJK font."""
    practice, estimates = family()
    practice = renamed(practice, {"ANN": "Ñúñez-O'Brien, Zoë", "KID": HOSTILE})
    st = build_statement(practice, estimates, "ANN", statement_date=d(30),
                         office=replace(OFFICE, name="山田 Dental"), message="=cmd [b]x[/b]")
    return pdf_text(statement_pdf(st, fallback=None))


def test_pdf_prints_hostile_text_as_data(unusual_pdf_text):
    # The ESC's stand-in has no glyph in DejaVu Sans: it prints as U+FFFD, like the bidi override.
    assert "[bold]Lee[/bold] \ufffd[31m\ufffdevil =cmd **x** {nb} <b>y</b>" in unusual_pdf_text
    assert "=cmd [b]x[/b]" in unusual_pdf_text


def test_pdf_prints_accented_names_with_the_shipped_font(unusual_pdf_text):
    assert "Ñúñez-O'Brien, Zoë" in unusual_pdf_text and "Zoë Ñúñez-O'Brien" in unusual_pdf_text


def test_pdf_without_a_cjk_font_prints_a_replacement_never_nothing(unusual_pdf_text):
    assert "\ufffd\ufffd Dental" in unusual_pdf_text


@pytest.mark.skipif(fallback_font() is None, reason="this machine has no CJK font")
def test_pdf_with_the_machines_cjk_font_prints_the_name():
    practice, estimates = family()
    practice = renamed(practice, {"KID": "山田, 太郎"})
    st = build_statement(practice, estimates, "ANN", statement_date=d(30), office=OFFICE)
    assert "山田, 太郎" in pdf_text(statement_pdf(st))


def test_walkout_pdf():
    practice, estimates = family()
    wo = build_walkout(practice, estimates, "ANN", d(1), office=OFFICE, patient=ADDRESS)
    text = pdf_text(walkout_pdf(wo))
    assert "WALK-OUT STATEMENT" in text and "Ann Lee" in text
    assert "D2391" in text and "150.00" in text and "100.00" in text and "30.00" in text
    assert "Ins 1 Delta Dental: insurance 100.00, write-off 20.00" in text
