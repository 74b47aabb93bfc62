"""Read-only commands never take the write lock at open (issue 13: `balance` failed when
another desk held a write transaction for 5 s, because every open ran PRAGMA optimize)."""
from __future__ import annotations

import pytest

import tui.app
from cli.main import main
from store.db import open_database, write_transaction


@pytest.fixture
def busy(office):
    """Another desk in the middle of a long posting: it holds the write lock."""
    other = open_database(office, writer=False)
    with write_transaction(other):
        other.execute_sql("INSERT INTO setting (key, value) VALUES ('busy', '1')")
        yield office
    other.close()


# `ledger` is left out: showing an account writes its "viewed" audit row (tests/trust), which
# waits for the other desk's write like any posting.
@pytest.mark.parametrize("argv", [
    ("balance", "delgado"),
    ("report", "aging"),
    ("export", "-"),
], ids=lambda a: a[0])
def test_read_only_commands_work_while_another_desk_writes(busy, capsys, argv):
    assert main(["--db", busy, *argv]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out


def test_backup_works_while_another_desk_writes(busy, tmp_path, capsys):
    assert main(["--db", busy, "backup", str(tmp_path / "b.db")]) == 0, capsys.readouterr().err


def test_the_app_starts_while_another_desk_writes(busy, monkeypatch):
    apps = []
    monkeypatch.setattr(tui.app.DentLedgerApp, "run", lambda self: apps.append(self))
    assert main(["--db", busy]) == 0
    assert apps[0].frontdesk.search("del")


def test_statistics_are_refreshed_when_idle_and_never_wait(office):
    from store.desks.frontdesk import DbFrontDesk

    desk = DbFrontDesk(open_database(office, writer=False))
    other = open_database(office, writer=False)
    with write_transaction(other):  # busy: the idle refresh gives up at once, tries later
        desk.idle()
        assert desk._statistics_fresh is False
    desk.idle()
    assert desk._statistics_fresh is True
    other.close()
