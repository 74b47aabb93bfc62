"""`dentledger user ...`, `--as`, SSH forced commands and `dentledger audit ...` from the
command line (in-process; the real sshd is tests/trust/test_ssh.py)."""
from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from cli.main import main
from trust_helpers import ANA, ANA_FP, BOB, BOB_FP
from store.audit import current


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keys_file(tmp_path):
    return tmp_path / "ssh" / "authorized_keys"


@pytest.fixture
def office(db_path, capsys, monkeypatch):
    """ana (frontdesk, with a key) and bob (billing, with a key), added by the account owner."""
    monkeypatch.setattr(sys, "argv", ["/opt/dentledger/bin/dentledger"])
    monkeypatch.setenv("DENTLEDGER_EXECUTABLE", "/opt/dentledger/bin/dentledger")
    db = str(db_path)
    assert run(capsys, "--db", db, "user", "add", "ana", "--role", "frontdesk",
               "--ssh-key", ANA)[0] == 0
    assert run(capsys, "--db", db, "user", "add", "bob", "--role", "billing")[0] == 0
    assert run(capsys, "--db", db, "user", "key", "bob", "add", BOB)[0] == 0
    return db


def test_keys_are_written_as_forced_commands_keeping_other_lines(tmp_path, keys_file, capsys,
                                                                  db_path, monkeypatch):
    keys_file.parent.mkdir()
    foreign = 'from="10.0.0.0/8" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFOREIGN admin@laptop'
    keys_file.write_text(foreign + "\n")
    monkeypatch.setenv("DENTLEDGER_EXECUTABLE", "/opt/dental office/bin/dentledger")
    code, out, _ = run(capsys, "--db", str(db_path), "user", "add", "ana", "--role", "frontdesk",
                       "--ssh-key", ANA)
    assert code == 0 and "1 key" in out
    lines = keys_file.read_text().splitlines()
    assert lines[0] == foreign
    assert lines[1] == f"# dentledger key for ana {ANA_FP} db {db_path}"
    assert lines[2] == (f"command=\"'/opt/dental office/bin/dentledger' --db {db_path} --as ana\","
                        f"restrict,pty {ANA}")
    assert stat.S_IMODE(os.stat(keys_file).st_mode) == 0o600
    assert not [p for p in keys_file.parent.iterdir() if p.name != "authorized_keys"]


def test_disabling_a_user_or_removing_a_key_removes_its_lines(office, keys_file, capsys):
    text = keys_file.read_text()
    assert "--as ana" in text and "--as bob" in text
    assert run(capsys, "--db", office, "user", "disable", "ana")[0] == 0
    text = keys_file.read_text()
    assert "--as ana" not in text and ANA_FP not in text and "--as bob" in text
    assert run(capsys, "--db", office, "user", "key", "bob", "remove", BOB_FP)[0] == 0
    assert "dentledger" not in keys_file.read_text()
    assert run(capsys, "--db", office, "user", "enable", "ana")[0] == 0
    assert "--as ana" in keys_file.read_text()


def test_another_databases_lines_are_kept(office, keys_file, tmp_path, capsys, template):
    from trust_helpers import copy_database
    (tmp_path / "other").mkdir()
    other = copy_database(template, tmp_path / "other")
    assert run(capsys, "--db", str(other), "user", "add", "cy", "--role", "admin",
               "--ssh-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOxp3KDgUv8EfXB4U0nqv6Lm3OaKl5h"
               "Zf3XhsV2mT0nL cy")[0] == 0
    assert run(capsys, "--db", office, "user", "disable", "bob")[0] == 0
    text = keys_file.read_text()
    assert "--as cy" in text and "--as ana" in text and "--as bob" not in text


def test_a_bad_key_is_one_line_and_writes_nothing(db_path, keys_file, capsys):
    code, out, err = run(capsys, "--db", str(db_path), "user", "add", "ana", "--role",
                         "frontdesk", "--ssh-key", "ssh-ed25519 AAAA!!!! ana")
    assert code == 1 and err.count("\n") == 1 and "not valid base64" in err
    assert not keys_file.exists()
    assert run(capsys, "--db", str(db_path), "user", "list", "--format", "json")[1].strip() == "[]"


