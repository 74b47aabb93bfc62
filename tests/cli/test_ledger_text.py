"""cli.ledger_text: the ledger card as plain text, JSON and CSV."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from cli.ledger_text import render_csv, render_json, render_text
from estimator import ledger
from estimator.model import (
    Adjustment, Appointment, Carrier, Claim, ClaimPayment, ClaimPaymentLine, Coverage, Patient,
    PatientPayment, Plan, Practice, Procedure, ProcedureCode, Provider,
)
from estimator.results import NOT_RECEIVED, RECEIVED, LineEstimate

D1, D2, TODAY = date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 31)


def _card() -> ledger.LedgerCard:
    p = Practice(
        as_of=TODAY,
        providers=(Provider("DOC", "Reyes, Ana"),),
        procedure_codes=(ProcedureCode("D2392", "restorative", "Composite \x1b[2J"),),
        carriers=(Carrier("DELTA", "Delta Dental", "WO-DELTA"),),
        plans=(Plan("P1", "DELTA", "ANN", "ppo"), Plan("P2", "DELTA", "ANN", "ppo")),
        patients=(Patient("ANN", "Lee, Ann\x07", date(1980, 1, 1), "ANN",
                          (Coverage("P1", 1), Coverage("P2", 2))),),
        procedures=(Procedure("A1", "ANN", "D2392", D1, 19500, "DOC", "complete", "30", "MO"),
                    Procedure("A2", "ANN", "D2392", D2, 19500, "DOC", "complete", "31", "O")),
        claims=(Claim("C1", "P1", ("A1",), "sent", D1), Claim("C2", "P1", ("A2",), "sent", D2)),
        claim_payments=(ClaimPayment("C1", D2, (ClaimPaymentLine("A1", 8800, 6000),), check_no="99"),),
        patient_payments=(PatientPayment("ANN", D1, 4700, "check", check_no="=cmd|x"),),
        adjustments=(Adjustment("ANN", D2, -500, "COURTESY", note="thanks"),),
        appointments=(Appointment("ANN", D1, "kept"), Appointment("ANN", D2, "cancelled")),
    )
    e = {
        ("A1", "P1"): LineEstimate("A1", "P1", 1, RECEIVED, ins_est=6800, writeoff_est=6000, claim="C1",
                                   paid=8800, writeoff=6000),
        ("A1", "P2"): LineEstimate("A1", "P2", 2, "estimate"),
        ("A2", "P1"): LineEstimate("A2", "P1", 1, NOT_RECEIVED, ins_est=6800, writeoff_est=6000, claim="C2"),
    }
    return ledger.build_card(p, e, "ANN", today=TODAY)


def test_text_has_header_sections_and_totals():
    text = render_text(_card())
    for group in ledger.GROUPS:
        assert f"== {group} ==" in text
    assert "Patient:    Lee, Ann␇ (ANN)" in text
    # 390.00 - 88.00 paid - 60.00 written off - 47.00 patient - 5.00 courtesy
    assert ("Balance:    190.00  (insurance est 68.00, write-off est 60.00, patient est 62.00)"
            in text)
    assert "Totals:     Billed 390.00   UCR 390.00   Paid 135.00   Adjust -65.00   Balance 190.00" in text
    assert "kept 1, cancelled 1, failed 0, kept 50%" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "Ins 2 Claim" in text and "Ins 3 Claim" not in text


def test_text_sections_repeat_posted_and_code():
    text = render_text(_card())
    sections = text.split("== ")[1:]
    for section in sections:
        table = section.split("\n", 1)[1]
        first = table.strip().splitlines()[0]
        assert first.split()[:2] == ["Posted", "Code"], section[:40]


def test_text_width_splits_wide_groups():
    narrow = render_text(_card(), width=80)
    lines = [ln for ln in narrow.splitlines() if ln.startswith(("Posted", "----", "2026"))]
    assert max(map(len, lines)) <= 80
    assert narrow.count("Posted") > render_text(_card()).count("Posted")


def test_json_shape():
    doc = render_json(_card())
    json.dumps(doc)  # serialisable
    assert set(doc) == {"patient", "rows", "totals"}
    # insurance: what the carrier pays, apart from the 60.00 it will write off (issue 11)
    assert doc["patient"]["balance"] == {"total": "190.00", "insurance": "68.00",
                                         "writeoff": "60.00", "patient": "62.00"}
    assert doc["totals"]["billed"] == "390.00" and doc["totals"]["percent_kept"] == 50
    proc = doc["rows"][0]
    assert (proc["kind"], proc["id"], proc["code"], proc["billed"], proc["paid"]) == (
        "procedure", "A1", "0D2392", "195.00", None)
    assert proc["service"] == "Composite ␛[2J"
    assert {"ins1_bal", "ins2_bal", "ins1_claim", "claim_no2", "surface", "tooth"} <= set(proc)
    kinds = [r["kind"] for r in doc["rows"]]
    assert "day_summary" in kinds and "insurance_payment" in kinds and "patient_payment" in kinds
    pay = next(r for r in doc["rows"] if r["kind"] == "patient_payment")
    assert pay["id"] is None and pay["paid"] == "47.00" and pay["balance"] == "-47.00"


def test_csv_header_has_every_column_key():
    card = _card()
    rows = list(csv.reader(io.StringIO(render_csv(card))))
    assert rows[0][:4] == ["kind", "id", "ref", "marker"]
    assert rows[0][4:] == [c.key for c in card.columns]
    assert len(rows) == 1 + len(card.rows)
    check = rows[0].index("check_no")
    assert any(r[check] == "'=cmd|x" for r in rows[1:])  # no spreadsheet formulas from user text
