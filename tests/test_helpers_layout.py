"""Test modules never import each other: shared helpers live in tests/helpers.py, fixtures in conftest.py.

Importing from a test module couples unrelated tests (renaming or trimming one file breaks another, and running
one file loads the other's module-level setup) and hides what is shared; conftest is loaded by pytest itself
and holds only fixtures and hooks, not a module to import from.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def forbidden(module: str) -> bool:
    """``tests.test_*`` or ``tests.conftest`` (and anything inside them)."""
    parts = module.split(".")
    return len(parts) >= 2 and parts[0] == "tests" and (parts[1] == "conftest" or parts[1].startswith("test_"))


def imported_test_modules(path: Path) -> list[str]:
    """Every module ``path`` imports that is a test module or conftest, with its line number."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno}: import {a.name}" for a in node.names if forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom):
            # relative (from . import test_x, from .conftest import y) resolves against the tests package
            base = "tests" + (f".{node.module}" if node.module else "") if node.level else node.module or ""
            names = [base] if node.module else []
            names += [f"{base}.{a.name}" for a in node.names]
            if any(forbidden(n) for n in names):
                found.append(
                    f"{path.name}:{node.lineno}: from {'.' * node.level}{node.module or ''} import "
                    + ", ".join(a.name for a in node.names)
                )
    return found


def test_the_check_catches_each_form(tmp_path: Path) -> None:
    bad = tmp_path / "test_bad.py"
    bad.write_text(
        "import tests.test_cli\nfrom tests.conftest import make_return\nfrom tests import test_collate\n"
        "from . import conftest\nfrom .test_accessibility import failing\n"
        "from tests.helpers import hashes\nfrom tests import helpers\nimport tests.corpus.make_corpus\n",
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in imported_test_modules(bad)] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("path", sorted(TESTS.glob("test_*.py")), ids=lambda p: p.name)
def test_no_test_module_imports_another(path: Path) -> None:
    found = imported_test_modules(path)
    assert not found, "import shared helpers from tests.helpers, not from test modules:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ["conftest.py", "helpers.py"])
def test_conftest_and_helpers_import_no_test_module(name: str) -> None:
    found = imported_test_modules(TESTS / name)
    assert not found, "\n".join(found)
