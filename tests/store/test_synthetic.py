"""The synthetic practice generator (store/demo/synthetic.py), on small practices."""
from __future__ import annotations

import hashlib

import pytest

from estimator.engine import estimate_practice
from store import models as t
from store.demo import synthetic
from store.db import StoreError, open_database
from store.family.loader import load_family, load_frozen, load_line_estimates

BIG = (40, 120)  # big-ledger sizes small enough for tests


def _generate(seed: int = 7, patients: int = 300, db=None):
    db = db or open_database(":memory:")
    stats = synthetic.generate(db, patients=patients, seed=seed, big_ledgers=BIG)
    return db, stats


@pytest.fixture(scope="module")
def practice(engine):
    db, stats = _generate()
    yield db, stats
    db.close()


def _checksums(db) -> dict[str, str]:
    """One digest per practice table over every row in id order."""
    out = {}
    for model in t.PRACTICE_MODELS:
        table = model._meta.table_name
        key = model._meta.primary_key  # id; Setting: key; a composite key's columns
        order = ", ".join(key.field_names) if hasattr(key, "field_names") else key.column_name
        digest = hashlib.sha256()
        for row in db.execute_sql(f'SELECT * FROM "{table}" ORDER BY {order}'):
            digest.update(repr(row).encode())
        out[table] = digest.hexdigest()
    return out


def _one(db, sql, params=()):
    return db.execute_sql(sql, params).fetchone()[0]


def test_same_seed_same_practice_other_seed_other_practice(practice):
    db, _ = practice
    again, _ = _generate(seed=7)
    other, _ = _generate(seed=8)
    mine = _checksums(db)
    assert _checksums(again) == mine
    differ = {k for k, v in _checksums(other).items() if v != mine[k]}
    assert {"patient", "procedure", "claim_proc", "patient_payment"} <= differ


def test_stats_count_what_was_stored(practice):
    db, stats = practice
    assert stats.patients == _one(db, "SELECT count(*) FROM patient") == 300
    assert stats.claims == _one(db, "SELECT count(*) FROM claim")
    assert stats.procedures == _one(db, "SELECT count(*) FROM procedure")
    lines = sum(_one(db, f"SELECT count(*) FROM {table}") for table in
                ("claim_payment_line", "patient_payment", "adjustment"))
    lines += _one(db, "SELECT count(*) FROM procedure WHERE status = 'complete'")
    assert stats.ledger_lines == lines
    text = str(stats)
    assert text.startswith("300 patients, ") and " ledger lines" in text and text.endswith(" s")


def test_every_plan_type_and_claims_in_several_statuses(practice):
    db, _ = practice
    types = {r[0] for r in db.execute_sql("SELECT DISTINCT type FROM plan")}
    assert types == {"percentage", "ppo", "flat_copay", "capitation"}
    statuses = dict(db.execute_sql("SELECT status, count(*) FROM claim GROUP BY 1").fetchall())
    assert statuses["received"] > max(v for k, v in statuses.items() if k != "received")
    assert {"received", "sent", "preauth"} <= set(statuses) and len(statuses) >= 4
    line_statuses = {r[0] for r in db.execute_sql("SELECT DISTINCT status FROM claim_proc")}
    assert {"received", "not_received", "estimate", "cap_complete"} <= line_statuses
    assert _one(db, "SELECT count(*) FROM patient_coverage WHERE coverage_order = 2") > 0
    assert _one(db, "SELECT count(*) FROM claim_payment_line WHERE writeoff_cents > 0") > 0


def test_families_have_valid_guarantors(practice):
    db, _ = practice
    assert _one(db, "SELECT count(*) FROM patient WHERE guarantor_id IS NULL") == 0
    assert _one(db, "SELECT count(*) FROM patient p LEFT JOIN patient g ON g.id = p.guarantor_id "
                    "WHERE g.id IS NULL OR g.guarantor_id != g.id") == 0
    sizes = [n for (n,) in db.execute_sql("SELECT count(*) FROM patient GROUP BY guarantor_id")]
    assert min(sizes) == 1 and max(sizes) <= 6 and len(set(sizes)) >= 4


