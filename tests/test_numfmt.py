"""Number formats (book/numfmt.py): the pure rendering of a value through a format code, checked against a
real spreadsheet engine (LibreOffice renders the same cells to CSV as it shows them), and the formats read back
from real packages written by openpyxl and re-saved by LibreOffice."""

from __future__ import annotations

import random
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardbook.book.fast import read_workbook
from boardbook.book.numfmt import (
    GENERAL,
    PackageFormats,
    is_date,
    is_percent,
    sheet_formats,
    shown,
    style_formats,
    typed,
)
from boardbook.budget.values import parse_share
from boardbook.numbers import read_number
from boardbook.performance.reader import number
from tests.helpers import as_shown, recalculate, require_soffice

# (value, format code, what Excel shows): each rendered the same by LibreOffice (test_libreoffice_agrees).
CASES: list[tuple[object, str, str]] = [
    (0.244, "0.0%", "24.4%"),
    (0.95, "0%", "95%"),
    (0.1234, "0.00%", "12.34%"),
    (-0.05, "0%", "-5%"),
    (12000, "#,##0", "12,000"),
    (12000.5, "#,##0.00", "12,000.50"),
    (1234567.891, "#,##0.00", "1,234,567.89"),
    (-1200.5, '"£"#,##0.00;[Red]-"£"#,##0.00', "-£1,200.50"),
    (-1200, "#,##0 ;(#,##0)", "(1,200)"),
    (1234.5, "[$£-809]#,##0.00", "£1,234.50"),
    (0, '#,##0;-#,##0;"nil"', "nil"),
    (12000, "#,##0,", "12"),
    (5, "0.0", "5.0"),
    (0.5, "0.0#", "0.5"),
    (12, "000", "012"),
    (0.5, "# ?/?", "1/2"),
    (1.5, "# ?/?", "1 1/2"),
    (2.5, "# ?/?", "2 1/2"),
    (0.3333, "# ??/??", "1/3"),
    (0.5, "?/4", "2/4"),
    (0.333, "0.00E+00", "3.33E-01"),
    (datetime(2026, 4, 3), "dd/mm/yyyy", "03/04/2026"),
    (datetime(2026, 2, 1), "d-mmm", "1-Feb"),
    (datetime(2026, 2, 1, 13, 5), "dd/mm/yyyy hh:mm", "01/02/2026 13:05"),
    (datetime(2026, 2, 1, 13, 5), "h:mm AM/PM", "1:05 PM"),
    (datetime(2026, 2, 1), "dddd d mmmm yyyy", "Sunday 1 February 2026"),
    (datetime(2026, 11, 9), "mmm-yy", "Nov-26"),
]


@pytest.mark.parametrize(("value", "code", "expected"), CASES, ids=[f"{c}:{v}" for v, c, _ in CASES])
def test_shown_as_excel_shows_it(value: object, code: str, expected: str) -> None:
    assert shown(value, code) == expected


def test_libreoffice_agrees(tmp_path: Path) -> None:
    """An independent engine: LibreOffice writes each cell to CSV as it shows it; ours must say the same."""
    require_soffice()
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, (value, code, _expected) in enumerate(CASES, start=1):
        ws.cell(i, 1, value).number_format = code
    wb.save(tmp_path / "formats.xlsx")
    rendered = [row[0].strip() for row in as_shown(tmp_path / "formats.xlsx", tmp_path / "out")]
    assert rendered == [shown(v, c) for v, c, _e in CASES]


