"""An import's estimates, made from the file's practice while its rows are being stored.

Estimating needs nothing the database adds to a practice file: the claims' statuses and the
procedures' lines as stored (`importer.as_stored_for_estimates`) are all it reads. So
`dentledger import` starts a child process (``fork``) as soon as the file is read: the child
estimates every family of the file's practice (`estimate_rows`, as `reestimate_practice`
does from the stored rows) while the parent stores the rows, and sends back each line's
estimate columns; the parent then writes the lines whose columns differ from what it stored
(`store.derived.estimates.write_import_estimates`). On a server with a second core the
estimating costs the import no time beside the storing.

Nothing depends on the child: where ``fork`` is missing, or the child fails or is killed,
`EstimatesBeside.rows` gives None and the import estimates the stored rows itself, as before.
The child never touches the database (it is forked before the database is opened) and leaves
with ``os._exit`` (`forked.Forked`): no exit handlers, no buffered output written twice.

May import: `estimator`, `store.derived` (the line's columns, the ledger's natural order), this
package's importer.
"""
from __future__ import annotations

import dataclasses
import os
import pickle
from typing import Callable

from estimator.engine import estimate_file_family
from estimator.families import split_families
from estimator.model import Practice

from ..derived.estimates import EXPLANATION, line_columns
from ..derived.ledger_entries import in_natural_order
from .forked import Forked
from .importer import FileClaims, as_stored_for_estimates

Rows = dict[tuple[str, str], tuple]  # (procedure id, plan id) -> `line_columns`
Progress = Callable[[int, int], None]
REPORTS = 100  # progress messages a child sends at most (they wait in the pipe: a few KB)


def estimate_rows(practice: Practice, progress: Progress | None = None,
                  claims: FileClaims | None = None) -> Rows:
    """Every line of the file's ``practice`` estimated family by family (received lines keep
    the file's kept estimates; those without one are replayed), as its columns. ``claims``:
    its `file_claims`, when worked out already."""
    families = split_families(as_stored_for_estimates(practice, claims))
    every = max(1, len(families) // REPORTS)
    rows: Rows = {}
    texts: dict[str, str] = {}  # each explanation once: a fourth of the bytes sent, and of the rows
    for n, family in enumerate(families, 1):
        for key, line in estimate_file_family(family).items():
            columns = line_columns(line)
            text = columns[EXPLANATION]
            rows[key] = (*columns[:EXPLANATION], texts.setdefault(text, text),
                         *columns[EXPLANATION + 1:])
        if progress and (n % every == 0 or n == len(families)):
            progress(n, len(families))
    return rows


class EstimatesBeside(Forked):
    """A child process estimating ``practice`` (`estimate_rows`, with its ``claims`` when
    worked out already); `rows` collects its work. Use as a context manager: leaving it stops
    and reaps a child still running."""

    def __init__(self, practice: Practice, claims: FileClaims | None = None):
        alone = os.environ.get("DENTLEDGER_IMPORT_IN_ONE_PROCESS")
        super().__init__(None if alone else lambda out: _child(practice, claims, out))

    def rows(self, progress: Progress | None = None) -> Rows | None:
        """The child's rows, reporting its progress as it comes; None when there is no child
        or it failed (the caller estimates the stored rows itself)."""
        if self.pipe is None:
            return None
        try:
            while True:
                kind, *value = pickle.load(self.pipe)
                if kind == "rows":
                    return value[0]
                if progress:
                    progress(*value)
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return None  # (the child died, or failed and said nothing)
        finally:
            self.stop()


def _child(practice: Practice, claims: FileClaims | None, out) -> None:
    """The child's job: estimate, send the progress and the rows."""
    def report(done: int, total: int) -> None:
        pickle.dump(("progress", done, total), out)
        out.flush()

    rows = estimate_rows(practice, report, claims)
    # Pickled whole before it is sent: written as it is pickled, the rows would come at the
    # pace the parent takes them, and the parent would wait on the pickling.
    out.write(pickle.dumps(("rows", rows), protocol=pickle.HIGHEST_PROTOCOL))


FREED_AT_ONCE = 5_000  # rows let go between two chances for the main thread to run


def let_go(box: list) -> None:
    """Let what ``box`` holds go (its only references: the practice file, the loader's working
    tables; an empty box: nothing), the practice's rows a few thousand at a time, and leave
    the box empty.

    Freeing a 100,000-patient practice takes about two seconds of work for Python. Run in a
    thread just before long SQL statements (which SQLite runs without Python's lock, not SQL
    whose rows Python reads one by one), it is done beside them on a second core; in small
    steps, so the main thread never waits for more than one step when it needs the lock back."""
    while box:
        practice = getattr(box.pop(), "practice", None)  # (anything else goes at once)
        if practice is None:
            continue
        rows = [list(value) for f in dataclasses.fields(practice)
                if type(value := getattr(practice, f.name)) is tuple
                and len(value) > FREED_AT_ONCE]
        del practice  # (its tuples go; their rows are in ``rows``)
        for part in rows:
            while part:
                del part[-FREED_AT_ONCE:]


def natural_order(practice: Practice) -> bool:
    """Whether the practice's procedures, in its order (the order the import gives them their
    database ids), have file ids in natural order (`ledger_entries.in_natural_order`): then
    the ledger lines need no rank."""
    return in_natural_order([proc.id for proc in practice.procedures])
