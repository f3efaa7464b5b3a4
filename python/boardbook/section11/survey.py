"""Practitioners beside agencies: a survey export of the agencies' own practitioners, read and summarised.

An export as Microsoft Forms, SurveyMonkey or Google Forms writes it (CSV or .xlsx, first sheet): one row per
respondent, a column naming the agency, one column per question. The configuration (``[survey]``) maps each
question's header to a standard and says which answers are positive; "Don't know" and blanks are left out of
the count and the denominator; several questions on one standard are pooled. Only counts leave this module:
no respondent's name, e-mail or answer text is copied anywhere. Fewer answers than
``thresholds.survey_min_responses`` respondents are never shown per agency (neither their number nor the share
positive), since small numbers would identify people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as pc
from openpyxl.utils.cell import get_column_letter

from boardbook.config import Config
from boardbook.csvfile import read_csv
from boardbook.errors import Location, UsageError, WorkbookError
from boardbook.folding import fold
from boardbook.package import OLE_MAGIC, ZIP_MAGIC
from boardbook.problems import WARNING, Problem
from boardbook.suggest import close_matches
from boardbook.textsafe import cell_text

DISAGREE = "practitioners disagree"
SUBHEADERS = {"response", "open-ended response"}  # SurveyMonkey's second header row


@dataclass
class Export:
    """The rows of a survey export: where its header row is, its headers, and each respondent's answers."""

    file: str
    sheet: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number in the file, values)

    def where(self, row: int, column: int) -> Location:
        """How a problem names a place: sheet and cell in a workbook, row and column in a CSV."""
        name = Path(self.file).name
        if self.sheet:
            return Location(name, self.sheet, f"{get_column_letter(column + 1)}{row}", column=self.headers[column])
        return Location(name, row=row, column=self.headers[column])


