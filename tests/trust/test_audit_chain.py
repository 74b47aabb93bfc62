"""The audit log is append-only (triggers) and hash-chained (HMAC with a key beside the
database): `verify_chain` names the first row that is not as it was written."""
from __future__ import annotations

import os
import stat

import pytest

from trust_helpers import copy_database, drop_triggers
from store import services
from store.audit import chain_head, key_path, record, verify_chain, verify_database
from store.audit.chain import read_key, row_hash
from store.db import StoreError, open_database, write_transaction
from store.db.migrations import MIGRATIONS, add_users_and_audit_chain


def _post_notes(db, count: int = 4) -> None:
    patient = db.execute_sql("SELECT id FROM patient WHERE file_id = 'WILSON_J'").fetchone()[0]
    for n in range(count):
        services.add_ledger_note(db, patient, f"note {n}")


def _rows(db) -> int:
    return db.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]


def test_a_clean_chain_verifies_with_its_head(db):
    _post_notes(db)
    check = verify_database(db)
    count, last_id, last_hash = chain_head(db)
    assert check.ok and check.rows == count == _rows(db) and count >= 5
    assert (check.head_id, check.head) == (last_id, last_hash)
    assert f"{count} rows" in check.summary() and last_hash in check.summary()


def test_the_key_is_a_0600_file_beside_the_database_and_not_in_it(db, db_path):
    path = key_path(db)
    assert path == db_path.with_name(db_path.name + ".key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = read_key(path)
    assert len(key) == 32
    dump = b"".join(open(db_path, "rb").read().split(b"\0"))
    assert key.hex().encode() not in dump and key not in open(db_path, "rb").read()


def test_the_database_refuses_update_and_delete_of_audit_rows(db):
    before = db.execute_sql("SELECT * FROM audit_log ORDER BY id").fetchall()
    for sql in ("UPDATE audit_log SET user = 'mallory' WHERE id = 1",
                "DELETE FROM audit_log WHERE id = 1"):
        with pytest.raises(Exception, match="append-only"):
            with write_transaction(db):
                db.execute_sql(sql)
    assert db.execute_sql("SELECT * FROM audit_log ORDER BY id").fetchall() == before


def test_an_edited_row_is_named(db, db_path, encoder):
    _post_notes(db)
    conn = drop_triggers(db_path)
    conn.execute("UPDATE audit_log SET user = 'mallory' WHERE id = 3")
    check = verify_database(db)
    assert not check.ok and check.bad_row == 3 and check.rows == 2
    assert "row 3 was changed" in check.problem


def test_an_edited_detail_is_named(db, db_path, encoder):
    _post_notes(db)
    conn = drop_triggers(db_path)
    conn.execute("""UPDATE audit_log SET detail = '{"amount": 1}' WHERE id = 4""")
    assert verify_database(db).bad_row == 4


def test_a_deleted_row_is_named(db, db_path, encoder):
    _post_notes(db)
    drop_triggers(db_path).execute("DELETE FROM audit_log WHERE id = 4")
    check = verify_database(db)
    assert check.bad_row == 4 and "row 4 is missing" in check.problem


def test_a_deleted_first_row_is_named(db, db_path, encoder):
    _post_notes(db)
    drop_triggers(db_path).execute("DELETE FROM audit_log WHERE id = 1")
    assert verify_database(db).bad_row == 1


def test_reordered_rows_are_named(db, db_path, encoder):
    _post_notes(db)
    conn = drop_triggers(db_path)
    conn.execute("UPDATE audit_log SET id = -1 WHERE id = 3; UPDATE audit_log SET id = 3 "
                 "WHERE id = 4; UPDATE audit_log SET id = 4 WHERE id = -1")
    check = verify_database(db)
    assert check.bad_row == 3 and "row 3" in check.problem


def test_an_inserted_row_is_named(db, db_path, encoder):
    _post_notes(db)
    last = _rows(db)
    conn = drop_triggers(db_path)
    forged = (last + 1, "2026-03-02 10:00:00", "mallory", "root", None, "x", "adjustment",
              "adjustment", "1", None, None)
    conn.execute("INSERT INTO audit_log (id, at, user, os_user, ssh_origin, workstation, action, "
                 "entity, entity_id, patient_id, detail, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                 (*forged, row_hash(b"not the key" * 3, "00", forged)))
    check = verify_database(db)
    assert check.bad_row == last + 1 and check.rows == last
    assert "does not belong" in check.problem or "changed" in check.problem


def test_a_row_slipped_in_the_middle_is_named(db, db_path, encoder):
    _post_notes(db)
    conn = drop_triggers(db_path)
    conn.execute("DELETE FROM audit_log WHERE id = 3")
    conn.execute("INSERT INTO audit_log (id, at, user, action, hash) "
                 "VALUES (3, '2026-03-02 10:00:00', 'mallory', 'refund', 'ab')")
    assert verify_database(db).bad_row == 3


def test_a_wrong_key_is_named(db, encoder):
    _post_notes(db)
    check = verify_chain(db, b"\x01" * 32)
    assert check.bad_row == 1 and check.rows == 0
    assert "does not verify with this key" in check.problem


def test_a_missing_key_is_reported_not_guessed(db):
    os.unlink(key_path(db))
    check = verify_database(db)
    assert not check.ok and "no audit key" in check.problem


def test_a_database_copied_without_its_key_still_posts_and_says_the_key_changed(
        template, tmp_path):
    path = copy_database(template, tmp_path, with_key=False)
    db = open_database(str(path))
    _post_notes(db, 1)
    actions = [a for (a,) in db.execute_sql("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["audit_chain_resumed", "ledger_note"]
    resumed = len(actions) - 1
    check = verify_database(db)  # explained by the resume row: verified from there on
    assert check.ok and check.resumed.row == resumed and check.head_id == len(actions)
    assert check.unverified == ((1, resumed - 1),) and check.unverified_rows == resumed - 1
    assert check.summary().startswith(f"audit chain verified from row {resumed}: 2 rows, ")
    assert f"rows before row {resumed} were signed with a key that is not here: " \
        in check.summary()
    assert "because a new key file was made" in check.note()
    db.close()


def test_a_refused_first_posting_does_not_hide_the_new_key(template, tmp_path):
    path = copy_database(template, tmp_path, with_key=False)
    db = open_database(str(path))
    with pytest.raises(RuntimeError):  # the key is made, the row rolled back
        with write_transaction(db):
            record(db, "rolled back", user="u")
            raise RuntimeError
    assert key_path(db).exists()
    _post_notes(db, 1)
    actions = [a for (a,) in db.execute_sql("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["audit_chain_resumed", "ledger_note"]
    check = verify_database(db)
    assert check.ok and check.resumed.row == len(actions) - 1
    db.close()


def test_a_changed_last_row_is_written_down_by_the_next_posting(db, db_path):
    _post_notes(db, 2)
    last = _rows(db)
    drop_triggers(db_path).execute(f"UPDATE audit_log SET user = 'x' WHERE id = {last}")
    from store.audit import chain
    chain._checked.clear()  # another desk, which has not seen this head
    _post_notes(db, 1)
    resumed = db.execute_sql("SELECT action, detail FROM audit_log WHERE id = ?",
                             (last + 1,)).fetchone()
    assert resumed[0] == "audit_chain_resumed" and "does not verify" in resumed[1]
    check = verify_database(db)  # the break is written down where it happened: explained
    assert check.ok and check.resumed.row == last + 1 and check.unverified == ((last, last),)
    assert f"1 row ({last}) cannot be checked; the other {last - 1} before it verify" \
        in check.note()


def test_rows_record_the_os_account_from_the_uid_and_the_ssh_origin(db, monkeypatch):
    import pwd
    monkeypatch.setenv("LOGNAME", "someone-else")
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22")
    _post_notes(db, 1)
    os_user, origin, user = db.execute_sql(
        "SELECT os_user, ssh_origin, user FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert os_user == pwd.getpwuid(os.getuid()).pw_name != "someone-else"
    assert origin == "192.0.2.7 50022 192.0.2.1 22"
    assert user == os_user  # no --as: the account owner, named after the OS account


def test_a_posting_row_names_its_patient(db):
    _post_notes(db, 1)
    patient = db.execute_sql("SELECT id FROM patient WHERE file_id = 'WILSON_J'").fetchone()[0]
    assert db.execute_sql("SELECT patient_id FROM audit_log ORDER BY id DESC LIMIT 1"
                          ).fetchone()[0] == patient


def test_a_database_from_before_the_chain_migrates_and_its_rows_are_chained(tmp_path):
    import apsw
    path = tmp_path / "old.db"
    db = open_database(str(path))
    with write_transaction(db):
        for n in range(3):
            record(db, "old", user=f"u{n}", detail={"n": n})
    db.close()
    os.unlink(str(path) + ".key")
    before = MIGRATIONS.index(add_users_and_audit_chain)  # the version without users and chain
    conn = apsw.Connection(str(path))  # back to how that version left it
    conn.execute('DROP TRIGGER "audit_log_no_update"; DROP TRIGGER "audit_log_no_delete"; '
                 'DROP INDEX "audit_log_patient_id_id"; DROP INDEX "audit_log_user_id"; '
                 f"DROP TABLE ssh_key; PRAGMA user_version = {before}")
    for column in ("os_user", "ssh_origin", "patient_id", "hash"):
        conn.execute(f'ALTER TABLE audit_log DROP COLUMN "{column}"')
    for column in ("role", "disabled", "password_hash", "created"):
        conn.execute(f'ALTER TABLE "user" DROP COLUMN "{column}"')
    conn.execute("INSERT INTO user (name) VALUES ('maria')")
    conn.close()
    db = open_database(str(path), create=False)
    check = verify_database(db)
    assert check.ok and check.rows == 3
    assert os.path.exists(str(path) + ".key")
    assert db.execute_sql("SELECT role, disabled FROM user WHERE name = 'maria'").fetchone() == (
        "frontdesk", 0)
    with pytest.raises(Exception, match="append-only"):
        db.execute_sql("DELETE FROM audit_log")
    db.close()


def test_a_damaged_key_file_is_one_clear_error(db):
    key_path(db).write_text("not hex\n")
    with pytest.raises(services.ServiceError, match="audit key .* cannot be read"):
        _post_notes(db, 1)  # the service says it in one sentence, nothing written
