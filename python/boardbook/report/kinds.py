"""Which of the six filled workbooks a file is, by the Excel tables it holds — for a door that is handed a
bag of files (the ribbon's one multi-select dialog) rather than one option per workbook.

A kind is known by the table the report reads from it (``reader.SOURCES``) together with tables only that
workbook has always had, so a file that merely shares a table name (the pack's own ``annual-report-data.xlsx``
holds a ``LearningGain`` table too) is no kind. Whether the workbook is *filled*, and filled well, is still the
readers' job: a template never filled is identified here and stopped there, with the cell named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from boardbook.book.fast import read_workbook
from boardbook.budget import contract as bc
from boardbook.errors import UsageError, WorkbookError
from boardbook.learning import contract as lc
from boardbook.performance import contract as pc
from boardbook.report import contract as c
from boardbook.report.reader import SOURCES
from boardbook.section11 import contract as sc
from boardbook.training import contract as tc

# kind -> the tables a workbook of that kind holds: first the one the report reads, then tables every version of
# that workbook has had and no other boardbook workbook has.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "budget": (SOURCES["budget"].table, bc.CONTRIBUTIONS, bc.EXPENDITURE),
    "performance": (SOURCES["performance"].table, pc.INDICATORS),
    "s11": (SOURCES["s11"].table, sc.RETURNS),
    "learning": (SOURCES["learning"].table, lc.BY_REVIEW),
    "training": (SOURCES["training"].table, tc.EVALUATIONS),
    "concerns": (SOURCES["concerns"].table,),
}


def kind_of_tables(tables: Iterable[str]) -> str | None:
    """The kind whose every signature table is among ``tables`` (found ignoring case), or None. A file holding
    two kinds' tables is no kind: it is not a workbook boardbook made."""
    held = {t.casefold() for t in tables}
    found = [kind for kind, needs in SIGNATURES.items() if all(t.casefold() in held for t in needs)]
    return found[0] if len(found) == 1 else None


def identify(path: str | Path) -> str | None:
    """The kind of the workbook at ``path`` ("budget", "s11" ...: ``build_report``'s keywords), or None when it is
    none of the six or cannot be read as a workbook (``sort_workbooks`` says why)."""
    try:
        return kind_of_tables(read_workbook(path).table_names)
    except WorkbookError:
        return None


def what(kind: str) -> str:
    """``budget workbook`` for ``budget``: the words the messages use."""
    return SOURCES[kind].what


def sort_workbooks(paths: Sequence[str | Path], *, note: dict[Path, str] | None = None) -> dict[str, Path]:
    """The files chosen, by kind (``build_pack``'s keys). The same file chosen twice counts once.

    ``note`` adds words after a file's name in messages (the ribbon marks the open workbook).

    Raises:
        UsageError: before anything is written, naming every file that is of no kind (with the tables it
            holds), cannot be read, or is a second workbook of a kind, and what the pack takes.
    """
    note = {Path(p).resolve(): words for p, words in (note or {}).items()}
    by_kind: dict[str, list[Path]] = {}
    wrong: list[str] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        name = f"{path.name}{note.get(path.resolve(), '')}"
        try:
            raw = read_workbook(path)
        except WorkbookError as exc:
            wrong.append(f"{name}: {exc.problem}")
            continue
        kind = kind_of_tables(raw.table_names)
        if kind is None:
            held = ", ".join(raw.table_names) or "none"
            pack = bool(raw.table_names) and set(raw.table_names) <= set(c.TABLES)
            wrong.append(
                f"{name} is an annual report pack's data workbook, not one of the workbooks a pack is made from"
                if pack
                else f"{name} is none of the six workbooks the report is made from (its tables: {held})"
            )
            continue
        by_kind.setdefault(kind, []).append(path)
    for kind, found in by_kind.items():
        if len(found) > 1:
            names = " and ".join(f"{p.name}{note.get(p.resolve(), '')}" for p in found)
            wrong.append(f"{names} are each a {what(kind)}: choose one of them")
    if wrong:
        takes = "; ".join(f"the {what(k)} (tables {', '.join(t)})" for k, t in SIGNATURES.items())
        raise UsageError(
            "The annual report pack was not made; nothing was written:\n"
            + "\n".join(f"- {w}" for w in wrong)
            + f"\nThe pack takes at most one of each: {takes}."
        )
    return {kind: found[0] for kind, found in by_kind.items()}


# kind -> the appendix (the data workbook's table) made from it
APPENDICES = {
    "budget": c.BUDGET_APPENDIX,
    "concerns": c.MATRIX_OF_CONCERNS,
    "s11": c.SECTION11_STANDARDS,
    "performance": c.PRIORITIES,
    "training": c.LEARNING_GAIN,
    "learning": c.RECOMMENDATION_STATUS,
}


def left_out(appendices: Iterable[str]) -> list[str]:
    """The workbooks (in words) whose appendix is not among ``appendices`` (table names): what a message says
    the pack lacks."""
    made = set(appendices)
    return [what(kind) for kind, table in APPENDICES.items() if table not in made]
