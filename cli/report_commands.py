"""``dentledger report NAME``: the office reports, headless (table, CSV or JSON).

    dentledger report carriers  --from 2025-01-01 --to 2025-12-31 [--carrier delta]
    dentledger report writeoffs --from D --to D [--carrier X]
    dentledger report aging     [--date D]          (as of; default today)
    dentledger report claims    [--date D] [--from D --to D] [--carrier X]
    dentledger report daysheet  [--date D]

Dates are YYYY-MM-DD; the range defaults to 1 January of --to's year through today. Money
is printed with `estimator.money.fmt`; every report ends with its totals and names the dates
each figure is by. Errors are raised (`cli.main` prints them as one line).

`register(subparsers)` adds the command to the main parser.
"""
from __future__ import annotations

import sys
from datetime import date

from estimator.money import fmt
from estimator.report_table import (
    REPORT_KINDS, ReportRequest, ReportTable, cell_text, parse_day, resolve, text_rows,
)

FORMATS = ("table", "csv", "json")


def register(subparsers) -> None:
    """Add ``report`` (one sub-command per report) to ``dentledger``'s subparsers."""
    group = subparsers.add_parser("report", help="office reports: carriers, write-offs, aging, "
                                                 "outstanding claims, day sheet")
    sub = group.add_subparsers(dest="report", metavar="NAME", required=True)
    for kind in REPORT_KINDS:
        p = sub.add_parser(kind.name, help=kind.title, description=kind.title)
        if kind.uses_range:
            only = kind.range_is_filter
            p.add_argument("--from", dest="start", metavar="DATE",
                           help="only claims dated from this day" if only else
                           "first day (default 1 January of --to's year)")
            p.add_argument("--to", dest="end", metavar="DATE",
                           help="only claims dated up to this day" if only else
                           "last day (default today)")
        if kind.uses_day:
            p.add_argument("--date", dest="day", metavar="DATE",
                           help=f"{kind.day_label.lower()} this day (default today)")
        if kind.uses_carrier:
            p.add_argument("--carrier", help="only this carrier (id or name)")
        if kind.name in ("daysheet", "writeoffs"):  # store.reports.PER_LOCATION
            p.add_argument("--location", help="only what was posted at this location of a "
                           "group (default: the whole group)")
        p.add_argument("--format", choices=FORMATS, default="table",
                       help="output format (default table)")
        p.set_defaults(func=cmd_report)


def request_of(args, today: date) -> ReportRequest:
    """The checked request (bad dates, --from after --to: `ReportError`, one line)."""
    request = ReportRequest(
        args.report,
        start=parse_day(getattr(args, "start", None), "--from"),
        end=parse_day(getattr(args, "end", None), "--to"),
        day=parse_day(getattr(args, "day", None), "--date"),
        carrier=getattr(args, "carrier", None),
        location=getattr(args, "location", None),
    )
    return resolve(request, today)


def cmd_report(args) -> int:
    from store.db import open_database
    from store.reports import run_report

    today = date.today()
    request = request_of(args, today)  # before opening anything: argument errors come first
    db = open_database(getattr(args, "db", None), create=False, writer=False)
    try:
        table = run_report(db, request, today)
    finally:
        db.close()
    text = render_report(table, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


# --- output ---------------------------------------------------------------------------------

def render_report(table: ReportTable, fmt_name: str) -> str:
    if fmt_name == "json":
        from cli.output import to_json
        return to_json(report_json(table))
    from . import output
    headers = {c.key: c.title for c in table.columns}
    if fmt_name == "csv":
        rows = text_rows(table)
        if len(table.sections) > 1:
            headers = {"section": "Section", **headers}
        return output.render(rows, "csv", headers)
    return _table_text(table, headers)


def _table_text(table: ReportTable, headers: dict[str, str]) -> str:
    from estimator.text import clean

    from . import output
    parts = [clean(table.title)]
    several = len(table.sections) > 1 or table.grand_total is not None
    for section in table.sections:  # a section's title may be a carrier's name: data
        rows = [{c.key: cell_text(c, r.get(c.key)) for c in table.columns}
                for r in (*section.rows, section.total)]
        parts.append((clean(section.title) + "\n" if several and section.title else "")
                     + output.render(rows, "table", headers))
    if table.grand_total is not None:
        total = {c.key: cell_text(c, table.grand_total.get(c.key)) for c in table.columns}
        parts.append("All\n" + output.render([total], "table", headers))
    parts.append("\n".join(f"* {clean(note)}" for note in table.notes))
    return "\n\n".join(p for p in parts if p)


def _json_cell(column, value):
    if value is None:
        return None
    if column.money:
        return fmt(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, (int, str)) else cell_text(column, value)


def report_json(table: ReportTable) -> dict:
    """The report as JSON-ready data: money as strings with two decimals."""
    def row(r):
        return {c.key: _json_cell(c, r.get(c.key)) for c in table.columns if c.key in r}
    return {
        "report": table.name,
        "title": table.title,
        "request": dict(table.meta),
        "columns": [{"key": c.key, "title": c.title, "money": c.money} for c in table.columns],
        "sections": [{"title": s.title, "rows": [row(r) for r in s.rows], "total": row(s.total)}
                     for s in table.sections],
        "grand_total": row(table.grand_total) if table.grand_total is not None else None,
        "notes": list(table.notes),
    }

