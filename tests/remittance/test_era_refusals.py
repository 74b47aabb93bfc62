"""What an ERA import refuses (each in one line, writing nothing), weak matches, the dry
run, and the "ERA to finish" list: match by hand, or mark handled with a note."""
from __future__ import annotations

from dataclasses import replace

import pytest

from cli.main import main
from era.build import build_835
from era.model import Party
from office_era import cigna_check, delta_check, metlife_check, office_file
from remit_helpers import adj
from store.models import MODELS
from store.read.remittances import match_check
from store.services import EobLine, ServiceError, set_lock_date
from store.services.remittances import (
    ClaimChoice, EraSource, close_era_claim, finish_era_claim, post_era,
)


def tables(db) -> dict:
    """Every table's rows: a refusal must change none."""
    return {m._meta.table_name: db.execute_sql(
        f'SELECT * FROM "{m._meta.table_name}" ORDER BY 1').fetchall() for m in MODELS}


def post(db, remittance, **kw):
    data = build_835([remittance]).encode()
    return post_era(db, EraSource("case.835", data), remittance, **kw)


def refused(db, remittance, match: str, **kw) -> str:
    before = tables(db)
    with pytest.raises(ServiceError, match=match) as err:
        post(db, remittance, **kw)
    assert tables(db) == before
    assert "\n" not in str(err.value)
    return str(err.value)


def test_the_same_era_is_posted_once(office_db):
    post(office_db, cigna_check())
    message = refused(office_db, cigna_check(), "already posted")
    assert message == ("ERA CIG88812 from Cigna was already posted on 2026-12-01 10:15 by "
                       "maria (from case.835)")


def test_the_same_era_from_the_command_line_says_so_in_one_line(office_path, era_file, capsys):
    assert main(["--db", str(office_path), "era", "import", str(era_file)]) == 0
    capsys.readouterr()
    assert main(["--db", str(office_path), "era", "import", str(era_file)]) == 1
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("dentledger:")]
    assert err == [f"dentledger: ERA {t} from {c} was already posted on 2026-12-01 10:15 by "
                   f"maria (from office.835)" for t, c in
                   (("MET20261130", "MetLife"), ("CIG88812", "Cigna"),
                    ("DEL5550001", "Delta Dental"))]


def test_each_payment_of_a_file_posts_or_is_refused_on_its_own(office_path, tmp_path, capsys):
    cigna = office_file(tmp_path, [cigna_check()], name="cigna.835")
    assert main(["--db", str(office_path), "era", "import", str(cigna)]) == 0
    capsys.readouterr()
    both = office_file(tmp_path, [metlife_check(), cigna_check()], name="both.835")
    assert main(["--db", str(office_path), "era", "import", str(both)]) == 1
    out, err = capsys.readouterr()
    assert "ERA MET20261130: posted 320.70 to 3 claim(s)" in out
    assert "ERA CIG88812: not posted: ERA CIG88812 from Cigna was already posted" in out
    assert "dentledger: ERA CIG88812 from Cigna was already posted on 2026-12-01 10:15 by " \
        "maria (from cigna.835)" in err


def test_claims_that_do_not_add_up_to_the_check_are_refused(office_db):
    check = replace(metlife_check(), amount=40000)
    message = refused(office_db, check, "does not balance")
    assert message == ("ERA MET20261130 from MetLife does not balance: its claims pay 372.70 "
                       "but the check is 400.00 and its provider adjustments add 2.50, which "
                       "leaves 397.50 for the claims")


def test_a_payer_that_is_none_of_our_carriers_is_refused(office_db):
    check = replace(cigna_check(), payer=Party("ACME DENTAL", "2U", "00000"))
    refused(office_db, check, "payer ACME DENTAL .payer id 00000. is none of our carriers")


def test_a_payment_without_a_trace_number_is_refused(office_db):
    refused(office_db, replace(cigna_check(), trace_number=""), "no trace number")


def test_a_payment_dated_on_or_before_the_lock_date_writes_nothing(office_db):
    set_lock_date(office_db, "2026-11-30")
    refused(office_db, metlife_check(), "on or before the lock date")


