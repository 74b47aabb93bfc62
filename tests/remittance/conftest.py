"""Fixtures for posting ERAs: the demo office in a file (built once, copied for each test),
the office's ERA file, a fixed clock and actor; ``async def`` tests (the ERA screen)."""
from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from store.db import open_database
from store.demo.office import load_demo_office
from store.services import Actor

NOW = datetime(2026, 12, 1, 10, 15)
ACTOR = Actor("maria", "front-1", "Main St")


@pytest.fixture(scope="session")
def office_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("office") / "office.db"
    db = open_database(str(path))
    load_demo_office(db)
    db.close()
    return path


@pytest.fixture
def office_path(office_template, tmp_path):
    path = tmp_path / "office.db"
    shutil.copy(office_template, path)
    return path


@pytest.fixture
def office_db(office_path):
    db = open_database(str(office_path))
    yield db
    db.close()


@pytest.fixture
def era_file(tmp_path):
    from office_era import office_file
    return office_file(tmp_path)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("store.services.common.clock", lambda: NOW)
    monkeypatch.setattr("store.services.common.desk_actor", lambda: ACTOR)
