"""``dentledger era import | list | finish``: post ERA files and finish what they leave.

    dentledger era import remit.835 --dry-run     the matches, nothing written
    dentledger era import remit.835               post each payment (one check each)
    dentledger era import remit.835 --accept-weak also post the weak matches
    dentledger era list [--open]                  imported ERAs (--open: claims to finish)
    dentledger era finish 12 --claim C0225        post ERA claim 12 to claim C0225 by hand
    dentledger era finish 12 --handled --note "keyed from the paper EOB"

Import reads the file without the X12 guide's validation (it costs four to six seconds a
thousand claims and never stops a post: `era show` and ``--dry-run`` run it, ``--validate``
adds it here); the 835's own balancing checks always run. Each payment posts in its own
transaction or is refused whole, in one line on standard error (exit status 1 when any
was). Every payment's report ends with a one-line summary on standard output; the import
shows its progress on standard error (`cli.progress`: a bar for reading the file and one for
each payment on a terminal), then one line saying how many payments were posted.
"""
from __future__ import annotations

import sys
from pathlib import Path

from estimator.money import fmt
from estimator.text import clean

from . import output

MARKS = {"none": "!", "weak": "?"}  # a claim that matched nothing / weakly (also "?": review)


def register(sub) -> None:
    p = sub.add_parser("import", help="match an ERA file's claims and post each payment")
    p.add_argument("file", help="the 835 file")
    p.add_argument("--dry-run", action="store_true",
                   help="show the matches (checked against the X12 guide), write nothing")
    p.add_argument("--accept-weak", action="store_true",
                   help="also post the weak matches (by patient, date and total; lines by "
                        "code alone; claims with lines that match nothing)")
    p.add_argument("--validate", action="store_true",
                   help="also check the file against the X12 guide (slower)")
    _allow_credit(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_era_import)

    p = sub.add_parser("list", help="imported ERAs; --open: the claims left to finish")
    p.add_argument("--open", action="store_true", help="only what is left to finish")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_era_list)

    p = sub.add_parser("finish", help="post an ERA claim left open to a claim, or mark it handled")
    p.add_argument("era_claim", type=int, help="the ERA claim's id (era list --open)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--claim", help="our claim it pays (claim number, practice id or id)")
    how.add_argument("--handled", action="store_true", help="handled another way (--note says how)")
    p.add_argument("--note", help="how it was handled")
    _allow_credit(p)
    p.set_defaults(func=cmd_era_finish)


def _allow_credit(p) -> None:
    p.add_argument("--allow-credit", action="store_true",
                   help="post a claim that pays more than is left on a procedure (the account "
                        "shows a credit); without it such a payment is refused")


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _db(args):
    from store.db import open_database
    return open_database(args.db, create=False)


# --- import ------------------------------------------------------------------------------

def cmd_era_import(args) -> int:
    from era import load_file, read_era
    from store.services.remittances import EraSource

    from .commands import require
    from .progress import Progress

    if not args.dry_run:
        require("era_import")

    data = load_file(args.file)
    name = Path(args.file).name
    validate = args.dry_run or args.validate
    # The bars and the summary on standard error: standard output is the report (or JSON).
    with Progress(f"era import {name}", summary_stream=sys.stderr) as progress:
        era = progress.step(f"reading {name}" + (" (checking it against the X12 guide)"
                                                  if validate else ""),
                            lambda: read_era(data, name=name, validate=validate))
        db = _db(args)
        source = EraSource(name, data)
        results = []
        for seq, remittance in enumerate(era.remittances, 1):
            progress.stage(f"payment {seq} of {len(era.remittances)}, trace "
                           f"{remittance.trace_number or '-'}: "
                           + ("matching" if args.dry_run else "re-estimating families"))
            results.append(_one(db, args, source, remittance, seq, progress))
        progress.done(_run_summary(name, results, args.dry_run))
    if args.format == "json":
        _out(output.to_json({"file": str(args.file), "validated": era.validated,
                             "dry_run": args.dry_run, "warnings": [str(w) for w in era.warnings],
                             "payments": [r[0] for r in results]}))
    else:
        _out("\n\n".join(r[1] for r in results))
        _warnings(era)
    for refusal in (r[2] for r in results if r[2]):
        print(f"dentledger: {clean(refusal)}", file=sys.stderr)
    return 1 if any(r[2] for r in results) else 0


