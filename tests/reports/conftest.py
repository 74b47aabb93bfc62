"""Fixtures for the report tests (the shared helpers live in `report_fixtures`)."""
from __future__ import annotations

import pytest

from report_fixtures import demo_database
from store.db import open_database
from store.demo.office import load_demo_office


@pytest.fixture(autouse=True)
def _on_each_engine(engine):
    """Every test here runs on SQLite and on PostgreSQL (tests/conftest.py)."""


@pytest.fixture(scope="module")
def demo_db(engine):
    """The demo office, shared by a module's read-only tests."""
    db = demo_database()
    yield db
    db.close()


@pytest.fixture
def fresh_demo_db():
    """The demo office for a test that posts."""
    db = demo_database()
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory, engine) -> str:
    path = str(tmp_path_factory.mktemp("reports") / "demo.db")
    db = open_database(path)
    load_demo_office(db)
    db.close()
    return path
