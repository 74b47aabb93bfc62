"""The ledger card's lines as rows (`store.derived.ledger_entries`): one family or the whole practice
give the same rows, a version-2 database gets them on migration, file ids keep their natural
order, and a posting's rebuild stays on indexes."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import apsw
import pytest

from estimator import model as m
from store.derived import estimates
from store.derived import ledger_entries
from store.demo import synthetic
from store.db import open_database, write_transaction
from store.demo.office import load_demo_office
from store.files.importer import import_practice
from store.db.migrations import LATEST, schema_version
from store.files.practice_file import load_practice_file
from test_frontdesk_window import LEDGER_TABLES, _table, assert_same_cards

TESTS = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((TESTS / "scenarios").rglob("*.json"))
# Every entry in card order; k1 left out: a procedure's rank (when file ids are used) is
# counted in its family by rebuild_family and in the practice by rebuild_all, same order.
ALL = (f"SELECT {', '.join(c for c in ledger_entries.COLUMNS if c != 'k1')} FROM ledger_entry "
       "ORDER BY patient_id, posted, priority, k1, k2, k3")


def _imported(practice: m.Practice):
    db = open_database(":memory:")
    with write_transaction(db):
        import_practice(db, practice)
        estimates.reestimate_all(db)
    return db


def _per_family(db) -> list[tuple]:
    """The entries rebuilt family by family, as the postings do."""
    with write_transaction(db):
        db.execute_sql("DELETE FROM ledger_entry")
        for (g,) in db.execute_sql("SELECT DISTINCT coalesce(guarantor_id, id) FROM patient").fetchall():
            ledger_entries.rebuild_family(db, g)
    return db.execute_sql(ALL).fetchall()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_one_family_at_a_time_gives_the_practice_rows(path):
    db = _imported(load_practice_file(path).practice)
    whole = db.execute_sql(ALL).fetchall()
    assert _per_family(db) == whole  # (some scenarios post nothing)


def test_one_family_at_a_time_in_the_demo_office_and_a_generated_practice():
    demo = open_database(":memory:")
    load_demo_office(demo)
    generated = open_database(":memory:")
    synthetic.generate(generated, patients=150, seed=2, big_ledgers=(200,))
    for db in (demo, generated):
        whole = db.execute_sql(ALL).fetchall()
        assert len(whole) > 500 and _per_family(db) == whole


def test_every_posting_rebuilds_its_family(tmp_path):
    """reestimate_family (run by every posting) leaves the family's rows as rebuild_all does."""
    db = _imported(load_practice_file(TESTS / "scenarios/ledger/family-three-months.json").practice)
    whole = db.execute_sql(ALL).fetchall()
    with write_transaction(db):
        db.execute_sql("DELETE FROM ledger_entry")
        for (g,) in db.execute_sql("SELECT DISTINCT coalesce(guarantor_id, id) FROM patient").fetchall():
            estimates.reestimate_family(db, g)
    assert db.execute_sql(ALL).fetchall() == whole


@pytest.mark.sqlite_only  # a version-2 SQLite file (PostgreSQL starts at a later version)
def test_a_version_2_database_gets_its_ledger_entries(tmp_path):
    path = str(tmp_path / "old.db")
    db = open_database(path)
    with write_transaction(db):
        import_practice(db, load_practice_file(TESTS / "scenarios/claims/secondary-full-cycle.json").practice)
        estimates.reestimate_all(db)
    want = db.execute_sql(ALL).fetchall()
    db.close()
    conn = apsw.Connection(path)  # back to how version 2 left it
    conn.execute("DROP TABLE ledger_entry; PRAGMA user_version = 2")
    conn.close()
    db = open_database(path, create=False)
    assert schema_version(db) == LATEST
    assert want and db.execute_sql(ALL).fetchall() == want


# --- order within a day ---------------------------------------------------------------------

