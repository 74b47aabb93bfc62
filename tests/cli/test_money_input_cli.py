"""Issue 11, "Money input", the command-line entry point: every amount given to a command
goes through the one parser; a bad one is one line on stderr naming the option, exit 1,
nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest

from cli import main as cli_main

FIXTURE = Path(__file__).parents[1] / "services" / "fixtures" / "wilson.json"
BAD = {"1,50": "commas go between groups", "12,34,5": "commas go between groups",
       "1e3": "is not an amount", "1_000": "is not an amount", "١٢٣": "digits 0-9",
       "５": "digits 0-9", "NaN": "is not an amount", "Infinity": "is not an amount",
       "10000000.00": "too large", "1000000000.00": "too large"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("money") / "office.db")
    assert cli_main.main(["--db", path, "import", str(FIXTURE)]) == 0
    return path


def _payments(path: str) -> int:
    from store.db import open_database
    db = open_database(path, create=False)
    try:
        return db.execute_sql("SELECT count(*) FROM patient_payment").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("amount", list(BAD))
def test_money_input_cli_refuses_each_bad_amount_in_one_line(db_path, capsys, amount):
    before = _payments(db_path)
    status = cli_main.main(["--db", db_path, "post", "payment", "--patient", "PAGE_T",
                            "--amount", amount, "--method", "cash"])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1
    assert err.startswith("dentledger: --amount: ") and BAD[amount] in err
    assert "InvalidOperation" not in err and "OverflowError" not in err
    assert _payments(db_path) == before


@pytest.mark.parametrize("argv, option", [
    (["post", "procedure", "--patient", "PAGE_T", "--code", "D1110", "--fee", "1,50"], "--fee"),
    (["post", "adjustment", "--patient", "PAGE_T", "--amount", "1e3", "--code", "COURTESY"],
     "--amount"),
    (["claim", "pay", "1", "--check-no", "9", "--line", "X1:1,50"], "--line X1 paid"),
    (["claim", "pay", "1", "--check-no", "9", "--line", "X1:10.00:５"], "--line X1 write-off"),
    (["claim", "pay", "1", "--check-no", "9", "--amount", "NaN", "--line", "X1:10.00"],
     "--amount"),
])
def test_money_input_cli_every_money_option_uses_the_parser(db_path, capsys, argv, option):
    assert cli_main.main(["--db", db_path, *argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"dentledger: {option}: ")


def test_money_input_cli_a_negative_fee_is_refused_by_the_parser(db_path, capsys):
    assert cli_main.main(["--db", db_path, "post", "procedure", "--patient", "PAGE_T",
                          "--code", "D1110", "--fee", "-1.00"]) == 1
    assert "--fee: '-1.00' is negative" in capsys.readouterr().err
