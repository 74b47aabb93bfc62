"""`importer.line_plans`, the plans a procedure's lines are stored for: its short ways for the
usual procedures give what the rule gives (overrides' and do-not-bill plans, the patient's
coverage, the claims' plans, in that order, each once), for any mix of them."""
from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from estimator.model import Coverage, Override, Procedure
from store.files.importer import line_plans

PLANS = st.sampled_from(["PL1", "PL2", "PL3"])


def _rule(proc: Procedure, coverage, claim_plans) -> list[str]:
    """The rule, written out as plainly as it reads."""
    ordered = ([o.plan for o in proc.overrides] + list(proc.no_bill)
               + [c.plan for c in coverage])
    return list(dict.fromkeys([*ordered, *claim_plans]))


@given(coverage=st.lists(PLANS, max_size=3), claim_plans=st.lists(PLANS, max_size=4),
       overrides=st.lists(PLANS, max_size=2), no_bill=st.lists(PLANS, max_size=2))
def test_line_plans_is_the_rule(coverage, claim_plans, overrides, no_bill):
    proc = Procedure("PR1", "PT1", "D0120", date(2026, 1, 5), 5000, "DDS1", "complete",
                     overrides=tuple(Override(plan) for plan in overrides),
                     no_bill=tuple(no_bill))
    covers = tuple(Coverage(plan, n) for n, plan in enumerate(coverage, 1))
    assert line_plans(proc, covers, claim_plans) == _rule(proc, covers, claim_plans)
