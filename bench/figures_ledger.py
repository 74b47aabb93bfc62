"""Opening a ledger card of about 200 / 5,000 / 50,000 lines (`DbFrontDesk.account` plus
the first window of 50 rows, a fresh front desk each time: nothing cached), against
Textual's DataTable loading the same rows and painting them (headless ``run_test``); and
scrolling the 50,000-line card: one window of the screen's size deep in the ledger."""
from __future__ import annotations

import asyncio
import time

from .context import Context
from .report import Figure, unavailable
from .timing import Timing, measure, measure_each

WINDOW = 50
# Time to first paint, by ledger size (the card must not get slower as the ledger grows).
OPEN_TARGET_MS = {200: 200, 5_000: 300, 50_000: 500}
P99_SAMPLES = 20  # fewer opens than this: the target applies to the median
FAST_OPEN_MS = 1_000  # a warm-up open faster than this: take P99_SAMPLES opens
SCROLL_WINDOW = 128  # rows the card fetches per call (tui.widgets.ledger_card.WINDOW)
SCROLL_TARGET_MS = 50
# Beyond this many rows the DataTable time is extrapolated (it grows linearly): 5,000 rows
# take seconds, 50,000 about half a minute (1,000 in --quick).
DATATABLE_CAP, QUICK_CAP = 5_000, 1_000


def ledger_cards(ctx: Context) -> list[Figure]:
    try:
        from store.desks.frontdesk import DbFrontDesk
    except ImportError as exc:
        return [unavailable("ledger card open", f"{size:,} lines", f"store.desks.frontdesk: {exc}")
                for size in ctx.big_ledgers]
    if not ctx.big_ledgers:
        return [unavailable("ledger card open", "", "no bench.patient_<size> settings")]
    db = ctx.open()
    try:
        figures = [_one_card(ctx, db, DbFrontDesk, size, pid)
                   for size, pid in ctx.big_ledgers.items()]
        size, pid = max(ctx.big_ledgers.items())
        return figures + [_scroll(ctx, db, DbFrontDesk, size, pid)]
    finally:
        db.close()


def _one_card(ctx: Context, db, desk_class, size: int, pid: int) -> Figure:
    op = "ledger card open"

    last = []

    def open_card():
        desk = desk_class(db)
        view = desk.account(str(pid))
        desk.rows(str(pid), 0, WINDOW)
        last[:] = [desk]
        return view

    # Enough opens for a p99 when they are quick; a slow card gets a few, judged on the median.
    first = measure(open_card, repeat=1, warmup=0)
    reps = P99_SAMPLES if first.median < FAST_OPEN_MS else ctx.reps(5, 2)
    stat = "p99" if reps >= P99_SAMPLES else "median"  # a p99 of a handful is just the max
    timing = measure(open_card, repeat=reps, warmup=0)
    card = last[0].card(str(pid))  # every row, window by window, for the DataTable reference
    columns = [c.title for c in card.columns]
    rows = [[row.cells.get(c.key, "") for c in card.columns] for row in card.rows]
    ref, how = datatable_reference(columns, rows, ctx)
    target = OPEN_TARGET_MS.get(size)
    return Figure(op, f"{size:,} lines", timing, reference=f"DataTable {how}", ref_timing=ref,
                  target_ms=target, target_stat=stat, beat_reference=target is None,
                  note=f"DbFrontDesk(db).account(pid) + .rows(pid, 0, {WINDOW}), nothing cached; "
                       f"patient {pid}: {len(rows):,} card rows with the day summaries; "
                       f"target on the {stat} of {reps} opens after one warm-up"
                       f"{'' if stat == 'p99' else ' (too few for a p99)'}")


def _scroll(ctx: Context, db, desk_class, size: int, pid: int) -> Figure:
    """Paging through the card: windows at offsets spread over its second half (the card's
    header and day index are already open, as they are on screen)."""
    desk = desk_class(db)
    count = desk.account(str(pid)).row_count
    n = ctx.reps(40, 10)
    starts = [count // 2 + (count // 2 - SCROLL_WINDOW) * k // n for k in range(n)]
    timing = measure_each([lambda s=s: desk.rows(str(pid), s, s + SCROLL_WINDOW) for s in starts])
    return Figure("ledger card scroll one page", f"{size:,} lines", timing,
                  target_ms=SCROLL_TARGET_MS, target_stat="p99",
                  note=f"DbFrontDesk.rows(pid, k, k + {SCROLL_WINDOW}) at {n} offsets k from "
                       f"{starts[0]:,} to {starts[-1]:,} of {count:,} rows, card open")


_capped: dict[int, Timing] = {}  # the capped measurement, taken once per run


def datatable_reference(columns: list[str], rows: list[list[str]], ctx: Context):
    """Time for a DataTable app to load ``rows`` and paint them; measured up to the cap,
    scaled linearly from the capped measurement beyond it."""
    n, cap = len(rows), QUICK_CAP if ctx.quick else DATATABLE_CAP
    if n <= cap:
        reps = ctx.reps(3 if n <= 1_000 else 2, 1)
        return Timing.of([_datatable_seconds(columns, rows) for _ in range(reps)]), f"{n:,} rows"
    if cap not in _capped:
        _capped[cap] = Timing.of([_datatable_seconds(columns, rows[:cap])])
    return _capped[cap].scaled(n / cap), f"{n:,} rows (extrapolated)"


def _datatable_seconds(columns: list[str], rows: list[list[str]]) -> float:
    """Seconds from starting a headless app until its DataTable holds ``rows`` and the
    first frame is painted (the app's shutdown is not counted)."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Card(App):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*columns)
            table.add_rows(rows)

    elapsed = []

    async def run() -> None:
        start = time.perf_counter()
        async with Card().run_test(size=(160, 50)) as pilot:
            await pilot.pause()  # mounted, rows added, first frame painted
            elapsed.append(time.perf_counter() - start)

    asyncio.run(run())
    return elapsed[0]
