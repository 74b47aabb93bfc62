"""Private files whatever the umask (issue 13): the data folder 0700; the database, its
-wal/-shm, backups and exports 0600; a database others could read is reported at start."""
from __future__ import annotations

import os
import stat

import pytest

import tui.app
from cli.main import main


@pytest.fixture(autouse=True)
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def side_files(db: str) -> list[str]:
    return [db + s for s in ("-wal", "-shm", "-journal") if os.path.exists(db + s)]


def test_a_new_database_and_its_folder_are_private(tmp_path):
    db = str(tmp_path / "new" / "office.db")
    assert main(["--db", db, "demo"]) == 0
    assert mode(tmp_path / "new") == 0o700
    assert mode(db) == 0o600
    for side in side_files(db):
        assert mode(side) == 0o600, side


def test_the_store_creates_a_database_private_without_a_warning(tmp_path, recwarn):
    """Not only through the command (which sets its own umask): a database the store creates
    for any caller (the benchmark, a script, the tests) is born 0600, never made 0644 first."""
    from store.db import open_database

    path = str(tmp_path / "office.db")
    db = open_database(path)
    db.execute_sql("CREATE TABLE t (x)")  # the -wal and -shm exist now
    assert mode(path) == 0o600
    for side in side_files(path):
        assert mode(side) == 0o600, side
    db.close()
    assert not [w for w in recwarn if "readable by other users" in str(w.message)]


def test_the_default_data_folder_is_made_private(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "dentledger").mkdir(parents=True, mode=0o755)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("DENTLEDGER_DB", raising=False)
    assert main(["demo"]) == 0
    assert mode(data / "dentledger") == 0o700
    assert mode(data / "dentledger" / "dentledger.db") == 0o600


def test_a_database_others_can_read_is_reported_and_made_private(office, capsys):
    os.chmod(office, 0o644)
    assert main(["--db", office, "balance", "delgado"]) == 0
    err = capsys.readouterr().err
    assert err == (f"dentledger: warning: database {office} was readable by other users "
                   f"(mode 0644); it is now 0600\n")
    assert mode(office) == 0o600


def test_the_app_says_so_on_screen_too(office, monkeypatch, capsys):
    apps = []
    monkeypatch.setattr(tui.app.DentLedgerApp, "run", lambda self: apps.append(self))
    os.chmod(office, 0o640)
    assert main(["--db", office]) == 0
    assert "readable by other users (mode 0640)" in apps[0].config["notice"]
    assert "readable by other users" in capsys.readouterr().err
    assert mode(office) == 0o600


def test_side_files_left_readable_are_made_private(office):
    from store.db import open_database

    db = open_database(office)
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('x', '1')")  # a -wal now exists
    for side in side_files(office):
        os.chmod(side, 0o644)
    other = open_database(office, writer=False)
    for side in side_files(office):
        assert mode(side) == 0o600, side
    other.close()
    db.close()


def test_exports_are_private_even_over_a_readable_file(office, tmp_path):
    out = tmp_path / "practice.json"
    out.write_text("old")
    os.chmod(out, 0o644)
    assert main(["--db", office, "export", str(out)]) == 0
    assert mode(out) == 0o600
    assert out.read_text().startswith("{")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_backups_are_private(office, tmp_path):
    assert main(["--db", office, "backup", str(tmp_path / "b.db")]) == 0
    assert mode(tmp_path / "b.db") == 0o600
    assert main(["--db", office, "backup", "--daily", str(tmp_path / "daily")]) == 0
    assert mode(tmp_path / "daily") == 0o700
    daily = sorted((tmp_path / "daily").iterdir())  # the backup and its audit key beside it
    assert [p.suffix for p in daily] == [".db", ".key"]
    assert [mode(p) for p in daily] == [0o600, 0o600]
    assert mode(tmp_path / "b.db.key") == 0o600


def test_main_leaves_the_callers_umask_as_it_was(office):
    assert main(["--db", office, "balance", "delgado"]) == 0
    assert os.umask(0o022) == 0o022


def test_a_treatment_plan_written_to_a_file_is_private_even_over_a_readable_file(office, tmp_path):
    out = tmp_path / "plan.txt"
    out.write_text("old")
    os.chmod(out, 0o644)
    assert main(["--db", office, "plan", "Delgado, Roberto", "--out", str(out)]) == 0
    assert mode(out) == 0o600 and "TREATMENT PLAN" in out.read_text()
    pdf = tmp_path / "plan.pdf"
    assert main(["--db", office, "plan", "Delgado, Roberto", "--out", str(pdf)]) == 0
    assert mode(pdf) == 0o600 and pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office", "plan.pdf", "plan.txt"]


@pytest.mark.parametrize("where, message", [
    ("{tmp}", "is a folder, not a file"),
    ("{tmp}/missing/plan.txt", "there is no folder"),
    ("{tmp}/file.txt/plan.txt", "file.txt is not a folder"),
])
def test_a_treatment_plan_refuses_a_path_it_cannot_write_in_one_line(office, tmp_path, capsys,
                                                                    where, message):
    (tmp_path / "file.txt").write_text("x")
    out = where.format(tmp=tmp_path)
    assert main(["--db", office, "plan", "Delgado, Roberto", "--out", out]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "office"]
