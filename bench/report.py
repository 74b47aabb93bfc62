"""One benchmark figure's result, and the table / JSON they are reported as."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

from .timing import Timing

NOT_AVAILABLE = "not available yet"


@dataclass
class Figure:
    operation: str
    size: str = ""
    timing: Timing | None = None
    target_ms: float | None = None
    target_stat: str = "p99"      # which statistic the target applies to
    reference: str = ""
    ref_timing: Timing | None = None
    note: str = ""
    beat_reference: bool = False  # pass = faster than the reference (no fixed target)
    target_ratio: float | None = None  # pass = stat / reference's same stat <= this

    @property
    def ratio(self) -> float | None:
        """This figure's target statistic over the reference's (same run)."""
        if self.timing is None or self.ref_timing is None:
            return None
        ref = getattr(self.ref_timing, self.target_stat)
        return getattr(self.timing, self.target_stat) / ref if ref else None

    @property
    def target(self) -> str:
        if self.target_ms is not None:
            return f"{self.target_stat} < {_ms(self.target_ms)}"
        if self.target_ratio is not None:
            return f"{self.target_stat} <= {self.target_ratio:g}x reference"
        return "< reference" if self.beat_reference else ""

    @property
    def passed(self) -> bool | None:
        if self.timing is None:
            return None
        value = getattr(self.timing, self.target_stat)
        if self.target_ms is not None:
            return value < self.target_ms
        if self.target_ratio is not None:
            ratio = self.ratio
            return None if ratio is None else ratio <= self.target_ratio
        if self.beat_reference and self.ref_timing is not None:
            return value < getattr(self.ref_timing, self.target_stat)
        return None

    def as_json(self) -> dict:
        t, r = self.timing, self.ref_timing
        return {
            "operation": self.operation, "size": self.size,
            "samples": t.samples if t else 0,
            "median_ms": _num(t.median) if t else None, "p95_ms": _num(t.p95) if t else None,
            "p99_ms": _num(t.p99) if t else None,
            "target": self.target, "target_ms": self.target_ms, "target_stat": self.target_stat,
            "target_ratio": self.target_ratio,
            "ratio": _num(self.ratio) if self.ratio is not None else None,
            "reference": self.reference,
            "reference_median_ms": _num(r.median) if r else None,
            "reference_p99_ms": _num(r.p99) if r else None,
            "passed": self.passed, "note": self.note,
        }


def unavailable(operation: str, size: str, why: str, **kw) -> Figure:
    return Figure(operation, size, note=f"{NOT_AVAILABLE}: {why}", **kw)


def table(figures: list[Figure]) -> str:
    rows = []
    notes = []
    for f in figures:
        t, r = f.timing, f.ref_timing
        mark = ""
        if f.note:
            notes.append(f.note)
            mark = f" [{len(notes)}]"
        result = {True: "pass", False: "FAIL", None: "-" if t else "n/a"}[f.passed]
        rows.append((f.operation + mark, f.size,
                     _ms(t.median) if t else "", _ms(t.p95) if t else "", _ms(t.p99) if t else "",
                     f.target, f.reference, _ms(r.median) if r else "", _ms(r.p99) if r else "",
                     result))
    text = tabulate(rows, headers=("operation", "size", "median", "p95", "p99", "target",
                                   "reference", "ref median", "ref p99", "result"),
                    tablefmt="simple", disable_numparse=True)
    if notes:
        text += "\n\n" + "\n".join(f"[{i}] {n}" for i, n in enumerate(notes, 1))
    return text


def write_json(path: Path, run: dict, figures: list[Figure]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"run": run, "figures": [f.as_json() for f in figures]}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _ms(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 10:
        return f"{value:.0f} ms"
    return f"{value:.2f} ms"


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 3)
