"""The office reports' vocabulary: which reports exist, what they ask for, what they give back.

Plain data shared by the store (`store.reports` fills the tables with SQL sums), the headless
command (`dentledger report`) and the Reports screen. Money in rows is integer cents; the
only formatting is `estimator.money.fmt` (``cell_text``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Mapping

from .money import fmt
from .text import clean


@dataclass(frozen=True)
class ReportKind:
    name: str          # the command-line name: ``dentledger report NAME``
    title: str
    uses_range: bool   # --from / --to
    uses_day: bool     # --date: "as of" (aging, claims) or the day (day sheet)
    uses_carrier: bool
    day_label: str = "As of"
    range_is_filter: bool = False  # the range only narrows the report (no default range)


REPORT_KINDS: tuple[ReportKind, ...] = (
    ReportKind("carriers", "Insurance company ledger details", True, False, True),
    ReportKind("writeoffs", "Write-offs", True, False, True),
    ReportKind("aging", "A/R aging", False, True, False),
    ReportKind("claims", "Outstanding claims", True, True, True, range_is_filter=True),
    ReportKind("daysheet", "Day sheet", False, True, False, "Day"),
)
KINDS_BY_NAME = {k.name: k for k in REPORT_KINDS}


class ReportError(ValueError):
    """A report asked for with arguments that make no sense (one line for the front desk)."""


@dataclass(frozen=True)
class ReportRequest:
    name: str
    start: date | None = None     # first day of the range (inclusive)
    end: date | None = None       # last day of the range (inclusive)
    day: date | None = None       # as-of date, or the day sheet's day
    carrier: str | None = None    # a carrier's id (practice-file id or database id) or name
    location: str | None = None   # one location of a group (its name); None: the whole group


def resolve(request: ReportRequest, today: date,
            names: tuple[str, str] = ("--from", "--to")) -> ReportRequest:
    """Fill the defaults (range: 1 January of the end's year to today; day: today) and check;
    ``names`` are what the range's ends are called in an error.

    The outstanding-claims range is a filter on the claim date and stays open when not given.
    """
    kind = KINDS_BY_NAME.get(request.name)
    if kind is None:
        raise ReportError(f"no report {request.name!r} (reports: "
                          f"{', '.join(k.name for k in REPORT_KINDS)})")
    start, end, day = request.start, request.end, request.day
    if kind.uses_range and not kind.range_is_filter:
        end = end or today
        start = start or date(end.year, 1, 1)
    if start and end and start > end:
        raise ReportError(f"{names[0]} {start.isoformat()} is after {names[1]} {end.isoformat()}")
    if kind.uses_day:
        day = day or today
    return replace(request, start=start if kind.uses_range else None,
                   end=end if kind.uses_range else None, day=day if kind.uses_day else None,
                   carrier=request.carrier if kind.uses_carrier else None)


def parse_day(text: str | None, what: str) -> date | None:
    """``"2025-03-01"`` -> date; empty -> None; anything else a `ReportError` naming ``what``."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{what}: {text!r} is not a date (write YYYY-MM-DD)") from None


# --- the result ---------------------------------------------------------------------------

# A row may name the family's account it is about (a patient id as the desk names patients:
# the file id, or the generated ``PT12``) under this key; no column shows it; the Reports
# screen opens that account on Enter.
ACCOUNT = "account"


@dataclass(frozen=True)
class ReportColumn:
    key: str
    title: str
    money: bool = False   # integer cents, right-aligned


@dataclass(frozen=True)
class ReportSection:
    title: str
    rows: tuple[Mapping[str, object], ...]
    total: Mapping[str, object]   # the totals row (label in the first column)


@dataclass(frozen=True)
class ReportTable:
    name: str
    title: str                      # names the dates used
    columns: tuple[ReportColumn, ...]
    sections: tuple[ReportSection, ...]
    notes: tuple[str, ...] = ()     # the rules and which date each figure is by
    grand_total: Mapping[str, object] | None = None  # over every section (several sections)
    meta: Mapping[str, object] = field(default_factory=dict)  # request echo for JSON

    def rows(self) -> list[Mapping[str, object]]:
        return [row for section in self.sections for row in section.rows]


def cell_text(column: ReportColumn, value: object) -> str:
    """What a cell shows: money with `fmt`, dates ISO, text cleaned of control characters."""
    if value is None:
        return ""
    if column.money:
        return fmt(int(value))  # type: ignore[arg-type]
    if isinstance(value, date):
        return value.isoformat()
    return clean(str(value))


def text_rows(table: ReportTable, *, with_totals: bool = True) -> list[dict[str, str]]:
    """Every row as display text (a ``section`` key first when the report has several)."""
    out = []
    several = len(table.sections) > 1
    for section in table.sections:
        rows = list(section.rows) + ([section.total] if with_totals else [])
        for row in rows:
            cells = {c.key: cell_text(c, row.get(c.key)) for c in table.columns}
            out.append({"section": section.title, **cells} if several else cells)
    if with_totals and table.grand_total is not None:
        cells = {c.key: cell_text(c, table.grand_total.get(c.key)) for c in table.columns}
        out.append({"section": "All", **cells} if several else cells)
    return out
