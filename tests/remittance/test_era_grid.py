"""An ERA mapped onto the insurance payment grid, against the demo office's sent claims.

Each case is written as an 835 file, read back through pyx12 (no complaint), then mapped:
what the store will post through `enter_insurance_payment`, to the cent."""
from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest

from era import read_era
from era.build import build_835
from era.grid import GridLine, OurClaim, map_claim, map_remittance
from remit_helpers import adj, clp, demo_claim, era_patient, interest, payment, svc


def through_file(remittance):
    """The payment as an 835 file read back: what the import will have in hand."""
    era = read_era(build_835([remittance]).encode(), name="case.835")
    assert [str(w) for w in era.warnings] == []
    (got,) = era.remittances
    return got


def grid_of(remittance, *ours: OurClaim):
    return map_remittance(through_file(remittance), ours)


def amounts(lines) -> list[tuple]:
    """(procedure, paid, write-off, deductible, denied) of each grid line."""
    return [(ln.procedure, ln.paid, ln.writeoff, ln.deductible, ln.denied) for ln in lines]


def paid_line(line, paid: int, *adjustments, **more):
    return svc(line.code, line.fee, paid, *adjustments, day=line.date, **more)


def paid_claim(ours: OurClaim, lines, **more):
    return clp(ours.sent_id, lines, patient=era_patient(ours), **more)


MET = ("C0225", "C0227", "C0228")


@pytest.fixture(scope="module")
def metlife():
    return {c: demo_claim(c) for c in MET}


@pytest.fixture(scope="module")
def metlife_check(metlife):
    """One MetLife check for three claims of three Thompsons."""
    ortho, = metlife["C0225"].lines
    exam, scaling = metlife["C0227"].lines
    exam2, prophy, fluoride = metlife["C0228"].lines
    return payment([
        paid_claim(metlife["C0225"], [paid_line(ortho, 8750, adj("PR-2", 8750))]),
        paid_claim(metlife["C0227"], [
            paid_line(exam, 4800, adj("CO-45", 1700)),
            paid_line(scaling, 5120, adj("CO-45", 3700), adj("PR-1", 5000), adj("PR-2", 2680))]),
        paid_claim(metlife["C0228"], [
            paid_line(exam2, 4800, adj("CO-45", 1700)),
            paid_line(prophy, 5600, adj("CO-45", 2400)),
            paid_line(fluoride, 3000, adj("CO-45", 1500))]),
    ], trace="MET20261130")


def test_one_check_pays_several_claims_of_several_patients(metlife, metlife_check):
    grid = grid_of(metlife_check, *metlife.values())
    assert [(m.how, m.claim.sent_id, m.reason) for m in grid.claims] == [
        ("id", c, None) for c in MET]
    assert amounts(grid.eob_lines()) == [
        (708, 8750, 0, 0, False),
        (711, 4800, 1700, 0, False), (712, 5120, 3700, 5000, False),
        (713, 4800, 1700, 0, False), (714, 5600, 2400, 0, False), (715, 3000, 1500, 0, False)]
    scaling = grid.claims[1].lines[1]
    assert scaling.patient_share == 2680 and scaling.claim == 227
    assert scaling.remarks == "CO-45 37.00; PR-1 50.00; PR-2 26.80"
    assert grid.check_total == grid.posted == metlife_check.amount == 32070
    assert grid.left == 0 and all(m.not_on_era == () for m in grid.claims)


def test_a_plb_interest_line_is_reported_and_not_posted(metlife, metlife_check):
    check = replace(metlife_check, provider_adjustments=(interest(312),),
                    amount=metlife_check.amount + 312)
    grid = grid_of(check, *metlife.values())
    assert grid.remittance.amount == 32382  # what the bank received
    assert grid.check_total == 32070 == grid.posted  # BPR minus what the interest added
    (plb,) = grid.provider_adjustments
    assert (plb.reason, plb.text, plb.added_to_check) == ("L6", "interest", 312)


