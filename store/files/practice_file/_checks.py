"""Checks across rows: references resolve, ids and coverage orders are unique, payments match claims."""
from __future__ import annotations

from estimator.model import PatientPayment, Practice
from estimator.money import fmt

from ._errors import key_path, show
from ._kinds import TABLE_NOUNS, Ctx


def check_practice(practice: Practice, ctx: Ctx) -> None:
    _resolve_refs(ctx)
    _check_codes(practice, ctx)
    _check_plans(practice, ctx)
    _check_patients(practice, ctx)
    _check_procedures(practice, ctx)
    _check_claims(practice, ctx)
    _check_claim_payments(practice, ctx)
    _check_kept_estimates(practice, ctx)
    _check_postings(practice, ctx)
    _check_allocations(practice, ctx)
    _check_statements(practice, ctx)
    _check_office(practice, ctx)


def _resolve_refs(ctx: Ctx) -> None:
    for path, table, value, kinds in ctx.refs:
        target = ctx.tables[table].get(value)
        if target is None:
            ctx.error(path, f"unknown {TABLE_NOUNS[table]} {show(value)}")
        elif kinds and target.kind not in kinds:
            ctx.error(path, f"fee schedule {show(value)} is kind {target.kind}; "
                            f"this needs kind {' or '.join(kinds)}")


def _at(ctx: Ctx, obj: object, key: str) -> str:
    return key_path(ctx.path_of(obj), key)


def _check_codes(practice: Practice, ctx: Ctx) -> None:
    for pc in practice.procedure_codes:
        if pc.categories and pc.categories[-1] != pc.category:
            ctx.error(_at(ctx, pc, "categories"),
                      f"must end with the code's own category {show(pc.category)} (general to most specific)")
        if pc.substitution_code == pc.code:
            ctx.error(_at(ctx, pc, "substitution_code"), "a code cannot be substituted by itself")


def _check_plans(practice: Practice, ctx: Ctx) -> None:
    for plan in practice.plans:
        if plan.same_plan_as == plan.id:
            ctx.error(_at(ctx, plan, "same_plan_as"), "a plan cannot name itself")
        for limit in plan.frequency:
            if (limit.code is None) == (limit.category is None):
                ctx.error(ctx.path_of(limit), "give exactly one of code or category")
            if limit.per == "benefit_year" and limit.count != 1:
                ctx.error(_at(ctx, limit, "count"), "count applies only when per is years or months")


def _check_patients(practice: Practice, ctx: Ctx) -> None:
    patients = ctx.tables["patients"]
    charts: set[str] = set()
    for patient in practice.patients:
        if patient.chart_no is not None:
            if patient.chart_no in charts:
                ctx.error(_at(ctx, patient, "chart_no"),
                          f"chart number {show(patient.chart_no)} is used by another patient")
            charts.add(patient.chart_no)
        head = patients.get(patient.guarantor)
        if head is not None and head.guarantor != head.id:
            ctx.error(_at(ctx, patient, "guarantor"),
                      f"{show(head.id)} is not a guarantor (their own guarantor is {show(head.guarantor)})")
        orders, plans = set(), set()
        for cov in patient.coverage:
            if cov.order in orders:
                ctx.error(_at(ctx, cov, "order"), f"coverage order {cov.order} is used twice for this patient")
            if cov.plan in plans:
                ctx.error(_at(ctx, cov, "plan"), f"plan {show(cov.plan)} is listed twice for this patient")
            orders.add(cov.order)
            plans.add(cov.plan)
            if cov.effective and cov.terminated and cov.terminated < cov.effective:
                ctx.error(_at(ctx, cov, "terminated"),
                          f"{cov.terminated.isoformat()} is before the coverage's effective date "
                          f"{cov.effective.isoformat()}")
        _unique_plans(ctx, patient.benefits_used, "benefits used for plan")


def _unique_plans(ctx: Ctx, rows, what: str) -> None:
    seen = set()
    for row in rows:
        if row.plan in seen:
            ctx.error(_at(ctx, row, "plan"), f"{what} {show(row.plan)} is given twice")
        seen.add(row.plan)


def _check_procedures(practice: Practice, ctx: Ctx) -> None:
    for proc in practice.procedures:
        if proc.overrides:  # (most have none: a file has many procedures)
            _unique_plans(ctx, proc.overrides, "an override for plan")
        if proc.completed is not None and proc.status != "complete":
            ctx.error(_at(ctx, proc, "completed"), "a planned procedure has no completion date")


def _check_claims(practice: Practice, ctx: Ctx) -> None:
    procedures = ctx.tables["procedures"]
    for claim in practice.claims:
        if len(claim.procedures) < 2:
            continue  # (one procedure, one patient: a file has many claims)
        owners = {procedures[p].patient for p in claim.procedures if p in procedures}
        if len(owners) > 1:
            ctx.error(_at(ctx, claim, "procedures"), "a claim is for one patient; these "
                      f"procedures belong to {', '.join(sorted(owners))}")


