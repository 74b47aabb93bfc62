"""Issue 11, "Unapplied patient payments", through the store: the card's lines (derived
`applied_credit`, read by each window and by `dentledger ledger`) of every demo family whose
account is at 0.00 show no line the patient owes, and the accounts do not move."""
from __future__ import annotations

import json
from datetime import date

from cli import main as cli_main
from store.db import open_database
from store.demo.office import load_demo_office
from store.desks.frontdesk import DbFrontDesk
from store.read.balances import patient_balances


def test_unapplied_no_family_at_zero_shows_a_line_the_patient_owes(tmp_path, capsys):
    path = str(tmp_path / "demo.db")
    db = open_database(path)
    load_demo_office(db)
    desk = DbFrontDesk(db, today=lambda: date(2026, 11, 22))
    patients = db.execute_sql("SELECT id, file_id FROM patient ORDER BY id").fetchall()
    balances = patient_balances(db, [i for i, _ in patients])
    settled = 0
    for db_id, file_id in patients:
        card = desk.card(file_id)
        assert card.summary.balance == balances[db_id]  # the account does not move
        if card.summary.family_total != 0:
            continue
        lines = [r for r in card.rows if r.kind == "procedure" and r.values]
        assert [r.cells["code"] for r in lines if r.marker == "P"] == [], file_id
        settled += len(lines)
    assert settled > 50  # the demo office has settled families (FAM05, FAM07, ...)
    db.close()
    # `dentledger ledger` reads the same lines
    assert cli_main.main(["--db", path, "ledger", "FAM05_P1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    d7210 = next(r for r in rows if r["kind"] == "procedure" and r["code"] == "0D7210")
    assert (d7210["proc_bal"], d7210["pt_bal"], d7210["marker"]) == ("0.00", "0.00", "=")