def test_a_denied_claim_is_marked_denied_with_the_reason():
    ours = demo_claim("C0224")
    (perio,) = ours.lines
    check = payment([paid_claim(ours, [paid_line(perio, 0, adj("PR-204", 16500))], status="4")],
                    payer="DELTA DENTAL")
    (line,) = grid_of(check, ours).eob_lines()
    assert amounts([line]) == [(707, 0, 0, 0, True)]
    assert line.remarks == ("denied: PR-204 service not covered by the patient's plan; "
                            "PR-204 165.00")
    assert line.patient_share == 16500


def test_a_denied_claim_without_service_lines_denies_each_procedure():
    ours = demo_claim("C0223")
    era_claim = clp(ours.sent_id, status="4", patient=era_patient(ours), billed=18000, paid=0,
                    day=ours.date, adjustments=[adj("CO-29", 18000)])
    grid = grid_of(payment([era_claim], payer="DELTA DENTAL"), ours)
    lines = grid.eob_lines()
    assert amounts(lines) == [(705, 0, 0, 0, True), (706, 0, 0, 0, True)]
    assert lines[0].remarks.startswith("denied: CO-29 time limit for filing has expired")
    # a denial writes nothing off: the carrier's CO amounts are left to the office, shown
    assert [a.amount for ln in lines for a in ln.not_posted] == [6500, 11500]


def test_a_line_paid_nothing_is_denied_only_for_a_denial_reason(metlife):
    ours = metlife["C0227"]
    exam, scaling = ours.lines
    check = payment([paid_claim(ours, [paid_line(exam, 0, adj("CO-97", 6500)),
                                       paid_line(scaling, 0, adj("PR-1", 16500))])])
    bundled, deductible = grid_of(check, ours).eob_lines()
    assert amounts([bundled, deductible]) == [(711, 0, 0, 0, True), (712, 0, 0, 16500, False)]
    assert bundled.remarks.startswith("denied: CO-97 included in the payment for another")
    assert bundled.not_posted == (adj("CO-97", 6500),)


@pytest.mark.parametrize("sends_billed_code", [True, False], ids=["svc06", "paid-code-only"])
def test_a_downgrade_with_co45_and_pr2(sends_billed_code):
    """D2393 (240.00) paid as its substitution D2160: allowed 160.00, 60% paid."""
    ours = demo_claim("C0221")
    (filling,) = ours.lines
    line = svc("D2160", 24000, 9600, adj("CO-45", 8000), adj("PR-2", 6400), day=filling.date,
               billed_code="D2393" if sends_billed_code else None)
    check = payment([paid_claim(ours, [line])], payer="CIGNA")
    match, = grid_of(check, ours).claims
    (got,) = match.lines
    assert amounts([got]) == [(704, 9600, 8000, 0, False)]
    assert got.patient_share == 6400 and got.weak is None
    if sends_billed_code:
        assert got.remarks == "paid as D2160; CO-45 80.00; PR-2 64.00"


def test_a_reversal_posts_negative_supplemental_lines_and_nets_with_its_correction():
    ours = demo_claim("C0001")  # received in 2019: 115.00 + 115.00 + 165.00
    exam, prophy, xrays = ours.lines
    was = [paid_line(exam, 9200, adj("CO-45", 2300)), paid_line(prophy, 9200, adj("CO-45", 2300)),
           paid_line(xrays, 13200, adj("CO-45", 3300))]
    reversed_lines = [replace(ln, billed=-ln.billed, paid=-ln.paid, adjustments=tuple(
        replace(a, amount=-a.amount) for a in ln.adjustments)) for ln in was]
    now = [was[0], was[1], paid_line(xrays, 12000, adj("CO-45", 3300), adj("PR-2", 1200))]
    check = payment([paid_claim(ours, reversed_lines, status="22"), paid_claim(ours, now)],
                    payer="DELTA DENTAL")
    grid = grid_of(check, ours)
    reversal, correction = grid.claims
    assert all(ln.supplemental and ln.paid < 0 for ln in reversal.lines)
    assert amounts(reversal.lines) == [(1, -9200, -2300, 0, False), (2, -9200, -2300, 0, False),
                                       (3, -13200, -3300, 0, False)]
    assert reversal.lines[0].remarks.startswith("reversal of a previous payment")
    # one line per procedure for the service: the reversal and its correction added up
    assert amounts(grid.eob_lines()) == [(1, 0, 0, 0, False), (2, 0, 0, 0, False),
                                         (3, -1200, 0, 0, False)]
    assert grid.check_total == grid.posted == -1200


