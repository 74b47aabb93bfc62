"""An office that lost its audit key: the next change posted makes a new key and writes an
``audit_chain_resumed`` row first. From that row on the chain verifies; the rows before it
cannot be checked with the new key. That break is explained (``ok``, exit status 0, a backup
goes ahead and says how many rows cannot be checked); any break a resume row does not
explain (after it, a changed row between rows that verify, a missing row, a resume row that
does not say why) is still a break."""
from __future__ import annotations

import json
import os
import secrets

from cli.main import main
from trust_helpers import drop_triggers
from store import services
from store.audit import chain, key_path, verify_database
from store.audit.chain import COLUMNS, row_hash


def _notes(db, count: int) -> None:
    patient = db.execute_sql("SELECT id FROM patient WHERE file_id = 'WILSON_J'").fetchone()[0]
    for n in range(count):
        services.add_ledger_note(db, patient, f"note {n}")


def _last(db) -> int:
    return db.execute_sql("SELECT max(id) FROM audit_log").fetchone()[0]


def _action(db, row: int) -> str:
    return db.execute_sql("SELECT action FROM audit_log WHERE id = ?", (row,)).fetchone()[0]


def _lose_the_key(db) -> int:
    """The key file gone, a change posted: returns the resume row's id."""
    os.unlink(key_path(db))
    _notes(db, 1)
    resumed = _last(db) - 1
    assert _action(db, resumed) == "audit_chain_resumed"
    return resumed


def test_a_lost_key_is_explained_from_the_resume_row_on(db):
    _notes(db, 3)
    before = _last(db)
    resumed = _lose_the_key(db)
    _notes(db, 1)
    check = verify_database(db)
    assert resumed == before + 1
    assert check.ok and check.bad_row is None and check.head_id == _last(db) == resumed + 2
    assert (check.resumed.row, check.resumed.reason) == (resumed, "a new key file was made")
    assert check.unverified == ((1, before),) and check.unverified_rows == before
    assert check.note() == (
        f"rows before row {resumed} were signed with a key that is not here: {before} rows "
        f"(1-{before}) cannot be checked; the chain was resumed at row {resumed} "
        f"({check.resumed.at}) because a new key file was made")


def test_a_row_changed_after_the_resume_row_is_a_break(db, db_path):
    resumed = _lose_the_key(db)
    _notes(db, 2)
    drop_triggers(db_path).execute(f"UPDATE audit_log SET user = 'x' WHERE id = {resumed + 2}")
    check = verify_database(db)
    assert not check.ok and check.bad_row == resumed + 2
    assert check.problem == (f"row {resumed + 2} was changed after it was written (its hash "
                             "does not match)")


def test_the_resume_row_itself_changed_is_a_break(db, db_path):
    resumed = _lose_the_key(db)
    drop_triggers(db_path).execute("UPDATE audit_log SET detail = replace(detail, 'a new key', "
                                   f"'an old key') WHERE id = {resumed}")
    check = verify_database(db)
    assert not check.ok and check.bad_row == resumed and check.resumed is None
    assert check.problem == (f"row {resumed} was changed after it was written (its hash "
                             "does not match)")


def test_a_row_this_key_can_check_changed_before_the_resume_is_a_break(db, db_path):
    """Same key: the last row was found changed and written down by a resume row; a row
    changed later between rows that verify is not explained by it."""
    _notes(db, 3)
    last = _last(db)
    conn = drop_triggers(db_path)
    conn.execute(f"UPDATE audit_log SET user = 'x' WHERE id = {last}")
    chain._checked.clear()  # another desk, which has not seen this head
    _notes(db, 1)
    assert _action(db, last + 1) == "audit_chain_resumed" and verify_database(db).ok
    conn.execute("UPDATE audit_log SET user = 'y' WHERE id = 2")
    check = verify_database(db)
    assert not check.ok and check.bad_row == 2 and "row 2 was changed" in check.problem


