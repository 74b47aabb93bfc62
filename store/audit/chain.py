"""The audit log's hash chain and its key.

Each row's ``hash`` is HMAC-SHA256(key, previous row's hash + "\\n" + the row's canonical
encoding): the JSON array of `FIELDS` in that order (ASCII, no spaces). The first row's
previous hash is empty. Changing, moving or deleting a row breaks the chain at that row (a
deleted row leaves a gap in the ids, which are consecutive); forging a row needs the key. The
database refuses UPDATE and DELETE on the table (triggers, `store.connection.protect_table`),
so a change needs a connection that drops them first: the chain is what shows it.

The key is 32 random bytes kept as hex in ``<database>.key`` beside the database, mode 0600,
created on first need and never stored in the database: a copy of the database alone cannot
be re-chained. (An in-memory database gets a key for the life of the process.) When the key
file is missing but the log already has rows, a new key is made; the next row written then
finds the last row does not verify and an ``audit_chain_resumed`` row says so first (also
when a running desk finds the key file changed under it), instead of the office being
unable to post.

`verify_chain(db, key)` is the pure-ish check `backup`/`restore` and ``audit verify`` call.
A chain that verifies from its last resume row on, whose earlier rows fail only as a change
of key leaves them (`_broken`), is explained: the check is ``ok`` and says which rows before
that row were signed with a key that is not here; any other break is named by its first row.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..connection import (
    MEMORY, Database, EngineError, StoreError, audit_key_path, json_rows, lock_practice,
)

FIELDS = ("id", "at", "user", "os_user", "ssh_origin", "workstation", "action", "entity",
          "entity_id", "patient_id", "detail")
COLUMNS = ", ".join(f'"{name}"' for name in FIELDS)
KEY_BYTES = 32
CHAIN_RESUMED = "audit_chain_resumed"  # the row written after a break (see `append`)

_memory_key = secrets.token_bytes(KEY_BYTES)
_cache: dict[str, tuple[tuple[int, int], bytes]] = {}
_checked: dict[str, tuple] = {}  # database -> ((id, hash) of the head known to verify, key)
_enabled = True  # the benchmark's reference (`unchained`) turns it off on a throw-away copy


# --- the key ------------------------------------------------------------------------------

def key_path(db: Database) -> Path | None:
    """``<database>.key`` (None for an in-memory database; PostgreSQL:
    `store.connection.postgres.audit_key_path`)."""
    return None if db.database == MEMORY else Path(audit_key_path(db))


def read_key(path: Path) -> bytes | None:
    """The key in ``path`` (None when there is no file); StoreError when it is damaged."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_ino, stat.st_mtime_ns)
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StoreError(f"the audit key {path} cannot be read: "
                         f"{getattr(exc, 'strerror', None) or 'not a key file'}") from None
    if len(key) != KEY_BYTES:
        raise StoreError(f"the audit key {path} is damaged (not {KEY_BYTES} bytes)")
    _cache[str(path)] = (stamp, key)
    return key


def database_key(db: Database) -> bytes | None:
    """This database's key, None when it has none yet."""
    path = key_path(db)
    return _memory_key if path is None else read_key(path)


def _key_for_writing(db: Database) -> tuple[bytes, bool]:
    """(key, whether this call created it)."""
    path = key_path(db)
    if path is None:
        return _memory_key, False
    key = read_key(path)
    if key is not None:
        return key, False
    return _create_key(path)


def _create_key(path: Path) -> tuple[bytes, bool]:
    """A new key file, written whole then linked into place (so a second process creating
    one at the same moment reads the winner's instead of overwriting it)."""
    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # PostgreSQL's keys folder
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(key.hex() + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o600)
            os.link(temp, path)
            created = True
        except FileExistsError:
            created = False
        finally:
            os.unlink(temp)
    except OSError as exc:
        raise StoreError(f"cannot create the audit key {path}: {exc.strerror or exc}") from None
    return (key, True) if created else (read_key(path) or key, False)


# --- writing ------------------------------------------------------------------------------

_CANONICAL = json.JSONEncoder(separators=(",", ":"))  # ASCII, no spaces; one encoder, made once


def row_hash(key: bytes, previous: str | None, row: tuple) -> str:
    """The chain hash of ``row`` (values in `FIELDS` order) after ``previous``."""
    body = _CANONICAL.encode(list(row))
    return hmac.digest(key, f"{previous or ''}\n{body}".encode(), "sha256").hex()


