"""Who is at the desk, for the TUI (`tui.screens.lock.SessionDesk`): the user and role, what
the role may not do (the same sentence the services refuse with), and the idle lock's
checks (the user still enabled, their password)."""
from __future__ import annotations

from ..audit import roles, session
from ..connection import Database

# What the TUI asks about (a posting form's kind, or a screen) -> the service action behind it.
ACTIONS = {
    "procedure": "post_procedure", "patient_payment": "patient_payment",
    "insurance_payment": "insurance_payment", "insurance_check": "insurance_payment",
    "adjustment": "adjustment", "ledger_note": "ledger_note", "appointment": "appointment",
    "claim": "create_claims", "claims": "claim_status", "reversal": "reverse_payment",
    "setup": "create_plan", "audit_log": "audit_log",
}


class DbSession:
    """Implements `tui.screens.lock.SessionDesk` over one open database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def who(self) -> tuple[str, str]:
        current = session.current()
        return current.user, current.role

    def refusal(self, what: str) -> str | None:
        current = session.current()
        return roles.refusal(current.user, current.role, ACTIONS.get(what, what))

    def has_password(self) -> bool:
        return self._hash() is not None

    def still_allowed(self) -> str | None:
        """None when the user may go on (their role re-read); else why not."""
        current = session.current()
        if not current.signed_in:
            return None
        try:
            session.sign_in(self.db, current.user)
        except session.SignInRefused as exc:
            return f"{exc}: this desk closes."
        return None

    def check_password(self, password: str) -> bool:
        from ..audit.passwords import verify_password  # argon2: only when a password is typed
        return verify_password(self._hash(), password)

    def _hash(self) -> str | None:
        current = session.current()
        if not current.signed_in:
            return None
        row = self.db.execute_sql('SELECT password_hash FROM "user" WHERE name = ?',
                                  (current.user,)).fetchone()
        return row[0] if row else None
