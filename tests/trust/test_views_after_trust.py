"""Reads that print a patient's data are audited like the account view (`ledger`, the card):
``statement PATIENT`` to stdout, ``patient show``, ``plan PATIENT`` and the walk-out statement
each write one "viewed" row after the output; writes (``statement --out``, ``patient edit``)
have their own audit rows instead."""
from __future__ import annotations

import asyncio
import json

import pytest

from cli.main import main


def views(path) -> list[tuple[int, str]]:
    from store.db import open_database
    db = open_database(str(path), create=False, writer=False)
    try:
        return [(pid, json.loads(detail)["via"]) for pid, detail in db.execute_sql(
            "SELECT patient_id, detail FROM audit_log WHERE action = 'viewed' ORDER BY id")]
    finally:
        db.close()


def wilson_j(path) -> int:
    from store.db import open_database
    from store.read.patients import resolve_patient
    db = open_database(str(path), create=False, writer=False)
    try:
        return resolve_patient(db, "WILSON_J")
    finally:
        db.close()


@pytest.mark.parametrize("argv, via", [
    (["statement", "WILSON_J"], "statement"),
    (["patient", "show", "WILSON_J"], "patient show"),
    (["patient", "show", "WILSON_J", "--format", "json"], "patient show"),
    (["plan", "WILSON_J"], "plan"),
    (["plan", "WILSON_J", "--format", "text"], "plan"),
])
def test_a_read_that_prints_a_patient_is_audited_after_it(db_path, capsys, argv, via):
    assert main(["--db", str(db_path), *argv]) == 0
    assert capsys.readouterr().out
    assert views(db_path) == [(wilson_j(db_path), via)]


def test_a_plan_written_to_a_file_is_audited_too(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "plan", "WILSON_J", "--out", str(tmp_path / "p.txt")]) == 0
    assert views(db_path) == [(wilson_j(db_path), "plan")]


def test_writes_are_not_views(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "statement", "WILSON_J", "--out",
                 str(tmp_path / "s.txt")]) == 0
    assert main(["--db", str(db_path), "patient", "edit", "WILSON_J", "--email",
                 "james@example.com"]) == 0
    assert views(db_path) == []


class WalkoutPort:
    def walkout_text(self, patient, day):
        return "Walk-out statement\nWilson, James\n"


def test_the_walkout_statement_shown_at_the_desk_is_audited(db_path):
    from datetime import datetime

    from store.db import open_database
    from store.desks.frontdesk import DbFrontDesk
    from tui.app import build_app
    from tui.screens.walkout import WalkoutScreen, open_walkout

    db = open_database(str(db_path))
    front = DbFrontDesk(db)
    app = build_app(front, config={"refresh_seconds": 0, "search_debounce": 0,
                                   "cursor_blink": False, "statements": WalkoutPort()},
                    clock=lambda: datetime(2026, 12, 1, 10, 0))
    patient = db.execute_sql("SELECT coalesce(file_id, id) FROM patient WHERE id = ?",
                             (wilson_j(db_path),)).fetchone()[0]

    async def show() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            open_walkout(app, str(patient))
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, WalkoutScreen)

    asyncio.run(show())
    assert front.close() is None
    db.close()
    assert (wilson_j(db_path), "walkout") in views(db_path)