@pytest.mark.sqlite_only  # PRAGMA foreign_key_check, typeof(): PostgreSQL's schema enforces both
def test_foreign_keys_hold_and_money_is_integer_cents(practice):
    db, _ = practice
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert _one(db, "PRAGMA foreign_keys") == 1  # restored after the bulk load
    for model in t.PRACTICE_MODELS:
        for f in model._meta.sorted_fields:
            if f.column_name.endswith("_cents"):
                table = model._meta.table_name
                bad = _one(db, f'SELECT count(*) FROM "{table}" WHERE typeof({f.column_name}) '
                               "NOT IN ('integer', 'null')")
                assert bad == 0, f"{table}.{f.column_name}"


def test_big_ledger_patients_are_recorded(practice):
    db, stats = practice
    for size in BIG:
        pid = int(_one(db, "SELECT value FROM setting WHERE key = ?", (f"bench.patient_{size}",)))
        assert stats.big_ledgers[size] == pid
        lines = sum(_one(db, sql, (pid,)) for sql in (
            "SELECT count(*) FROM procedure WHERE patient_id = ? AND status = 'complete'",
            "SELECT count(*) FROM patient_payment WHERE patient_id = ?",
            "SELECT count(*) FROM adjustment WHERE patient_id = ?",
            "SELECT count(*) FROM claim_payment_line l "
            "JOIN claim_proc cp ON cp.id = l.claim_proc_id "
            "JOIN procedure p ON p.id = cp.procedure_id WHERE p.patient_id = ?"))
        assert size <= lines < size + 20


def test_about_twenty_ledger_lines_per_patient():
    db, stats = _generate(seed=3, patients=2000)
    big = sum(BIG) + 40  # each big card overshoots by at most one visit
    per_patient = (stats.ledger_lines - big) / (stats.patients - len(BIG))
    assert 14 <= per_patient <= 28
    db.close()


def test_the_estimator_reproduces_every_stored_line(practice):
    """The generator's direct estimates equal what re-estimation would store."""
    db, _ = practice
    fields = ("status", "order", "allowed", "copay", "percent", "deductible", "base_est",
              "ins_est", "writeoff_est", "note", "paid", "writeoff", "deductible_applied")
    guarantors = [g for (g,) in db.execute_sql("SELECT DISTINCT guarantor_id FROM patient")]
    compared = 0
    for gid in guarantors:
        family = load_family(db, gid)
        estimated = estimate_practice(family, load_frozen(db, family))
        stored = load_line_estimates(db, family)
        assert set(estimated) == set(stored)
        for key, line in estimated.items():
            mine = stored[key]
            assert [getattr(mine, f) for f in fields] == [getattr(line, f) for f in fields], key
            compared += 1
    assert compared > 2000


def test_refuses_a_database_with_a_practice_unless_replace(tmp_path, engine):
    db = open_database(str(tmp_path / "office.db"))
    synthetic.generate(db, patients=60, seed=1, big_ledgers=(20,))
    before = _checksums(db)
    with pytest.raises(StoreError, match="already holds a practice"):
        synthetic.generate(db, patients=60, seed=2, big_ledgers=(20,))
    assert _checksums(db) == before
    stats = synthetic.generate(db, patients=80, seed=2, big_ledgers=(20,), replace=True)
    assert stats.patients == _one(db, "SELECT count(*) FROM patient") == 80
    if engine == "sqlite":
        assert _one(db, "PRAGMA journal_mode") == "wal"  # back to WAL after the bulk load
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    db.close()


def test_too_few_patients_is_an_error():
    with pytest.raises(ValueError, match="at least"):
        synthetic.generate(open_database(":memory:"), patients=2, big_ledgers=(20, 30))


def test_progress_bar_goes_to_stderr(capsys):
    synthetic.generate(open_database(":memory:"), patients=50, seed=1, big_ledgers=(20,),
                       progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "100%" in captured.err and "50/50 patients" in captured.err
