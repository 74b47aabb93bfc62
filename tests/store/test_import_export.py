"""Import a Practice, export it back: same Practice; all-or-nothing; families; frozen lines."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from datetime import date, timedelta

import pytest

from estimator import model as m
from store.files import importer
from store.audit import recent
from store.db import StoreError
from store.files.exporter import export_practice
from store.family.loader import load_family, load_frozen, load_line_estimates
from store.files.importer import import_practice, normalized
from store.family.ids import IdMap, load_id_map

SCENARIO_FILES = sorted((Path(__file__).resolve().parents[3] / "shared" / "scenarios")
                        .rglob("*.json"))


def _count(db, table):
    return db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_round_trip(db, path, load_scenario):
    practice = load_scenario(path)
    result = import_practice(db, practice)
    # scenarios record no stamps: every posted row carries the import's
    assert export_practice(db) == normalized(practice, result.stamp)


def test_scenarios_exist():
    assert len(SCENARIO_FILES) >= 40


def test_every_field_round_trips(db, rich_practice):
    practice = rich_practice
    result = import_practice(db, practice, user="amy", workstation="FRONT1", location="Main")
    assert (result.stamp.user, result.stamp.workstation, result.stamp.location) == \
        ("amy", "FRONT1", "Main")
    assert export_practice(db) == normalized(practice, result.stamp)
    assert result.counts["procedure"] == 4 and result.counts["claim_payment_line"] == 2
    assert result.id_map.practice_id("patient", result.id_map.db_id("patient", "CHER")) == "CHER"


def test_round_trip_through_a_file_database(file_db, rich_practice):
    practice = rich_practice
    result = import_practice(file_db, practice)
    assert export_practice(file_db) == normalized(practice, result.stamp)


def test_normalized_marks_paid_claims_received_and_tidies_names(rich_practice):
    practice = rich_practice
    fixed = normalized(dataclasses.replace(practice, patients=(
        dataclasses.replace(practice.patients[0], name="Smith ,  John"),)))
    assert fixed.patients[0].name == "Smith, John"
    assert {c.id: c.status for c in normalized(practice).claims}["C1"] == "received"


def test_posted_rows_are_stamped_and_audited(db, rich_practice):
    import_practice(db, rich_practice, user="amy", workstation="FRONT1", location="Main")
    row = db.execute_sql("SELECT entered_by, workstation, l.name FROM procedure p "
                         "JOIN location l ON l.id = p.location_id").fetchone()
    assert row == ("amy", "FRONT1", "Main")
    audit = recent(db)[0]
    assert (audit["action"], audit["user"]) == ("import", "amy")
    assert audit["detail"]["counts"]["patient"] == 3


def test_claim_procedures_and_supplemental_payments(db, rich_practice):
    import_practice(db, rich_practice)
    lines = db.execute_sql(
        "SELECT pr.file_id, pl.file_id, cp.status, cp.coverage_order, cp.no_bill, "
        "cp.paid_cents, cp.writeoff_cents, cp.deductible_applied_cents, cp.ins_est_cents "
        "FROM claim_proc cp JOIN procedure pr ON pr.id = cp.procedure_id "
        "JOIN plan pl ON pl.id = cp.plan_id ORDER BY cp.id").fetchall()
    assert lines == [
        ("X1", "P1", "received", 1, 0, 48000, 37000, 5000, 0),  # 490 - 10 supplemental
        ("X2", "P2", "not_received", 1, 0, 0, 0, 0, 0),
        ("X2", "P1", "estimate", 2, 1, 0, 0, 0, 0),  # do not bill P1
        ("X3", "P2", "preauth", 1, 0, 0, 0, 0, 0),
        ("X3", "P1", "not_received", 2, 0, 0, 0, 0, 0),
        # CHER has no coverage: no lines for X4
    ]
    flags = db.execute_sql("SELECT supplemental FROM claim_payment_line ORDER BY id").fetchall()
    assert flags == [(0,), (1,)]


def test_refuses_a_second_practice_unless_replacing(db, rich_practice):
    import_practice(db, rich_practice, location="Main")
    with pytest.raises(StoreError, match="already holds a practice"):
        import_practice(db, rich_practice)
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('ui.theme', 'dark')")
    small = m.Practice(as_of=date(2026, 1, 1), patients=(
        m.Patient("A", "Able, Ann", date(1990, 1, 1), "A"),))
    import_practice(db, small, replace=True)
    assert export_practice(db) == small
    assert _count(db, "procedure") == 0 and _count(db, "location") == 1
    assert db.execute_sql("SELECT value FROM setting WHERE key = 'ui.theme'").fetchone() == ("dark",)
    assert [a["action"] for a in recent(db)] == ["import", "import"]


def test_failure_mid_import_writes_nothing(db, monkeypatch, rich_practice):
    def explode(self):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(importer._Loader, "payment_lines", explode)
    with pytest.raises(RuntimeError):
        import_practice(db, rich_practice)
    for table in ("patient", "procedure", "claim", "claim_proc", "setting", "audit_log"):
        assert _count(db, table) == 0, table


def test_bad_reference_is_a_clear_error_and_writes_nothing(db, rich_practice):
    practice = rich_practice
    bad = dataclasses.replace(practice, adjustments=practice.adjustments + (
        m.Adjustment("NOBODY", date(2026, 1, 1), 100, "FIN"),))
    with pytest.raises(StoreError, match="adjustment 3: unknown patient 'NOBODY'"):
        import_practice(db, bad)
    assert _count(db, "patient") == 0


def test_duplicate_ids_refused(db, rich_practice):
    practice = rich_practice
    bad = dataclasses.replace(practice, patients=practice.patients + practice.patients[:1])
    with pytest.raises(StoreError, match="two patients have the id 'SMITH_J'"):
        import_practice(db, bad)


def family_practice(lines: int) -> m.Practice:
    """Two families; the first has ``lines`` procedures, half on paid claims."""
    start = date(2025, 1, 1)
    procs = tuple(m.Procedure(f"X{i}", ("BIG1", "BIG2")[i % 2], "D1110",
                              start + timedelta(days=i % 300), 9500, "DOC", "complete")
                  for i in range(lines))
    procs += (m.Procedure("Y1", "OTHER", "D1110", start, 9500, "DOC", "complete"),)
    claims = tuple(m.Claim(f"C{i}", "PA", (f"X{i}",), "sent", start) for i in range(0, lines, 2))
    pays = tuple(m.ClaimPayment(c.id, start, (m.ClaimPaymentLine(c.procedures[0], 7600),))
                 for c in claims)
    return m.Practice(
        as_of=date(2025, 12, 1), providers=(m.Provider("DOC", "Doc"),),
        procedure_codes=(m.ProcedureCode("D1110", "preventive"),),
        fee_schedules=(m.FeeSchedule("OFF", "office"), m.FeeSchedule("PPO", "allowed")),
        carriers=(m.Carrier("CA", "Carrier"), m.Carrier("CB", "Other carrier")),
        plans=(m.Plan("PA", "CA", "BIG1", "ppo", fee_schedule="PPO"),
               m.Plan("PB", "CB", "BIG1", "percentage", same_plan_as="PA")),
        patients=(m.Patient("BIG1", "Big, One", date(1980, 1, 1), "BIG1", (m.Coverage("PA", 1),)),
                  m.Patient("BIG2", "Big, Two", date(2010, 1, 1), "BIG1", (m.Coverage("PA", 1),)),
                  m.Patient("OTHER", "Other, Olga", date(1990, 1, 1), "OTHER",
                            (m.Coverage("PB", 1),))),
        procedures=procs, claims=claims, claim_payments=pays,
        patient_payments=(m.PatientPayment("BIG2", start, 1000, "cash", procedure="X1"),
                          m.PatientPayment("OTHER", start, 500, "card")),
    )


def test_large_family_loads_alone(db):
    practice = family_practice(1200)
    result = import_practice(db, practice)
    ids = result.id_map
    assert export_practice(db) == normalized(practice, result.stamp)
    family = load_family(db, ids.db_id("patient", "BIG1"))
    assert [p.id for p in family.patients] == ["BIG1", "BIG2"]
    assert len(family.procedures) == 1200 and len(family.claim_payments) == 600
    assert [p.id for p in family.plans] == ["PA"] and [c.id for c in family.carriers] == ["CA"]
    assert [s.id for s in family.fee_schedules] == ["PPO"]
    assert len(family.patient_payments) == 1
    other = load_family(db, ids.db_id("patient", "OTHER"))
    assert [p.id for p in other.procedures] == ["Y1"] and other.claims == ()
    # references out of the family keep their ids
    assert (other.plans[0].subscriber, other.plans[0].same_plan_as) == ("BIG1", "PA")


def test_load_family_of_unknown_patient(db):
    with pytest.raises(StoreError, match="no patient"):
        load_family(db, 42)


def test_stored_and_frozen_line_estimates(db):
    ids = import_practice(db, family_practice(4)).id_map
    assert load_frozen(db) == {}  # nothing estimated yet: nothing frozen
    db.execute_sql("UPDATE claim_proc SET ins_est_cents = 7600, writeoff_est_cents = 1900, "
                   "note = 'ok', explanation = 'a\nb', frozen = TRUE WHERE status = 'received'")
    big = ids.db_id("patient", "BIG1")
    frozen = load_frozen(db, big)
    assert set(frozen) == {("X0", "PA"), ("X2", "PA")}
    line = frozen[("X0", "PA")]
    assert (line.ins_est, line.writeoff_est, line.paid, line.claim) == (7600, 1900, 7600, "C0")
    assert line.explanation == ("a", "b") and line.order == 1 and line.is_received
    assert load_frozen(db, load_family(db, big)) == frozen
    every = load_line_estimates(db)
    assert set(every) == {("X0", "PA"), ("X1", "PA"), ("X2", "PA"), ("X3", "PA"), ("Y1", "PB")}
    assert every[("X1", "PA")].status == "estimate"


def test_rows_entered_in_the_app_get_generated_ids(db):
    import_practice(db, family_practice(2))
    db.execute_sql("INSERT INTO patient (last_name, first_name, name_lower, birthdate) "
                   "VALUES ('New', 'Nia', 'new, nia', '2001-01-01')")
    new_id = db.execute_sql("SELECT max(id) FROM patient").fetchone()[0]
    exported = export_practice(db)
    assert exported.patients[-1].id == IdMap.generated("patient", new_id) == f"PT{new_id}"
    assert exported.patients[-1].guarantor == exported.patients[-1].id
    assert load_id_map(db).db_id("patient", f"PT{new_id}") == new_id


def test_a_procedure_twice_on_one_plans_claims_is_refused(db, rich_practice):
    """The loader's own check (a practice made in code skips the file's): one line per plan,
    on one claim and at most one preauthorization."""
    practice = rich_practice
    twice = dataclasses.replace(practice, claims=practice.claims + (
        m.Claim("C4", "P1", ("X1",), "sent", date(2026, 2, 1)),))
    with pytest.raises(StoreError, match="claim C4: procedure X1 is already on another claim "
                                         "for plan P1"):
        import_practice(db, twice)
    assert _count(db, "claim") == 0


def test_a_line_on_a_claim_and_a_preauthorization(db, rich_practice):
    practice = rich_practice
    both = dataclasses.replace(practice, claims=practice.claims + (
        m.Claim("PA2", "P1", ("X1",), "preauth", date(2026, 1, 2)),))
    import_practice(db, both)
    row = db.execute_sql(
        "SELECT c.file_id, p.file_id, cp.claim_seq, cp.preauth_seq FROM claim_proc cp "
        "JOIN claim c ON c.id = cp.claim_id JOIN claim p ON p.id = cp.preauth_id "
        "JOIN procedure pr ON pr.id = cp.procedure_id WHERE pr.file_id = 'X1'").fetchall()
    assert row == [("C1", "PA2", 1, 1)]


def test_a_payment_for_a_line_the_plan_does_not_have_is_refused(db, rich_practice):
    practice = rich_practice
    stray = dataclasses.replace(practice, claim_payments=practice.claim_payments + (
        m.ClaimPayment("C2", date(2026, 3, 6), (m.ClaimPaymentLine("X1", 1000, 0, 0),)),))
    with pytest.raises(StoreError, match="a claim payment pays procedure X1, which has no "
                                         "line for that claim's plan"):
        import_practice(db, stray)
    assert _count(db, "claim_payment") == 0


def _original_group(db):
    return (db.execute_sql("SELECT file_id, orig_charge_cents FROM procedure ORDER BY file_id")
            .fetchall(),
            db.execute_sql("SELECT p.file_id, cp.plan_id, cp.orig_ins_est_cents, "
                           "cp.orig_writeoff_est_cents FROM claim_proc cp JOIN procedure p "
                           "ON p.id = cp.procedure_id ORDER BY p.file_id, cp.plan_id").fetchall())


def test_the_original_group_written_with_the_rows(db, rich_practice):
    """`import_practice(originals=True)` writes the group `freeze_originals` freezes after a
    plain import; `freeze_imported` freezes again the lines given (or all) as they are now."""
    from store.derived import estimates
    import_practice(db, rich_practice)
    estimates.freeze_originals(db)
    frozen = _original_group(db)
    importer.wipe_practice(db)
    import_practice(db, rich_practice, replace=True, originals=True)
    assert _original_group(db) == frozen
    assert any(charge is not None for _, charge in frozen[0])
    lines = db.execute_sql("SELECT procedure_id, plan_id FROM claim_proc").fetchall()
    db.execute_sql("UPDATE claim_proc SET ins_est_cents = ins_est_cents + 1")
    estimates.freeze_imported(db, lines[:1])
    proc, plan = lines[0]
    complete = db.execute_sql("SELECT status = 'complete' FROM procedure WHERE id = ?",
                              (proc,)).fetchone()[0]
    changed = [row for row, was in zip(_original_group(db)[1], frozen[1]) if row != was]
    assert len(changed) == (1 if complete else 0)
    estimates.freeze_imported(db)
    again = _original_group(db)[1]
    assert [row[2] for row in again] == [None if row[2] is None else row[2] + 1
                                         for row in frozen[1]]
