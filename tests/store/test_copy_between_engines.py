"""`dentledger copy` between a SQLite file and a PostgreSQL URL and back, the audit chain
verified on each copy; what PostgreSQL refuses (a non-empty target, a file backup) in one line.
Runs on the PostgreSQL run only (it needs a server and a real SQLite file beside it)."""
from __future__ import annotations

import pytest

import pg_support
from cli import main as cli_main
from store import connection
from store.audit import chain
from store.db import open_database, opening
from store.demo.office import load_demo_office
from store.services import post_payment

BALANCES = "SELECT patient_id, sum(balance_cents) FROM ledger_entry GROUP BY 1 ORDER BY 1"


@pytest.fixture
def url(engine, tmp_path):
    """A fresh PostgreSQL schema's URL (with an audit key of its own: a copy writes the
    office's key there); meanwhile a file path opens that SQLite file."""
    if engine != "postgresql":
        pytest.skip("a copy between engines needs the PostgreSQL run")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DENTLEDGER_AUDIT_KEY", str(tmp_path / "group.key"))
        patch.setattr(opening, "prepare_file", connection.prepare_file)
        patch.setattr(opening, "new_database", connection.new_database)
        yield pg_support.current.url_for(":memory:")


def _office(tmp_path) -> str:
    path = str(tmp_path / "office.db")
    db = open_database(path)
    load_demo_office(db)
    payer = db.execute_sql("SELECT id FROM patient ORDER BY id LIMIT 1").fetchone()[0]
    post_payment(db, payer, 2500, "cash")  # an audit row written by a service
    db.close()
    return path


def _balances_and_chain(path: str):
    db = open_database(path)
    try:
        check = chain.verify_database(db)
        assert check.ok, check.summary()
        return db.execute_sql(BALANCES).fetchall(), check.rows
    finally:
        db.close()


def test_a_sqlite_office_copied_into_postgresql_and_back_is_the_same(url, tmp_path, capsys):
    office = _office(tmp_path)
    assert cli_main.main(["copy", office, url]) == 0
    assert "audit chain verified" in capsys.readouterr().out
    want = _balances_and_chain(office)
    assert _balances_and_chain(url) == want

    db = open_database(url)  # postings on PostgreSQL extend the copied chain
    post_payment(db, db.execute_sql("SELECT min(id) FROM patient").fetchone()[0], 100, "cash")
    assert chain.verify_database(db).rows == want[1] + 1
    db.close()

    back = str(tmp_path / "back.db")
    assert cli_main.main(["copy", url, back]) == 0
    balances, rows = _balances_and_chain(back)
    assert rows == want[1] + 1 and balances != want[0]


def test_a_non_empty_target_is_refused_unless_replace(url, tmp_path, capsys):
    office = _office(tmp_path)
    assert cli_main.main(["copy", office, url]) == 0
    capsys.readouterr()
    assert cli_main.main(["copy", office, url]) != 0
    err = capsys.readouterr().err.strip()
    assert "not empty" in err and "--replace" in err and len(err.splitlines()) == 1
    assert cli_main.main(["copy", office, url, "--replace"]) == 0  # triggers and all


def test_backup_and_restore_of_postgresql_say_what_to_use(url, tmp_path, capsys):
    open_database(url).close()
    for args in (["--db", url, "backup", str(tmp_path / "b.db")],
                 ["--db", url, "restore", str(tmp_path / "b.db")],
                 ["--db", url, "backup", "--set-daily", str(tmp_path)]):
        assert cli_main.main(args) != 0
        err = capsys.readouterr().err.strip()
        assert "pg_dump" in err and "dentledger copy" in err and len(err.splitlines()) == 1


def test_the_audit_log_is_append_only_on_postgresql(url):
    db = open_database(url)
    load_demo_office(db)
    assert {"audit_log_no_update", "audit_log_no_delete"} <= connection.trigger_names(
        db, "audit_log")
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log",
                "TRUNCATE audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with connection.write_transaction(db):
                db.execute_sql(sql)
    assert chain.verify_database(db).ok
    db.close()
