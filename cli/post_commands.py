"""Headless posting: ``dentledger post ...`` and ``dentledger claim ...``.

The same services as the screens (`store.services`). Each command prints what it
posted and the patient's new balance; ``--format json`` prints one JSON object for
scripts. Money is typed in dollars ("24.00") and parsed exactly (`to_cents`). A
patient is named as for ``dentledger ledger``; procedures and claims by their
practice-file id, generated id (``PR12``, ``CL3``), claim number or database id.
Errors are raised: `cli.main` prints them as one line.

`register(subparsers)` adds both command groups to the main parser.
"""
from __future__ import annotations

import argparse
import sys

from estimator.money import MoneyError, fmt, to_cents


def register(subparsers) -> None:
    """Add the ``post`` and ``claim`` command groups to ``dentledger``'s subparsers."""
    _register_post(subparsers)
    _register_claim(subparsers)


# --- argument set-up --------------------------------------------------------------------

def _fmt_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="output format (default table)")


def _cmd(sub, name: str, func, help_text: str) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(func=func)
    _fmt_arg(p)
    return p


def _register_post(subparsers) -> None:
    group = subparsers.add_parser("post", help="post procedures, payments, adjustments, "
                                               "ledger notes and appointments")
    sub = group.add_subparsers(dest="post_command", metavar="WHAT", required=True)

    p = _cmd(sub, "procedure", cmd_procedure, "plan or post a procedure")
    p.add_argument("--patient", required=True, help="practice-file id, database id or unique name")
    p.add_argument("--code", required=True, help="procedure code, e.g. D2392")
    p.add_argument("--fee", help="fee per unit (default: the provider's office fee)")
    p.add_argument("--tooth")
    p.add_argument("--surface")
    p.add_argument("--units", type=int, default=1)
    p.add_argument("--date", help="posting date YYYY-MM-DD (default today)")
    p.add_argument("--completed", help="completion date when it differs from --date")
    p.add_argument("--planned", action="store_true", help="treatment plan it (not done yet)")
    p.add_argument("--provider", help="provider id (default: the usual one)")
    p.add_argument("--note")

    p = _cmd(sub, "complete", cmd_complete, "complete planned work")
    p.add_argument("--procedure", required=True)
    p.add_argument("--date", help="posting date (default today)")
    p.add_argument("--completed", help="completion date when it differs from --date")

    p = _cmd(sub, "fee", cmd_fee, "change a procedure's fee")
    p.add_argument("--procedure", required=True)
    p.add_argument("--fee", required=True)

    p = _cmd(sub, "delete", cmd_delete, "delete a procedure nothing was posted against")
    p.add_argument("--procedure", required=True)

    p = _cmd(sub, "payment", cmd_payment, "post a patient payment (negative amount = refund)")
    p.add_argument("--patient", required=True)
    p.add_argument("--amount", required=True, help="dollars, e.g. 24.00 (negative: refund)")
    p.add_argument("--method", required=True, choices=("cash", "check", "card", "other"))
    p.add_argument("--check-no")
    p.add_argument("--bank-no")
    p.add_argument("--date")
    p.add_argument("--procedure", help="put the whole payment on this procedure")
    p.add_argument("--split", help="split over procedures: X:10.00,Y:14.00 (rest is credit)")
    p.add_argument("--note")

    p = _cmd(sub, "adjustment", cmd_adjustment, "post an adjustment (negative reduces the balance)")
    p.add_argument("--patient", required=True)
    p.add_argument("--amount", required=True)
    p.add_argument("--code", required=True, help="adjustment code, e.g. COURTESY")
    p.add_argument("--procedure")
    p.add_argument("--note")
    p.add_argument("--date")
    p.add_argument("--create-code", metavar="KIND",
                   help="create the code if missing, of this kind (courtesy, discount, ...)")

    p = _cmd(sub, "note", cmd_note, "add a note to the patient's ledger card")
    p.add_argument("--patient", required=True)
    p.add_argument("--text", required=True, help='e.g. "called about the balance"')
    p.add_argument("--date", help="the card date (default today)")

    p = _cmd(sub, "appointment", cmd_appointment,
             "record an appointment: kept, cancelled, failed (or scheduled)")
    p.add_argument("--patient", required=True)
    p.add_argument("--status", required=True, choices=("kept", "cancelled", "failed", "scheduled"))
    p.add_argument("--date", help="the appointment's date (default today)")

    p = _cmd(sub, "reverse-payment", cmd_reverse_payment, "reverse a patient payment")
    p.add_argument("payment", type=int, help="patient payment id")
    p.add_argument("--date")
    p.add_argument("--note")

    p = _cmd(sub, "reverse-adjustment", cmd_reverse_adjustment, "reverse an adjustment")
    p.add_argument("adjustment", type=int, help="adjustment id")
    p.add_argument("--date")
    p.add_argument("--note")

    p = _cmd(sub, "lock-date", cmd_lock_date, "close the books through a date ('none' reopens)")
    p.add_argument("date")


