"""Shared by every test folder: the colour mode of the TUI's screenshots.

The office's terminal may have no colour (``NO_COLOR``) or only the 16 standard colours. The
``color_mode`` fixture puts the app in one of ``COLOR_MODES`` before it is built:

- ``full``: true colour, as the snapshot tests always ran;
- ``no_color``: ``NO_COLOR=1`` in the environment, which Textual reads when the app starts
  (its own filter removes every colour);
- ``16``: every colour drawn as the nearest of the 16 standard terminal colours (a line filter
  added to the app, as a 16-colour terminal would show it).

A screenshot test takes the mode with ``@COLORS`` (all three) or its default ``full``; the
mode is part of the test id, so each mode has its own stored screenshot::

    from color_modes import COLORS

    @COLORS
    def test_find_patient(snap_compare, color_mode, make_app, ...):

Only a representative set of screens runs in all three modes (the suite's time).
"""
from __future__ import annotations

import pytest

COLOR_MODES = ("full", "no_color", "16")


@pytest.fixture
def color_mode(request, monkeypatch) -> str:
    mode = getattr(request, "param", "full")
    if mode not in COLOR_MODES:
        raise ValueError(f"unknown colour mode {mode!r}")
    if mode == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    elif mode == "16":
        from textual.app import App
        from color_modes import SixteenColors
        sixteen = SixteenColors()
        shown = App.get_line_filters
        monkeypatch.setattr(App, "get_line_filters", lambda self: [*shown(self), sixteen])
    return mode
