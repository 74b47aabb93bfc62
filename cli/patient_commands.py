"""Headless registration, coverage and treatment plans: ``dentledger patient add|edit|move|show|
list``, ``dentledger coverage add|list`` and ``dentledger plan PATIENT``.

The same services and reads as the screens (`store.services.patients`, `store.read`); a
patient is named as for ``dentledger ledger`` (file id, chart number, database id, ``PT12`` or
a unique name). A possible duplicate (same name and birthdate) is refused unless
``--allow-duplicate`` says it is a different person. Errors are raised: `cli.main` prints one
line. `register(subparsers)` adds the three commands.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from estimator.money import fmt
from estimator.text import clean

# option -> the registration field it sets (estimator.visit_views.PATIENT_FIELDS)
FIELD_OPTIONS = (
    ("--last", "last_name"), ("--first", "first_name"), ("--middle", "middle_name"),
    ("--preferred", "preferred_name"), ("--birthdate", "birthdate"), ("--gender", "gender"),
    ("--address1", "address1"), ("--address2", "address2"), ("--city", "city"),
    ("--state", "state"), ("--zip", "zip"), ("--phone", "phone"), ("--mobile", "mobile_phone"),
    ("--work-phone", "work_phone"), ("--email", "email"), ("--chart-no", "chart_no"),
    ("--provider", "provider"),
)
FORMULA_START = ("=", "+", "-", "@")


def register(subparsers) -> None:
    _register_patient(subparsers)
    _register_coverage(subparsers)
    p = subparsers.add_parser("plan", help="a patient's treatment plan with its estimates",
                              description="The planned work in plan order with each plan's "
                              "estimate, write-off estimate and the patient's portion.")
    p.add_argument("patient")
    p.add_argument("--format", choices=("table", "csv", "json", "text", "pdf"), default="table",
                   help="table, csv or json on standard output; text or pdf: the printable "
                        "treatment plan (pdf needs --out)")
    p.add_argument("--out", metavar="FILE", help="write the printable plan to FILE")
    p.set_defaults(func=cmd_plan)


def _fmt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="output format (default table)")


def _fields(p: argparse.ArgumentParser) -> None:
    for option, field in FIELD_OPTIONS:
        p.add_argument(option, dest=field, metavar=field.split("_")[0].upper())


def _register_patient(subparsers) -> None:
    group = subparsers.add_parser("patient", help="register, edit, move, show and list patients")
    sub = group.add_subparsers(dest="patient_command", metavar="WHAT", required=True)

    p = sub.add_parser("add", help="register a new patient (--last and --birthdate needed)")
    _fields(p)
    p.add_argument("--guarantor", help="join this patient's family (default: a new family)")
    p.add_argument("--cover", action="append", default=[], metavar="PLAN:RELATIONSHIP",
                   help="cover by a plan from today, e.g. PL3:child (repeat)")
    p.add_argument("--allow-duplicate", action="store_true",
                   help="register even if a patient of the same name and birthdate exists")
    _fmt(p)
    p.set_defaults(func=cmd_patient_add)

    p = sub.add_parser("edit", help="change a patient's registration")
    p.add_argument("patient")
    _fields(p)
    state = p.add_mutually_exclusive_group()
    state.add_argument("--inactive", action="store_true", help="mark inactive")
    state.add_argument("--active", action="store_true", help="mark active again")
    p.add_argument("--allow-duplicate", action="store_true")
    _fmt(p)
    p.set_defaults(func=cmd_patient_edit)

    p = sub.add_parser("move", help="move a patient to another family (both re-estimated)")
    p.add_argument("patient")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--guarantor", help="the new family's guarantor")
    where.add_argument("--own", action="store_true", help="their own guarantor (a new family)")
    _fmt(p)
    p.set_defaults(func=cmd_patient_move)

    p = sub.add_parser("show", help="a patient's registration and family")
    p.add_argument("patient")
    _fmt(p)
    p.set_defaults(func=cmd_patient_show)

    p = sub.add_parser("list", help="patients matching a name, chart number, phone or birthdate")
    p.add_argument("query", nargs="?", default="", help="blank: the first patients by name")
    p.add_argument("--all", action="store_true", help="inactive patients too")
    p.add_argument("--limit", type=int, default=50)
    _fmt(p)
    p.set_defaults(func=cmd_patient_list)


def _register_coverage(subparsers) -> None:
    group = subparsers.add_parser("coverage", help="a patient's insurance coverage")
    sub = group.add_subparsers(dest="coverage_command", metavar="WHAT", required=True)
    p = sub.add_parser("add", help="cover a patient by a plan (or by a new copy of one)")
    p.add_argument("patient")
    plan = p.add_mutually_exclusive_group(required=True)
    plan.add_argument("--plan", help="an existing plan (id)")
    plan.add_argument("--new-plan-like", metavar="PLAN",
                      help="a new plan with this patient as subscriber, the same carrier, group "
                           "and benefits as PLAN")
    p.add_argument("--order", type=int, help="1 primary .. 4 (default: the next free one)")
    p.add_argument("--subscriber-id")
    p.add_argument("--relationship", help="to the subscriber: self, spouse, child, other")
    p.add_argument("--effective", default="today",
                   help="first day covered (default today; 'none': no limit)")
    p.add_argument("--terminated", help="last day covered")
    _fmt(p)
    p.set_defaults(func=cmd_coverage_add)
    p = sub.add_parser("list", help="a patient's plans, primary first")
    p.add_argument("patient")
    _fmt(p)
    p.set_defaults(func=cmd_coverage_list)


# --- handlers ----------------------------------------------------------------------------------

def _db(args):
    from store.db import open_database
    return open_database(args.db, create=False)


def _patient(db, text: str) -> int:
    from store.read.patients import resolve_patient
    return resolve_patient(db, text)


def _given(args) -> dict:
    return {field: getattr(args, field) for _, field in FIELD_OPTIONS
            if getattr(args, field) is not None}


def _plan(db, text: str) -> int:
    from store.services.lookup import resolve_plan
    return resolve_plan(db, text)


def cmd_patient_add(args) -> int:
    from store import services
    db = _db(args)
    guarantor = _patient(db, args.guarantor) if args.guarantor else None
    cover = []
    for item in args.cover:
        plan, sep, relationship = item.rpartition(":")
        if not sep or not plan:
            raise ValueError(f"--cover {item!r} is not PLAN:RELATIONSHIP")
        cover.append((_plan(db, plan), relationship))
    new = services.register_patient(db, _given(args), guarantor=guarantor, coverage=cover,
                                    duplicate_ok=args.allow_duplicate)
    return _show(args, db, new, "registered")


def cmd_patient_edit(args) -> int:
    from store import services
    db = _db(args)
    patient = _patient(db, args.patient)
    changes = _given(args)
    if args.inactive or args.active:
        changes["inactive"] = bool(args.inactive)
    services.edit_patient(db, patient, changes, duplicate_ok=args.allow_duplicate)
    return _show(args, db, patient, "saved")


def cmd_patient_move(args) -> int:
    from store import services
    db = _db(args)
    patient = _patient(db, args.patient)
    services.move_patient(db, patient, None if args.own else _patient(db, args.guarantor))
    return _show(args, db, patient, "moved")


def cmd_patient_show(args) -> int:
    from .commands import record_view

    db = _db(args)
    patient = _patient(db, args.patient)
    code = _show(args, db, patient, "")
    record_view(db, patient, "patient show")  # after the output, like the ledger
    return code


def _show(args, db, patient: int | None, verb: str) -> int:
    from store.read import registration, readback
    if patient is None:
        patient = _patient(db, args.patient)
    record = asdict(registration.patient_entry(db, patient))
    record["birthdate"] = record["birthdate"].isoformat()
    who = readback.patient_info(db, patient)
    head, family = registration.family(db, patient)
    out = {"id": who["id"], "name": who["name"], **record,
           "guarantor": readback.patient_info(db, head)["id"],
           "family": [name for _, name in family]}
    if out["provider"] is not None:
        out["provider"] = db.execute_sql("SELECT coalesce(file_id, id) FROM provider WHERE "
                                         "id = ?", (int(out["provider"]),)).fetchone()[0]
    if args.format == "json":
        _out(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if verb and args.format == "table":
        _out(clean(f"{verb} patient {out['id']} {out['name']}, chart {out['chart_no']}"))
    rows = [{"field": k, "value": "; ".join(v) if isinstance(v, list) else v}
            for k, v in out.items() if v not in (None, "", False)]
    _out(_render(rows, args.format))
    return 0


def cmd_patient_list(args) -> int:
    from store.read.patients import first_patients, search_patients
    db = _db(args)
    if args.limit < 1:
        raise ValueError("--limit must be at least 1")
    found = (search_patients(db, args.query, args.limit, inactive=args.all) if args.query.strip()
             else first_patients(db, args.limit, inactive=args.all))
    ids = _practice_ids(db, {i for p in found for i in (p["id"], p["guarantor_id"] or p["id"])})
    rows = [{"id": ids[p["id"]], "chart": p["chart_no"], "name": p["name"],
             "born": p["birthdate"], "guarantor": ids[p["guarantor_id"] or p["id"]],
             "phone": p["phone"], "inactive": bool(p["inactive"])} for p in found]
    if not rows:
        print(f"no patient matches {args.query!r}", file=sys.stderr)
        return 1
    _out(json.dumps(rows, indent=2, ensure_ascii=False) if args.format == "json"
         else _render(rows, args.format))
    return 0


def _practice_ids(db, patient_ids: set[int]) -> dict[int, str]:
    """Patients' practice ids (file id, else ``PT12``), as export and ``patient show`` name them."""
    from store.family.ids import load_id_map
    if not patient_ids:
        return {}
    ids = load_id_map(db, kinds=("patient",), where={
        "patient": f"id IN ({','.join(str(int(i)) for i in patient_ids)})"})
    return dict(ids.to_practice["patient"])


