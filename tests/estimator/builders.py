"""Tiny builders for hand-made practices in estimator tests (money in dollars for readability).

    b = Builder(as_of="2026-03-02")
    b.code("D2392", "restorative")
    b.plan("P1", type="ppo", fees={"D2392": 127}, coverage={"restorative": 80}, deductible=50)
    b.patient("PAT", plans=["P1"])
    b.proc("X1", "PAT", "D2392", 150, tp_order=1)
    est = b.estimate()           # {(proc, plan): LineEstimate}
    b.line("X1", "P1").ins_est   # cents
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from estimator import model as m
from estimator.engine import estimate_practice
from estimator.money import to_cents

MONEY_FIELDS = ("annual_max", "family_annual_max", "deductible", "family_deductible")
MAP_MONEY_FIELDS = ("category_limits", "category_family_limits", "code_limits", "category_deductibles",
                    "code_deductibles")


def cents(value) -> int:
    """Dollars (int, str or Decimal; floats via str) to cents."""
    if isinstance(value, float):
        value = Decimal(str(value))
    return to_cents(value)


def day(text: str | date) -> date:
    return text if isinstance(text, date) else date.fromisoformat(text)


class Builder:
    def __init__(self, as_of: str = "2026-03-02", **preferences: bool):
        self.as_of = day(as_of)
        self.preferences = m.Preferences(**preferences)
        self.codes: dict[str, m.ProcedureCode] = {}
        self.schedules: list[m.FeeSchedule] = []
        self.plans: list[m.Plan] = []
        self.patients: list[m.Patient] = []
        self.procedures: list[m.Procedure] = []
        self.claims: list[m.Claim] = []
        self.payments: list[m.ClaimPayment] = []
        self.estimates: dict | None = None

    # -- reference data -------------------------------------------------------------------------

    def code(self, code: str, category: str, *categories: str, substitution_code: str | None = None,
             substitution_condition: str | None = None) -> "Builder":
        self.codes[code] = m.ProcedureCode(code, category, categories=tuple(categories),
                                           substitution_code=substitution_code,
                                           substitution_condition=substitution_condition)
        return self

    def schedule(self, sid: str, kind: str, fees: dict) -> str:
        self.schedules.append(m.FeeSchedule(sid, kind, fees=m.frozen_map({k: cents(v) for k, v in fees.items()})))
        return sid

    def plan(self, pid: str, type: str = "percentage", *, fees: dict | None = None,
             allowed_fees: dict | None = None, copays: dict | None = None, benefits: dict | None = None,
             coverage: dict | None = None, frequency=(), **kw) -> "Builder":
        if fees is not None:
            kw["fee_schedule"] = self.schedule(f"{pid}-FEES", "allowed", fees)
        if allowed_fees is not None:
            kw["allowed_fee_schedule"] = self.schedule(f"{pid}-ALLOWED", "allowed", allowed_fees)
        if copays is not None:
            kw["copay_schedule"] = self.schedule(f"{pid}-COPAY", "copay", copays)
        if benefits is not None:
            kw["copay_schedule"] = self.schedule(f"{pid}-FB", "fixed_benefit", benefits)
        for key in MONEY_FIELDS:
            if kw.get(key) is not None:
                kw[key] = cents(kw[key])
        for key in MAP_MONEY_FIELDS:
            if key in kw:
                kw[key] = m.frozen_map({k: cents(v) for k, v in kw[key].items()})
        if "code_coverage" in kw:
            kw["code_coverage"] = m.frozen_map(kw["code_coverage"])
        for key in ("exclusions", "deductible_waived_on"):
            if key in kw:
                kw[key] = tuple(kw[key])
        self.plans.append(m.Plan(pid, carrier="CAR", subscriber="SUB", type=type,
                                 coverage=m.frozen_map(coverage or {}),
                                 frequency=tuple(m.FrequencyLimit(**f) for f in frequency), **kw))
        return self

    def patient(self, pid: str, plans=(), guarantor: str | None = None, used=()) -> "Builder":
        """``used``: [(plan, paid dollars, deductible dollars)] benefits used elsewhere."""
        coverage = tuple(m.Coverage(plan, n + 1) for n, plan in enumerate(plans))
        elsewhere = tuple(m.BenefitUsed(plan, cents(paid), cents(ded)) for plan, paid, ded in used)
        self.patients.append(m.Patient(pid, f"{pid}, Test", date(1980, 1, 1), guarantor or pid, coverage, elsewhere))
        return self

    # -- work and money ---------------------------------------------------------------------------

    def proc(self, pid: str, patient: str, code: str, fee, *, date: str | None = None,
             status: str = "planned", overrides=(), **kw) -> "Builder":
        ovs = tuple(m.Override(**{k: (cents(v) if k not in ("plan", "percent", "deductible_before_percent") else v)
                                  for k, v in o.items()}) for o in overrides)
        if "no_bill" in kw:
            kw["no_bill"] = tuple(kw["no_bill"])
        self.procedures.append(m.Procedure(pid, patient, code, day(date) if date else self.as_of, cents(fee), "DOC",
                                           status, overrides=ovs, **kw))
        return self

    def done(self, pid: str, patient: str, code: str, fee, date: str, **kw) -> "Builder":
        return self.proc(pid, patient, code, fee, date=date, status="complete", **kw)

    def claim(self, cid: str, plan: str, procs, date: str, status: str = "sent") -> "Builder":
        self.claims.append(m.Claim(cid, plan, tuple(procs), status, day(date)))
        return self

    def pay(self, claim: str, date: str, *lines) -> "Builder":
        """``lines``: (procedure, paid, writeoff=0, deductible=0[, denied]) in dollars."""
        built = []
        for line in lines:
            proc, paid, writeoff, ded, *rest = tuple(line) + (0,) * (4 - len(line))
            built.append(m.ClaimPaymentLine(proc, cents(paid), cents(writeoff), cents(ded), denied=bool(rest and rest[0])))
        self.payments.append(m.ClaimPayment(claim, day(date), tuple(built)))
        return self

    # -- results ----------------------------------------------------------------------------------

    def practice(self) -> m.Practice:
        return m.Practice(
            as_of=self.as_of, preferences=self.preferences, procedure_codes=tuple(self.codes.values()),
            fee_schedules=tuple(self.schedules), plans=tuple(self.plans), patients=tuple(self.patients),
            procedures=tuple(self.procedures), claims=tuple(self.claims), claim_payments=tuple(self.payments),
        )

    def estimate(self, frozen=None) -> dict:
        self.estimates = estimate_practice(self.practice(), frozen)
        return self.estimates

    def line(self, proc: str, plan: str = "P1"):
        if self.estimates is None:
            self.estimate()
        return self.estimates[(proc, plan)]
