"""Pre-filled returns for a new round, optionally carrying last round's answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from boardbook.config import Agency, Config
from boardbook.errors import UsageError
from boardbook.section11.pipeline import collate, file_name, make_returns
from boardbook.section11.reader import load_return
from boardbook.section11.validate import validate_return

AGENCIES = (
    Agency("Moorlands Police", "Police", "p@x", ("All",)),
    Agency("Northmoor ICB", "Health", "i@x", ("Northmoor Safeguarding Children Partnership", "Eastvale")),
    Agency("Eastvale Council", "Local authority", "e@x", ("Eastvale",)),
)


def names(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in ("Agency", "Sector", "Partnership", "Round", "TemplateVersion"):
        sheet, cell = next(iter(wb.defined_names[name].destinations))
        out[name] = wb[sheet][cell.replace("$", "")].value
    return out


def test_one_prefilled_return_per_agency(tmp_path: Path, config: Config) -> None:
    written = make_returns(AGENCIES, "2026", tmp_path, config)
    assert [p.name for p in written] == [file_name("Moorlands Police", "2026"), file_name("Northmoor ICB", "2026")]
    assert names(written[1]) == {
        "Agency": "Northmoor ICB",
        "Sector": "Health",
        "Round": "2026",
        "Partnership": "Northmoor Safeguarding Children Partnership; Eastvale",
        "TemplateVersion": "2026.2",
    }
    ws = openpyxl.load_workbook(written[0])["Assessment"]
    assert [ws.cell(r, 1).value for r in range(2, 12)] == config.refs
    assert all(ws.cell(r, 3).value is None for r in range(2, 12))
    assert ws.cell(2, 3).protection.locked is False and ws.cell(2, 1).protection.locked is True
    # Untouched, it is a valid workbook whose only errors are the blank ratings.
    problems = validate_return(load_return(written[0]), config).problems
    assert {p.code for p in problems if p.severity == "Error"} == {"rating-blank"}


def test_previous_round_answers_are_carried_in(
    return_factory: Callable[..., Path], tmp_path: Path, config: Config
) -> None:
    path = return_factory(
        "Moorlands Police", ratings=["Partially met"] * 10, evidence=[f"Evidence for S{i}, 2024" for i in range(1, 11)]
    )
    prev = tmp_path / "summary-2024.xlsx"
    collate([path], prev, config)
    wb = openpyxl.load_workbook(prev)  # the board moderated S1 down at the challenge event
    ws = wb["Returns"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("Moderated rating") + 1).value = "Not met"
    wb.save(prev)
    written = make_returns(AGENCIES, "2026", tmp_path / "2026", config, previous=prev)
    police = openpyxl.load_workbook(written[0])["Assessment"]
    assert police.cell(2, 3).value == "Not met" and police.cell(3, 3).value == "Partially met"
    assert police.cell(3, 4).value == "Evidence for S2, 2024"
    icb = openpyxl.load_workbook(written[1])["Assessment"]
    assert icb.cell(2, 3).value is None  # nothing to carry for an agency that did not return


def test_other_partnership_and_clashes(tmp_path: Path, config: Config) -> None:
    written = make_returns(AGENCIES, "2026", tmp_path, config, partnership="Eastvale")
    assert len(written) == 3
    with pytest.raises(UsageError, match="no agency"):
        make_returns(AGENCIES[1:], "2026", tmp_path, config, partnership="Westvale Partnership")
    with pytest.raises(UsageError, match="same file name"):
        make_returns((Agency("A/B"), Agency("A-B")), "2026", tmp_path, config)