def test_a_deleted_row_before_the_resume_row_is_a_break(db, db_path):
    _notes(db, 3)
    _lose_the_key(db)
    drop_triggers(db_path).execute("DELETE FROM audit_log WHERE id = 2")
    check = verify_database(db)
    assert not check.ok and check.bad_row == 2 and "row 2 is missing" in check.problem


def test_a_key_lost_twice_leaves_one_stretch_that_cannot_be_checked(db):
    _notes(db, 2)
    first = _lose_the_key(db)
    second = _lose_the_key(db)
    check = verify_database(db)
    assert first < second and check.ok and check.resumed.row == second
    assert check.unverified == ((1, second - 1),)


def test_the_old_key_found_again_checks_its_own_rows(db):
    _notes(db, 2)
    before = _last(db)
    old = key_path(db).read_text()
    first = _lose_the_key(db)  # rows first.. signed with a second key
    key_path(db).write_text(old)  # the first key is back
    _notes(db, 1)
    second = _last(db) - 1
    assert _action(db, second) == "audit_chain_resumed"
    check = verify_database(db)
    assert check.ok and check.resumed.row == second and check.unverified == ((first, second - 1),)
    assert check.resumed.reason == "the last row does not verify with this key"
    assert f"cannot be checked; the other {before} before it verify;" in check.note()


def test_a_resume_row_that_does_not_say_why_explains_nothing(db, db_path):
    resumed = _lose_the_key(db)
    key = bytes.fromhex(key_path(db).read_text().strip())
    conn = drop_triggers(db_path)
    conn.execute(f"UPDATE audit_log SET detail = '{{}}' WHERE id = {resumed}")
    previous = conn.execute(f"SELECT hash FROM audit_log WHERE id = {resumed - 1}").fetchone()[0]
    for *values, _ in list(conn.execute(f"SELECT {COLUMNS}, hash FROM audit_log WHERE id >= ? "
                                        "ORDER BY id", (resumed,))):  # signed again, whole
        previous = row_hash(key, previous, tuple(values))
        conn.execute("UPDATE audit_log SET hash = ? WHERE id = ?", (previous, values[0]))
    check = verify_database(db)
    assert not check.ok and check.bad_row == 1 and check.resumed is None


def test_a_desk_whose_key_file_is_replaced_resumes_the_chain_before_its_next_row(db):
    _notes(db, 1)  # this desk has seen its head verify
    key_path(db).write_text(secrets.token_bytes(32).hex() + "\n")
    _notes(db, 1)
    detail = json.loads(db.execute_sql("SELECT detail FROM audit_log WHERE id = ?",
                                       (_last(db) - 1,)).fetchone()[0])
    assert _action(db, _last(db) - 1) == "audit_chain_resumed"
    assert detail["reason"] == "the last row does not verify with this key"
    assert verify_database(db).ok


def test_a_desk_whose_key_file_is_deleted_says_a_new_key_was_made(db):
    _notes(db, 1)
    os.unlink(key_path(db))
    _notes(db, 1)
    assert _action(db, _last(db) - 1) == "audit_chain_resumed"
    assert verify_database(db).resumed.reason == "a new key file was made"


def test_audit_verify_exit_status_is_0_for_an_explained_break_and_1_after_it(db, db_path,
                                                                            capsys):
    resumed = _lose_the_key(db)
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"audit chain verified from row {resumed}: 2 rows, head row ")
    assert f"rows before row {resumed} were signed with a key that is not here" in out
    assert main(["--db", str(db_path), "audit", "verify", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["resumed"]["row"] == resumed
    assert data["unverified"] == [[1, resumed - 1]] and data["unverified_rows"] == resumed - 1
    drop_triggers(db_path).execute(f"UPDATE audit_log SET user = 'x' WHERE id = {resumed + 1}")
    assert main(["--db", str(db_path), "audit", "verify"]) == 1
    assert f"audit chain broken: row {resumed + 1}" in capsys.readouterr().out
