"""Make user text safe to show on a terminal.

Patient names, notes and remarks come from the front desk and from imported
files; a stray ESC or C1 byte would let that text move the cursor, retitle the
terminal or hide rows. `clean` swaps every control character for a visible
stand-in so the text shows what is there and never acts on the terminal.
Markup-looking text such as ``[bold]`` is left alone: escaping markup is the
job of whoever renders with markup (the TUI builds `rich.text.Text` cells).
"""
from __future__ import annotations

import re
from functools import lru_cache

# U+2400 "Control Pictures" has a symbol for each C0 code: NUL -> "␀", ESC -> "␛", BEL -> "␇".
_PICTURE_BASE = 0x2400
_DEL_PICTURE = "\u2421"   # ␡
_NEWLINE = "\u2424"       # ␤ (a cell is one line)
_UNKNOWN = "\ufffd"       # C1 controls and bidi overrides have no picture
# Bidirectional overrides/isolates can reorder what is displayed ("trojan source").
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")


def _picture(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch == "\t":
        return " "
    if ch in "\n\r\u2028\u2029":
        return _NEWLINE
    if code < 0x20:
        return chr(_PICTURE_BASE + code)
    if code == 0x7F:
        return _DEL_PICTURE
    return _UNKNOWN


@lru_cache(maxsize=8192)  # the same codes, descriptions and names come back again and again
def clean(s: str | None) -> str:
    """``s`` with control characters replaced by visible stand-ins (``None`` -> ``""``).

    Tab becomes a space; a line break (``\\r\\n`` counts as one) becomes ``␤``;
    other C0 codes and DEL become their Control Pictures (ESC -> ``␛``); C1
    codes and bidirectional overrides become ``\\ufffd``.
    """
    if not s:
        return ""
    return _CONTROL.sub(_picture, s.replace("\r\n", "\n"))
