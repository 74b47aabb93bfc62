"""Crash reports that hold no patient data.

An unexpected error (a bug, not a refusal) ends the command or the app with ONE line on the
screen: what kind of error, an incident id, and where the details are. The details go to
``incidents.log`` (0600) beside the database, or in the user's state folder when the
database's folder cannot take it (an in-memory database, a read-only folder).

What the details hold, decided so that no patient data can be in them: the time, the
incident id, the program's version, the exception's type and the types of the exceptions
it was raised from, and for each frame its file (relative to the installation), function
and line number. Never local variables or arguments (Textual's and rich's tracebacks show
those: a crash on the account screen printed the open patient's name five times), never the
exception's message (a KeyError's message is the key it missed: a name, an amount, an id),
never the source line.
"""
from __future__ import annotations

import os
import secrets
import traceback
from datetime import datetime

LOG_NAME = "incidents.log"
MAX_FRAMES = 40  # the deepest frames, where the error happened, are the ones kept


def report(exc: BaseException, folder: str | None) -> str:
    """Log ``exc`` (details without values) and return the one line to show."""
    ident = secrets.token_hex(4)
    where = _write(details(exc, ident), folder)
    line = f"internal error ({type(exc).__name__}), incident {ident}"
    return f"{line}; details in {where}" if where else f"{line} (no log could be written)"


def details(exc: BaseException, ident: str) -> str:
    """The log entry: types and frames only (see the module docstring)."""
    out = [f"incident {ident} at {datetime.now().isoformat(sep=' ', timespec='seconds')} "
           f"dentledger {_version()}"]
    for depth, error in enumerate(_chain(exc)):
        kind = type(error)
        out.append(f"{'  raised while handling ' if depth else ''}{kind.__module__}.{kind.__qualname__}")
        frames = traceback.extract_tb(error.__traceback__)[-MAX_FRAMES:]
        out += [f"    {_short(f.filename)}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join(out) + "\n"


def folder_of(db_path: str | None) -> str | None:
    """Where the log goes: the database's folder (None: the user's state folder, also for a
    PostgreSQL URL, which is no path: its "folder" would be made under the current one)."""
    from store.connection import is_postgres

    if not db_path or db_path == ":memory:" or is_postgres(db_path):
        return None
    return os.path.dirname(os.path.abspath(os.path.expanduser(db_path)))


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    error: BaseException | None = exc
    while error is not None and error not in seen and len(seen) < 8:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def _short(filename: str) -> str:
    """The file relative to the installation (no home folder, no user name)."""
    parts = filename.replace("\\", "/").split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(marker):])
    for top in ("cli", "tui", "store", "estimator", "era", "documents", "bench"):
        if top in parts:
            return "/".join(parts[len(parts) - 1 - parts[::-1].index(top):])
    return parts[-1]


def _write(text: str, folder: str | None) -> str | None:
    for place in (folder, _state_folder()):
        if not place:
            continue
        path = os.path.join(place, LOG_NAME)
        try:
            os.makedirs(place, mode=0o700, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, text.encode("utf-8", "replace"))
            finally:
                os.close(fd)
            return path
        except OSError:
            continue
    return None


def _state_folder() -> str | None:
    try:
        import platformdirs
        return platformdirs.user_state_dir("dentledger")
    except Exception:  # noqa: BLE001 - a crash report must not crash
        return None


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("dentledger")
    except Exception:  # noqa: BLE001
        return "unknown"
