"""Fill the training evaluation workbook through the Book port: values decided by ``rules``, and formulas
over the ``Evaluations`` table (each with the value Python computed), so edits to an evaluation flow through."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, ChartSpec, ColumnFormat, Formula, Value
from boardbook.config import Training
from boardbook.problems import Problem, write_problems
from boardbook.training import contract as c
from boardbook.training.model import Evaluation
from boardbook.training.rules import Gain, Reach

MEAN = ColumnFormat(number_format=c.MEAN_FORMAT)
PERCENT = ColumnFormat(number_format=c.PERCENT_FORMAT)
DATE = ColumnFormat(number_format=c.DATE_FORMAT)
WRAP = ColumnFormat(wrap=True)
BEFORE_COLOUR, AFTER_COLOUR = "A5A5A5", "1F4E78"  # grey then dark blue: told apart without colour vision too


@dataclass
class TrainingContent:
    """Everything the workbook shows, already decided by the rules."""

    partnership: str
    filled_at: datetime
    scale: Training
    evaluations: Sequence[Evaluation]
    by_course: Sequence[Gain]
    by_sector: Sequence[Gain]
    reach: Sequence[Reach]
    problems: Sequence[Problem] = field(default_factory=list)


def fill_training(book: Book, s: TrainingContent) -> None:
    book.set_name("Partnership", s.partnership)
    book.set_name("FilledAt", s.filled_at)
    book.set_name("ScaleMin", s.scale.scale_min)
    book.set_name("ScaleMax", s.scale.scale_max)

    sheet, hr, fc = book.table_position(c.EVALUATIONS)
    col = {h: get_column_letter(fc + j) for j, h in enumerate(c.EVALUATIONS_HEADERS)}
    rows: list[list[Value]] = []
    for i, e in enumerate(s.evaluations):
        r = hr + 1 + i
        gain = Formula(f"={col['After']}{r}-{col['Before']}{r}", e.gain)
        rows.append([e.course, e.when, e.agency, e.sector, e.before, e.after, gain, e.impact, _name(e.file), e.row])
    book.write_table(
        c.EVALUATIONS, rows, headers=c.EVALUATIONS_HEADERS, formats={"Date": DATE, "Impact": WRAP, "Course": WRAP}
    )
    last = hr + max(1, len(rows))

    def rng(header: str) -> str:
        letter = col[header]
        return f"'{sheet}'!${letter}${hr + 1}:${letter}${last}"

    for table, headers, key, gains in (
        (c.LEARNING_GAIN, c.LEARNING_GAIN_HEADERS, "Course", s.by_course),
        (c.GAIN_BY_SECTOR, c.GAIN_BY_SECTOR_HEADERS, "Sector", s.by_sector),
    ):
        _sheet, ghr, gfc = book.table_position(table)
        g = {h: get_column_letter(gfc + j) for j, h in enumerate(headers)}
        out: list[list[Value]] = []
        for i, row_gain in enumerate(gains):
            r = ghr + 1 + i
            match, n = f"({rng(key)}=${g[key]}{r})", f"${g['Responses']}{r}"
            out.append(
                [
                    row_gain.group,
                    Formula(f"=SUMPRODUCT(--{match})", row_gain.responses),
                    Formula(f"=ROUND(SUMPRODUCT({match}*{rng('Before')})/{n},2)", float(row_gain.mean_before)),
                    Formula(f"=ROUND(SUMPRODUCT({match}*{rng('After')})/{n},2)", float(row_gain.mean_after)),
                    Formula(f"=ROUND(SUMPRODUCT({match}*{rng('Gain')})/{n},2)", float(row_gain.mean_gain)),
                    Formula(f"=SUMPRODUCT({match}*({rng('Gain')}>0))/{n}", row_gain.improved_fraction),
                ]
            )
        book.write_table(
            table,
            out,
            headers=headers,
            formats={"Mean before": MEAN, "Mean after": MEAN, "Mean gain": MEAN, "% improved": PERCENT, key: WRAP},
        )

    _sheet, rhr, rfc = book.table_position(c.REACH)
    rc = {h: get_column_letter(rfc + j) for j, h in enumerate(c.REACH_HEADERS)}
    total_row = rhr + len(s.reach)
    reach_rows: list[list[Value]] = []
    for i, row in enumerate(s.reach):
        r = rhr + 1 + i
        learners = (
            Formula(f'=SUMPRODUCT(--({rng("Course")}<>""))', row.learners)
            if r == total_row
            else Formula(f"=SUMPRODUCT(--({rng('Sector')}=${rc['Sector']}{r}))", row.learners)
        )
        share = Formula(
            f"=IF(${rc['Learners']}${total_row}=0,0,{rc['Learners']}{r}/${rc['Learners']}${total_row})",
            float(row.share),
        )
        reach_rows.append([row.sector, learners, row.courses, share])
    book.write_table(c.REACH, reach_rows, headers=c.REACH_HEADERS, formats={"% of learners": PERCENT})

    comments = [[e.course, e.when, e.sector, e.impact] for e in s.evaluations if e.impact]
    book.write_table(c.IMPACT, comments, headers=c.IMPACT_HEADERS, formats={"Date": DATE, "Comment": WRAP})

    book.add_chart(
        ChartSpec(
            sheet=c.CHART,
            table=c.LEARNING_GAIN,
            categories="Course",
            series=("Mean before", "Mean after"),
            title=f"Confidence before and after training ({s.scale.scale_min} to {s.scale.scale_max})",
            alt_text=alt_text(s),
            anchor=c.CHART_ANCHOR,
            kind="bar",
            stacked=False,
            x_title="Course",
            y_title=f"Mean confidence ({s.scale.scale_min} to {s.scale.scale_max})",
            colours={"Mean before": BEFORE_COLOUR, "Mean after": AFTER_COLOUR},
            height_cm=max(8.0, 1.6 * len(s.by_course) + 4),
        )
    )
    write_problems(book, s.problems)


def alt_text(s: TrainingContent) -> str:
    """The chart in words: what it shows, and the courses with the largest and smallest gain."""
    n = len(s.by_course)
    text = (
        f"Bar chart of learners' mean confidence before and after training, on a scale of {s.scale.scale_min} to "
        f"{s.scale.scale_max}, for {n} course{'s' if n != 1 else ''} ({len(s.evaluations)} evaluations)."
    )
    if not s.by_course:
        return text
    best = max(s.by_course, key=lambda g: g.mean_gain)
    worst = min(s.by_course, key=lambda g: g.mean_gain)
    text += f" Largest gain: {best.group}, from {best.mean_before} to {best.mean_after}."
    if n > 1:
        text += f" Smallest gain: {worst.group}, from {worst.mean_before} to {worst.mean_after}."
    return text + " The figures are in the Learning gain table."


def _name(file: str) -> str:
    return file.replace("\\", "/").rsplit("/", 1)[-1]