def test_a_service_refusal_mid_check_leaves_nothing_of_it(office_db):
    """Accepted weak lines whose write-off would leave the procedure in credit: the insurance payment
    service refuses inside the ERA's transaction, and nothing of the check (nor the ERA) stays."""
    check = cigna_check()
    line = check.claims[0].lines[0]
    bad = replace(line, billed=line.billed + 100, adjustments=(adj("CO-45", 17100),))
    check = replace(check, claims=(replace(check.claims[0], billed=24100, lines=(bad,)),))
    assert post(office_db, check).states == ("open",)  # weak (the charge): left alone
    office_db.execute_sql("DELETE FROM era_claim")
    office_db.execute_sql("DELETE FROM era")
    refused(office_db, check, "would show a credit", accept_weak=True)


def test_a_weak_match_posts_only_when_accepted(office_db):
    check = cigna_check()
    weak = replace(check.claims[0], claim_id="CI000000000")  # the id we never sent
    check = replace(check, claims=(weak,))
    done = post(office_db, check)
    assert done.states == ("open",) and done.payment_id is None and done.left == 7000
    assert done.grid.claims[0].how == "weak"
    assert done.grid.claims[0].reason.startswith("no claim sent as CI000000000: matched by "
                                                 "patient, date and billed total")
    status = office_db.execute_sql("SELECT status FROM claim WHERE file_id = 'C0221'").fetchone()
    assert status == ("sent",)

    office_db.execute_sql("DELETE FROM era_claim")
    office_db.execute_sql("DELETE FROM era")
    done = post(office_db, check, accept_weak=True)
    assert done.states == ("posted",) and done.posted == 7000


def test_the_office_may_move_paid_between_a_claims_lines_but_not_change_its_total(office_db):
    check = delta_check()
    first = match_check(office_db, check).grid.claims[0]
    lines = [EobLine(**ln.eob_fields()) for ln in first.lines]
    more = [replace(lines[0], paid=lines[0].paid + 100), lines[1]]
    refused(office_db, check, "pay 124.00 but the ERA pays 123.00",
            choices=[ClaimChoice(0, first.claim.claim_id, tuple(more))])
    moved = [replace(lines[0], paid=lines[0].paid + 100, writeoff=lines[0].writeoff - 100,
                     remarks="moved"),
             replace(lines[1], paid=lines[1].paid - 100, writeoff=lines[1].writeoff + 100)]
    done = post(office_db, check, choices=[ClaimChoice(0, first.claim.claim_id, tuple(moved))])
    assert done.states == ("posted", "open", "open", "open")
    assert done.posted == 12300 and done.left == 11100 - 12300
    paid = office_db.execute_sql(
        "SELECT cp.paid_cents FROM claim_proc cp JOIN claim c ON c.id = cp.claim_id "
        "WHERE c.file_id = 'C0223' ORDER BY cp.claim_seq").fetchall()
    assert paid == [(4500,), (7800,)]


def test_a_choice_naming_another_claim_is_refused(office_db):
    refused(office_db, cigna_check(), "no longer matches", choices=[ClaimChoice(0, 1)])
    refused(office_db, cigna_check(), "has no claim number 2", choices=[ClaimChoice(1, 1)])


