"""The era package's boundaries: what it may import, and pyx12 only when a file is read."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import era

ALLOWED = {"pyx12", "estimator.money", "estimator.text", "era"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_era_imports_only_pyx12_money_text_and_the_standard_library():
    for path in Path(era.__file__).parent.glob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or any(
                name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED), \
                (path.name, name)


def test_pyx12_loads_only_when_a_file_is_read():
    probe = "import sys, era, era.grid, era.build, era.view; print('pyx12' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