def _register_claim(subparsers) -> None:
    group = subparsers.add_parser("claim", help="create, send, deny and pay insurance claims")
    sub = group.add_subparsers(dest="claim_command", metavar="WHAT", required=True)

    p = _cmd(sub, "create", cmd_claim_create, "claims for completed work (secondary on hold)")
    p.add_argument("--patient", required=True)
    p.add_argument("--procedures", help="X,Y (default: all completed work never billed)")
    p.add_argument("--date")

    p = _cmd(sub, "send", cmd_claim_send, "mark an unsent or queued claim sent")
    p.add_argument("claim")
    p.add_argument("--date", help="sent date (default today)")

    p = _cmd(sub, "queue", cmd_claim_queue, "queue an unsent claim")
    p.add_argument("claim")

    p = _cmd(sub, "status", cmd_claim_status, "set a claim's status")
    p.add_argument("claim")
    p.add_argument("status", choices=("unsent", "hold", "queued", "sent"))

    p = _cmd(sub, "deny", cmd_claim_deny, "the carrier denied procedures of a claim")
    p.add_argument("claim")
    p.add_argument("--procedure", action="append", required=True, help="X (repeat, or X,Y)")
    p.add_argument("--date")
    p.add_argument("--remarks")

    p = _cmd(sub, "pay", cmd_claim_pay, "enter the carrier's check by procedure")
    p.add_argument("claim")
    p.add_argument("--check-no", required=True)
    p.add_argument("--bank-no")
    p.add_argument("--date")
    p.add_argument("--amount", help="check total (default: the sum paid on the lines)")
    p.add_argument("--line", action="append", default=[], metavar="X:PAID[:WRITEOFF[:DEDUCTIBLE]]",
                   help="one procedure's line; an empty WRITEOFF takes the write-off estimate")
    p.add_argument("--deny", action="append", default=[], metavar="X",
                   help="a procedure the check denies")
    p.add_argument("--remarks")
    p.add_argument("--allow-credit", action="store_true",
                   help="post a check that pays more than is left on a procedure (the account "
                        "shows a credit); without it such a check is refused")


# --- handlers ----------------------------------------------------------------------------

def _db(args):
    from store.db import open_database
    return open_database(args.db, create=False)


def _patient(db, text: str) -> int:
    from store.read.patients import resolve_patient
    return resolve_patient(db, text)


def _procedure(db, text: str) -> int:
    from store.services import resolve_procedure
    return resolve_procedure(db, text)


def _list(values) -> list[str]:
    items = values if isinstance(values, list) else [values]
    return [x.strip() for v in items for x in (v or "").split(",") if x.strip()]


def _money(text: str | None, option: str = "--fee", *, signed: bool = False) -> int | None:
    """Dollars given on the command line, through the one money parser (`to_cents`); the
    refusal names the option (`cli.main` prints it as one line)."""
    if text is None:
        return None
    try:
        return to_cents(text, signed=signed)
    except MoneyError as exc:
        raise MoneyError(f"{option}: {exc}") from None


