"""The ERA screen and the ERA to finish list: Pilot tests over an in-memory desk
(`era_fakes`), one over the database, the file picker, and snapshots at 80x24 and 160x50.

Update the snapshots after an intended change:
pytest tests/remittance/test_era_screen.py --snapshot-update
"""
from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import DataTable, Input, Static

from era_fakes import FakeEraDesk
from store.desks.era import DbEraDesk
from store.desks.frontdesk import DbFrontDesk
from store.desks.posting import DbPostingDesk
from tui.app import build_app
from tui.commands import POSTING_FORMS
from tui.forms import register_era
from tui.forms.confirm import ConfirmScreen
from tui.forms.era import EraFinishScreen, EraScreen
from tui.forms.era_dialogs import LineDialog, PromptDialog
from tui.forms.era_files import era_choices

CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False}
NOW = datetime(2026, 12, 1, 10, 15)


def app_over(office_db, era_desk, **config):
    app = build_app(DbFrontDesk(office_db), config={**CONFIG, **config}, clock=lambda: NOW,
                    posting=DbPostingDesk(office_db))
    register_era(app, era_desk)
    return app


async def open_era(pilot, path: str = "office.835") -> EraScreen:
    pilot.app.action_posting_form("era")
    await pilot.pause()
    await pilot.press(*path, "enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the X12 guide's check, in a thread
    await pilot.pause()
    assert isinstance(pilot.app.screen, EraScreen)
    return pilot.app.screen


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def test_the_palette_and_the_claims_list_open_the_era_screens():
    assert ("era", "Post an ERA file (electronic remittance, X12 835)") in POSTING_FORMS
    assert "era_finish" in dict(POSTING_FORMS)


def test_the_file_picker_completes_folders_and_era_files(tmp_path):
    (tmp_path / "remits").mkdir()
    for name in ("june.835", "july.TXT", "notes.pdf", ".hidden.835"):
        (tmp_path / "remits" / name).write_text("x")
    base = f"{tmp_path}/"
    assert era_choices(base) == [base + "remits/"]
    assert era_choices(base + "rem") == [base + "remits/"]
    assert era_choices(base + "remits/") == [base + "remits/july.TXT", base + "remits/june.835"]
    assert era_choices(base + "remits/ju") == [base + "remits/july.TXT", base + "remits/june.835"]
    assert era_choices(base + "nowhere/x") == []


async def test_a_file_shows_each_payment_as_the_grid_and_posts_the_ticked_claims(office_db):
    era = FakeEraDesk()
    app = app_over(office_db, era)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_era(pilot)
        table = screen.query_one("#era-grid", DataTable)
        assert table.row_count == 7  # 1 + 2 + 3 lines, and the claim that matches nothing
        assert "posts 320.70 (3) · to finish 52.00 · ready" in text_of(screen, "#era-running")
        await pilot.press("down", "space")  # untick C0227: its 99.20 goes to the list
        assert "posts 221.50 (2) · to finish 151.20 · ready" in text_of(screen, "#era-running")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        (path, check, picks), = era.posted
        assert (path, check) == ("office.835", 1)
        assert [(p.seq, p.claim_key, [ln.paid for ln in p.lines]) for p in picks] == [
            (0, "225", [8750]), (2, "228", [4800, 5600, 3000])]


async def test_an_edited_line_must_leave_the_claim_paying_what_the_era_says(office_db):
    era = FakeEraDesk()
    app = app_over(office_db, era)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_era(pilot)
        await pilot.press("down", "enter")  # C0227's exam
        await pilot.pause()
        assert isinstance(app.screen, LineDialog)
        app.screen.query_one("#line-paid", Input).value = "49.00"
        app.screen.query_one("#line-writeoff", Input).value = "16.00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "the lines of C0227 pay 100.20, the ERA 99.20" in text_of(screen, "#era-running")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and era.posted == []
        await pilot.press("down", "enter")  # move 1.00 back off the periodontal line
        await pilot.pause()
        app.screen.query_one("#line-paid", Input).value = "50.20"
        app.screen.query_one("#line-writeoff", Input).value = "38.00"
        await pilot.press("enter")
        await pilot.pause()
        assert "ready" in text_of(screen, "#era-running")
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        (_, _, picks), = era.posted
        assert [(ln.paid, ln.writeoff) for ln in picks[1].lines] == [(4900, 1600), (5020, 3800)]


async def test_a_payment_posted_before_is_refused_and_a_bad_file_says_why(office_db):
    era = FakeEraDesk()
    app = app_over(office_db, era)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_era(pilot)
        await pilot.press("right_square_bracket")  # Cigna's, posted before
        assert "already posted on 2026-12-01 10:15 by maria" in text_of(screen, "#era-check")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and era.posted == []
        await pilot.press("o")
        screen.query_one("#era-path", Input).value = "notes.pdf"
        await pilot.press("enter")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "notes.pdf does not begin with an ISA segment: not an X12 835 file" in messages


async def test_the_list_to_finish_matches_by_hand_or_marks_handled(office_db):
    era = FakeEraDesk()
    app = app_over(office_db, era)
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_posting_form("era_finish")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EraFinishScreen)
        assert screen.query_one("#finish-grid", DataTable).row_count == 1
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"C9999", "enter")
        await pilot.pause()
        assert "there is no claim C9999" in [n.message for n in app._notifications]
        await pilot.press("h")
        await pilot.pause()
        await pilot.press(*"returned to MetLife", "enter")
        await pilot.pause()
        assert era.handled == [("4", "returned to MetLife")]
        assert text_of(screen, "#finish-detail") == "Nothing left to finish."


class QuickGuideDesk(DbEraDesk):
    """The real desk, but the X12 guide's check (pyx12, `era show`'s tests cover it) says
    nothing: this test is about reading, matching and posting."""

    def guide_warnings(self, path: str):
        return (), True


async def test_the_era_screen_posts_to_the_database(office_db, era_file):
    """The real desk: the file read and matched, the check posted, the claims received."""
    app = app_over(office_db, QuickGuideDesk(office_db), patient="FAM10_P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")  # the claims list of the open account, then E: the ERA screen
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EraScreen)
        app.screen.query_one("#era-path", Input).value = str(era_file)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = office_db.execute_sql("SELECT trace_number, posted_cents, status FROM era").fetchall()
        assert rows == [("MET20261130", 32070, "partial")]
        statuses = office_db.execute_sql(
            "SELECT file_id, status FROM claim WHERE file_id IN ('C0225', 'C0227', 'C0228')"
            " ORDER BY file_id").fetchall()
        assert statuses == [("C0225", "received"), ("C0227", "received"),
                            ("C0228", "received")]
        assert "already posted" in text_of(app.screen, "#era-check")
        assert text_of(app.screen, "#era-guide") == "X12 guide: no complaints."


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_era_screen_snapshot(snap_compare, office_db, size):
    app = app_over(office_db, FakeEraDesk())

    async def run_before(pilot) -> None:
        await open_era(pilot)
        await pilot.press("down", "down", "space", "down", "down", "down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_era_to_finish_snapshot(snap_compare, office_db, size):
    app = app_over(office_db, FakeEraDesk())

    async def run_before(pilot) -> None:
        pilot.app.action_posting_form("era_finish")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
