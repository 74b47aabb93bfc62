"""Issue 11, "Money input": ONE parser (`estimator.money.to_cents`) for every amount typed,
given on the command line or read from a file. These are its rules; the entry points
(form, CLI, CSV, practice file) are tested in tests/money/."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimator.money import MAX_CENTS, MoneyError, check_range, fmt_grouped, to_cents

# Every refusal the issue names, and a few of their cousins.
REFUSED = {
    "1,50": "commas go between groups of three digits",
    "12,34,5": "commas go between groups of three digits",
    "1,2345.00": "commas go between groups of three digits",
    "1e3": "is not an amount",
    "1E3": "is not an amount",
    "1_000": "is not an amount",
    "١٢٣": "use the digits 0-9",
    "５": "use the digits 0-9",
    "NaN": "is not an amount",
    "nan": "is not an amount",
    "Infinity": "is not an amount",
    "-inf": "is not an amount",
    "1.234": "more than two decimals",
    "10,000,000.00": "too large",
    "1000000000.00": "too large",
    "-10000000": "too large",
    "9" * 5000: "too large",
    "+5": "is not an amount",
    "5.": "ends in a point",
    "": "no amount given",
    "$": "is not an amount",
    "0x10": "is not an amount",
}


@pytest.mark.parametrize("text", list(REFUSED), ids=lambda t: repr(t[:12]))
def test_money_input_refuses_with_one_clear_line(text):
    with pytest.raises(MoneyError) as refused:
        to_cents(text)
    message = str(refused.value)
    assert REFUSED[text] in message
    assert "\n" not in message and len(message) < 120
    assert "InvalidOperation" not in message and "OverflowError" not in message


ACCEPTED = {
    "1,234.50": 123450, "$1,234.50": 123450, "1234.5": 123450, "-$5": -500, "-5.00": -500,
    ".50": 50, "0": 0, " 12 ": 1200, "9,999,999.99": MAX_CENTS, "-9,999,999.99": -MAX_CENTS,
    "1,000": 100000, "007.10": 710,
}


@pytest.mark.parametrize("text", list(ACCEPTED))
def test_money_input_accepts_digits_groups_dollar_sign_and_a_sign(text):
    assert to_cents(text) == ACCEPTED[text]


def test_money_input_a_leading_minus_only_where_negatives_are_allowed():
    assert to_cents("-5", signed=True) == -500
    with pytest.raises(MoneyError, match="negative; this amount must be 0 or more"):
        to_cents("-5", signed=False)
    assert to_cents("0", signed=False) == 0


def test_money_input_the_practice_wide_maximum_is_one_boundary():
    assert MAX_CENTS == 999_999_999 and fmt_grouped(MAX_CENTS) == "9,999,999.99"
    assert to_cents(Decimal("9999999.99")) == MAX_CENTS
    for too_big in ("10000000", Decimal("10000000.00"), 10_000_000, Decimal("1E+400")):
        with pytest.raises(MoneyError, match="too large"):
            to_cents(too_big)
    assert check_range(MAX_CENTS) == MAX_CENTS
    with pytest.raises(MoneyError, match="too large"):
        check_range(MAX_CENTS + 1, "the fee")


def test_money_input_file_values_follow_the_same_rules():
    assert to_cents(Decimal("150.00")) == 15000 and to_cents(12) == 1200
    for bad, words in ((Decimal("NaN"), "finite"), (Decimal("Infinity"), "finite"),
                       (Decimal("1.005"), "two decimals"), (Decimal("1E-999999"), "two decimals"),
                       (1.5, "not an exact amount"), (True, "not an exact amount"),
                       (None, "not an amount")):
        with pytest.raises(MoneyError, match=words):
            to_cents(bad)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_money_input_any_text_is_cents_or_one_money_error(text):
    """Nothing typed can raise anything but MoneyError (no OverflowError, InvalidOperation,
    ValueError from int()), and what is accepted is inside the range."""
    try:
        cents = to_cents(text)
    except MoneyError as refused:
        assert "\n" not in str(refused)
    else:
        assert abs(cents) <= MAX_CENTS


@settings(max_examples=300, deadline=None)
@given(st.integers(-MAX_CENTS, MAX_CENTS))
def test_money_input_formatted_amounts_parse_back(cents):
    from estimator.money import fmt
    assert to_cents(fmt(cents)) == cents
    assert to_cents(fmt_grouped(cents)) == cents
