"""Backups and restore (issue 13): a consistent copy while another process posts, checked
(integrity, identity, derived rows), 0600, renamed in only when whole; restore refuses a bad
backup and a database another desk has open, and keeps the database it replaces."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from cli.main import main
from store.db import StoreError, open_database
from store.db import backup as backups

POSTER = """
import sys
from store import services
from store.db import open_database
db = open_database(sys.argv[1], writer=False)
patient, count = int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
for _ in range(count):
    services.post_payment(db, patient, 100, "cash")
print("done", flush=True)
"""

HOLDER = """
import sys
from store.db import open_database
db = open_database(sys.argv[1], writer=False)
db.execute_sql("SELECT count(*) FROM patient").fetchall()
print("open", flush=True)
sys.stdin.read()
"""


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def payments(path) -> int:
    db = open_database(str(path), create=False, writer=False)
    try:
        return db.execute_sql("SELECT count(*) FROM patient_payment").fetchone()[0]
    finally:
        db.close()


def smallest_family_patient(path) -> int:
    db = open_database(path, writer=False)
    try:
        return db.execute_sql(
            "SELECT p.id FROM patient p JOIN ledger_entry e ON e.patient_id = p.id "
            "GROUP BY p.id ORDER BY count(*) LIMIT 1").fetchone()[0]
    finally:
        db.close()


def start(script: str, *args) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline().strip()
    assert first in ("ready", "open"), proc.stderr.read()
    return proc


def leftovers(folder) -> list[str]:
    return [n for n in os.listdir(folder) if n.endswith(".partial") or "-journal" in n]


# --- backup --------------------------------------------------------------------------

def test_backup_while_another_process_posts_is_consistent_and_checks(office, tmp_path):
    before = payments(office)
    poster = start(POSTER, office, smallest_family_patient(office), 60)
    db = open_database(office, writer=False)
    copies = []

    def copy() -> None:
        target = tmp_path / f"copy{len(copies)}.db"
        written = backups.backup(db, str(target), families=None)
        assert written.checked.families == written.checked.of_families
        copies.append(target)

    try:
        while poster.poll() is None or len(copies) < 2:  # the first starts while it posts
            copy()
        assert poster.wait(60) == 0, poster.stderr.read()
        copy()  # and one once it is done: every payment is in it
    finally:
        db.close()
    counts = [payments(c) for c in copies]
    assert before <= counts[0] <= counts[-2] <= counts[-1] == before + 60
    for path in copies:  # each copy, checked again on its own: every family re-computes
        assert backups.check_file(str(path), families=None).families > 0
        conn = sqlite3.connect(path)  # the copy is self-contained: one file, no log beside it
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()


def test_backup_is_0600_under_umask_022_and_leaves_nothing_behind(office, tmp_path):
    old = os.umask(0o022)
    try:
        db = open_database(office, writer=False)
        written = backups.backup(db, str(tmp_path / "b.db"))
        db.close()
    finally:
        os.umask(old)
    assert os.stat(written.path).st_mode & 0o777 == 0o600
    assert written.size == os.path.getsize(written.path) > 0
    assert leftovers(tmp_path) == []


def test_backup_refuses_the_live_file_and_a_folder(office, tmp_path):
    db = open_database(office, writer=False)
    try:
        with pytest.raises(StoreError, match="live database"):
            backups.backup(db, office)
        with pytest.raises(StoreError, match="is a folder"):
            backups.backup(db, str(tmp_path))
    finally:
        db.close()


def test_cli_backup_prints_what_it_checked_and_the_chain_head(office, tmp_path, capsys):
    target = tmp_path / "nightly.db"
    assert main(["--db", office, "backup", str(target), "--families", "all"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"backup {target}: ") and out.count("\n") == 1
    assert "integrity ok" in out and "13 of 13 families" in out
    assert "no audit chain yet" in out or "audit chain head" in out
    assert os.stat(target).st_mode & 0o777 == 0o600


def test_a_failed_check_leaves_no_backup_and_no_temporary_file(office, tmp_path, monkeypatch):
    def broken(db, families=None, **_):
        raise StoreError("the derived rows of family 1 disagree with a fresh re-computation")
    monkeypatch.setattr(backups, "check_derived", broken)
    db = open_database(office, writer=False)
    try:
        with pytest.raises(StoreError, match="disagree"):
            backups.backup(db, str(tmp_path / "b.db"))
    finally:
        db.close()
    assert os.listdir(tmp_path) == ["office"]


# --- restore -------------------------------------------------------------------------

def backup_of(office, tmp_path) -> str:
    db = open_database(office, writer=False)
    try:
        return backups.backup(db, str(tmp_path / "backup.db")).path
    finally:
        db.close()


def post_one_payment(path: str) -> None:
    from store import services
    db = open_database(path, writer=False)
    try:
        services.post_payment(db, 1, 700, "cash")
    finally:
        db.close()


def test_restore_puts_the_backup_in_place_and_keeps_the_old_database(office, tmp_path):
    copy = backup_of(office, tmp_path)
    post_one_payment(office)  # after the backup: the restore takes it away
    posted = payments(office)
    written = backups.restore(copy, office)
    assert payments(office) == posted - 1
    assert written.kept and Path(written.kept).name.startswith("dentledger.db.before-restore-")
    assert payments(written.kept) == posted
    for path in (office, written.kept):
        assert os.stat(path).st_mode & 0o777 == 0o600
    assert leftovers(Path(office).parent) == []


def test_restore_refuses_while_another_desk_has_the_database_open(office, tmp_path):
    copy = backup_of(office, tmp_path)
    post_one_payment(office)
    holder = start(HOLDER, office)
    try:
        before = payments(office)
        with pytest.raises(StoreError, match="another desk has .* open"):
            backups.restore(copy, office)
        assert payments(office) == before
        assert not [n for n in os.listdir(Path(office).parent) if "before-restore" in n]
    finally:
        holder.stdin.close()
        holder.wait(30)
    assert backups.restore(copy, office).kept  # once it is closed, the restore goes ahead


def tampered_ledger(path: str) -> None:
    """One ledger line's billed amount changed behind the services' back."""
    conn = sqlite3.connect(path)
    key = conn.execute("SELECT patient_id, posted, priority, k1, k2, k3 FROM ledger_entry "
                       "WHERE billed_cents > 0 LIMIT 1").fetchone()
    conn.execute("UPDATE ledger_entry SET billed_cents = billed_cents + 1 WHERE patient_id = ? "
                 "AND posted = ? AND priority = ? AND k1 = ? AND k2 = ? AND k3 = ?", key)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage, message", [
    ("garbage", "not a SQLite database"),
    ("truncated", "damaged|malformed|corrupt"),
    ("ledger", "disagree with a fresh re-computation"),
    ("not_dentledger", "not a DentLedger database"),
])
def test_restore_refuses_a_bad_backup_and_changes_nothing(office, tmp_path, damage, message):
    copy = backup_of(office, tmp_path)
    bad = tmp_path / f"{damage}.db"
    if damage == "garbage":
        bad.write_bytes(b"not a database at all\n" * 500)
    elif damage == "truncated":
        bad.write_bytes(Path(copy).read_bytes()[: os.path.getsize(copy) // 2])
    elif damage == "ledger":
        bad.write_bytes(Path(copy).read_bytes())
        tampered_ledger(str(bad))
    else:
        sqlite3.connect(bad).execute("CREATE TABLE t (x)").connection.close()
    live = digest(office)
    with pytest.raises(StoreError, match=message):
        backups.restore(str(bad), office, families=None)
    assert digest(office) == live
    assert sorted(os.listdir(Path(office).parent)) == ["dentledger.db", "dentledger.db.key"]


def test_cli_restore_says_where_the_old_database_is(office, tmp_path, capsys):
    copy = backup_of(office, tmp_path)
    assert main(["--db", office, "restore", copy]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"restored {office}: ")
    assert "before-restore-" in captured.err


def test_cli_restore_of_a_bad_backup_is_one_line_and_status_1(office, tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\0" * 4096)
    assert main(["--db", office, "restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dentledger: ")


# --- the daily backup ----------------------------------------------------------------

def test_daily_backup_once_a_day_keeping_the_newest(office, tmp_path):
    folder = tmp_path / "daily"
    db = open_database(office, writer=False)
    try:
        for day in (1, 2, 3):
            assert backups.daily_backup(db, str(folder), keep=2, day=date(2026, 3, day),
                                        families=5)
        assert backups.daily_backup(db, str(folder), keep=2, day=date(2026, 3, 3)) is None
    finally:
        db.close()
    assert sorted(os.listdir(folder)) == ["dentledger-2026-03-02.db", "dentledger-2026-03-02.db.key",
                                          "dentledger-2026-03-03.db", "dentledger-2026-03-03.db.key"]
    assert os.stat(folder).st_mode & 0o777 == 0o700


def run_daily_backup(office: str, folder: str) -> list[tuple[str, str | None]]:
    """The app's daily backup at start-up, in its thread; what it said (text, severity)."""
    from cli.commands import daily_backup_soon
    from store import services

    db = open_database(office)
    services.set_daily_backup(db, folder, 3)

    class App:  # what daily_backup_soon uses of the Textual app
        said: list = []

        def call_from_thread(self, fn, *args, **kw):
            fn(*args, **kw)

        def notify(self, text, **kw):
            self.said.append((text, kw.get("severity")))

    app = App()
    daily_backup_soon(app, db)
    for thread in threading.enumerate():
        if thread.name == "daily-backup":
            thread.join(60)
    db.close()
    return app.said


