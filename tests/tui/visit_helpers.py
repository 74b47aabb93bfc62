"""Shared by the visit's TUI tests (imported as ``visit_helpers``): the demo office at a fixed
clock, the app over it with the visit desk and the set-up screens, and settling."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

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