def append(db: Database, values: dict) -> int:
    """Append one row (`FIELDS` but ``id``) with its hash; returns its id. Call inside the
    write transaction of the change it describes.

    The last row is checked first (once per new head: a desk's own rows are not checked
    again): when it does not verify with this key (a new key file, a replaced one, or a
    changed last row), an `CHAIN_RESUMED` row goes in before this one, so the break is
    written down where it happened."""
    if not _enabled:
        lock_practice(db)
        last = db.execute_sql("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        return _insert(db, b"", last, values)[0]
    key, created = _key_for_writing(db)
    lock_practice(db)  # PostgreSQL: one head at a time (SQLite's writers already take turns)
    last = db.execute_sql(f"SELECT {COLUMNS}, hash FROM audit_log ORDER BY id DESC "
                          "LIMIT 1").fetchone()
    head = None if last is None else (last[0], last[-1])
    if head is not None and _checked.get(db.database) != (head, key) and \
            not _last_verifies(db, key, last):  # checked again when the key file changed too
        reason = "a new key file was made" if created else "the last row does not verify with this key"
        head = _insert(db, key, head, {
            **values, "action": CHAIN_RESUMED, "entity": "audit_log", "entity_id": str(head[0]),
            "patient_id": None,
            "detail": json.dumps({"reason": reason, "after_row": head[0],
                                  "previous_head": head[1]}, sort_keys=True)})
    head = _insert(db, key, head, values)
    _checked[db.database] = (head, key)
    return head[0]


def _last_verifies(db: Database, key: bytes, last: tuple) -> bool:
    before = db.execute_sql("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
                            (last[0],)).fetchone()
    stored = last[-1]
    return stored is not None and hmac.compare_digest(
        row_hash(key, before[0] if before else None, tuple(last[:-1])), str(stored))


def _insert(db: Database, key: bytes, last: tuple | None, values: dict) -> tuple[int, str | None]:
    row_id = 1 if last is None else last[0] + 1
    row = (row_id, *(values.get(name) for name in FIELDS[1:]))
    digest = row_hash(key, last[1] if last else None, row) if _enabled else None
    db.execute_sql(f"INSERT INTO audit_log ({COLUMNS}, hash) VALUES "
                   f"({', '.join('?' * (len(FIELDS) + 1))})", (*row, digest))
    return row_id, digest


class unchained:
    """Write audit rows without their hash (the benchmark's reference only, on a copy)."""

    def __enter__(self):
        global _enabled
        _enabled = False
        return self

    def __exit__(self, *exc):
        global _enabled
        _enabled = True
        return False


def chain_existing_rows(db: Database) -> int:
    """Hash every row that has no hash yet, in id order, each after the row before it (the
    migration that introduces the chain); returns how many were hashed."""
    key, _ = _key_for_writing(db)
    rows = db.execute_sql(f"SELECT {COLUMNS}, hash FROM audit_log ORDER BY id").fetchall()
    previous, done = None, 0
    for *values, stored in rows:
        if stored is None:
            stored = row_hash(key, previous, tuple(values))
            db.execute_sql("UPDATE audit_log SET hash = ? WHERE id = ?", (stored, values[0]))
            done += 1
        previous = stored
    return done


# --- verifying ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Resumed:
    """The `CHAIN_RESUMED` row a chain verifies from: its id, when, and why it was written."""
    row: int
    at: str
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    """What `verify_chain` found: ``rows`` verified in order up to ``head_id`` (whose hash is
    ``head``); ``bad_row`` and ``problem`` name the first row that is not as it was written.

    A chain that verifies from its last `CHAIN_RESUMED` row on, whose earlier rows do not
    verify only where a key that is not here signed them, is ``ok`` too: ``resumed`` names
    that row and ``unverified`` the stretches of rows (first, last) that cannot be checked."""
    rows: int
    head_id: int | None
    head: str | None
    bad_row: int | None = None
    problem: str | None = None
    resumed: Resumed | None = None
    unverified: tuple[tuple[int, int], ...] = ()

    @property
    def ok(self) -> bool:
        """No break but those explained by a resume row (backups go ahead, exit status 0)."""
        return self.bad_row is None and self.problem is None

    @property
    def unverified_rows(self) -> int:
        return sum(last - first + 1 for first, last in self.unverified)

    def summary(self) -> str:
        if not self.ok:
            return f"audit chain broken: {self.problem}"
        if self.head_id is None:
            return f"audit chain verified: {self.rows} rows, head empty log"
        head = f"head row {self.head_id}, {self.head}"
        if self.resumed is None:
            return f"audit chain verified: {self.rows} rows, {head}"
        since = self.head_id - self.resumed.row + 1
        return (f"audit chain verified from row {self.resumed.row}: {since} rows, {head}; "
                f"{self.note()}")

    def note(self) -> str | None:
        """What a backup's report says about rows that cannot be checked (None: none)."""
        if self.resumed is None:
            return None
        r, count = self.resumed, self.unverified_rows
        rows = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in self.unverified)
        other = r.row - 1 - count
        verified = f"; the other {other:,} before it verify" if other else ""
        return (f"rows before row {r.row} were signed with a key that is not here: "
                f"{count:,} row{'s' if count != 1 else ''} ({rows}) cannot be checked"
                f"{verified}; the chain was resumed at row {r.row} ({r.at}) because {r.reason}")