def test_the_app_writes_the_daily_backup_in_the_background(office, tmp_path):
    said = run_daily_backup(office, str(tmp_path / "daily"))
    today = backups.daily_path(office, str(tmp_path / "daily"), date.today())
    assert os.path.exists(today)
    assert said == [(f"Daily backup written: {today}", "information")]
    assert backups.daily_setting(open_database(office, writer=False)) == (
        str(tmp_path / "daily"), 3)


# --- the audit chain (trust's key beside the database) ---------------------------------

def drop_audit_triggers(path: str) -> None:
    """The append-only triggers off, so a test can tamper as an attacker with file access."""
    conn = sqlite3.connect(path)
    names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                        "AND tbl_name = 'audit_log'")]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    conn.commit()
    conn.close()


def test_backup_prints_the_verified_head_and_copies_the_key_beside_it(office, tmp_path, capsys):
    from store.audit import chain_head
    target = tmp_path / "nightly.db"
    assert main(["--db", office, "backup", str(target)]) == 0
    out = capsys.readouterr().out
    db = open_database(office, writer=False)
    try:
        _, head_id, head = chain_head(db)
    finally:
        db.close()
    assert f"audit chain head row {head_id} {head}" in out
    assert Path(f"{target}.key").read_bytes() == Path(f"{office}.key").read_bytes()
    assert os.stat(f"{target}.key").st_mode & 0o777 == 0o600