def test_user_list_shows_fingerprints_never_whole_keys(office, capsys):
    code, out, _ = run(capsys, "--db", office, "user", "list")
    assert code == 0 and ANA_FP in out and BOB_FP in out and "frontdesk" in out
    assert ANA.split()[1] not in out and BOB.split()[1] not in out
    users = json.loads(run(capsys, "--db", office, "user", "list", "--format", "json")[1])
    assert [u["name"] for u in users] == ["ana", "bob"]
    assert users[0]["keys"] == [{"type": "ssh-ed25519", "fingerprint": ANA_FP,
                                 "comment": "ana@desk1", "added": users[0]["keys"][0]["added"]}]
    out = run(capsys, "--db", office, "user", "key", "ana", "list")[1]
    assert ANA_FP in out and ANA.split()[1] not in out


# --- --as and SSH commands -----------------------------------------------------------------

def test_as_a_user_acts_with_their_role(office, capsys):
    code, _, err = run(capsys, "--db", office, "--as", "ana", "post", "adjustment", "--patient",
                       "WILSON_J", "--amount", "-5.00", "--code", "COURTESY")
    assert code == 1 and err == ("dentledger: Adjustments need the billing role; "
                                 "ana is frontdesk.\n")
    assert current().user == "ana"
    code, out, _ = run(capsys, "--db", office, "--as", "bob", "post", "adjustment", "--patient",
                       "WILSON_J", "--amount", "-5.00", "--code", "COURTESY")
    assert code == 0 and "adjustment" in out


@pytest.mark.parametrize("who, words", [("zed", "there is no user 'zed'"),
                                        ("ana", "user ana is disabled")])
def test_unknown_or_disabled_users_are_refused(office, capsys, who, words):
    run(capsys, "--db", office, "user", "disable", "ana")
    code, out, err = run(capsys, "--db", office, "--as", who, "balance", "wilson")
    assert code == 1 and out == "" and err == f"dentledger: {words}\n"


def test_the_ssh_command_runs_as_the_user(office, capsys, monkeypatch):
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "balance 'wilson, james'")
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22")
    code, out, _ = run(capsys, "--db", office, "--as", "ana")
    assert code == 0 and "Wilson, James" in out
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "ledger WILSON_J")
    assert run(capsys, "--db", office, "--as", "ana")[0] == 0
    code, out, _ = run(capsys, "--db", office, "audit", "log", "--format", "json")
    viewed = json.loads(out)[-1]
    assert (viewed["action"], viewed["user"], viewed["patient"]) == ("viewed", "ana", "WILSON_J")
    assert viewed["ssh_origin"] == "192.0.2.7 50022 192.0.2.1 22"


@pytest.mark.parametrize("command", [
    "--db /tmp/other.db balance x", "balance x --db=/tmp/other.db", "--as bob balance x",
    "--as=bob balance x", "--d /tmp/x.db balance x", "--a bob balance x",
    "post note --patient WILSON_J --text hi --as bob",
])
def test_the_ssh_command_may_not_choose_the_database_or_the_user(office, capsys, monkeypatch,
                                                                 command):
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", command)
    before = run(capsys, "--db", office, "audit", "verify")[1]
    code, out, err = run(capsys, "--db", office, "--as", "ana")
    assert code == 1 and out == ""
    assert err == ("dentledger: an SSH command may not choose --db or --as: the key's forced "
                   "command decides them\n")
    monkeypatch.delenv("SSH_ORIGINAL_COMMAND")
    assert run(capsys, "--db", office, "audit", "verify")[1] == before


def test_the_ssh_command_is_never_run_by_a_shell(office, capsys, monkeypatch, tmp_path):
    marker = tmp_path / "pwned"
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", f"balance wilson; touch {marker}")
    with pytest.raises(SystemExit):  # argparse: "unrecognized arguments"
        main(["--db", office, "--as", "ana"])
    assert not marker.exists()
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "balance 'unclosed")
    code, _, err = run(capsys, "--db", office, "--as", "ana")
    assert code == 1 and "cannot read the SSH command" in err


