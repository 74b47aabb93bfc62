"""The demo office: the practice file shipped in `sample_data/demo.json`.

`dentledger` with no database loads it on first run so a new user lands in a
realistic practice; `dentledger demo` loads it on demand.
"""
from __future__ import annotations

from importlib import resources

from ..connection import Database, write_transaction
from ..read.patients import has_practice


def demo_text() -> str:
    return resources.files("sample_data").joinpath("demo.json").read_text(encoding="utf-8")


def is_empty(db: Database) -> bool:
    return not has_practice(db)


def load_demo_office(db: Database, *, replace: bool = False) -> None:
    """Import the demo office and estimate it, in one write transaction."""
    from ..derived import estimates
    from ..files.importer import import_practice
    from ..files.practice_file import parse_practice_text

    parsed = parse_practice_text(demo_text(), source="sample_data/demo.json")
    with write_transaction(db):
        import_practice(db, parsed.practice, replace=replace)
        estimates.reestimate_all(db)
