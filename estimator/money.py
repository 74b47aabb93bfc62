"""The one money type, the one rounding rule and the one formatter.

Money is an ``int`` number of cents everywhere in the domain and the database.
Dollars appear only at the edges: parsing user/file input and formatting output.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

Cents = int

_CENT = Decimal("0.01")


class MoneyError(ValueError):
    """A value that is not a valid amount of money (the message is one line for the user)."""


# The largest amount anything may hold: typed, given on the command line, read from a CSV or
# a practice file, and written by an export (so an export always imports again).
MAX_CENTS: Cents = 999_999_999  # 9,999,999.99: far past any dental amount

# Digits (ASCII only), thousands separators only in whole groups of three, at most two
# decimals; an optional "$" and, where negatives are allowed, a leading "-".
_AMOUNT = re.compile(r"(?P<sign>-?)\$?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)"
                     r"(?:\.(?P<frac>[0-9]*))?")
_EXAMPLE = "digits, at most two decimals: 1,234.50"


def to_cents(value: object, *, signed: bool = True) -> Cents:
    """THE money parser: dollars (text as typed, a Decimal from a file, an int) into cents.

    Text: digits with at most two decimals, an optional ``$``, thousands separators only in
    whole groups (``1,234.50``; ``1,50`` and ``12,34,5`` are refused), a leading ``-`` only
    when ``signed``. Refused everywhere: floats (binary fractions are not money), booleans,
    exponents, underscores, non-ASCII digits, NaN/Infinity, more than two decimals and
    anything beyond `MAX_CENTS` either way. Every refusal is a `MoneyError` with one line.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"{value!r} is not an exact amount (use a decimal string)")
    if isinstance(value, str):
        cents = _parse_text(value)
    elif isinstance(value, int):
        cents = _in_range(value * 100, value)
    elif isinstance(value, Decimal):
        cents = _from_decimal(value)
    else:
        raise MoneyError(f"{value!r} is not an amount of money")
    if cents < 0 and not signed:
        raise MoneyError(f"{_show(value)} is negative; this amount must be 0 or more")
    return cents


def _show(value: object) -> str:
    return _quote(value) if isinstance(value, str) else str(value)[:24]


def _quote(text: str) -> str:
    """The input as shown in a message: quoted, escaped, cut when long."""
    return repr(text if len(text) <= 24 else text[:20] + "...")


def _parse_text(text: str) -> Cents:
    raw = text.strip()
    found = _AMOUNT.fullmatch(raw)
    if found is None or not (found["whole"] or found["frac"]):
        raise MoneyError(_why_not(text, raw))
    frac = found["frac"] or ""
    if len(frac) > 2:
        raise MoneyError(f"{_quote(text)} has more than two decimals")
    if found["frac"] is not None and not frac:
        raise MoneyError(f"{_quote(text)} ends in a point ({_EXAMPLE})")
    digits = found["whole"].replace(",", "")
    if len(digits.lstrip("0")) > 12:  # never turn a thousand digits into an int
        raise MoneyError(_too_large(_quote(text)))
    whole = int(digits or "0")
    cents = whole * 100 + int(frac.ljust(2, "0"))
    return _in_range(-cents if found["sign"] else cents, text)


def _why_not(text: str, raw: str) -> str:
    """The one line saying what is wrong with text that is not an amount."""
    if not raw:
        return "no amount given"
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in raw):
        return f"{_quote(text)}: use the digits 0-9 ({_EXAMPLE})"
    if "," in raw and re.fullmatch(r"-?\$?[0-9,]*(\.[0-9]*)?", raw):
        return f"{_quote(text)}: commas go between groups of three digits (1,234.50)"
    return f"{_quote(text)} is not an amount ({_EXAMPLE})"


def _from_decimal(value: Decimal) -> Cents:
    if not value.is_finite():
        raise MoneyError(f"{value} is not a finite amount")
    scaled = _in_range(value.scaleb(2), value)  # range first: no huge number is quantized
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{value} has more than two decimals")
    return int(scaled)


def _in_range(cents, shown: object):
    """``cents`` (int or Decimal) unless it lies beyond `MAX_CENTS` either way."""
    if abs(cents) > MAX_CENTS:
        raise MoneyError(_too_large(_show(shown)))
    return cents


def _too_large(shown: str) -> str:
    return f"{shown} is too large (amounts go up to {fmt_grouped(MAX_CENTS)})"


def check_range(cents: Cents, what: str = "the amount") -> Cents:
    """An amount already in cents (a service argument, a stored value on export) inside the
    one range every entry point accepts; `MoneyError` otherwise."""
    if abs(cents) > MAX_CENTS:
        raise MoneyError(_too_large(f"{what} {fmt_grouped(cents)}"))
    return cents


def percent_of(amount: Cents, percent: int | Decimal) -> Cents:
    """``amount x percent / 100`` rounded to the cent once, half to even.

    This is the only place a money result is rounded.
    """
    exact = Decimal(amount) * Decimal(percent) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def fmt(cents: Cents | None, *, blank: str = "") -> str:
    """``12345 -> "123.45"``, ``-5 -> "-0.05"``; ``None`` (unknown) -> ``blank``."""
    if cents is None:
        return blank
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def fmt_grouped(cents: Cents | None, *, blank: str = "") -> str:
    """Like `fmt` with thousands separators, for screens: ``1,234.50``."""
    if cents is None:
        return blank
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def to_decimal(cents: Cents) -> Decimal:
    """Cents back to exact dollars (for JSON export)."""
    return (Decimal(cents) / 100).quantize(_CENT)
