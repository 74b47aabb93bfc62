"""Split patient payments and posting stamps through the database: import writes
payment_allocation rows and the Posted columns, export reads them back."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from estimator import model as m
from store.db import StoreError, open_database
from store.files.exporter import export_practice
from store.family.loader import load_family
from store.files.importer import import_practice, normalized
from store.files.practice_file import dumps_practice, parse_practice_text

D = date(2026, 2, 1)
DESK = m.Stamp(datetime(2026, 2, 16, 14, 5, 9), "maria", "FRONT1", "Main St")
ANNEX = m.Stamp(datetime(2026, 2, 17, 8, 0, 1), "bo", None, "Annex")


def practice(*payments: m.PatientPayment, **kw) -> m.Practice:
    """ANN with two completed procedures (X1 150.00, X2 80.00) and one planned (X3)."""
    procs = (m.Procedure("X1", "ANN", "D2391", D, 15000, "DOC", "complete"),
             m.Procedure("X2", "ANN", "D1110", D, 8000, "DOC", "complete", stamp=ANNEX),
             m.Procedure("X3", "ANN", "D1110", D, 8000, "DOC", "planned"))
    return m.Practice(
        as_of=date(2026, 3, 1), providers=(m.Provider("DOC", "Doc"),),
        procedure_codes=(m.ProcedureCode("D2391", "restorative"),
                         m.ProcedureCode("D1110", "preventive")),
        patients=(m.Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN"),
                  m.Patient("BOB", "Lee, Bob", date(1982, 1, 1), "BOB")),
        procedures=procs, patient_payments=payments, **kw)


SPLIT = m.PatientPayment("ANN", date(2026, 2, 16), 20000, "check", "1001",
                         allocations=(m.Allocation("X1", 12000), m.Allocation("X2", 5000)),
                         stamp=DESK)
WHOLE = m.PatientPayment("ANN", date(2026, 2, 17), 3000, "cash",
                         allocations=(m.Allocation("X1", 3000),))
REFUND = m.PatientPayment("ANN", date(2026, 2, 18), -2000, "cash",
                          allocations=(m.Allocation("X1", -500), m.Allocation("X2", -1500)))
LOOSE = m.PatientPayment("BOB", date(2026, 2, 19), 700, "card")
V1 = m.PatientPayment("ANN", date(2026, 2, 20), 100, "card", procedure="X3")


def _allocations(db) -> list[tuple]:
    return db.execute_sql(
        "SELECT a.payment_id, p.file_id, a.amount_cents FROM payment_allocation a "
        "JOIN procedure p ON p.id = a.procedure_id ORDER BY a.id").fetchall()


def test_import_writes_one_allocation_row_per_part(db):
    import_practice(db, practice(SPLIT, WHOLE, REFUND, LOOSE, V1))
    assert _allocations(db) == [(1, "X1", 12000), (1, "X2", 5000), (2, "X1", 3000),
                                (3, "X1", -500), (3, "X2", -1500), (5, "X3", 100)]


def test_export_gives_splits_as_allocations_and_one_whole_part_as_procedure(db):
    p = practice(SPLIT, WHOLE, REFUND, LOOSE, V1)
    result = import_practice(db, p)
    out = export_practice(db)
    assert out == normalized(p, result.stamp)
    split, whole, refund, loose, v1 = out.patient_payments
    assert split.allocations == SPLIT.allocations and split.procedure is None
    assert (whole.procedure, whole.allocations) == ("X1", ())  # v1 form
    assert refund.allocations == REFUND.allocations
    assert (loose.procedure, loose.allocations) == (None, ())
    assert (v1.procedure, v1.allocations) == ("X3", ())


def test_file_round_trip_with_a_split_payment_is_exact(db):
    """file -> import -> export -> file -> import -> export: nothing changes the second time
    (the first export carries every stamp, so the second import keeps them all)."""
    first = import_practice(db, practice(SPLIT, WHOLE, REFUND, LOOSE, V1))
    exported = export_practice(db)
    text = dumps_practice(exported)
    assert '"allocations": [' in text and f'"at": "{DESK.at.isoformat()}"' in text
    again = parse_practice_text(text).practice
    assert again == exported
    other = open_database(":memory:")
    try:
        import_practice(other, again, user="someone-else")
        assert export_practice(other) == exported
        assert dumps_practice(export_practice(other)) == text
    finally:
        other.close()
    assert first.stamp.user == "import"


def test_stamps_are_kept_and_missing_ones_get_the_import_stamp(db):
    note = m.LedgerNote("ANN", date(2026, 2, 2), "called", stamp=DESK)
    adj = m.Adjustment("ANN", date(2026, 2, 3), -500, "DISC", "X1", stamp=ANNEX)
    result = import_practice(db, practice(SPLIT, LOOSE, adjustments=(adj,), ledger_notes=(note,)),
                             user="amy", workstation="BACK", location="Main St")
    rows = db.execute_sql(
        "SELECT p.file_id, p.entered_at, p.entered_by, p.workstation, l.name FROM procedure p "
        "LEFT JOIN location l ON l.id = p.location_id ORDER BY p.id").fetchall()
    at = result.stamp.at.isoformat(sep=" ")
    assert rows == [("X1", at, "amy", "BACK", "Main St"),
                    ("X2", "2026-02-17 08:00:01", "bo", None, "Annex"),
                    ("X3", at, "amy", "BACK", "Main St")]
    names = [n for (n,) in db.execute_sql("SELECT name FROM location ORDER BY id")]
    assert sorted(names) == ["Annex", "Main St"]  # one row per location, however many stamps
    out = export_practice(db)
    assert [p.stamp for p in out.procedures] == [result.stamp, ANNEX, result.stamp]
    assert [p.stamp for p in out.patient_payments] == [DESK, result.stamp]
    assert out.adjustments[0].stamp == ANNEX and out.ledger_notes[0].stamp == DESK
    assert result.stamp == m.Stamp(result.stamp.at, "amy", "BACK", "Main St")


def test_insurance_payment_stamp_is_on_the_payment_and_its_lines(db):
    p = practice(
        fee_schedules=(m.FeeSchedule("PPO", "allowed"),), carriers=(m.Carrier("DELTA", "Delta"),),
        plans=(m.Plan("P1", "DELTA", "ANN", "ppo", fee_schedule="PPO"),),
        claims=(m.Claim("C1", "P1", ("X1",), "sent", D),),
        claim_payments=(m.ClaimPayment("C1", date(2026, 2, 10),
                                       (m.ClaimPaymentLine("X1", 9000, 1000),), stamp=DESK),))
    p = dataclasses.replace(p, patients=(dataclasses.replace(
        p.patients[0], coverage=(m.Coverage("P1", 1),)), p.patients[1]))
    import_practice(db, p)
    lines = db.execute_sql("SELECT entered_at, entered_by, workstation FROM claim_payment_line"
                           ).fetchall()
    assert lines == [("2026-02-16 14:05:09", "maria", "FRONT1")]
    assert export_practice(db).claim_payments[0].stamp == DESK


def test_exporter_adds_up_allocation_rows_on_one_procedure_and_trims_the_time(db):
    import_practice(db, practice(LOOSE))
    db.execute_sql("INSERT INTO patient_payment (patient_id, date, amount_cents, method, "
                   "entered_at, entered_by) VALUES (1, '2026-02-21', 1000, 'cash', "
                   "'2026-02-21 10:11:12.345678', 'app')")
    pay = db.execute_sql("SELECT max(id) FROM patient_payment").fetchone()[0]
    for amount in (300, 200):
        db.execute_sql("INSERT INTO payment_allocation (payment_id, procedure_id, amount_cents) "
                       "VALUES (?, 1, ?)", (pay, amount))
    last = export_practice(db).patient_payments[-1]
    assert last.allocations == (m.Allocation("X1", 500),)
    assert last.stamp == m.Stamp(datetime(2026, 2, 21, 10, 11, 12), "app")
    assert parse_practice_text(dumps_practice(export_practice(db))).practice == \
        export_practice(db)


def test_a_family_loads_with_its_splits_and_stamps(db):
    ids = import_practice(db, practice(SPLIT, LOOSE)).id_map
    family = load_family(db, ids.db_id("patient", "ANN"))
    assert [p.allocations for p in family.patient_payments] == [SPLIT.allocations]
    assert family.patient_payments[0].stamp == DESK and family.procedures[1].stamp == ANNEX


def test_procedure_and_allocations_together_are_refused(db):
    both = dataclasses.replace(SPLIT, procedure="X1")
    with pytest.raises(StoreError, match="patient payment 1: give either procedure or allocations"):
        import_practice(db, practice(both))
    assert db.execute_sql("SELECT count(*) FROM patient").fetchone() == (0,)
