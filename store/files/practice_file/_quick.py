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
NUL characters and lone surrogates (the bytes are searched once: none may appear, raw or
escaped; the parser refuses bytes that are not UTF-8), NaN and Infinity (the parser refuses
them), duplicate keys (the parser keeps the last, so the keys read are counted and compared
with the keys written: see `_keys_written`), nesting (only the schema's keys are read:
nothing nests deeper than the schema does).

The parser is msgspec's (a well-kept C JSON parser, about twice as fast as the standard
library's with the hook a duplicate-key check needs there). It is stricter than `json`
(no NaN, no lone surrogate escapes): whatever it refuses is read carefully, and so refused
or read with the standard parser.
"""
from __future__ import annotations

import codecs
import re
from collections import defaultdict
from typing import Callable

from estimator.money import MoneyError

from ..forked import Forked
from ._checks import check_practice
from ._kinds import Ctx, Kind, NotPlainlyValid

# An escaped NUL or surrogate (\u0000, \ud800): text the careful reading must look at.
_ESCAPED = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
# A key's closing quote, then white space before its colon (see `_keys_written`); a colon
# after white space is looked for first (a search from each colon is quicker than from
# each quote: a file has a few times more quotes).
_SPACED_KEY = re.compile(rb'"[ \t\n\r]+:')
_SPACED_COLON = re.compile(rb":(?<=[ \t\n\r]:)")


def _plain_bytes(source: str | bytes) -> memoryview | None:
    """The file's UTF-8 bytes without a BOM, or None when they hold a NUL or a lone
    surrogate, raw or escaped (searched for cheaply: most files have none)."""
    if isinstance(source, str):
        try:
            source = source.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            return None
    body = _without_bom(source)
    if b"\x00" in source or _ESCAPED.search(source, len(source) - len(body)):
        return None
    return body


def _without_bom(source: bytes) -> memoryview:
    """The file's bytes after a BOM, if any (a view: a file can be a gigabyte)."""
    return memoryview(source)[len(codecs.BOM_UTF8) if source.startswith(codecs.BOM_UTF8) else 0:]


def _keys_written(data: memoryview) -> int | None:
    """How many keys the file writes at most, or None if that is not cheap to know.

    A key is a string followed by its colon; inside a string a quote is escaped, so each
    key's closing quote is one ``":`` once no white space comes between them (a file
    spaced so is not counted). Text holding ``\\":`` counts too: more keys written than
    read sends the file to the careful reading, which is never wrong."""
    raw = data.obj
    if _SPACED_COLON.search(raw) and _SPACED_KEY.search(raw):
        return None
    return raw.count(b'":')


class _StopAtFirst(Ctx):
    """The checks across rows (`check_practice`), stopping at the first problem."""

    def error(self, path: str, message: str) -> None:
        raise NotPlainlyValid(message)

    def path_of(self, obj: object) -> str:
        return ""


class Reader:
    """What the kinds' quick readings share while one file is read: the ids each table
    defines, the references to resolve, what each spelling was read as."""

    # A JSON number with a fraction or an exponent is kept as written, in ASCII bytes (the
    # parser's hook: `str.encode`, a call in C; a text subclass made in Python cost a second
    # for the six million amounts of 100,000 patients). No other JSON value is read as
    # bytes, so an amount is never taken for the text it is written like.
    FRACTION = bytes
    FLOAT_HOOK = staticmethod(str.encode)

    def __init__(self):
        self.keys = [0]  # keys read, each object's added as it is read (see `_keys_written`)
        self.ctx = _StopAtFirst(None)
        self.tables = self.ctx.tables
        self._refs: dict[tuple, dict[str, bool]] = defaultdict(dict)
        self._caches: dict[object, dict] = defaultdict(dict)
        self._compiled: dict[int, Callable] = {}

    def compile(self, kind: Kind) -> Callable[[object], object]:
        found = self._compiled.get(id(kind))
        if found is None:
            found = self._compiled[id(kind)] = kind.quick(self)
        return found

    def references(self, table: str, kinds: tuple[str, ...] | None) -> dict[str, bool]:
        """Where a reference to ``table`` (of one of ``kinds``) is noted (as a key)."""
        return self._refs[(table, kinds)]

    def cache(self, name: object) -> dict:
        return self._caches[name]

    def resolve(self) -> None:
        for (table, kinds), names in self._refs.items():
            defined = self.tables[table]
            if not defined.keys() >= names.keys():
                raise NotPlainlyValid(f"a reference to an unknown {table} row")
            if kinds and any(defined[name].kind not in kinds for name in names):
                raise NotPlainlyValid("a reference to a fee schedule of the wrong kind")


def _written(source: bytes) -> int | None:
    """`_keys_written` of a file whose bytes are plain (`_plain_bytes`), else None."""
    data = _plain_bytes(source)
    return None if data is None else _keys_written(data)


# Bytes from which a file's bytes are looked at in a second process (`_WrittenBeside`).
BESIDE_FROM = 32 << 20


class _WrittenBeside(Forked):
    """`_written` of a big file's bytes worked out in a child process while this one decodes
    them (two seconds of a gigabyte's reading, off its way). The child is forked, so it shares
    the bytes, and only reads them; it sends back one number. Where there is no ``fork``, for
    a small file, or when the child fails, `_written` runs here instead."""

    def __init__(self, source: bytes):
        self.source = source
        super().__init__(None if len(source) < BESIDE_FROM else self._answer)

    def _answer(self, out) -> None:  # (in the child)
        found = _written(self.source)
        out.write(b"-" if found is None else str(found).encode())

    def result(self) -> int | None:
        if self.pipe is None:
            return _written(self.source)
        text = self.pipe.read()
        self.stop()
        if not text or self.status != 0:  # (the child failed: worked out here)
            return _written(self.source)
        return None if text == b"-" else int(text)


def read_quickly(source: str | bytes, top: Kind) -> dict | None:
    """The top-level object of a plainly valid file (its text or UTF-8 bytes) as ``top``
    (the file's kind) reads it, else None."""
    import msgspec  # (lazily: start-up reads no practice file)

    if isinstance(source, str):
        data = _plain_bytes(source)
        if data is None:
            return None
        source = data.obj  # (its UTF-8 bytes)
    data = _without_bom(source)
    reader = Reader()
    with _WrittenBeside(source) as beside:
        try:
            raw = msgspec.json.Decoder(float_hook=reader.FLOAT_HOOK).decode(data)
            del data
            values = reader.compile(top)(raw)
            if values.get("practice") is None:
                return None
            written = beside.result()  # (None: a NUL, a lone surrogate, keys not counted)
            if written is None or written != reader.keys[0]:
                return None  # (fewer keys read than written: a key written twice)
            reader.resolve()
            check_practice(values["practice"], reader.ctx)
        except (NotPlainlyValid, ValueError, TypeError, MoneyError, RecursionError):
            return None  # (ValueError: not JSON (msgspec.DecodeError), an unreal date; TypeError: unhashable)
    return values
