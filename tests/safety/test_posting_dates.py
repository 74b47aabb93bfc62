"""Dates of postings stay within 1900-01-01 .. two years after today (issue 13: no year 1 or
9999); the lock date moves only by an audited posting."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from cli.main import main
from store import services
from store.db import open_database


@pytest.fixture
def db(office):
    database = open_database(office, writer=False)
    yield database
    database.close()


def rows(db) -> tuple:
    return tuple(db.execute_sql(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("patient_payment", "adjustment", "ledger_note", "appointment",
                           "audit_log", "procedure"))


def two_years_ahead() -> date:
    today = date.today()
    try:
        return today.replace(year=today.year + 2)
    except ValueError:
        return today.replace(year=today.year + 2, day=28)


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31", "later"])
@pytest.mark.parametrize("post", [
    lambda db, day: services.post_payment(db, 1, 700, "cash", date=day),
    lambda db, day: services.add_ledger_note(db, 1, "called", date=day),
    lambda db, day: services.add_procedure(db, 1, "D0150", date=day),
    lambda db, day: services.record_appointment(db, 1, "scheduled", date=day),
], ids=["payment", "note", "procedure", "appointment"])
def test_a_date_outside_the_range_is_refused_and_nothing_is_written(db, post, day):
    if day == "later":
        day = (two_years_ahead() + timedelta(days=1)).isoformat()
    before = rows(db)
    with pytest.raises(services.ServiceError, match=f"date {day} is outside the dates a "
                                                    f"posting may have"):
        post(db, day)
    assert rows(db) == before


def test_the_edges_of_the_range_are_accepted(db):
    services.set_lock_date(db, None)  # the demo office's books are closed through June
    services.record_appointment(db, 1, "scheduled", date=two_years_ahead())
    services.add_ledger_note(db, 1, "old paper chart", date="1900-01-01")


def test_the_cli_says_it_in_one_line(office, capsys):
    assert main(["--db", office, "post", "payment", "--patient", "FAM01_P4", "--amount", "7",
                 "--method", "cash", "--date", "9999-12-31"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dentledger: date 9999-12-31 is outside") and err.count("\n") == 1


def test_moving_the_lock_date_is_audited(db):
    services.set_lock_date(db, "2026-01-31")
    services.set_lock_date(db, "2026-02-28")
    action, detail = db.execute_sql(
        "SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert action == "set_lock_date"
    assert json.loads(detail) == {"old": "2026-01-31", "new": "2026-02-28"}
    with pytest.raises(services.ServiceError, match="outside"):
        services.set_lock_date(db, "0001-01-01")
