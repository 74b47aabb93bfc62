"""Fixtures for the TUI tests: in-memory FrontDesk fakes, an app factory at a fixed clock."""
from __future__ import annotations

import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

from tui.app import DentLedgerApp, build_app

FIXED_NOW = datetime(2024, 6, 3, 9, 30)
# No timer refresh, no debounce, no blinking cursor: runs are deterministic.
TEST_CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False}


def _load_fakes() -> ModuleType:
    # Loaded under a unique name: test folders are not packages, a bare "fakes" could clash.
    name = "dentledger_tui_fakes"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fakes.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def fakes() -> ModuleType:
    return _load_fakes()


@pytest.fixture
def desk(fakes):
    return fakes.FakeFrontDesk.sample()


@pytest.fixture
def big_desk(fakes):
    return fakes.FakeFrontDesk.big(50_000)


@pytest.fixture
def make_app():
    def make(frontdesk, *, posting=None, **config) -> DentLedgerApp:
        return build_app(frontdesk, config={**TEST_CONFIG, **config}, clock=lambda: FIXED_NOW,
                         posting=posting)
    return make


async def settle(app: DentLedgerApp, pilot) -> None:
    """Let search workers finish and the screen repaint."""
    await app.workers.wait_for_complete()
    await pilot.pause()


def after(*keys: str):
    """run_before for snap_compare: settle, press ``keys``, settle."""
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot.app, pilot)
    return run_before


def screen_text(app: DentLedgerApp) -> str:
    """What the terminal shows now, as text (styles dropped, characters exact)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def helpers():
    class Helpers:
        settle = staticmethod(settle)
        after = staticmethod(after)
        screen_text = staticmethod(screen_text)
    return Helpers
