"""Issue 11, "Insurance estimate vs write-off": the header, the card's Ins Bal / Ins N Bal, Find
patient and `dentledger balance` show what the carrier is expected to pay apart from what it
is expected to write off. A completed crown over the annual maximum: the PPO writes off
1200 - 650 = 550.00 and pays nothing, so insurance must not show 550.00 owing."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from cli import main as cli_main
from estimator import ledger
from store.db import open_database
from store.desks.frontdesk import DbFrontDesk
from store.files.exporter import export_practice
from store.derived.estimates import load_estimates
from tui.screens.find_patient import hit_cells, result_columns
from tui.widgets.account_header import header_text

PRACTICE = {"practice": {
    "as_of": "2026-03-01",
    "providers": [{"id": "DOC1", "name": "Reyes, Ana"}],
    "procedure_codes": [{"code": "D2740", "category": "crowns", "description": "Crown"}],
    "fee_schedules": [{"id": "PPO", "kind": "allowed", "fees": {"D2740": 650.00}}],
    "carriers": [{"id": "DELTA", "name": "Delta Dental"}],
    "plans": [{"id": "P1", "carrier": "DELTA", "subscriber": "PAT1", "type": "ppo",
               "fee_schedule": "PPO", "coverage": {"crowns": 50}, "annual_max": 1000.00}],
    "patients": [{"id": "PAT1", "name": "Shaw, Megan", "birthdate": "1994-02-14",
                  "guarantor": "PAT1", "coverage": [{"plan": "P1", "order": 1}],
                  "benefits_used": [{"plan": "P1", "paid": 1000.00, "deductible_met": 0}]}],
    "procedures": [{"id": "X1", "patient": "PAT1", "code": "D2740", "date": "2026-02-01",
                    "fee": 1200.00, "provider": "DOC1", "status": "complete"}],
}}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("over-max")
    source = folder / "over-max.json"
    source.write_text(json.dumps(PRACTICE))
    path = str(folder / "office.db")
    assert cli_main.main(["--db", path, "import", str(source)]) == 0
    return path


@pytest.fixture(scope="module")
def desk(db_path):
    db = open_database(db_path, create=False)
    yield DbFrontDesk(db, today=lambda: date(2026, 3, 1))
    db.close()


def test_insurance_apart_from_writeoff_in_the_balances(desk):
    # The practice file's sense for `check` is kept: insurance = estimate + write-off estimate.
    practice = export_practice(desk.db)
    balance = ledger.balances(practice, load_estimates(desk.db))["PAT1"]
    assert (balance.total, balance.insurance, balance.patient) == (120000, 55000, 65000)
    assert (balance.ins_est, balance.writeoff_est) == (0, 55000)


def test_insurance_apart_from_writeoff_on_the_card_and_its_header(desk):
    view = desk.account("PAT1")
    assert view.summary.balance.ins_est == 0 and view.summary.balance.writeoff_est == 55000
    assert "Balance 1,200.00  Ins est 0.00  W/O est 550.00  Pt est 650.00" in \
        header_text(view).plain
    row = next(r for r in desk.rows("PAT1", 0, 10) if r.kind == "procedure")
    assert {k: row.values[k] for k in ("proc_bal", "pt_bal", "ins_bal", "wo_bal", "ins1_bal")} == {
        "proc_bal": 120000, "pt_bal": 65000, "ins_bal": 0, "wo_bal": 55000, "ins1_bal": 0}
    titles = {c.key: c.title for c in view.columns}
    assert (titles["ins_bal"], titles["wo_bal"]) == ("Ins Bal", "W/O Est")


def test_insurance_apart_from_writeoff_on_find_patient(desk):
    hit = desk.search("shaw")[0]
    assert (hit.balance_total, hit.insurance_est, hit.writeoff_est, hit.patient_est) == \
        (120000, 0, 55000, 65000)
    wide = result_columns(160)
    cells = dict(zip([title for title, _, _ in wide], hit_cells(hit, wide)))
    assert (cells["Balance"], cells["Ins est"], cells["W/O est"], cells["Pt est"]) == \
        ("1,200.00", "0.00", "550.00", "650.00")
    # at 80 columns the list keeps Balance, Pt est and Family (no insurance figure to mislead)
    assert [title for title, _, _ in result_columns(80)][-3:] == ["Balance", "Pt est", "Family"]


@pytest.mark.parametrize("fmt_name", ["table", "csv", "json"])
def test_insurance_apart_from_writeoff_in_dentledger_balance(db_path, capsys, fmt_name):
    assert cli_main.main(["--db", db_path, "balance", "shaw", "--format", fmt_name]) == 0
    out = capsys.readouterr().out
    if fmt_name == "json":
        row = json.loads(out)[0]
    elif fmt_name == "csv":
        row = next(csv.DictReader(io.StringIO(out)))
    else:
        header, _, line = out.splitlines()[:3]
        assert "Ins est" in header and "W/O est" in header
        assert line.split()[-5:] == ["1200.00", "0.00", "550.00", "650.00", "1200.00"]
        return
    assert (row["total"], row["insurance"], row["writeoff"], row["patient"]) == \
        ("1200.00", "0.00", "550.00", "650.00")
