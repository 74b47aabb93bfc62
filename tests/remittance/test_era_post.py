"""Posting the demo office's ERA file (`office_era`): every number to the cent against the same
payments keyed through `dentledger claim pay` in a second database, and what is recorded."""
from __future__ import annotations

import io
import json
import shutil

import pytest

from cli.main import main
from era import read_era
from office_era import KEYED, PAID_ON, TRACES
from store.db import open_database

PATIENTS = ("Thompson, Tyler", "Thompson, Brian", "Thompson, Chloe", "Bennett, Mark",
            "Delgado, Roberto", "Delgado, Elena")
STAMPS = {"notes", "trans_time", "entered_at", "entered_by", "workstation", "location"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def card_rows(capsys, db: str, patient: str) -> list[dict]:
    """The patient's ledger card rows, without the remarks and the posting stamps."""
    code, out, _ = run(capsys, "--db", db, "ledger", patient, "--format", "json")
    assert code == 0
    return _strip(json.loads(out))


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in STAMPS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def everything(capsys, db: str) -> dict:
    """Card rows and balances of every patient paid, claim statuses, the carrier report."""
    out = {p: card_rows(capsys, db, p) for p in PATIENTS}
    out["balances"] = [run(capsys, "--db", db, "balance", p, "--format", "json")[1]
                       for p in PATIENTS]
    out["claims"] = run(capsys, "--db", db, "report", "claims", "--from", "2019-01-01", "--to",
                        "2026-12-31", "--format", "json")[1]
    out["carriers"] = run(capsys, "--db", db, "report", "carriers", "--from", "2026-01-01",
                          "--to", "2026-12-31", "--format", "json")[1]
    return out


def test_the_office_file_is_a_valid_835(era_file):
    era = read_era(era_file)
    assert era.validated and [str(w) for w in era.warnings] == []
    assert [r.trace_number for r in era.remittances] == list(TRACES)


def test_every_posted_number_equals_the_same_payments_keyed_through_claim_pay(
        capsys, office_path, era_file, tmp_path):
    keyed = tmp_path / "keyed.db"
    shutil.copy(office_path, keyed)
    code, out, err = run(capsys, "--db", str(office_path), "era", "import", str(era_file))
    assert code == 0, err
    for claim, check, lines, denied in KEYED:
        argv = ["--db", str(keyed), "claim", "pay", claim, "--check-no", check, "--date",
                PAID_ON.isoformat()]
        argv += [a for ln in lines for a in ("--line", ln)]
        argv += [a for x in denied for a in ("--deny", x)]
        assert run(capsys, *argv)[0] == 0
    assert everything(capsys, str(office_path)) == everything(capsys, str(keyed))


def test_what_the_import_says_and_records(capsys, office_path, era_file):
    code, out, err = run(capsys, "--db", str(office_path), "era", "import", str(era_file),
                         "--format", "json")
    assert code == 0, err
    payments = json.loads(out)["payments"]
    assert [(p["trace_number"], p["amount"], p["check_total"], p["posted"], p["left"])
            for p in payments] == [
        ("MET20261130", "375.20", "372.70", "320.70", "52.00"),
        ("CIG88812", "70.00", "70.00", "70.00", "0.00"),
        ("DEL5550001", "111.00", "111.00", "111.00", "0.00")]
    met = payments[0]
    assert [(c["claim_id"], c["how"], c["state"], c["posted"], c["left"])
            for c in met["claims"]] == [
        ("ME263612329", "id", "posted", "87.50", "0.00"),
        ("ME263612712", "id", "posted", "99.20", "0.00"),
        ("ME263612785", "id", "posted", "134.00", "0.00"),
        ("Z9999", "none", "open", "0.00", "52.00")]
    assert met["provider_adjustments"] == [{"reason": "L6", "reason_text": "interest",
                                            "reference": "INT", "amount": "-2.50"}]
    db = open_database(str(office_path))
    try:
        eras = db.execute_sql("SELECT trace_number, amount_cents, provider_adjustments_cents, "
                              "posted_cents, status, imported_by FROM era ORDER BY id").fetchall()
        assert eras == [("MET20261130", 37520, -250, 32070, "partial", "maria"),
                        ("CIG88812", 7000, 0, 7000, "posted", "maria"),
                        ("DEL5550001", 11100, 0, 11100, "posted", "maria")]
        assert db.execute_sql("SELECT reason, reference, amount_cents FROM "
                              "era_provider_adjustment").fetchall() == [("L6", "INT", -250)]
        # one check per payment, through the insurance payment service, for all its claims
        checks = db.execute_sql("SELECT check_no, amount_cents, claim_id, note FROM claim_payment "
                                "WHERE check_no IN (?, ?, ?) ORDER BY id", TRACES).fetchall()
        assert checks == [("MET20261130", 32070, None, "ERA office.835"),
                          ("CIG88812", 7000, checks[1][2], "ERA office.835"),
                          ("DEL5550001", 11100, None, "ERA office.835")]
        actions = [a for (a,) in db.execute_sql("SELECT action FROM audit_log ORDER BY id")]
        assert actions[-6:] == ["insurance_payment", "era_import"] * 3
        # the Cigna primary paid: its secondary at Aetna leaves hold
        assert db.execute_sql("SELECT status FROM claim WHERE file_id = 'C0222'").fetchone() \
            == ("unsent",)
        stored = db.execute_sql("SELECT name, size, data FROM era_file").fetchall()
        assert len(stored) == 1 and bytes(stored[0][2]) == era_file.read_bytes()
    finally:
        db.close()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_import_shows_the_common_progress_piped_and_on_a_terminal(capsys, office_path,
                                                                      era_file, monkeypatch):
    """`cli.progress` as every long command: piped, standard output is the report as before
    and standard error one summary line (no bar); on a terminal, a bar for the file and one
    for each payment."""
    code, out, err = run(capsys, "--db", str(office_path), "era", "import", str(era_file),
                         "--dry-run")
    lines = [ln for ln in err.splitlines() if not ln.startswith(("warning:", "note:"))]
    assert code == 0 and lines[0].startswith(
        f"era import {era_file.name}: dry run of 3 payments, nothing written in ")
    assert len(lines) == 1 and "\r" not in err and "Payment 3:" in out
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    code, out, _ = run(capsys, "--db", str(office_path), "era", "import", str(era_file),
                       "--format", "json")
    assert code == 0 and len(json.loads(out)["payments"]) == 3  # the JSON alone on stdout
    shown = screen.getvalue()
    assert f"reading {era_file.name}" in shown
    assert "payment 1 of 3, trace MET20261130: re-estimating families" in shown
    assert f"era import {era_file.name}: 3 of 3 payments posted in " in shown
