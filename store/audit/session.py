"""Who is at the keyboard: the app user and role this process acts as, the OS account and the
SSH origin it runs under.

`dentledger --as NAME` signs in as a registered user (`sign_in`): the forced command in the
service account's ``authorized_keys`` is what stops a person from choosing the name. Without
``--as`` the process acts as the account owner: admin, named after the OS account (whoever
holds the account's own shell holds the database file anyway). The OS account comes from the
process's uid (``pwd``), never from ``LOGNAME``/``USER``, which anyone can set.
"""
from __future__ import annotations

import os
import pwd
import socket
from dataclasses import dataclass
from functools import lru_cache

from ..connection import Database, StoreError
from .roles import ADMIN

MAX_ORIGIN = 200  # SSH_CONNECTION is "client port server port"; anything longer is not sshd's


class SignInRefused(StoreError):
    """``--as NAME`` names no user, or a disabled one."""


@dataclass(frozen=True)
class Session:
    """Who this process acts as."""
    user: str
    role: str
    signed_in: bool = False  # True: a registered user (--as); False: the account owner


@lru_cache(maxsize=4)
def _account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid with no passwd entry (containers)
        return f"uid {uid}"


def os_account() -> str:
    """The OS account this process runs as, from its uid."""
    return _account_name(os.getuid())


def ssh_origin() -> str | None:
    """Where an SSH session comes from (``SSH_CONNECTION``: client address and port, server
    address and port), None when not over SSH. Printable text only."""
    raw = os.environ.get("SSH_CONNECTION", "").strip()
    if not raw:
        return None
    text = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return text[:MAX_ORIGIN]


def workstation_name() -> str:
    return socket.gethostname() or "unknown"


_session: Session | None = None


def current() -> Session:
    """The signed-in user, else the account owner (admin)."""
    return _session or Session(os_account(), ADMIN)


def sign_in(db: Database, name: str) -> Session:
    """Act as registered user ``name`` from now on; refuses an unknown or disabled user."""
    global _session
    user = lookup_user(db, name)
    _session = Session(user[0], user[1], signed_in=True)
    return _session


def lookup_user(db: Database, name: str) -> tuple[str, str, str | None]:
    """(name, role, password hash) of an enabled user; `SignInRefused` otherwise."""
    row = db.execute_sql("SELECT name, role, disabled, password_hash FROM \"user\" "
                         "WHERE name = ?", (name,)).fetchone()
    shown = "".join(ch if ch.isprintable() else "?" for ch in str(name))[:40]
    if row is None:
        raise SignInRefused(f"there is no user {shown!r}")
    if row[2]:
        raise SignInRefused(f"user {shown} is disabled")
    return row[0], row[1], row[3]


def sign_out() -> None:
    """Back to the account owner (tests; a new sign-in)."""
    global _session
    _session = None
