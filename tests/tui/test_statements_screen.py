"""The statements screen (F7) and the walk-out statement (`w` on the account) over a fake
port: preview, run with a progress bar in a worker, Esc cancelling between families, one-line
refusals; snapshots at 80x24 and 160x50."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from tui.screens.statements import StatementsPort, StatementsScreen
from tui.screens.walkout import WalkoutScreen

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])


@dataclass
class Preview:
    day: date
    min_due: int
    skip_days: int
    count: int = 3
    total_due: int = 61974
    total_balance: int = 140744
    total_pending: int = 78770
    billed_recently: int = 1
    billed_recently_due: int = 2000
    below_minimum: int = 2
    below_minimum_due: int = 350


@dataclass
class Row:
    name: str
    account: str
    amount_due: int
    new_balance: int
    pending: int


@dataclass
class Progress:
    built: int
    written: int
    total: int
    amount_due: int


@dataclass
class Totals:
    sent: int
    selected: int
    amount_due: int
    skipped: int = 0
    stopped: str = "finished"


@dataclass
class FakeStatements:
    """Three families owing; the run waits at the second family until told to go on."""
    runs: list = field(default_factory=list)
    hold: threading.Event | None = None
    at_second: threading.Event = field(default_factory=threading.Event)
    written: list = field(default_factory=list)

    def preview(self, day, *, min_due, skip_days):
        if min_due > 10**7:
            raise ValueError("the minimum is too large")
        return Preview(day, min_due, skip_days)

    def preview_rows(self, preview, start, stop):
        rows = [Row("Sullivan, Patrick", "FAM13_P1", 36494, 36494, 0),
                Row("Thompson, Brian", "FAM10_P1", 3300, 50750, 47450),
                Row("[bold]Washington[/], \x1b[31mTanya", "FAM11_P1", 19180, 35500, 16320)]
        return rows[start:stop]

    def run(self, preview, out_dir, fmt, *, progress=None, cancelled=None):
        self.runs.append((preview.day, out_dir, fmt))
        sent = due = 0
        for n, amount in enumerate((36494, 3300, 19180)):
            if n == 1 and self.hold is not None:
                self.at_second.set()
                self.hold.wait(5)
            if cancelled():
                return Totals(sent, preview.count, due, stopped="cancelled")
            sent, due = sent + 1, due + amount
            progress(Progress(n + 1, sent, preview.count, due))
        return Totals(sent, preview.count, due)

    def walkout_text(self, patient, day):
        if patient != "P1":
            raise ValueError(f"nothing was posted for {patient} on {day.isoformat()}")
        return "WALK-OUT STATEMENT\nVisit date 06/03/2024\n\nD1110  Prophylaxis, adult  95.00"

    def write_walkout(self, patient, day, folder, fmt):
        path = Path(folder) / f"walk-out-{patient}.{'pdf' if fmt == 'pdf' else 'txt'}"
        self.written.append(path)
        return path


def with_statements(make_app, desk, port=None, **config):
    app = make_app(desk, **config)
    app.config["statements"] = port or FakeStatements()
    return app


def test_the_fake_is_the_port():
    assert isinstance(FakeStatements(), StatementsPort)


def test_bindings_have_ids():
    assert all(b.id for _, b in StatementsScreen._merge_bindings())
    assert all(b.id for _, b in WalkoutScreen._merge_bindings())


async def open_screen(app, pilot, helpers):
    await helpers.settle(app, pilot)
    await pilot.press("f7")
    await helpers.settle(app, pilot)
    assert isinstance(app.screen, StatementsScreen)
    return app.screen


def text_of(screen, widget_id: str) -> str:
    return str(screen.query_one(widget_id).render())


async def test_preview_then_run_to_the_end(desk, make_app, helpers, tmp_path):
    port = FakeStatements()
    app = with_statements(make_app, desk, port)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(app, pilot, helpers)
        assert screen.query_one("#statements-date", Input).value == "2024-06-03"
        screen.query_one("#statements-folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+r")
        await helpers.settle(app, pilot)
        summary = text_of(screen, "#statements-summary")
        assert summary.startswith("3 families owe at least 5.00: amount due 619.74")
        assert "1 billed in the last 25 days (20.00)" in summary
        assert screen.table.row_count == 3
        # names are data: the markup and the escape byte are shown, never obeyed
        assert "[bold]Washington[/], ␛[31mTanya" in helpers.screen_text(app)
        await pilot.press("ctrl+g")
        await helpers.settle(app, pilot)
        await helpers.settle(app, pilot)
        assert port.runs == [(date(2024, 6, 3), tmp_path / "out", "pdf")]
        assert text_of(screen, "#statements-status") == (
            f"Sent 3 of 3 statements, amount due 589.74, in {tmp_path / 'out'}.")
        assert not screen.running


async def test_esc_cancels_the_run_between_families_and_the_desk_stays_usable(desk, make_app, helpers):
    port = FakeStatements(hold=threading.Event())
    app = with_statements(make_app, desk, port)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(app, pilot, helpers)
        await pilot.press("ctrl+r")
        await helpers.settle(app, pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert port.at_second.wait(5)
        assert screen.running
        await pilot.press("escape")  # cancels; the screen stays
        await pilot.pause()
        assert isinstance(app.screen, StatementsScreen)
        screen.query_one("#statements-min", Input).value = "7.00"  # the desk keeps working
        port.hold.set()
        await helpers.settle(app, pilot)
        await helpers.settle(app, pilot)
        status = text_of(screen, "#statements-status")
        assert status.startswith("Sent 1 of 3 statements") and "Cancelled" in status
        await pilot.press("escape")  # not running: back
        await pilot.pause()
        assert not isinstance(app.screen, StatementsScreen)


@pytest.mark.parametrize("field_id, value, message", [
    ("#statements-date", "2024-02-30", "Date: '2024-02-30' is not a date (YYYY-MM-DD)"),
    ("#statements-min", "5.005", "Min due:"),
    ("#statements-min", "-1.00", "Min due: the minimum is 0.00 or more"),
    ("#statements-skip", "ten", "Skip days: 'ten' is not a number of days"),
])
async def test_bad_input_is_one_line_and_runs_nothing(desk, make_app, helpers, field_id, value, message):
    port = FakeStatements()
    app = with_statements(make_app, desk, port)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(app, pilot, helpers)
        screen.query_one(field_id, Input).value = value
        await pilot.press("ctrl+r")
        await helpers.settle(app, pilot)
        assert text_of(screen, "#statements-error").startswith(message)
        await pilot.press("ctrl+g")
        await helpers.settle(app, pilot)
        assert port.runs == [] and screen.table.row_count == 0


async def test_the_run_needs_a_preview_of_the_same_choices(desk, make_app, helpers):
    port = FakeStatements()
    app = with_statements(make_app, desk, port)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(app, pilot, helpers)
        await pilot.press("ctrl+g")
        await helpers.settle(app, pilot)
        assert text_of(screen, "#statements-error").startswith("Preview first")
        await pilot.press("ctrl+r")
        await helpers.settle(app, pilot)
        screen.query_one("#statements-skip", Input).value = "10"  # changed since the preview
        await pilot.press("ctrl+g")
        await helpers.settle(app, pilot)
        assert text_of(screen, "#statements-error").startswith("Preview first") and port.runs == []


async def test_a_refused_preview_says_why_in_one_line(desk, make_app, helpers):
    app = with_statements(make_app, desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(app, pilot, helpers)
        screen.query_one("#statements-min", Input).value = "100000.01"
        await pilot.press("ctrl+r")
        await helpers.settle(app, pilot)
        assert text_of(screen, "#statements-error") == "the minimum is too large"


async def test_without_statements_f7_says_so(desk, make_app, helpers):
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await helpers.settle(app, pilot)
        await pilot.press("f7")
        await helpers.settle(app, pilot)
        assert not isinstance(app.screen, StatementsScreen)


async def test_walkout_from_the_account_shows_and_writes(desk, make_app, helpers, tmp_path):
    port = FakeStatements()
    app = with_statements(make_app, desk, port, patient="P1", documents_folder=str(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await helpers.settle(app, pilot)
        await pilot.press("w")
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, WalkoutScreen)
        assert "D1110  Prophylaxis, adult  95.00" in helpers.screen_text(app)
        await pilot.press("p")
        await helpers.settle(app, pilot)
        await pilot.press("t")
        await helpers.settle(app, pilot)
        assert port.written == [tmp_path / "walk-out-P1.pdf", tmp_path / "walk-out-P1.txt"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WalkoutScreen)


async def test_walkout_of_a_day_without_a_visit_says_so(desk, make_app, helpers):
    app = with_statements(make_app, desk, patient="P2")
    async with app.run_test(size=(100, 30)) as pilot:
        await helpers.settle(app, pilot)
        await pilot.press("w")
        await helpers.settle(app, pilot)
        assert not isinstance(app.screen, WalkoutScreen)
        assert any("nothing was posted" in str(n.message) for n in app._notifications)


class TestStatementsSnapshots:
    @SIZES
    def test_preview(self, snap_compare, desk, make_app, helpers, size):
        app = with_statements(make_app, desk)

        async def run_before(pilot):
            await helpers.settle(pilot.app, pilot)
            await pilot.press("f7")
            await helpers.settle(pilot.app, pilot)
            await pilot.press("ctrl+r")
            await helpers.settle(pilot.app, pilot)
        assert snap_compare(app, terminal_size=size, run_before=run_before)

    @SIZES
    def test_walkout(self, snap_compare, desk, make_app, helpers, size):
        app = with_statements(make_app, desk, patient="P1")

        async def run_before(pilot):
            await helpers.settle(pilot.app, pilot)
            await pilot.press("w")
            await helpers.settle(pilot.app, pilot)
        assert snap_compare(app, terminal_size=size, run_before=run_before)
