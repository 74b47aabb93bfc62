"""Reading raw JSON strictly and writing canonical JSON text.

Reading: exact decimals, duplicate keys, NaN/Infinity, NUL bytes, broken Unicode
and silly nesting are all reported with their JSON path, never silently accepted.
Writing: Decimal money is written as a number with its two decimals (``150.00``).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal

from ._errors import Problems, index_path, key_path, quoted

MAX_DEPTH = 32  # the format nests about 6 deep; anything far deeper is not a practice file
_INLINE_WIDTH = 100


class JsonObject(dict):
    """A JSON object that remembers keys the file wrote twice."""

    duplicates: tuple[str, ...] = ()


class BadConstant:
    """``NaN``, ``Infinity`` or ``-Infinity`` in the file (kept so we can say where)."""

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name


def _pairs(pairs) -> JsonObject:
    obj = JsonObject()
    dups = []
    for key, value in pairs:
        if key in obj:
            dups.append(key)
            continue  # keep the first; the file is rejected anyway
        obj[key] = value
    if dups:
        obj.duplicates = tuple(dups)
    return obj


def load_raw(text: str, problems: Problems) -> object:
    """Parse JSON text; on failure record the problem at the top level and return None."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        problems.add("", "the file is empty")
        return None
    try:
        raw = json.loads(text, parse_float=Decimal, parse_constant=BadConstant, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        problems.add("", f"not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})")
        return None
    except RecursionError:  # absurd nesting, deeper than the parser goes
        problems.add("", f"not valid JSON for a practice file: nested more than {MAX_DEPTH} "
                         f"levels deep")
        return None
    except ValueError as exc:  # e.g. a 5000-digit integer
        problems.add("", f"not valid JSON: {exc}")
        return None
    if raw is None:  # the document `null`: None is also "could not parse" to the caller
        problems.add("", "a practice file is a JSON object, not null")
        return None
    _check_tree(raw, problems)
    return raw


def _check_tree(raw: object, problems: Problems) -> None:
    """Report what JSON allows but a practice file must not contain (iterative: no recursion limit)."""
    stack = [(raw, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.add(path, f"nested more than {MAX_DEPTH} levels deep")
            continue
        if isinstance(value, BadConstant):
            problems.add(path, f"{value} is not a number a practice file can hold")
        elif isinstance(value, str):
            _check_text(value, path, problems)
        elif isinstance(value, dict):
            for key in getattr(value, "duplicates", ()):
                problems.add(key_path(path, key), "duplicate key (the file writes this key twice)")
            for key, item in value.items():
                sub = key_path(path, key)
                _check_text(key, sub, problems)
                stack.append((item, sub, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, index_path(path, i), depth + 1) for i, item in enumerate(value))


def _check_text(text: str, path: str, problems: Problems) -> None:
    if "\x00" in text:
        problems.add(path, "contains a NUL character")
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        problems.add(path, "text is not valid Unicode (lone surrogate)")


# --- writing ---------------------------------------------------------------

def encode_json(value: object) -> str:
    """Canonical JSON text: 2-space indent, small objects and lists on one line, Decimal as numbers."""
    return _write(value, 0) + "\n"


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):  # readable letters; C1 controls and bidi overrides escaped
        return quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _inline(value: object) -> str | None:
    """One-line text for a container of scalars (one level of nesting allowed), else None."""
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            text = _scalar(item) if not _is_container(item) else _flat(item)
            if text is None:
                return None
            parts.append(f"{_scalar(str(key))}: {text}")
        return "{" + ", ".join(parts) + "}"
    text = [_scalar(item) if not _is_container(item) else _flat(item) for item in value]
    return None if None in text else "[" + ", ".join(text) + "]"


def _flat(value: object) -> str | None:
    """A container of scalars only, on one line."""
    items = value.values() if isinstance(value, Mapping) else value
    if any(_is_container(item) for item in items):
        return None
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(str(k))}: {_scalar(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_scalar(v) for v in value) + "]"


def _is_container(value: object) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def _write(value: object, level: int) -> str:
    if not _is_container(value):
        return _scalar(value)
    if not value:
        return "{}" if isinstance(value, Mapping) else "[]"
    inline = _inline(value)
    if inline is not None and 2 * level + len(inline) <= _INLINE_WIDTH:
        return inline
    pad = "  " * (level + 1)
    if isinstance(value, Mapping):
        body = ",\n".join(f"{pad}{_scalar(str(k))}: {_write(v, level + 1)}" for k, v in value.items())
        return "{\n" + body + "\n" + "  " * level + "}"
    body = ",\n".join(pad + _write(v, level + 1) for v in value)
    return "[\n" + body + "\n" + "  " * level + "]"
