"""``dentledger audit verify`` and ``dentledger audit log``.

    dentledger audit verify          exit 0: the chain verifies (the rows, its head), or
                                     verifies from its last resume row, which explains
                                     the break before it (how many rows cannot be
                                     checked); exit 1: the first row that is not as it was
                                     written and that no resume row explains, or no key
    dentledger audit log [--patient P] [--user U] [--from D] [--to D] [--limit N]
                         [--format table|csv|json]

`verify` checks the hash chain with the key beside the database (`store.audit.chain`). When
the key was lost, the next change posted made a new one and wrote an ``audit_chain_resumed``
row saying why: the rows before it cannot be checked with the new key. That break is
explained, not hidden: the summary names the resume row and the rows it cannot check, and
the exit status stays 0 (a backup goes ahead the same way); a break after the last resume
row, or one a resume row does not explain (a row changed between rows that verify, a
missing row), is exit status 1. `log` needs the admin role (it lists who opened which
patient's account).
"""
from __future__ import annotations

import json
from datetime import date

from . import output

HEADERS = {"id": "Row", "at": "When", "user": "User", "os_user": "OS account",
           "from": "From", "action": "Action", "patient": "Patient", "detail": "Change"}


def register(subparsers) -> None:
    group = subparsers.add_parser("audit", help="the audit log: verify its chain, show it")
    sub = group.add_subparsers(dest="audit_command", metavar="verify|log", required=True)

    p = sub.add_parser("verify", help="walk the hash chain; name the first bad row")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("log", help="who did what, when, from where")
    p.add_argument("--patient", help="practice-file id, database id or a unique name")
    p.add_argument("--user", help="app user name")
    p.add_argument("--from", dest="start", metavar="DATE", help="from this day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="to this day, inclusive")
    p.add_argument("--limit", type=int, metavar="N", help="only the latest N rows")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_log)


def _db(args):
    from store.db import open_database
    return open_database(args.db, create=False)


def cmd_verify(args) -> int:
    from store.audit import verify_database
    check = verify_database(_db(args))
    if args.format == "json":
        resumed = check.resumed
        print(json.dumps({"ok": check.ok, "rows": check.rows, "head_id": check.head_id,
                          "head": check.head, "bad_row": check.bad_row,
                          "problem": check.problem,
                          "resumed": resumed and {"row": resumed.row, "at": resumed.at,
                                                  "reason": resumed.reason},
                          "unverified": [list(s) for s in check.unverified],
                          "unverified_rows": check.unverified_rows, "note": check.note()},
                         indent=2))
    else:
        print(check.summary())
    return 0 if check.ok else 1


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def cmd_log(args) -> int:
    from store.audit import current, refusal
    from store.read.audit import audit_entries
    from store.read.patients import resolve_patient

    who = current()
    message = refusal(who.user, who.role, "audit_log")
    if message:
        raise ValueError(message)
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if start and end and start > end:
        raise ValueError("--from is after --to")
    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be at least 1")
    db = _db(args)
    patient = resolve_patient(db, args.patient) if args.patient else None
    entries = audit_entries(db, patient_id=patient, user=args.user, start=start, end=end,
                            limit=args.limit, newest_first=args.limit is not None)
    if args.limit is not None:
        entries.reverse()
    if args.format == "json":
        print(json.dumps([_json(e) for e in entries], indent=2, ensure_ascii=False))
        return 0
    if not entries and args.format == "table":
        print("no audit rows match")
        return 0
    rows = [_row(e) for e in entries]
    print(output.render(rows, args.format, HEADERS))
    return 0


def _row(entry) -> dict:
    detail = json.dumps(entry.detail, sort_keys=True, ensure_ascii=False) if entry.detail else ""
    what = f"{entry.entity} {entry.entity_id}" if entry.entity_id else (entry.entity or "")
    patient = f"{entry.patient} {entry.patient_name or ''}".strip() if entry.patient else ""
    return {"id": entry.id, "at": entry.at, "user": entry.user, "os_user": entry.os_user or "",
            "from": (entry.ssh_origin or "").split(" ")[0] or (entry.workstation or ""),
            "action": entry.action, "patient": patient, "detail": f"{what} {detail}".strip()}


def _json(entry) -> dict:
    return {"id": entry.id, "at": entry.at, "user": entry.user, "os_user": entry.os_user,
            "ssh_origin": entry.ssh_origin, "workstation": entry.workstation,
            "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id,
            "patient": entry.patient, "patient_name": entry.patient_name,
            "detail": entry.detail}
