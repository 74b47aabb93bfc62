"""A ledger card's shape and header from SQL sums over `ledger_entry`, never its lines.

One GROUP BY over the family's entries (a range of the table's own index) gives, per patient
and posted date, the number of card lines, how many carry money and the sums of Billed, UCR,
Paid, Adjust and Balance (the day summary line and the card's totals), plus the header's
balance, insurance estimate and aging amounts. UCR is priced here from the current office
fee schedules, as `estimator.ledger_codes.ucr_fee` does.

Insurance remaining comes from the engine's `benefits_summary` over a stand-in practice: the
family's claim procedures of the benefit year, summed per (patient, code, line status) by
SQL, each sum carried by one stand-in procedure (the summary only adds lines up).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Mapping

from estimator import engine
from estimator import model as m
from estimator.aging import apply_credits, bucket_of
from estimator.dates import benefit_year_start
from estimator.ledger import percent_kept
from estimator.ledger_types import (
    CLAIM_NO_WIDTH, MONEY_WIDTH, SUMMED_COLUMNS, Aging, Balance, CardTotals,
)
from estimator.money import fmt_grouped
from estimator.results import NOT_RECEIVED, RECEIVED, LineEstimate
from estimator.views import PlanBenefit

from ..connection import Database
from ..derived.ledger_entries import PROCEDURE, TEXT_PRIORITIES
from ..family.ids import load_id_map
from ..family.loader import PracticeReader, name_plan_references
from .balances import expected_writeoffs


@dataclass(frozen=True)
class Day:
    """One posted date of a card: its lines, then a day summary line when 2+ carry money."""
    posted: date
    entries: int
    money: int
    sums: Mapping[str, int]
    widest: int = 0  # the largest amount of one line that day (cents, either sign)

    @property
    def rows(self) -> int:
        return self.entries + (1 if self.money >= 2 else 0)


@dataclass
class Account:
    """One patient's sums: the card's days and the header's amounts."""
    days: list[Day] = field(default_factory=list)
    total: int = 0
    insurance: int = 0
    debits: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # by aging bucket
    credit: int = 0
    plan_order: int = 0
    writeoff: int = 0  # the part of `insurance` expected to be written off

    @property
    def balance(self) -> Balance:
        return Balance(total=self.total, insurance=self.insurance,
                       patient=self.total - self.insurance, writeoff_est=self.writeoff)


_DAYS_SQL = f"""
WITH office(provider_id, code_id, fee) AS MATERIALIZED (
  SELECT pr.id, pc.id, f.amount_cents FROM provider pr
  JOIN fee_schedule fs ON fs.id = pr.fee_schedule_id AND fs.kind = 'office'
  JOIN fee f ON f.schedule_id = fs.id JOIN procedure_code pc ON pc.code = f.code)
SELECT e.patient_id, e.posted, count(*),
  sum(CASE WHEN e.priority NOT IN {TEXT_PRIORITIES} AND NOT (e.priority = {PROCEDURE} AND e.k2 > 0)
      THEN 1 ELSE 0 END),
  sum(e.billed_cents),
  sum(CASE WHEN e.priority = {PROCEDURE} AND e.k2 = 0 THEN coalesce(o.fee * e.units,
      e.billed_cents) ELSE 0 END),
  sum(e.paid_cents), sum(e.adjust_cents), sum(e.balance_cents), sum(e.ins_owed_cents),
  sum(CASE WHEN e.aging_cents > 0 THEN e.aging_cents ELSE 0 END),
  sum(CASE WHEN e.aging_cents < 0 THEN e.aging_cents ELSE 0 END), max(e.plan_order),
  max(abs(e.billed_cents)), max(abs(e.paid_cents)), max(abs(e.adjust_cents)),
  max(abs(e.balance_cents))
FROM ledger_entry e
LEFT JOIN office o ON o.provider_id = e.provider_id AND o.code_id = e.code_id
WHERE e.patient_id IN ({{ids}})
GROUP BY e.patient_id, e.posted
ORDER BY e.patient_id, e.posted"""


