"""SQL balance sums (lists, search) agree with the pure ledger arithmetic."""
from __future__ import annotations

from pathlib import Path

import pytest

from estimator import ledger
from store.derived import estimates
from store.read.balances import family_totals, patient_balances
from store.db import open_database
from store.files.exporter import export_practice
from store.files.importer import import_practice
from store.files.practice_file import load_practice_file
from store.family.ids import load_id_map

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").rglob("*.json"))


def _imported(path):
    db = open_database(":memory:")
    import_practice(db, load_practice_file(path).practice)
    estimates.reestimate_all(db)
    return db


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_sql_balances_match_pure_balances(path):
    db = _imported(path)
    practice = export_practice(db)
    pure = ledger.balances(practice, estimates.load_estimates(db))
    ids = load_id_map(db, kinds=("patient",))
    sql = patient_balances(db, ids.to_practice["patient"])
    for db_id, pid in ids.to_practice["patient"].items():
        assert sql[db_id] == pure.get(pid, ledger.Balance(0, 0, 0)), pid


def test_family_total_is_the_sum_of_members():
    db = _imported(Path(__file__).resolve().parents[1] / "scenarios/ledger/family-three-months.json")
    ids = load_id_map(db, kinds=("patient",))
    every = patient_balances(db, ids.to_practice["patient"])
    guarantors = {g for (g,) in db.execute_sql("SELECT coalesce(guarantor_id, id) FROM patient")}
    totals = family_totals(db, guarantors)
    assert sum(totals.values()) == sum(b.total for b in every.values())
