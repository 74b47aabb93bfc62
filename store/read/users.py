"""Users as the office sees them (`dentledger user list`) and the keys the service account's
``authorized_keys`` must hold. Keys are listed by type, fingerprint and comment, never whole.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..audit.ssh_keys import PublicKey
from ..connection import Database


@dataclass(frozen=True)
class KeyInfo:
    type: str
    fingerprint: str
    comment: str
    added: str | None


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    disabled: bool
    has_password: bool
    created: str | None
    keys: tuple[KeyInfo, ...]


def list_users(db: Database, name: str | None = None) -> list[UserInfo]:
    """Every user (or the one named), by name, with their keys."""
    where, params = ("WHERE name = ?", (name,)) if name is not None else ("", ())
    users = db.execute_sql(
        'SELECT id, name, role, disabled, password_hash IS NOT NULL, created FROM "user" '
        f"{where} ORDER BY name", params).fetchall()
    keys: dict[int, list[KeyInfo]] = {}
    for user_id, kind, fingerprint, comment, added in db.execute_sql(
            "SELECT user_id, type, fingerprint, comment, added FROM ssh_key ORDER BY id"):
        keys.setdefault(user_id, []).append(KeyInfo(kind, fingerprint, comment, added))
    return [UserInfo(n, r, bool(d), bool(p), c, tuple(keys.get(i, ())))
            for i, n, r, d, p, c in users]


def enabled_keys(db: Database) -> list[tuple[str, PublicKey]]:
    """(user name, key) for every key of every enabled user: the authorized_keys lines."""
    return [(name, PublicKey(kind, key, comment)) for name, kind, key, comment in db.execute_sql(
        'SELECT u.name, k.type, k.key, k.comment FROM ssh_key k JOIN "user" u ON u.id = k.user_id '
        "WHERE NOT u.disabled ORDER BY u.name, k.id")]
