"""Who is at the desk: the idle lock (Pilot, an injected clock), what a role may not do (the
keys hide, the palette refuses in the services' words), the Audit log screen, and "viewed"
audit rows written after the card is shown (a real database)."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.screen import Screen

from tui.app import build_app
from tui.screens.account import AccountScreen
from tui.screens.audit_log import AuditLogScreen
from tui.screens.lock import LockScreen

NOW = datetime(2024, 6, 3, 9, 30)
CONFIG = {"refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False}
SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])


class FakeSession:
    """A `tui.screens.lock.SessionDesk` in memory."""

    def __init__(self, user="ana", role="frontdesk", password=None):
        self.user, self.role, self.password, self.disabled = user, role, password, False
        self.checked: list[str] = []

    def who(self):
        return self.user, self.role

    def refusal(self, what):
        billing = {"adjustment": "Adjustments need", "reversal": "Reversals need",
                   "setup": "Plan set-up needs"}
        admin = {"audit_log": "Reading the audit log needs"}
        if what in billing and self.role == "frontdesk":
            return f"{billing[what]} the billing role; {self.user} is {self.role}."
        if what in admin and self.role != "admin":
            return f"{admin[what]} the admin role; {self.user} is {self.role}."
        return None

    def has_password(self):
        return self.password is not None

    def still_allowed(self):
        return f"user {self.user} is disabled: this desk closes." if self.disabled else None

    def check_password(self, password):
        self.checked.append(password)
        return password == self.password


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def make(desk, session=None, clock=None, **config):
    return build_app(desk, config={**CONFIG, "session": session, **config},
                     clock=clock or (lambda: NOW))


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


# --- the idle lock ----------------------------------------------------------------------------

async def test_the_desk_locks_after_the_idle_time_and_hides_the_patient(desk, helpers):
    clock = Clock()
    app = make(desk, FakeSession(password="a long secret"), clock, patient="P1",
               idle_lock_seconds=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Smith" in helpers.screen_text(app)
        clock.advance(599)
        app.lock_when_idle()
        assert not app.locked
        clock.advance(2)
        app.lock_when_idle()
        await pilot.pause()
        assert app.locked and isinstance(app.screen, LockScreen)
        text = helpers.screen_text(app)
        assert "Smith" not in text and "ana (frontdesk)" in text
        await pilot.press("ctrl+p")  # no palette, no help, no find-patient behind the lock
        await pilot.press("f1", "ctrl+f", "f6")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"wrong pw", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and "Wrong password." in helpers.screen_text(app)
        await pilot.press(*"a long secret", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen) and not app.locked


async def test_a_key_press_keeps_the_desk_unlocked(desk):
    clock = Clock()
    app = make(desk, None, clock, idle_lock_seconds=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        clock.advance(500)
        await pilot.press("s")
        clock.advance(500)
        app.lock_when_idle()
        assert not app.locked


async def test_without_a_password_enter_unlocks_after_rereading_the_user(desk, helpers):
    clock = Clock()
    app = make(desk, FakeSession(), clock, idle_lock_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        clock.advance(61)
        app.lock_when_idle()
        await pilot.pause()
        assert "Press Enter to continue as ana." in helpers.screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.locked and not isinstance(app.screen, LockScreen)


async def test_a_user_disabled_meanwhile_cannot_unlock(desk):
    clock, session = Clock(), FakeSession()
    app = make(desk, session, clock, idle_lock_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        clock.advance(61)
        app.lock_when_idle()
        await pilot.pause()
        session.disabled = True
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 1


async def test_zero_never_locks(desk):
    clock = Clock()
    app = make(desk, FakeSession(), clock, idle_lock_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        clock.advance(10 ** 6)
        app.lock_when_idle()
        assert not app.locked


# --- roles ------------------------------------------------------------------------------------

async def test_frontdesk_does_not_see_billing_keys_and_the_palette_says_why(desk):
    app = make(desk, FakeSession(), patient="P1")
    for kind in ("adjustment", "patient_payment"):
        app.register_posting_form(kind, lambda _app, _pid: Screen())
    app.offer_reversal = lambda patient, row: None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "account.post_payment" in shown and "account.post_adjustment" not in shown
        assert not app.screen.check_action("reverse_line", ())
        app.action_posting_form("adjustment")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert notes(app)[-1] == "Adjustments need the billing role; ana is frontdesk."
        app.screen.action_reverse_line()
        await pilot.pause()
        assert notes(app)[-1] == "Reversals need the billing role; ana is frontdesk."


async def test_setup_screens_say_which_role_they_need(desk):
    from tui.setup import register_setup
    app = make(desk, FakeSession())
    register_setup(app, desk=object())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        plans = next(c for c in app.extra_commands if c.title == "Setup: insurance plans")
        plans.callback()
        await pilot.pause()
        assert notes(app)[-1] == "Plan set-up needs the billing role; ana is frontdesk."


# --- the audit log screen --------------------------------------------------------------------

class FakeAuditLog:
    def __init__(self):
        self.asked = []

    def rows(self, patient=None, limit=500):
        self.asked.append(patient)
        return [{"id": str(n), "at": f"2024-06-03 09:{n:02d}:00", "user": "ana",
                 "from": "192.0.2.7", "action": "viewed" if n % 2 else "patient_payment",
                 "patient": "P1 [bold]Smith[/], John", "detail": "patient 1 {\"via\": \"desk\"}"}
                for n in range(12, 0, -1)]


async def test_the_audit_log_needs_admin(desk):
    app = make(desk, FakeSession(), audit_log=FakeAuditLog())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_audit_log()
        await pilot.pause()
        assert not isinstance(app.screen, AuditLogScreen)
        assert notes(app)[-1] == "Reading the audit log needs the admin role; ana is frontdesk."


async def test_the_audit_log_of_the_current_patient(desk, helpers):
    port = FakeAuditLog()
    app = make(desk, FakeSession(role="admin"), audit_log=port, patient="P1")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        app.action_audit_log(True)
        await pilot.pause()
        assert isinstance(app.screen, AuditLogScreen) and port.asked == ["P1"]
        assert "[bold]Smith[/], John" in helpers.screen_text(app)  # data, never markup
        await pilot.press("a")
        await pilot.pause()
        assert port.asked == ["P1", None]


@SIZES
def test_lock_screen_snapshot(snap_compare, desk, size):
    clock = Clock()
    app = make(desk, FakeSession(password="secret pw"), clock, patient="P1",
               idle_lock_seconds=60)

    async def run_before(pilot):
        await settle(app, pilot)
        clock.advance(61)
        app.lock_when_idle()
        await pilot.pause()
        await pilot.press(*"wrong", "enter")
        await pilot.pause()
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_audit_log_snapshot(snap_compare, desk, size):
    app = make(desk, FakeSession(role="admin"), audit_log=FakeAuditLog())

    async def run_before(pilot):
        await settle(app, pilot)
        app.action_audit_log()
        await pilot.pause()
    assert snap_compare(app, terminal_size=size, run_before=run_before)


# --- "viewed" on a real database --------------------------------------------------------------

FIXTURE = Path(__file__).parents[1] / "services" / "fixtures" / "wilson.json"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    from store.db import open_database, write_transaction
    from store.derived import estimates
    from store.files.importer import import_practice
    from store.files.practice_file import load_practice_file
    path = tmp_path_factory.mktemp("views") / "practice.db"
    db = open_database(str(path))
    with write_transaction(db):
        import_practice(db, load_practice_file(FIXTURE).practice, user="fixture")
        estimates.reestimate_all(db)
    db.close()
    return path


@pytest.fixture
def frontdesk(template, tmp_path):
    from store.db import open_database
    from store.desks.frontdesk import DbFrontDesk
    path = tmp_path / "practice.db"
    shutil.copy(template, path)
    shutil.copy(str(template) + ".key", str(path) + ".key")
    db = open_database(str(path))
    yield DbFrontDesk(db)
    db.close()


def _views(db) -> list[tuple]:
    return db.execute_sql("SELECT patient_id, detail FROM audit_log WHERE action = 'viewed' "
                          "ORDER BY id").fetchall()


async def test_opening_an_account_is_audited_once_after_the_card_is_shown(frontdesk):
    app = make(frontdesk, patient="WILSON_J")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.pause()
        revision = frontdesk.revision()
        views = _views(frontdesk.db)
        assert len(views) == 1 and views[0][1] == '{"via": "desk"}'
        app.refresh_data(force=True)  # a reload is not a new view ...
        await pilot.press("full_stop")  # ... the next family member is
        await settle(app, pilot)
        assert len(_views(frontdesk.db)) == 2
        assert frontdesk.revision() == revision  # its own audit rows do not reload the card
    from store.audit import verify_database
    assert verify_database(frontdesk.db).ok


async def test_a_busy_database_queues_the_view_until_it_is_free(frontdesk):
    import apsw
    other = apsw.Connection(frontdesk.db.database)
    other.setbusytimeout(5000)
    other.execute("BEGIN IMMEDIATE")  # another desk holds the write lock
    app = make(frontdesk, patient="WILSON_J")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert frontdesk.views.pending and not _views(frontdesk.db)
        for _ in range(10):
            frontdesk.idle()
        assert "not in the audit log yet" in frontdesk.idle()
        other.execute("COMMIT")
        assert frontdesk.idle() is None
        assert len(_views(frontdesk.db)) == 1


def test_views_still_queued_at_exit_are_written_or_reported(frontdesk):
    import threading

    import apsw
    other = apsw.Connection(frontdesk.db.database)
    other.execute("BEGIN IMMEDIATE")
    frontdesk.views.add(1, "desk")  # busy: queued, the desk goes on
    assert len(frontdesk.views.pending) == 1 and not _views(frontdesk.db)
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    assert frontdesk.close() is None  # at exit it waits as a posting would
    assert len(_views(frontdesk.db)) == 1

    other.execute("BEGIN IMMEDIATE")
    frontdesk.views.add(1, "desk")
    frontdesk.db.connection().setbusytimeout(10)  # the lock outlasts the wait
    message = frontdesk.close()
    other.execute("ROLLBACK")
    assert message.startswith("1 account view(s) could not be written to the audit log")
    assert frontdesk.views.pending  # kept, not dropped