class _Signer:
    """HMAC-SHA256 with the key's inner and outer SHA-256 states made once (RFC 2104): each
    row then costs two copies and three small hashes; `hmac.digest` hashes the padded key
    again for every row, more than half of the HMAC's time on an audit row."""

    def __init__(self, key: bytes):
        if len(key) > 64:  # SHA-256's block: a longer key is hashed first (as `hmac` does)
            key = hashlib.sha256(key).digest()
        block = key.ljust(64, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def hexdigest(self, message: bytes) -> str:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def verifies(self, previous: str | None, row, stored: str) -> bool:
        """The Python encoding of ``row`` (values in `FIELDS` order) signs to ``stored``."""
        try:
            body = _CANONICAL.encode(list(row))
        except (TypeError, ValueError):  # a value DentLedger never writes (a BLOB)
            return False
        return self.hexdigest(f"{previous or ''}\n{body}".encode()) == stored


# A REAL number in json_array's body, where SQLite's digits may differ from Python's (1.0e+20,
# 1e+20). A plain body without one that does not verify fails with the Python encoder too:
# no need to encode it again (a chain whose old key is lost has every earlier row so).
_REAL = re.compile(r"[\[,]-?\d+(?:\.\d+(?:[eE][-+]?\d+)?|[eE][-+]?\d+)(?=[,\]])")


def _links(db: Database, signer: _Signer, after: int = 0, previous: str | None = None):
    """Each row after id ``after`` in id order as (id, stored hash, whether it verifies
    after the row before it, whose stored hash is ``previous``). Changing a row breaks its
    own link only: the next row links to the stored hash.

    On SQLite the database writes each row's canonical body (`store.connection.json_rows`:
    reading a dozen columns into Python and encoding them took most of the time); a body
    that is not plain ASCII, or holds a REAL number and does not verify, is read back and
    encoded again by the Python encoder, which is what signed it (SQLite leaves non-ASCII
    text as it is and writes some REAL numbers its own way; the values read back are the
    row's). (A timing-safe compare is not needed: nobody is asking the check to verify
    guesses.)"""
    try:
        rows = json_rows(db, "audit_log", COLUMNS, after)
        for row_id, body, stored in rows or ():
            plain = body.isascii() and "\x7f" not in body
            ok = stored is not None and (
                plain and signer.hexdigest(f"{previous or ''}{body}".encode()) == stored
                or (not plain or _REAL.search(body) is not None)
                and signer.verifies(previous, json.loads(body), stored))
            yield row_id, stored, ok
            previous, after = stored, row_id
        if rows is not None:
            return
    except EngineError:  # JSON cannot hold a BLOB (written by hand): Python from here
        pass
    for *row, stored in db.execute_sql(f"SELECT {COLUMNS}, hash FROM audit_log WHERE id > ? "
                                       "ORDER BY id", (after,)):
        yield row[0], stored, stored is not None and signer.verifies(previous, row, stored)
        previous = stored


def verify_chain(db: Database, key: bytes) -> ChainCheck:
    """Walk the audit log in id order and check every row's hash with ``key``."""
    signer = _Signer(key)
    links = _links(db, signer)
    previous: str | None = None
    last_id: int | None = None
    count = 0
    for row_id, stored, ok in links:
        problem = _link_problem(row_id, last_id, stored)
        if problem:
            return _bad(count, last_id, previous, problem[0], problem[1])
        if not ok:
            return _broken(db, links, count, last_id, previous, row_id)
        previous, last_id, count = stored, row_id, count + 1
    return ChainCheck(count, last_id, previous)


def _link_problem(row_id: int, last_id: int | None, stored: str | None):
    """(row, problem) for a row that is missing before ``row_id`` or has no hash; None."""
    expected_id = 1 if last_id is None else last_id + 1
    if row_id != expected_id:
        return expected_id, (f"row {expected_id} is missing (deleted): row {row_id} follows "
                             f"row {last_id or 'none'}")
    if stored is None:
        return row_id, f"row {row_id} has no hash"
    return None


def _broken(db: Database, links, count: int, last_id: int | None, previous: str | None,
            bad: int) -> ChainCheck:
    """Row ``bad`` does not verify. The break is explained when the chain was resumed after
    it (a `CHAIN_RESUMED` row saying why) and the rest of the log is as a change of key
    leaves it. Between two resume rows the rows were signed with one key (a desk that finds
    the last row does not verify with its key writes a resume row first), so there the rows
    that do not verify are the last ones before a resume row: signed with a key that is not
    here (or the last row, found changed when the chain was resumed). From the last resume
    row on, every row verifies. A row that fails before rows that verify with the same key
    was changed, and a missing row or hash is never explained: those are still breaks."""
    resumes = _resume_rows(db, bad)
    if not resumes:
        following = next(links, None)
        return _bad(count, last_id, previous, bad,
                    _why(bad, count, following is not None and following[2]))
    starts = {r.row for r in resumes}
    stretches = [[bad, bad]]  # rows that do not verify: (first, last)
    failing, seen = True, bad
    for row_id, stored, ok in links:
        problem = _link_problem(row_id, seen, stored)
        if problem:
            return _bad(count, last_id, previous, *problem)
        if row_id in starts:
            failing = False  # a new key from here
        if ok and failing:  # the rows before it, signed with this key, were changed
            first = stretches[-1][0]
            return _bad(count, last_id, previous, first, _why(first, count, row_id == first + 1))
        if ok:
            previous, last_id, count = stored, row_id, count + 1
        elif row_id >= resumes[-1].row:
            following = next(links, None)
            return _bad(count, last_id, previous, row_id,
                        _why(row_id, count, following is not None and following[2]))
        elif failing:
            stretches[-1][1] = row_id
        else:
            stretches.append([row_id, row_id])
            failing = True
        seen = row_id
    return ChainCheck(count, last_id, previous, resumed=resumes[-1],
                      unverified=_joined(stretches))


def _joined(stretches: list[list[int]]) -> tuple[tuple[int, int], ...]:
    """Stretches that follow on (a key lost twice) as one: rows 1-9 and 10-19 are 1-19."""
    out: list[tuple[int, int]] = []
    for first, last in stretches:
        if out and out[-1][1] + 1 == first:
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return tuple(out)


def _resume_rows(db: Database, after: int) -> list[Resumed]:
    """The `CHAIN_RESUMED` rows after id ``after`` that say why they were written."""
    found = []
    for row_id, at, detail in db.execute_sql(
            "SELECT id, at, detail FROM audit_log WHERE action = ? AND id > ? ORDER BY id",
            (CHAIN_RESUMED, after)):
        try:
            reason = json.loads(detail or "{}").get("reason")
        except (ValueError, AttributeError):
            reason = None
        if isinstance(reason, str) and reason.strip():
            found.append(Resumed(row_id, str(at), reason.strip()))
    return found


def verify_database(db: Database) -> ChainCheck:
    """`verify_chain` with the key beside the database."""
    key = database_key(db)
    if key is None:
        has_rows = db.execute_sql("SELECT 1 FROM audit_log LIMIT 1").fetchone()
        if not has_rows:
            return ChainCheck(0, None, None)
        return ChainCheck(0, None, None, None, f"there is no audit key at {key_path(db)}: "
                          "the chain cannot be checked without it (if it is lost, the next "
                          "change posted makes a new key and resumes the chain)")
    return verify_chain(db, key)


def _bad(count, last_id, previous, bad_row, problem) -> ChainCheck:
    return ChainCheck(count, last_id, previous, bad_row, problem)


def _why(row_id: int, verified: int, next_links: bool) -> str:
    """Why row ``row_id`` fails: if the next row chains on from its stored hash
    (``next_links``), the row itself was changed after it was written; if not, the row does
    not belong (inserted, moved, or, when nothing verifies before it, the key is another
    database's)."""
    if next_links:
        return f"row {row_id} was changed after it was written (its hash does not match)"
    if verified == 0:
        return (f"row {row_id} does not verify with this key: the key is not this database's, "
                f"or row {row_id} was changed")
    return (f"row {row_id} does not belong in the chain (inserted, moved or changed without "
            "the key)")


def chain_head(db: Database) -> tuple[int, int | None, str | None]:
    """(rows, last id, last hash): what a backup prints so a later copy can be compared."""
    count = db.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]
    last = db.execute_sql("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (count, last[0], last[1]) if last else (0, None, None)
