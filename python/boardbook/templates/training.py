"""The training evaluation workbook: learners' evaluations as read, learning gain per course and per sector,
reach per sector, the before/after chart and the learners' impact comments, one table to a sheet."""

from __future__ import annotations

import openpyxl
from openpyxl.styles import Font

from boardbook.book.openpyxl_book import OpenpyxlBook, put
from boardbook.config import Config
from boardbook.problems import PROBLEM_WIDTHS, PROBLEMS, PROBLEMS_ABOUT, PROBLEMS_HEADERS
from boardbook.templates.layout import config_sheet, cover_sheet, label_rows, print_setup, table_sheet
from boardbook.training import contract as c

WIDTHS = {
    "Course": 36,
    "Date": 12,
    "Agency": 30,
    "Sector": 24,
    "Before": 9,
    "After": 9,
    "Gain": 8,
    "Impact": 60,
    "File": 28,
    "Row": 7,
    "Responses": 11,
    "Mean before": 12,
    "Mean after": 12,
    "Mean gain": 11,
    "% improved": 11,
    "Learners": 10,
    "Courses": 10,
    "% of learners": 12,
    "Comment": 80,
}


def _guidance(config: Config) -> list[tuple[str, str]]:
    tr = config.training
    return [
        (
            "About",
            f"Training evaluation of {config.partnership}: every learner rates their confidence before and after "
            f"the course ({tr.scale_min} to {tr.scale_max}); the difference is the learning gain. Fill it with: "
            "boardbook training fill EXPORT.csv [EXPORT.xlsx ...] --out FILLED.xlsx",
        ),
        (
            c.SHEETS[c.EVALUATIONS],
            "Each usable evaluation as read from the exports (course, date, agency, sector, confidence before and "
            "after, the learner's impact comment, and the file and row it came from). Names and e-mail addresses "
            "in an export are never copied here.",
        ),
        (
            c.SHEETS[c.LEARNING_GAIN],
            "Per course: responses, mean confidence before and after (2 d.p.), mean gain, and the share of "
            "learners whose confidence rose. Live formulas over the Evaluations table.",
        ),
        (c.SHEETS[c.GAIN_BY_SECTOR], "The same measures per sector of the learners' agencies."),
        (c.SHEETS[c.REACH], "Learners per sector and in all (each evaluation is one learner on one course)."),
        (c.CHART, "Bar chart of mean confidence before and after per course; the numbers are in Learning gain."),
        (c.SHEETS[c.IMPACT], "What learners said they will do differently, kept for the annual report."),
        (PROBLEMS, PROBLEMS_ABOUT + " Evaluations with an answer off the scale are listed here and left out."),
    ]


def build_training(config: Config) -> OpenpyxlBook:
    wb = openpyxl.Workbook()
    guidance = _guidance(config)
    ws = cover_sheet(wb, c.ABOUT, "Training evaluation and learning gain", guidance)
    cells = label_rows(
        ws,
        3 + len(guidance) + 1,
        [
            ("Partnership", "Partnership", config.partnership),
            ("FilledAt", "Filled at", ""),
            ("ScaleMin", "Confidence scale from", config.training.scale_min),
            ("ScaleMax", "Confidence scale to", config.training.scale_max),
            ("TemplateVersion", "Template version", c.TEMPLATE_VERSION),
        ],
    )
    for name, headers in (
        (c.EVALUATIONS, c.EVALUATIONS_HEADERS),
        (c.LEARNING_GAIN, c.LEARNING_GAIN_HEADERS),
        (c.GAIN_BY_SECTOR, c.GAIN_BY_SECTOR_HEADERS),
        (c.REACH, c.REACH_HEADERS),
    ):
        table_sheet(wb, c.SHEETS[name], name, headers, WIDTHS)
    chart = wb.create_sheet(c.CHART)
    put(chart["A1"], "Confidence before and after, per course (bar chart; the same numbers are in Learning gain)")
    chart["A1"].font = Font(bold=True, size=14)
    print_setup(chart, None)
    table_sheet(wb, c.SHEETS[c.IMPACT], c.IMPACT, c.IMPACT_HEADERS, WIDTHS)
    table_sheet(wb, PROBLEMS, PROBLEMS, PROBLEMS_HEADERS, PROBLEM_WIDTHS)
    config_sheet(wb, config)
    book = OpenpyxlBook(wb)
    for name in c.NAMES:
        book.define_name(name, c.ABOUT, cells[name])
    return book
