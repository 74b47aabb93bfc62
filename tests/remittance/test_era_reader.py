"""Reading 835 files: what payers send slightly off the guide is read with warnings;
only what is not an 835 at all is refused, in one line."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from era import EraError, read_era
from era.build import Envelope, build_835
from remit_helpers import FILES, adj, clp, interest, payment, svc

DAY = date(2026, 11, 16)


@pytest.fixture(scope="module")
def check():
    """A MetLife check paying two claims, one with a downgrade and a remark."""
    return payment([
        clp("C0227", [svc("D0120", 6500, 5200, adj("CO-45", 1300), day=DAY),
                      svc("D4910", 16500, 9800, adj("CO-45", 4200), adj("PR-2", 2500), day=DAY,
                          remarks=("N130",))]),
        clp("C0228", [svc("D2150", 19500, 8000, adj("CO-45", 5500), adj("PR-2", 6000),
                          day=DAY, billed_code="D2392")], patient=("NGUYEN", "LINH", "ML1")),
    ], plb=[interest(312)])


@pytest.fixture(scope="module")
def clean_text(check):
    return build_835([check])


def _se(text: str, change: int = 0) -> str:
    """The SE segment of a one-payment file, with its count changed by `change`."""
    count = int(re.search(r"~SE\*(\d+)\*", text).group(1))
    return f"SE*{count + change}*0001~"


def _read(text: str, **kw):
    return read_era(text.encode("utf-8"), name="remit.835", **kw)


def test_a_valid_file_reads_every_field_with_no_warning(check, clean_text):
    era = _read(clean_text)
    assert era.warnings == () and era.validated
    (got,) = era.remittances
    assert got == check  # the writer and the reader agree on every field
    assert got.amount == 5200 + 9800 + 8000 + 312
    assert got.claims[1].lines[0].downgraded and got.claims[1].lines[0].billed_code == "D2392"
    assert got.claims[0].lines[1].remarks == ("N130",)


def _complaints(era) -> str:
    return " | ".join(str(w) for w in era.warnings)


def test_a_missing_payer_contact_is_a_warning(clean_text):
    era = _read(clean_text.replace("PER*BL*CLAIMS*TE*8005550100~", "")
                .replace(_se(clean_text), _se(clean_text, -1)))
    assert len(era.remittances[0].claims) == 2
    assert "PER" in _complaints(era)


def test_a_wrong_segment_count_is_a_warning(clean_text):
    era = _read(clean_text.replace(_se(clean_text), _se(clean_text, 3)))
    assert era.remittances[0].claims_paid == 23000
    assert "SE count of" in _complaints(era) and "is wrong" in _complaints(era)


def test_a_byte_order_mark_and_leading_blank_lines_are_skipped(check, clean_text):
    era = read_era(b"\xef\xbb\xbf\r\n" + clean_text.encode(), name="bom.835")
    assert era.warnings == () and era.remittances == (check,)


def test_one_segment_per_line_reads_the_same(check):
    for newline in ("\n", "\r\n"):
        text = build_835([check], Envelope(newline=True)).replace("\n", newline)
        era = _read(text)
        assert era.warnings == () and era.remittances == (check,)


def test_the_separators_are_the_ones_the_isa_defines(check):
    text = build_835([check], Envelope(element="|", component="^", repetition="{",
                                       terminator="\n"))
    assert text.startswith("ISA|00|") and "AD^D0120" in text
    era = _read(text)
    assert era.warnings == () and era.remittances == (check,)


def test_an_older_4010_file_reads_against_its_own_guide():
    era = read_era(FILES / "old_4010.835")
    assert era.validated and era.warnings == ()
    (pay,) = era.remittances
    assert pay.version == "004010X091A1" and pay.method == "CHK" and pay.amount == 4800
    assert pay.payee.id_qualifier == "FI"
    reversal, again = pay.claims
    assert reversal.is_reversal and reversal.paid == -15000
    assert [ln.paid for ln in reversal.lines] == [-5200, -9800]
    assert again.lines[1].adjustments == (adj("CO-45", 1900),)


def test_a_version_without_a_guide_is_read_without_validation():
    text = (FILES / "old_4010.835").read_text().replace("004010X091A1", "004010X091")
    era = _read(text)
    assert not era.validated
    assert "read without validation" in str(era.warnings[0])
    assert era.remittances[0].claims[1].paid == 19800


def test_reading_without_the_guide_on_request_gives_the_same_data(check, clean_text):
    era = _read(clean_text, validate=False)
    assert not era.validated and era.warnings == () and era.remittances == (check,)


def test_several_payments_in_one_file_are_several_checks(check):
    other = payment([clp("C0225", [svc("D8670", 17500, 17500, day=DAY)])], trace="CHK1002",
                    control="0002")
    era = _read(build_835([check, other]))
    assert era.warnings == ()
    assert [r.trace_number for r in era.remittances] == ["CHK1001", "CHK1002"]
    assert [r.amount for r in era.remittances] == [23312, 17500]
    assert [len(r.claims) for r in era.remittances] == [2, 1]


def test_the_balancing_rules_are_checked(check):
    text = build_835([check]).replace("CLP*C0227*1*230.00*150.00", "CLP*C0227*1*230.00*140.00")
    complaints = _complaints(_read(text))
    assert "claim C0227: its lines pay 150.00 but the claim pays 140.00" in complaints
    assert "payment CHK1001: the claims pay 220.00" in complaints


def test_a_file_in_the_guides_own_style_from_another_payer():
    """LX groups with TS3, MIA/MOA, claim dates, NM1*IL and *82, N1*PE with an NPI,
    REF*6R, AMT*B6, three PER contacts, a secondary and a denied claim, PLB."""
    era = read_era(FILES / "guide_style_5010.835")
    assert era.validated and era.warnings == ()
    (pay,) = era.remittances
    assert (pay.payer.name, pay.payer.id) == ("GUARDIAN DENTAL BENEFITS", "GRD01")
    assert (pay.payee.id_qualifier, pay.payee.id) == ("XX", "1234567893")
    assert (pay.method, pay.amount, pay.date, pay.trace_number) == (
        "ACH", 105077, date(2026, 3, 3), "12345")
    first, denied, secondary = pay.claims
    assert first.patient.name == "OKAFOR, CHIDI" and first.insured.id == "GRD778800"
    assert (first.date, first.date_to, first.received) == (
        date(2026, 2, 12), date(2026, 2, 12), date(2026, 2, 20))
    assert first.remarks == ("N381",) and first.payer_claim_no == "1526012345678"
    crown = first.lines[0]
    assert (crown.code, crown.billed, crown.paid, crown.allowed, crown.control_number) == (
        "D2740", 30000, 22077, 28000, "LN1")
    assert crown.adjustments == (adj("CO-45", 2000), adj("PR-2", 5923))
    assert denied.is_denied and denied.lines[0].units == Decimal(4)
    assert secondary.status_text == "processed as secondary"
    assert [(p.reason, p.amount) for p in pay.provider_adjustments] == [("L6", -2000), ("WO", 5000)]
    assert pay.claims_paid - pay.provider_adjustment_total == pay.amount


def test_an_amount_with_more_than_two_decimals_is_refused(clean_text):
    with pytest.raises(EraError, match=r"segment \d+ SVC03: '52.005' has more than two decimals"):
        _read(clean_text.replace("SVC*AD:D0120*65.00*52.00", "SVC*AD:D0120*65.00*52.005"))


# --- refusals ----------------------------------------------------------------------------------

CLAIM_837 = ("ISA*00*          *00*          *ZZ*DENTLEDGER     *ZZ*CLEARINGHOUSE  "
             "*260310*1200*^*00501*000000001*0*P*:~GS*HC*DENTLEDGER*CLEARINGHOUSE*20260310*1200"
             "*1*X*005010X224A2~ST*837*0001*005010X224A2~BHT*0019*00*1*20260310*1200*CH~"
             "SE*3*0001~GE*1*1~IEA*1*000000001~")


@pytest.mark.parametrize("data, message", [
    (CLAIM_837.encode(), "holds X12 837 transactions, not an 835 remittance"),
    (b"", "is empty: not an ERA"),
    (b"  \r\n\n", "is empty: not an ERA"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "is a binary file"),
    (b"claim,patient,paid\nC1,Delgado,10.00\n", "does not begin with an ISA segment"),
    (b"ISA*00*short~", "cannot be read as X12"),
], ids=["837", "empty", "blank", "binary", "csv", "broken-isa"])
def test_what_is_not_an_835_is_refused_in_one_line(data, message):
    with pytest.raises(EraError, match=message) as caught:
        read_era(data, name="in.dat")
    assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)


def test_a_folder_and_a_missing_file_are_refused(tmp_path):
    with pytest.raises(EraError, match="is a folder, not an ERA file"):
        read_era(tmp_path)
    with pytest.raises(EraError, match="no such file"):
        read_era(tmp_path / "missing.835")


def test_pyx12_does_not_print_its_complaints(clean_text, capsys):
    era = _read(clean_text.replace(_se(clean_text), _se(clean_text, 3)))
    assert era.warnings
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
