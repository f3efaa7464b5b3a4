"""One CSV opener (``boardbook.csvfile``): the files Excel (UK and European), LibreOffice, Google Sheets, Numbers
and copy-paste produce are read alike, and the reader says how it read a file."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from boardbook.agencies import load_agencies
from boardbook.csvfile import read_csv
from boardbook.errors import ConfigError

ROWS = [
    ["Agency", "Sector", "Email", "Partnerships"],
    ["St John's £ Hospice", "Voluntary", "", "All"],
    ["Northmoor Police", "Police", "p@example.org", "Northmoor; Eastvale"],
]


def _text(sep: str) -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if sep in v or ";" in v else v

    return "\r\n".join(sep.join(cell(v) for v in row) for row in ROWS) + "\r\n"


SAVED = {
    # name: (bytes, encoding found, separator found)
    "Excel CSV UTF-8": (codecs.BOM_UTF8 + _text(",").encode("utf-8"), "utf-8-sig", ","),
    "Google Sheets / Numbers (UTF-8, no BOM)": (_text(",").encode("utf-8"), "utf-8", ","),
    "Excel plain CSV on a UK PC (Windows-1252)": (_text(",").encode("cp1252"), "cp1252", ","),
    "Excel on a European-locale PC (semicolons)": (_text(";").encode("cp1252"), "cp1252", ";"),
    "Excel Unicode text (UTF-16, tabs)": (codecs.BOM_UTF16_LE + _text("\t").encode("utf-16-le"), "utf-16", "\t"),
    "copy-paste into a text editor (tabs, UTF-8)": (_text("\t").encode("utf-8"), "utf-8", "\t"),
    "old Mac line endings (CR only)": (_text(",").replace("\r\n", "\r").encode("utf-8"), "utf-8", ","),
}


@pytest.mark.parametrize("saved", list(SAVED))
def test_every_way_of_saving_reads_the_same_rows(tmp_path: Path, saved: str) -> None:
    data, encoding, separator = SAVED[saved]
    path = tmp_path / "agencies.csv"
    path.write_bytes(data)
    found = read_csv(path)
    assert (found.encoding, found.separator) == (encoding, separator)
    assert [r for r in found.rows if r] == ROWS
    assert found.lines[: len(ROWS)] == [1, 2, 3]
    agencies = load_agencies(path)
    assert [a.name for a in agencies] == ["St John's £ Hospice", "Northmoor Police"]
    assert agencies[1].partnerships == ("Northmoor", "Eastvale")


def test_a_quoted_separator_in_the_header_does_not_mislead(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('"Name; full",Sector\nA,B\n', encoding="utf-8")
    assert read_csv(path).separator == ","


def test_the_message_says_how_the_file_was_read_when_the_columns_do_not_match(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_bytes("Organisation|Sector\nPolice|Police\n".encode("cp1252"))
    with pytest.raises(ConfigError, match=r"needs a column 'Agency'.*read as UTF-8 text separated by commas"):
        load_agencies(path)


def test_row_numbers_count_blank_and_multi_line_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('A,B\n\n"two\nlines",x\nlast,y\n', encoding="utf-8")
    found = read_csv(path)
    assert [(line, row) for line, row in zip(found.lines, found.rows, strict=True) if row] == [
        (1, ["A", "B"]),
        (3, ["two\nlines", "x"]),
        (5, ["last", "y"]),
    ]


def test_budget_and_indicator_csvs_saved_the_european_way_are_read(tmp_path: Path) -> None:
    from boardbook.budget.reader import read_budget
    from boardbook.performance import reader

    (tmp_path / "c.csv").write_bytes(
        "Partner;Sector;Basis;Share;Amount\r\nCouncil;LA;share;60%;\r\nPolice;Police;share;40%;\r\n".encode("cp1252")
    )
    (tmp_path / "budget.toml").write_text(
        '[budget]\npartnership = "P"\nfinancial_year = "2026/27"\nreserves_brought_forward = 0\n'
        'requirement = 1000\ncontributions = "c.csv"\n',
        encoding="utf-8",
    )
    budget = read_budget(tmp_path / "budget.toml")
    assert [(c.partner, float(c.share or 0)) for c in budget.contributions] == [("Council", 0.6), ("Police", 0.4)]
    indicators = tmp_path / "indicators.csv"
    indicators.write_bytes(
        codecs.BOM_UTF16_LE
        + "Priority\tIndicator\tPeriod\tValue\r\nNeglect\tRe-referrals\t2024/25\t21.5\r\n".encode("utf-16-le")
    )
    (ind,) = reader.read_indicators(indicators)
    assert (ind.indicator, ind.value) == ("Re-referrals", 21.5)


def test_an_indicator_csv_whose_columns_do_not_match_says_how_it_was_read(tmp_path: Path) -> None:
    from boardbook.performance import reader
    from boardbook.performance.model import InputError

    indicators = tmp_path / "indicators.csv"
    indicators.write_bytes("Priority|Indicator|Period|Value\nN|A|2024/25|1\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"column 'Priority' is missing .*read as UTF-8 text separated by commas"):
        reader.read_indicators(indicators)
