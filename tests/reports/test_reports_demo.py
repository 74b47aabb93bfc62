"""Each report on the demo office: its shape, and totals rows that are the sums of the rows."""
from __future__ import annotations

from datetime import date

import pytest

from report_fixtures import TODAY
from estimator.report_table import ACCOUNT, ReportRequest
from store.reports import DbReports, resolve_carrier, run_report
from estimator.report_table import ReportError

YEAR = (date(2026, 1, 1), TODAY)


def run(db, name, **kw):
    return run_report(db, ReportRequest(name, **kw), TODAY)


def money_keys(table):
    return [c.key for c in table.columns if c.money]


def assert_totals_add_up(table):
    for section in table.sections:
        for key in money_keys(table):
            assert section.total[key] == sum(r[key] for r in section.rows), (section.title, key)
    if table.grand_total is not None:
        for key in money_keys(table):
            if key in table.grand_total:
                assert table.grand_total[key] == sum(s.total[key] for s in table.sections), key


@pytest.mark.parametrize("name", ["carriers", "writeoffs", "aging", "claims", "daysheet"])
def test_every_report_has_a_title_with_its_dates_totals_and_notes(demo_db, name):
    table = run(demo_db, name)
    assert table.name == name
    assert "2026" in table.title  # the dates used
    assert table.notes
    assert table.sections or table.grand_total
    assert_totals_add_up(table)
    for row in table.rows():
        assert set(row) <= {c.key for c in table.columns} | {ACCOUNT}
        for key in money_keys(table):
            assert isinstance(row.get(key, 0), int)  # cents


def test_carriers_one_row_per_carrier_plus_payers_without_insurance(demo_db):
    table = run(demo_db, "carriers", start=YEAR[0], end=YEAR[1])
    names = [r["carrier"] for r in table.rows()]
    assert names == ["Aetna", "Cigna", "Delta Dental", "DentiCare DMO", "Guardian", "MetLife",
                     "State Medicaid (TMHP)", "(no insurance)"]
    guardian = next(r for r in table.rows() if r["carrier"] == "Guardian")
    assert guardian["writeoff_code"] == "WO"  # no write-off code of its own, as on the card
    dmo = next(r for r in table.rows() if r["carrier"] == "DentiCare DMO")
    assert dmo["written_off"] > 0 and dmo["billed"] == 0  # capitation: posted, never billed
    assert table.title == "Insurance company ledger details, 2026-01-01 to 2026-11-20"


@pytest.mark.parametrize("start,end", [YEAR, (date(2019, 1, 1), TODAY)])
def test_carrier_filter_gives_that_carriers_row(demo_db, start, end):
    every = {r["carrier"]: r for r in run(demo_db, "carriers", start=start, end=end).rows()}
    for cid, name in demo_db.execute_sql("SELECT file_id, name FROM carrier").fetchall():
        only = run(demo_db, "carriers", start=start, end=end, carrier=cid)
        assert only.rows() == [every[name]]
        assert name in only.title
        writeoffs = run(demo_db, "writeoffs", start=start, end=end, carrier=cid)
        assert writeoffs.grand_total["amount"] == every[name]["written_off"]


def test_carrier_names_and_ids_resolve(demo_db):
    cid = resolve_carrier(demo_db, "Delta Dental")
    assert resolve_carrier(demo_db, "DELTA") == cid  # a practice-file id
    assert resolve_carrier(demo_db, str(cid)) == cid
    with pytest.raises(ReportError, match="no carrier matches 'zzz'"):
        resolve_carrier(demo_db, "zzz")
    with pytest.raises(ReportError, match="matches several carriers"):
        resolve_carrier(demo_db, "d")


def test_writeoffs_by_carrier_and_code_by_claim(demo_db):
    table = run(demo_db, "writeoffs", start=YEAR[0], end=YEAR[1])
    titles = [s.title for s in table.sections]
    assert titles == sorted(titles, key=str.lower)
    for section in table.sections:
        codes = {(r["carrier"], r["code"]) for r in section.rows}
        assert len(codes) == 1
        for row in section.rows:
            assert row["source"] in ("Claim", "Capitation", "By hand")
            assert (row["claim"] != "") == (row["source"] == "Claim")
            assert YEAR[0] <= row["date"] <= YEAR[1]
            assert row["amount"] > 0
    dmo = next(s for s in table.sections if s.title.startswith("DentiCare"))
    assert {r["source"] for r in dmo.rows} == {"Capitation"}
    assert table.grand_total["amount"] == sum(s.total["amount"] for s in table.sections)


