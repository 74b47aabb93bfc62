"""Field kinds: each reads one raw JSON value (reporting problems at its path) and dumps it back.

A kind never raises on bad input: it records the problem and returns a placeholder so the
rest of the file is still checked and every error is reported in one go.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from estimator.model import EMPTY, frozen_map
from estimator.money import MoneyError, check_range, to_cents, to_decimal

from ._errors import Problems, index_path, key_path, show
from ._json import BadConstant

# Dates a practice file may hold (a year 1 or 9999 is a typing or conversion error). Fixed,
# not "today +- n": whether a file imports must not depend on the day it is read.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\Z")

TABLE_NOUNS = {
    "providers": "provider", "procedure_codes": "procedure code", "fee_schedules": "fee schedule",
    "carriers": "carrier", "plans": "plan", "patients": "patient", "procedures": "procedure",
    "claims": "claim", "adjustment_codes": "adjustment code",
}


class Ctx:
    """What one parse has learned so far: problems, ids defined, references to resolve."""

    def __init__(self, problems: Problems):
        self.problems = problems
        self.tables: dict[str, dict[str, object]] = defaultdict(dict)
        self.refs: list[tuple[str, str, str, tuple[str, ...] | None]] = []  # path, table, id, kinds
        self._defined_at: dict[tuple[str, str], str] = {}
        self._where: dict[int, str] = {}

    def error(self, path: str, message: str) -> None:
        self.problems.add(path, message)

    def define(self, table: str, key: str, obj: object, path: str) -> None:
        if key in self.tables[table]:
            first = self._defined_at[(table, key)]
            self.error(path, f"duplicate {TABLE_NOUNS[table]} id {show(key)} (first at {first})")
            return
        self.tables[table][key] = obj
        self._defined_at[(table, key)] = path

    def placed(self, obj: object, path: str) -> None:
        self._where[id(obj)] = path

    def path_of(self, obj: object) -> str:
        return self._where[id(obj)]


class NotPlainlyValid(Exception):
    """The quick reading (`_quick`) stops here: the careful one (`read`) says what is wrong."""


class Kind:
    placeholder: object = None

    def read(self, ctx: Ctx, raw: object, path: str) -> object:
        raise NotImplementedError

    def dump(self, value: object) -> object:
        return value

    def quick(self, reader) -> Callable[[object], object]:
        """The quick reading of a raw value (`_quick.Reader` compiles each kind once per
        file): what `read` gives when it finds nothing wrong, else `NotPlainlyValid`. It
        must never accept what `read` refuses; a kind without one is read carefully."""
        return _careful_only

    def inline(self, reader) -> tuple[str, dict]:
        """`quick` as lines of code inside an entity's reader (`Entity.quick`): they take the
        raw value in ``v`` and leave the value read in ``v``, or raise as `quick` does; each
        name they use is written ``{n}name`` and given with its value. A kind read
        thousands of times a file says it here without a call; by default, `quick` is called."""
        return "v = {n}read(v)", {"read": reader.compile(self)}


def _careful_only(raw: object) -> object:
    raise NotPlainlyValid("read carefully")


# Text limits (the file's text goes to screens, statements and claims): an id is short
# printable text; a name is one line without control or bidirectional-override characters;
# free text (notes, descriptions) may have line breaks and tabs, nothing else of that kind.
MAX_ID, MAX_NAME, MAX_TEXT = 64, 200, 10_000
_NOT_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Text(Kind):
    """Text of one of four sorts: ``"id"``, ``"name"`` (one line), ``"line"`` (one line as long
    as free text: a step of an explanation) or ``"text"`` (free text)."""

    placeholder = ""

    def __init__(self, nonempty: bool = False, what: str = "text", sort: str = "text"):
        self.nonempty = nonempty
        self.what = what
        self.sort = sort
        self.longest = {"id": MAX_ID, "name": MAX_NAME}.get(sort, MAX_TEXT)

    def read(self, ctx, raw, path):
        if not isinstance(raw, str):
            ctx.error(path, f"{show(raw)} is not {self.what} (write it in quotes)")
            return ""
        if len(raw) > self.longest:
            ctx.error(path, f"is {len(raw):,} characters long; {_PLURAL[self.sort]} have at "
                            f"most {self.longest:,}")
            return ""
        bad = self._bad_character(raw)
        if bad is not None:
            ctx.error(path, f"contains {_character(bad)}, which {_PLURAL[self.sort]} may not hold")
            return raw
        if self.nonempty and not raw.strip():
            ctx.error(path, "must not be empty")
        return raw

    def _bad_character(self, raw: str) -> str | None:
        if self.sort == "id":
            return next((ch for ch in raw if not ch.isprintable()), None)
        found = (_NOT_IN_NAME if self.sort in ("name", "line") else _NOT_IN_TEXT).search(raw)
        return found.group() if found else None

    def quick(self, reader):
        longest, nonempty = self.longest, self.nonempty
        if self.sort == "id":
            def read(raw):
                if (type(raw) is not str or len(raw) > longest or not raw.isprintable()
                        or (nonempty and not raw.strip())):
                    raise NotPlainlyValid("not an id")
                return raw
            return read
        search = (_NOT_IN_NAME if self.sort in ("name", "line") else _NOT_IN_TEXT).search
        seen = reader.cache(id(self))  # names, users, workstations, steps: the same few, again and again

        def read_text(raw):
            if type(raw) is not str:
                raise NotPlainlyValid("not text")
            if raw not in seen:  # (text that prints holds none of the characters searched for)
                if len(raw) > longest or (not raw.isprintable() and search(raw) is not None) \
                        or (nonempty and not raw.strip()):
                    raise NotPlainlyValid("not text of this sort")
                seen[raw] = True
            return raw
        return read_text

    def inline(self, reader):
        if self.sort == "id":  # (each row's own id: nothing to remember)
            blank = " or not v.strip()" if self.nonempty else ""
            return (f"if type(v) is not str or len(v) > {self.longest} or not v.isprintable(){blank}:\n"
                    f"    raise {{n}}bad('not an id')"), {"bad": NotPlainlyValid}
        return _seen_text(reader, self, reader.cache(id(self)))


_PLURAL = {"id": "ids", "name": "names", "line": "lines of text", "text": "texts"}


def _character(ch: str) -> str:
    code = ord(ch)
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return f"a bidirectional override (U+{code:04X})"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"a control character (U+{code:04X})"
    if ch in "\u2028\u2029":
        return f"a line separator (U+{code:04X})"
    return f"a character that does not print (U+{code:04X})"


class Ref(Text):
    """The id of a row defined elsewhere in the file; resolved once the whole file is read."""

    def __init__(self, table: str, kinds: tuple[str, ...] | None = None):
        super().__init__(nonempty=True, what="an id", sort="id")
        self.table = table
        self.kinds = kinds  # for fee schedules: the kinds allowed here

    def read(self, ctx, raw, path):
        value = super().read(ctx, raw, path)
        if value.strip():
            ctx.refs.append((path, self.table, value, self.kinds))
        return value

    def quick(self, reader):
        text = super().quick(reader)
        noted = reader.references(self.table, self.kinds)  # resolved once the file is read

        def read(raw):
            if type(raw) is not str or raw not in noted:
                noted[text(raw)] = True
            return raw
        return read

    def inline(self, reader):
        return _seen_text(reader, self, reader.references(self.table, self.kinds))


def _seen_text(reader, kind: Text, seen: dict) -> tuple[str, dict]:
    """Inline reading of text ``quick`` remembers in ``seen`` once read: looked up first
    (text only: a number written as 1.5 is equal to the text "1.5")."""
    return ("if type(v) is not str or v not in {n}seen:\n    {n}read(v)",
            {"seen": seen, "read": reader.compile(kind)})


class Date(Kind):
    placeholder = date.min

    def read(self, ctx, raw, path):
        if not isinstance(raw, str) or not _DATE.match(raw):
            ctx.error(path, f"{show(raw)} is not a date (write YYYY-MM-DD)")
            return date.min
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            ctx.error(path, f"{show(raw)} is not a real date")
            return date.min
        if not FIRST_DAY <= day <= LAST_DAY:
            ctx.error(path, f"{show(raw)} is outside {FIRST_DAY.isoformat()} .. "
                            f"{LAST_DAY.isoformat()}")
            return date.min
        return day

    def dump(self, value):
        return value.isoformat()

    def quick(self, reader):
        return _quick_day(reader.cache("date"), _DATE, date.fromisoformat, lambda day: day)

    def inline(self, reader):
        return _inline_day(reader, self, "date")


class DateTime(Kind):
    """Local time to the second, ``YYYY-MM-DDTHH:MM:SS`` (no zone, no fractions: one spelling)."""

    placeholder = datetime.min

    def read(self, ctx, raw, path):
        if not isinstance(raw, str) or not _DATETIME.match(raw):
            ctx.error(path, f"{show(raw)} is not a date and time (write YYYY-MM-DDTHH:MM:SS)")
            return datetime.min
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            ctx.error(path, f"{show(raw)} is not a real date and time")
            return datetime.min
        if not FIRST_DAY <= at.date() <= LAST_DAY:
            ctx.error(path, f"{show(raw)} is outside {FIRST_DAY.isoformat()} .. "
                            f"{LAST_DAY.isoformat()}")
            return datetime.min
        return at

    def quick(self, reader):
        return _quick_day(reader.cache("datetime"), _DATETIME, datetime.fromisoformat,
                          lambda at: at.date())

    def inline(self, reader):
        return _inline_day(reader, self, "datetime")

    def dump(self, value):
        # Whole seconds, no zone: the only spelling `read` accepts, so a dump always reads back.
        return value.replace(microsecond=0, tzinfo=None).isoformat()


def _quick_day(seen: dict, pattern, parse, day_of):
    """Quick reading of a date or time: each spelling checked once (a file repeats them)."""
    def read(raw):
        found = seen.get(raw) if type(raw) is str else None
        if found is None:
            if type(raw) is not str or not pattern.match(raw):
                raise NotPlainlyValid("date")
            found = parse(raw)  # ValueError: not a real date
            if not FIRST_DAY <= day_of(found) <= LAST_DAY:
                raise NotPlainlyValid("date out of range")
            seen[raw] = found
        return found
    return read


def _inline_day(reader, kind: Kind, cache: str) -> tuple[str, dict]:
    """Inline reading of a date or time: a spelling seen before is looked up, else read."""
    return ("w = {n}seen.get(v) if type(v) is str else None\n"
            "v = {n}read(v) if w is None else w"),  {"seen": reader.cache(cache),
                                                      "read": reader.compile(kind)}


def _inline_number(reader, kind: Kind) -> tuple[str, dict]:
    """Inline reading of a number: a spelling seen before is looked up (an int or a
    fraction only: True is equal to 1), else read."""
    return ("w = {n}seen.get(v) if type(v) is int or type(v) is {n}fraction else None\n"
            "v = {n}read(v) if w is None else w"), {"seen": reader.cache(id(kind)),
                                                    "fraction": reader.FRACTION,
                                                    "read": reader.compile(kind)}


def _quick_number(reader, kind: Kind, convert):
    """Quick reading of a JSON number (never a boolean or text), each spelling converted once:
    ``convert(int or Decimal)`` gives the value or raises."""
    seen, fraction = reader.cache(id(kind)), reader.FRACTION

    def read(raw):
        kind_of = type(raw)
        if kind_of is not int and kind_of is not fraction:
            raise NotPlainlyValid("not a number")
        found = seen.get(raw)
        if found is None:
            found = seen[raw] = convert(Decimal(raw.decode()) if kind_of is fraction else raw)
        return found
    return read


def _number(ctx: Ctx, raw: object, path: str, what: str) -> int | Decimal | None:
    """The raw value if it is a JSON number (not a boolean, string or NaN), else None."""
    if isinstance(raw, bool) or isinstance(raw, BadConstant):
        ctx.error(path, f"{show(raw)} is not {what}")
    elif isinstance(raw, str):
        ctx.error(path, f"{show(raw)} is text; write {what} as a number, without quotes")
    elif not isinstance(raw, (int, Decimal)):
        ctx.error(path, f"{show(raw)} is not {what}")
    else:
        return raw
    return None


class Money(Kind):
    """Dollars in the file, integer cents in the model."""

    placeholder = 0

    def __init__(self, signed: bool = False):
        self.signed = signed  # refunds, adjustments, negative supplemental payments

    def read(self, ctx, raw, path):
        value = _number(ctx, raw, path, "an amount of money")
        if value is None:
            return 0
        try:  # the one parser: the same range as typed amounts and as `dump`
            cents = to_cents(value)
        except MoneyError as exc:
            ctx.error(path, str(exc))
            return 0
        if cents < 0 and not self.signed:
            ctx.error(path, f"{show(raw)} is negative; this amount must be 0 or more")
        return cents

    def dump(self, value):
        # An export must import again: refuse what `read` would refuse.
        return to_decimal(check_range(value, "an amount"))

    def quick(self, reader):
        signed = self.signed

        def convert(value):
            cents = to_cents(value)  # MoneyError: refused
            if cents < 0 and not signed:
                raise NotPlainlyValid("negative")
            return cents
        return _quick_number(reader, self, convert)

    def inline(self, reader):
        return _inline_number(reader, self)


def _whole(value: int | Decimal) -> bool:
    return isinstance(value, int) or value == value.to_integral_value()


class Percent(Kind):
    placeholder = 0

    def read(self, ctx, raw, path):
        value = _number(ctx, raw, path, "a percentage")
        if value is None:
            return 0
        if not 0 <= value <= 100:
            ctx.error(path, f"{show(raw)} is not a percentage 0-100")
            return 0
        if not _whole(value):
            ctx.error(path, f"{show(raw)} is not a whole percentage (0-100, no decimals)")
            return 0
        return int(value)

    def quick(self, reader):
        def convert(value):
            if not 0 <= value <= 100 or not _whole(value):
                raise NotPlainlyValid("not a percentage")
            return int(value)
        return _quick_number(reader, self, convert)

    def inline(self, reader):
        return _inline_number(reader, self)


class Int(Kind):
    def __init__(self, lo: int | None = None, hi: int = 1_000_000, zero_is_none: bool = False):
        self.lo, self.hi, self.zero_is_none = lo, hi, zero_is_none
        self.placeholder = lo or 0

    def read(self, ctx, raw, path):
        value = _number(ctx, raw, path, "a whole number")
        if value is None:
            return self.placeholder
        lo = self.lo if self.lo is not None else -self.hi
        if not lo <= value <= self.hi:
            limits = f"at least {lo}" if self.hi == 1_000_000 else f"{lo}-{self.hi}"
            ctx.error(path, f"{show(raw)} is out of range (must be {limits})")
            return self.placeholder
        if not _whole(value):
            ctx.error(path, f"{show(raw)} is not a whole number")
            return self.placeholder
        return None if self.zero_is_none and value == 0 else int(value)

    def quick(self, reader):
        lo = self.lo if self.lo is not None else -self.hi

        def convert(value):
            if not lo <= value <= self.hi or not _whole(value):
                raise NotPlainlyValid("out of range")
            return int(value)
        read = _quick_number(reader, self, convert)
        if not self.zero_is_none:
            return read
        return lambda raw: read(raw) or None  # 0: None

    def inline(self, reader):
        return super().inline(reader) if self.zero_is_none else _inline_number(reader, self)


class Bool(Kind):
    placeholder = False

    def read(self, ctx, raw, path):
        if raw is True or raw is False:
            return raw
        ctx.error(path, f"{show(raw)} is not true or false")
        return False

    def quick(self, reader):
        def read(raw):
            if raw is True or raw is False:
                return raw
            raise NotPlainlyValid("not true or false")
        return read

    def inline(self, reader):
        return ("if v is not True and v is not False:\n    raise {n}bad('not true or false')",
                {"bad": NotPlainlyValid})


class Enum(Kind):
    def __init__(self, values: tuple[str, ...]):
        self.values = values
        self.placeholder = values[0]

    def read(self, ctx, raw, path):
        if isinstance(raw, str) and raw in self.values:
            return raw
        if len(self.values) == 1:
            ctx.error(path, f"{show(raw)} is not {show(self.values[0])}")
        else:
            ctx.error(path, f"{show(raw)} is not one of: {', '.join(self.values)}")
        return self.placeholder

    def quick(self, reader):
        values = frozenset(self.values)

        def read(raw):
            if type(raw) is not str or raw not in values:
                raise NotPlainlyValid("not one of the values")
            return raw
        return read

    def inline(self, reader):
        return ("if type(v) is not str or v not in {n}values:\n"
                "    raise {n}bad('not one of the values')"),  {"values": frozenset(self.values),
                                                                "bad": NotPlainlyValid}


class ListOf(Kind):
    placeholder = ()

    def __init__(self, item: Kind, unique: bool = False, nonempty: bool = False):
        self.item, self.unique, self.nonempty = item, unique, nonempty

    def read(self, ctx, raw, path):
        if not isinstance(raw, list):
            ctx.error(path, f"{show(raw)} is not a list")
            return ()
        if self.nonempty and not raw:
            ctx.error(path, "must list at least one")
        out, seen = [], set()
        for i, item in enumerate(raw):
            sub = index_path(path, i)
            value = self.item.read(ctx, item, sub)
            if self.unique and isinstance(value, (str, date)):
                if value in seen:
                    ctx.error(sub, f"{show(item)} is listed twice")
                seen.add(value)
            if value is not None:
                out.append(value)
        return tuple(out)

    def dump(self, value):
        return [self.item.dump(v) for v in value]

    def quick(self, reader):
        item, unique, nonempty = reader.compile(self.item), self.unique, self.nonempty
        by_shape = getattr(item, "by_shape", {})  # an entity's readers by shape: one call less

        def read(raw):
            if type(raw) is not list or (nonempty and not raw):
                raise NotPlainlyValid("not a list")
            out = []  # (an item is never None: that is a problem too)
            for n, one in enumerate(raw):
                shaped = by_shape.get(tuple(one)) if type(one) is dict else None
                out.append(item(one) if shaped is None else shaped(one))
                raw[n] = None  # the raw object goes as soon as it is read (a file can be big)
            out = tuple(out)
            if unique and len(set(out)) != len(out):
                raise NotPlainlyValid("listed twice")
            return out
        return read


class MapOf(Kind):
    """``{key: value}`` with checked keys (categories, codes, ids), kept in file order."""

    placeholder = EMPTY

    def __init__(self, key: Kind, value: Kind):
        self.key, self.value = key, value

    def read(self, ctx, raw, path):
        if not isinstance(raw, dict):
            ctx.error(path, f"{show(raw)} is not an object")
            return EMPTY
        out = {}
        for key, item in raw.items():
            sub = key_path(path, key)
            self.key.read(ctx, key, sub)
            out[key] = self.value.read(ctx, item, sub)
        return frozen_map(out)

    def dump(self, value):
        return {k: self.value.dump(v) for k, v in value.items()}

    def quick(self, reader):
        key, value = reader.compile(self.key), reader.compile(self.value)
        keys = reader.keys  # keys read, compared with the keys written (duplicates)

        def read(raw):
            if type(raw) is not dict:
                raise NotPlainlyValid("not an object")
            keys[0] += len(raw)
            out = {}
            for k, item in raw.items():
                key(k)
                out[k] = value(item)
            return frozen_map(out)
        return read


def unknown_key(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    return "unknown key" + (f" (did you mean {show(close[0])}?)" if close else "")


class FixedMap(Kind):
    """An object with a fixed set of optional keys, read into a mapping (used by ``expect``)."""

    placeholder = EMPTY

    def __init__(self, fields: Mapping[str, Kind]):
        self.fields = fields

    def read(self, ctx, raw, path):
        if not isinstance(raw, dict):
            ctx.error(path, f"{show(raw)} is not an object")
            return EMPTY
        for key in raw:
            if key not in self.fields:
                ctx.error(key_path(path, key), unknown_key(key, self.fields))
        out = {k: kind.read(ctx, raw[k], key_path(path, k)) for k, kind in self.fields.items()
               if raw.get(k) is not None}
        return frozen_map(out)

    def dump(self, value):
        return {k: self.fields[k].dump(v) for k, v in value.items()}


class Any(Kind):
    """Informational JSON kept as written (deep read-only copy)."""

    def read(self, ctx, raw, path):
        return _freeze(raw)


def _freeze(raw: object) -> object:
    if isinstance(raw, dict):
        return frozen_map({k: _freeze(v) for k, v in raw.items()})
    if isinstance(raw, list):
        return tuple(_freeze(v) for v in raw)
    return raw


# --- objects ---------------------------------------------------------------

@dataclass(frozen=True)
class F:
    """One key of an object: how to read it, whether it must be present, whether to always write it."""

    key: str
    kind: Kind
    required: bool = False
    always: bool = False  # written even at its default (keys the spec lists as required)


class Entity(Kind):
    """An object mapped onto a model dataclass; ``table``/``key`` make its id referable.
    ``shared``: objects written alike are read as one by `quick` (rows posted together share
    a stamp; `_reader_source`)."""

    def __init__(self, cls, fields: tuple[F, ...], table: str | None = None, key: str | None = None,
                 shared: bool = False):
        self.cls, self.fields, self.table, self.key = cls, fields, table, key
        self.shared = shared
        if shared and not all(isinstance(f.kind, (Text, Date, DateTime, Enum)) for f in fields):
            raise ValueError("only objects of text are read as one (`quick` checks their text)")
        self._known = {f.key: f for f in fields}
        self._dump_plan: tuple | None = None
        self.quick_code: dict = {}  # `_generated_reader`'s, by shape
        self.quick_plan: tuple | None = None  # `_generated_reader`'s: known, required, ...

    def read(self, ctx, raw, path):
        if not isinstance(raw, dict):
            ctx.error(path, f"{show(raw)} is not an object")
            return None
        for key in raw:
            if key not in self._known:
                ctx.error(key_path(path, key), unknown_key(key, self._known))
        values = {}
        for f in self.fields:
            if raw.get(f.key) is None and not f.required:
                continue  # absent or null: unknown, the model's default
            sub = key_path(path, f.key)  # (only for keys present: most are optional)
            if f.key in raw:
                values[f.key] = f.kind.read(ctx, raw[f.key], sub)
            elif f.required:
                ctx.error(sub, "required key is missing")
                values[f.key] = f.kind.placeholder
        obj = self.cls(**values)
        ctx.placed(obj, path)
        if self.table and isinstance(values.get(self.key), str) and values[self.key].strip():
            ctx.define(self.table, values[self.key], obj, key_path(path, self.key))
        return obj

    def quick(self, reader):
        return _generated_reader(self, reader)

    def dump_lazily(self, obj) -> dict:
        """`dump`, but each list is dumped item by item as a writer reads it (`Lazy`)."""
        out = {}
        for (key, dump, always, default), f in zip(self._plan(), self.fields):
            value = getattr(obj, key)
            if value is None or (not always and value == default):
                continue
            out[key] = Lazy(value, f.kind.item.dump) if isinstance(f.kind, ListOf) else dump(value)
        return out

    def _plan(self) -> tuple:
        """(key, dump, always written, default) per field, made once per entity (a file
        dumps hundreds of thousands of rows)."""
        if self._dump_plan is None:
            defaults = _defaults(self.cls)
            self._dump_plan = tuple(
                (f.key, f.kind.dump, f.required or f.always or f.key not in defaults,
                 defaults.get(f.key)) for f in self.fields)
        return self._dump_plan

    def dump(self, obj):
        out = {}
        for key, dump, always, default in self._plan():
            value = getattr(obj, key)
            if value is None or (not always and value == default):
                continue
            out[key] = dump(value)
        return out


class Lazy(list):
    """A list dumped item by item while it is read (`Entity.dump_lazily`): an exported row is
    made when the writer comes to it and let go once written. Only the writer reads it."""

    def __init__(self, items, dump):
        super().__init__()
        self.items, self.dump_item = items, dump

    def __iter__(self):
        return map(self.dump_item, self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


_SHAPES = 256  # an entity's shapes read with code of their own, per file (a file has a few)


def _generated_reader(entity: Entity, reader) -> Callable[[dict], object]:
    """The quick reading of an entity, as generated code: each field's kind's `inline` code
    run in place (a practice file has hundreds of thousands of objects, each with a few keys:
    a call per key was most of the reading). Objects are read by shape (their keys, in
    order: an export writes a few shapes per entity), each shape by a function of its own
    that takes the values in one go and reads only its keys; past `_SHAPES` shapes, by one
    function that looks each field up. The model object is made without its dataclass
    ``__init__`` when it may be (`_plain`): a frozen dataclass sets each field through
    ``object.__setattr__``."""
    if entity.quick_plan is None:  # (the same for every file)
        known = frozenset(f.key for f in entity.fields)
        plain = _plain(entity.cls, known, frozenset(f.key for f in entity.fields if not f.required))
        entity.quick_plan = (known, frozenset(f.key for f in entity.fields if f.required),
                             plain, _defaults(entity.cls) if plain else None)
    known, required, plain, defaults = entity.quick_plan
    names = {"bad": NotPlainlyValid, "cls": entity.cls, "keys": reader.keys,
             "new": object.__new__, "known": known, "defaults": defaults,
             "defined": reader.tables[entity.table] if entity.table else None,
             "alike": {}, "text_only": frozenset((str, type(None)))}
    fields = {}
    for n, f in enumerate(entity.fields):
        code, used = f.kind.inline(reader)
        names.update({f"f{n}_{name}": value for name, value in used.items()})
        fields[f.key] = (f, code.replace("{n}", f"f{n}_"))

    def function(shape: tuple[str, ...] | None) -> Callable[[dict], object]:
        code = entity.quick_code.get(shape)
        if code is None:
            code = compile(_reader_source(entity, fields, shape, plain),
                           f"<quick {entity.cls.__name__}>", "exec")
            if len(entity.quick_code) < 4 * _SHAPES:  # (compiled once, for every file)
                entity.quick_code[shape] = code
        exec(code, names)
        # (taken out: a function kept in its own globals, with the tables of the rows read,
        # is a reference cycle that would hold the whole practice until the cycle collector
        # runs, and an import turns it off)
        return names.pop("read")

    by_shape: dict[tuple[str, ...], Callable] = {}

    def read(raw):
        if type(raw) is not dict:
            raise NotPlainlyValid("not an object")
        shape = tuple(raw)
        found = by_shape.get(shape)
        if found is None:
            if len(by_shape) >= _SHAPES:
                found = by_shape.get(None) or by_shape.setdefault(None, function(None))
                return found(raw)
            if not known.issuperset(shape) or not required.issubset(shape):
                raise NotPlainlyValid("unknown keys, or a required key missing")
            found = by_shape[shape] = function(shape)
        return found(raw)
    read.by_shape = by_shape  # (a list of entities looks its items' shapes up itself: `ListOf`)
    return read


def _reader_source(entity: Entity, fields: dict, shape: tuple[str, ...] | None,
                   plain: bool) -> str:
    """A ``read(raw)`` function for objects of one shape (keys known and required keys
    there: checked by the caller), or of any shape (``None``: each field looked up).

    A plain object (`_plain`) gets every field of its dataclass at the end, in the
    dataclass's order, each from a local or its default: so its ``__dict__`` shares its keys
    with every other object of its class, as when made by ``__init__`` (set in another
    order, or with ``update``, each object gets a whole dict of its own: twice the memory,
    for millions of objects, and slower to make)."""
    defaults = entity.quick_plan[3]
    lines = ["def read(raw):"]
    if shape is None:
        lines += ["    if type(raw) is not dict or not known.issuperset(raw):",
                  "        raise bad('not an object of known keys')",
                  "    keys[0] += len(raw)  # keys read, compared with the keys written"]
    else:
        lines += [f"    keys[0] += {len(shape)}  # keys read, compared with the keys written"]
        if shape:  # (an object may be empty: every key optional)
            lines += [f"    {''.join(f'v{n}, ' for n in range(len(shape)))}= raw.values()"]
    shared = entity.shared and bool(shape)
    if shared:  # objects written alike are one (a number 1.5 equals the text "1.5": types too)
        lines += [f"    key = ({shape!r}, {''.join(f'v{n}, ' for n in range(len(shape)))})",
                  "    obj = alike.get(key)",
                  "    if obj is not None and " + " and ".join(
                      f"type(v{n}) in text_only" for n in range(len(shape))) + ":",
                  "        return obj"]
    if not plain:
        lines += ["    out = {}"]
    keys = shape if shape is not None else tuple(fields)
    local = {key: f"a{n}" for n, key in enumerate(fields)}  # a plain object's values
    for n, key in enumerate(keys):
        f, code = fields[key]
        lines += [f"    v = v{n}" if shape is not None else f"    v = raw.get({key!r})"]
        if f.required:  # (null is missing too: a required key cannot be null)
            lines += ["    if v is None:", "        raise bad('a required key is missing')"]
            indent = "    "
        else:
            lines += ["    if v is not None:"]
            indent = "        "
        lines += [indent + line for line in code.splitlines()]
        if not plain:
            lines += [f"{indent}out[{key!r}] = v"]
        elif f.required:
            lines += [f"    {local[key]} = v"]
        else:  # (null: unknown, the default)
            lines += [f"        {local[key]} = v", "    else:",
                      f"        {local[key]} = {_default(defaults, key)}"]
    if plain:
        lines += ["    obj = new(cls)", "    out = obj.__dict__"]
        lines += [f"    out[{name!r}] = " + (local[name] if name in keys else _default(defaults, name))
                  for name in _field_names(entity.cls) if name in keys or name in defaults]
    else:
        lines += ["    obj = cls(**out)"]
    if entity.table:
        own = local[entity.key] if plain else f"out[{entity.key!r}]"
        lines += [f"    if {own} in defined:", "        raise bad('duplicate id')",
                  f"    defined[{own}] = obj"]
    if shared:
        lines += ["    alike[key] = obj"]
    lines += ["    return obj"]
    return "\n".join(lines) + "\n"


def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _default(defaults: dict, name: str) -> str:
    """Code giving a field's default: written out when it is a plain constant."""
    value = defaults[name]
    if value is None or type(value) in (bool, int, str) or value == () and type(value) is tuple:
        return repr(value)
    return f"defaults[{name!r}]"


def _plain(cls, keys: frozenset, optional: frozenset) -> bool:
    """Whether a model object may be made by filling its ``__dict__`` (``keys``: those it
    may be given, ``optional`` those it may lack): a dataclass that checks nothing when made
    (no ``__post_init__``), whose fields all have a plain default or none, that has every key
    as a field and a default for every optional one."""
    return dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__") and all(
        f.default_factory is dataclasses.MISSING for f in dataclasses.fields(cls)) \
        and keys <= {f.name for f in dataclasses.fields(cls)} and optional <= _defaults(cls).keys()


def _defaults(cls) -> dict[str, object]:
    out = {}
    for fld in dataclasses.fields(cls):
        if fld.default is not dataclasses.MISSING:
            out[fld.name] = fld.default
        elif fld.default_factory is not dataclasses.MISSING:
            out[fld.name] = fld.default_factory()
    return out
