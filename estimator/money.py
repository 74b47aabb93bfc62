"""The one money type, the one rounding rule and the one formatter.

Money is an ``int`` number of cents everywhere in the domain and the database.
Dollars appear only at the edges: parsing user/file input and formatting output.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

Cents = int

_CENT = Decimal("0.01")


class MoneyError(ValueError):
    """A value that is not a valid amount of money."""


def to_cents(value: object) -> Cents:
    """Parse dollars (Decimal, int, or str like "12.50") into cents, exactly.

    Rejects floats (binary fractions are not money), NaN/Infinity, booleans and
    anything with more than two decimals.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"{value!r} is not an exact amount (use a decimal string)")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not an amount of money") from None
    if not isinstance(value, Decimal):
        raise MoneyError(f"{value!r} is not an amount of money")
    if not value.is_finite():
        raise MoneyError(f"{value} is not a finite amount")
    if value != value.quantize(_CENT):
        raise MoneyError(f"{value} has more than two decimals")
    return int(value.quantize(_CENT) * 100)


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
