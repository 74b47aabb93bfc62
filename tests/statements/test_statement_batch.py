"""Writing many statements one family at a time: per-family files, the print file in volumes."""
from __future__ import annotations

import io
import stat
from pathlib import Path

from pypdf import PdfReader

from documents.batch import safe_name, write_pdf, write_private, write_text
from estimator.statement import build_statement
from statement_fixtures import OFFICE, d, family


def statements(days):
    """One statement per day (the same family): distinct file names, lazily built."""
    practice, estimates = family()
    for day in days:
        yield build_statement(practice, estimates, "ANN", statement_date=d(day), office=OFFICE)


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_text_files_one_per_family_private(tmp_path):
    written = list(write_text(statements([10, 16, 30]), tmp_path))
    assert [w.path.name for w in written] == [
        "statement-ANN-2026-06-10.txt", "statement-ANN-2026-06-16.txt", "statement-ANN-2026-06-30.txt"]
    assert all(private(w.path) for w in written)
    assert "Amount due now               30.00" in written[0].path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(w.path.name for w in written)


def test_pdf_volumes_and_one_file_per_family(tmp_path):
    written = list(write_pdf(statements([10, 16, 20, 26, 30]), tmp_path, per_volume=2))
    assert [w.volume.name for w in written] == ["print-001.pdf"] * 2 + ["print-002.pdf"] * 2 + ["print-003.pdf"]
    for w in written:
        pages = PdfReader(io.BytesIO(w.path.read_bytes())).pages
        assert len(pages) == w.pages
        text = "".join(p.extract_text() for p in pages)
        assert f"Amount due now {w.document.amount_due / 100:.2f}" in text
        assert w.document.statement_date.strftime("%m/%d/%Y") in text
    volume = PdfReader(io.BytesIO((tmp_path / "print-001.pdf").read_bytes()))
    assert len(volume.pages) == sum(w.pages for w in written[:2])
    files = sorted(tmp_path.iterdir())
    assert len(files) == 5 + 3 and all(private(p) for p in files)
    assert not any(p.name.endswith(".part") for p in files)


def test_print_file_only(tmp_path):
    written = list(write_pdf(statements([10, 30]), tmp_path, singles=False))
    assert [w.path for w in written] == [None, None]
    assert [p.name for p in tmp_path.iterdir()] == ["print-001.pdf"]


def test_input_is_read_one_volume_at_a_time(tmp_path):
    """The caller's generator is not run ahead of the volume being written."""
    pulled = []

    def lazily():
        for st in statements([10, 16, 20]):
            pulled.append(st.statement_date)
            yield st

    run = write_pdf(lazily(), tmp_path, per_volume=1, combined=False)
    next(run)
    assert len(pulled) == 1


def test_private_write_replaces_a_loose_file(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("old")
    target.chmod(0o644)
    write_private(target, b"new")
    assert target.read_bytes() == b"new" and private(target)


def test_account_numbers_are_safe_file_names():
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("A 1/2") == "A_1_2" and safe_name("...") == "account"
