"""The practice-file export: the whole stored practice, read by the one loader
(`store.family.loader`); `store.files.practice_file` writes it as JSON."""
from __future__ import annotations

from estimator import model as m

from ..connection import Database
from ..family.ids import load_id_map
from ..family.loader import read_practice


def export_practice(db: Database) -> m.Practice:
    """The whole stored practice."""
    return read_practice(db, load_id_map(db))
