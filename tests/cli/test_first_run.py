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

    app.config["after_first_paint"](app)  # posting forms, setup and reports get wired
    assert app.posting_forms and app.config["reports"] is not None and app.setup_desk is not None

    assert main(["--db", str(db)]) == 0  # second run: no new demo, no notice
    assert apps[1].config["notice"] is None
    assert "demo practice" not in capsys.readouterr().err
