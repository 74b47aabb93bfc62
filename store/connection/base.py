"""What the store shares whatever the engine: its error and warning, and the database opened
last."""
from __future__ import annotations

import sys


class StoreError(Exception):
    """A database problem explained in one line for the front desk."""


class StoreWarning(UserWarning):
    """Something the user should know about the database, in one line (e.g. a file others
    could read); the CLI prints it on standard error, the app shows it at start."""


# The models (`store.models`) serve the database opened last. They are bound when they are
# imported, so a start-up that runs no ORM query (Find patient, `balance`) never loads them.
_last_opened = None


def bind_models(db) -> None:
    """Make ``db`` the database the models serve (`store.db.open_database` calls this)."""
    global _last_opened
    _last_opened = db
    models = sys.modules.get("store.models")
    if models is not None and hasattr(models, "MODELS"):
        db.bind(models.MODELS)


def last_opened():
    """The database `store.db.open_database` opened last (`store.models` binds to it on
    import)."""
    return _last_opened


def driver_error(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """The driver's error (an instance of ``kind``) under peewee's wrapper, which re-raises
    with it as ``args[0]``, or under a cause or context; None when there is none."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, kind):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None
