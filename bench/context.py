"""What every figure gets: the practice's database, its big-ledger patients, the run's size."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Context:
    db_path: Path
    patients: int
    quick: bool
    big_ledgers: dict[int, int]  # ledger size -> patient id (Setting bench.patient_<size>)

    def reps(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def open(self):
        from store.db import open_database
        return open_database(str(self.db_path), create=False)


def load_context(db_path: Path, patients: int, quick: bool) -> Context:
    from store.db import open_database
    db = open_database(str(db_path), create=False)
    try:
        rows = db.execute_sql("SELECT key, value FROM setting WHERE key LIKE 'bench.patient_%'")
        big = {int(k.rsplit("_", 1)[1]): int(v) for k, v in rows}
    finally:
        db.close()
    return Context(db_path, patients, quick, dict(sorted(big.items())))
