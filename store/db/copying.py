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
    lock_practice, protect_table, reset_ids, snapshot, unprotect_table, write_transaction,
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
    audit: str = ""                                      # the audit chain on the copy

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
        unprotect_table(target, "audit_log")  # append-only: the copy replaces it whole
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
        protect_table(target, "audit_log")
        result.patients = check_copy(source, target, result)
        result.audit = _carry_audit_key(source, target)
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


def _carry_audit_key(source: Database, target: Database) -> str:
    """The source's audit key goes with the copy (it is never in the database): the target's
    key file gets it, and the copied chain must verify with it. Refuses (nothing copied)
    when it does not."""
    from ..audit import chain

    key = chain.database_key(source)
    if key is None:
        return "the source has no audit key: the copied chain cannot be checked" \
            if _has_audit_rows(target) else "empty audit log"
    path = chain.key_path(target)
    if path is not None and chain.read_key(path) != key:
        _write_key(path, key)
    check = chain.verify_chain(target, key)
    if not check.ok:
        raise StoreError(f"copy check failed: {check.summary()}; nothing was copied")
    return check.summary()


def _has_audit_rows(db: Database) -> bool:
    return bool(db.execute_sql("SELECT 1 FROM audit_log LIMIT 1").fetchone())


def _write_key(path, key: bytes) -> None:
    import os
    import tempfile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")  # mode 0600
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
    os.replace(temp, path)


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
