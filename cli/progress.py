"""Progress of long commands: a bar on a terminal, one summary line when piped.

The one helper every long command uses (`dentledger import`, `demo --patients N`, the
billing run `statements`, `era import`)::

    with Progress("importing practice.json", stream=sys.stderr) as progress:
        parsed = progress.step("reading the file", lambda: load_practice_file(path))
        progress.stage("estimating families")          # a new bar
        reestimate_practice(db, progress=progress)      # calls progress(done, total)
        progress.done("imported 5,000 patients")        # the summary line

On a terminal (``stream.isatty()``) each stage is a line of rich's progress display (what,
bar, done/total, elapsed time, a note) on ``stream``; the summary is printed after it. What
a stage and its note say is shown as text (no markup, control characters made visible: a
file name is user text). Piped or redirected, nothing is drawn (no carriage returns in a
log file): only the summary line, with the elapsed time. The store reports progress as a plain ``callback(done, total)``
(``store.derived.estimates.Progress``), so it never imports this module.
"""
from __future__ import annotations

import sys
import time
from typing import IO, Any, Callable, TypeVar

from estimator.text import clean

T = TypeVar("T")
REFRESH_PER_SECOND = 8  # over a slow SSH link: a few redraws a second, not one per item


class Progress:
    """A context manager: stages with a bar each on a terminal, a summary line either way."""

    def __init__(self, title: str, *, stream: IO[str] | None = None,
                 summary_stream: IO[str] | None = None, force_terminal: bool | None = None):
        self.title = title
        self.stream = stream or sys.stderr
        self.summary_stream = summary_stream or sys.stdout
        self.live = self._isatty() if force_terminal is None else force_terminal
        self._bar: Any = None      # rich.progress.Progress on a terminal
        self._task: Any = None
        self._started = time.perf_counter()
        self._summary: str | None = None

    def _isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    # --- context --------------------------------------------------------------------------

    def __enter__(self) -> Progress:
        if self.live:
            from rich.console import Console  # imported here: quick commands never pay for it
            from rich.progress import (
                BarColumn, MofNCompleteColumn, Progress as Bars, TextColumn, TimeElapsedColumn,
            )
            console = Console(file=self.stream)
            self._bar = Bars(TextColumn("{task.description}", markup=False), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(),
                             TextColumn("{task.fields[note]}", markup=False),
                             console=console, refresh_per_second=REFRESH_PER_SECOND)
            self._bar.start()
        return self

    def __exit__(self, kind, *exc) -> bool:
        if self._bar is not None:
            self._bar.stop()
        if kind is None and self._summary is not None:
            print(self._summary, file=self.summary_stream, flush=True)
        return False

    # --- stages -----------------------------------------------------------------------------

    def stage(self, description: str, total: int | None = None) -> None:
        """Start a new stage (its own bar on a terminal; ``total`` None: not known yet)."""
        if self._bar is not None:
            if self._task is not None:
                self._bar.update(self._task, completed=self._bar.tasks[-1].total or 0)
            self._task = self._bar.add_task(clean(description), total=total, note="")

    def __call__(self, done: int, total: int | None = None, note: str | None = None) -> None:
        """The store's callback: ``done`` of ``total`` in the current stage (``note``: what
        the command adds after the bar, e.g. the billing run's files written and amount due)."""
        if self._bar is not None and self._task is not None:
            fields = {} if note is None else {"note": clean(note)}
            self._bar.update(self._task, completed=done, total=total, **fields)

    def step(self, description: str, work: Callable[[], T]) -> T:
        """One stage that cannot count its progress (a bar that fills when done)."""
        self.stage(description, total=1)
        result = work()
        self(1, 1)
        return result

    def done(self, summary: str, *, timed: bool = True) -> None:
        """The summary line, printed when the block ends well; ``timed``: with the elapsed
        time added (False when ``summary`` says it already)."""
        elapsed = f" in {time.perf_counter() - self._started:.1f} s" if timed else ""
        self._summary = clean(summary) + elapsed