def test_a_claim_that_matches_nothing_is_reported_with_its_amount(metlife, metlife_check):
    stranger = clp("Z9999", [svc("D0120", 6500, 5200, adj("CO-45", 1300), day=metlife[
        "C0227"].date)], patient=("KOWALSKI", "ANNA", "MET000"))
    check = replace(metlife_check, claims=metlife_check.claims + (stranger,),
                    amount=metlife_check.amount + 5200)
    grid = grid_of(check, *metlife.values())
    lost = grid.claims[-1]
    assert (lost.how, lost.claim, lost.lines) == ("none", None, ())
    assert lost.reason == ("no claim sent as Z9999 and none of KOWALSKI, ANNA on 2026-11-16 "
                           "for 65.00")
    assert lost.left == 5200 and grid.left == 5200  # on the check, not on the grid
    assert grid.posted == metlife_check.amount


def test_without_the_claim_id_patient_date_and_billed_total_make_a_weak_match(metlife):
    ours = metlife["C0227"]
    exam, scaling = ours.lines
    era_claim = replace(paid_claim(ours, [paid_line(exam, 6500), paid_line(scaling, 16500)]),
                        claim_id="MET-REF-0042")
    match = map_claim(through_file(payment([era_claim])).claims[0], list(metlife.values()))
    assert (match.how, match.claim.sent_id) == ("weak", "C0227")
    assert match.reason.startswith("no claim sent as MET-REF-0042: matched by patient, date")
    assert match.posted == 23000


def test_the_same_patient_billed_another_total_is_no_match(metlife):
    ours = metlife["C0227"]
    exam, _scaling = ours.lines
    era_claim = replace(paid_claim(ours, [paid_line(exam, 6500)]), claim_id="OTHER")
    match = map_claim(era_claim, list(metlife.values()))
    assert (match.how, match.claim) == ("none", None)


def test_the_claim_id_with_another_patient_is_a_weak_match(metlife):
    ours = metlife["C0225"]
    (ortho,) = ours.lines
    era_claim = clp("C0225", [paid_line(ortho, 8750, adj("PR-2", 8750))],
                    patient=("KOWALSKI", "ANNA", "X1"))
    match = map_claim(era_claim, list(metlife.values()))
    assert match.how == "weak" and "the ERA's patient is KOWALSKI, ANNA, not Thompson" \
        in match.reason


def test_a_claim_comes_back_under_another_of_its_ids(metlife):
    ours = replace(metlife["C0225"], sent_id="C000225", other_ids=("C0225",))
    (ortho,) = ours.lines
    match = map_claim(clp("C0225", [paid_line(ortho, 8750, adj("PR-2", 8750))],
                          patient=era_patient(ours)), [ours])
    assert (match.how, match.posted) == ("id", 8750)


def test_two_claims_sent_with_one_id_are_not_guessed(metlife):
    twin = replace(metlife["C0227"], claim_id=999)
    era_claim = clp("C0227", [svc("D0120", 6500, 6500)])
    match = map_claim(era_claim, [metlife["C0227"], twin])
    assert (match.how, match.reason) == ("none", "2 claims were sent as C0227: choose one")


def test_a_service_line_matching_no_procedure_is_reported(metlife):
    ours = metlife["C0227"]
    exam, _scaling = ours.lines
    check = payment([paid_claim(ours, [paid_line(exam, 4800, adj("CO-45", 1700)),
                                       svc("D2750", 90000, 50000, adj("CO-45", 40000),
                                           day=exam.date)])])
    (match,) = grid_of(check, ours).claims
    assert amounts(match.lines) == [(711, 4800, 1700, 0, False)]
    (stray,) = match.unmatched_lines
    assert stray.reason == "no D2750 on claim C0227 (open lines: D4910)"
    assert match.not_on_era == (712,) and match.left == 50000


