"""Read the matrix of concerns — a filled matrix workbook (its ``Concerns`` table), a CSV file with its headers, or
the matrix open in Excel — and validate every row; all problems are raised together, each naming its cell."""

from __future__ import annotations

from boardbook.concerns import contract as c
from boardbook.concerns.model import Concern, ConcernsInput, ConcernsInputError
from boardbook.concerns.rules import mark
from boardbook.errors import Location, WorkbookError
from boardbook.folding import clean_name, fold
from boardbook.problems import Problem, problem_from
from boardbook.tableinput import Source, read_input_table
from boardbook.textsafe import cell_text, quoted

TEMPLATE = "workbooks/concerns-matrix.xlsx"


def read_concerns(source: Source) -> ConcernsInput:
    """Read and validate ``source``. Raises ConcernsInputError listing every problem."""
    try:
        table = read_input_table(source, c.CONCERNS, c.INPUT_HEADERS, advice=f"start from {TEMPLATE}")
    except WorkbookError as exc:
        raise ConcernsInputError(problem_from(exc, "concerns-unreadable")) from None
    problems = [
        Problem.at(
            "concerns-column-missing",
            table.header,
            f"the column '{h}' is missing (found: {', '.join(table.found)}): add it, headed exactly '{h}'"
            + (f" ({table.how})" if table.how else ""),
        )
        for h in table.missing
    ]
    if problems:
        raise ConcernsInputError(problems)
    concerns: list[Concern] = []
    seen: dict[tuple[str, str], Location] = {}
    groups: dict[str, str] = {}
    for row in table.rows:
        group, concern = clean_name(row.values["Group"]), cell_text(row.values["Concern"])
        if not group:
            problems.append(
                Problem.at(
                    "concerns-group-blank",
                    row.where["Group"],
                    "Group is blank: type the group the concern belongs to (e.g. Practice, Newly emerged)",
                )
            )
        if not concern:
            problems.append(
                Problem.at("concerns-concern-blank", row.where["Concern"], "Concern is blank: type the concern")
            )
        marks = {}
        for col in c.EVIDENCE:
            found = mark(row.values[col])
            if found is None:
                problems.append(
                    Problem.at(
                        "concerns-mark-unknown",
                        row.where[col],
                        f"{quoted(cell_text(row.values[col]))} is not a mark: type Yes (or Y, x, ✓) when {col} "
                        "is evidence for this concern, and leave it blank or type No when it is not",
                    )
                )
            marks[col] = bool(found)
        group = groups.setdefault(fold(group), group)  # one spelling per group, as the reports show it
        key = (fold(group), fold(concern))
        if group and concern:
            first = seen.setdefault(key, row.where["Concern"])
            if first is not row.where["Concern"]:
                problems.append(
                    Problem.at(
                        "concerns-duplicate",
                        row.where["Concern"],
                        f"{quoted(concern)} is already listed in group {quoted(group)} at {first.place}: "
                        "keep one row and mark all its evidence there",
                    )
                )
        concerns.append(Concern(group, concern, marks, dict(row.where)))
    if problems:
        raise ConcernsInputError(problems)
    return ConcernsInput(table.file, concerns)
