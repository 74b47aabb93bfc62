"""Locations of a group of practices (both engines): each posting records where it was made,
the ledger card's Location column appears only once several locations are set up, the day
sheet and write-offs run per location or for the group, and the practice file carries a group's locations."""
from __future__ import annotations

from datetime import date

import pytest

from estimator.report_table import ReportRequest
from store.connection import StoreError
from store.desks.frontdesk import DbFrontDesk
from store.files.exporter import export_practice
from store.files.importer import import_practice
from store.reports import day_sheet, run_report, writeoff_lines
from store.services import Actor, post_adjustment, post_payment
from svc_helpers import NOW, pid

DAY = NOW.date()


def _pay(db, location: str | None, cents: int) -> int:
    return post_payment(db, pid(db, "WILSON_J"), cents, "cash",
                        actor=Actor("maria", "front-1", location))


def _columns(db) -> list[str]:
    return [c.key for c in DbFrontDesk(db).cards.account("WILSON_J").columns]


def test_each_posting_records_its_location_and_the_column_appears_for_a_group(db):
    db.execute_sql("DELETE FROM location")
    first = _pay(db, "Main St", 1000)
    assert "location" not in _columns(db)  # one office: no Location column
    second = _pay(db, "Riverside", 2500)
    assert "location" in _columns(db)
    where = dict(db.execute_sql(
        "SELECT pp.id, l.name FROM patient_payment pp JOIN location l ON l.id = pp.location_id "
        "WHERE pp.id IN (?, ?)", (first, second)).fetchall())
    assert where == {first: "Main St", second: "Riverside"}


def test_the_day_sheet_per_location_adds_up_to_the_group(db):
    _pay(db, "Main St", 1000)
    _pay(db, "Riverside", 2500)
    _pay(db, "Riverside", 500)
    ids = dict(db.execute_sql("SELECT name, id FROM location").fetchall())
    group = sum(p.patient_payments for p in day_sheet(db, DAY).providers)
    main = sum(p.patient_payments for p in day_sheet(db, DAY, ids["Main St"]).providers)
    river = sum(p.patient_payments for p in day_sheet(db, DAY, ids["Riverside"]).providers)
    assert (main, river) == (1000, 3000)
    assert group == main + river
    table = run_report(db, ReportRequest("daysheet", day=DAY, location="riverside"), DAY)
    assert table.title.endswith(", Riverside") and table.meta["location"] == "Riverside"


def test_an_unknown_location_or_a_group_report_per_location_is_refused(db):
    _pay(db, "Main St", 1000)
    with pytest.raises(StoreError, match="no location named 'Uptown'"):
        run_report(db, ReportRequest("daysheet", day=DAY, location="Uptown"), DAY)
    with pytest.raises(StoreError, match="the day sheet and write-offs are run per location"):
        run_report(db, ReportRequest("aging", day=DAY, location="Main St"), DAY)


def test_write_offs_per_location_add_up_to_the_group(db):
    for where, cents in (("Main St", -1500), ("Riverside", -700), ("Riverside", -300)):
        post_adjustment(db, pid(db, "WILSON_J"), cents, "WO-LOC", create_code=True,
                        kind="writeoff", actor=Actor("maria", "front-1", where))
    ids = dict(db.execute_sql("SELECT name, id FROM location").fetchall())

    def total(location=None):
        return sum(w.amount for w in writeoff_lines(db, DAY, DAY, location=location)
                   if w.code == "WO-LOC")
    assert (total(ids["Main St"]), total(ids["Riverside"])) == (1500, 1000)
    assert total() == 2500
    table = run_report(db, ReportRequest("writeoffs", start=DAY, end=DAY, location="Riverside"),
                       DAY)
    assert table.title.endswith(", Riverside") and table.grand_total["amount"] == 1000


def test_the_practice_file_carries_a_groups_locations(db):
    practice = export_practice(db)
    assert practice.locations == ()  # no group: files stay as they were
    for name in ("Main St", "Riverside", "Uptown"):
        db.execute_sql("INSERT INTO location (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                       (name,))
    _pay(db, "Main St", 1000)
    practice = export_practice(db)
    assert "Riverside" in practice.locations and "Uptown" in practice.locations
    assert "Main St" not in practice.locations  # named by the payment's stamp
    import_practice(db, practice, replace=True)
    names = {n for (n,) in db.execute_sql("SELECT name FROM location").fetchall()}
    assert {"Main St", "Riverside", "Uptown"} <= names
    assert date.fromisoformat(str(export_practice(db).as_of)) == practice.as_of