def _check_claim_payments(practice: Practice, ctx: Ctx) -> None:
    claims = ctx.tables["claims"]
    for payment in practice.claim_payments:
        _on_claim_once(ctx, payment.lines, claims.get(payment.claim),
                       "is listed twice in this payment")


def _on_claim_once(ctx: Ctx, rows, claim, twice: str) -> None:
    """Each of ``rows`` (each names a procedure) is for a procedure on ``claim`` (unknown:
    None, said elsewhere), and no two for the same one (``twice``: how that is said).
    (A path is made only for a problem: a file has many rows.)"""
    seen = set()
    for row in rows:
        if claim is not None and row.procedure not in claim.procedures:
            ctx.error(_at(ctx, row, "procedure"),
                      f"procedure {show(row.procedure)} is not on claim {show(claim.id)}")
        elif row.procedure in seen:
            ctx.error(_at(ctx, row, "procedure"), f"procedure {show(row.procedure)} {twice}")
        seen.add(row.procedure)


def _check_kept_estimates(practice: Practice, ctx: Ctx) -> None:
    """Estimates kept from before payment belong to a received claim (paid, or written as
    received; never a preauthorization): each of its procedures at most once."""
    paid = {payment.claim for payment in practice.claim_payments}
    for claim in practice.claims:
        if not claim.kept_estimates:
            continue
        if claim.status == "preauth":
            ctx.error(_at(ctx, claim, "kept_estimates"),
                      "a preauthorization is never paid: it keeps no estimate")
        elif claim.status != "received" and claim.id not in paid:
            ctx.error(_at(ctx, claim, "kept_estimates"),
                      f"claim {show(claim.id)} is not received and has no payment: its lines "
                      "are estimated, none keeps an estimate yet")
        _on_claim_once(ctx, claim.kept_estimates, claim, "has two kept estimates on this claim")


def _check_postings(practice: Practice, ctx: Ctx) -> None:
    """A payment or adjustment attached to a procedure must be on that procedure's patient."""
    procedures = ctx.tables["procedures"]
    for row in (*practice.patient_payments, *practice.adjustments):
        proc = procedures.get(row.procedure) if row.procedure else None
        if proc is not None and proc.patient != row.patient:
            ctx.error(_at(ctx, row, "procedure"),
                      f"procedure {show(proc.id)} belongs to patient {show(proc.patient)}, not {show(row.patient)}")


def _check_allocations(practice: Practice, ctx: Ctx) -> None:
    """A split payment: its own patient's procedures, each once, each part of the payment's
    sign and not zero, together never more than the payment; and not also a ``procedure``."""
    procedures = ctx.tables["procedures"]
    for pay in practice.patient_payments:
        if not pay.allocations:
            continue
        if pay.procedure is not None:
            ctx.error(_at(ctx, pay, "allocations"),
                      "give either procedure (the whole amount) or allocations (a split), not both")
        seen = set()
        for part in pay.allocations:
            proc = procedures.get(part.procedure)
            if proc is not None and proc.patient != pay.patient:
                ctx.error(_at(ctx, part, "procedure"), f"procedure {show(proc.id)} belongs to patient "
                                                       f"{show(proc.patient)}, not {show(pay.patient)}")
            elif part.procedure in seen:
                ctx.error(_at(ctx, part, "procedure"),
                          f"procedure {show(part.procedure)} is listed twice in this payment")
            seen.add(part.procedure)
            if part.amount == 0 or (part.amount < 0) != (pay.amount < 0):
                sign = "negative (a refund's parts are negative)" if pay.amount < 0 else "more than 0"
                ctx.error(_at(ctx, part, "amount"), f"{fmt(part.amount)} must be {sign}")
        _check_split_total(pay, ctx)


def _check_split_total(pay: PatientPayment, ctx: Ctx) -> None:
    total = sum(part.amount for part in pay.allocations)
    if abs(total) > abs(pay.amount):
        ctx.error(_at(ctx, pay, "allocations"),
                  f"the parts add up to {fmt(total)}, more than the payment's {fmt(pay.amount)}")


def _check_statements(practice: Practice, ctx: Ctx) -> None:
    """A statement goes to a guarantor (the family's account), for a period ending on its date."""
    patients = ctx.tables["patients"]
    for sent in practice.statements:
        head = patients.get(sent.patient)
        if head is not None and head.guarantor != head.id:
            ctx.error(_at(ctx, sent, "patient"),
                      f"{show(head.id)} is not a guarantor (statements go to {show(head.guarantor)})")
        if sent.period_start is not None and sent.period_start > sent.date:
            ctx.error(_at(ctx, sent, "period_start"),
                      f"{sent.period_start.isoformat()} is after the statement date {sent.date.isoformat()}")


def _check_office(practice: Practice, ctx: Ctx) -> None:
    """Each address line is one printed line (the store keeps them one per line)."""
    office = practice.office
    if office is None:
        return
    for n, line in enumerate(office.address):
        if "\n" in line or "\r" in line or not line.strip():
            ctx.error(f"{_at(ctx, office, 'address')}[{n}]",
                      "an address line is one non-empty line of text")