def cmd_coverage_add(args) -> int:
    from store.services import setup as svc
    db = _db(args)
    patient = _patient(db, args.patient)
    effective = None if args.effective.strip().lower() == "none" else \
        svc.TODAY if args.effective.strip().lower() == "today" else args.effective
    if args.plan:
        plan = _plan(db, args.plan)
    else:
        values = svc.plan_values(db, _plan(db, args.new_plan_like))
        values.pop("subscriber")
        values.pop("same_plan_as")  # a plan of its own, identical to the one named
        plan = svc.create_plan(db, patient, **values)
    svc.add_coverage(db, patient, plan, order=args.order, subscriber_id=args.subscriber_id,
                     relationship=args.relationship, effective=effective,
                     terminated=args.terminated)
    return cmd_coverage_list(args, db)


def cmd_coverage_list(args, db=None) -> int:
    db = db or _db(args)
    patient = _patient(db, args.patient)
    rows = [{"order": order, "plan": plan, "carrier": carrier, "subscriber": sub,
             "subscriber_id": sid, "relationship": rel, "effective": eff, "terminated": term}
            for order, plan, carrier, sub, sid, rel, eff, term in db.execute_sql(
                "SELECT c.coverage_order, coalesce(pl.file_id, 'PL' || pl.id), ca.name, "
                "s.last_name || coalesce(', ' || nullif(s.first_name, ''), ''), c.subscriber_id, "
                "c.relationship, c.effective, c.terminated FROM patient_coverage c "
                "JOIN plan pl ON pl.id = c.plan_id JOIN carrier ca ON ca.id = pl.carrier_id "
                "JOIN patient s ON s.id = pl.subscriber_id WHERE c.patient_id = ? "
                "ORDER BY c.coverage_order", (patient,))]
    _out(json.dumps(rows, indent=2, ensure_ascii=False) if args.format == "json"
         else _render(rows, args.format) if rows else "no coverage")
    return 0


