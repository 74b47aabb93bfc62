"""What the report tests share: the demo office, scenario practices and the ledger cards the
reports must agree with (imported by name: a module called conftest is ambiguous when
several test folders run together)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from estimator.ledger import build_card
from store.derived import estimates
from store.db import open_database
from store.demo.office import load_demo_office
from store.files.exporter import export_practice
from store.files.importer import import_practice
from store.files.practice_file import load_practice_file

TODAY = date(2026, 11, 20)  # the demo office's as_of
EVER = (date(1900, 1, 1), date(2100, 12, 31))
SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").rglob("*.json"))


def demo_database():
    db = open_database(":memory:")
    load_demo_office(db)
    return db


def scenario_database(path: Path):
    db = open_database(":memory:")
    import_practice(db, load_practice_file(path).practice)
    estimates.reestimate_all(db)
    return db


def money_rows(db):
    """Every money row of every patient's ledger card."""
    practice = export_practice(db)
    lines = estimates.load_estimates(db)
    out = []
    for patient in practice.patients:
        card = build_card(practice, lines, patient.id, today=practice.as_of)
        out.extend(row for row in card.rows if row.is_money)
    return out


def in_range(rows, start: date, end: date):
    return [r for r in rows if start <= r.posted <= end]


def is_writeoff_row(row) -> bool:
    """An insurance or capitation write-off row (not a hand-posted adjustment)."""
    return row.kind == "adjustment" and not row.ref.startswith("adjustment:")
