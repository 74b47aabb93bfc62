"""`dentledger post ...` and `dentledger claim ...`: the whole life of a procedure headless.

Runs through `cli.main.main` once the lead has wired `cli.post_commands.register` into
the main parser; until then through `register` on a parser shaped like the main one.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from cli import main as cli_main
from cli import post_commands

FIXTURE = Path(__file__).parents[1] / "services" / "fixtures" / "wilson.json"


def _wired() -> bool:
    parser = cli_main.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return "post" in sub.choices and "claim" in sub.choices


def run(argv: list[str]) -> int:
    if _wired():
        return cli_main.main(argv)
    parser = argparse.ArgumentParser(prog="dentledger")
    parser.add_argument("--db")
    post_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Exception as exc:  # what cli.main does: one line, status 1
        from cli.commands import describe_error
        print(f"dentledger: {describe_error(exc)}", file=__import__("sys").stderr)
        return 1


@pytest.fixture
def db_path(tmp_path) -> str:
    path = str(tmp_path / "office.db")
    assert cli_main.main(["--db", path, "import", str(FIXTURE)]) == 0
    return path


@pytest.fixture
def post(db_path, capsys):
    """Run one command as JSON; returns the parsed output (asserts success)."""
    def go(*argv: str) -> dict:
        capsys.readouterr()
        status = run(["--db", db_path, *argv, "--format", "json"])
        out, err = capsys.readouterr()
        assert status == 0, err
        return json.loads(out)
    return go


def test_whole_life_to_a_zero_balance(post):
    # planned, then completed
    plan1 = post("post", "procedure", "--patient", "WILSON_J", "--code", "D4341", "--planned",
                 "--provider", "DOC1", "--date", "2026-02-20")
    plan2 = post("post", "procedure", "--patient", "Wilson, James", "--code", "d4341",
                 "--planned", "--date", "2026-02-20")
    x1, x2 = plan1["procedure"]["id"], plan2["procedure"]["id"]
    assert plan1["procedure"]["fee"] == "260.00" and plan1["balance"]["total"] == "0.00"
    post("post", "complete", "--procedure", x1, "--date", "2026-03-02")
    done = post("post", "complete", "--procedure", x2, "--date", "2026-03-02")
    # the carriers are expected to pay 360.00 and write off 160.00 (shown apart, issue 11)
    assert done["balance"] == {"total": "520.00", "insurance": "360.00", "writeoff": "160.00",
                               "patient": "0.00"}

    # claims: primary unsent, secondary on hold
    made = post("claim", "create", "--patient", "WILSON_J", "--date", "2026-03-02")["claims"]
    assert [(c["plan"], c["order"], c["status"]) for c in made] == \
        [("P1", 1, "unsent"), ("P2", 2, "hold")]
    primary, secondary = made[0]["id"], made[1]["claim_no"]
    post("claim", "send", primary, "--date", "2026-03-03")

    # primary pays 144.00 each (more than the 104.00 estimated on X1), write-off 80.00 each
    paid = post("claim", "pay", primary, "--check-no", "8830112", "--bank-no", "021000021",
                "--date", "2026-03-20", "--line", f"{x1}:144.00:80.00:0", "--line", f"{x2}:144.00")
    assert paid["claim"]["status"] == "received"
    assert [(ln["ins_est"], ln["paid"], ln["writeoff"]) for ln in paid["claim"]["lines"]] == \
        [("104.00", "144.00", "80.00"), ("144.00", "144.00", "80.00")]
    assert paid["balance"] == {"total": "72.00", "insurance": "72.00", "writeoff": "0.00",
                               "patient": "0.00"}

    # the secondary is released and re-estimated from the actual payment: 260 - 144 - 80
    sent = post("claim", "send", secondary, "--date", "2026-03-21")
    assert sent["claim"]["status"] == "sent"
    paid2 = post("claim", "pay", secondary, "--check-no", "551200", "--date", "2026-04-10",
                 "--line", f"{x1}:36.00:0:50.00", "--line", f"{x2}:30.00:0:0")
    assert [ln["ins_est"] for ln in paid2["claim"]["lines"]] == ["36.00", "36.00"]
    assert paid2["balance"] == {"total": "6.00", "insurance": "0.00", "writeoff": "0.00",
                                "patient": "6.00"}

    # the patient pays the rest
    last = post("post", "payment", "--patient", "WILSON_J", "--amount", "6.00", "--method",
                "card", "--date", "2026-04-15")
    assert last["payment"]["allocations"] == [{"procedure": x2, "amount": "6.00"}]
    assert last["balance"] == {"total": "0.00", "insurance": "0.00", "writeoff": "0.00",
                               "patient": "0.00"}


def test_table_output_names_the_posting_and_the_balance(db_path, capsys):
    assert run(["--db", db_path, "post", "procedure", "--patient", "PAGE_T", "--code", "D2392",
                "--fee", "180.00", "--tooth", "30", "--surface", "MO", "--provider", "DOC2",
                "--date", "2026-03-02"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["posted procedure PR1 D2392 #30 MO 180.00 on 2026-03-02 (complete)",
                   "balance for Page, Tom (PAGE_T): total 180.00, insurance estimate 0.00, "
                   "write-off estimate 0.00, patient estimate 180.00"]


def test_payment_adjustment_and_reversals(post):
    proc = post("post", "procedure", "--patient", "PAGE_T", "--code", "D1110", "--provider",
                "DOC1", "--date", "2026-03-02")["procedure"]["id"]
    adj = post("post", "adjustment", "--patient", "PAGE_T", "--amount", "-10.00", "--code",
               "COURTESY", "--procedure", proc, "--note", "new patient")
    assert adj["balance"]["total"] == "85.00" and adj["adjustment"]["procedure"] == proc
    new_code = post("post", "adjustment", "--patient", "PAGE_T", "--amount", "-5.00", "--code",
                    "SENIOR", "--create-code", "discount")
    assert new_code["balance"]["total"] == "80.00"
    pay = post("post", "payment", "--patient", "PAGE_T", "--amount", "100.00", "--method",
               "check", "--check-no", "1234", "--split", f"{proc}:80.00")
    assert pay["payment"]["unallocated"] == "20.00" and pay["balance"]["total"] == "-20.00"
    back = post("post", "reverse-payment", str(pay["payment"]["id"]))
    assert back["payment"]["amount"] == "-100.00" and back["balance"]["total"] == "80.00"
    undo = post("post", "reverse-adjustment", str(adj["adjustment"]["id"]))
    assert undo["balance"]["total"] == "90.00"
    refund = post("post", "payment", "--patient", "PAGE_T", "--amount", "-5.00", "--method", "cash")
    assert refund["balance"]["total"] == "95.00"


def test_ledger_note_and_appointment(post):
    note = post("post", "note", "--patient", "PAGE_T", "--text", "Called: will pay Friday",
                "--date", "2026-03-01")
    assert note["note"]["date"] == "2026-03-01" and note["balance"]["total"] == "0.00"
    appt = post("post", "appointment", "--patient", "PAGE_T", "--status", "failed",
                "--date", "2026-03-01")
    assert appt["appointment"]["status"] == "failed"


def test_fee_delete_deny_queue_and_lock_date(post):
    proc = post("post", "procedure", "--patient", "WILSON_C", "--code", "D2392", "--date",
                "2026-03-02", "--provider", "DOC1")["procedure"]["id"]
    assert post("post", "fee", "--procedure", proc, "--fee", "170.00")["procedure"]["fee"] == \
        "170.00"
    gone = post("post", "procedure", "--patient", "WILSON_C", "--code", "D1110", "--planned",
                "--provider", "DOC1")["procedure"]["id"]
    assert post("post", "delete", "--procedure", gone)["procedure"]["status"] == "deleted"
    (claim,) = post("claim", "create", "--patient", "WILSON_C", "--procedures", proc)["claims"]
    assert post("claim", "queue", claim["id"])["claim"]["status"] == "queued"
    denied = post("claim", "deny", claim["id"], "--procedure", proc, "--remarks", "not covered")
    assert denied["claim"]["status"] == "received"
    assert denied["balance"]["total"] == "170.00" and denied["balance"]["insurance"] == "0.00"
    assert post("post", "lock-date", "2026-02-28")["lock_date"] == "2026-02-28"


def test_errors_are_one_line_and_write_nothing(db_path, capsys, post):
    def fails(*argv: str) -> str:
        capsys.readouterr()
        assert run(["--db", db_path, *argv]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("dentledger: ")
        return err

    assert "negative" in fails("post", "procedure", "--patient", "PAGE_T", "--code", "D1110",
                               "--fee", "-1.00", "--provider", "DOC1")
    assert "more than two decimals" in fails("post", "payment", "--patient", "PAGE_T",
                                             "--amount", "1.005", "--method", "cash")
    assert "no patient" in fails("post", "payment", "--patient", "NOBODY", "--amount", "1.00",
                                 "--method", "cash")
    assert "no insurance coverage" in fails("claim", "create", "--patient", "PAGE_T")
    assert "no claim" in fails("claim", "send", "C999999")
    assert "X:PAID" in fails("claim", "pay", "1", "--check-no", "1", "--line", "oops")
    # nothing was written: the next procedure is the first one
    first = post("post", "procedure", "--patient", "PAGE_T", "--code", "D1110", "--provider", "DOC1")
    assert first["procedure"]["id"] == "PR1"


def test_refusal_claim_pay_overpaying_is_one_line_unless_allow_credit(db_path, capsys, post):
    """Issue 11: the service's refusal, with its numbers; --allow-credit posts it."""
    proc = post("post", "procedure", "--patient", "WILSON_J", "--code", "D4341",
                "--provider", "DOC1", "--date", "2026-03-02")["procedure"]["id"]
    primary = post("claim", "create", "--patient", "WILSON_J", "--date", "2026-03-02")["claims"][0]
    post("claim", "send", primary["id"], "--date", "2026-03-03")
    capsys.readouterr()
    argv = ["--db", db_path, "claim", "pay", primary["id"], "--check-no", "77",
            "--line", f"{proc}:200.00:80.00"]
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert err == (f"dentledger: procedure {proc}: the check pays 200.00 and writes off 80.00 but "
                   "260.00 is left on it; the account would show a credit of 20.00: confirm "
                   "the credit to post it (--allow-credit)\n")
    paid = post("claim", "pay", primary["id"], "--check-no", "77", "--line",
                f"{proc}:200.00:80.00", "--allow-credit")
    assert paid["balance"]["total"] == "-20.00"
