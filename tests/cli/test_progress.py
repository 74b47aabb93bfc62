"""Long commands show progress (issue 17): a bar on a terminal, one summary line when piped
(`cli.progress`); `dentledger import` and `demo --patients` use it; the import's one-pass
re-estimation gives what re-estimating family by family gives, and stays all or nothing."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from cli.main import main
from cli.progress import Progress

DEMO = Path(__file__).resolve().parents[2] / "sample_data" / "demo.json"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_piped_progress_is_one_summary_line():
    err, out = io.StringIO(), io.StringIO()
    with Progress("work", stream=err, summary_stream=out) as progress:
        progress.stage("counting", total=3)
        for n in range(1, 4):
            progress(n, 3)
        assert progress.step("one step", lambda: 42) == 42
        progress.done("did 3 things")
    assert err.getvalue() == ""  # no bar, no carriage returns in a log
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("did 3 things in ") and lines[0].endswith(" s")


def test_a_terminal_gets_a_bar_per_stage():
    err, out = Terminal(), io.StringIO()
    with Progress("work", stream=err, summary_stream=out) as progress:
        progress.stage("estimating families", total=4)
        progress(4, 4)
        progress.done("estimated 4 families")
    assert "estimating families" in err.getvalue() and "4/4" in err.getvalue()
    assert out.getvalue().startswith("estimated 4 families in ")


def test_a_failure_prints_no_summary():
    out = io.StringIO()
    with pytest.raises(RuntimeError):
        with Progress("work", stream=io.StringIO(), summary_stream=out) as progress:
            progress.done("never")
            raise RuntimeError("disk on fire")
    assert out.getvalue() == ""


def test_import_prints_one_line_when_piped(tmp_path, capsys):
    db = tmp_path / "office.db"
    assert main(["--db", str(db), "import", str(DEMO)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"imported {DEMO}: ") and " patient," in lines[0]
    assert "\r" not in captured.err


def test_demo_patients_prints_one_line_when_piped(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "big.db"), "demo", "--patients", "40"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("generated ")
    assert lines[0].count(" s") == 1  # the time once


def test_the_imports_one_pass_estimates_match_family_by_family(tmp_path):
    from store.db import open_database
    from store.derived import estimates
    path = tmp_path / "office.db"
    assert main(["--db", str(path), "import", str(DEMO)]) == 0
    db = open_database(str(path))
    try:
        before = estimates.load_estimates(db)
        assert estimates.reestimate_all(db) == 0  # nothing left to change
        assert estimates.load_estimates(db) == before
    finally:
        db.close()


def test_an_import_failing_while_estimating_writes_nothing(tmp_path, monkeypatch, capsys):
    from store.db import open_database
    from store.derived import estimates

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(estimates, "rebuild_derived", explode)
    path = tmp_path / "office.db"
    assert main(["--db", str(path), "import", str(DEMO)]) != 0
    assert "RuntimeError" in capsys.readouterr().err  # one line (an incident: not a refusal)
    db = open_database(str(path))
    try:
        for table in ("patient", "procedure", "claim_proc", "ledger_entry"):
            assert db.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    finally:
        db.close()


@pytest.mark.sqlite_only  # (PostgreSQL checks the deferred constraints at its commit)
def test_an_import_leaving_a_row_without_its_parent_writes_nothing(tmp_path, monkeypatch,
                                                                    capsys):
    """The import's load checks no foreign key row by row: all of them once, before the
    commit, which a dangling row stops."""
    from store.db import open_database
    from store.derived import estimates

    rebuild = estimates.rebuild_derived

    def dangling(db, **how):
        rebuild(db, **how)
        db.execute_sql("INSERT INTO procedure_visit (procedure_id, seq, date) "
                       "VALUES (987654, 1, '2026-01-05')")
    monkeypatch.setattr(estimates, "rebuild_derived", dangling)
    path = tmp_path / "office.db"
    assert main(["--db", str(path), "import", str(DEMO)]) == 1
    err = capsys.readouterr().err
    assert "import failed, nothing was written: a procedure_visit row" in err
    assert "refers to a procedure row that is not there" in err
    db = open_database(str(path))
    try:
        for table in ("patient", "procedure", "procedure_visit", "ledger_entry"):
            assert db.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1  # (set back)
    finally:
        db.close()


def test_stage_names_and_notes_are_text_not_markup_or_control_codes():
    err, out = Terminal(), io.StringIO()
    with Progress("work", stream=err, summary_stream=out) as progress:
        progress.stage("reading [red]x[/red]\x1b[2J.835", total=2)
        progress(1, 2, note="written [bold]1[/bold]\x07")
        progress.done("read [i]x[/i]\x1b[2J")
    shown = err.getvalue()
    assert "[red]x[/red]␛[2J.835" in shown and "written [bold]1[/bold]␇" in shown
    assert "\x1b[2J" not in shown.replace("\x1b[2K", "")  # rich's own line erases only
    assert out.getvalue().startswith("read [i]x[/i]␛[2J in ")


def test_an_imports_bar_names_the_file_without_its_folder(tmp_path, monkeypatch):
    """An 80-column terminal: a long folder in the stage's name squeezed the bar and its
    counts into ellipses."""
    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["--db", str(tmp_path / "office.db"), "import", str(DEMO)]) == 0
    assert "reading demo.json" in err.getvalue()
    assert str(DEMO.parent) not in err.getvalue()
