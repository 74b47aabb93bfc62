"""One group's estimate run kept from one replay step to the next (see `replay`).

A replay step needs what a run from the start of the group would give with the payments entered
so far. The tape keeps such a run: one entry per line the walk estimated (the group's lines still
to estimate, in estimation order) with what it read (what was left of a deductible or maximum),
what it added to the running totals and its procedure's lines after it. When payments are entered
only the entries whose inputs changed are estimated again, in estimation order:
- those of procedures whose claim was paid (statuses, actual amounts and kept estimates changed);
- those that read a total that changed, or that an entry estimated again added something else to,
  when what is left of it is no longer the same. A deductible or maximum already used up stays
  used up when more is paid, so in a year whose maximum is spent, almost nothing is redone.
Then the walk goes on in estimation order until the step's lines are done.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass
from heapq import heapify, heappop, heappush
from typing import Callable, Iterable, Mapping

from .lines import Line
from .lookup import PaymentState
from .results import LineEstimate
from .usage import Usage
from .worksheet import Key, Run, Workbook


class Sums:
    """Amounts added at ranks, summed over the ranks before one (a sparse Fenwick tree)."""

    __slots__ = ("size", "tree")

    def __init__(self, size: int):
        self.size = size
        self.tree: dict[int, int] = {}

    def add(self, rank: int, amount: int) -> None:
        i, tree = rank + 1, self.tree
        while i <= self.size:
            tree[i] = tree.get(i, 0) + amount
            i += i & -i

    def before(self, rank: int) -> int:
        i, tree, total = rank, self.tree, 0
        while i > 0:
            total += tree.get(i, 0)
            i -= i & -i
        return total


class EntryUsage(Usage):
    """The running totals as one entry sees them: the history, what earlier entries added
    (``earlier``) and what this entry added so far. Every read is recorded."""

    def __init__(self, history: Usage, earlier: Callable[[tuple], int]):
        super().__init__(history)
        self._earlier = earlier
        self.reads: list[tuple[tuple, int, int, int]] = []  # (key, own amount so far, amount, left)

    def _get(self, key: tuple) -> int:
        return self._history._get(key) + self._earlier(key) + self.totals.get(key, 0)

    def left(self, key: tuple, amount: int) -> int:
        own = self.totals.get(key, 0)
        value = max(0, amount - (self._history._get(key) + self._earlier(key) + own))
        self.reads.append((key, own, amount, value))
        return value


@dataclass
class Entry:
    line: Line
    reads: list[tuple[tuple, int, int, int]]
    writes: dict[tuple, int]                 # what the entry added to the running totals
    after: tuple[LineEstimate | None, ...]   # its procedure's lines after it (None: not estimated)
    planned: dict[tuple, int] | None         # planned-work counts it saw (frequency limits)


class Tape(Run):
    def __init__(self, book: Workbook, state: PaymentState, frozen: Mapping[Key, LineEstimate],
                 history: Usage, live: list[int]):
        super().__init__(book, state, frozen, history)
        self.history = history
        self._idle = self.usage
        self.live = live              # ranks of the group's lines still to estimate (kept by the ledger)
        self.frontier = 0             # every live line ranked below it has an entry
        self.entries: dict[int, Entry] = {}
        self.proc_ranks: dict[str, list[int]] = defaultdict(list)
        self.readers: dict[tuple, list[int]] = defaultdict(list)      # key -> ranks reading it
        self.not_used_up: dict[tuple, list[int]] = defaultdict(list)  # ... finding something left
        self.sums: dict[tuple, Sums] = {}
        self.total: dict[tuple, int] = defaultdict(int)
        self._paid_procs: set[str] = set()
        self._history_changes: dict[tuple, int] = defaultdict(int)

    # -- what changed since the last step ----------------------------------------------------

    def note_procedures(self, pids: Iterable[str]) -> None:
        self._paid_procs.update(pids)

    def note_history(self, key: tuple, amount: int) -> None:
        self._history_changes[key] += amount

    # -- one step -------------------------------------------------------------------------------

    def estimate(self, targets: set[Key]) -> dict[Key, LineEstimate]:
        self._catch_up()
        waiting = set(targets)
        while True:
            for key in [key for key in waiting if key in self.results]:
                waiting.discard(key)
                waiting |= self._may_still_shrink(key)
            at = bisect_left(self.live, self.frontier)
            if not waiting or at == len(self.live):
                return self.results
            rank = self.live[at]
            self.frontier = rank + 1
            self._walk(rank)

    def _walk(self, rank: int) -> None:
        line = self.book.ordered[rank]
        planned = dict(self.planned_counts) if self._counts_planned(line) else None
        entry = self._evaluate(line, lambda key: self.total.get(key, 0))
        entry.planned = planned
        self.entries[rank] = entry
        insort(self.proc_ranks[line.proc.id], rank)
        self._index(rank, entry)
        for key, amount in entry.writes.items():
            self._add(key, rank, amount)

    def _evaluate(self, line: Line, earlier: Callable[[tuple], int]) -> Entry:
        usage = self.usage = EntryUsage(self.history, earlier)
        self._ensure(line)
        self.usage = self._idle  # the entry's reader refers back to the tape: leave no cycle behind
        after = tuple(self.results.get(s.id) for s in self.book.by_proc[line.proc.id])
        return Entry(line, usage.reads, {k: v for k, v in usage.totals.items() if v}, after, None)

    def _counts_planned(self, line: Line) -> bool:
        return line.planned and any(s.plan.frequency for s in self.book.by_proc[line.proc.id])

    # -- estimating changed entries again ------------------------------------------------------

    def _catch_up(self) -> None:
        forced = {rank for pid in self._paid_procs for rank in self.proc_ranks.get(pid, ())}
        heap = list(forced)
        for key, amount in self._history_changes.items():
            if amount:  # more used: what was used up stays used up
                heap += self.readers.get(key, ()) if amount < 0 else self.not_used_up.get(key, ())
        self._paid_procs.clear()
        self._history_changes.clear()
        heapify(heap)
        last = -1
        while heap:
            rank = heappop(heap)
            if rank == last:
                continue
            last = rank
            entry = self.entries.get(rank)
            if entry is not None and (rank in forced or self._reads_changed(rank, entry)):
                self._redo(rank, entry, heap, forced)

    def _reads_changed(self, rank: int, entry: Entry) -> bool:
        for key, own, amount, value in entry.reads:
            if max(0, amount - (self.history._get(key) + self._before(key, rank) + own)) != value:
                return True
        return False

    def _before(self, key: tuple, rank: int) -> int:
        sums = self.sums.get(key)
        return 0 if sums is None else sums.before(rank)

    def _redo(self, rank: int, entry: Entry, heap: list[int], forced: set[int]) -> None:
        pid = entry.line.proc.id
        siblings = self.book.by_proc[pid]
        ranks = self.proc_ranks[pid]
        at = ranks.index(rank)
        before = self.entries[ranks[at - 1]].after if at else (None,) * len(siblings)
        live = self.live
        n = bisect_left(live, rank)
        new = None
        if n < len(live) and live[n] == rank:
            self._show(siblings, before)
            keep = self.planned_counts
            if entry.planned is not None:
                self.planned_counts = dict(entry.planned)
            new = self._evaluate(entry.line, lambda key: self._before(key, rank))
            new.planned = entry.planned
            self.planned_counts = keep
        self._unindex(rank, entry)
        if new is None:  # its claim was paid: a run no longer estimates it here
            del self.entries[rank]
            del ranks[at]
        else:
            self.entries[rank] = new
            self._index(rank, new)
            at += 1
        writes = new.writes if new is not None else {}
        for key in entry.writes.keys() | writes.keys():
            amount = writes.get(key, 0) - entry.writes.get(key, 0)
            if amount:
                self._add(key, rank, amount)
                readers = self.readers.get(key, ()) if amount < 0 else self.not_used_up.get(key, ())
                for later in readers[bisect_right(readers, rank):]:
                    heappush(heap, later)
        after = new.after if new is not None else before
        if after != entry.after and at < len(ranks):
            forced.add(ranks[at])
            heappush(heap, ranks[at])
        self._show(siblings, self.entries[ranks[-1]].after if ranks else (None,) * len(siblings))

    def _show(self, siblings: list[Line], estimates: tuple[LineEstimate | None, ...]) -> None:
        """Set the results of a procedure's lines (None: not estimated)."""
        for line, estimate in zip(siblings, estimates):
            if estimate is None:
                self.results.pop(line.id, None)
            else:
                self.results[line.id] = estimate

    # -- indexes ------------------------------------------------------------------------------

    def _add(self, key: tuple, rank: int, amount: int) -> None:
        sums = self.sums.get(key)
        if sums is None:
            sums = self.sums[key] = Sums(len(self.book.ordered))
        sums.add(rank, amount)
        self.total[key] += amount

    def _index(self, rank: int, entry: Entry) -> None:
        for key in {read[0] for read in entry.reads}:
            insort(self.readers[key], rank)
        for key in {read[0] for read in entry.reads if read[3] > 0}:
            insort(self.not_used_up[key], rank)

    def _unindex(self, rank: int, entry: Entry) -> None:
        for key in {read[0] for read in entry.reads}:
            _remove(self.readers[key], rank)
        for key in {read[0] for read in entry.reads if read[3] > 0}:
            _remove(self.not_used_up[key], rank)


def _remove(ranks: list[int], rank: int) -> None:
    at = bisect_left(ranks, rank)
    if at < len(ranks) and ranks[at] == rank:
        del ranks[at]