def test_same_codes_are_told_apart_by_date_and_fee_and_a_partial_fit_is_weak(metlife):
    ours = replace(metlife["C0227"], lines=(
        replace(metlife["C0227"].lines[0], procedure_id=1),
        replace(metlife["C0227"].lines[0], procedure_id=2, fee=7000)))
    day = ours.date
    check = payment([paid_claim(ours, [svc("D0120", 7000, 5000, adj("CO-45", 2000), day=day),
                                       svc("D0120", 6000, 4000, adj("CO-45", 2000), day=day)])])
    first, second = grid_of(check, ours).claims[0].lines
    assert (first.procedure, first.weak) == (2, None)
    assert (second.procedure, second.weak) == (1, "charge 60.00 on the ERA, 65.00 here")


def test_the_line_id_we_sent_wins_over_the_code(metlife):
    exam, scaling = metlife["C0227"].lines
    ours = replace(metlife["C0227"], lines=(replace(exam, sent_id="L711"),
                                            replace(scaling, sent_id="L712")))
    check = payment([paid_claim(ours, [paid_line(scaling, 16500, control_number="L712"),
                                       svc("D0140", 6500, 6500, day=exam.date,
                                           control_number="L711")])])
    (match,) = grid_of(check, ours).claims
    assert [(ln.procedure, ln.paid) for ln in match.lines] == [(712, 16500), (711, 6500)]


def test_claim_level_adjustments_as_the_guide_has_them(metlife):
    """The lines balance on their own; a claim-level CO-45 takes from what they pay."""
    ours = metlife["C0227"]
    exam, scaling = ours.lines
    era_claim = paid_claim(ours, [paid_line(exam, 6500), paid_line(scaling, 16500)],
                           adjustments=[adj("CO-45", 8000), adj("PR-1", 5000)], paid=10000)
    grid = grid_of(payment([era_claim]), ours)
    assert amounts(grid.eob_lines()) == [(711, 0, 6500, 0, False),
                                         (712, 10000, 1500, 5000, False)]
    assert grid.posted == 10000 == grid.check_total


def test_claim_level_adjustments_as_some_payers_send_them(metlife):
    """Lines paying the claim but not explaining their charge: the claim-level CAS does."""
    ours = metlife["C0227"]
    exam, scaling = ours.lines
    text = build_835([payment([paid_claim(ours, [paid_line(exam, 4800),
                                                 paid_line(scaling, 12000)],
                                          adjustments=[adj("CO-45", 5000), adj("OA-23", 1200)])])])
    era = read_era(text.encode(), name="offguide.835")
    assert any("minus adjustments is" in str(w) for w in era.warnings)  # off the guide, said
    (match,) = map_remittance(era.remittances[0], [ours]).claims
    assert amounts(match.lines) == [(711, 4800, 1700, 0, False), (712, 12000, 3300, 0, False)]
    assert match.lines[1].not_posted == (adj("OA-23", 1200),)
    assert match.not_posted == ()


def test_a_predetermination_posts_nothing(metlife):
    ours = metlife["C0225"]
    (ortho,) = ours.lines
    match = map_claim(paid_claim(ours, [paid_line(ortho, 0, adj("PR-2", 17500))], status="25"),
                      [ours])
    assert match.how == "id" and match.lines == () and "predetermination" in match.reason


def test_grid_lines_feed_the_insurance_payment_service_unchanged():
    from store.services.insurance_payments import EobLine

    assert set(GridLine(1, 2, 3, 4, 5).eob_fields()) == {
        f.name for f in dataclasses.fields(EobLine)}
    assert EobLine(**GridLine(7, 9, 100, 20, 5, remarks="CO-45 0.20").eob_fields()) == EobLine(
        7, 9, 100, 20, 5, False, "CO-45 0.20")
