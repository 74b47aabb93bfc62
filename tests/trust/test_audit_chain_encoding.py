"""`audit verify` at 100,000 rows a second: SQLite writes each row's canonical body
(``json_array``) and the HMAC's key states are made once. The chain's format does not change:
these tests show the fast path gives the Python encoder's answer for any values a row may
hold, and falls back to the Python encoder where SQLite's JSON differs (non-ASCII text, DEL,
a BLOB written by hand)."""
from __future__ import annotations

import hmac

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from trust_helpers import drop_triggers
from store import services
from store.audit import chain, verify_chain, verify_database
from store.db import write_transaction

AWKWARD = st.sampled_from(['"', "\\", "\x00", "\x01", "\b", "\t", "\n", "\x0b", "\f", "\r",
                           "\x1f", "\x7f", "/", "é", "ß", "€", "\u2028", "\ud7ff", "😀", " ",
                           "a", "Z", "0", "{", "}", "[", ","])
TEXT = st.text(alphabet=AWKWARD | st.characters(blacklist_categories=("Cs",)), max_size=12)
OPTIONAL = st.none() | TEXT
ROWS = st.tuples(
    TEXT.map(lambda t: "2026-03-02 10:00:00" + t),  # at (a DATETIME column: text, not a number)
    TEXT, OPTIONAL, OPTIONAL, OPTIONAL, TEXT, OPTIONAL, OPTIONAL,  # user ... entity_id
    st.none() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.sampled_from([0, -1, 2 ** 63 - 1])
    | st.floats(allow_nan=False).filter(lambda f: not f.is_integer() or abs(f) >= 2 ** 63),
    OPTIONAL)  # patient_id (a REAL stays one only when not a whole 64-bit number), detail


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=ROWS)
def test_sqlite_writes_the_python_encoders_body_for_every_ascii_row(db, values):
    """For any values, ``json_array``'s body is the Python encoder's whenever it is plain
    ASCII without a REAL number (the fast path), and the row verifies either way (the
    fallback encodes the values read back)."""
    with write_transaction(db):
        row_id = chain.append(db, dict(zip(chain.FIELDS[1:], values)))
    previous = db.execute_sql("SELECT hash FROM audit_log WHERE id = ?", (row_id - 1,)).fetchone()[0]
    (_, body, _), = chain.json_rows(db, "audit_log", chain.COLUMNS, row_id - 1).fetchall()
    python = "\n" + chain._CANONICAL.encode([row_id, *values])
    if body.isascii() and "\x7f" not in body and not chain._REAL.search(body):
        assert body == python
    signer = chain._Signer(chain.database_key(db))
    assert list(chain._links(db, signer, row_id - 1, previous)) == [
        (row_id, chain.row_hash(chain.database_key(db), previous, (row_id, *values)), True)]


def test_plain_rows_take_the_fast_path(db, monkeypatch):
    """An ordinary row never needs the Python encoder (else the speed is gone), and neither
    does a plain row that fails (a chain whose old key is lost has thousands)."""
    services.add_ledger_note(db, db.execute_sql("SELECT min(id) FROM patient").fetchone()[0],
                             'a "quoted" note \\ with\ttabs')
    monkeypatch.setattr(chain._Signer, "verifies", lambda *args: pytest.fail("fell back"))
    assert verify_database(db).ok
    assert verify_chain(db, b"another key" * 3).bad_row == 1


def test_non_ascii_rows_verify(db, encoder):
    from store.audit import record
    with write_transaction(db):
        record(db, "ledger_note", user="José Núñez", workstation="Recepción 😀",
               detail={"text": "Zoë\x7f"})
    check = verify_database(db)
    assert check.ok and check.rows == db.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]


def test_real_numbers_sqlite_writes_its_own_way_verify(db, encoder):
    """1e+20 to Python is 1.0e+20 to SQLite, infinity 9.0e+999: encoded again, they verify."""
    from store.audit import record
    with write_transaction(db):
        for number in (1e20, float("inf"), -2.5e-300, 0.1 + 0.2):
            record(db, "x", user="u", patient_id=number)
    assert verify_database(db).ok


def test_a_blob_written_by_hand_is_named_not_a_crash(db, db_path, encoder):
    for n in range(3):
        services.add_ledger_note(db, db.execute_sql("SELECT min(id) FROM patient").fetchone()[0],
                                 f"note {n}")
    drop_triggers(db_path).execute("UPDATE audit_log SET detail = X'00ff' WHERE id = 3")
    check = verify_database(db)
    assert check.bad_row == 3 and check.rows == 2
    assert check.problem == "row 3 was changed after it was written (its hash does not match)"


@pytest.mark.parametrize("size", [0, 1, 32, 64, 65, 200])
def test_the_signer_is_hmac_sha256(size):
    key = bytes(range(7, 7 + size % 256)) * (size // 256 + 1)
    key = key[:size]
    signer = chain._Signer(key)
    for message in (b"", b"\n[1]", b"x" * 1000):
        assert signer.hexdigest(message) == hmac.digest(key, message, "sha256").hex()
