"""Which of the six filled workbooks a file is (``report.kinds``), and the pack from a bag of files
(``report.pipeline.build_report_from``, what the ribbon's Annual report calls): real workbooks made by the real
fills, the committed templates, the pack's own data workbook, a return and a text file."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from boardbook.errors import UsageError
from boardbook.report import contract as c
from boardbook.report.kinds import SIGNATURES, identify, kind_of_tables, left_out, sort_workbooks
from boardbook.report.model import ReportInputError
from boardbook.report.pipeline import build_report, build_report_from
from tests.helpers import hashes, six_filled_workbooks

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = {
    "budget": "budget.xlsx",
    "performance": "quadrant-performance.xlsx",
    "s11": "section11-summary.xlsx",
    "learning": "learning-improvement.xlsx",
    "training": "training-evaluation.xlsx",
    "concerns": "concerns-matrix.xlsx",
}


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return six_filled_workbooks(tmp_path_factory.mktemp("six"))


def test_each_filled_workbook_and_each_template_is_its_kind(six: dict[str, Path]) -> None:
    assert {kind: identify(path) for kind, path in six.items()} == {kind: kind for kind in six}
    assert {k: identify(ROOT / "workbooks" / name) for k, name in TEMPLATES.items()} == {k: k for k in TEMPLATES}
    assert set(SIGNATURES) == set(TEMPLATES)


def test_a_return_a_text_file_and_the_pack_itself_are_no_kind(six: dict[str, Path], tmp_path: Path) -> None:
    assert identify(ROOT / "workbooks" / "section11-return.xlsx") is None
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    assert identify(text) is None
    pack = build_report(tmp_path / "pack", training=six["training"])  # its data workbook holds LearningGain only
    assert pc.CalamineWorkbook.from_path(str(pack.data), load_tables=True).table_names == [c.LEARNING_GAIN]
    assert identify(pack.data) is None


def test_a_table_name_shared_is_not_enough_and_two_kinds_in_one_file_is_none() -> None:
    assert kind_of_tables(["learninggain", "EVALUATIONS", "Problems"]) == "training"  # case as Excel ignores it
    assert kind_of_tables(["LearningGain"]) is None
    assert kind_of_tables(["Concerns", "Recommendations", "ByReview"]) is None


def test_sort_names_every_wrong_file_before_anything_is_written(six: dict[str, Path], tmp_path: Path) -> None:
    other_budget = tmp_path / "Budget 2024-25.xlsx"
    shutil.copy(six["budget"], other_budget)
    text = tmp_path / "minutes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    chosen = [*six.values(), other_budget, ROOT / "workbooks" / "section11-return.xlsx", text]
    with pytest.raises(UsageError) as caught:
        build_report_from(chosen, tmp_path / "out", note={other_budget: " (the workbook open here)"})
    message = str(caught.value)
    assert message.startswith("The annual report pack was not made; nothing was written:\n"), message
    assert (
        "- Budget 2025-26.xlsx and Budget 2024-25.xlsx (the workbook open here) are each a budget workbook" in message
    )
    assert "- section11-return.xlsx is none of the six workbooks the report is made from (its tables: Assessment" in (
        message
    )
    assert "- minutes.xlsx: " in message
    assert not (tmp_path / "out").exists()


def test_the_same_file_twice_counts_once_and_the_order_does_not_matter(six: dict[str, Path]) -> None:
    chosen = list(reversed(six.values()))
    assert sort_workbooks([*chosen, six["budget"], Path(str(six["budget"]))]) == six


def test_the_pack_from_a_bag_is_the_pack_from_the_options(six: dict[str, Path], tmp_path: Path) -> None:
    before = hashes(next(iter(six.values())).parent)
    bag = build_report_from(list(six.values()), tmp_path / "bag")
    options = build_report(tmp_path / "options", **six)  # type: ignore[arg-type]
    assert hashes(next(iter(six.values())).parent) == before, "inputs are only ever read"
    assert [a.name for a in bag.appendices] == list(c.TABLES)
    for a, b in zip(bag.appendices, options.appendices, strict=True):
        assert (a.name, a.rows, a.source) == (b.name, b.rows, b.source)
    assert openpyxl.load_workbook(bag.data).sheetnames == openpyxl.load_workbook(options.data).sheetnames
    assert left_out(a.name for a in bag.appendices) == []
    assert left_out([c.BUDGET_APPENDIX]) == [
        "matrix of concerns",
        "section 11 summary",
        "quadrant performance workbook",
        "training evaluation workbook",
        "learning and improvement tracker",
    ]


def test_a_template_never_filled_is_identified_then_stopped_by_its_reader(tmp_path: Path) -> None:
    blank = tmp_path / "budget.xlsx"
    shutil.copy(ROOT / "workbooks" / "budget.xlsx", blank)
    with pytest.raises(ReportInputError) as caught:
        build_report_from([blank], tmp_path / "out")
    assert "budget.xlsx" in caught.value.lines[0]
    assert not (tmp_path / "out" / c.DATA_FILE).exists()


def test_no_file_at_all_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="choose at least one filled workbook"):
        build_report_from([], tmp_path / "out")
