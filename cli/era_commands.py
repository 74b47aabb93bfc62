"""``dentledger era show FILE``: an ERA (X12 835) as read, headless; no database.
(``era import``, ``era list`` and ``era finish`` post them: `cli.era_import`.)

    dentledger era show remit.835                 payments, claims, lines, PLB as tables
    dentledger era show remit.835 --format json   the same as JSON (keys in the README)

The guide's complaints are warnings: on standard error for a table (the first
`MAX_WARNINGS`), in the ``warnings`` key for JSON; either way the exit status is 0. A file
that is not an 835 is one line on standard error and status 1 (`cli.main`). The `era`
package (and pyx12 under it) loads only when the command runs.
"""
from __future__ import annotations

import sys

from estimator.money import fmt
from estimator.text import clean

MAX_WARNINGS = 20


def register(subparsers) -> None:
    """Add ``era`` (``era show``) to ``dentledger``'s subparsers."""
    group = subparsers.add_parser("era", help="electronic remittance (X12 835) files")
    sub = group.add_subparsers(dest="era_command", metavar="COMMAND", required=True)
    p = sub.add_parser("show", help="an ERA file as read: payments, claims, service lines")
    p.add_argument("file", help="the 835 file")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="output format (default table)")
    p.set_defaults(func=cmd_era_show)
    from . import era_import
    era_import.register(sub)  # import FILE, list, finish: posting ERAs against the database


def cmd_era_show(args) -> int:
    from era import read_era
    era = read_era(args.file)
    if args.format == "json":
        from era.view import era_json
        from cli.output import to_json
        _out(to_json(era_json(era)))
        return 0
    _out(render_table(era))
    _warn(era.warnings)
    return 0


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _warn(warnings) -> None:
    for w in warnings[:MAX_WARNINGS]:
        print(f"warning: {clean(str(w))}", file=sys.stderr)
    if len(warnings) > MAX_WARNINGS:
        print(f"warning: {len(warnings) - MAX_WARNINGS} more (--format json lists them all)",
              file=sys.stderr)


# --- tables ---------------------------------------------------------------------------------

def render_table(era) -> str:
    count = len(era.remittances)
    parts = [_payment(r, i, count) for i, r in enumerate(era.remittances, 1)]
    if not era.validated:
        parts.append("* not checked against the X12 guide (see the warnings)")
    return "\n\n".join(parts)


def _payment(r, number: int, count: int) -> str:
    from . import output
    head = [
        f"Payment {number} of {count}: {r.method_text} {fmt(r.amount)} on "
        f"{r.date or 'no date'}, trace {r.trace_number or '-'}",
        f"Payer: {_party(r.payer)}",
        f"Payee: {_party(r.payee)}",
        f"Claims paid {fmt(r.claims_paid)}, provider adjustments "
        f"{fmt(r.provider_adjustment_total)}",
    ]
    parts = ["\n".join(clean(line) for line in head)]
    if r.claims:
        parts.append(output.render([_claim_row(c) for c in r.claims], "table", CLAIM_HEADERS))
        lines = [_line_row(c, ln) for c in r.claims for ln in c.lines]
        if lines:
            parts.append(output.render(lines, "table", LINE_HEADERS))
    if r.provider_adjustments:
        parts.append(output.render([_plb_row(p) for p in r.provider_adjustments], "table",
                                   PLB_HEADERS))
    return "\n\n".join(parts)


def _party(party) -> str:
    ident = f" ({party.id_qualifier or 'id'} {party.id})" if party.id else ""
    return f"{party.name or '-'}{ident}"


def _adjustments(adjustments) -> str:
    return ", ".join(f"{a.key} {fmt(a.amount)}" for a in adjustments)


CLAIM_HEADERS = {"claim_id": "Claim", "patient": "Patient", "date": "Date",
                 "status": "Status", "billed": "Billed", "paid": "Paid",
                 "patient_responsibility": "Pt resp", "adjustments": "Claim adjustments",
                 "payer_claim_no": "Payer claim"}
LINE_HEADERS = {"claim_id": "Claim", "code": "Code", "billed_code": "Billed as",
                "date": "Date", "billed": "Billed", "paid": "Paid", "units": "Units",
                "adjustments": "Adjustments", "remarks": "Remarks"}
PLB_HEADERS = {"reason": "Provider adjustment", "reference": "Reference", "amount": "Amount"}


def _claim_row(c) -> dict:
    return {"claim_id": c.claim_id, "patient": c.patient.name, "date": c.date or "",
            "status": f"{c.status} {c.status_text}", "billed": fmt(c.billed),
            "paid": fmt(c.paid), "patient_responsibility": fmt(c.patient_responsibility),
            "adjustments": _adjustments(c.adjustments), "payer_claim_no": c.payer_claim_no}


def _line_row(c, ln) -> dict:
    return {"claim_id": c.claim_id, "code": ln.code,
            "billed_code": ln.billed_code if ln.downgraded else "", "date": ln.date or "",
            "billed": fmt(ln.billed), "paid": fmt(ln.paid), "units": str(ln.units),
            "adjustments": _adjustments(ln.adjustments), "remarks": " ".join(ln.remarks)}


def _plb_row(p) -> dict:
    return {"reason": f"{p.reason} {p.text}", "reference": p.reference,
            "amount": fmt(p.amount)}
