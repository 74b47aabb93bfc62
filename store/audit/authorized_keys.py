"""The service account's ``authorized_keys``: one forced-command line per key of every enabled
user, the way Gitea's ``serv`` does it. sshd runs the command whatever the client asked for,
so the key decides who the user is::

    # dentledger key for ana SHA256:... db /srv/office/dentledger.db
    command="/opt/dentledger/bin/dentledger --db /srv/office/dentledger.db --as ana",restrict,pty ssh-ed25519 AAAA... ana@desk1

``restrict`` turns off forwarding and the rest; ``pty`` gives the TUI its terminal back. The
marker line before each key says the line is ours (and for which database), so a rewrite
keeps every other line of the file, other databases' keys included. The file is rewritten
whole from the users table (so a disabled user's or removed key's line goes), atomically (a
0600 temporary file renamed over it) under a lock on its folder, so two admins adding keys at once
cannot lose one another's.
"""
from __future__ import annotations

import fcntl
import os
import pwd
import shlex
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from .ssh_keys import PublicKey

MARK = "# dentledger key for "
ENV = "DENTLEDGER_AUTHORIZED_KEYS"


def default_path() -> Path:
    """``$DENTLEDGER_AUTHORIZED_KEYS``, else ``~/.ssh/authorized_keys`` of the account this
    process runs as (its home from the uid, not ``$HOME``)."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    try:
        home = pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        home = os.path.expanduser("~")
    return Path(home) / ".ssh" / "authorized_keys"


def forced_command(program: Sequence[str], db_path: str, user: str) -> str:
    """The shell command sshd runs for ``user``'s keys: ``program --db DB --as USER``, each
    word shell-quoted (sshd hands it to the account's shell)."""
    words = [*program, "--db", db_path, "--as", user]
    for word in words:
        if any(ch in word for ch in '"\\\n\r\0'):
            raise ValueError(f"cannot write a forced command for {word!r}: quotes, backslashes "
                             "and line breaks are not allowed in it")
    return " ".join(shlex.quote(w) for w in words)


def key_lines(program: Sequence[str], db_path: str, user: str, key: PublicKey) -> list[str]:
    """The marker line and the key line for one key."""
    command = forced_command(program, db_path, user)
    return [f"{MARK}{user} {key.fingerprint} db {db_path}",
            f'command="{command}",restrict,pty {key.line()}']


def rewrite(path: Path, db_path: str, program: Sequence[str],
            keys: Iterable[tuple[str, PublicKey]]) -> int:
    """Replace this database's lines in ``path`` by one pair per (user, key); returns the number
    of keys written. Lines that are not ours for ``db_path`` are kept as they are."""
    path = Path(path)
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    held = os.open(folder, os.O_RDONLY)  # the folder is the lock: no lock file left behind
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        kept = _foreign_lines(path, db_path)
        ours: list[str] = []
        count = 0
        for user, key in keys:
            ours += key_lines(program, db_path, user, key)
            count += 1
        _replace(path, kept + ours)
    finally:
        os.close(held)  # releases the lock
    return count


def _foreign_lines(path: Path, db_path: str) -> list[str]:
    """Every line of ``path`` except this database's marker lines and the line after each."""
    try:
        lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except FileNotFoundError:
        return []
    kept, skip = [], False
    for line in lines:
        if skip:
            skip = False
            continue
        if line.startswith(MARK) and line.endswith(f" db {db_path}"):
            skip = True
            continue
        kept.append(line)
    return kept


def _replace(path: Path, lines: list[str]) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".authorized_keys.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as out:
            out.write("".join(line + "\n" for line in lines))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