def test_a_dry_run_writes_nothing(office_db, office_path, era_file, capsys):
    before = tables(office_db)
    assert main(["--db", str(office_path), "era", "import", str(era_file), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run, nothing written: 3 claim(s) would post, 0 in part, 1 stay to finish" in out
    assert "! Z9999: no claim sent as Z9999 and none of KOWALSKI, ANNA on 2026-11-16 for 65.00" \
        in out
    assert tables(office_db) == before


# --- the list to finish ----------------------------------------------------------------------

def stranger_id(db) -> int:
    return db.execute_sql("SELECT id FROM era_claim WHERE claim_ref = 'Z9999'").fetchone()[0]


def test_an_unmatched_claim_is_finished_by_hand_to_the_claim_the_office_names(office_db):
    check = metlife_check()
    z9999 = check.claims[3]
    c228 = check.claims[2]  # Chloe's claim, under an id and a name the payer mangled
    mangled = replace(c228, claim_id="ME26361278", patient=replace(c228.patient, last="THOMSON"))
    check = replace(check, claims=(check.claims[0], check.claims[1], mangled, z9999))
    done = post(office_db, check)
    assert done.states == ("posted", "posted", "open", "open")
    era_claim = office_db.execute_sql(
        "SELECT id FROM era_claim WHERE claim_ref = 'ME26361278'").fetchone()[0]
    claim = office_db.execute_sql("SELECT id FROM claim WHERE file_id = 'C0228'").fetchone()[0]
    pay = finish_era_claim(office_db, era_claim, claim)
    row = office_db.execute_sql("SELECT state, how, posted_cents, left_cents, payment_id, "
                                "finished_by FROM era_claim WHERE id = ?", (era_claim,)).fetchone()
    assert row == ("posted", "hand", 13400, 0, pay, "maria")
    assert office_db.execute_sql("SELECT check_no, amount_cents, date FROM claim_payment "
                                 "WHERE id = ?", (pay,)).fetchone() == \
        ("MET20261130", 13400, "2026-11-30")
    assert office_db.execute_sql("SELECT status, posted_cents FROM era").fetchone() == \
        ("partial", 32070)
    before = tables(office_db)
    with pytest.raises(ServiceError, match="is posted: nothing is left to finish"):
        finish_era_claim(office_db, era_claim, claim)
    other = office_db.execute_sql("SELECT id FROM claim WHERE file_id = 'C0221'").fetchone()[0]
    with pytest.raises(ServiceError, match="another carrier's"):
        finish_era_claim(office_db, stranger_id(office_db), other)
    with pytest.raises(ServiceError, match="say in a note"):
        close_era_claim(office_db, stranger_id(office_db), "  ")
    assert tables(office_db) == before
    close_era_claim(office_db, stranger_id(office_db), "not our patient: returned to MetLife")
    assert office_db.execute_sql("SELECT status FROM era").fetchone() == ("posted",)


def test_the_list_to_finish_from_the_command_line(office_path, era_file, capsys):
    assert main(["--db", str(office_path), "era", "import", str(era_file)]) == 0
    capsys.readouterr()
    assert main(["--db", str(office_path), "era", "list", "--open"]) == 0
    out = capsys.readouterr().out
    assert "1 ERA claim(s) to finish, 52.00 left" in out
    assert "Z9999" in out and "KOWALSKI, ANNA" in out
    assert main(["--db", str(office_path), "era", "finish", "4", "--handled"]) == 1
    assert capsys.readouterr().err == ("dentledger: --handled needs --note saying how the ERA "
                                       "claim was handled\n")
    assert main(["--db", str(office_path), "era", "finish", "4", "--handled", "--note",
                 "returned to the payer"]) == 0
    assert capsys.readouterr().out == ("ERA claim 4 (Z9999, KOWALSKI, ANNA) is handled; "
                                       "left 52.00\n")
    assert main(["--db", str(office_path), "era", "list", "--open"]) == 0
    assert capsys.readouterr().out == "no ERA left to finish\n"


def test_a_reversal_of_a_payment_never_posted_here_stays_to_finish(office_db):
    check = delta_check()
    reversal = check.claims[2]
    never_paid = replace(reversal, claim_id="DE262168252")  # C0223, still sent
    lines = tuple(replace(ln, code=c, billed_code=c) for ln, c in
                  zip(reversal.lines[:2], ("D0120", "D1110")))
    never_paid = replace(never_paid, lines=lines, billed=sum(ln.billed for ln in lines),
                         paid=sum(ln.paid for ln in lines),
                         patient=check.claims[0].patient)
    check = replace(check, claims=(never_paid,), amount=never_paid.paid)
    done = post(office_db, check)
    assert done.states == ("open",) and done.payment_id is None
    assert done.grid.claims[0].reason == ("a reversal, but claim C0223 has no payment here to "
                                          "take back")
