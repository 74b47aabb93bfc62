"""``dentledger report NAME``: table, CSV and JSON; one clear line for bad arguments."""
from __future__ import annotations

import argparse
import csv
import io
import json

import pytest

from cli import commands
from cli.report_commands import register


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """What `dentledger` prints for ``argv`` (the parser of cli.main when it has ``report``,
    else ``register`` on a parser like it), errors handled as cli.main does."""
    from cli import main as cli_main
    parser = cli_main.build_parser()
    if "report" not in _subcommands(parser):
        parser = argparse.ArgumentParser(prog="dentledger")
        parser.add_argument("--db")
        register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except Exception as exc:  # as cli.main: one line, exit 1
        print(f"dentledger: {commands.describe_error(exc)}", file=__import__("sys").stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


def _subcommands(parser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


YEAR = ["--from", "2026-01-01", "--to", "2026-11-20"]


def test_table_has_title_totals_and_the_dates_used(demo_file, capsys):
    code, out, err = run(["--db", demo_file, "report", "carriers", *YEAR], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Insurance company ledger details, 2026-01-01 to 2026-11-20"
    assert any(line.startswith("Total ") for line in lines)
    assert "Written off" in out and "Delta Dental" in out
    assert "* Insurance paid and written off: checks dated 2026-01-01 to 2026-11-20" in out


def test_csv_is_one_header_of_keys_then_the_rows_then_the_totals(demo_file, capsys):
    code, out, _ = run(["--db", demo_file, "report", "carriers", *YEAR, "--format", "csv"],
                       capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["carrier", "writeoff_code", "billed", "insurance_paid",
                             "patient_paid", "written_off", "outstanding"]  # as in JSON
    assert rows[-1]["carrier"] == "Total"
    total = sum(int(r["insurance_paid"].replace(".", "")) for r in rows[:-1])
    assert int(rows[-1]["insurance_paid"].replace(".", "")) == total


def test_csv_of_a_report_with_sections_names_them(demo_file, capsys):
    _, out, _ = run(["--db", demo_file, "report", "aging", "--date", "2026-11-20",
                     "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["section"] for r in rows} == {"Accounts owing", "Credit balances", "All"}
    assert rows[-1]["guarantor"] == "All accounts"


def test_json_has_money_as_strings_and_the_request(demo_file, capsys):
    code, out, _ = run(["--db", demo_file, "report", "writeoffs", *YEAR, "--carrier", "delta",
                        "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["report"] == "writeoffs"
    assert data["request"] == {"from": "2026-01-01", "to": "2026-11-20", "carrier": "Delta Dental"}
    assert [s["title"] for s in data["sections"]] == ["Delta Dental · WO-DELTA"]
    row = data["sections"][0]["rows"][0]
    assert row["source"] == "Claim" and isinstance(row["amount"], str) and "." in row["amount"]
    assert data["grand_total"]["amount"] == data["sections"][0]["total"]["amount"]
    assert data["notes"]


def test_day_sheet_and_claims(demo_file, capsys):
    code, out, _ = run(["--db", demo_file, "report", "daysheet", "--date", "2026-10-08"], capsys)
    assert code == 0 and out.startswith("Day sheet for 2026-10-08")
    code, out, _ = run(["--db", demo_file, "report", "claims", "--date", "2026-11-20",
                        "--format", "json"], capsys)
    data = json.loads(out)
    assert data["sections"][0]["total"]["carrier"].startswith("Total (")
    assert all(isinstance(r["days"], int) for r in data["sections"][0]["rows"])


@pytest.mark.parametrize("argv,message", [
    (["report", "carriers", "--from", "2026-03-02", "--to", "2026-03-01"],
     "dentledger: --from 2026-03-02 is after --to 2026-03-01"),
    (["report", "writeoffs", "--from", "2026-13-01"],
     "dentledger: --from: '2026-13-01' is not a date (write YYYY-MM-DD)"),
    (["report", "daysheet", "--date", "yesterday"],
     "dentledger: --date: 'yesterday' is not a date (write YYYY-MM-DD)"),
])
def test_bad_arguments_are_one_clear_line(tmp_path, capsys, argv, message):
    missing = str(tmp_path / "none.db")  # checked before any database is opened
    code, out, err = run(["--db", missing, *argv], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [message]


def test_unknown_carrier_is_one_clear_line(demo_file, capsys):
    code, out, err = run(["--db", demo_file, "report", "carriers", "--carrier", "Acme"], capsys)
    assert (code, out, err.splitlines()) == (1, "", ["dentledger: no carrier matches 'Acme'"])


def test_wired_into_the_main_command(demo_file, capsys):
    from cli import main as cli_main
    if "report" not in _subcommands(cli_main.build_parser()):
        pytest.skip("cli.main does not register `report` yet (the lead wires it)")
    code = cli_main.main(["--db", demo_file, "report", "aging", "--date", "2026-11-20"])
    out, _ = capsys.readouterr()
    assert code == 0 and out.startswith("A/R aging as of 2026-11-20")
    assert cli_main.main(["--db", demo_file, "report", "carriers", "--from", "2026-02-01",
                          "--to", "2026-01-01"]) == 1
    assert capsys.readouterr().err.strip() == ("dentledger: --from 2026-02-01 is after "
                                               "--to 2026-01-01")
