"""Headless: a file with a split payment and stamps, imported, printed as a ledger card and
exported again (`dentledger import / ledger / export`)."""
from __future__ import annotations

import json
from datetime import date, datetime

from cli import main as cli_main
from estimator import model as m
from store.files.practice_file import dumps_practice, parse_practice_text

D = date(2026, 2, 1)
DESK = m.Stamp(datetime(2026, 2, 16, 14, 5, 9), "maria", "FRONT1", "Main St")


def _file(tmp_path) -> str:
    practice = m.Practice(
        as_of=date(2026, 3, 1), providers=(m.Provider("DOC", "Doc"),),
        procedure_codes=(m.ProcedureCode("D2391", "restorative", "Composite"),),
        patients=(m.Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN"),),
        procedures=(m.Procedure("X1", "ANN", "D2391", D, 15000, "DOC", "complete", stamp=DESK),
                    m.Procedure("X2", "ANN", "D2391", D, 8000, "DOC", "complete")),
        patient_payments=(m.PatientPayment(
            "ANN", date(2026, 2, 16), 20000, "check", "1001", stamp=DESK,
            allocations=(m.Allocation("X1", 12000), m.Allocation("X2", 5000))),),
    )
    path = tmp_path / "ann.json"
    path.write_text(dumps_practice(practice), encoding="utf-8")
    return str(path)


def test_ledger_json_has_proc_bal_per_part_and_the_detail_columns(tmp_path, capsys):
    db = str(tmp_path / "office.db")
    assert cli_main.main(["--db", db, "import", _file(tmp_path)]) == 0
    capsys.readouterr()
    assert cli_main.main(["--db", db, "ledger", "ANN", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    procs = {r["id"]: r for r in rows if r["kind"] == "procedure"}
    # 120.00 and 50.00 allocated; the unallocated 30.00 shows on the oldest line (issue 11)
    assert (procs["X1"]["proc_bal"], procs["X2"]["proc_bal"]) == ("0.00", "30.00")
    assert [procs["X1"][k] for k in ("trans_date", "trans_time", "user")] == \
        ["2026-02-16", "14:05:09", "maria"]
    # one office: no Location column (seed 004: "only if multiple locations have been set up")
    assert "location" not in procs["X1"]
    assert procs["X2"]["user"] == "import"  # no stamp in the file: the importing user
    pay = next(r for r in rows if r["kind"] == "patient_payment")
    assert (pay["trans_time"], pay["user"]) == ("14:05:09", "maria")

    assert cli_main.main(["--db", db, "ledger", "ANN"]) == 0
    text = capsys.readouterr().out
    assert "Trans Date" in text and "14:05:09" in text and "Main St" not in text


def test_export_writes_the_split_and_the_stamps(tmp_path, capsys):
    db = str(tmp_path / "office.db")
    assert cli_main.main(["--db", db, "import", _file(tmp_path)]) == 0
    capsys.readouterr()
    assert cli_main.main(["--db", db, "export", "-"]) == 0
    out = capsys.readouterr().out
    pay = json.loads(out)["practice"]["patient_payments"][0]
    assert pay["allocations"] == [{"procedure": "X1", "amount": 120.0},
                                  {"procedure": "X2", "amount": 50.0}]
    assert pay["stamp"] == {"at": "2026-02-16T14:05:09", "user": "maria",
                            "workstation": "FRONT1", "location": "Main St"}
    assert parse_practice_text(out).practice.patient_payments[0].stamp == DESK
