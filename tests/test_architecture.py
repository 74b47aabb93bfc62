"""Architecture guards: the core stays pure; money stays integer cents."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = {"textual", "rich", "peewee", "playhouse", "apsw", "sqlite3", "store", "tui", "cli"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "estimator").glob("*.py")), ids=lambda p: p.name)
def test_core_module_imports_no_framework(path):
    assert not (_imports(path) & FORBIDDEN_IN_CORE)


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter not installed")
    done = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_float_or_decimal_columns_in_store():
    import peewee

    from store.models import MODELS
    for model in MODELS:
        for field in model._meta.sorted_fields:
            assert not isinstance(field, (peewee.FloatField, peewee.DecimalField)), field


def test_tui_has_no_sql():
    for path in (ROOT / "tui").rglob("*.py"):
        names = _imports(path)
        assert not (names & {"peewee", "playhouse", "apsw", "sqlite3"}), path
        assert "execute_sql" not in path.read_text(), path
