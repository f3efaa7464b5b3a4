"""The configuration travels with the workbook: recorded on a hidden sheet, read back equal, and used by the
command line when no --config is given (an explicit --config wins); the summary records its Round."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from boardbook.agencies import load_agencies
from boardbook.book import open_book
from boardbook.config import Config, config_toml, load_config, parse_config
from boardbook.errors import ConfigError
from boardbook.recorded import (
    CONFIG_SHEET,
    CONFIG_TABLE,
    choose_config,
    recorded_config,
    recorded_config_file,
)
from boardbook.section11.model import Return
from boardbook.section11.pipeline import collate, make_returns
from boardbook.section11.rules import latest_round, next_round
from boardbook.templates import build_all
from tests.helpers import make_return

ROOT = Path(__file__).resolve().parents[1]
EASTVALE = ROOT / "tests/data/eastvale.toml"
DATA = ROOT / "python/boardbook/data"


@pytest.fixture(scope="module")
def eastvale() -> Config:
    return load_config(EASTVALE)


def _same(a: Config, b: Config) -> None:
    assert replace(a, source="") == replace(b, source="")


STANDARDS = '[[standards]]\nref = "A"\ntitle = "One"\n[[standards]]\nref = "B"\ntitle = "Two"\nrequirement = "r"\n'
SCALES = {
    "percent": '[scale]\nkind = "percent"\nstep = 5\nmet_from = 75\nnot_applicable = "Not applicable"\n',
    "0-3": '[scale]\nmet = ["3", "2"]\naliases = { "two" = "2" }\n[[scale.levels]]\nlabel = "3"\nscore = 3\n'
    '[[scale.levels]]\nlabel = "2"\nscore = 2.5\n[[scale.levels]]\nlabel = "0"\nscore = 0\n',
}


@pytest.mark.parametrize("scale", ["bundled", *SCALES])
def test_config_written_back_reads_equal(scale: str) -> None:
    if scale == "bundled":
        base = load_config()
    else:
        base = parse_config(f'[partnership]\nname = "P"\n{SCALES[scale]}[thresholds]\nsample = 3\n{STANDARDS}', "t")
    _same(parse_config(config_toml(base), "again"), base)


def test_odd_text_survives_the_record(eastvale: Config) -> None:
    odd = replace(
        eastvale,
        partnership='Eastvale "Safeguarding" \\ Partnership – Ynys Môn\u200b',
        standards=(*eastvale.standards[:1], replace(eastvale.standards[1], title="Line one\nline two\ttab")),
    )
    _same(parse_config(config_toml(odd), "odd"), odd)


def test_every_template_records_its_configuration(tmp_path: Path, eastvale: Config) -> None:
    for path in build_all(tmp_path, eastvale):
        wb = openpyxl.load_workbook(path)
        assert wb[CONFIG_SHEET].sheet_state == "hidden", path.name
        found = recorded_config_file(path)
        assert found is not None, path.name
        if path.name == "section11-return.xlsx":  # goes to agencies: no agency list, no e-mail addresses
            assert found.agencies == ()
            assert "@" not in "".join(str(c.value) for row in wb[CONFIG_SHEET].iter_rows() for c in row)
            _same(found, replace(eastvale, agencies=()))
        else:
            _same(found, eastvale)


def test_returns_and_summary_record_configuration_and_round(tmp_path: Path, eastvale: Config) -> None:
    written = make_returns(eastvale.agencies, "2026", tmp_path / "returns", eastvale)
    assert [p.name for p in written] == [
        "Section 11 return 2026 - Eastvale Police.xlsx",
        "Section 11 return 2026 - Eastvale Council.xlsx",
        "Section 11 return 2026 - Eastvale ICB.xlsx",
    ]
    _same(recorded_config_file(written[0]), replace(eastvale, agencies=()))
    for agency in ("Eastvale Police", "Eastvale Council"):
        make_return(
            tmp_path / "filled",
            eastvale,
            agency,
            ratings=["Green", "Amber", "Red", "N/A"],
            evidence=["Evidence that is long enough"] * 4,
            round_="2026",
        )
    make_return(
        tmp_path / "filled",
        eastvale,
        "Eastvale ICB",
        ratings=["Green"] * 4,
        evidence=["Evidence that is long enough"] * 4,
        round_="2024",
    )
    out = tmp_path / "summary.xlsx"
    collate([tmp_path / "filled"], out, eastvale)
    book = open_book(out)
    assert book.get_name("Round") == "2026"
    assert book.name_address("Round")[0] == "About"
    _same(recorded_config(book), eastvale)


def test_command_line_uses_the_summarys_configuration_unless_told(tmp_path: Path, eastvale: Config) -> None:
    returns = tmp_path / "returns"
    for agency in ("Eastvale Police", "Eastvale Council"):
        make_return(
            returns,
            eastvale,
            agency,
            ratings=["Green", "Amber", "Red", "N/A"],
            evidence=["Evidence that is long enough"] * 4,
        )
    out = tmp_path / "summary.xlsx"
    boardbook = [sys.executable, "-m", "boardbook.cli"]
    first = subprocess.run(
        [*boardbook, "s11", "collate", str(returns), "--out", str(out), "--config", str(EASTVALE)],
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stderr
    again = subprocess.run(
        [*boardbook, "s11", "collate", str(returns), "--out", str(out)], capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    matrix = pc.CalamineWorkbook.from_path(str(out), load_tables=True).get_table_by_name("Matrix")
    assert list(matrix.columns)[:5] == ["Agency", "E1", "E2", "E3", "E4"]  # still Eastvale's standards
    assert [row[:5] for row in matrix.to_python()] == [
        ["Eastvale Council", "Green", "Amber", "Red", "N/A"],
        ["Eastvale Police", "Green", "Amber", "Red", "N/A"],
    ]
    # an explicit --config wins: the bundled four-point scale rejects every RAG rating
    bundled = subprocess.run(
        [
            *boardbook,
            "s11",
            "collate",
            str(returns),
            "--out",
            str(tmp_path / "b.xlsx"),
            "--config",
            str(DATA / "boardbook.toml"),
        ],
        capture_output=True,
        text=True,
    )
    assert bundled.returncode == 0 and "rejected" in bundled.stderr


def test_summary_made_before_records_gets_the_table_and_round(tmp_path: Path, config: Config) -> None:
    """A summary of the previous version (no boardbook sheet, no Round name) is collated onto as before."""
    returns = tmp_path / "returns"
    make_return(returns, config, "Moorlands Police")
    out = tmp_path / "summary.xlsx"
    collate([returns], out, config)
    wb = openpyxl.load_workbook(out)
    del wb[CONFIG_SHEET]
    del wb.defined_names["Round"]
    wb.save(out)
    assert recorded_config_file(out) is None
    assert recorded_config(open_book(out)) is None
    _same(choose_config(None, out), load_config())  # nothing recorded: the bundled default
    collate([returns], out, config)
    book = open_book(out)
    assert CONFIG_TABLE in book.table_names() and book.get_name("Round") == "2026"
    assert book.name_address("Round")[0] == CONFIG_SHEET
    assert openpyxl.load_workbook(out)[CONFIG_SHEET].sheet_state == "hidden"


def test_a_damaged_record_names_the_workbook(tmp_path: Path, config: Config) -> None:
    path = make_return(tmp_path, config)
    wb = openpyxl.load_workbook(path)
    wb[CONFIG_SHEET]["A2"] = "[partnership"
    wb.save(path)
    with pytest.raises(ConfigError, match=r"Moorlands Police\.xlsx .*recorded.*not valid TOML"):
        recorded_config_file(path)


def test_rounds() -> None:
    assert [next_round(r) for r in ("2024", "2024/25", "2024-2025", 2024.0, "Round 3", "", None, "spring")] == [
        "2026",
        "2026/27",
        "2026-2027",
        "2026",
        "Round 4",
        "",
        "",
        "",
    ]
    returns = [Return(file="a", round=r) for r in ("2024", "2026", "", "2024/25")]
    assert latest_round(returns) == "2026"
    assert latest_round([Return(file="a")]) == ""


def test_agency_list_csv_still_wins_over_recorded_agencies(tmp_path: Path, eastvale: Config) -> None:
    csv = tmp_path / "agencies.csv"
    csv.write_text("Agency,Sector,Email,Partnerships\nEastvale Schools,Education,,All\n", encoding="utf-8")
    written = make_returns(load_agencies(csv), "2026", tmp_path / "r", eastvale)
    assert [p.name for p in written] == ["Section 11 return 2026 - Eastvale Schools.xlsx"]
