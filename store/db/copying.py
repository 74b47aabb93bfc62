"""Copying a whole practice between databases, whatever their engines (a SQLite file <-> a
PostgreSQL URL): every table of `store.models` row for row with its ids, the audit log, users
and locations included, in one transaction on the target, then checked: the same rows in
every table and the same balance for every patient as the source.

The two databases have the same schema version (opening migrates both), so the rows go
across as they are; a derived table is copied too (it is exact for its rows), not rebuilt.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable

from ..connection import (
    Database, StoreError, bulk_load, defer_foreign_keys, indexes_dropped, load_rows,
    lock_practice, reset_ids, snapshot, write_transaction,
)

# What "checks balances" compares: each patient's balance and insurance still owed on the
# ledger card, and the per-carrier report's monthly sums.
_BALANCES = ("SELECT patient_id, sum(balance_cents), sum(ins_owed_cents) FROM ledger_entry "
             "GROUP BY patient_id")
_CARRIER_MONTHS = ("SELECT carrier_id, month, billed_cents, ins_paid_cents, pt_paid_cents, "
                   "written_off_cents, outstanding_cents FROM carrier_month")


@dataclass
class CopyResult:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    patients: int = 0                                    # balances compared

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[tuple[str, list[str]]]:
    """(table, columns) of every model, parents before children."""
    from ..models import MODELS

    return [(m._meta.table_name, [f.column_name for f in m._meta.sorted_fields])
            for m in MODELS]


def is_empty(db: Database) -> bool:
    return not any(db.execute_sql(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()
                   for name, _ in tables())


def copy_practice(source: Database, target: Database, *, replace: bool = False,
                  progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy everything in ``source`` into ``target`` (refused when ``target`` holds anything,
    unless ``replace``); all or nothing. Raises `StoreError` when the copy does not check."""
    if source.database == target.database:
        raise StoreError("copy needs two different databases")
    result = CopyResult()
    names = [name for name, _ in tables()]
    big = _is_big(source)
    with (bulk_load(target) if big else nullcontext()), snapshot(source), \
            write_transaction(target):
        lock_practice(target)
        if not replace and not is_empty(target):
            raise StoreError(f"{_name(target)} is not empty: copy with --replace to "
                             "overwrite everything in it")
        defer_foreign_keys(target)
        for name in reversed(names):
            target.execute_sql(f'DELETE FROM "{name}"')
        with indexes_dropped(target, names) if big else nullcontext():
            for name, columns in tables():
                cols = ", ".join(f'"{c}"' for c in columns)
                rows = _counted(source.execute_sql(f'SELECT {cols} FROM "{name}"'), result,
                                name)
                load_rows(target, name, columns, rows)
                if progress:
                    progress(name, result.rows.get(name, 0))
        reset_ids(target, [name for name, columns in tables() if "id" in columns])
        result.patients = check_copy(source, target, result)
    return result


BULK_ROWS = 50_000  # ledger lines from which a copy drops and rebuilds the target's indexes


def _is_big(source: Database) -> bool:
    """A large practice loads faster into bare tables whose indexes are built afterwards; a
    small one (a test's fixture) is quicker copied as it is."""
    return source.execute_sql(f"SELECT count(*) FROM (SELECT 1 FROM ledger_entry LIMIT "
                              f"{BULK_ROWS}) x").fetchone()[0] >= BULK_ROWS


def check_copy(source: Database, target: Database, result: CopyResult) -> int:
    """Refuse a copy whose tables or balances differ from the source's; returns the patients
    whose balances were compared."""
    for name, _ in tables():
        have = target.execute_sql(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        if have != result.rows.get(name, 0):
            raise StoreError(f"copy check failed: {name} has {have} rows, the source "
                             f"{result.rows.get(name, 0)}; nothing was copied")
    balances = _rows(source, _BALANCES)
    if balances != _rows(target, _BALANCES) or (
            _rows(source, _CARRIER_MONTHS) != _rows(target, _CARRIER_MONTHS)):
        raise StoreError("copy check failed: the balances differ from the source's; "
                         "nothing was copied")
    return len(balances)


def _rows(db: Database, sql: str) -> set[tuple]:
    return {tuple(row) for row in db.execute_sql(sql)}


def _counted(rows, result: CopyResult, name: str):
    result.rows[name] = 0
    for row in rows:
        result.rows[name] += 1
        yield tuple(row)


def _name(db: Database) -> str:
    from ..connection import engine_for

    engine = engine_for(db.database)
    return engine.safe_url(db.database) if hasattr(engine, "safe_url") else db.database
