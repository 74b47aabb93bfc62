"""Architecture guards: the core stays pure; money stays integer cents; no module takes another's
private names; SQLite-only SQL stays in the engine module."""
from __future__ import annotations

import ast
import re
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


def _sources(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = _module(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@pytest.mark.parametrize("path", _sources("store", "tui", "cli"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_takes_another_modules_private_names(path):
    """``from x import _y`` is refused; a private module (``_errors``) is only imported from
    inside its own package."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
            continue
        source = _imported(path, node)
        taken = [a.name for a in node.names if a.name.startswith("_")]
        assert not taken, f"{path.name} imports private {taken} from {source}"
        parts = source.split(".")
        for i, part in enumerate(parts):
            if part.startswith("_"):
                owner, me = ".".join(parts[:i]), _module(path)
                assert me == owner or me.startswith(owner + "."), f"{path.name} imports {source}"


# SQLite-only SQL and calls: they belong to store/connection/sqlite.py (the engine module; the
# package's __init__ only re-exports its names).
SQLITE_ONLY = re.compile(r"json_each|json_group|\bPRAGMA\b|INSERT OR|REPLACE INTO|sqlite_master|"
                         r"user_version|application_id|data_version|\browid\b", re.IGNORECASE)
APSW_CALLS = {"pragma", "connection", "last_insert_rowid", "total_changes", "changes"}
ENGINE = ROOT / "store" / "connection" / "sqlite.py"
ENGINE_PACKAGE = {ENGINE, ROOT / "store" / "connection" / "__init__.py",
                  ROOT / "store" / "connection" / "postgres.py"}  # it translates them


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, kinds) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}


@pytest.mark.parametrize("path", [p for p in _sources("store") if p not in ENGINE_PACKAGE],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_sqlite_only_sql_lives_in_the_engine_module(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            found = SQLITE_ONLY.search(node.value)
            assert not found, f"{path.name}:{node.lineno}: {found[0]!r} belongs in {ENGINE.name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in APSW_CALLS, \
                f"{path.name}:{node.lineno}: .{node.func.attr}() belongs in {ENGINE.name}"