def _one(db, args, source, remittance, seq: int, progress):
    """(JSON, text, refusal) of one payment: matched (dry run) or posted."""
    from store.read.remittances import match_check
    from store.services import CreditRefused, ServiceError
    from store.services.remittances import post_era

    if args.dry_run:
        match = match_check(db, remittance)
        return _report(match, None, args, seq, match.refusal)
    try:
        done = post_era(db, source, remittance, seq=seq, accept_weak=args.accept_weak,
                        progress=progress, confirm_credit=args.allow_credit)
    except CreditRefused as exc:  # the desk's refusal, with the CLI's way to confirm
        return _report(match_check(db, remittance), None, args, seq, f"{exc} (--allow-credit)")
    except ServiceError as exc:
        return _report(match_check(db, remittance), None, args, seq, str(exc))
    return _report(done.match, done, args, seq, None)


def _run_summary(name: str, results, dry_run: bool) -> str:
    """The import in one line (what each payment did is in the report)."""
    count = len(results)
    refused = sum(1 for r in results if r[2])
    payments = f"{count} payment{'s' if count != 1 else ''}"
    if dry_run:
        return (f"era import {name}: dry run of {payments}, nothing written"
                + (f"; {refused} would be refused" if refused else ""))
    return (f"era import {name}: {count - refused} of {payments} posted"
            + (f", {refused} refused" if refused else ""))


def _report(match, done, args, seq: int, refusal: str | None):
    rem = match.remittance
    claims = match.grid.claims if match.grid else ()
    states = done.states if done else tuple(_would(m, args) for m in claims)
    rows = [_claim_row(m, s) for m, s in zip(claims, states)]
    head = (f"Payment {seq}: {rem.method_text} {fmt(rem.amount)} on {rem.date or 'no date'}, "
            f"trace {rem.trace_number or '-'}, from {rem.payer.name or '-'}"
            + (f" (carrier {match.carrier.name})" if match.carrier else ""))
    summary = _summary(match, done, refusal, args)
    data = {"payment": seq, "payer": rem.payer.name, "carrier": match.carrier and match.carrier.name,
            "trace_number": rem.trace_number, "date": rem.date and rem.date.isoformat(),
            "amount": fmt(rem.amount), "check_total": fmt(rem.amount + rem.provider_adjustment_total),
            "refused": refusal, "era": done and int(done.era_id),
            "claim_payment": done and done.payment_id,
            "posted": fmt(done.posted) if done else None, "left": fmt(done.left) if done else None,
            "claims": rows, "summary": summary,
            "provider_adjustments": [{"reason": p.reason, "reason_text": p.text,
                                      "reference": p.reference, "amount": fmt(p.amount)}
                                     for p in rem.provider_adjustments]}
    parts = [clean(head)]
    if rows:
        parts.append(output.render([_cells(r, done is None) for r in rows], "table",
                                   CLAIM_HEADERS))
        why = [f"{r['mark']} {r['claim_id']}: {r['reason']}" for r in rows
               if r["mark"] and r["reason"]]
        if why:
            parts.append("\n".join(clean(w) for w in why))
    if rem.provider_adjustments:
        parts.append(output.render([{"reason": f"{p.reason} {p.text}", "reference": p.reference,
                                     "amount": fmt(p.amount)} for p in rem.provider_adjustments],
                                   "table", PLB_HEADERS))
    parts.append(clean(summary))
    return data, "\n\n".join(parts), refusal


