"""The ledger card headless: plain text (one table per column group), JSON and CSV.

`dentledger ledger PATIENT [--format json|csv]`. Cells come from `estimator.ledger`
already formatted (money by `estimator.money.fmt`); every piece of text is passed through
`estimator.text.clean` again here so nothing raw reaches a terminal or a spreadsheet.
"""
from __future__ import annotations

from typing import Sequence

from tabulate import tabulate

from estimator.ledger import FIXED_COLUMNS, GROUPS, CardRow, Column, LedgerCard
from estimator.money import fmt
from estimator.text import clean

MARKER_TITLE = ""  # the one-letter "who owes" column next to Code (P I S = D C)
_GAP = 2           # tabulate's "simple" format puts two spaces between columns
_HEADER_PAD = 2    # ... and makes each column at least its title + 2 wide


# --- text ---------------------------------------------------------------------

def _header(card: LedgerCard) -> list[str]:
    s = card.summary
    bal, age = s.balance, s.aging
    members = "; ".join(clean(name) for _, name in s.members)
    return [
        f"Patient:    {clean(s.name)} ({clean(s.patient_id)})",
        f"Guarantor:  {clean(s.guarantor_name)} ({clean(s.guarantor_id)})",
        f"Family:     {members}",
        f"Balance:    {fmt(bal.total)}  (insurance est {fmt(bal.ins_est)}, write-off est "
        f"{fmt(bal.writeoff_est)}, patient est {fmt(bal.patient)})   Family total: {fmt(s.family_total)}",
        f"Aging:      0-30 {fmt(age.current)}   31-60 {fmt(age.d31_60)}   61-90 {fmt(age.d61_90)}"
        f"   over 90 {fmt(age.over_90)}",
    ]


def _footer(card: LedgerCard) -> list[str]:
    t = card.totals
    kept = "n/a" if t.percent_kept is None else f"{t.percent_kept}%"
    return [
        f"Totals:     Billed {fmt(t.billed)}   UCR {fmt(t.ucr)}   Paid {fmt(t.paid)}   "
        f"Adjust {fmt(t.adjust)}   Balance {fmt(t.balance)}",
        f"Appointments: kept {t.kept}, cancelled {t.cancelled}, failed {t.failed}, kept {kept}",
    ]


def _fixed(card: LedgerCard) -> list[Column]:
    by_key = {c.key: c for c in card.columns}
    return [by_key[k] for k in FIXED_COLUMNS if k in by_key]


def _cell_text(row: CardRow, key: str) -> str:
    return clean(row.cells.get(key, ""))


def _table(rows: Sequence[CardRow], fixed: list[Column], cols: list[Column]) -> str:
    """One tabulate table: Posted, Code, the marker, then ``cols``."""
    head = [c.title for c in fixed] + [MARKER_TITLE] + [c.title for c in cols]
    body = [[_cell_text(r, c.key) for c in fixed] + [r.marker] + [_cell_text(r, c.key) for c in cols]
            for r in rows]
    align = [c.align for c in fixed] + ["left"] + [c.align for c in cols]
    return tabulate(body, headers=head, colalign=align, disable_numparse=True)


def _display_width(rows: Sequence[CardRow], col: Column) -> int:
    return max([len(col.title) + _HEADER_PAD] + [len(_cell_text(r, col.key)) for r in rows]) + _GAP


def _chunks(rows: Sequence[CardRow], fixed: list[Column], cols: list[Column], width: int | None) -> list[list[Column]]:
    """Split a group's columns into pieces that fit ``width`` next to the fixed columns
    (at least one column per piece, so a very narrow width still prints everything)."""
    if width is None:
        return [cols]
    marker = max(len(MARKER_TITLE) + _HEADER_PAD, 1) + _GAP
    room = width + _GAP - sum(_display_width(rows, c) for c in fixed) - marker
    pieces: list[list[Column]] = [[]]
    used = 0
    for col in cols:
        need = _display_width(rows, col)
        if pieces[-1] and used + need > room:
            pieces.append([])
            used = 0
        pieces[-1].append(col)
        used += need
    return pieces


