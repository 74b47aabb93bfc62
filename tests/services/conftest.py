"""Fixtures for the posting services: a small imported practice (fixtures/wilson.json)
copied fresh for every test, a fixed clock and actor, and a refusal checker that
proves nothing was written."""
from __future__ import annotations

from pathlib import Path

import pytest

from store.derived import estimates
from store.db import open_database, write_transaction
from store.files.importer import import_practice
from store.files.practice_file import load_practice_file
from pg_support import clone_database
from svc_helpers import ACTOR, FIXTURE, NOW


@pytest.fixture(autouse=True)
def _on_each_engine(engine):
    """Every test here runs on SQLite and on PostgreSQL (tests/conftest.py)."""


@pytest.fixture(scope="session")
def template(tmp_path_factory, engine) -> Path:
    path = tmp_path_factory.mktemp("template") / "practice.db"
    db = open_database(str(path))
    with write_transaction(db):
        import_practice(db, load_practice_file(FIXTURE).practice, user="fixture")
        estimates.reestimate_all(db)
    db.close()
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "practice.db"
    clone_database(str(template), str(path))
    database = open_database(str(path))
    yield database
    database.close()


@pytest.fixture
def db_path(db):
    return db.database


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Every posting is entered at NOW unless a test passes ``now=``."""
    monkeypatch.setattr("store.services.common.clock", lambda: NOW)
    monkeypatch.setattr("store.services.common.desk_actor", lambda: ACTOR)
