"""Shared fixtures: the demo office as a Practice (read with the practice-file parser, no
database) with its claim procedures."""
from __future__ import annotations

import pytest

from estimator.engine import estimate_practice
from statement_fixtures import ROOT


@pytest.fixture(scope="session")
def demo():
    """(practice, estimates) of sample_data/demo.json."""
    from store.files.practice_file import load_practice_file

    practice = load_practice_file(ROOT / "sample_data" / "demo.json").practice
    return practice, estimate_practice(practice)


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory, engine):
    """The demo office imported and estimated once (a file), copied by `demo_db`; on both
    engines (tests/conftest.py)."""
    from store.db import open_database
    from store.demo.office import load_demo_office

    path = tmp_path_factory.mktemp("statements") / "demo.db"
    db = open_database(str(path))
    load_demo_office(db)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_db_file, tmp_path):
    """A fresh copy of the demo office's database for a test that writes."""
    from pg_support import clone_database
    from store.db import open_database

    path = tmp_path / "demo.db"
    clone_database(str(demo_db_file), str(path))
    db = open_database(str(path))
    yield db
    db.close()