def test_backup_refuses_a_database_whose_audit_chain_does_not_verify(office, tmp_path, capsys):
    drop_audit_triggers(office)
    conn = sqlite3.connect(office)
    conn.execute("UPDATE audit_log SET user = 'someone else' WHERE id = 1")
    conn.commit()
    conn.close()
    assert main(["--db", office, "backup", str(tmp_path / "b.db")]) == 1
    err = capsys.readouterr().err
    assert "audit chain does not verify" in err and "row 1" in err and err.count("\n") == 1
    assert os.listdir(tmp_path) == ["office"]


def test_backup_without_the_key_is_refused_with_where_the_key_lives(office, tmp_path):
    os.remove(f"{office}.key")
    db = open_database(office, writer=False)
    try:
        with pytest.raises(StoreError, match=r"no audit key .*<database>\.key"):
            backups.backup(db, str(tmp_path / "b.db"))
    finally:
        db.close()
    assert os.listdir(tmp_path) == ["office"]


def test_restore_on_a_new_machine_takes_the_key_from_beside_the_backup(office, tmp_path):
    copy = backup_of(office, tmp_path)
    machine = tmp_path / "new-machine"
    machine.mkdir(mode=0o700)
    live = str(machine / "dentledger.db")
    written = backups.restore(copy, live)
    assert written.kept is None and written.checked.audit_head
    assert Path(f"{live}.key").read_bytes() == Path(f"{copy}.key").read_bytes()
    post_one_payment(live)  # the chain goes on with the same key: still verifies, no break
    db = open_database(live, writer=False)
    try:
        from store.audit import verify_database
        check = verify_database(db)
        assert check.ok, check.problem
        assert not db.execute_sql("SELECT 1 FROM audit_log WHERE action = "
                                  "'audit_chain_resumed'").fetchone()
    finally:
        db.close()


