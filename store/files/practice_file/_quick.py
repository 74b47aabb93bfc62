"""The quick reading of a practice file: one pass that stops at the first thing not plainly valid.

`parse_practice_text` tries it first. It reads the same schema (`_schema`: each kind's `quick`
beside its `read` in `_kinds`) into the same `Practice`, but builds no JSON path and keeps no
problem list. A file that is not plainly valid (any problem at all; also a scenario's
``expect`` and informational keys, and text that needs a close look) gives None, and the
careful reading (`_json`, `Kind.read`, `_checks`) then reads it again and says everything
that is wrong: every refusal keeps its message, and a file read quickly is one the careful
reading accepts, read into an equal `PracticeFile` (tests/store/test_practice_file_quick.py).

Why it is quick: each kind is compiled once per file into a small function; ids, dates and
amounts, which a file repeats thousands of times, are checked and converted once per
spelling; references are resolved per table with set operations; the checks across rows
(`_checks`) run with a context that stops at the first problem.

What the careful reading also walks the whole tree for, and how this one makes sure of it:
NUL characters and lone surrogates (the text is searched once: none may appear, raw or
escaped), NaN and Infinity (the parser stops at them), duplicate keys (each object is
counted as it is parsed), nesting (only the schema's keys are read: nothing nests deeper
than the schema does).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Callable

from estimator.money import MoneyError

from ._checks import check_practice
from ._kinds import Ctx, Kind, NotPlainlyValid

# An escaped NUL or surrogate (\u0000, \ud800): text the careful reading must look at.
_ESCAPED = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _needs_a_close_look(text: str) -> bool:
    """A NUL or a lone surrogate, raw or escaped (searched for cheaply: most files have none)."""
    if "\x00" in text or ("\\u" in text and _ESCAPED.search(text)):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Fraction(str):
    """A JSON number with a fraction or an exponent, as written (`Decimal` of it when read)."""


def _constant(name: str):
    raise NotPlainlyValid(f"{name} in the file")


def _object(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise NotPlainlyValid("a key written twice")
    return obj


class _StopAtFirst(Ctx):
    """The checks across rows (`check_practice`), stopping at the first problem."""

    def error(self, path: str, message: str) -> None:
        raise NotPlainlyValid(message)

    def path_of(self, obj: object) -> str:
        return ""


class Reader:
    """What the kinds' quick readings share while one file is read: the ids each table
    defines, the references to resolve, what each spelling was read as."""

    FRACTION = _Fraction

    def __init__(self):
        self.ctx = _StopAtFirst(None)
        self.tables = self.ctx.tables
        self._refs: dict[tuple, list[str]] = defaultdict(list)
        self._caches: dict[object, dict] = defaultdict(dict)
        self._compiled: dict[int, Callable] = {}

    def compile(self, kind: Kind) -> Callable[[object], object]:
        found = self._compiled.get(id(kind))
        if found is None:
            found = self._compiled[id(kind)] = kind.quick(self)
        return found

    def references(self, table: str, kinds: tuple[str, ...] | None) -> Callable[[str], None]:
        """Where a reference to ``table`` (of one of ``kinds``) is noted."""
        return self._refs[(table, kinds)].append

    def cache(self, name: object) -> dict:
        return self._caches[name]

    def resolve(self) -> None:
        for (table, kinds), names in self._refs.items():
            defined = self.tables[table]
            names = set(names)
            if not names.issubset(defined.keys()):
                raise NotPlainlyValid(f"a reference to an unknown {table} row")
            if kinds and any(defined[name].kind not in kinds for name in names):
                raise NotPlainlyValid("a reference to a fee schedule of the wrong kind")


def read_quickly(text: str, top: Kind) -> dict | None:
    """The top-level object of a plainly valid file as ``top`` (the file's kind) reads it,
    else None."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if _needs_a_close_look(text):
        return None
    reader = Reader()
    try:
        raw = json.loads(text, parse_float=_Fraction, parse_constant=_constant,
                         object_pairs_hook=_object)
        values = reader.compile(top)(raw)
        if values.get("practice") is None:
            return None
        reader.resolve()
        check_practice(values["practice"], reader.ctx)
    except (NotPlainlyValid, ValueError, TypeError, MoneyError, RecursionError):
        return None  # (ValueError: not JSON, an unreal date; TypeError: a list used as a key)
    return values
