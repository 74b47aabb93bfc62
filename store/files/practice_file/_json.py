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
    out: list[str] = []
    _Writer(out).write(value, 0)
    out.append("\n")
    return "".join(out)


def write_json(value: object, out) -> None:
    """`encode_json` written to the text stream ``out`` a few hundred kilobytes at a time."""
    sink = _Sink(out)
    _Writer(sink).write(value, 0)
    sink.append("\n")
    sink.flush()


class _Sink:
    """Pieces of text gathered and written in chunks (as a list, to `_Writer`)."""

    CHUNK = 8192  # pieces

    def __init__(self, out):
        self.out, self.pieces = out, []

    def append(self, piece: str) -> None:
        self.pieces.append(piece)
        if len(self.pieces) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.pieces))
        self.pieces.clear()


class _Writer:
    """One pass over the value, pieces appended to ``out`` (joined once: a practice file of
    100,000 patients is close to a gigabyte of text). A container goes on one line when it
    holds scalars and containers of scalars only and fits in `_INLINE_WIDTH` with its indent;
    the one-line form is given up as soon as it is too long. Strings are quoted once each
    (a file repeats the same keys and ids millions of times). Written for speed: the common
    cases (text, a dict, a list) are tested by exact type before the general ones."""

    def __init__(self, out):  # a list, or anything with its ``append``
        self.out = out
        self.quoted: dict[str, str] = {}

    def scalar(self, value: object) -> str:
        if type(value) is str:
            q = self.quoted.get(value)
            if q is None:
                q = quoted(value)
                if len(value) <= 64:
                    self.quoted[value] = q
            return q
        return _scalar(value)

    def write(self, value: object, level: int) -> None:
        out, scalar = self.out, self.scalar
        if not _is_container(value):
            out.append(scalar(value))
            return
        is_map = isinstance(value, Mapping)
        if not value:
            out.append("{}" if is_map else "[]")
            return
        inline = self.inline(value, is_map, _INLINE_WIDTH - 2 * level)
        if inline is not None:
            out.append(inline)
            return
        pad = ",\n" + "  " * (level + 1)
        out.append("{" if is_map else "[")
        out.append(pad[1:])
        first = True
        cache = self.quoted
        for item in (value.items() if is_map else value):
            if first:
                first = False
            else:
                out.append(pad)
            if is_map:
                key, item = item
                out.append((cache.get(key) or scalar(str(key))) + ": ")
            if type(item) is str:
                out.append(cache.get(item) or scalar(item))
            else:
                self.write(item, level + 1)
        out.append("\n" + "  " * level + ("}" if is_map else "]"))

    def inline(self, value, is_map: bool, width: int) -> str | None:
        """One-line text of a container if it has at most one level of nesting and is at
        most ``width`` characters long, else None."""
        scalar, cache = self.scalar, self.quoted
        parts, used = [], 0  # used: the length of ", ".join(parts) + the brackets - 2
        for item in (value.items() if is_map else value):
            if is_map:
                key, item = item
            if type(item) is str:
                text = cache.get(item) or scalar(item)
            elif _is_container(item):
                text = self.flat(item)
                if text is None:
                    return None
            else:
                text = scalar(item)
            if is_map:
                text = (cache.get(key) or scalar(str(key))) + ": " + text
            used += len(text) + 2
            if used > width:
                return None
            parts.append(text)
        body = ", ".join(parts)
        return "{" + body + "}" if is_map else "[" + body + "]"

    def flat(self, value) -> str | None:
        """A container of scalars only, on one line."""
        is_map = isinstance(value, Mapping)
        items = value.values() if is_map else value
        if any(_is_container(item) for item in items):
            return None
        scalar = self.scalar
        if is_map:
            return "{" + ", ".join(scalar(str(k)) + ": " + scalar(v)
                                   for k, v in value.items()) + "}"
        return "[" + ", ".join(scalar(v) for v in value) + "]"


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


def _is_container(value: object) -> bool:
    kind = type(value)
    if kind is dict or kind is list or kind is tuple:
        return True
    return kind is not str and isinstance(value, (Mapping, list, tuple))
