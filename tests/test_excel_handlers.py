"""The ribbon's Python side, driven without Excel: the handlers get a file-backed stand-in for the calling
workbook (same Book port, openpyxl backend), so everything but the COM calls is exercised for real."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from boardbook import __version__, excel
from boardbook.book import OpenpyxlBook
from boardbook.budget.compute import fill_budget_file
from boardbook.config import Config
from tests.conftest import make_return

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "python/boardbook/data"


class FileWorkbook:
    """What handlers use of ``xw.Book``: its path, save(), and an app with a status bar and alerts."""

    class App:
        def __init__(self) -> None:
            self.status_bar: object = None
            self.alerts: list[str] = []

        def alert(self, text: str, title: str = "") -> None:
            self.alerts.append(text)

    def __init__(self, path: Path):
        self.fullname = str(path)
        self.app = self.App()

    def save(self) -> None:  # the file is already saved
        pass


class FileExcel(excel.Excel):
    """excel.Excel with the port on the file (openpyxl) instead of a live workbook (xlwings)."""

    def __init__(self, path: Path):
        super().__init__(FileWorkbook(path))
        self.book_port = OpenpyxlBook.open(path)

    def port(self) -> OpenpyxlBook:
        return self.book_port


def test_every_handler_is_reachable_by_tag() -> None:
    assert set(excel.HANDLERS) == {"s11.new_returns", "s11.validate", "s11.collate", "s11.challenge_sample",
                                   "budget.recalculate", "performance.refresh_quadrant", "performance.import_ees",
                                   "help.version", "help.docs"}


def test_dispatch_reports_in_a_message_box(tmp_path: Path) -> None:
    xl = FileExcel(ROOT / "workbooks/budget.xlsx")
    assert excel.dispatch("help.version", xl) == f"boardbook {__version__}"
    assert xl.book.app.alerts == [f"boardbook {__version__}"] and xl.book.app.status_bar is False
    assert "not known" in excel.dispatch("nope.button", xl)


def test_expected_errors_are_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    shutil.copy(ROOT / "workbooks/budget.xlsx", path)  # the empty template: nothing to recalculate
    message = excel.dispatch("budget.recalculate", FileExcel(path))
    assert message.startswith("boardbook could not do that:") and "Traceback" not in message


def test_validate_this_return_marks_problem_cells(tmp_path: Path, config: Config) -> None:
    rows = [[s.ref, s.title, "Fully met", "Policy approved 2026 with audit evidence attached", None, None, None]
            for s in config.standards]
    rows[3][2] = "Fuly met"
    path = make_return(tmp_path, config, rows=rows)
    xl = FileExcel(path)
    message = excel.dispatch("s11.validate", xl)
    assert "1 problems" in message and "C5" in message
    xl.port().save(tmp_path / "marked.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "marked.xlsx")["Assessment"]
    assert ws["C5"].comment is not None and "did you mean 'Fully met'" in ws["C5"].comment.text


def test_budget_recalculate_fills_the_open_workbook(tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    fill_budget_file(DATA / "demo-budget-2024-25.toml", filled)
    xl = FileExcel(filled)
    assert excel.dispatch("budget.recalculate", xl).startswith("Budget recalculated.")
    xl.port().save(tmp_path / "again.xlsx")
    report = pc.CalamineWorkbook.from_path(str(tmp_path / "again.xlsx"), load_tables=True)
    lines = {r[1]: r[2] for r in report.get_table_by_name("AnnualReport").to_python()}
    assert lines["Reserves balance"] == pytest.approx(65347.05)


def test_refresh_quadrant_fills_the_open_workbook(tmp_path: Path) -> None:
    from boardbook.performance.demo import run_performance_demo

    workbook = run_performance_demo(tmp_path)
    xl = FileExcel(workbook)
    message = excel.dispatch("performance.refresh_quadrant", xl)
    assert message.startswith("Quadrant refreshed: 12 indicators"), message
    xl.port().save(tmp_path / "refreshed.xlsx")
    before = pc.CalamineWorkbook.from_path(str(workbook), load_tables=True).get_table_by_name("Indicators")
    after = pc.CalamineWorkbook.from_path(str(tmp_path / "refreshed.xlsx"), load_tables=True)
    assert after.get_table_by_name("Indicators").to_python() == before.to_python()
