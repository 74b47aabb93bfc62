"""Tables, CSV and JSON for headless output (tabulate for tables).

Rows come in as dicts whose money values are already strings with two
decimals (formatted by estimator.money.fmt), so every format shows the same text.

Every headless output goes through here to be safe with data in it: table cells through
`estimator.text.clean` (no control byte, C1 byte or bidi override reaches the terminal),
CSV through `csv_text` / `csv_cell` (the same, and no cell a spreadsheet would run as a
formula), JSON through `to_json` (C1 bytes, bidi overrides and line separators escaped as
``\\uXXXX``: the same data, nothing a terminal acts on).
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Iterable, Mapping, Sequence

from estimator.money import fmt
from estimator.text import clean


def render(rows: Sequence[Mapping[str, object]], fmt_name: str,
           headers: Mapping[str, str] | None = None) -> str:
    """Render dict rows as `table`, `csv` or `json`; `headers` maps key -> title."""
    keys = list(headers or (rows[0].keys() if rows else []))
    if fmt_name == "json":
        return to_json(list(rows))
    if fmt_name == "csv":
        return csv_text(keys, ([r.get(k) for k in keys] for r in rows)).rstrip("\n")
    from tabulate import tabulate
    titles = [(headers or {}).get(k, k) for k in keys]
    table = [[_cell(r.get(k)) for k in keys] for r in rows]
    return tabulate(table, headers=titles, disable_numparse=True,
                    colalign=[_align(rows, k) for k in keys])


# --- data that must not act on a terminal or a spreadsheet -------------------------------

# What a spreadsheet runs as a formula when a cell starts with it (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ... except a plain number, which is what money is here: -10.00 stays a number.
_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
# What JSON leaves raw but a terminal acts on (C0 controls JSON escapes itself).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def csv_cell(value: object) -> str:
    """One CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe,
    and control characters become visible (`clean`), as on screen."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return clean(text)


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """CSV text (header line, then rows), every cell through `csv_cell`; every CSV writer
    of the CLI goes through here."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def to_json(data: object, *, indent: int | None = 2) -> str:
    """JSON text for a terminal or a pipe: non-ASCII letters stay readable, C1 controls,
    bidi overrides/isolates and line separators are escaped (``\\u202e``)."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _cell(value: object) -> str:
    return "" if value is None else clean(str(value))


def _align(rows: Iterable[Mapping[str, object]], key: str) -> str:
    sample = next((r.get(key) for r in rows if r.get(key) not in (None, "")), "")
    text = str(sample).lstrip("-")
    return "right" if text.replace(".", "", 1).isdigit() and "." in text else "left"


BALANCE_HEADERS = {
    "id": "Id", "name": "Patient", "birthdate": "Born", "guarantor": "Guarantor",
    "total": "Balance", "insurance": "Ins est", "writeoff": "W/O est", "patient": "Pt est",
    "family_total": "Family",
}


def balances(hits, fmt_name: str) -> str:
    """`dentledger balance` output from front-desk search hits."""
    rows = [{
        "id": h.patient_id, "name": h.name, "birthdate": h.birthdate.isoformat() if h.birthdate else "",
        "guarantor": h.guarantor_name, "total": fmt(h.balance_total),
        # what the carriers pay, apart from what they write off: Balance = the three
        "insurance": fmt(h.insurance_est), "writeoff": fmt(h.writeoff_est),
        "patient": fmt(h.patient_est),
        "family_total": fmt(h.family_total),
    } for h in hits]
    if fmt_name == "json":
        for r in rows:
            r.pop("birthdate")
    return render(rows, fmt_name, None if fmt_name == "json" else BALANCE_HEADERS)
