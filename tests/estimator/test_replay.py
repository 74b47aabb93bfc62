"""The import replay (`replay_frozen`) against the replay as the spec words it, on busy families:
many claims paid out of order, small maxima and deductibles that get used up, supplemental and
negative payments, procedures billed twice to one plan, planned work, overrides."""
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator import model as m
from estimator.engine import replay_frozen

from builders import Builder
from test_properties import CODES, naive_replay, plans

small = st.integers(min_value=0, max_value=40_000)


def third_plan_received_first(fee):
    """Three plans on one procedure; the third plan's claim is paid (a write-off only) before the
    second plan's claim, whose estimate is frozen then. The primary pays and writes off nothing."""
    b = Builder(as_of="2025-10-15")
    b.code("D0120", "diagnostic")
    b.plan("P1", cob_rule="basic").plan("P2", "flat_copay", fees={}, cob_rule="basic")
    b.plan("P3", cob_rule="basic")
    b.patient("PAT", ["P1", "P2", "P3"])
    b.done("X3", "PAT", "D0120", fee, "2025-06-01")
    b.claim("C0", "P1", ["X3"], "2025-06-01").claim("C1", "P2", ["X3"], "2025-06-01")
    b.claim("C2", "P3", ["X3"], "2025-06-01")
    return b


def test_a_received_later_plan_cuts_the_frozen_estimate_of_an_earlier_one():
    """Spec step 10: the primary has no write-off to give, so the second plan (not received) is cut
    by the third plan's actual write-off until the plans stay within the charge."""
    b = third_plan_received_first(100)
    b.pay("C2", "2025-06-02", ("X3", 0, 30)).pay("C1", "2025-06-03", ("X3", 0))
    frozen = replay_frozen(b.practice())
    line = frozen[("X3", "P2")]
    assert (line.status, line.ins_est, line.writeoff_est) == ("not_received", 7000, 0)
    assert line.explanation[-1] == "cut by 30.00 so the plans do not exceed the charge"
    assert frozen == naive_replay(b.practice())


def test_the_hypothesis_case_of_a_one_cent_charge_is_pinned():
    """The case hypothesis found (charge 0.01, the third plan writing off 0.01): the second plan's
    frozen estimate is cut to 0."""
    b = third_plan_received_first("0.01")
    b.pay("C1", "2025-06-03", ("X3", 0)).pay("C2", "2025-06-02", ("X3", 0, "0.01"))
    frozen = replay_frozen(b.practice())
    assert frozen[("X3", "P2")].ins_est == 0
    assert frozen == naive_replay(b.practice())


@st.composite
def busy_families(draw):
    n_plans = draw(st.integers(1, 3))
    drawn = []
    for n in range(1, n_plans + 1):
        plan, schedules = draw(plans(f"P{n}"))
        plan = replace(plan, annual_max=draw(st.one_of(st.none(), small)),
                       family_annual_max=draw(st.one_of(st.none(), small)),
                       deductible=draw(st.one_of(st.none(), st.integers(0, 5_000))),
                       renew_month=draw(st.sampled_from([None, 1, 3])))
        drawn.append((plan, schedules))
    plan_ids = [p.id for p, _ in drawn]
    patients = []
    for n in range(draw(st.integers(1, 2))):
        chosen = draw(st.permutations(plan_ids))[:draw(st.integers(1, n_plans))]
        patients.append(m.Patient(f"PT{n}", "X, Y", date(1980, 1, 1), "PT0",
                                  tuple(m.Coverage(p, k + 1) for k, p in enumerate(chosen))))
    procs = []
    for n in range(draw(st.integers(4, 18))):
        patient = draw(st.sampled_from(patients))
        overrides = ()
        if draw(st.integers(0, 6)) == 0:
            overrides = (m.Override(draw(st.sampled_from(patient.coverage)).plan,
                                    ins_est=draw(st.one_of(st.none(), small)),
                                    paid_other_ins=draw(st.one_of(st.none(), small)),
                                    writeoff_est=draw(st.one_of(st.none(), small))),)
        procs.append(m.Procedure(
            f"X{n}", patient.id, draw(st.sampled_from(CODES)).code,
            date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 90))), draw(st.integers(0, 60_000)), "DOC",
            draw(st.sampled_from(["complete"] * 5 + ["planned"])), units=draw(st.integers(1, 2)),
            overrides=overrides))
    claims, payments = draw_claims(draw, procs, {p.id: p for p in patients})
    return m.Practice(
        as_of=date(2026, 6, 1), preferences=m.Preferences(), procedure_codes=CODES,
        fee_schedules=tuple(s for _, ss in drawn for s in ss), plans=tuple(p for p, _ in drawn),
        patients=tuple(patients), procedures=tuple(procs), claims=tuple(claims), claim_payments=tuple(payments))


def draw_claims(draw, procs, patients):
    """Claims of one or more procedures per plan, paid in any order, sometimes twice. A procedure
    is billed once per plan (billed twice, the received claim's place in estimation order is used
    from the start: a known difference with the naive replay)."""
    claims, payments, billed = [], [], set()
    done = [p for p in procs if p.status == "complete" or draw(st.integers(0, 4)) == 0]  # planned, rarely
    for _ in range(draw(st.integers(0, 2 * len(done)))):
        first = draw(st.sampled_from(done)) if done else None
        if first is None:
            break
        plan = draw(st.sampled_from(patients[first.patient].coverage)).plan
        if (first.id, plan) in billed:
            continue
        same = [p for p in done if p.patient == first.patient and p.id != first.id and (p.id, plan) not in billed]
        others = draw(st.lists(st.sampled_from(same), max_size=2, unique=True)) if same else []
        on_claim = [first] + others
        billed.update((p.id, plan) for p in on_claim)
        cid = f"C{len(claims)}"
        status = draw(st.sampled_from(["sent", "sent", "hold", "received", "preauth"]))
        claims.append(m.Claim(cid, plan, tuple(p.id for p in on_claim), status, first.date))
        for _ in range(0 if status == "preauth" else draw(st.integers(0, 2))):
            lines = tuple(m.ClaimPaymentLine(p.id, draw(st.integers(-2_000, p.charge)),
                                             draw(st.integers(0, p.charge // 2)), draw(st.integers(0, 3_000)),
                                             denied=draw(st.integers(0, 9)) == 0)
                          for p in on_claim)
            payments.append(m.ClaimPayment(cid, first.date + timedelta(days=draw(st.integers(0, 40))), lines))
    return claims, payments


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(busy_families())
def test_replay_matches_the_naive_replay_on_busy_families(practice):
    assert replay_frozen(practice) == naive_replay(practice)
