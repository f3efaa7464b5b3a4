"""Fill the tracker through the Book port. RAG, Days overdue, Impact check and the two summaries are live
formulas over the ``AsAt`` report date, each carrying the value the rules computed — so a person who changes a
Status or a Due date sees the RAG change, and readers without a spreadsheet engine see the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, ColumnFormat, Formula, Highlight
from boardbook.learning import contract as c
from boardbook.learning import rules
from boardbook.learning.model import Recommendation
from boardbook.problems import Problem, by_severity, write_problems
from boardbook.templates.styles import PALETTE

GREEN, _LIGHT_GREEN, AMBER, _ORANGE, RED = PALETTE
RAG_HIGHLIGHTS = (Highlight(c.GREEN, *GREEN), Highlight(c.AMBER, *AMBER), Highlight(c.RED, *RED))
IMPACT_HIGHLIGHTS = (Highlight(c.NO_IMPACT, *RED),)
DATE = ColumnFormat(c.DATE_FORMAT)
WRAP = ColumnFormat(wrap=True)
RECOMMENDATION_FORMATS = {
    "Agreed": DATE,
    "Due": DATE,
    "Updated": DATE,
    "Recommendation": WRAP,
    "Impact evidence": WRAP,
    "Days overdue": ColumnFormat("0"),
}
SUMMARY_FORMATS = {"% complete": ColumnFormat(c.PERCENT_FORMAT)}


def row_formulas(letter: dict[str, str], row: int) -> dict[str, str]:
    """The RAG, Days overdue and Impact check formulas of one Recommendations row (blank while Status is)."""
    s, d, u, i = (f"{letter[h]}{row}" for h in ("Status", "Due", "Updated", "Impact evidence"))
    is_done = "OR(" + ",".join(f'{s}="{x}"' for x in c.DONE) + ")"
    past_due = f"AND(ISNUMBER({d}),{d}<{c.AS_AT})"
    soon = f"AND(ISNUMBER({d}),{d}-{c.AS_AT}<={c.DUE_SOON_DAYS})"
    stale = f"AND(ISNUMBER({u}),{c.AS_AT}-{u}>{c.STALE_DAYS})"
    return {
        "RAG": f'=IF(TRIM({s})="","",IF({is_done},"{c.GREEN}",IF({past_due},"{c.RED}",'
        f'IF(OR({soon},{stale}),"{c.AMBER}","{c.GREEN}"))))',
        "Days overdue": f'=IF(TRIM({s})="","",IF({is_done},0,IF({past_due},{c.AS_AT}-{d},0)))',
        "Impact check": f'=IF(AND({is_done},TRIM({i})=""),"{c.NO_IMPACT}","")',
    }


def column_letters(book: Book, table: str, headers: Sequence[str]) -> tuple[str, int, dict[str, str]]:
    """(quoted sheet, header row, column letter by header) of a table laid out with ``headers``."""
    sheet, row, col = book.table_position(table)
    quoted = "'" + sheet.replace("'", "''") + "'"
    return quoted, row, {h: get_column_letter(col + j) for j, h in enumerate(headers)}


def _review(r: Recommendation) -> str:
    return r.review


def _theme(r: Recommendation) -> str:
    return r.theme


def fill_tracker(
    book: Book, partnership: str, as_at: date, recs: Sequence[Recommendation], problems: Sequence[Problem]
) -> None:
    write_problems(book, by_severity(problems))
    if partnership:
        book.set_name("Partnership", partnership)
    book.set_name(c.AS_AT, as_at)
    _sheet, header_row, letter = column_letters(book, c.RECOMMENDATIONS, c.HEADERS)
    rows = []
    for k, r in enumerate(recs):
        f = row_formulas(letter, header_row + 1 + k)
        rows.append(
            [
                r.ref,
                r.review,
                r.review_type,
                r.agreed,
                r.recommendation,
                r.theme,
                r.lead_agency,
                r.owner,
                r.due,
                r.status,
                r.impact_evidence,
                r.updated,
                Formula(f["RAG"], rules.rag(r.status, r.due, r.updated, as_at)),
                Formula(f["Days overdue"], rules.days_overdue(r.status, r.due, as_at)),
                Formula(f["Impact check"], rules.impact_check(r.status, r.impact_evidence)),
            ]
        )
    book.write_table(c.RECOMMENDATIONS, rows, headers=c.HEADERS, formats=RECOMMENDATION_FORMATS)
    book.set_choices(c.RECOMMENDATIONS, "Review type", c.REVIEW_TYPES)
    book.set_choices(c.RECOMMENDATIONS, "Status", c.STATUSES)
    book.highlight(c.RECOMMENDATIONS, ["RAG"], RAG_HIGHLIGHTS)
    book.highlight(c.RECOMMENDATIONS, ["Impact check"], IMPACT_HIGHLIGHTS)

    sheet, _row, letter = column_letters(book, c.RECOMMENDATIONS, c.HEADERS)
    last = header_row + max(1, len(recs))

    def col(h: str) -> str:
        return f"{sheet}!${letter[h]}${header_row + 1}:${letter[h]}${last}"

    for table, headers, key in (
        (c.BY_REVIEW, c.BY_REVIEW_HEADERS, "Review"),
        (c.BY_THEME, c.BY_THEME_HEADERS, "Theme"),
    ):
        summaries = rules.summarise(recs, _review if key == "Review" else _theme, as_at)
        _s, row0, own = column_letters(book, table, headers)
        keys, status, overdue = col(key), col("Status"), col("Days overdue")
        done = "+".join(f'({status}="{x}")' for x in c.DONE)
        out = []
        for k, s in enumerate(summaries):
            row = row0 + 1 + k
            a, n, d = (f"{own[h]}{row}" for h in (key, "Recommendations", "Completed"))
            out.append(
                [
                    s.key,
                    Formula(f"=SUMPRODUCT(--({keys}={a}))", s.recommendations),
                    Formula(f"=SUMPRODUCT(({keys}={a})*({done}))", s.completed),
                    Formula(f"=SUMPRODUCT(({keys}={a})*ISNUMBER({overdue})*({overdue}>0))", s.overdue),
                    Formula(f"=IF({n}=0,0,{d}/{n})", s.percent_complete),
                ]
            )
        book.write_table(table, out, headers=headers, formats=SUMMARY_FORMATS)
