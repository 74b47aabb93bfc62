"""`dentledger import` estimates the file's families in a child process while it stores the rows
(`store.files.import_estimates`): the database it leaves is the one the import made when it
estimated the stored rows itself, row for row; a child that fails or never starts changes
nothing but the time; no child outlives the command."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from cli import main as cli_main
from store import models as t
from store.db import open_database, write_transaction
from store.demo import synthetic
from store.derived import estimates
from store.family.loader import load_line_estimates
from store.files import import_estimates
from store.files.exporter import export_practice
from store.files.importer import import_practice
from store.files.practice_file import dumps_practice, load_practice_file

ROOT = Path(__file__).resolve().parents[2]
ONE_PROCESS = "DENTLEDGER_IMPORT_IN_ONE_PROCESS"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A 120-patient practice as `dentledger export` writes it (received lines keep estimates)."""
    folder = tmp_path_factory.mktemp("beside")
    db = open_database(str(folder / "source.db"))
    try:
        synthetic.generate(db, patients=120, seed=5, big_ledgers=(40,))
        with write_transaction(db):
            estimates.reestimate_all(db)  # the estimator's words on the open lines too
        path = folder / "export.json"
        path.write_text(dumps_practice(export_practice(db)), encoding="utf-8")
    finally:
        db.close()
    return path


def _without_kept_estimates(source: Path, folder: Path) -> Path:
    """The same file as another program writes it: every received line replayed."""
    doc = json.loads(source.read_text(encoding="utf-8"))
    for claim in doc["practice"]["claims"]:
        claim.pop("kept_estimates", None)
    path = folder / "no-kept.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _tables(path: Path) -> dict[str, list]:
    """Every table's rows, sorted (the audit log and the import's own time left out)."""
    db = open_database(str(path))
    try:
        out = {}
        for model in t.MODELS:
            name = model._meta.table_name
            if name == "audit_log":
                continue
            cols = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields
                             if f.column_name != "entered_at")
            out[name] = sorted(db.execute_sql(f'SELECT {cols} FROM "{name}"').fetchall(),
                               key=repr)
        return out
    finally:
        db.close()


def _import(path: Path, source: Path) -> Path:
    assert cli_main.main(["--db", str(path), "import", str(source)]) == 0
    return path


def _children() -> set[int]:
    """This process's child processes (Linux: /proc), running or not yet reaped."""
    found = set()
    for task in Path("/proc/self/task").iterdir():
        text = (task / "children").read_text()
        found.update(int(pid) for pid in text.split())
    return found


@pytest.fixture
def no_child_left():
    """Asserts, after the test, that it left no child process of its own behind."""
    before = _children()
    yield
    assert _children() <= before


def _procedures_reversed(source: Path, folder: Path) -> Path:
    """The same file with its procedures listed last first: their ids are not in natural
    order, so the ledger lines need ranks (`ledger_entries.in_natural_order`)."""
    doc = json.loads(source.read_text(encoding="utf-8"))
    doc["practice"]["procedures"].reverse()
    path = folder / "reversed.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert not import_estimates.natural_order(load_practice_file(path).practice)
    assert import_estimates.natural_order(load_practice_file(source).practice)
    return path


@pytest.mark.parametrize("which", ["export", "no kept estimates", "procedures reversed", "demo",
                                   "family scenario"])
def test_the_child_estimates_give_the_same_database(which, exported, tmp_path, monkeypatch,
                                                      no_child_left):
    source = {"export": exported,
              "no kept estimates": _without_kept_estimates(exported, tmp_path),
              "procedures reversed": _procedures_reversed(exported, tmp_path),
              "demo": ROOT / "sample_data" / "demo.json",
              "family scenario": ROOT / "tests" / "scenarios" / "ledger" /
              "family-three-months.json"}[which]
    beside = _import(tmp_path / "beside.db", source)
    monkeypatch.setenv(ONE_PROCESS, "1")
    alone = _import(tmp_path / "alone.db", source)
    tables = _tables(beside)
    assert tables["claim_proc"] and tables == _tables(alone)


