"""Shared by the visit's TUI tests (imported as ``visit_helpers``): the demo office at a fixed
clock, the app over it with the visit desk and the set-up screens, and settling."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from store.db import open_database
from store.demo.office import load_demo_office
from store.desks.frontdesk import DbFrontDesk
from store.desks.setup import DbSetupDesk
from store.desks.visit import DbVisitDesk
from store.services import Actor
from tui.app import build_app
from tui.setup import register_setup

NOW = datetime(2026, 11, 20, 9, 30)  # the demo office's as_of
ACTOR = Actor("maria", "front-1", None)
CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False}


def demo_template(folder: Path) -> Path:
    path = folder / "demo.db"
    db = open_database(str(path))
    load_demo_office(db)
    db.close()  # the log folded into the file, which each test copies
    return path


def demo_copy(template: Path, folder: Path, monkeypatch):
    """A fresh copy of the demo office; postings are entered at NOW by ACTOR."""
    monkeypatch.setattr("store.services.common.clock", lambda: NOW)
    monkeypatch.setattr("store.services.common.desk_actor", lambda: ACTOR)
    shutil.copy(template, folder / "demo.db")
    return open_database(str(folder / "demo.db"))


def visit_app(db, **config):
    app = build_app(DbFrontDesk(db, today=lambda: NOW.date()), config={**CONFIG, **config},
                    clock=lambda: NOW, posting=DbVisitDesk(db, actor=ACTOR, now=lambda: NOW))
    register_setup(app, DbSetupDesk(db))
    return app


async def settle(app, pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


# --- screenshots ---------------------------------------------------------------------------

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])


def seeded_demo(folder: Path) -> Path:
    """The demo office with Roberto Delgado's visit: a crown and an X-ray planned, today's
    filling and X-ray done (the X-ray not to be billed)."""
    from store import services
    from store.services import estimate_terms

    path = demo_template(folder)
    db = open_database(str(path))
    who = {"actor": ACTOR, "now": NOW}
    roberto = db.execute_sql("SELECT id FROM patient WHERE file_id = 'FAM01_P1'").fetchone()[0]
    services.add_procedure(db, roberto, "D2740", tooth="3", planned=True, provider="DDS1", **who)
    services.add_procedure(db, roberto, "D0220", planned=True, provider="DDS1", **who)
    services.add_procedure(db, roberto, "D2391", tooth="19", surface="O", provider="DDS1", **who)
    xray = services.add_procedure(db, roberto, "D0220", provider="DDS1", **who)
    delta = db.execute_sql("SELECT id FROM plan WHERE file_id = 'PL_DELTA_RH'").fetchone()[0]
    estimate_terms.set_no_bill(db, xray, delta, True, **who)
    db.close()
    return path


def on_account(*keys: str, procedure: str | None = None, typed: dict | None = None):
    """Put the card's cursor on ``procedure`` (a code of today's work), press ``keys``, fill
    ``typed`` boxes (a snapshot's ``run_before``)."""
    from textual.widgets import Input

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        if procedure:
            card = app.screen.card
            rows = [card.row_at(i) for i in range(card.shown_rows)]
            card.move_cursor(max(i for i, r in enumerate(rows)
                                 if r.kind == "procedure" and procedure in str(r.cells)))
            await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        for box, value in (typed or {}).items():
            app.screen.query_one(f"#{box}", Input).value = value
            await settle(app, pilot)
    return run_before


def shot(snap_compare, db, size, run_before, patient: str | None = "FAM01_P1"):
    app = visit_app(db, **({"patient": patient} if patient else {}))
    return snap_compare(app, terminal_size=size, run_before=run_before)
