"""Benefit years and date windows (pure date arithmetic, no money)."""
from __future__ import annotations

import calendar
from datetime import date


def benefit_year_start(day: date, renew_month: int | None) -> date:
    """First day of the benefit year containing ``day``: the 1st of ``renew_month``
    (January when it is 0 or unknown)."""
    month = renew_month or 1
    year = day.year if day.month >= month else day.year - 1
    return date(year, month, 1)


def months_before(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months (the 31st becomes the month's last day)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))