def test_libreoffice_agrees_on_many_values(tmp_path: Path) -> None:
    """Rounding, grouping, signs and sections over 600 values drawn at random (fixed seed), in one LibreOffice run."""
    require_soffice()
    rng = random.Random(11)
    codes = ["0%", "0.0%", "0.00%", "#,##0", "#,##0.00", '"£"#,##0.00;[Red]-"£"#,##0.00', "0.0", "# ?/?"]
    values = [round(rng.uniform(-1e6, 1e6), rng.randint(0, 4)) for _ in range(40)]
    values += [round(rng.uniform(-2, 2), rng.randint(1, 5)) for _ in range(30)]
    values += [0.125, 0.005, 1.005, 2.675, -0.5, 0.0, 999999.995]
    wb = openpyxl.Workbook()
    ws = wb.active
    cells = [(v, c) for v in values for c in codes]
    for i, (value, code) in enumerate(cells, start=1):
        ws.cell(i, 1, value).number_format = code
    wb.save(tmp_path / "many.xlsx")
    # LibreOffice pads the empty whole part of a negative fraction ("- 1/5"); Excel and boardbook write "-1/5".
    rendered = [re.sub(r"^- +", "-", row[0].strip()) for row in as_shown(tmp_path / "many.xlsx", tmp_path / "out")]
    mismatches = [(v, c, r, shown(v, c)) for (v, c), r in zip(cells, rendered, strict=True) if r != shown(v, c)]
    # 1.005 as a percentage: LibreOffice scales in binary (100.49999999999999 → 100%); Excel rounds what it shows
    # from 15 significant digits (100.5 → 101%), as boardbook does from the decimal the cell holds.
    assert mismatches == [(1.005, "0%", "100%", "101%")], mismatches[:10]


def test_dates_from_every_reader_type() -> None:
    """calamine and openpyxl give date, datetime or time for date-formatted cells; a number works too."""
    assert shown(date(2026, 4, 3), "dd/mm/yyyy") == "03/04/2026"
    assert shown(time(9, 30), "hh:mm") == "09:30"
    assert shown(46115.0, "dd/mm/yyyy") == "03/04/2026"  # the serial Excel stores
    assert shown(datetime(2026, 4, 3), GENERAL) == "03/04/2026"  # a reader that gives no format: UK short date


@pytest.mark.parametrize(
    "code",
    ["[>100]0;0", "[h]:mm:ss", "##0.0E+0", "000-000", "hh:mm:ss.00"],
)
def test_formats_beyond_the_reader_are_none(code: str) -> None:
    """Conditions, elapsed time, engineering notation, digits split by literals, fractions of seconds."""
    value: object = datetime(2026, 2, 1, 13, 5) if "h" in code else 123456
    assert shown(value, code) is None


def test_general_numbers() -> None:
    assert shown(3.0, GENERAL) == "3"
    assert shown(0.1 + 0.2, GENERAL) == "0.3"  # Excel shows 15 significant digits
    assert shown(12000, "@") == "12000"  # a number in a Text-formatted cell
    assert shown(None, "0%") == "" and shown("typed text", "0%") == "typed text"


def test_is_percent_and_is_date() -> None:
    assert is_percent("0%") and is_percent("0.00%;[Red]-0.00%") and is_percent("#,##0.0 %")
    assert not is_percent('0.0"%"') and not is_percent("0.0\\%") and not is_percent(GENERAL)
    assert is_date("dd/mm/yyyy") and is_date("h:mm") and not is_date("#,##0") and not is_date('0 "days"')


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False))
def test_typed_percentage_reads_as_typing_it(value: float) -> None:
    """A %-formatted cell is read exactly as typing its percentage: the number reader sees the same figure."""
    text = typed(value, "0.0%")
    assert isinstance(text, str) and text.endswith("%")
    read = read_number(text)
    assert read.percent and read.value == Decimal(repr(value)) * 100
    assert number(text) == float(Decimal(repr(value)) * 100)  # performance: 0.244 formatted % is 24.4


@given(st.fractions(min_value=0, max_value=1, max_denominator=10_000))
def test_share_formatted_as_percent_is_the_share(share: Fraction) -> None:
    stored = float(share)
    assert parse_share(typed(stored, "0.00%")) == parse_share(f"{Decimal(repr(stored)) * 100}%")
    assert parse_share(typed(stored, "0.00%")) == Fraction(repr(stored))