def render_text(card: LedgerCard, *, width: int | None = None) -> str:
    """Header, one section per column group ("== Main ==" ...), totals and appointment statistics.

    With ``width``, a group too wide for it is printed in several tables, each repeating the
    fixed Posted and Code columns."""
    fixed = _fixed(card)
    out = _header(card)
    for group in GROUPS:
        cols = [c for c in card.columns if c.group == group and c.key not in FIXED_COLUMNS]
        if not cols:
            continue
        out += ["", f"== {group} =="]
        if not card.rows:
            out.append("(no ledger lines)")
            continue
        for n, piece in enumerate(_chunks(card.rows, fixed, cols, width)):
            if n:
                out.append("")
            out.append(_table(card.rows, fixed, piece))
    out += [""] + _footer(card)
    return "\n".join(out) + "\n"


# --- JSON -----------------------------------------------------------------------

def _money_keys(card: LedgerCard) -> set[str]:
    return {c.key for c in card.columns if c.align == "right"}


def _row_id(row: CardRow) -> str | None:
    """The procedure's id for a procedure row (the practice file's id); other rows carry `ref`."""
    kind, _, rest = row.ref.partition(":")
    return rest if kind == "procedure" and row.kind == "procedure" else None


def json_row(card: LedgerCard, row: CardRow) -> dict:
    money = _money_keys(card)
    out: dict = {"kind": row.kind, "id": _row_id(row), "ref": row.ref, "marker": row.marker}
    for col in card.columns:
        if col.key in money:
            out[col.key] = fmt(row.values[col.key]) if col.key in row.values else None
        else:
            out[col.key] = _cell_text(row, col.key)
    return out


def balance_json(bal) -> dict:
    """An account's split: ``insurance`` is what the carriers are expected to pay, ``writeoff``
    what they are expected to write off, ``patient`` the rest of ``total``."""
    return {"total": fmt(bal.total), "insurance": fmt(bal.ins_est),
            "writeoff": fmt(bal.writeoff_est), "patient": fmt(bal.patient)}


def render_json(card: LedgerCard) -> dict:
    """``{"patient": {...}, "rows": [...], "totals": {...}}``; money as strings with two decimals."""
    s, t = card.summary, card.totals
    patient = {
        "id": s.patient_id, "name": clean(s.name),
        "guarantor_id": s.guarantor_id, "guarantor": clean(s.guarantor_name),
        "members": [{"id": pid, "name": clean(name)} for pid, name in s.members],
        "balance": balance_json(s.balance),
        "family_total": fmt(s.family_total),
        "aging": {"current": fmt(s.aging.current), "31_60": fmt(s.aging.d31_60),
                  "61_90": fmt(s.aging.d61_90), "over_90": fmt(s.aging.over_90)},
    }
    totals = {
        "billed": fmt(t.billed), "ucr": fmt(t.ucr), "paid": fmt(t.paid), "adjust": fmt(t.adjust),
        "balance": fmt(t.balance), "cancelled": t.cancelled, "failed": t.failed, "kept": t.kept,
        "percent_kept": t.percent_kept,
    }
    return {"patient": patient, "rows": [json_row(card, r) for r in card.rows], "totals": totals}


# --- CSV ------------------------------------------------------------------------

def render_csv(card: LedgerCard) -> str:
    """One header line (kind, id, ref, marker, then every column key), one line per row;
    every cell through `cli.output.csv_cell` (no formulas, no control characters)."""
    from cli.output import csv_text

    keys = ["kind", "id", "ref", "marker"] + [c.key for c in card.columns]
    data = (json_row(card, row) for row in card.rows)
    return csv_text(keys, ([d[k] for k in keys] for d in data))