def cmd_procedure(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    patient = _patient(db, args.patient)
    proc = services.add_procedure(
        db, patient, args.code.strip(), fee=_money(args.fee), planned=args.planned,
        date=args.date, completed=args.completed, provider=args.provider, tooth=args.tooth,
        surface=args.surface, units=args.units, note=args.note)
    info = readback.procedure_info(db, proc)
    return _report(args, db, patient, "procedure", _proc_out(info),
                   f"{'planned' if args.planned else 'posted'} {_proc_text(info)}")


def cmd_complete(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    proc = _procedure(db, args.procedure)
    services.complete_procedure(db, proc, date=args.date, completed=args.completed)
    info = readback.procedure_info(db, proc)
    return _report(args, db, info["patient_id"], "procedure", _proc_out(info),
                   f"completed {_proc_text(info)}")


def cmd_fee(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    proc = _procedure(db, args.procedure)
    services.edit_fee(db, proc, _money(args.fee))
    info = readback.procedure_info(db, proc)
    return _report(args, db, info["patient_id"], "procedure", _proc_out(info),
                   f"re-priced {_proc_text(info)}")


def cmd_delete(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    proc = _procedure(db, args.procedure)
    services.delete_procedure(db, proc)
    info = readback.procedure_info(db, proc)
    return _report(args, db, info["patient_id"], "procedure", _proc_out(info),
                   f"deleted {_proc_text(info)}")


def cmd_payment(args) -> int:
    from store import services
    from store.services import payments
    from store.read import readback
    db = _db(args)
    patient = _patient(db, args.patient)
    amount = _money(args.amount, "--amount", signed=True)
    split = None
    if args.split:
        split = []
        for part in _list(args.split):
            proc, sep, dollars = part.rpartition(":")
            if not sep or not proc:
                raise ValueError(f"--split part {part!r} is not X:AMOUNT")
            split.append((_procedure(db, proc), _money(dollars, f"--split {proc}", signed=True)))
    pay = services.post_payment(
        db, patient, amount, args.method, date=args.date, check_no=args.check_no,
        bank_no=args.bank_no, procedure=_procedure(db, args.procedure) if args.procedure else None,
        allocations=split, note=args.note)
    split = payments.allocations_of(db, pay)
    alloc = [{"procedure": readback.procedure_info(db, p)["id"], "amount": fmt(a)}
             for p, a in split]
    credit = amount - sum(a for _, a in split)
    posted = {"id": pay, "amount": fmt(amount), "method": args.method,
              "check_no": args.check_no, "allocations": alloc, "unallocated": fmt(credit)}
    spread = ", ".join(f"{a['amount']} to {a['procedure']}" for a in alloc) or "nothing allocated"
    what = "refund" if amount < 0 else "payment"
    return _report(args, db, patient, "payment", posted,
                   f"posted {what} {pay}: {fmt(amount)} {args.method} ({spread}; "
                   f"unallocated {fmt(credit)})")


def cmd_adjustment(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    patient = _patient(db, args.patient)
    amount = _money(args.amount, "--amount", signed=True)
    proc = _procedure(db, args.procedure) if args.procedure else None
    adj = services.post_adjustment(
        db, patient, amount, args.code.strip(), procedure=proc, date=args.date, note=args.note,
        create_code=args.create_code is not None, kind=args.create_code)
    target = readback.procedure_info(db, proc)["id"] if proc else None
    posted = {"id": adj, "amount": fmt(amount), "code": args.code.strip(), "procedure": target}
    on = f" on {target}" if target else ""
    return _report(args, db, patient, "adjustment", posted,
                   f"posted adjustment {adj}: {fmt(amount)} {args.code.strip()}{on}")


def cmd_note(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    patient = _patient(db, args.patient)
    note = services.add_ledger_note(db, patient, args.text, date=args.date)
    day = readback.note_info(db, note)["date"]
    return _report(args, db, patient, "note", {"id": note, "date": day},
                   f"added ledger note {note} dated {day}")


def cmd_appointment(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    patient = _patient(db, args.patient)
    appt = readback.appointment_info(
        db, services.record_appointment(db, patient, args.status, date=args.date))
    return _report(args, db, patient, "appointment", appt,
                   f"recorded appointment {appt['id']}: {appt['status']} on {appt['date']}")


def cmd_reverse_payment(args) -> int:
    from store import services
    db = _db(args)
    from store.read import readback
    new = services.reverse_payment(db, args.payment, date=args.date, note=args.note)
    info = readback.payment_info(db, new)
    patient, amount = info["patient_id"], info["amount"]
    return _report(args, db, patient, "payment", {"id": new, "reverses": args.payment,
                                                  "amount": fmt(amount)},
                   f"posted payment {new}: {fmt(amount)}, reversing payment {args.payment}")


def cmd_reverse_adjustment(args) -> int:
    from store import services
    db = _db(args)
    from store.read import readback
    new = services.reverse_adjustment(db, args.adjustment, date=args.date, note=args.note)
    info = readback.adjustment_info(db, new)
    patient, amount = info["patient_id"], info["amount"]
    return _report(args, db, patient, "adjustment", {"id": new, "reverses": args.adjustment,
                                                     "amount": fmt(amount)},
                   f"posted adjustment {new}: {fmt(amount)}, reversing adjustment "
                   f"{args.adjustment}")


def cmd_lock_date(args) -> int:
    from store import services
    db = _db(args)
    day = None if args.date.strip().lower() == "none" else args.date
    services.set_lock_date(db, day)
    locked = services.lock_date(db)
    text = f"lock date {locked.isoformat()}" if locked else "no lock date"
    _emit(args, {"lock_date": locked.isoformat() if locked else None}, [text])
    return 0


def cmd_claim_create(args) -> int:
    from store import services
    from store.read import readback
    db = _db(args)
    patient = _patient(db, args.patient)
    procs = [_procedure(db, x) for x in _list(args.procedures)] if args.procedures else None
    made = services.create_claims(db, patient, procs, date=args.date)
    infos = [readback.claim_info(db, c) for c in made]
    claims = [{k: i[k] for k in ("id", "claim_no", "plan", "order", "kind", "status",
                                 "procedures")} for i in infos]
    lines = [f"created claim {c['id']} ({c['claim_no']}) to plan {c['plan']} (order {c['order']}), "
             f"{c['status']}: {', '.join(c['procedures'])}" for c in claims]
    return _report(args, db, patient, "claims", claims, *lines)


def _claim_action(args, action, verb: str) -> int:
    from store.services import resolve_claim
    from store.read import readback
    db = _db(args)
    claim = resolve_claim(db, args.claim)
    action(db, claim)
    info = readback.claim_info(db, claim)
    return _report(args, db, info["patient_id"], "claim", _claim_out(info),
                   f"{verb} claim {info['id']} ({info['claim_no']}): now {info['status']}")


def cmd_claim_send(args) -> int:
    from store import services
    return _claim_action(args, lambda db, c: services.send_claim(db, c, date=args.date), "sent")


def cmd_claim_queue(args) -> int:
    from store import services
    return _claim_action(args, services.queue_claim, "queued")


def cmd_claim_status(args) -> int:
    from store import services
    return _claim_action(args, lambda db, c: services.set_claim_status(db, c, args.status),
                         "updated")


def cmd_claim_deny(args) -> int:
    from store import services
    from store.services import resolve_claim
    from store.read import readback
    db = _db(args)
    claim = resolve_claim(db, args.claim)
    procs = [_procedure(db, x) for x in _list(args.procedure)]
    pay = services.deny_lines(db, claim, procs, date=args.date, remarks=args.remarks)
    info = readback.claim_info(db, claim)
    out = {**_claim_out(info), "payment": pay, "lines": _lines_out(readback.claim_lines(db, claim))}
    return _report(args, db, info["patient_id"], "claim", out,
                   f"denied {', '.join(readback.procedure_info(db, p)['id'] for p in procs)} "
                   f"on claim {info['id']} ({info['claim_no']}): now {info['status']}")


def cmd_claim_pay(args) -> int:
    from store import services
    from store.services import resolve_claim
    from store.read import readback
    parsed = [_parse_line(text) for text in args.line]  # typing errors before any look-up
    amount = (_money(args.amount, "--amount", signed=True) if args.amount
              else sum(paid for _, paid, _, _ in parsed))
    if not parsed and not args.deny:
        raise ValueError("give at least one --line X:PAID[:WRITEOFF[:DEDUCTIBLE]] or --deny X")
    db = _db(args)
    claim = resolve_claim(db, args.claim)
    eob = [services.EobLine(claim, _procedure(db, proc), paid, writeoff, deductible,
                            remarks=args.remarks) for proc, paid, writeoff, deductible in parsed]
    eob += [services.EobLine(claim, _procedure(db, x), denied=True, remarks=args.remarks)
            for x in _list(args.deny)]
    try:
        pay = services.enter_insurance_payment(db, eob, amount=amount, check_no=args.check_no,
                                               bank_no=args.bank_no, date=args.date,
                                               confirm_credit=args.allow_credit)
    except services.CreditRefused as exc:  # the same refusal as the desk's, with the CLI's way
        raise services.CreditRefused(f"{exc} (--allow-credit)", exc.credit) from None
    info = readback.claim_info(db, claim)
    out = {**_claim_out(info), "payment": pay, "check_no": args.check_no, "amount": fmt(amount),
           "lines": _lines_out(readback.claim_lines(db, claim))}
    return _report(args, db, info["patient_id"], "claim", out,
                   f"entered check {args.check_no} for {fmt(amount)} on claim {info['id']} "
                   f"({info['claim_no']}): now {info['status']}")


def _parse_line(text: str) -> tuple[str, int, int | None, int]:
    """``X:PAID[:WRITEOFF[:DEDUCTIBLE]]`` -> (procedure text, paid, write-off or None, deductible)."""
    parts = text.split(":")
    if not 2 <= len(parts) <= 4 or not parts[0].strip():
        raise ValueError(f"--line {text!r} is not X:PAID[:WRITEOFF[:DEDUCTIBLE]]")
    parts += [""] * (4 - len(parts))
    proc, paid, writeoff, deductible = (p.strip() for p in parts)
    where = f"--line {proc}"
    return (proc, _money(paid or "0", where + " paid", signed=True),
            _money(writeoff, where + " write-off", signed=True) if writeoff else None,
            _money(deductible or "0", where + " deductible", signed=True))


# --- output ------------------------------------------------------------------------------

def _proc_out(info: dict) -> dict:
    return {"id": info["id"], "code": info["code"], "tooth": info["tooth"],
            "surface": info["surface"], "fee": fmt(info["fee"]), "units": info["units"],
            "status": info["status"], "date": info["date"], "completed": info["completed"]}


def _proc_text(info: dict) -> str:
    where = " ".join(x for x in (info["tooth"] and f"#{info['tooth']}", info["surface"]) if x)
    units = f" x {info['units']}" if info["units"] != 1 else ""
    return (f"procedure {info['id']} {info['code']}{' ' + where if where else ''} "
            f"{fmt(info['fee'])}{units} on {info['date']} ({info['status']})")


def _claim_out(info: dict) -> dict:
    return {k: info[k] for k in ("id", "claim_no", "plan", "order", "kind", "status", "sent_date",
                                 "procedures")}


def _lines_out(lines: list[dict]) -> list[dict]:
    return [{k: (fmt(v) if isinstance(v, int) else v) for k, v in ln.items()} for ln in lines]


def _report(args, db, patient_id: int, key: str, posted, *lines: str) -> int:
    from store.read import readback
    who = readback.patient_info(db, patient_id)
    from cli.ledger_text import balance_json
    balance = balance_json(readback.patient_balance(db, patient_id))
    text = list(lines) + [f"balance for {who['name']} ({who['id']}): total {balance['total']}, "
                          f"insurance estimate {balance['insurance']}, write-off estimate "
                          f"{balance['writeoff']}, patient estimate {balance['patient']}"]
    _emit(args, {key: posted, "patient": {"id": who["id"], "name": who["name"]},
                 "balance": balance}, text)
    return 0


def _emit(args, data: dict, lines: list[str]) -> None:
    if args.format == "json":
        from cli.output import to_json
        sys.stdout.write(to_json(data) + "\n")
    else:
        from estimator.text import clean
        sys.stdout.write("".join(clean(line) + "\n" for line in lines))
