"""Text in the set-up forms <-> values: blank means unknown (None), "0" means zero.

Money is parsed with `estimator.money.to_cents` and shown with `fmt`, nothing else. Mappings
are typed ``key=value, key=value``; frequency limits ``code-or-category quantity per [count]``
separated by ``;`` (``D1110 2 benefit_year; D0210 1 years 5``). Bad input raises ValueError
with a sentence naming the field.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterable, Mapping

from estimator.model import CATEGORIES, FREQUENCY_PERIODS, FrequencyLimit
from estimator.money import MoneyError, fmt, to_cents

# How the set-up screens name the plan types.
TYPE_NAMES = {"percentage": "Percentage", "ppo": "PPO", "flat_copay": "Flat copay",
              "capitation": "Capitation"}


def money_text(cents: int | None) -> str:
    return fmt(cents)  # None (unknown) -> ""


def parse_money(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:  # the one money parser; its refusal is one line
        return to_cents(text, signed=False)
    except MoneyError as exc:
        raise ValueError(f"{what}: {exc}") from None


def percent_text(percent: int | None) -> str:
    return "" if percent is None else str(percent)


def parse_percent(text: str, what: str) -> int | None:
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise ValueError(f"{what}: {text!r} is not a whole percentage 0-100")
    return int(text)


def parse_month(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 12:
        raise ValueError(f"renew month: {text!r} is not a month 1-12 (blank = calendar year)")
    return int(text) or None


def map_text(mapping: Mapping[str, int], show: Callable[[int], str]) -> str:
    return ", ".join(f"{key}={show(value)}" for key, value in mapping.items())


def parse_map(text: str, parse: Callable[[str, str], int | None], what: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in _items(text, ","):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or not value.strip():
            raise ValueError(f"{what}: write key=value, not {item!r}")
        out[key] = parse(value, f"{what} {key}")
    return out


def list_text(items: Iterable[str]) -> str:
    return ", ".join(items)


def parse_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_items(text, ",")))


def frequency_text(limits: Iterable[FrequencyLimit]) -> str:
    parts = []
    for f in limits:
        count = f" {f.count}" if f.per != "benefit_year" and f.count != 1 else ""
        parts.append(f"{f.code or f.category} {f.quantity} {f.per}{count}")
    return "; ".join(parts)


def parse_frequency(text: str) -> tuple[FrequencyLimit, ...]:
    out = []
    for item in _items(text, ";"):
        words = item.split()
        if len(words) not in (3, 4) or not words[1].isdigit() or words[2] not in FREQUENCY_PERIODS \
                or (len(words) == 4 and not words[3].isdigit()):
            raise ValueError(f"frequency: write 'code-or-category quantity "
                             f"{'|'.join(FREQUENCY_PERIODS)} [count]', not {item!r}")
        key, quantity, per = words[0], int(words[1]), words[2]
        count = int(words[3]) if len(words) == 4 else 1
        category = key if key in CATEGORIES else None
        out.append(FrequencyLimit(quantity, per, None if category else key, category, count))
    return tuple(out)


def _items(text: str, sep: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", sep).split(sep) if item.strip()]


def parse_day(text: str, what: str) -> date | None:
    """``"2026-03-01"`` -> date; blank -> None (no limit); ValueError naming the field otherwise."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None