def read_export(path: str | Path) -> Export:
    """Read a survey export (CSV, or the first sheet of an .xlsx): header = the first row with text."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"survey export not found: {p}")
    head = p.open("rb").read(8)
    sheet = ""
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        try:
            wb = pc.CalamineWorkbook.from_path(str(p))
            sheet = wb.sheet_names[0]
            table: list[list[object]] = [list(r) for r in wb.get_sheet_by_index(0).to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise WorkbookError(
                f"the survey export cannot be read as a workbook ({exc}): export it again as .xlsx or CSV",
                Location(str(p)),
            ) from None
        numbers = list(range(1, len(table) + 1))
    else:
        found = read_csv(p)
        table, numbers = [list(r) for r in found.rows], found.lines
    start = next((i for i, r in enumerate(table) if any(cell_text(v) for v in r)), None)
    if start is None:
        raise WorkbookError(
            "the survey export is empty: it needs a header row and one row per respondent", Location(str(p))
        )
    export = Export(str(p), sheet, numbers[start], [cell_text(v) for v in table[start]])
    for i in range(start + 1, len(table)):
        values = table[i]
        texts = {fold(cell_text(v)) for v in values if cell_text(v)}
        if not texts:
            continue
        if i == start + 1 and texts <= SUBHEADERS:
            continue  # SurveyMonkey's "Response" row under the questions
        export.rows.append((numbers[i], values))
    return export


@dataclass(frozen=True)
class Result:
    rows: list[list[object]]  # Survey table: Agency, Ref, Responses, Positive %, Self rating, Flag
    challenge: list[tuple[str, str, str]]  # (agency, ref, reason) where practitioners disagree
    problems: list[Problem]


def summarise(
    config: Config,
    export: Export,
    names: Mapping[str, str],
    self_ratings: Mapping[tuple[str, str], str],
) -> Result:
    """The Survey rows for every agency × standard the survey asks about.

    ``names``: fold(name or former name) -> listed name (the agency list, else the returns' agencies);
    ``self_ratings``: (fold(agency), ref) -> the agency's self-rating label this round.
    """
    sv, t = config.survey, config.thresholds
    columns = {fold(h): j for j, h in enumerate(export.headers) if h}

    def column(header: str, what: str) -> int:
        j = columns.get(fold(header))
        if j is None:
            hint = close_matches(header, [h for h in export.headers if h], n=1)
            raise WorkbookError(
                f"the survey export has no column {header!r} ({what})"
                + (f"; did you mean {hint[0]!r}? Correct [survey] in the configuration" if hint else "")
                + f" (found: {', '.join(h for h in export.headers if h)})",
                Location(Path(export.file).name, export.sheet, row=export.header_row),
            )
        return j

    if not sv.questions:
        raise UsageError("--survey needs [[survey.questions]] in the configuration: which column is which standard")
    agency_col = column(sv.agency_column, "the agency column, survey.agency_column")
    questions = [(column(header, f"a question mapped to {ref}"), ref) for header, ref in sv.questions]
    positive = {fold(a) for a in sv.positive}
    excluded = {fold(a) for a in sv.excluded}
    answers: dict[tuple[str, str], list[bool]] = {}  # every counted answer, pooled over the standard's questions
    people: dict[tuple[str, str], set[int]] = {}  # the respondents (rows) who gave them
    shown: dict[str, str] = {}
    problems: list[Problem] = []
    unknown: dict[str, int] = {}
    for row, values in export.rows:
        raw = cell_text(values[agency_col]) if agency_col < len(values) else ""
        if not raw:
            continue
        agency = names.get(fold(raw))
        if agency is None:
            if fold(raw) not in unknown:
                unknown[fold(raw)] = row
                close = close_matches(raw, sorted(set(names.values())), n=2)
                hint = f" (did you mean {' or '.join(repr(x) for x in close)}?)" if close else ""
                problems.append(
                    Problem.at(
                        "survey-agency-unknown",
                        export.where(row, agency_col),
                        f"survey answers for {raw!r}, which is not on the agency list{hint}: left out; add the name "
                        "to the agency's Aliases, or correct it in the export",
                        WARNING,
                    )
                )
            continue
        shown[fold(agency)] = agency
        for j, ref in questions:
            answer = fold(cell_text(values[j])) if j < len(values) else ""
            if not answer or answer in excluded:
                continue
            answers.setdefault((fold(agency), ref), []).append(answer in positive)
            people.setdefault((fold(agency), ref), set()).add(row)
    rows: list[list[object]] = []
    challenge: list[tuple[str, str, str]] = []
    refs = list(dict.fromkeys(ref for _h, ref in sv.questions))
    floor = t.survey_min_responses
    for a in sorted(shown, key=lambda k: shown[k].casefold()):
        for ref in refs:
            got = answers.get((a, ref), [])
            responses = len(people.get((a, ref), ()))
            rating = self_ratings.get((a, ref), "")
            if responses < floor:
                rows.append([shown[a], ref, "", "", rating, f"fewer than {floor} responses"])
                continue
            share = sum(got) / len(got)
            flag = ""
            if rating and config.scale.is_met(rating) and share * 100 < t.survey_positive_min:
                flag = DISAGREE
                challenge.append(
                    (
                        shown[a],
                        ref,
                        f"Practitioners disagree: {share:.0%} of {responses} practitioners' answers positive "
                        f"(under {t.survey_positive_min:g}%) where the agency rated '{rating}'",
                    )
                )
            rows.append([shown[a], ref, responses, share, rating, flag])
    return Result(rows, challenge, problems)


def self_ratings_of(records: Sequence[Mapping[str, object]]) -> dict[tuple[str, str], str]:
    """(fold(agency), ref) -> self-rating, from the summary's Returns records."""
    return {
        (fold(cell_text(r.get("Agency"))), cell_text(r.get("Ref"))): cell_text(r.get("Rating"))
        for r in records
        if cell_text(r.get("Agency"))
    }
