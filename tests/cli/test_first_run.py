"""First run: `dentledger` on a missing database creates it from the demo office and says so."""
from __future__ import annotations

import tui.app
from cli.main import main


class _App:
    def __init__(self, seen):
        self.seen = seen
        self.config = {}

    def clock(self):
        from datetime import datetime
        return datetime(2026, 11, 22, 9, 0)

    def run(self):
        self.seen["ran"] = True


def test_first_run_creates_the_demo_and_says_so(tmp_path, monkeypatch, capsys):
    seen = {}

    def fake_build_app(frontdesk, *, config=None, posting=None, **_):
        seen.update(config=config, hits=frontdesk.search("del"))
        return _App(seen)

    monkeypatch.setattr(tui.app, "build_app", fake_build_app)
    db = tmp_path / "office.db"
    assert main(["--db", str(db)]) == 0
    assert seen["ran"] and db.exists()
    assert "with the demo practice" in capsys.readouterr().err
    assert "with the demo practice" in seen["config"]["notice"]
    assert any(h.name.startswith("Delgado") for h in seen["hits"])

    seen.clear()
    assert main(["--db", str(db)]) == 0  # second run: no new demo, no notice
    assert seen["config"].get("notice") is None
    assert "demo practice" not in capsys.readouterr().err
