"""On import, a held secondary claim whose earlier plans' lines are all received is stored
unsent (estimation.md: released from hold as soon as every earlier plan's line is received)."""
from __future__ import annotations

from pathlib import Path

from store.files.importer import import_practice, normalized
from store.files.exporter import export_practice
from store.files.practice_file import load_practice_file

CLAIMS = Path(__file__).resolve().parents[1] / "scenarios" / "claims"


def _statuses(db) -> dict[str, str]:
    return dict(db.execute_sql("SELECT file_id, status FROM claim").fetchall())


def test_import_releases_a_hold_whose_primary_is_received(db):
    practice = load_practice_file(CLAIMS / "secondary-released.json").practice
    result = import_practice(db, practice)
    assert _statuses(db) == {"C1": "received", "C2": "unsent"}
    assert export_practice(db) == normalized(practice, result.stamp)


def test_import_keeps_a_hold_whose_primary_is_not_received(db):
    import_practice(db, load_practice_file(CLAIMS / "claim-created-hold.json").practice)
    assert _statuses(db)["C2"] == "hold"


def test_import_stores_a_paid_held_secondary_as_received(db):
    import_practice(db, load_practice_file(CLAIMS / "secondary-full-cycle.json").practice)
    assert _statuses(db) == {"C1": "received", "C2": "received"}
