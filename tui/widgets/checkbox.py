"""A checkbox whose state reads without colour: ``[x]`` ticked, ``[ ]`` not.

Textual's Checkbox draws the same ``▐X▌`` either way and tells ticked from not by colour only,
which a monochrome terminal (``NO_COLOR``) or a colour-blind user cannot see. Every checkbox
of the desk is this one (a test refuses Textual's in `tui/`).
"""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox as TextualCheckbox

TICKED, UNTICKED = "[x]", "[ ]"


class Checkbox(TextualCheckbox):
    """Textual's checkbox (same messages, keys and value), drawn ``[x] label`` / ``[ ] label``."""

    def render(self) -> Content:
        mark = Content.styled(TICKED if self.value else UNTICKED,
                              self.get_visual_style("toggle--button"))
        label = self.label.pad(1, 1).stylize_before(self.get_visual_style("toggle--label"))
        return Content.assemble(mark, label)

    def get_content_width(self, container, viewport) -> int:
        return len(TICKED) + (2 if self.label else 0) + self.label.get_optimal_width(
            self.styles, 0)
