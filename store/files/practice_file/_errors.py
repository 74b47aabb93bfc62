"""Collecting problems with JSON paths, and the one exception a bad file raises."""
from __future__ import annotations

import json
import re
from decimal import Decimal

MAX_ERRORS = 50  # enough to fix a file in one go, short enough to read

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_\-]+\Z")
# What JSON text leaves raw but a terminal would act on: shown escaped in messages.
_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def quoted(text: str) -> str:
    """``text`` as a JSON string for a message: C0 controls escaped by JSON itself, C1 controls
    and bidirectional overrides escaped here (``\\u202e``), other letters as they are."""
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


class PracticeFileError(ValueError):
    """A practice file that cannot be imported; nothing was written.

    ``errors`` is a list of ``(json_path, message)``; ``str()`` gives one line per
    error, ``practice.plans[2].coverage.crowns: 120 is not a percentage 0-100``.
    """

    def __init__(self, errors, *, source: str = "<text>", more: int = 0):
        self.errors = list(errors)
        self.source = source
        self.more = more  # errors past the cap, counted but not listed
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{path or '(top level)'}: {message}" for path, message in self.errors]
        if self.more:
            lines.append(f"... and {self.more} more errors")
        return "\n".join(lines)


class Problems:
    """Every error found in one file, at most one per JSON path (the first is the useful one)."""

    def __init__(self, cap: int = MAX_ERRORS):
        self.items: list[tuple[str, str]] = []
        self._paths: set[str] = set()
        self.cap = cap
        self.more = 0

    def add(self, path: str, message: str) -> None:
        if path in self._paths:
            return
        self._paths.add(path)
        if len(self.items) >= self.cap:
            self.more += 1
            return
        self.items.append((path, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self, source: str) -> PracticeFileError:
        return PracticeFileError(self.items, source=source, more=self.more)


def key_path(base: str, key: str) -> str:
    """``practice.plans[2]`` + ``coverage`` -> ``practice.plans[2].coverage`` (odd keys in brackets)."""
    if _PLAIN_KEY.match(key):
        return f"{base}.{key}" if base else key
    return f"{base}[{quoted(key if len(key) <= 40 else key[:36] + '...')}]"


def index_path(base: str, index: int) -> str:
    return f"{base}[{index}]"


def show(raw: object) -> str:
    """A raw JSON value as the file wrote it, short, for messages."""
    if raw is True or raw is False:
        return "true" if raw else "false"
    if raw is None:
        return "null"
    if isinstance(raw, str):
        text = quoted(raw[:40])
        return text if len(text) <= 40 else text[:36] + '..."'
    if isinstance(raw, (int, Decimal)):
        text = str(raw)
        return text if len(text) <= 40 else text[:37] + "..."
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, list):
        return "a list"
    return str(raw)