def _stored_then_frozen(path: Path, source: Path) -> Path:
    """The import as the loader alone gives it: the rows stored, every family estimated, then
    the whole practice's Original group frozen (`estimates.freeze_originals`)."""
    db = open_database(str(path))
    try:
        with write_transaction(db):
            import_practice(db, load_practice_file(source).practice)
            estimates.reestimate_practice(db)
    finally:
        db.close()
    return path


@pytest.mark.parametrize("which", ["export", "no kept estimates", "demo", "one process"])
def test_the_original_group_written_with_the_rows_is_the_frozen_one(
        which, exported, tmp_path, monkeypatch):
    """The command writes the Original group with the rows and freezes again only the lines
    its estimating changed (`estimates.freeze_imported`; all of them when it estimated the
    stored rows itself): the same group as freezing the whole practice afterwards."""
    source = {"export": exported, "no kept estimates": _without_kept_estimates(exported, tmp_path),
              "demo": ROOT / "sample_data" / "demo.json", "one process": exported}[which]
    if which == "one process":
        monkeypatch.setenv(ONE_PROCESS, "1")
    imported = _tables(_import(tmp_path / "command.db", source))
    frozen = _tables(_stored_then_frozen(tmp_path / "loader.db", source))
    assert any(row[-1] is not None for row in imported["procedure"])  # (some frozen)
    for table in ("procedure", "claim_proc"):
        assert imported[table] == frozen[table], table


def test_the_rows_are_every_line_as_the_stored_import_estimates_them(exported):
    """`estimate_rows` (the file's practice, all-kept families not built) against the import's
    own estimate of the stored rows: the same columns for the same lines."""
    practice = load_practice_file(str(exported)).practice
    rows = import_estimates.estimate_rows(practice)
    db = open_database(":memory:")
    try:
        with write_transaction(db):
            import_practice(db, practice)
            estimates.reestimate_practice(db, derived=False)
        stored = load_line_estimates(db)
    finally:
        db.close()
    assert len(rows) > 1000
    assert rows == {key: estimates.line_columns(line) for key, line in stored.items()}


def _failing(*_args, **_kwargs):
    raise RuntimeError("the child fails")