def _same_day_practice() -> m.Practice:
    """Procedures posted the same day whose file ids sort naturally, not as text or db id."""
    day = date(2026, 3, 2)
    codes = (m.ProcedureCode("D1110", "preventive", "Prophy"),
             m.ProcedureCode("D2392", "basic", "Resin"))
    procs = tuple(m.Procedure(pid, "ANN", "D2392" if n % 2 else "D1110", day, 9500 + n, "DOC",
                              "complete", visits=(date(2026, 3, 9),) if pid == "X9" else ())
                  for n, pid in enumerate(("X10", "10", "X9", "9", "X2", "A1")))
    return m.Practice(
        as_of=day, providers=(m.Provider("DOC", "Dr Doc"),), procedure_codes=codes,
        patients=(m.Patient("ANN", "Smith, Ann", date(1980, 1, 1), "ANN"),), procedures=procs,
        patient_payments=(m.PatientPayment("ANN", day, 1000, "cash"),
                          m.PatientPayment("ANN", day, 500, "check")),
        adjustment_codes=(m.AdjustmentCode("DISC", "discount", "Discount"),),
        adjustments=(m.Adjustment("ANN", day, -300, "DISC", "X2"),),
        ledger_notes=(m.LedgerNote("ANN", day, "called"),))


def test_file_ids_keep_their_natural_order_within_a_day():
    db = _imported(_same_day_practice())
    rows = assert_same_cards(db, date(2026, 3, 2), window=3)
    assert rows == 6 + 2 + 1 + 1 + 1 + 1  # procedures, payments, adjustment, note, summary, visit
    db_ids = dict(db.execute_sql("SELECT file_id, id FROM procedure").fetchall())
    ranks = [k1 for (k1,) in db.execute_sql(
        "SELECT k1 FROM ledger_entry WHERE priority = 0 AND k2 = 0 AND procedure_id IN "
        f"({db_ids['9']}, {db_ids['10']}, {db_ids['X2']}, {db_ids['X9']}, {db_ids['X10']}) "
        "ORDER BY procedure_id")]
    # db ids follow the file: X10, 10, X9, 9, X2 -> ranks 9 < 10 < A1 < X2 < X9 < X10
    assert ranks == [5, 1, 4, 0, 3]


# --- a posting's rebuild reads only the family --------------------------------------------

def _statements_of(db, action) -> list[tuple[str, object]]:
    """The SQL ``action()`` runs (in a write transaction), with its parameters."""
    statements = []
    original = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = recording
    try:
        with write_transaction(db):
            action()
    finally:
        del db.execute_sql
    return statements


def _assert_on_indexes(db, statements) -> None:
    assert statements  # no statement seen would prove nothing
    for sql, params in statements:
        plan = [r[-1] for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params or ())]
        scans = [s for s in plan if re.match(r"SCAN (\w+)", s)
                 and _table(s, sql) in LEDGER_TABLES + ("patient",)]
        assert not scans, (sql[:120], scans)


@pytest.fixture(scope="module")
def generated(engine):
    db = open_database(":memory:")
    synthetic.generate(db, patients=300, seed=5, big_ledgers=(60,))
    family = db.execute_sql("SELECT coalesce(guarantor_id, id) FROM patient "
                            "WHERE id IN (SELECT patient_id FROM patient_payment) "
                            "ORDER BY id LIMIT 1 OFFSET 40").fetchone()[0]
    return db, family


@pytest.mark.sqlite_only  # SQLite's query plan
def test_rebuilding_one_family_stays_on_indexes(generated):
    db, family = generated
    statements = _statements_of(db, lambda: ledger_entries.rebuild_family(db, family))
    _assert_on_indexes(db, statements)


@pytest.mark.sqlite_only  # SQLite's query plan
def test_re_estimating_one_family_stays_on_indexes(generated):
    """Everything a posting runs after its own writes: the family read (its ids bound as
    JSON lists), estimated, written back, its card lines and report sums rebuilt."""
    db, family = generated
    statements = _statements_of(db, lambda: estimates.reestimate_family(db, family))
    assert any("json_each" in sql for sql, _ in statements)
    _assert_on_indexes(db, statements)


@pytest.mark.sqlite_only  # SQLite's query plan
def test_re_estimating_several_families_stays_on_indexes(generated):
    """The same for a posting of many families (an ERA's check): the chunk's reads, the
    card lines selected to compare, the applied credits and report sums."""
    db, family = generated
    others = [g for (g,) in db.execute_sql(
        "SELECT DISTINCT coalesce(guarantor_id, id) FROM patient ORDER BY 1 LIMIT 6")]
    statements = _statements_of(db, lambda: estimates.reestimate_families(
        db, [family, *others], as_of=None))
    assert any("PARTITION BY" in sql for sql, _ in statements)
    _assert_on_indexes(db, statements)
