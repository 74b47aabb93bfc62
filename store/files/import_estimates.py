"""An import's estimates, made from the file's practice while its rows are being stored.

Estimating needs nothing the database adds to a practice file: the claims' statuses and the
procedures' lines as stored (`importer.as_stored_for_estimates`) are all it reads. So
`dentledger import` starts a child process (``fork``) as soon as the file is read: the child
estimates every family of the file's practice (`estimate_rows`, as `reestimate_practice`
does from the stored rows) while the parent stores the rows, and sends back each line's
estimate columns; the parent then writes the lines whose columns differ from what it stored
(`store.derived.estimates.compare_import_estimates`, against the lines as the loader wrote
them: `importer._Loader.stored_estimates`). On a server with a second core the estimating
costs the import no time beside the storing.

The child writes its rows to a file in memory (``memfd``) and then sends their size: it can
finish before the parent reads them. The parent looks once its rows are stored, just before
their indexes are built (`EstimatesBeside.finished`, never waiting): a child done by then
has its rows unpickled and compared in a thread while SQLite builds the indexes (without
Python's lock); otherwise the parent waits for them after the index build (`rows`).

Nothing depends on the child: where ``fork`` is missing, or the child fails or is killed,
`EstimatesBeside.rows` gives None and the import estimates the stored rows itself, as before.
The child never touches the database (it is forked before the database is opened) and leaves
with ``os._exit`` (`forked.Forked`): no exit handlers, no buffered output written twice.

May import: `estimator`, `store.derived` (the line's columns, the ledger's natural order), this
package's importer.
"""
from __future__ import annotations

import dataclasses
import io
import os
import pickle
import tempfile
from typing import Callable

from estimator.engine import estimate_file_family
from estimator.families import split_families
from estimator.model import Practice

from ..derived.estimates import EXPLANATION, compare_import_estimates, line_columns
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
    worked out already); `rows` collects its work, `finished` takes it only if it is done.
    Use as a context manager: leaving it stops and reaps a child still running.

    The child writes its rows to an anonymous file (memory) and sends their size last: so
    it can finish, and the parent see that it has, before the parent reads them."""

    def __init__(self, practice: Practice, claims: FileClaims | None = None):
        alone = os.environ.get("DENTLEDGER_IMPORT_IN_ONE_PROCESS")
        self.sent = None if alone else _anonymous_file()
        super().__init__(None if alone else lambda out: _child(practice, claims, out, self.sent))

    def rows(self, progress: Progress | None = None) -> Rows | None:
        """The child's rows, reporting its progress as it comes; None when there is no child
        or it failed (the caller estimates the stored rows itself)."""
        sent = self._answer(progress)
        try:
            return None if sent is None else rows_sent(sent)
        except Exception:  # noqa: BLE001 - rows that do not unpickle: the caller estimates
            return None

    def compared(self, stored, progress: Progress | None = None) -> tuple | None:
        """`estimates.compare_import_estimates` of the child's rows (waiting for them,
        reporting its progress) and the ``stored`` lines; None when there is no child or it
        failed."""
        rows = self.rows(progress)
        return None if rows is None else compare_import_estimates(rows, stored)

    def finished(self) -> bytes | None:
        """The child's rows as it sent them (`rows_sent`), if it is done already: never waits
        for it. None while it is still running (or when there is none: call `rows`)."""
        if self.pid is None or self.pipe is None:
            return None
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return None
        self.pid, self.status = None, status
        return self._answer(None) if os.WIFEXITED(status) and not os.WEXITSTATUS(status) else None

    def _answer(self, progress: Progress | None) -> bytes | None:
        if self.pipe is None:
            return None
        try:
            while True:
                kind, *value = pickle.load(self.pipe)
                if kind == "rows":
                    return _read_all(self.sent, value[0])
                if progress:
                    progress(*value)
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError, OSError):
            return None  # (the child died, or failed and said nothing)
        finally:
            self.stop()

    def stop(self) -> None:
        super().stop()
        if self.sent is not None:
            self.sent.close()
            self.sent = None


ROWS_AT_ONCE = 5_000  # rows per pickle: between two, a thread unpickling lets the main one in


def rows_sent(sent: bytes) -> Rows:
    """The rows as the child sent them: pickles of a few thousand rows each, one pickler
    for all (each explanation is sent once)."""
    rows: Rows = {}
    stream = io.BytesIO(sent)
    unpickler = pickle.Unpickler(stream)
    while stream.tell() < len(sent):
        rows.update(unpickler.load())
    return rows


def compare_sent(sent: bytes, stored) -> tuple:
    """`estimates.compare_import_estimates` of the child's rows as it sent them and the
    ``stored`` lines: no database (run in a thread beside the index build)."""
    return compare_import_estimates(rows_sent(sent), stored)


def _anonymous_file():
    """A file in memory (Linux), else an unnamed temporary file (0600): the child's rows."""
    try:
        return os.fdopen(os.memfd_create("dentledger-import-estimates", os.MFD_CLOEXEC), "w+b")
    except (AttributeError, OSError):
        return tempfile.TemporaryFile()


def _read_all(file, size: int) -> bytes:
    file.seek(0)
    data = file.read(size)
    if len(data) != size:
        raise EOFError("the child's rows are cut short")
    return data


def _child(practice: Practice, claims: FileClaims | None, out, sent) -> None:
    """The child's job: estimate, send the progress, write the rows and send their size."""
    def report(done: int, total: int) -> None:
        pickle.dump(("progress", done, total), out)
        out.flush()

    rows = list(estimate_rows(practice, report, claims).items())
    pickler = pickle.Pickler(sent, protocol=pickle.HIGHEST_PROTOCOL)
    for start in range(0, len(rows), ROWS_AT_ONCE):
        pickler.dump(dict(rows[start:start + ROWS_AT_ONCE]))
    sent.flush()
    pickle.dump(("rows", sent.tell()), out)


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
