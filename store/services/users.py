"""Users: add, disable / enable, SSH keys, passwords. Each call is one posting (one
transaction, the admin role checked, one audit row with the change's before and after).

Writing the keys into the service account's ``authorized_keys`` is the caller's next step
(``store.audit.authorized_keys.rewrite`` over `store.read.users.enabled_keys`), after the
change has committed: the file follows the table, never the other way round.
"""
from __future__ import annotations

import re
from datetime import datetime

from ..audit.passwords import check_password, hash_password
from ..audit.roles import check_role
from ..audit.ssh_keys import BadKey, PublicKey, parse_key
from ..connection import Database
from . import common
from .common import Actor, ServiceError, one, posting, stamp_text

# Safe in a forced command and a file name: lowercase letters, digits, . _ - (as useradd).
NAME = re.compile(r"[a-z][a-z0-9._-]{0,31}")


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        shown = "".join(ch if ch.isprintable() else "?" for ch in str(name))[:40]
        raise ServiceError(f"a user name is 1-32 lowercase letters, digits, '.', '_' or '-', "
                           f"starting with a letter (not {shown!r})")
    return name


def add_user(db: Database, name: str, role: str, *, ssh_key: str | None = None,
             actor: Actor | None = None, now: datetime | None = None) -> int:
    """Add a user (and their first SSH key); returns the user's id."""
    with posting(db, "add_user", actor=actor, now=now) as post:
        check_name(name)
        try:
            check_role(role)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        if one(db, 'SELECT 1 FROM "user" WHERE name = ?', (name,)):
            raise ServiceError(f"there is already a user {name}")
        key = _parsed(ssh_key) if ssh_key is not None else None
        db.execute_sql('INSERT INTO "user" (name, role, disabled, created) VALUES (?, ?, 0, ?)',
                       (name, role, stamp_text(post.at)))
        user_id = one(db, 'SELECT id FROM "user" WHERE name = ?', (name,))[0]
        after = {"name": name, "role": role}
        if key is not None:
            _insert_key(db, user_id, name, key, stamp_text(post.at))
            after["ssh_key"] = _described(key)
        post.record("user", name, before=None, after=after)
        return user_id


def set_disabled(db: Database, name: str, disabled: bool, *, actor: Actor | None = None,
                 now: datetime | None = None) -> None:
    """Disable a user (their keys stop working once the authorized_keys file is rewritten and
    ``--as`` refuses them at once) or enable them again."""
    with posting(db, "disable_user" if disabled else "enable_user", actor=actor,
                 now=now) as post:
        user_id, was = _user(db, name)
        if was == disabled:
            raise ServiceError(f"user {name} is already {'disabled' if disabled else 'enabled'}")
        db.execute_sql('UPDATE "user" SET disabled = ? WHERE id = ?', (int(disabled), user_id))
        post.record("user", name, before={"disabled": was}, after={"disabled": disabled})


def set_role(db: Database, name: str, role: str, *, actor: Actor | None = None,
             now: datetime | None = None) -> None:
    """Give a user another role."""
    with posting(db, "set_role", actor=actor, now=now) as post:
        user_id, _ = _user(db, name)
        try:
            check_role(role)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        old = one(db, 'SELECT role FROM "user" WHERE id = ?', (user_id,))[0]
        db.execute_sql('UPDATE "user" SET role = ? WHERE id = ?', (role, user_id))
        post.record("user", name, before={"role": old}, after={"role": role})


def add_ssh_key(db: Database, name: str, key_text: str, *, actor: Actor | None = None,
                now: datetime | None = None) -> str:
    """Add an SSH public key to a user; returns its fingerprint."""
    with posting(db, "add_ssh_key", actor=actor, now=now) as post:
        user_id, _ = _user(db, name)
        key = _parsed(key_text)
        _insert_key(db, user_id, name, key, stamp_text(post.at))
        post.record("user", name, before=None, after={"ssh_key": _described(key)})
        return key.fingerprint


def remove_ssh_key(db: Database, name: str, which: str, *, actor: Actor | None = None,
                   now: datetime | None = None) -> str:
    """Remove one of a user's keys, named by fingerprint (``SHA256:...``, or its start) or
    comment; returns the fingerprint removed."""
    with posting(db, "remove_ssh_key", actor=actor, now=now) as post:
        user_id, _ = _user(db, name)
        rows = db.execute_sql("SELECT id, type, key, comment, fingerprint FROM ssh_key "
                              "WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
        which = (which or "").strip()
        hits = [r for r in rows if which and (r[4] == which or r[3] == which
                                              or (len(which) >= 12 and r[4].startswith(which)))]
        if not hits:
            raise ServiceError(f"user {name} has no SSH key {which!r} (give its fingerprint "
                               "or comment, as `user key NAME list` shows them)")
        if len(hits) > 1:
            raise ServiceError(f"{which!r} names {len(hits)} of {name}'s keys: give the "
                               "fingerprint")
        key_id, kind, blob, comment, fingerprint = hits[0]
        db.execute_sql("DELETE FROM ssh_key WHERE id = ?", (key_id,))
        post.record("user", name, before={"ssh_key": _described(PublicKey(kind, blob, comment))},
                    after=None)
        return fingerprint


def set_password(db: Database, name: str, password: str, *, actor: Actor | None = None,
                 now: datetime | None = None) -> None:
    """Set a user's password (argon2id): an admin for anyone, a user for themself."""
    who = actor or common.desk_actor()
    with posting(db, "set_own_password" if who.user == name else "set_password", actor=who,
                 now=now) as post:
        user_id, _ = _user(db, name)
        try:
            hashed = hash_password(check_password(password))
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        had = one(db, 'SELECT password_hash IS NOT NULL FROM "user" WHERE id = ?', (user_id,))[0]
        db.execute_sql('UPDATE "user" SET password_hash = ? WHERE id = ?', (hashed, user_id))
        post.record("user", name, before={"password": "set" if had else "none"},
                    after={"password": "changed" if had else "set"})


# --- shared ---------------------------------------------------------------------------

def _user(db: Database, name: str) -> tuple[int, bool]:
    row = one(db, 'SELECT id, disabled FROM "user" WHERE name = ?', (name,))
    if row is None:
        shown = "".join(ch if ch.isprintable() else "?" for ch in str(name))[:40]
        raise ServiceError(f"there is no user {shown!r}")
    return row[0], bool(row[1])


def _parsed(text: str) -> PublicKey:
    try:
        return parse_key(text)
    except BadKey as exc:
        raise ServiceError(str(exc)) from None


def _insert_key(db: Database, user_id: int, name: str, key: PublicKey, at: str) -> None:
    owner = one(db, 'SELECT u.name FROM ssh_key k JOIN "user" u ON u.id = k.user_id '
                    "WHERE k.key = ?", (key.key,))
    if owner is not None:
        whose = "this user's" if owner[0] == name else f"{owner[0]}'s"
        raise ServiceError(f"that SSH key ({key.fingerprint}) is already {whose}")
    db.execute_sql("INSERT INTO ssh_key (user_id, type, key, comment, fingerprint, added) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   (user_id, key.type, key.key, key.comment, key.fingerprint, at))


def _described(key: PublicKey) -> dict:
    """What the audit row says about a key: never the key itself."""
    return {"type": key.type, "fingerprint": key.fingerprint, "comment": key.comment}