def test_carriers_written_off_is_the_writeoffs_report_per_carrier(demo_db):
    carriers = run(demo_db, "carriers", start=YEAR[0], end=YEAR[1])
    writeoffs = run(demo_db, "writeoffs", start=YEAR[0], end=YEAR[1])
    per_carrier = {}
    for section in writeoffs.sections:
        per_carrier[section.total["carrier"]] = (per_carrier.get(section.total["carrier"], 0)
                                                 + section.total["amount"])
    for row in carriers.rows():
        assert row["written_off"] == per_carrier.get(row["carrier"], 0), row["carrier"]


def test_aging_lists_credit_balances_apart(demo_db):
    table = run(demo_db, "aging", day=TODAY)
    owing, credits = table.sections
    assert (owing.title, credits.title) == ("Accounts owing", "Credit balances")
    assert all(r["balance"] >= 0 for r in owing.rows)
    assert credits.rows and all(r["balance"] < 0 for r in credits.rows)
    for row in table.rows():
        assert row["balance"] == row["current"] + row["d31_60"] + row["d61_90"] + row["over_90"]
        assert row["patient"] == row["balance"] - row["insurance"]
    assert table.title == "A/R aging as of 2026-11-20"


def test_outstanding_claims_oldest_first_with_held_secondaries(demo_db):
    table = run(demo_db, "claims", day=TODAY)
    rows = table.rows()
    assert [r["days"] for r in rows] == sorted((r["days"] for r in rows), reverse=True)
    assert {r["status"] for r in rows} <= {"Not Submitted", "Hold", "Queued", "Sent"}
    held = [r for r in rows if r["status"] == "Hold"]
    assert held and all(r["kind"] == "Secondary" for r in held)
    for row in rows:
        assert row["days"] == (TODAY - (row["sent"] or row["date"])).days
    assert rows[0]["claim"] and rows[0]["patient"]
    assert table.sections[0].total["carrier"] == f"Total ({len(rows)} claims)"


def test_day_sheet_by_provider(demo_db):
    table = run(demo_db, "daysheet", day=date(2026, 10, 8))
    assert table.title == "Day sheet for 2026-10-08"
    for row in table.rows():
        assert row["net"] == (row["production"] - row["patient_payments"]
                              - row["insurance_payments"] - row["writeoffs"] + row["adjustments"])
    providers = {name for (name,) in demo_db.execute_sql("SELECT name FROM provider")}
    assert {r["provider"] for r in table.rows()} <= providers | {"(not on a procedure)"}
    assert table.rows()


def test_an_empty_day_still_has_its_totals_row(demo_db):
    table = run(demo_db, "daysheet", day=date(2001, 1, 1))
    assert table.rows() == []
    assert table.sections[0].total["provider"] == "Total"
    assert table.sections[0].total["net"] == 0


def test_the_port_lists_carriers_and_runs(demo_db):
    port = DbReports(demo_db, today=lambda: TODAY)
    carriers = port.carriers()
    assert ("DELTA", "Delta Dental") in carriers
    assert port.run(ReportRequest("aging")).title.endswith("2026-11-20")


@pytest.mark.parametrize("name,column", [("aging", "guarantor"), ("claims", "patient"),
                                         ("writeoffs", "patient")])
def test_a_report_row_names_the_account_the_desk_opens(demo_db, name, column):
    from store.desks.frontdesk import DbFrontDesk
    desk = DbFrontDesk(demo_db, today=lambda: TODAY)
    rows = run(demo_db, name).rows()
    assert rows and all(row[ACCOUNT] for row in rows)
    for row in rows[:5]:
        summary = desk.account(row[ACCOUNT]).summary
        assert summary.name == row[column]
