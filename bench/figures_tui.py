"""Keystroke to results painted: the Find patient screen of the real app (headless
``run_test``, 80x24) over the benchmark practice. Timed from the last key of a search text
to the frame after the screen has put that text's results in its table, debounce included
(it is what the front desk feels)."""
from __future__ import annotations

import asyncio
import time

from .context import Context
from .figures_search import search_texts
from .report import Figure, unavailable
from .timing import Timing

TARGET_MS = 100
SIZE = (80, 24)
WAIT_S = 10.0  # a result that takes longer than this is a hang, not a sample


def keystroke_to_results(ctx: Context) -> Figure:
    op, size = "keystroke to results painted", f"{ctx.patients:,} patients"
    try:
        from cli.commands import started
        from store.desks.frontdesk import DbFrontDesk
        from tui.app import DEFAULT_CONFIG, build_app
        from tui.screens.find_patient import FindPatientScreen
    except ImportError as exc:
        return unavailable(op, size, f"tui/store: {exc}", target_ms=TARGET_MS)
    debounce = DEFAULT_CONFIG["search_debounce"]
    db = ctx.open()
    try:
        texts = search_texts(db, ctx.reps(60, 20), seed=13)
        # As `dentledger` runs it: the same start-up hook (`cli.commands.started`).
        app = build_app(DbFrontDesk(db), config={"search_debounce": debounce,
                                                 "refresh_seconds": 0, "cursor_blink": False,
                                                 "after_first_paint": started})
        seconds = asyncio.run(_type_all(app, FindPatientScreen, texts))
    finally:
        db.close()
    return Figure(op, size, Timing.of(seconds), target_ms=TARGET_MS,
                  note=f"real app headless run_test {SIZE[0]}x{SIZE[1]}, DbFrontDesk: "
                       f"{len(texts)} texts (name prefixes, 'last, f', birthdates, ids); "
                       f"the rest of each text typed and shown first, then the last key "
                       f"timed until the frame after its results are in the list; the app's "
                       f"search pace (at most one search per {debounce * 1000:.0f} ms: a key "
                       f"after a pause searches at once) and start-up hook as `dentledger` has them")


async def _type_all(app, screen_class, texts: list[str]) -> list[float]:
    async with app.run_test(size=SIZE) as pilot:
        screen = await _find_screen(pilot, screen_class)
        painted = _watch_results(app, screen)
        await _opening_list(pilot, screen, painted)
        seconds = []
        for i, text in enumerate(texts):
            await _set_text(pilot, painted, text[:-1])
            start = time.perf_counter()
            await pilot.press(text[-1])
            end = await _until(pilot, painted, text, after=start)
            if i:  # the first one warms the query path
                seconds.append(end - start)
    return seconds


async def _find_screen(pilot, screen_class):
    for _ in range(500):
        if isinstance(pilot.app.screen, screen_class):
            return pilot.app.screen
        await pilot.pause(0.01)
    raise RuntimeError("the Find patient screen did not open")


def _watch_results(app, screen) -> dict[str, float]:
    """Hook the screen's "results arrived" step (bench only): record, per search text, the
    time of the first refresh after the table was filled with its results."""
    painted: dict[str, float] = {}
    show = screen._show

    def show_and_mark(text, hits):
        show(text, hits)
        app.call_after_refresh(lambda: painted.__setitem__(text, time.perf_counter()))

    screen._show = show_and_mark
    return painted


async def _opening_list(pilot, screen, painted: dict[str, float]) -> None:
    """The list shown at start (it may have been painted before the hook was in place)."""
    deadline = time.perf_counter() + WAIT_S
    while "" not in painted and not screen.results.row_count:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no opening list within {WAIT_S:.0f} s")
        await pilot.pause(0.01)
    await pilot.pause()


async def _set_text(pilot, painted: dict[str, float], text: str) -> None:
    """Put ``text`` in the search box (as typing would) and wait for its results."""
    box = pilot.app.screen.query_one("#find-input")
    if box.value == text:
        return
    painted.pop(text, None)
    box.value = text
    box.cursor_position = len(text)
    await _until(pilot, painted, text)


async def _until(pilot, painted: dict[str, float], text: str, after: float = 0.0) -> float:
    deadline = time.perf_counter() + WAIT_S
    while time.perf_counter() < deadline:
        at = painted.get(text)
        if at is not None and at >= after:
            return at
        await pilot.pause(0.002)
    raise TimeoutError(f"no results painted for {text!r} within {WAIT_S:.0f} s")
