"""estimator.text.clean: user text never reaches a terminal raw."""
from __future__ import annotations

import pytest

from estimator.text import clean


def test_escape_sequence_becomes_visible():
    assert clean("\x1b]2;x\x07") == "␛]2;x␇"


def test_markup_is_left_alone():
    assert clean("[bold]x[/]") == "[bold]x[/]"


@pytest.mark.parametrize("raw, shown", [
    ("a\tb", "a b"),
    ("line1\nline2", "line1␤line2"),
    ("line1\r\nline2", "line1␤line2"),
    ("\x00\x7f", "␀␡"),
    ("\x9b31m", "\ufffd31m"),          # C1 CSI
    ("abc\u202edef", "abc\ufffddef"),  # right-to-left override
    ("Muñoz, José 😀", "Muñoz, José 😀"),
    ("", ""),
    (None, ""),
])
def test_clean(raw, shown):
    assert clean(raw) == shown


def test_clean_is_idempotent():
    text = "\x1b[31mred\x1b[0m\x85"
    assert clean(clean(text)) == clean(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in clean(text))
