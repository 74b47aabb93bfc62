"""Issue 11, "Money input", the practice-file entry point: import reads amounts with the one
parser and its range; export writes only what import accepts (so every export imports)."""
from __future__ import annotations

import pytest

from cli import main as cli_main
from estimator.money import MAX_CENTS
from store.files.practice_file import PracticeFileError, encode_json, parse_practice_text

from test_practice_file import minimal


def _with_fee(raw: str) -> str:
    """The minimal practice with its procedure's fee written as ``raw`` JSON text."""
    doc = minimal()
    doc["practice"]["procedures"][0]["fee"] = "FEE"
    return encode_json(doc).replace('"FEE"', raw)


@pytest.mark.parametrize("raw, words", [
    ("10000000.00", "too large"), ("1E+3000", "too large"), ("1" + "0" * 30, "too large"),
    ("1.234", "more than two decimals"), ('"1,50"', "without quotes"), ("NaN", "NaN"),
    ("-1e999", "too large"),
])
def test_money_input_practice_file_refuses_with_the_path(raw, words):
    with pytest.raises(PracticeFileError) as refused:
        parse_practice_text(_with_fee(raw))
    message = str(refused.value)
    assert "practice.procedures[0].fee" in message and words in message
    assert "InvalidOperation" not in message and "OverflowError" not in message


def test_money_input_practice_file_accepts_the_maximum():
    assert parse_practice_text(_with_fee("9999999.99")).practice.procedures[0].fee == MAX_CENTS


def test_money_input_export_refuses_what_import_would(tmp_path, capsys):
    path, source = str(tmp_path / "office.db"), tmp_path / "in.json"
    source.write_text(_with_fee("150.00"))
    assert cli_main.main(["--db", path, "import", str(source)]) == 0
    from store.db import open_database
    db = open_database(path, create=False)
    db.execute_sql("UPDATE procedure SET fee_cents = ?", (MAX_CENTS + 1,))  # an old database
    db.close()
    capsys.readouterr()
    assert cli_main.main(["--db", path, "export", str(tmp_path / "out.json")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "too large" in err
    assert not (tmp_path / "out.json").exists()