def test_import_and_demo_need_admin(office, capsys, tmp_path):
    code, _, err = run(capsys, "--db", office, "--as", "bob", "demo", "--replace")
    assert code == 1 and err == "dentledger: Loading a demo practice needs the admin role; " \
                                "bob is billing.\n"
    code, _, err = run(capsys, "--db", office, "--as", "ana", "export", str(tmp_path / "x.json"))
    assert code == 1 and "Exporting the practice needs the admin role" in err


def test_passwd_reads_the_password_twice_never_from_the_command_line(office, capsys,
                                                                      monkeypatch):
    typed = iter(["a long secret", "a long secret", "one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run(capsys, "--db", office, "user", "passwd", "ana")[0] == 0
    code, _, err = run(capsys, "--db", office, "user", "passwd", "ana")
    assert code == 1 and "differ" in err
    users = json.loads(run(capsys, "--db", office, "user", "list", "--format", "json")[1])
    assert users[0]["password"] is True


# --- audit verify / log --------------------------------------------------------------------

def test_audit_verify_exit_codes(office, capsys, db_path):
    code, out, _ = run(capsys, "--db", office, "audit", "verify")
    assert code == 0 and out.startswith("audit chain verified: ") and " rows, head row " in out
    from trust_helpers import drop_triggers
    drop_triggers(db_path).execute("UPDATE audit_log SET user = 'x' WHERE id = 2")
    code, out, _ = run(capsys, "--db", office, "audit", "verify")
    assert code == 1 and "row 2 was changed" in out
    check = json.loads(run(capsys, "--db", office, "audit", "verify", "--format", "json")[1])
    assert check["bad_row"] == 2 and check["ok"] is False


def test_audit_log_filters_and_formats(office, capsys):
    run(capsys, "--db", office, "--as", "ana", "ledger", "WILSON_J")
    run(capsys, "--db", office, "--as", "bob", "ledger", "WILSON_C")
    rows = json.loads(run(capsys, "--db", office, "audit", "log", "--patient", "WILSON_J",
                          "--format", "json")[1])
    assert [(r["action"], r["user"]) for r in rows] == [("viewed", "ana")]
    rows = json.loads(run(capsys, "--db", office, "audit", "log", "--user", "bob",
                          "--format", "json")[1])
    assert [r["action"] for r in rows] == ["viewed"]
    csv = run(capsys, "--db", office, "audit", "log", "--format", "csv", "--limit", "2")[1]
    assert csv.splitlines()[0].startswith("id,at,user") and len(csv.splitlines()) == 3
    out = run(capsys, "--db", office, "audit", "log", "--from", "2000-01-01", "--to",
              "2000-01-02")[1]
    assert out.strip() == "no audit rows match"
    code, _, err = run(capsys, "--db", office, "audit", "log", "--from", "yesterday")
    assert code == 1 and "not a date" in err


def test_audit_log_needs_admin(office, capsys):
    code, out, err = run(capsys, "--db", office, "--as", "bob", "audit", "log")
    assert code == 1 and out == "" and "Reading the audit log needs the admin role" in err
    assert run(capsys, "--db", office, "--as", "ana", "audit", "verify")[0] == 0


@pytest.mark.parametrize("text, seconds", [(None, 600), ("", 600), ("90", 90), ("10m", 600),
                                           ("45s", 45), ("0", 0)])
def test_the_idle_lock_setting(text, seconds):
    from cli.commands import idle_lock_seconds
    assert idle_lock_seconds(text) == seconds


@pytest.mark.parametrize("text", ["ten", "-5", "1.5m", "99999999"])
def test_a_bad_idle_lock_setting_is_one_clear_error(text):
    from cli.commands import idle_lock_seconds
    with pytest.raises(ValueError, match="DENTLEDGER_IDLE_LOCK"):
        idle_lock_seconds(text)
