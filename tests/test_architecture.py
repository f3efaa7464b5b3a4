"""The shape of the code, kept true by tests: the same rooms in every domain, no import cycles, the Book port
as the only way into a workbook, and the doors (CLI, ribbon, batch) calling the pipelines."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "boardbook"
DOMAINS = ("section11", "budget", "performance", "training", "learning", "concerns")
ROOMS = ("contract", "model", "reader", "rules", "fill", "pipeline", "cli", "excel")
BACKENDS = ("OpenpyxlBook", "XlwingsBook", "openpyxl_book", "xlwings_book")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """Modules of the package ``path`` imports (at module level only, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:  # TYPE_CHECKING blocks do not run
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("boardbook"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("boardbook"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_every_domain_has_the_same_rooms() -> None:
    for domain in DOMAINS:
        missing = [room for room in ROOMS if not (PACKAGE / domain / f"{room}.py").is_file()]
        assert not missing, f"{domain}/ lacks {missing}"


def test_the_report_pack_has_the_same_rooms() -> None:
    """``report`` reads other domains' filled workbooks, and has every room theirs have (its ribbon door too)."""
    missing = [room for room in ROOMS if not (PACKAGE / "report" / f"{room}.py").is_file()]
    assert not missing, f"report/ lacks {missing}"
    for room in ("fill", "pipeline", "excel"):
        text = (PACKAGE / "report" / f"{room}.py").read_text(encoding="utf-8")
        assert "getattr(book" not in text and "hasattr(book" not in text, f"report/{room}.py"


def test_no_import_cycles_between_modules() -> None:
    modules = _modules()
    graph = {
        name: {m for m in _imports(path, top_level_only=True) if m in modules and m != name}
        for name, path in modules.items()
    }
    # a package's __init__ imports its children; a child importing the package is not a cycle through code
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    real = [
        c for c in cycles if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in itertools.pairwise(c))
    ]
    assert not real, "import cycles: " + "; ".join(" -> ".join(c) for c in real)


def test_only_book_and_templates_name_a_backend_class() -> None:
    offenders = []
    for name, path in _modules().items():
        if name.startswith(("boardbook.book", "boardbook.templates")):
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{name}: {word}" for word in BACKENDS if word in text]
    assert not offenders, offenders


def test_fills_and_pipelines_never_probe_the_port() -> None:
    for domain in DOMAINS:
        for room in ("fill", "pipeline", "excel"):
            text = (PACKAGE / domain / f"{room}.py").read_text(encoding="utf-8")
            assert "getattr(book" not in text and "hasattr(book" not in text, f"{domain}/{room}.py"


@pytest.mark.parametrize(
    "door",
    [
        "batch",
        "section11.cli",
        "budget.cli",
        "performance.cli",
        "learning.cli",
        "concerns.cli",
        "report.cli",
        "section11.excel",
        "budget.excel",
        "performance.excel",
        "learning.excel",
        "concerns.excel",
        "report.excel",
    ],
)
def test_doors_call_the_pipelines_and_nothing_below_them(door: str) -> None:
    """A door gathers arguments and shows results: it imports a domain's pipeline, never its fill or reader."""
    path = PACKAGE / (door.replace(".", "/") + ".py")
    imported = _imports(path, top_level_only=False)
    below = sorted(
        m
        for m in imported
        for d in (*DOMAINS, "report")
        if m.startswith(
            (f"boardbook.{d}.fill", f"boardbook.{d}.reader", f"boardbook.{d}.compute", "boardbook.templates")
        )
    )
    assert not below, f"{door} reaches below the pipeline: {below}"
    assert any(m.startswith(f"boardbook.{d}.pipeline") for m in imported for d in (*DOMAINS, "report"))


def test_the_command_line_starts_without_openpyxl() -> None:
    """``boardbook --help`` and ``--version`` load no workbook library (and so not numpy): commands import the
    port when they need it. Checked by what is imported, not by a timing."""
    import subprocess
    import sys

    heavy = "('openpyxl', 'numpy', 'python_calamine')"
    code = f"import sys, boardbook.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
