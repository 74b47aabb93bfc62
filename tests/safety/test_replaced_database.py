"""A database deleted or replaced under a running desk: the posting is refused, with a line
telling the user to restart (issue 13: the TUI said "Posted payment 7.00" and the payment
was lost)."""
from __future__ import annotations

import os
import shutil

import pytest

import tui.app
from cli.main import main
from store import services
from store.db import open_database
from tui.forms.confirm import ConfirmScreen
from tui.screens.account import AccountScreen


async def until(pilot, ready, tries: int = 50) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if ready():
            return
    raise AssertionError("the screen did not get there")


def payments(db) -> int:
    return db.execute_sql("SELECT count(*) FROM patient_payment").fetchone()[0]


def delete(office: str, spare: str) -> None:
    os.remove(office)


def replace(office: str, spare: str) -> None:
    os.replace(spare, office)  # e.g. a copy put back by hand, or a restore


@pytest.mark.parametrize("change", [delete, replace])
def test_a_posting_on_a_deleted_or_replaced_database_is_refused(office, tmp_path, change):
    spare = str(tmp_path / "spare.db")
    shutil.copy(office, spare)
    db = open_database(office, writer=False)
    try:
        services.post_payment(db, 1, 700, "cash")  # fine while the file is the one opened
        before = payments(db)
        change(office, spare)
        with pytest.raises(services.ServiceError, match="was deleted or replaced since "
                                                        "DentLedger opened it; nothing was "
                                                        "written: restart DentLedger"):
            services.post_payment(db, 1, 700, "cash")
        assert payments(db) == before  # the orphaned file did not take it either
    finally:
        db.close()


async def test_the_payment_form_says_not_posted_and_stays_open(office, tmp_path, monkeypatch):
    """What the desk sees (the file replaced between typing the payment and confirming it;
    a deleted file takes the same path, above)."""
    change = replace
    spare = str(tmp_path / "spare.db")
    shutil.copy(office, spare)
    apps = []
    monkeypatch.setattr(tui.app.DentLedgerApp, "run", lambda self: apps.append(self))
    assert main(["--db", office]) == 0
    app = apps[0]  # as `dentledger` wires it: the real posting desk on the real file
    app.config.update(refresh_seconds=0, cursor_blink=False, patient="FAM01_P4")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, AccountScreen))  # forms load
        await pilot.press("7", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        change(office, spare)
        await pilot.press("enter")
        await until(pilot, lambda: app._notifications)
        assert not isinstance(app.screen, (AccountScreen, ConfirmScreen))  # the form stays
        said = [(n.title, n.message) for n in app._notifications]
        assert not [m for t, m in said if t == "Posted"]
        assert [m for t, m in said if t == "Not posted" and "restart DentLedger" in m]
