"""First run: `dentledger` on a missing database creates it from the demo office and says so."""
from __future__ import annotations

import tui.app
from cli.main import main


def test_first_run_creates_the_demo_and_says_so(tmp_path, monkeypatch, capsys):
    apps = []
    monkeypatch.setattr(tui.app.DentLedgerApp, "run", lambda self: apps.append(self))
    db = tmp_path / "office.db"
    assert main(["--db", str(db)]) == 0
    assert len(apps) == 1 and db.exists()
    app = apps[0]
    assert "with the demo practice" in capsys.readouterr().err
    assert "with the demo practice" in app.config["notice"]
    assert any(h.name.startswith("Delgado") for h in app.frontdesk.search("del"))

    # posting forms, setup and reports are wired; each desk is built when first used
    assert set(app.posting_forms) >= {"procedure", "insurance_payment", "claims"}
    assert app.setup_desk.writeoff_codes()
    assert app.config["reports"].carriers()

    assert main(["--db", str(db)]) == 0  # second run: no new demo, no notice
    assert apps[1].config["notice"] is None
    assert "demo practice" not in capsys.readouterr().err


STARTUP_PROBE = """
import sys
import tui.app
tui.app.DentLedgerApp.run = lambda self: None
from cli.main import main
assert main(["--db", sys.argv[1]]) == 0
print("\\n".join(sorted(sys.modules)))
"""


def test_start_up_loads_only_what_find_patient_needs(tmp_path, monkeypatch):
    """The first screen must not wait for the ledger, estimator, posting or report code:
    they load when an account, form or report is first opened (speed is the benchmark's;
    this guards the imports that decide it)."""
    import subprocess
    import sys

    monkeypatch.setattr(tui.app.DentLedgerApp, "run", lambda self: None)
    db = tmp_path / "office.db"
    assert main(["--db", str(db)]) == 0  # creates the demo database
    loaded = set(subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(db)], check=True,
                                capture_output=True, text=True).stdout.split())
    assert "store.desks.frontdesk" in loaded and "tui.screens.find_patient" in loaded
    later = {"estimator.model", "estimator.engine", "estimator.ledger", "store.desks.card_reader",
             "store.services", "store.desks.posting", "store.reports", "store.desks.setup",
             "tui.screens.account", "tui.screens.help", "tui.forms.insurance",
             "tui.screens.reports", "estimator.report_table", "store.models",
             "pyx12", "era.reader",
             "store.family.loader", "store.derived.estimates", "store.files.importer",
             "store.read.ledger_summary", "store.demo.synthetic",
             "argon2", "store.audit.passwords", "store.services.users", "tui.screens.lock",
             "tui.screens.audit_log", "store.desks.audit_log", "store.read.audit"}
    assert sorted(loaded & later) == []
