"""Import limits (issue 13): names and free text have a maximum length and no control or
bidi characters, ids are short printable text, dates are sane; a null document, a folder, a
50 MB name or a deeply nested document get one clear line, and nothing is written."""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from cli.main import main

MINIMAL = {"format": "dentledger-practice/1", "practice": {
    "as_of": "2026-03-01",
    "providers": [{"id": "DOC", "name": "Dr. Who"}],
    "procedure_codes": [{"code": "D0150", "category": "diagnostic", "description": "Exam"}],
    "patients": [{"id": "P1", "name": "Smith, Ann", "birthdate": "1980-01-01",
                  "guarantor": "P1", "coverage": []}],
    "procedures": [{"id": "X1", "patient": "P1", "code": "D0150", "date": "2026-02-01",
                    "fee": 100, "status": "complete", "provider": "DOC", "note": "ok"}],
}}


def variant(change) -> dict:
    doc = copy.deepcopy(MINIMAL)
    change(doc["practice"])
    return doc


def set_in(path: str, value):
    """``patients.0.name`` = value."""
    def change(practice):
        *parents, last = path.split(".")
        node = practice
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return change


def import_line(capsys, tmp_path, file: Path, *, db: Path | None = None) -> str:
    db = db or tmp_path / "office.db"
    status = main(["--db", str(db), "import", str(file)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("dentledger: ") and err.count("\n") == 1, err[:500]
    assert len(err) < 600  # a 50 MB name is not echoed back
    return err


def write(tmp_path, doc, name="practice.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_the_minimal_file_imports(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "ok.db"), "import", str(write(tmp_path, MINIMAL))]) == 0


@pytest.mark.parametrize("change, message", [
    (set_in("patients.0.name", "Smith\x1b[2J, Ann"), "control character (U+001B)"),
    (set_in("patients.0.name", "Smith, \u202eAnn"), "bidirectional override (U+202E)"),
    (set_in("patients.0.name", "Smith\u2066, Ann"), "bidirectional override (U+2066)"),
    (set_in("patients.0.name", "Smith,\nAnn"), "control character (U+000A)"),
    (set_in("patients.0.name", "S" * 201), "201 characters long; names have at most 200"),
    (set_in("providers.0.name", "Dr\x9bWho"), "control character (U+009B)"),
    (set_in("procedures.0.note", "x" * 10_001), "texts have at most 10,000"),
    (set_in("procedures.0.note", "call\x07back"), "control character (U+0007)"),
    (set_in("procedure_codes.0.description", "Exam\u202e"), "bidirectional override"),
    (set_in("patients.0.id", "P" * 65), "ids have at most 64"),
    (set_in("procedures.0.id", "X 1\u200b"), "does not print (U+200B)"),
    (set_in("procedures.0.date", "0001-01-01"), "outside 1900-01-01 .. 2100-12-31"),
    (set_in("procedures.0.date", "9999-12-31"), "outside 1900-01-01 .. 2100-12-31"),
    (set_in("patients.0.birthdate", "1899-12-31"), "outside 1900-01-01"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_text_and_dates_beyond_the_limits_are_refused(tmp_path, capsys, change, message):
    err = import_line(capsys, tmp_path, write(tmp_path, variant(change)))
    assert message in err
    assert not (tmp_path / "office.db").exists()  # refused before the database is opened


def test_free_text_may_have_line_breaks_and_tabs(tmp_path):
    doc = variant(set_in("procedures.0.note", "first line\n\tsecond line\r\n"))
    assert main(["--db", str(tmp_path / "ok.db"), "import", str(write(tmp_path, doc))]) == 0


def test_a_null_document(tmp_path, capsys):
    assert "a practice file is a JSON object, not null" in import_line(
        capsys, tmp_path, write(tmp_path, "null"))


def test_a_folder(tmp_path, capsys):
    (tmp_path / "folder.json").mkdir()
    assert "is a folder" in import_line(capsys, tmp_path, tmp_path / "folder.json")


def test_a_50_mb_name(tmp_path, capsys):
    doc = json.dumps(MINIMAL).replace('"Smith, Ann"', '"' + "A" * 50_000_000 + '"')
    err = import_line(capsys, tmp_path, write(tmp_path, doc))
    assert "50,000,000 characters long; names have at most 200" in err


def test_a_deeply_nested_document(tmp_path, capsys):
    doc = '{"format": "dentledger-practice/1", "practice": {"notes": ' + "[" * 100_000 + \
          "]" * 100_000 + "}}"
    err = import_line(capsys, tmp_path, write(tmp_path, doc))
    assert "nested more than 32 levels deep" in err
    assert not (tmp_path / "office.db").exists()


def test_a_refused_import_leaves_the_database_as_it_was(office, tmp_path, capsys):
    before = hashlib.sha256(Path(office).read_bytes()).hexdigest()
    bad = write(tmp_path, variant(set_in("patients.0.name", "\x1b[2J")))
    import_line(capsys, tmp_path, bad, db=Path(office))
    main(["--db", office, "import", "--replace", str(bad)])
    assert hashlib.sha256(Path(office).read_bytes()).hexdigest() == before
