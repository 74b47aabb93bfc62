"""Shared by every test folder: the colour mode of the TUI's screenshots, and both engines
for the store, services, reports and scenario tests.

## Colour modes

The office's terminal may have no colour (``NO_COLOR``) or only the 16 standard colours. The
``color_mode`` fixture puts the app in one of ``COLOR_MODES`` before it is built:

- ``full``: true colour, as the snapshot tests always ran;
- ``no_color``: ``NO_COLOR=1`` in the environment, which Textual reads when the app starts
  (its own filter removes every colour);
- ``16``: every colour drawn as the nearest of the 16 standard terminal colours (a line filter
  added to the app, as a 16-colour terminal would show it).

A screenshot test takes the mode with ``@COLORS`` (all three) or its default ``full``; the
mode is part of the test id, so each mode has its own stored screenshot::

    from color_modes import COLORS

    @COLORS
    def test_find_patient(snap_compare, color_mode, make_app, ...):

Only a representative set of screens runs in all three modes (the suite's time).

## Both engines

A test that asks for the ``engine`` fixture (every test under tests/store, tests/services and
tests/reports does, through their conftests) runs twice: ``[sqlite]`` and ``[postgresql]``.
The PostgreSQL run needs a server: ``DENTLEDGER_TEST_PG=postgresql://...`` (what `.ci/run`
exports), else a private cluster this run starts itself when PostgreSQL is installed (as
root through the ``postgres`` account); without one those runs are skipped, saying why.
``--engine sqlite`` / ``--engine postgresql`` runs one of them only. Each xdist worker gets a
database of its own; every `store.db.open_database` inside a PostgreSQL run opens a schema of
it (`pg_support`). Tests about the SQLite file itself are marked ``sqlite_only``.
"""
from __future__ import annotations

import asyncio
import inspect
import os

import pytest

import pg_support

COLOR_MODES = ("full", "no_color", "16")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests (Pilot) in a fresh event loop, in every folder (no asyncio
    plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def color_mode(request, monkeypatch) -> str:
    mode = getattr(request, "param", "full")
    if mode not in COLOR_MODES:
        raise ValueError(f"unknown colour mode {mode!r}")
    if mode == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    elif mode == "16":
        from textual.app import App
        from color_modes import SixteenColors
        sixteen = SixteenColors()
        shown = App.get_line_filters
        monkeypatch.setattr(App, "get_line_filters", lambda self: [*shown(self), sixteen])
    return mode



ENGINES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--engine", choices=("both", *ENGINES), default="both",
                     help="the database engine(s) the engine tests run on (default: both; "
                          "PostgreSQL when a server is at hand)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file itself (one engine)")
    worker = getattr(config, "workerinput", None)
    if worker is not None:  # an xdist worker: the controller found (or started) the server
        config.pg_url, config.pg_why = worker.get("pg_url"), worker.get("pg_why")
        return
    config.pg_url, config.pg_why, config.pg_cluster = pg_support.find_server(
        config.getoption("engine"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["pg_url"] = node.config.pg_url
    node.workerinput["pg_why"] = node.config.pg_why


def pytest_unconfigure(config):
    cluster = getattr(config, "pg_cluster", None)
    if cluster is not None:
        cluster.stop()


def pytest_generate_tests(metafunc):
    if "engine" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("engine")
    engines = [e for e in ENGINES if chosen in ("both", e)]
    if metafunc.definition.get_closest_marker("sqlite_only"):
        engines = [e for e in engines if e == "sqlite"]  # none on --engine postgresql
    metafunc.parametrize("engine", engines, indirect=True, scope="session")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Opening a database goes to PostgreSQL only for a test parametrized [postgresql]
    (its session fixtures included, which are made while it is set up)."""
    spec = getattr(item, "callspec", None)
    pg_support.active = bool(spec and spec.params.get("engine") == "postgresql")


@pytest.fixture(scope="session")
def engine(request):
    """The engine this run of the test is on; on PostgreSQL, every database the test opens is
    a schema of this worker's database."""
    name = getattr(request, "param", "sqlite")
    if name == "sqlite":
        yield name
        return
    url = request.config.pg_url
    if not url:
        pytest.skip(f"PostgreSQL runs skipped: {request.config.pg_why}")
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    database = pg_support.WorkerDatabase(url, worker)
    # the audit chain's key: one throw-away file for this worker (not the user's data folder)
    keys = request.config._tmp_path_factory.mktemp("audit-key")
    saved = os.environ.get("DENTLEDGER_AUDIT_KEY")
    os.environ["DENTLEDGER_AUDIT_KEY"] = str(keys / "audit.key")
    pg_support.current = database
    try:
        with pg_support.redirected(database):
            yield name
    finally:
        database.drop()
        if saved is None:
            os.environ.pop("DENTLEDGER_AUDIT_KEY", None)
        else:
            os.environ["DENTLEDGER_AUDIT_KEY"] = saved
