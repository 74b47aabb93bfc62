"""`dentledger patient`, `coverage` and `plan`: a new family's first visit scripted headless,
step by step as at the desk, and the commands' refusals (one line, status 1, nothing written)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from cli import main as cli_main


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> str:
    from store.db import open_database
    from store.demo.office import load_demo_office
    path = str(tmp_path_factory.mktemp("cli-visit") / "demo.db")
    db = open_database(path)
    load_demo_office(db)
    db.close()  # the log is folded into the file, which is copied for each test
    return path


@pytest.fixture
def run(template, tmp_path, capsys):
    """Run one command; returns (status, stdout, stderr)."""
    import shutil
    path = str(tmp_path / "demo.db")
    shutil.copy(template, path)

    def go(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli_main.main(["--db", path, *argv])
        out, err = capsys.readouterr()
        return status, out, err
    return go


def ok(run, *argv: str):
    status, out, err = run(*argv, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def test_a_new_familys_first_visit_headless(run):
    grace = ok(run, "patient", "add", "--last", "Okafor", "--first", "Grace", "--birthdate",
               "1984-02-11", "--provider", "DDS1", "--phone", "(617) 555-0142")
    assert grace["chart_no"] and grace["guarantor"] == grace["id"]
    cover = ok(run, "coverage", "add", grace["id"], "--new-plan-like", "PL_DELTA_RH",
               "--relationship", "self", "--subscriber-id", "DD1001")
    plan = cover[0]["plan"]
    assert cover[0]["relationship"] == "self" and cover[0]["subscriber"] == "Okafor, Grace"
    daniel = ok(run, "patient", "add", "--last", "Okafor", "--first", "Daniel", "--birthdate",
                "2016-07-30", "--provider", "DDS1", "--guarantor", "555-0142",
                "--cover", f"{plan}:child")
    assert daniel["guarantor"] == grace["id"]
    assert ok(run, "coverage", "list", daniel["id"])[0]["relationship"] == "child"
    procs = [ok(run, "post", "procedure", "--patient", daniel["id"], "--code", code, "--planned",
                *extra)["procedure"]["id"]
             for code, extra in (("D0120", ()), ("D1120", ()), ("D2392", ("--tooth", "30")))]
    tp = ok(run, "plan", daniel["id"])
    assert [ln["code"] for ln in tp["lines"]] == ["D0120", "D1120", "D2392"]
    assert tp["plans"][0]["carrier"] == "Delta Dental"
    assert tp["total"]["charge"] == "340.00"
    estimates = dict(zip(procs, (ln["insurance"][0]["ins_est"] for ln in tp["lines"])))
    done = [procs[0], procs[2]]  # the exam and the filling today; the cleaning next time
    for proc in done:
        ok(run, "post", "complete", "--procedure", proc)
    claims = ok(run, "claim", "create", "--patient", daniel["id"])["claims"]
    assert claims[0]["procedures"] == done
    balance = ok(run, "balance", daniel["id"])[0]
    assert balance["total"] == "260.00" and balance["patient"] != "0.00"
    lines = [arg for proc in done for arg in ("--line", f"{proc}:{estimates[proc]}")]
    paid = ok(run, "claim", "pay", claims[0]["id"], "--check-no", "4411", *lines)
    assert paid["claim"]["status"] == "received"
    assert paid["balance"]["total"] == balance["patient"]
    done = ok(run, "post", "payment", "--patient", daniel["id"], "--amount",
              balance["patient"], "--method", "card")
    assert done["balance"] == {"total": "0.00", "insurance": "0.00", "writeoff": "0.00",
                               "patient": "0.00"}
    assert ok(run, "balance", grace["id"])[0]["family_total"] == "0.00"


def test_show_list_edit_and_move(run):
    anh = ok(run, "patient", "add", "--last", "Trần", "--first", "Ánh", "--birthdate",
             "1985-04-02", "--email", "anh@example.com")
    shown = ok(run, "patient", "show", "tran, anh")
    assert shown["email"] == "anh@example.com" and shown["family"] == ["Trần, Ánh"]
    assert [p["name"] for p in ok(run, "patient", "list", "tran a")] == ["Trần, Ánh"]
    ok(run, "patient", "edit", anh["id"], "--city", "Boston", "--inactive")
    status, out, err = run("patient", "list", "tran")
    assert status == 1 and "no patient matches" in err
    assert ok(run, "patient", "list", "tran", "--all")[0]["inactive"] is True
    moved = ok(run, "patient", "move", anh["id"], "--guarantor", "FAM01_P1")
    assert moved["guarantor"] == "FAM01_P1"
    status, out, err = run("patient", "show", anh["id"], "--format", "csv")
    assert status == 0 and "city,Boston" in out


@pytest.mark.parametrize("argv, message", [
    (("patient", "add", "--last", "X"), "needs a birthdate"),
    (("patient", "add", "--last", "X", "--birthdate", "2099-01-01"), "in the future"),
    (("patient", "add", "--last", "Delgado", "--first", "jose", "--birthdate", "1946-03-19"),
     "possible duplicate of Delgado, José"),
    (("patient", "add", "--last", "X", "--birthdate", "1990-01-01", "--guarantor",
      "FAM01_P2"), "is not a guarantor"),
    (("patient", "add", "--last", "X", "--birthdate", "1990-01-01", "--cover", "PL_DELTA_RH"),
     "is not PLAN:RELATIONSHIP"),
    (("patient", "edit", "FAM01_P2", "--chart-no", "x", "--gender", "m"), "gender must be"),
    (("patient", "move", "FAM01_P1", "--own"), "already in that family"),
    (("coverage", "add", "FAM01_P2", "--plan", "PL_NOPE"), "no plan 'PL_NOPE'"),
    (("coverage", "add", "FAM01_P2", "--plan", "PL_MET_BH", "--relationship", "aunt"),
     "relationship to the subscriber must be"),
    (("plan", "FAM01_P1", "--format", "pdf"), "give --out FILE"),
])
def test_refusals_are_one_line_and_write_nothing(run, argv, message):
    before = ok(run, "patient", "list", "--all", "--limit", "500")
    status, out, err = run(*argv)
    assert status == 1 and message in err and err.count("\n") == 1, err
    assert ok(run, "patient", "list", "--all", "--limit", "500") == before


def test_printable_plan(run, tmp_path):
    ok(run, "post", "procedure", "--patient", "FAM01_P1", "--code", "D2740", "--planned")
    status, out, err = run("plan", "FAM01_P1", "--format", "text")
    assert status == 0 and "TREATMENT PLAN" in out and "D2740" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    pdf = tmp_path / "plan.pdf"
    status, out, err = run("plan", "FAM01_P1", "--out", str(pdf))
    assert status == 0 and pdf.read_bytes().startswith(b"%PDF")
    status, out, err = run("plan", "FAM01_P1", "--format", "csv")
    assert out.splitlines()[0].startswith("#,id,code,tooth,description,charge,ins1,writeoff1")
    assert date.today().isoformat() in json.dumps(ok(run, "plan", "FAM01_P1"))
