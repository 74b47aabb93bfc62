"""Roles for what landed after the roles did (issues 13-16): backups need admin; the billing
run, statements sent, ERAs, estimate overrides, do-not-bill and denied claim lines need
billing; registration, patients, the treatment plan and a procedure's date stay front-desk
work. Checked in the table, by the services, by the CLI and by the TUI."""
from __future__ import annotations

import pytest

from cli.main import main
from store import services
from store.audit import refusal, sign_in
from store.services import Actor, ServiceError

ADMIN_ONLY = ("backup", "restore", "set_daily_backup")
BILLING = ("billing_run", "statement_sent", "era_import", "era_finish", "era_handled",
           "set_overrides", "set_no_bill", "deny_lines")
FRONTDESK = ("register_patient", "edit_patient", "move_patient", "plan_order",
             "change_procedure")
ANA = Actor("ana", "desk1", None, "frontdesk")
BOB = Actor("bob", "desk2", None, "billing")


@pytest.mark.parametrize("action", ADMIN_ONLY + BILLING + FRONTDESK)
def test_the_roles_table(action):
    needs = "admin" if action in ADMIN_ONLY else "billing" if action in BILLING else "frontdesk"
    allowed = {"frontdesk": ("frontdesk", "billing", "admin"), "billing": ("billing", "admin"),
               "admin": ("admin",)}[needs]
    for role in ("frontdesk", "billing", "admin"):
        said = refusal("ana", role, action)
        assert (said is None) == (role in allowed), (action, role, said)
        if said:
            assert said.endswith(f"the {needs} role; ana is {role}.")


def rows(db) -> int:
    return db.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize("call, words", [
    (lambda db: services.set_overrides(db, 1, 1, {"percent": 50}, actor=ANA), "Estimate overrides need"),
    (lambda db: services.set_no_bill(db, 1, 1, True, actor=ANA), "Do-not-bill changes need"),
    (lambda db: services.deny_lines(db, 1, [1], actor=ANA), "Denying claim lines needs"),
    (lambda db: services.set_daily_backup(db, "/tmp/x", 3, actor=BOB),
     "Setting the daily backup needs the admin role; bob is billing"),
])
def test_the_services_refuse_before_writing(db, call, words):
    before = rows(db)
    with pytest.raises(ServiceError, match=words):
        call(db)
    assert rows(db) == before


def test_a_billing_desk_run_is_refused_to_the_front_desk(db):
    from datetime import date

    from store.desks.billing import DbBillingDesk

    desk = DbBillingDesk(db, actor=ANA)
    with pytest.raises(ServiceError, match="The billing run needs the billing role"):
        desk.preview(date.today(), min_due=0, skip_days=0)


@pytest.fixture
def office(db_path, capsys):
    """ana (frontdesk) and bob (billing), added by the account owner (admin)."""
    for name, role in (("ana", "frontdesk"), ("bob", "billing")):
        assert main(["--db", str(db_path), "user", "add", name, "--role", role]) == 0
    capsys.readouterr()
    return str(db_path)


@pytest.mark.parametrize("who, argv, words", [
    ("bob", ["backup", "{tmp}/b.db"], "Backups need the admin role; bob is billing."),
    ("bob", ["backup", "--daily", "{tmp}/daily"], "Backups need the admin role"),
    ("bob", ["backup", "--set-daily", "{tmp}/daily"], "Setting the daily backup needs"),
    ("bob", ["restore", "{tmp}/b.db"], "Restoring a backup needs the admin role"),
    ("ana", ["statements", "--date", "2026-12-01", "--dry-run"], "The billing run needs the billing role; ana is"),
    ("ana", ["statement", "wilson", "--out", "{tmp}/s.txt"], "Sending statements needs"),
    ("ana", ["era", "import", "{tmp}/x.835"], "Posting an ERA needs the billing role"),
    ("ana", ["era", "finish", "1", "--claim", "1"], "Finishing an ERA needs the billing role"),
    ("ana", ["era", "finish", "1", "--handled", "--note", "x"], "Finishing an ERA needs"),
])
def test_the_cli_refuses_in_one_line_and_writes_nothing(office, tmp_path, capsys, who, argv,
                                                       words):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["--db", office, "--as", who, *argv]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and words in err, err
    assert not [p.name for p in tmp_path.iterdir() if p.name in ("b.db", "daily", "s.txt")]


def test_the_walkout_and_a_statement_on_screen_stay_front_desk_work(office, capsys):
    assert main(["--db", office, "--as", "ana", "statement", "WILSON_J"]) == 0
    assert "wilson" in capsys.readouterr().out.lower()


# --- the TUI: keys hidden, the palette and F7 say why -------------------------------------------

def test_the_front_desk_does_not_see_billing_keys_of_the_visit_and_claims(office):
    import asyncio
    asyncio.run(front_desk_at_the_tui(office))


async def front_desk_at_the_tui(office) -> None:
    from datetime import datetime

    from store.db import open_database
    from store.desks.frontdesk import DbFrontDesk
    from store.desks.posting import DbPostingDesk
    from store.desks.session import DbSession
    from tui.app import build_app
    from tui.forms import register_era
    from tui.forms.claims import ClaimsScreen
    from tui.screens.account import AccountScreen

    db = open_database(office)
    sign_in(db, "ana")
    app = build_app(DbFrontDesk(db), config={
        "refresh_seconds": 0, "search_debounce": 0, "cursor_blink": False,
        "session": DbSession(db), "statements": object(), "patient": "WILSON_J"},
        clock=lambda: datetime(2026, 12, 1, 10, 0), posting=DbPostingDesk(db))
    register_era(app, object())
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        account = app.screen
        assert not account.check_action("correct", ("override",))
        assert not account.check_action("correct", ("no_bill",))
        assert account.check_action("correct", ("date",))
        account.action_correct("override")
        await pilot.pause()
        assert app._notifications and list(app._notifications)[-1].message == \
            "Estimate overrides need the billing role; ana is frontdesk."
        app.action_statements()
        await pilot.pause()
        assert list(app._notifications)[-1].message == \
            "The billing run needs the billing role; ana is frontdesk."
        app.action_posting_form("era")
        await pilot.pause()
        assert list(app._notifications)[-1].message == \
            "Posting an ERA needs the billing role; ana is frontdesk."
        assert isinstance(app.screen, AccountScreen)
        app.push_screen(ClaimsScreen(DbPostingDesk(db), "WILSON_J"))
        await pilot.pause()
        claims = app.screen
        assert not claims.check_action("deny", ()) and not claims.check_action("era", ())
        assert claims.check_action("send", ())
        claims.action_deny()
        await pilot.pause()
        assert list(app._notifications)[-1].message == \
            "Denying claim lines needs the billing role; ana is frontdesk."
    db.close()