def accounts(db: Database, patient_ids, today: date) -> dict[int, Account]:
    """Sums of each patient's entries (an empty Account for a patient with none)."""
    ids = sorted({int(p) for p in patient_ids})
    out = {pid: Account() for pid in ids}
    sql = _DAYS_SQL.format(ids=",".join(map(str, ids)) or "NULL")
    for (pid, posted, n, money, billed, ucr, paid, adjust, balance, owed, debit, credit,
         order, *widest) in db.execute_sql(sql):
        acc = out[pid]
        day = date.fromisoformat(posted)
        acc.days.append(Day(day, n, money, dict(zip(SUMMED_COLUMNS,
                                                    (billed, ucr, paid, adjust, balance))),
                            max(w or 0 for w in widest)))
        acc.total += balance
        acc.insurance += owed
        acc.debits[bucket_of(day, today)] += debit
        acc.credit -= credit
        acc.plan_order = max(acc.plan_order, order)
    for pid, cents in expected_writeoffs(db, ids).items():
        out[pid].writeoff = cents
    return out


def family_aging(members: list[Account]) -> Aging:
    """`estimator.ledger_balance.aging_of` from the members' bucket sums."""
    debits = [sum(acc.debits[i] for acc in members) for i in range(4)]
    return apply_credits(debits, sum(acc.credit for acc in members))


def card_totals(db: Database, patient_id: int, days: list[Day]) -> CardTotals:
    """The card's totals line: money sums and the appointment counts."""
    stats = {"kept": 0, "cancelled": 0, "failed": 0}
    for status, n in db.execute_sql("SELECT status, count(*) FROM appointment "
                                    "WHERE patient_id = ? GROUP BY status", (patient_id,)):
        if status in stats:
            stats[status] = n
    return CardTotals(
        **{key: sum(d.sums[key] for d in days) for key in SUMMED_COLUMNS}, **stats,
        percent_kept=percent_kept(stats["kept"], stats["cancelled"], stats["failed"]))


def content_widths(db: Database, members: list[int], days: list[Day]) -> dict[str, int]:
    """What the card's cells need (`estimator.ledger_types.card_columns`): the widest amount
    (a line's, or a day summary's) and the longest claim number of the family."""
    widest = max((max(d.widest, *(abs(v) for v in d.sums.values())) for d in days), default=0)
    longest = db.execute_sql(
        "SELECT max(length(coalesce(claim_no, file_id))) FROM claim "
        f"WHERE patient_id IN ({','.join(map(str, members)) or 'NULL'})").fetchone()[0]
    out = {MONEY_WIDTH: len(fmt_grouped(-widest))}
    if longest:
        out[CLAIM_NO_WIDTH] = int(longest)
    return out


def plan_count(db: Database, patient_id: int, account: Account) -> int:
    """How many Ins N columns (`estimator.ledger._plan_count`): the patient's coverages, or a
    higher order seen on the lines of their procedures (completed ones: the entries)."""
    row = db.execute_sql(
        "SELECT max((SELECT max(coverage_order) FROM patient_coverage WHERE patient_id = ?1), "
        "(SELECT max(cp.coverage_order) FROM procedure p JOIN claim_proc cp "
        "ON cp.procedure_id = p.id WHERE p.patient_id = ?1 "
        "AND p.status NOT IN ('complete', 'deleted')))", (patient_id,)).fetchone()
    return max(1, min(4, max(row[0] or 1, account.plan_order)))


# --- insurance remaining --------------------------------------------------------------

