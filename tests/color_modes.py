"""Colour modes of the screenshot tests (see ``tests/conftest.py``, fixture ``color_mode``)."""
from __future__ import annotations

from functools import lru_cache

import pytest
from rich.color import Color, ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color as TextualColor
from textual.filter import LineFilter

# Every screenshot test marked with it runs in full colour, without colour and in 16 colours.
COLORS = pytest.mark.parametrize("color_mode", ["full", "no_color", "16"], indirect=True)


@lru_cache(1024)
def _standard(color: Color | None) -> Color | None:
    if color is None or color.is_default:
        return color
    return color.downgrade(ColorSystem.STANDARD)


@lru_cache(4096)
def _sixteen(style: Style) -> Style:
    color, bgcolor = _standard(style.color), _standard(style.bgcolor)
    if color is style.color and bgcolor is style.bgcolor:
        return style
    return style + Style.from_color(color, bgcolor)


class SixteenColors(LineFilter):
    """Each colour as the nearest of the 16 standard ones (a 16-colour terminal)."""

    def apply(self, segments: list[Segment], background: TextualColor) -> list[Segment]:
        return [Segment(text, None if style is None else _sixteen(style), control)
                for text, style, control in segments]