def cmd_plan(args) -> int:
    from datetime import date

    from store.read.statements import office
    from store.read.treatment_plan import treatment_plan
    if args.format == "pdf" and not args.out:
        raise ValueError("--format pdf writes a file: give --out FILE")
    from .commands import record_view

    db = _db(args)
    patient = _patient(db, args.patient)
    plan = treatment_plan(db, patient, date.today())
    if args.format in ("text", "pdf") or args.out:
        from documents import treatment_plan as document
        kind = "pdf" if args.format == "pdf" or (args.out or "").lower().endswith(".pdf") \
            else "text"
        if kind == "pdf":
            data = document.render_pdf(plan, office(db)[0])
        else:
            data = document.render_text(plan, office(db)[0]).encode("utf-8")
        if args.out:
            from .commands import write_private
            write_private(args.out, data)  # 0600, whole or not at all, like every export
            print(f"wrote {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(data.decode("utf-8"))
    elif args.format == "json":
        _out(json.dumps(plan_json(plan), indent=2, ensure_ascii=False))
    else:
        _out(_render(plan_rows(plan), args.format))
    record_view(db, patient, "plan")  # printed or written: the patient's plan was read
    return 0


def plan_rows(plan) -> list[dict]:
    """One row per planned line and a total row (money as text with two decimals)."""
    rows = []
    for n, line in enumerate(plan.lines, 1):
        row = {"#": str(n), "id": line.label, "code": line.code,
               "tooth": " ".join(x for x in (line.tooth, line.surface) if x),
               "description": line.description, "charge": fmt(line.charge)}
        for col, est in zip(plan.plans, line.plans):
            row[f"ins{col.order}"] = fmt(est.ins_est) if est else ""
            row[f"writeoff{col.order}"] = fmt(est.writeoff_est) if est else ""
        row["patient"] = fmt(line.patient_portion)
        rows.append(row)
    total = {"#": "", "id": "total", "code": "", "tooth": "", "description": "",
             "charge": fmt(plan.charge)}
    for col, est, wo in zip(plan.plans, plan.ins_est, plan.writeoff_est):
        total[f"ins{col.order}"], total[f"writeoff{col.order}"] = fmt(est), fmt(wo)
    total["patient"] = fmt(plan.patient_portion)
    return rows + [total]


def plan_json(plan) -> dict:
    def money(value):
        return None if value is None else fmt(value)
    return {
        "patient": plan.patient, "as_of": plan.as_of.isoformat(),
        "plans": [{"order": c.order, "carrier": c.label, "annual_max_left": money(
            c.annual_max_left), "unbilled": fmt(c.unbilled), "planned": fmt(c.planned),
            "left_after": money(c.left_after),
            "lines_over_max": c.over_max} for c in plan.plans],
        "lines": [{"id": ln.label, "tp_order": ln.tp_order, "date": ln.date.isoformat(),
                   "code": ln.code, "description": ln.description, "tooth": ln.tooth,
                   "surface": ln.surface, "provider": ln.provider, "fee": fmt(ln.fee),
                   "units": ln.units, "charge": fmt(ln.charge),
                   "insurance": [None if e is None else {
                       "order": c.order, "ins_est": fmt(e.ins_est),
                       "writeoff_est": fmt(e.writeoff_est), "note": e.note}
                       for c, e in zip(plan.plans, ln.plans)],
                   "patient_portion": fmt(ln.patient_portion)} for ln in plan.lines],
        "total": {"charge": fmt(plan.charge), "ins_est": [fmt(x) for x in plan.ins_est],
                  "writeoff_est": [fmt(x) for x in plan.writeoff_est],
                  "patient_portion": fmt(plan.patient_portion)},
    }


# --- output ------------------------------------------------------------------------------

def _render(rows: list[dict], fmt_name: str) -> str:
    from cli import output
    if fmt_name == "csv":
        rows = [{k: _csv_safe(v) for k, v in row.items()} for row in rows]
    return output.render(rows, fmt_name)


def _csv_safe(value):
    """Keep a spreadsheet from running user text as a formula (a leading = + - @); money and
    numbers stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
