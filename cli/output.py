"""Tables, CSV and JSON for headless output (tabulate for tables).

Rows come in as dicts whose money values are already strings with two
decimals (formatted by estimator.money.fmt), so every format shows the same text.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Mapping, Sequence

from estimator.money import fmt
from estimator.text import clean


def render(rows: Sequence[Mapping[str, object]], fmt_name: str,
           headers: Mapping[str, str] | None = None) -> str:
    """Render dict rows as `table`, `csv` or `json`; `headers` maps key -> title."""
    keys = list(headers or (rows[0].keys() if rows else []))
    if fmt_name == "json":
        return json.dumps(list(rows), indent=2, ensure_ascii=False)
    if fmt_name == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    from tabulate import tabulate
    titles = [(headers or {}).get(k, k) for k in keys]
    table = [[_cell(r.get(k)) for k in keys] for r in rows]
    return tabulate(table, headers=titles, disable_numparse=True,
                    colalign=[_align(rows, k) for k in keys])


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
