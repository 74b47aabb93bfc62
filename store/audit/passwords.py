"""Passwords: argon2id hashes (argon2-cffi, the reference implementation's binding) with the
library's default cost. Only the idle lock screen asks for one; SSH keys are how users sign in.

argon2 is imported inside the functions: start-up never loads it.
"""
from __future__ import annotations

MIN_LENGTH = 8
MAX_LENGTH = 1024  # argon2 takes any length; this only stops a pasted file


def check_password(password: str) -> str:
    """``password`` if acceptable; ValueError with one sentence otherwise."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"a password may have at most {MAX_LENGTH} characters")
    if any(not ch.isprintable() for ch in password):
        raise ValueError("a password may not contain control characters")
    return password


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(check_password(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash`` (False for no hash or a damaged one)."""
    if not stored_hash:
        return False
    from argon2 import PasswordHasher
    from argon2.exceptions import Argon2Error, InvalidHashError

    try:
        return PasswordHasher().verify(stored_hash, password)
    except (Argon2Error, InvalidHashError):
        return False
