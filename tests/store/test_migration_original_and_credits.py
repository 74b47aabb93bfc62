"""Issue 11's one migration: a database of the previous version gets the Original split (filled
from the estimates stored: a received line's frozen estimate, an open line's current one) and
the unapplied money shown on the lines, and its report sums follow the work each payment paid."""
from __future__ import annotations

from datetime import date

from store.db import open_database
from store.connection import application_id, set_schema_version
from store.db.migrations import (
    LATEST, add_original_split_and_applied_credits, migrate, schema_version, version_before,
)
from store.demo.office import load_demo_office
from store.desks.frontdesk import DbFrontDesk


def table(db, sql):
    return db.execute_sql(sql).fetchall()


def test_migration_fills_the_original_split_and_the_applied_credits(tmp_path):
    path = str(tmp_path / "office.db")
    db = open_database(path)
    load_demo_office(db)
    expected_sums = table(db, "SELECT * FROM carrier_month ORDER BY 1, 2")
    expected_credits = table(db, "SELECT patient_id, procedure_id, payment_id, adjustment_id, "
                                 "amount_cents FROM applied_credit ORDER BY 1, 2, 3, 4")
    assert expected_credits  # the demo office has payments not on a procedure
    # What the migration fills comes from the estimates the database holds.
    estimates = table(db, "SELECT cp.id, cp.ins_est_cents FROM claim_proc cp JOIN procedure p "
                          "ON p.id = cp.procedure_id WHERE p.status = 'complete' ORDER BY 1")
    # The previous version: none of it exists yet.
    db.execute_sql("DROP TABLE applied_credit")
    for name in ("orig_ins_est_cents", "orig_writeoff_est_cents"):
        db.execute_sql(f"ALTER TABLE claim_proc DROP COLUMN {name}")
    db.execute_sql("ALTER TABLE procedure DROP COLUMN orig_charge_cents")
    db.execute_sql("DELETE FROM carrier_month")
    set_schema_version(db, version_before(add_original_split_and_applied_credits),
                       application_id(db))
    db.close()

    db = open_database(path)  # opening migrates
    assert schema_version(db) == LATEST
    assert table(db, "SELECT cp.id, cp.orig_ins_est_cents FROM claim_proc cp JOIN procedure p "
                     "ON p.id = cp.procedure_id WHERE p.status = 'complete' ORDER BY 1") == estimates
    assert table(db, "SELECT count(*) FROM procedure WHERE status = 'complete' "
                     "AND orig_charge_cents IS NULL") == [(0,)]
    assert table(db, "SELECT patient_id, procedure_id, payment_id, adjustment_id, amount_cents "
                     "FROM applied_credit ORDER BY 1, 2, 3, 4") == expected_credits
    assert table(db, "SELECT * FROM carrier_month ORDER BY 1, 2") == expected_sums
    card = DbFrontDesk(db, today=lambda: date(2026, 11, 22)).card("FAM01_P1")
    assert all(r.values["orig_patient"] >= 0 for r in card.rows if "orig_patient" in r.values)
    assert migrate(db) == LATEST  # again: nothing to do
    db.close()