def test_typed_leaves_other_values() -> None:
    assert typed(0.25, "0.00") == 0.25 and typed("25%", "0%") == "25%" and typed(True, "0%") is True
    assert typed(None, "0%") is None and typed(2, "0%") == "200%"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_thousands(n: int) -> None:
    assert shown(n, "#,##0") == f"{n:,}"
    assert shown(n, "0") == str(n)


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=1, max_value=9), st.integers(0, 8))
def test_fractions_with_one_digit_denominators(whole: int, den: int, num: int) -> None:
    num %= den
    text = shown(whole + num / den, "# ?/?")
    f = Fraction(num, den)
    expected = str(whole) if num == 0 else f"{whole} {f}" if whole else str(f)
    assert text == expected


# -- formats read from packages ------------------------------------------------------------------------------
def test_sheet_scan_in_either_attribute_order() -> None:
    styles = [GENERAL, "0%", "#,##0"]
    usual = '<row r="2"><c r="B2" s="1" t="n"><v>0.5</v></c><c r="C2" s="0"/><c r="AA2" s="2"><v>1</v></c></row>'
    other = '<row r="2"><c t="n" s="1" r="B2"><v>0.5</v></c><c s="0" r="C2"/><c s="2" r="AA2"><v>1</v></c></row>'
    expected = {(2, 2): "0%", (2, 27): "#,##0"}
    assert sheet_formats(usual, styles) == sheet_formats(other, styles) == expected
    assert sheet_formats('<c r="B2" s="9"/>', styles) == {}  # a style index beyond the list: General


def _formatted(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Name", "Share", "Joined", "Amount"])
    ws.append(["Ada", 0.25, datetime(2026, 4, 3), 12000])
    ws.append(["Bo", 0.5, datetime(2026, 2, 1), 3.5])
    for row in (2, 3):
        ws.cell(row, 2).number_format = "0.0%"
        ws.cell(row, 3).number_format = "mm-dd-yy"  # openpyxl writes this as built-in 14
        ws.cell(row, 4).number_format = "#,##0"
    ws.add_table(openpyxl.worksheet.table.Table(displayName="People", ref="A1:D3"))
    wb.save(path)
    return path


def test_formats_read_from_openpyxl_and_libreoffice_files(tmp_path: Path) -> None:
    """The sheet scan finds each cell's code whether openpyxl (built-in 14) or LibreOffice (its own numFmts,
    its own style order) wrote the package; and the table carries them by row and column."""
    require_soffice()
    mine = _formatted(tmp_path / "mine.xlsx")
    theirs = recalculate(mine, tmp_path / "lo")
    # Built-in 14 is the machine's short date: a UK Excel shows it day first. LibreOffice writes it out as the
    # code its own locale shows (m/d/yyyy here, in en-US): what its user saw, so what boardbook reads.
    for path, day in ((mine, "03/04/2026"), (theirs, "4/3/2026")):
        with zipfile.ZipFile(path) as zf:
            cells = PackageFormats(zf).sheet("Data")
            assert style_formats(zf)[0] == GENERAL
        assert is_percent(cells[(2, 2)]) and is_percent(cells[(3, 2)])
        assert cells[(2, 4)] == "#,##0"
        assert (1, 1) not in cells and (2, 1) not in cells  # General cells are left out
        t = read_workbook(path, tables=("People",)).tables["People"]
        assert t.number_format(0, 1) == cells[(2, 2)] and t.number_format(1, 0) == GENERAL
        assert shown(t.rows[0][2], t.number_format(0, 2)) == day
        assert shown(t.rows[0][3], t.number_format(0, 3)) == "12,000"
        assert typed(t.rows[0][1], t.number_format(0, 1)) == "25%"
    assert [row[2] for row in as_shown(theirs, tmp_path / "csv")[1:]] == ["4/3/2026", "2/1/2026"]