def _would(match, args) -> str:
    """What an import would do with this claim (a dry run)."""
    if not match.lines:
        return "nothing" if match.claim is not None and not match.era.paid else "open"
    if match.review is not None and not args.accept_weak:
        return "open"
    return "partial" if match.left or match.unmatched_lines else "posted"


def _claim_row(match, state: str) -> dict:
    review = match.review
    mark = MARKS.get(match.how, "?" if review else "")
    if state == "open" and match.lines:
        why = f"needs --accept-weak: {review}"
    else:
        why = match.reason or review or ""
    return {"mark": mark, "claim_id": match.era.claim_id, "patient": match.era.patient.name,
            "status": match.era.status_text, "paid": fmt(match.era.paid),
            "claim": match.claim.label or match.claim.sent_id if match.claim else None,
            "how": match.how, "posted": fmt(match.posted if state in ("posted", "partial") else 0),
            "left": fmt(match.left if state in ("posted", "partial") else match.era.paid),
            "state": state, "reason": why or None,
            "lines": [{"procedure": ln.procedure, "paid": fmt(ln.paid),
                       "writeoff": fmt(ln.writeoff), "deductible": fmt(ln.deductible),
                       "denied": ln.denied, "remarks": ln.remarks, "weak": ln.weak}
                      for ln in match.lines]}


DRY_RUN_STATES = {"posted": "will post", "partial": "will post part", "open": "to finish",
                  "nothing": "nothing to post"}


def _cells(row: dict, dry_run: bool) -> dict:
    """A table row: the state as what will happen on a dry run, the reason cut short (the
    lines under the table give it whole)."""
    state = DRY_RUN_STATES.get(row["state"], row["state"]) if dry_run else row["state"]
    reason = row["reason"] or ""
    return {**row, "state": state, "reason": reason if len(reason) <= 50 else reason[:49] + "…"}


CLAIM_HEADERS = {"mark": "", "claim_id": "ERA claim", "patient": "Patient", "paid": "Paid",
                 "claim": "Our claim", "how": "Match", "posted": "Posted", "left": "Left",
                 "state": "State", "reason": "Why"}
PLB_HEADERS = {"reason": "Provider adjustment (recorded, not posted)", "reference": "Reference",
               "amount": "Amount"}


def _summary(match, done, refusal, args) -> str:
    rem = match.remittance
    what = f"ERA {rem.trace_number or '(no trace)'}"
    if refusal:
        return f"{what}: not posted: {refusal}"
    plb = (f"; provider adjustments {fmt(rem.provider_adjustment_total)} recorded"
           if rem.provider_adjustments else "")
    if done is None:
        claims = match.grid.claims if match.grid else ()
        states = [_would(m, args) for m in claims]
        return (f"{what}: dry run, nothing written: {states.count('posted')} claim(s) would "
                f"post, {states.count('partial')} in part, {states.count('open')} stay to "
                f"finish{plb}")
    posted = sum(1 for s in done.states if s in ("posted", "partial"))
    left = sum(1 for s in done.states if s in ("open", "partial"))
    payment = f" (claim payment {done.payment_id})" if done.payment_id else ""
    return (f"{what}: posted {fmt(done.posted)} to {posted} claim(s){payment}; left "
            f"{fmt(done.left)} on {left} claim(s) to finish (era list --open){plb}")


def _warnings(era) -> None:
    from .era_commands import MAX_WARNINGS
    for w in era.warnings[:MAX_WARNINGS]:
        print(f"warning: {clean(str(w))}", file=sys.stderr)
    if len(era.warnings) > MAX_WARNINGS:
        print(f"warning: {len(era.warnings) - MAX_WARNINGS} more (--format json lists them all)",
              file=sys.stderr)
    if not era.validated:
        print("note: not checked against the X12 guide (era show, or --dry-run, does)",
              file=sys.stderr)


