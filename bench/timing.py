"""Timing helpers: run a function several times, summarise in milliseconds."""
from __future__ import annotations

import gc
import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Timing:
    """Summary of one measurement in milliseconds."""
    samples: int
    median: float
    p95: float
    p99: float

    @classmethod
    def of(cls, seconds: list[float]) -> "Timing":
        ms = sorted(s * 1000 for s in seconds)
        return cls(len(ms), statistics.median(ms), percentile(ms, 95), percentile(ms, 99))

    def scaled(self, factor: float) -> "Timing":
        return Timing(self.samples, self.median * factor, self.p95 * factor, self.p99 * factor)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile (with few samples p99 is the slowest run, as it should be)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(fn: Callable[[], object], *, repeat: int, warmup: int = 1,
            setup: Callable[[], object] | None = None) -> Timing:
    """Time ``fn()`` ``repeat`` times after ``warmup`` untimed calls (``setup`` untimed
    before each call). The garbage collector runs between calls, not during them."""
    for _ in range(warmup):
        if setup:
            setup()
        fn()
    seconds = []
    for _ in range(repeat):
        if setup:
            setup()
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            seconds.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return Timing.of(seconds)


def measure_each(fns: list[Callable[[], object]], *, rounds: int = 1) -> Timing:
    """Time each of several different calls (e.g. one query per search text), ``rounds`` times."""
    seconds = []
    gc.collect()
    gc.disable()  # a collection landing inside one call would be the p99
    try:
        for _ in range(rounds):
            for fn in fns:
                start = time.perf_counter()
                fn()
                seconds.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return Timing.of(seconds)