def _killed(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("child", [_failing, _killed])
def test_a_child_that_fails_or_dies_leaves_the_import_to_estimate_itself(
        child, exported, tmp_path, monkeypatch, no_child_left):
    monkeypatch.setenv(ONE_PROCESS, "1")
    alone = _tables(_import(tmp_path / "alone.db", exported))
    monkeypatch.delenv(ONE_PROCESS)
    monkeypatch.setattr(import_estimates, "estimate_rows", child)  # (the child inherits it)
    assert _tables(_import(tmp_path / "beside.db", exported)) == alone


def test_a_refused_import_leaves_no_child_and_no_rows(exported, tmp_path, no_child_left):
    path = _import(tmp_path / "twice.db", exported)
    before = _tables(path)
    assert cli_main.main(["--db", str(path), "import", str(exported)]) == 1
    assert _tables(path) == before


def test_stop_ends_a_child_still_estimating(exported, monkeypatch, no_child_left):
    monkeypatch.setattr(import_estimates, "estimate_rows", lambda *_: time.sleep(60))
    practice = load_practice_file(str(exported)).practice
    with import_estimates.EstimatesBeside(practice) as beside:
        assert beside.pid is not None
    assert beside.pid is None
    assert os.WIFSIGNALED(beside.status)  # stopped, not waited for until it was done


def test_without_fork_there_is_no_child(exported, monkeypatch):
    monkeypatch.setenv(ONE_PROCESS, "1")
    practice = load_practice_file(str(exported)).practice
    with import_estimates.EstimatesBeside(practice) as beside:
        assert beside.pid is None and beside.rows() is None


def test_the_file_is_let_go_in_small_steps(exported, monkeypatch):
    """`let_go` frees the whole practice (every row, however many) and whatever else
    the box holds, and leaves the box empty; an empty box is nothing to do."""
    import weakref

    monkeypatch.setattr(import_estimates, "FREED_AT_ONCE", 7)  # many steps even here
    parsed = load_practice_file(exported)
    rows = [weakref.ref(parsed.practice.procedures[0]), weakref.ref(parsed.practice.procedures[-1]),
            weakref.ref(parsed.practice.patients[0]), weakref.ref(parsed.practice)]
    assert len(parsed.practice.procedures) > 7
    class Loader:  # (what the import's loader keeps: the practice too)
        pass

    loader = Loader()
    loader.p, loader.tables = parsed.practice, {n: str(n) for n in range(1000)}
    rows.append(weakref.ref(loader))
    box = [parsed, loader]
    del parsed, loader
    import_estimates.let_go(box)
    assert box == [] and all(ref() is None for ref in rows)
    import_estimates.let_go([])


@pytest.mark.parametrize("which", ["export", "no kept estimates", "demo", "family scenario"])
def test_the_loader_keeps_the_stored_lines_as_they_read_back(which, exported, tmp_path):
    """`_Loader.stored_estimates` (the lines as written) is what `estimates.stored_lines`
    reads back from the database, line for line, in the same order."""
    source = {"export": exported,
              "no kept estimates": _without_kept_estimates(exported, tmp_path),
              "demo": ROOT / "sample_data" / "demo.json",
              "family scenario": ROOT / "tests" / "scenarios" / "ledger" /
              "family-three-months.json"}[which]
    practice = load_practice_file(str(source)).practice
    db = open_database(":memory:")
    box = []
    try:
        with write_transaction(db):
            import_practice(db, practice, keep=box)
            read_back = [tuple(row) for row in estimates.stored_lines(db)]
    finally:
        db.close()
    assert read_back and list(box[0].stored_estimates()) == read_back


@pytest.mark.parametrize("how", ["still estimating", "rows that do not unpickle"])
def test_the_rows_are_taken_after_the_index_build_when_not_ready_before(
        how, exported, tmp_path, monkeypatch, no_child_left):
    """The child's rows are compared beside the index build only when the child is done by
    then; otherwise, or when that comparison fails, the import takes them (or estimates
    itself) after it, to the same database."""
    monkeypatch.setenv(ONE_PROCESS, "1")
    alone = _tables(_import(tmp_path / "alone.db", exported))
    monkeypatch.delenv(ONE_PROCESS)
    if how == "still estimating":
        monkeypatch.setattr(import_estimates.EstimatesBeside, "finished", lambda self: None)
    else:
        monkeypatch.setattr(import_estimates, "rows_sent", lambda sent: _failing())
    assert _tables(_import(tmp_path / "beside.db", exported)) == alone


def test_the_rows_are_compared_beside_the_index_build_when_ready(
        exported, tmp_path, monkeypatch, no_child_left):
    monkeypatch.setenv(ONE_PROCESS, "1")
    alone = _tables(_import(tmp_path / "alone.db", exported))
    monkeypatch.delenv(ONE_PROCESS)
    calls = []
    real = import_estimates.EstimatesBeside.finished

    def finished(self):  # (waits for the child: here it is always done by the index build)
        while (sent := real(self)) is None and self.pid is not None:
            time.sleep(0.01)
        calls.append(sent is not None)
        return sent
    monkeypatch.setattr(import_estimates.EstimatesBeside, "finished", finished)
    assert _tables(_import(tmp_path / "beside.db", exported)) == alone
    assert calls == [True]


def test_rows_that_do_not_unpickle_after_the_index_build_are_estimated_here(
        exported, tmp_path, monkeypatch, no_child_left):
    monkeypatch.setenv(ONE_PROCESS, "1")
    alone = _tables(_import(tmp_path / "alone.db", exported))
    monkeypatch.delenv(ONE_PROCESS)
    monkeypatch.setattr(import_estimates.EstimatesBeside, "finished", lambda self: None)
    monkeypatch.setattr(import_estimates, "rows_sent", lambda sent: _failing())
    assert _tables(_import(tmp_path / "beside.db", exported)) == alone
