"""The ledger card on screen shows the same numbers as `dentledger ledger` (same patient, same db)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from cli.main import main
from store.db import open_database
from store.demo.office import load_demo_office
from store.desks.frontdesk import DbFrontDesk
from tui.app import build_app
from tui.widgets.ledger_card import HEADER_ROWS, LedgerCard

PATIENT = "FAM07_P3"  # three plans, payments, write-offs, a note
CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False, "patient": PATIENT}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("demo") / "demo.db")
    db = open_database(path)
    load_demo_office(db)
    db.close()
    return path


async def test_screen_rows_equal_cli_json(demo_db, capsys, helpers):
    assert main(["--db", demo_db, "ledger", PATIENT, "--format", "json"]) == 0
    cli_rows = json.loads(capsys.readouterr().out)["rows"]

    desk = DbFrontDesk(open_database(demo_db), today=lambda: date(2026, 11, 22))
    app = build_app(desk, config=CONFIG, clock=lambda: datetime(2026, 11, 22, 9, 0))
    async with app.run_test(size=(160, 50)) as pilot:
        await helpers.settle(app, pilot)
        card = app.screen.query_one(LedgerCard)
        shown = [card.render_line(y).text for y in range(HEADER_ROWS, HEADER_ROWS + 20)]
    # An empty card (or a screen that shows nothing) must not pass by comparing nothing.
    assert len(cli_rows) >= len(shown) == 20
    assert all(line.strip() for line in shown), shown
    for row, line in zip(cli_rows, shown, strict=False):
        assert line.startswith(row["posted"]), (row, line)
        for key in ("billed", "paid", "adjust", "balance"):
            if row.get(key) not in (None, ""):
                assert row[key] in line, (key, row, line)
        if row["kind"] != "day_summary":
            assert row["code"] in line
