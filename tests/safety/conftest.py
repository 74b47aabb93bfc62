"""Fixtures for the safety tests (issue 13: backups, file modes, crashes, leaks, bad input):
the demo office in a database file, copied fresh for each test; async tests run in a fresh
event loop."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.db import open_database
from store.demo.office import load_demo_office


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "office.db"
    db = open_database(str(path))
    load_demo_office(db)
    db.close()
    return path


@pytest.fixture
def office(template, tmp_path) -> str:
    """Path of a fresh copy of the demo office, in its own folder."""
    folder = tmp_path / "office"
    folder.mkdir(mode=0o700)
    path = folder / "dentledger.db"
    shutil.copy(template, path)
    path.chmod(0o600)
    shutil.copy(f"{template}.key", f"{path}.key")  # the audit key goes with its database
    return str(path)
