"""One rule for the line-API lists (ledger card, Find patient's results): the cursor row
stays on screen, scrolling as little as needed."""
from __future__ import annotations

from textual.scroll_view import ScrollView


def scroll_to_row(view: ScrollView, row: int, page_height: int) -> None:
    """Scroll ``view`` so its content row ``row`` is among the ``page_height`` rows shown."""
    top = view.scroll_offset.y
    if row < top:
        view.scroll_to(y=row, animate=False)
    elif row >= top + page_height:
        view.scroll_to(y=row - page_height + 1, animate=False)