def benefits(db: Database, patient_id: int, members: list[int], today: date) -> tuple[PlanBenefit, ...]:
    """Insurance remaining this benefit year for each plan of the patient, by coverage order."""
    coverage = db.execute_sql(
        "SELECT c.plan_id, c.coverage_order, c.pending, ca.name FROM patient_coverage c "
        "JOIN plan pl ON pl.id = c.plan_id LEFT JOIN carrier ca ON ca.id = pl.carrier_id "
        "WHERE c.patient_id = ? ORDER BY c.coverage_order, c.id", (patient_id,)).fetchall()
    if not coverage:
        return ()
    reader = _benefits_reader(db, members)
    plans = {p.id: p for p in reader.plans()}
    practice = m.Practice(as_of=today, procedure_codes=reader.procedure_codes(),
                          plans=tuple(plans.values()), patients=reader.patients())
    pid = reader.pid("patient", patient_id)
    out = []
    for plan_db, order, pending, carrier in coverage:
        plan_id = reader.pid("plan", plan_db)
        procs, lines = _year_lines(db, reader, members, plan_db, plans.get(plan_id), today)
        s = engine.benefits_summary(replace(practice, procedures=procs) if procs else practice,
                                    lines, pid, plan_id)
        label = f"{order} {carrier or plan_id}" + (" (pending)" if pending else "")
        out.append(PlanBenefit(label, s.annual_max_used, s.annual_max_remaining,
                               s.deductible_remaining))
    return tuple(out)


def _benefits_reader(db: Database, members: list[int]) -> PracticeReader:
    inn = ",".join(map(str, members))
    plans = (f"id IN (SELECT plan_id FROM patient_coverage WHERE patient_id IN ({inn}) "
             f"UNION SELECT plan_id FROM benefit_used WHERE patient_id IN ({inn}))")
    ids = load_id_map(db, kinds=("patient", "plan", "carrier", "fee_schedule"), where={
        "patient": f"id IN ({inn}) OR id IN (SELECT coalesce(guarantor_id, id) FROM patient "
                   f"WHERE id IN ({inn}))",
        "plan": plans,
        "carrier": f"id IN (SELECT carrier_id FROM plan WHERE {plans})",
        "fee_schedule": " OR ".join(f"id IN (SELECT {c} FROM plan WHERE {plans})" for c in
                                    ("fee_schedule_id", "allowed_fee_schedule_id",
                                     "copay_schedule_id")),
    })
    name_plan_references(db, ids, plans)  # subscribers, same-plan-as (names only)
    return PracticeReader(db, ids, members)


def _year_lines(db: Database, reader: PracticeReader, members: list[int], plan_db: int,
                plan: m.Plan | None, today: date):
    """Stand-in procedures and lines: the family's completed work of the plan's benefit year
    on this plan, summed per (patient, code, status) for the lines the summary counts."""
    start = benefit_year_start(today, plan.renew_month if plan else None)
    end = date(start.year + 1, start.month, 1)
    rows = db.execute_sql(
        "SELECT p.patient_id, pc.code, cp.status, min(p.date), sum(cp.paid_cents), "
        "sum(cp.deductible_applied_cents), sum(cp.ins_est_cents), sum(cp.deductible_est_cents) "
        "FROM procedure p JOIN claim_proc cp ON cp.procedure_id = p.id AND cp.plan_id = ? "
        "JOIN procedure_code pc ON pc.id = p.code_id "
        f"WHERE p.patient_id IN ({','.join(map(str, members))}) AND p.date >= ? AND p.date < ? "
        f"AND p.status = 'complete' AND cp.status IN ('{RECEIVED}', '{NOT_RECEIVED}') "
        "GROUP BY 1, 2, 3", (plan_db, start.isoformat(), end.isoformat())).fetchall()
    plan_id = reader.pid("plan", plan_db)
    procs, lines = [], {}
    for n, (pat, code, status, first, paid, ded_paid, est, ded) in enumerate(rows):
        proc = m.Procedure(f"~{n}", reader.pid("patient", pat), code, date.fromisoformat(first),
                           0, "", "complete")
        procs.append(proc)
        lines[(proc.id, plan_id)] = LineEstimate(
            proc.id, plan_id, 0, status, deductible=ded, ins_est=est, paid=paid,
            deductible_applied=ded_paid)
    return tuple(procs), lines

