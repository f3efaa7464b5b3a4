"""Read the tracker's recommendations — a filled tracker workbook (its ``Recommendations`` table and ``AsAt``), a
CSV file with the table's headers, or the tracker open in Excel — and validate every row.

All problems of an input are raised together (``LearningInputError``), each naming the file and the sheet and
cell, or the row and column. Review and Theme spellings that differ only in case or spacing are one group: every
row takes the first spelling, so the workbook's formulas group them as the rules do.
"""

from __future__ import annotations

from datetime import date

from boardbook.dates import parse_date
from boardbook.errors import Location, WorkbookError
from boardbook.folding import clean_name, fold
from boardbook.learning import contract as c
from boardbook.learning.model import LearningInputError, Recommendation, TrackerInput
from boardbook.learning.rules import impact_check
from boardbook.problems import WARNING, Problem, problem_from
from boardbook.tableinput import InputRow, Source, read_input_table
from boardbook.textsafe import cell_text, quoted

TEMPLATE = "workbooks/learning-improvement.xlsx"
REQUIRED = ("Ref", "Review", "Review type", "Recommendation", "Theme", "Due", "Status", "Impact evidence", "Updated")
STATUS_BY_FOLD = {fold(s): s for s in c.STATUSES}
TYPE_BY_FOLD = {fold(t): t for t in c.REVIEW_TYPES}


def read_tracker(source: Source) -> TrackerInput:
    """Read and validate ``source``. Raises LearningInputError listing every problem."""
    try:
        table = read_input_table(
            source, c.RECOMMENDATIONS, c.INPUT_HEADERS, names=c.NAMES, advice=f"start from {TEMPLATE}"
        )
    except WorkbookError as exc:
        raise LearningInputError(problem_from(exc, "learning-unreadable")) from None
    problems: list[Problem] = []
    for h in table.missing:
        if h in REQUIRED:
            problems.append(
                Problem.at(
                    "learning-column-missing",
                    table.header,
                    f"the column '{h}' is missing (found: {', '.join(table.found)}): add it, headed exactly '{h}'"
                    + (f" ({table.how})" if table.how else ""),
                )
            )
    if problems:
        raise LearningInputError(problems)
    partnership, as_at = "", None
    named = table.names.get("Partnership")
    if named is not None:
        partnership = clean_name(named.value)
    named_as_at = table.names.get(c.AS_AT)
    if named_as_at is not None and cell_text(named_as_at.value):
        as_at = parse_date(named_as_at.value)
        if as_at is None:
            problems.append(
                Problem(
                    "learning-as-at-invalid",
                    f"the report date {quoted(named_as_at.value)} is not a date: type it as 31/03/2026",
                    file=table.file,
                    sheet=named_as_at.sheet,
                    cell=named_as_at.cell,
                )
            )
    recs = [_recommendation(row, problems) for row in table.rows]
    _one_spelling(recs)
    seen: dict[str, Location] = {}
    for r in recs:
        if not r.ref:
            continue
        first = seen.setdefault(fold(r.ref), r.where["Ref"])
        if first is not r.where["Ref"]:
            problems.append(
                Problem.at(
                    "learning-ref-duplicate",
                    r.where["Ref"],
                    f"Ref {quoted(r.ref)} is also used at {first.place}: give each recommendation its own Ref",
                )
            )
    warnings = [
        Problem.at(
            "learning-no-impact-evidence",
            r.where["Impact evidence"],
            f"recommendation {r.ref} is {r.status.lower()} but no impact evidence is recorded: say what changed "
            "for children and families, and how it is known",
            WARNING,
        )
        for r in recs
        if impact_check(r.status, r.impact_evidence)
    ]
    if any(p.severity != WARNING for p in problems):
        raise LearningInputError(problems + warnings)
    return TrackerInput(table.file, partnership, as_at, recs, warnings)


def _recommendation(row: InputRow, problems: list[Problem]) -> Recommendation:
    text = {h: cell_text(row.values.get(h)) for h in c.INPUT_HEADERS}
    where = row.where

    def need(header: str, code: str, what: str) -> None:
        if not text[header]:
            problems.append(Problem.at(code, where[header], f"{header} is blank: {what}"))

    need("Ref", "learning-ref-blank", "give the recommendation a reference, e.g. CSPR1.2")
    need("Review", "learning-review-blank", "type the review or audit the recommendation came from")
    need("Recommendation", "learning-recommendation-blank", "type the recommendation as agreed")
    need("Theme", "learning-theme-blank", "type the theme it belongs to (free text, e.g. Neglect)")
    review_type = TYPE_BY_FOLD.get(fold(text["Review type"]), "")
    if not review_type:
        problems.append(
            Problem.at(
                "learning-review-type-unknown",
                where["Review type"],
                f"Review type {quoted(text['Review type'])} is not one of {', '.join(c.REVIEW_TYPES)}: choose one",
            )
        )
    status = STATUS_BY_FOLD.get(fold(text["Status"]), "")
    if not status:
        problems.append(
            Problem.at(
                "learning-status-unknown",
                where["Status"],
                f"Status {quoted(text['Status'])} is not one of {', '.join(c.STATUSES)}: choose one",
            )
        )

    def when(header: str) -> date | None:
        value = row.values.get(header)
        if not cell_text(value):
            return None
        found = parse_date(value)
        if found is None:
            problems.append(
                Problem.at(
                    "learning-not-a-date",
                    where[header],
                    f"{header} {quoted(value)} is not a date: type it as 31/03/2026 (or leave it blank)",
                )
            )
        return found

    return Recommendation(
        ref=text["Ref"],
        review=clean_name(text["Review"]),
        review_type=review_type,
        agreed=when("Agreed"),
        recommendation=text["Recommendation"],
        theme=clean_name(text["Theme"]),
        lead_agency=text["Lead agency"],
        owner=text["Owner"],
        due=when("Due"),
        status=status,
        impact_evidence=text["Impact evidence"],
        updated=when("Updated"),
        where=dict(where),
    )


def _one_spelling(recs: list[Recommendation]) -> None:
    reviews: dict[str, str] = {}
    themes: dict[str, str] = {}
    for r in recs:
        r.review = reviews.setdefault(fold(r.review), r.review)
        r.theme = themes.setdefault(fold(r.theme), r.theme)
