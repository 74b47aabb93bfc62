"""What the ERA screen shows, as pure data: the office's ERA mapped onto the demo claims, and
the running check balance as claims are ticked and lines edited."""
from __future__ import annotations

from era.grid import map_remittance
from era.review import as_picked, balance, check_view, claim_off
from office_era import delta_check, metlife_check, office_claim


def metlife_view():
    check = metlife_check()
    grid = map_remittance(check, [office_claim(c) for c in ("C0225", "C0227", "C0228")])
    return check_view(grid, check, 1, "MetLife", None, {708: "D8670"})


def test_the_view_of_a_check():
    view = metlife_view()
    assert (view.carrier, view.amount, view.check_total) == ("MetLife", 37520, 37270)
    assert view.provider_adjustments == (("L6 interest", "INT", -250),)
    assert [(c.claim_ref, c.claim_label, c.how, c.postable, c.left) for c in view.claims] == [
        ("ME263612329", "C0225", "id", True, 0), ("ME263612712", "C0227", "id", True, 0),
        ("ME263612785", "C0228", "id", True, 0), ("Z9999", None, "none", False, 5200)]
    ortho = view.claims[0].lines[0]
    assert (ortho.label, ortho.paid, ortho.patient_share, ortho.remarks) == \
        ("D8670", 8750, 8750, "PR-2 87.50")


def test_the_running_balance():
    view = metlife_view()
    paid = {c.seq: [ln.paid for ln in c.lines] for c in view.claims if c.postable}
    assert balance(view, paid).off == 0
    assert (balance(view, paid).applied, balance(view, paid).to_finish) == (32070, 5200)
    del paid[1]  # C0227 not ticked: all it pays goes to the list
    assert (balance(view, paid).applied, balance(view, paid).to_finish) == (22150, 15120)
    assert balance(view, paid).off == 0
    paid[2] = [4800, 5600, 3100]  # a line typed 1.00 more
    assert balance(view, paid).off == -100
    assert claim_off(view.claims[2], paid[2]) == -100


def test_a_line_as_picked_keeps_its_keys():
    line = metlife_view().claims[1].lines[1]
    picked = as_picked(line)
    assert (picked.claim_key, picked.procedure_key, picked.paid, picked.writeoff,
            picked.deductible) == ("227", "712", 5120, 3700, 5000)


def test_a_reversal_and_its_correction_in_one_check():
    check = delta_check()
    grid = map_remittance(check, [office_claim(c) for c in ("C0223", "C0224", "C0001")])
    view = check_view(grid, check, 3, "Delta Dental", None, {})
    reversal, correction = view.claims[2], view.claims[3]
    assert reversal.review is None and correction.review is None  # reversed in the same check
    assert all(ln.supplemental and ln.paid < 0 for ln in reversal.lines)
    assert view.claims[1].lines[0].denied
