"""Ribbon handler for training evaluation (called through ``boardbook.excel.dispatch``): ``training.pipeline``,
live — the exports are picked, the open training workbook is filled and left unsaved."""

from __future__ import annotations

from boardbook.excel import Excel
from boardbook.problems import PROBLEMS, stops
from boardbook.training.pipeline import fill_training_file


def fill_training(xl: Excel) -> str:
    """Ask for an evaluation export and fill the open training workbook from it."""
    source = xl.need(xl.dialogs.pick_file("Choose an evaluation export (CSV or .xlsx)", "*.csv;*.xlsx"))
    with stops("The training workbook was not filled"):  # the pipeline wrote them to the Problems table
        result = fill_training_file([source], None, xl.config(), book=xl.port())
    notes = f" {len(result.problems)} evaluations need a look: see the {PROBLEMS} sheet." if result.problems else ""
    return f"Learning gain filled: {len(result.evaluations)} evaluations of {len(result.by_course)} courses.{notes}"
