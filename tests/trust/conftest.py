"""Fixtures for users, roles, SSH keys and the audit chain: the Wilson family (the services'
fixture) imported once and copied, with its audit key, for every test; no test ever writes the
real ~/.ssh/authorized_keys, and every test starts as the account owner."""
from __future__ import annotations

from pathlib import Path

import pytest

from store.audit import sign_out
from store.db import open_database, write_transaction
from store.derived import estimates
from store.files.importer import import_practice
from store.files.practice_file import load_practice_file
from trust_helpers import copy_database

FIXTURE = Path(__file__).parents[1] / "services" / "fixtures" / "wilson.json"


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("trust") / "practice.db"
    db = open_database(str(path))
    with write_transaction(db):
        import_practice(db, load_practice_file(FIXTURE).practice, user="fixture")
        estimates.reestimate_all(db)
    db.close()
    return path


@pytest.fixture
def db_path(template, tmp_path) -> Path:
    return copy_database(template, tmp_path)


@pytest.fixture
def db(db_path):
    database = open_database(str(db_path))
    yield database
    database.close()


@pytest.fixture(autouse=True)
def private_session(tmp_path, monkeypatch):
    """The account owner, no SSH, and an authorized_keys file in the test's own folder."""
    monkeypatch.setenv("DENTLEDGER_AUTHORIZED_KEYS", str(tmp_path / "ssh" / "authorized_keys"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    monkeypatch.delenv("DENTLEDGER_EXECUTABLE", raising=False)
    sign_out()
    yield
    sign_out()


@pytest.fixture(params=["sqlite", "python"])
def encoder(request, monkeypatch):
    """Both ways `audit verify` reads a row's canonical body: SQLite's ``json_array``, and
    the Python encoder alone (PostgreSQL's way, `store.connection.postgres.json_rows`)."""
    if request.param == "python":
        from store.audit import chain
        monkeypatch.setattr(chain, "json_rows", lambda *args: None)
    return request.param
