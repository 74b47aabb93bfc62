"""`dentledger era show FILE`: the remittance as read, warnings apart, refusals in one line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

FILES = Path(__file__).resolve().parents[1] / "remittance" / "files"


def test_the_table_shows_payment_claims_lines_and_provider_adjustments(capsys):
    assert main(["era", "show", str(FILES / "guide_style_5010.835")]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Payment 1 of 1: EFT (ACH) 1050.77 on 2026-03-03, trace 12345\n")
    assert "Payer: GUARDIAN DENTAL BENEFITS (2U GRD01)" in out
    assert "Payee: BRIGHT SMILES FAMILY DENTISTRY (XX 1234567893)" in out
    for text in ("GX-2291", "OKAFOR, CHIDI", "4 denied", "CO-45 20.00, PR-2 59.23",
                 "L6 interest", "-20.00"):
        assert text in out
    assert err == ""


def test_warnings_go_to_standard_error_and_the_exit_status_stays_zero(tmp_path, capsys):
    text = (FILES / "guide_style_5010.835").read_text().replace("SE*61*1234", "SE*60*1234")
    path = tmp_path / "remit.835"
    path.write_text(text)
    assert main(["era", "show", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "GX-2310" in out
    assert err.splitlines() == ["warning: segment 63: SE: SE count of 60 for SE02=1234 is "
                                "wrong. I count 61"]


def test_json_carries_the_warnings_and_documented_keys(tmp_path, capsys):
    text = (FILES / "old_4010.835").read_text().replace("004010X091A1", "004010X091")
    path = tmp_path / "old.835"
    path.write_text(text)
    assert main(["era", "show", str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    doc = json.loads(out)
    assert set(doc) == {"file", "validated", "warnings", "payments"}
    assert doc["validated"] is False and "read without validation" in doc["warnings"][0]
    (pay,) = doc["payments"]
    assert (pay["method"], pay["amount"], pay["trace_number"]) == ("CHK", "48.00", "CHK00991")
    reversal = pay["claims"][0]
    assert (reversal["status"], reversal["status_text"], reversal["paid"]) == (
        "22", "reversal of a previous payment", "-150.00")
    line = reversal["lines"][0]
    assert line["adjustments"] == [{"group": "CO", "group_text": "contractual obligation",
                                    "reason": "45", "reason_text":
                                    "charge exceeds the fee schedule or contracted fee",
                                    "amount": "-13.00", "quantity": None}]
    assert set(line) == {"code", "billed_code", "qualifier", "modifiers", "billed", "paid",
                         "units", "date", "allowed", "control_number", "adjustments", "remarks"}


@pytest.mark.parametrize("content, message", [
    ("ISA*00*          *00*          *ZZ*DENTLEDGER     *ZZ*CLEARINGHOUSE  *260310*1200*^*"
     "00501*000000001*0*P*:~GS*HC*DENTLEDGER*CLEARINGHOUSE*20260310*1200*1*X*005010X224A2~"
     "ST*837*0001*005010X224A2~BHT*0019*00*1*20260310*1200*CH~SE*3*0001~GE*1*1~"
     "IEA*1*000000001~", "holds X12 837 transactions, not an 835 remittance (ERA)"),
    (b"", "is empty: not an ERA (X12 835) file"),
    (b"\x00\x01\x02binary", "is a binary file, not an ERA (X12 835) file"),
    (None, "is a folder, not an ERA file"),
], ids=["837", "empty", "binary", "folder"])
def test_what_is_not_an_835_is_one_line_and_status_1(tmp_path, capsys, content, message):
    path = tmp_path / "in.835"
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert main(["era", "show", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"dentledger: {path} {message}\n"
