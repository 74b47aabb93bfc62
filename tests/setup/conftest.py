"""Fixtures for the insurance set-up tests: the demo office imported and estimated once, copied
fresh for every test; a fixed clock and actor; the app over it with the set-up screens wired."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from textual import events

from store.db import open_database
from store.demo.office import load_demo_office
from store.services import Actor

NOW = datetime(2026, 11, 20, 9, 30)
ACTOR = Actor("maria", "front-1", "Main St")
TEST_CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False}


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("setup-template") / "demo.db"
    db = open_database(str(path))
    load_demo_office(db)
    db.close()
    return path


@pytest.fixture
def db(demo_template, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    database = open_database(str(path))
    yield database
    database.close()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("store.services.common.clock", lambda: NOW)
    monkeypatch.setattr("store.services.common.desk_actor", lambda: ACTOR)


@pytest.fixture
def make_app(db):
    from store.desks.frontdesk import DbFrontDesk
    from store.desks.setup import DbSetupDesk
    from tui.app import build_app
    from tui.setup import register_setup

    def make(**config):
        app = build_app(DbFrontDesk(db), config={**TEST_CONFIG, **config}, clock=lambda: NOW)
        register_setup(app, DbSetupDesk(db))
        return app
    return make


@pytest.fixture
def pid():
    def lookup(db, file_id: str, table: str = "patient") -> int:
        return db.execute_sql(f'SELECT id FROM "{table}" WHERE file_id = ?', (file_id,)).fetchone()[0]
    return lookup


@pytest.fixture
def ui():
    class UI:
        @staticmethod
        async def settle(app, pilot) -> None:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        @staticmethod
        def text(app) -> str:
            return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

        @staticmethod
        async def type(pilot, text: str) -> None:
            await pilot.press(*text)

        @staticmethod
        async def paste(app, pilot, text: str) -> None:
            """What a terminal sends when the user pastes ``text`` into the focused box."""
            app.focused.post_message(events.Paste(text))
            await pilot.pause()
    return UI