# --- list and finish -----------------------------------------------------------------------

ERA_HEADERS = {"key": "ERA", "check_date": "Date", "payer": "Payer", "trace_number": "Trace",
               "amount": "Amount", "provider_adjustments": "PLB", "posted": "Posted",
               "left": "Left", "status": "Status", "open_claims": "To finish",
               "file_name": "File", "imported": "Imported"}
FINISH_HEADERS = {"key": "Id", "trace_number": "ERA", "check_date": "Date", "claim_ref": "ERA claim",
                  "patient": "Patient", "paid": "Paid", "posted": "Posted", "left": "Left",
                  "state": "State", "claim_label": "Our claim", "reason": "Why"}


def cmd_era_list(args) -> int:
    from store.read import era_lists

    db = _db(args)
    eras = [_era_row(e) for e in era_lists.eras(db, open_only=args.open)]
    open_claims = era_lists.to_finish(db) if args.open else []
    claims = [_finish_row(c) for c in open_claims]
    if args.format == "json":
        data = {"eras": eras, **({"to_finish": claims} if args.open else {})}
        _out(output.to_json(data))
        return 0
    if not eras:
        _out("no ERA left to finish" if args.open else "no ERA imported yet")
        return 0
    parts = [output.render(eras, "table", ERA_HEADERS)]
    if args.open:
        parts.append(output.render([{**c, "reason": (c["reason"] or "")[:60]} for c in claims],
                                   "table", FINISH_HEADERS))
        parts.append(f"{len(claims)} ERA claim(s) to finish, "
                     f"{fmt(sum(c.left for c in open_claims))} left: dentledger era finish ID "
                     "--claim CLAIM, or --handled --note TEXT")
    _out("\n\n".join(parts))
    return 0


def _era_row(e) -> dict:
    return {"key": e.key, "check_date": e.check_date and e.check_date.isoformat(),
            "payer": e.payer, "carrier": e.carrier, "trace_number": e.trace_number,
            "method": e.method, "amount": fmt(e.amount),
            "provider_adjustments": fmt(e.provider_adjustments), "posted": fmt(e.posted),
            "left": fmt(e.left), "status": e.status, "claims": e.claims,
            "open_claims": e.open_claims, "file_name": e.file_name,
            "imported": f"{e.imported_at} {e.imported_by}"}


def _finish_row(c) -> dict:
    return {"key": c.key, "era": c.era_key, "trace_number": c.trace_number, "payer": c.payer,
            "check_date": c.check_date and c.check_date.isoformat(), "claim_ref": c.claim_ref,
            "patient": c.patient, "paid": fmt(c.paid), "posted": fmt(c.posted),
            "left": fmt(c.left), "state": c.state, "how": c.how,
            "claim_label": c.claim_label, "reason": c.reason, "note": c.note}


def cmd_era_finish(args) -> int:
    from store.read import era_lists
    from store.services import CreditRefused, resolve_claim
    from store.services.remittances import close_era_claim, finish_era_claim

    from .commands import require

    require("era_handled" if args.handled else "era_finish")
    db = _db(args)
    if args.handled:
        if not (args.note or "").strip():
            raise ValueError("--handled needs --note saying how the ERA claim was handled")
        close_era_claim(db, args.era_claim, args.note)
    else:
        try:
            finish_era_claim(db, args.era_claim, resolve_claim(db, args.claim),
                             confirm_credit=args.allow_credit)
        except CreditRefused as exc:
            raise CreditRefused(f"{exc} (--allow-credit)", exc.credit) from None
    row = era_lists.era_claim(db, args.era_claim)
    posted = f", posted {fmt(row.posted)} to claim {row.claim_label}" if row.posted else ""
    _out(clean(f"ERA claim {row.key} ({row.claim_ref}, {row.patient}) is {row.state}{posted}; "
               f"left {fmt(row.left)}"))
    return 0
