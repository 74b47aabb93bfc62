"""Data that tries to act on a terminal or a spreadsheet does nothing through any output
(issue 13): tables, CSV, JSON and error messages carry no control byte, C1 byte or bidi
override, and no CSV cell starts a formula (a negative amount stays a number)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from cli.main import main
from store.db import open_database

# ESC [2J clears the screen; \x9b is the one-byte CSI; U+202E and U+2066 reorder what shows.
LAST = "=HYPERLINK(\"evil\")\x1b[2J\x9b31m"
FIRST = "\u202eRosa\u2066"
CARRIER = "+Delta\x1b]0;owned\x07\u202e"
DESCRIPTION = "@SUM(A1)\x1b[2J\u2066"

ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?[\d,]+(\.\d+)?")


@pytest.fixture
def hostile(office) -> str:
    db = open_database(office)
    db.execute_sql("UPDATE patient SET last_name = ?, first_name = ? WHERE file_id = 'FAM01_P1'",
                   (LAST, FIRST))
    db.execute_sql("UPDATE carrier SET name = ? WHERE name = 'Delta Dental'", (CARRIER,))
    db.execute_sql("UPDATE procedure_code SET description = ? WHERE code = 'D0150'",
                   (DESCRIPTION,))
    db.close()
    return office


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def inert(text: str) -> str:
    found = ACTIVE.search(text)
    assert found is None, f"{found.group()!r} reaches the terminal"
    return text


def cells_inert(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(inert(text))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA) or NUMBER.fullmatch(cell), cell
    return rows


TABLES = [
    ("balance", "FAM01_P1"),
    ("ledger", "FAM01_P1"),
    ("report", "claims", "--date", "2026-12-31"),
    ("report", "carriers", "--from", "2019-01-01", "--to", "2026-12-31"),
    ("report", "aging", "--date", "2026-12-31"),
]


@pytest.mark.parametrize("command", TABLES, ids=lambda c: "-".join(c[:2]))
def test_tables_show_hostile_text_inert(hostile, capsys, command):
    status, out, err = run(capsys, "--db", hostile, *command)
    assert status == 0, err
    inert(out + err)
    assert "HYPERLINK" in out or "Delta" in out  # the data is there, made visible


@pytest.mark.parametrize("command", TABLES, ids=lambda c: "-".join(c[:2]))
def test_csv_has_no_formula_and_no_control_byte(hostile, capsys, command):
    status, out, err = run(capsys, "--db", hostile, *command, "--format", "csv")
    assert status == 0, err
    rows = cells_inert(out)
    flat = [cell for row in rows for cell in row]
    assert any(cell.startswith(("'=HYPERLINK", "'+Delta", "'@SUM")) for cell in flat)


def test_negative_amounts_stay_numbers_in_csv(hostile, capsys):
    status, out, _ = run(capsys, "--db", hostile, "ledger", "FAM01_P1", "--format", "csv")
    cells = [cell for row in cells_inert(out) for cell in row]
    assert any(NUMBER.fullmatch(c) and c.startswith("-") for c in cells)
    assert not any(c.startswith("'-") and NUMBER.fullmatch(c[1:]) for c in cells)


@pytest.mark.parametrize("command", [
    ("balance", "FAM01_P1"),
    ("report", "claims", "--date", "2026-12-31"),
    ("report", "carriers", "--from", "2019-01-01", "--to", "2026-12-31"),
    ("post", "note", "--patient", "FAM01_P1", "--text", "call back \x1b[2J\u202e"),
    ("ledger", "FAM01_P1"),
], ids=lambda c: "-".join(c[:2]))
def test_json_escapes_what_a_terminal_would_act_on(hostile, capsys, command):
    status, out, err = run(capsys, "--db", hostile, *command, "--format", "json")
    assert status == 0, err
    data = json.loads(inert(out))  # still valid JSON, the data intact where it is data
    text = json.dumps(data, ensure_ascii=False)
    assert "HYPERLINK" in text or "Delta" in text


def test_json_keeps_the_data_exactly(hostile, capsys):
    _, out, _ = run(capsys, "--db", hostile, "balance", "FAM01_P1", "--format", "json")
    assert json.loads(inert(out))[0]["name"] == f"{LAST}, {FIRST}"


def test_export_to_standard_output_is_inert_and_exact(hostile, capsys):
    status, out, err = run(capsys, "--db", hostile, "export", "-")
    assert status == 0, err
    inert(out)
    names = [p["name"] for p in json.loads(out)["practice"]["patients"]]
    assert f"{LAST}, {FIRST}" in names


@pytest.mark.parametrize("argv", [
    ("ledger", "\x1b[2J\x9b31m\u202eabc"),
    ("balance", "\x1b[2J\u2066"),
    ("post", "payment", "--patient", "FAM01_P1", "--amount", "1\x1b[2J\x9b", "--method", "cash"),
    ("post", "note", "--patient", "nobody\x1b]0;x\x07", "--text", "hi"),
    ("backup", "/no/such/folder\x1b[2J\u202e/copy.db"),
    ("restore", "/no/such/file\x9b\u2066.db"),
    ("import", "/no/such/file\x1b[2J.json"),
], ids=lambda a: a[0] + "-" + a[1][:4].encode("unicode_escape").decode())
def test_error_messages_quote_user_values_inert(hostile, capsys, argv):
    status, out, err = run(capsys, "--db", hostile, *argv)
    assert status == 1
    assert err.startswith("dentledger: ") and err.count("\n") == 1
    inert(out + err)


def test_import_error_quoting_a_hostile_name_is_inert(tmp_path, capsys):
    doc = {"format": "dentledger-practice/1", "practice": {"patients": [
        {"id": "P\u202e1", "name": "\x1b[2J\x9bEvil", "birthdate": "1980-01-01",
         "guarantor": "P\u202e1", "coverage": []}]}}
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    status, out, err = run(capsys, "--db", str(tmp_path / "x.db"), "import", str(path))
    assert status == 1 and err.count("\n") == 1
    inert(err)
    assert "U+202E" in err or "u202e" in err
