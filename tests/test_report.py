"""``boardbook report``: the annual report pack, built from real filled workbooks (the real fills run on the bundled
demo data), read back from the .xlsx (openpyxl) and the .docx (python-docx), the document converted to PDF by
LibreOffice, and the budget appendix reconciled to the penny with the budget workbook's defined names."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from typer.testing import CliRunner

from boardbook.budget.pipeline import fill_budget_file
from boardbook.cli import app
from boardbook.concerns.pipeline import fill_concerns_file
from boardbook.config import Agency, load_config
from boardbook.errors import UsageError
from boardbook.learning.pipeline import fill_tracker_file
from boardbook.performance import contract as pc
from boardbook.performance.demo import run_performance_demo, write_demo_inputs
from boardbook.performance.pipeline import fill_workbook
from boardbook.problems import ProblemError
from boardbook.report import contract as c
from boardbook.report.model import CODES, ReportInputError
from boardbook.report.pipeline import build_report
from boardbook.section11.pipeline import collate
from boardbook.training.pipeline import fill_training_file
from tests.helpers import DATA, GOOD_EVIDENCE, forms_export, hashes, make_return, recalculate_many, require_soffice

NOW = datetime(2026, 4, 30, 12, 0)
AGENCIES = [Agency("Moorlands Police", "Police"), Agency("Northmoor ICB", "Health"), Agency("Fellside Council", "District council")]
REFLECTIONS = [
    ("Neglect", "What went well", "The neglect toolkit is used in every locality"),
    ("neglect", "Even better if", "Health visitors joined the audits"),
    ("Neglect", "what went WELL", "=HYPERLINK(\"http://x\") stays text"),
]


@dataclass
class Inputs:
    folder: Path
    paths: dict[str, Path]  # option name (budget, performance, ...) -> filled workbook


def _performance(folder: Path) -> Path:
    """The demo's performance workbook with Reflections typed into it, then filled again (they must survive)."""
    path = run_performance_demo(folder / "performance")
    wb = openpyxl.load_workbook(path)
    ws = wb[pc.REFLECTIONS]
    for i, row in enumerate(REFLECTIONS, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j).value = value
            ws.cell(i, j).data_type = "s"
    wb.save(path)
    inputs = write_demo_inputs(folder / "performance" / "performance-inputs")
    fill_workbook(  # re-run on the same workbook, as an analyst does each quarter
        path,
        load_config(),
        indicators=[inputs["indicators.csv"]],
        evidence=inputs["evidence.csv"],
        risk_factors=inputs["risk-factors.csv"],
        now=datetime(2025, 5, 19, 9, 0),
    )
    return path


def _summary(folder: Path) -> Path:
    config = load_config()
    returns = folder / "returns"
    returns.mkdir()
    labels = config.scale.labels
    for k, a in enumerate(AGENCIES):
        ratings = [labels[(i + k) % len(labels)] for i in range(len(config.standards))]
        make_return(returns, config, a.name, ratings=ratings, sector=a.sector,
                    evidence=[GOOD_EVIDENCE] * len(config.standards))
    result = collate([returns], folder / "section11-summary.xlsx", config, agencies=AGENCIES)
    assert result.accepted == len(AGENCIES)
    return result.out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("report-inputs")
    config = load_config()
    paths = {
        "budget": folder / "budget.xlsx",
        "performance": _performance(folder),
        "s11": _summary(folder),
        "learning": folder / "learning-improvement.xlsx",
        "training": fill_training_file([forms_export(folder / "forms.csv")], folder / "training.xlsx", config).out,
        "concerns": folder / "concerns-matrix.xlsx",
    }
    fill_budget_file(DATA / "demo-budget-2025-26.toml", paths["budget"])
    fill_tracker_file(DATA / "demo-recommendations.csv", paths["learning"], as_at=date(2026, 3, 31))
    fill_concerns_file(DATA / "demo-concerns.csv", paths["concerns"])
    return Inputs(folder, paths)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pack(inputs: Inputs, tmp_path_factory: pytest.TempPathFactory):
    return build_report(tmp_path_factory.mktemp("pack"), now=NOW, **inputs.paths)


def test_smoke(pack) -> None:
    print(pack)