def test_restore_without_any_key_is_refused(office, tmp_path):
    copy = backup_of(office, tmp_path)
    os.remove(f"{copy}.key")
    live = str(tmp_path / "elsewhere.db")
    with pytest.raises(StoreError, match="no audit key"):
        backups.restore(copy, live)
    assert not os.path.exists(live) and not os.path.exists(f"{live}.key")


def test_restore_keeps_the_replaced_key_beside_the_replaced_database(office, tmp_path):
    copy = backup_of(office, tmp_path)
    written = backups.restore(copy, office)
    assert Path(f"{written.kept}.key").read_bytes() == Path(f"{office}.key").read_bytes()


def lose_the_key_and_post(office: str, payments: int = 1) -> None:
    """The key file lost; the next changes make a new key and resume the chain first."""
    os.remove(f"{office}.key")
    for _ in range(payments):
        post_one_payment(office)


def test_backup_after_a_lost_key_goes_ahead_and_says_which_rows_cannot_be_checked(
        office, tmp_path, capsys):
    post_one_payment(office)  # a row signed with the key that will be lost
    rows = audit_rows(office)
    lose_the_key_and_post(office)
    target = tmp_path / "b.db"
    assert main(["--db", office, "backup", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[0].startswith(f"backup {target}: ")
    assert out[1].startswith(f"note: audit rows before row {rows + 1} were signed with a key "
                             f"that is not here: {rows} rows (1-{rows}) cannot be checked; the "
                             f"chain was resumed at row {rows + 1} (")
    assert out[1].endswith("because a new key file was made")
    assert Path(f"{target}.key").read_bytes() == Path(f"{office}.key").read_bytes()  # the new one
    assert main(["--db", str(tmp_path / "restored.db"), "restore", str(target)]) == 0
    assert f"before row {rows + 1} were signed" in capsys.readouterr().out


def test_backup_refuses_a_chain_broken_after_its_resume_row(office, tmp_path, capsys):
    lose_the_key_and_post(office, payments=2)
    drop_audit_triggers(office)
    conn = sqlite3.connect(office)
    conn.execute("UPDATE audit_log SET user = 'someone else' WHERE id = "
                 "(SELECT max(id) - 1 FROM audit_log)")
    conn.commit()
    conn.close()
    assert main(["--db", office, "backup", str(tmp_path / "b.db")]) == 1
    err = capsys.readouterr().err
    assert "audit chain does not verify" in err and "was changed" in err and err.count("\n") == 1
    assert os.listdir(tmp_path) == ["office"]


def audit_rows(path: str) -> int:
    db = open_database(path, writer=False)
    try:
        return db.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        db.close()


def test_the_apps_daily_backup_says_which_audit_rows_cannot_be_checked(office, tmp_path):
    lose_the_key_and_post(office)
    [(text, severity)] = run_daily_backup(office, str(tmp_path / "daily"))
    today = backups.daily_path(office, str(tmp_path / "daily"), date.today())
    assert text.startswith(f"Daily backup written: {today}; audit rows before row ")
    assert "were signed with a key that is not here" in text and severity == "warning"
