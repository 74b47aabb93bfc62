"""A crash shows one line with an incident id, logs the details without values in a 0600
file, and exits non-zero (issue 13: a TUI crash printed the open patient's name five times
and exited 0)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import tui.app
from cli.main import main
from store.desks.frontdesk import DbFrontDesk

INCIDENT = re.compile(r"internal error \((\w+)\), incident ([0-9a-f]{8}); details in\s+(\S+)")


def patient_words(office: str) -> list[str]:
    from store.db import open_database
    db = open_database(office, writer=False)
    try:
        last, first = db.execute_sql(
            "SELECT last_name, first_name FROM patient WHERE file_id = 'FAM01_P4'").fetchone()
    finally:
        db.close()
    return [last, first]


def check_log(path: str, kind: str, ident: str, secrets: list[str]) -> str:
    assert os.stat(path).st_mode & 0o777 == 0o600
    text = Path(path).read_text()
    assert f"incident {ident}" in text and kind in text
    for word in secrets:
        assert word not in text
    return text


def test_cli_crash_is_one_line_with_an_incident_and_logs_no_values(office, monkeypatch, capsys):
    secrets = patient_words(office)

    def search(self, text, limit=50):  # a bug with the patient in its locals and message
        patient = self.db.execute_sql("SELECT last_name, first_name FROM patient "
                                      "WHERE file_id = 'FAM01_P4'").fetchone()
        raise KeyError(f"{patient[0]}, {patient[1]}")

    monkeypatch.setattr(DbFrontDesk, "search", search)
    old = os.umask(0o022)
    try:
        assert main(["--db", office, "balance", "delgado"]) == 1
    finally:
        os.umask(old)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    found = INCIDENT.search(captured.err)
    assert found and found.group(1) == "KeyError"
    assert not any(word in captured.err for word in secrets)
    assert found.group(3) == str(Path(office).parent / "incidents.log")
    log = check_log(found.group(3), "builtins.KeyError", found.group(2), secrets)
    assert "in search" in log and "cli/commands.py" in log


def test_refusals_are_still_said_in_their_own_words(office, capsys):
    assert main(["--db", office, "ledger", "nobody-at-all"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dentledger: no patient matches") and "incident" not in err
    assert not (Path(office).parent / "incidents.log").exists()


async def test_tui_crash_with_a_patient_open_shows_one_line_and_exits_1(office, monkeypatch,
                                                                         capsys):
    from tui.screens.account import AccountScreen

    secrets = patient_words(office)
    apps = []
    monkeypatch.setattr(tui.app.DentLedgerApp, "run", lambda self: apps.append(self))
    assert main(["--db", office]) == 0
    app = apps[0]  # the app as `dentledger` wires it (its crash reporter included)
    app.config.update(refresh_seconds=0, cursor_blink=False)

    def member(self, step):  # a handler that fails with the open patient in its locals
        view = self.view
        name = view.summary.name
        raise ValueError(f"cannot move from {name}")

    monkeypatch.setattr(AccountScreen, "_member", member)
    with pytest.raises(tui.app.Crash) as crash:
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_account("FAM01_P4")
            await pilot.pause()
            assert secrets[0] in str(app.screen.view.summary.name)  # the patient is open
            await pilot.press("full_stop")
            await pilot.pause()
    assert app.return_code == 1
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert not any(word in text for word in secrets)
    found = INCIDENT.search(text)
    assert found and found.group(1) == "ValueError"
    assert INCIDENT.search(str(crash.value))
    check_log(found.group(3), "builtins.ValueError", found.group(2), secrets)


def test_the_app_exits_non_zero_after_a_crash(office, monkeypatch):
    def crashed(self):  # what Textual leaves after an unhandled error
        self._return_code = 1
    monkeypatch.setattr(tui.app.DentLedgerApp, "run", crashed)
    assert main(["--db", office]) == 1


def test_the_log_goes_to_the_state_folder_when_the_database_folder_is_read_only(
        office, monkeypatch, tmp_path):
    from cli import incidents

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = Path(office).parent
    folder.chmod(0o500)
    try:
        try:
            raise RuntimeError("Delgado")
        except RuntimeError as exc:
            line = incidents.report(exc, str(folder))
    finally:
        folder.chmod(0o700)
    if os.geteuid() == 0:  # root writes anywhere: the database's folder took it
        assert str(folder) in line
    else:
        assert str(tmp_path / "state") in line
    assert "Delgado" not in line


def test_a_postgresql_url_is_no_folder_for_the_log():
    """A URL taken for a path made a folder named ``postgresql:`` under the current one."""
    from cli.incidents import folder_of

    assert folder_of("postgresql://postgres@/office?host=/tmp") is None
    assert folder_of("POSTGRES://db") is None
    assert folder_of("office.db") == os.path.dirname(os.path.abspath("office.db"))
