"""Bad performance inputs: each gets a message naming the file, the row (CSV) or cell (.xlsx) and the column,
and no input is ever modified. Good inputs in .xlsx (a plain sheet, or a table anywhere) read like CSVs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from boardbook.config import load_config
from boardbook.errors import WorkbookError
from boardbook.performance import reader
from boardbook.performance.model import InputError
from boardbook.performance.pipeline import fill_workbook
from tests.helpers import hashes

HEADER = "Priority,Indicator,Period,Numerator,Denominator,Per,Value,Target,Polarity,Tolerance\n"
GOOD = "Neglect,Repeat child protection plans,2024/25,41,168,100,,20,lower,3\n"


def csv_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def xlsx_file(
    folder: Path,
    name: str,
    rows: list[list[object]],
    *,
    table: str | None = None,
    at: tuple[int, int] = (1, 1),
    sheet: str = "Data",
) -> Path:
    """Rows written from cell ``at`` (row, column), optionally as an Excel table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            ws.cell(at[0] + i, at[1] + j, v)
    if table:
        first = ws.cell(*at).coordinate
        last = ws.cell(at[0] + len(rows) - 1, at[1] + len(rows[0]) - 1).coordinate
        ws.add_table(Table(displayName=table, ref=f"{first}:{last}"))
    path = folder / name
    wb.save(path)
    return path


def problem(fn, path: Path) -> str:
    """The message of the InputError ``fn(path)`` raises, checking the file is unchanged."""
    before = hashes(path.parent)
    with pytest.raises(InputError) as exc:
        fn(path)
    assert hashes(path.parent) == before, "an input was modified"
    return str(exc.value)


# -- indicators ---------------------------------------------------------------------------------------------
def test_missing_column_csv(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "indicators.csv", "Prioirty,Indicator,Period,Value\nNeglect,X,2024/25,1\n")
    msg = problem(reader.read_indicators, path)
    assert msg.startswith("indicators.csv row 1, column Priority: the column 'Priority' is missing")
    assert "rename 'Prioirty' to 'Priority'" in msg


def test_missing_value_and_numerator_columns(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "indicators.csv", "Priority,Indicator,Period,Target\nNeglect,X,2024/25,1\n")
    assert problem(reader.read_indicators, path).startswith(
        "indicators.csv row 1, column Value: the column 'Value' is missing (or give 'Numerator' and 'Denominator'"
    )


def test_missing_column_xlsx_names_the_sheet_and_header_cell(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, "indicators.xlsx", [["Priority", "Indicator", "Value"], ["Neglect", "X", 1]], at=(3, 2))
    assert problem(reader.read_indicators, path).startswith(
        "indicators.xlsx sheet 'Data' row 3, column Period: the column 'Period' is missing"
    )


def _sheets(folder: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = folder / "indicators.xlsx"
    wb.save(path)
    return path


INDICATOR_ROWS: list[list[object]] = [
    ["Priority", "Indicator", "Period", "Value", "Target", "Polarity"],
    ["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"],
]


def test_indicators_on_a_later_sheet_below_a_title_are_found_by_their_headers(tmp_path: Path) -> None:
    """A cover/notes sheet first, the data on the second sheet under a title and a blank row: found by headers."""
    path = _sheets(
        tmp_path,
        {
            "Notes": [["Indicators for the board, Q2"], ["Source: LA returns"]],
            "Q2 data": [["Northmoor SCP indicators 2024/25"], [], *INDICATOR_ROWS],
        },
    )
    (got,) = reader.read_indicators(path)
    assert (got.indicator, got.value, got.where.sheet, got.where.row) == ("Re-referrals", 21.2, "Q2 data", 4)


def test_indicators_nowhere_says_which_sheet_was_read_and_where_data_must_be(tmp_path: Path) -> None:
    path = _sheets(tmp_path, {"Notes": [["Read me first"], ["Figures on the next tab"]], "Data": [["Nothing"]]})
    msg = problem(reader.read_indicators, path)
    assert msg.startswith("3 problems: indicators.xlsx sheet 'Notes' row 1, column Priority: the column 'Priority' is ")
    assert (
        "read sheet 'Notes' (no table named 'Indicators', and no sheet has a row with these headers): put the "
        "headers in the first row of the first sheet, or make the data an Excel table named 'Indicators'"
    ) in msg


def test_unknown_polarity(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "indicators.csv", HEADER + GOOD + "Neglect,Re-referrals,2024/25,,,,21.2,20,up is good,2\n"
    )
    assert problem(reader.read_indicators, path) == (
        "indicators.csv row 3, column Polarity: 'up is good' is not a polarity: use 'higher' or 'lower' (is better)"
    )


def test_denominator_zero(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "indicators.csv", HEADER + "Neglect,Re-referrals,2024/25,612,0,100,,20,lower,2\n")
    assert problem(reader.read_indicators, path) == (
        "indicators.csv row 2, column Denominator: 0: a rate needs a denominator above 0"
    )


def test_denominator_zero_xlsx_names_the_cell(tmp_path: Path) -> None:
    rows = [
        ["Priority", "Indicator", "Period", "Numerator", "Denominator", "Per"],
        ["Neglect", "Re-referrals", "2024/25", 612, 2890, 100],
        ["Neglect", "Repeat plans", "2024/25", 41, 0, 100],
    ]
    path = xlsx_file(tmp_path, "indicators.xlsx", rows, table="Indicators", at=(3, 2), sheet="Figures")
    assert problem(reader.read_indicators, path) == (
        "indicators.xlsx sheet 'Figures' cell F5, column Denominator: 0: a rate needs a denominator above 0"
    )


@pytest.mark.parametrize(
    ("column", "row", "expected"),
    [
        ("Value", "Neglect,Re-referrals,2024/25,,,,twelve,20,lower,2", "row 2, column Value: 'twelve' is not a number"),
        (
            "Numerator",
            "Neglect,Re-referrals,2024/25,6l2,2890,100,,20,lower,2",
            "row 2, column Numerator: '6l2' is not a number",
        ),
        (
            "Target",
            "Neglect,Re-referrals,2024/25,,,,21.2,twenty,lower,2",
            "row 2, column Target: 'twenty' is not a number",
        ),
        (
            "Tolerance",
            "Neglect,Re-referrals,2024/25,,,,21.2,20,lower,two",
            "row 2, column Tolerance: 'two' is not a number",
        ),
    ],
)
def test_non_numeric_values(tmp_path: Path, column: str, row: str, expected: str) -> None:
    path = csv_file(tmp_path, "indicators.csv", HEADER + row + "\n")
    assert problem(reader.read_indicators, path) == f"indicators.csv {expected}"


def test_non_numeric_value_xlsx(tmp_path: Path) -> None:
    rows = [["Priority", "Indicator", "Period", "Value"], ["Neglect", "X", "2024/25", "n/k"]]
    path = xlsx_file(tmp_path, "indicators.xlsx", rows, sheet="Indicators")
    assert problem(reader.read_indicators, path) == (
        "indicators.xlsx sheet 'Indicators' cell D2, column Value: 'n/k' is not a number"
    )


def test_duplicate_indicator_for_one_period(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "indicators.csv",
        HEADER
        + GOOD
        + "Neglect,Re-referrals,2024/25,,,,21.2,20,lower,2\n"
        + "neglect, Repeat child protection  plans,2024/25,,,,24.4,20,lower,3\n",
    )
    assert problem(reader.read_indicators, path) == (
        "indicators.csv row 4, column Indicator: 'Repeat child protection plans' for period '2024/25' under "
        "priority 'neglect' is listed twice (also row 2)"
    )


def test_duplicate_across_two_files(tmp_path: Path) -> None:
    one = csv_file(tmp_path, "a.csv", HEADER + GOOD)
    two = csv_file(tmp_path, "b.csv", HEADER + GOOD)
    with pytest.raises(InputError, match=r"b.csv row 2, column Indicator: .* listed twice \(also a.csv row 2\)"):
        fill_workbook(tmp_path / "out.xlsx", load_config(), indicators=[one, two])


def test_the_same_indicator_in_two_periods_or_priorities_is_fine(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "indicators.csv",
        HEADER + GOOD + GOOD.replace("2024/25", "2023/24") + GOOD.replace("Neglect", "Child exploitation"),
    )
    assert len(reader.read_indicators(path)) == 3


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "indicators.csv", HEADER + ",Repeat plans,2024/25,41,0,100,,20,sideways,-1\n")
    msg = problem(reader.read_indicators, path)
    assert msg.startswith("4 problems: indicators.csv row 2, column Priority: is blank; ")
    for part in ("column Denominator", "column Polarity", "column Tolerance: -1: the tolerance must be 0 or more"):
        assert part in msg


def test_numerator_without_denominator(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "indicators.csv", HEADER + "Neglect,Re-referrals,2024/25,612,,100,,20,lower,2\n")
    assert problem(reader.read_indicators, path) == (
        "indicators.csv row 2, column Denominator: is blank but Numerator is given: give both, or a Value"
    )


def test_good_indicator_inputs_csv_and_xlsx_read_the_same(tmp_path: Path) -> None:
    text = (
        HEADER
        + GOOD
        + 'Neglect,"Children in need, rate per 10,000",2024/25,"1,968","58,410",,,,,\n'
        + "Neglect,Persistent absence,2024/25,,,,34.8%,30,Lower is better,3\n"
        + ",,,,,,,,,\n"
        + "Neglect,Suppressed,2024/25,,,,c,,,\n"
    )
    from_csv = reader.read_indicators(csv_file(tmp_path, "i.csv", "\ufeff" + text))
    rows = [line.split(",") for line in (HEADER + GOOD).strip().split("\n")]
    rows[1][3:6] = [41, 168, 100]
    from_xlsx = reader.read_indicators(xlsx_file(tmp_path, "i.xlsx", rows))
    assert [(i.numerator, i.denominator, i.per) for i in from_xlsx] == [(41, 168, 100)]
    assert [(i.indicator, i.numerator, i.denominator, i.value, i.polarity) for i in from_csv] == [
        ("Repeat child protection plans", 41, 168, None, "lower"),
        ("Children in need, rate per 10,000", 1968, 58410, None, None),
        ("Persistent absence", None, None, 34.8, "lower"),
        ("Suppressed", None, None, None, None),
    ]
    assert from_csv[3].note == "Value: suppressed to protect confidentiality (c)"


def test_plain_cp1252_csv_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "indicators.csv"
    path.write_bytes((HEADER + "Neglect,Spend per child £,2024/25,,,,12,,,\n").encode("cp1252"))
    assert reader.read_indicators(path)[0].indicator == "Spend per child £"


def test_not_a_workbook_and_missing_file(tmp_path: Path) -> None:
    fake = tmp_path / "indicators.xlsx"  # a CSV with the wrong name is read as the CSV it is
    fake.write_text("Priority,Indicator\n")
    with pytest.raises(InputError, match=r"indicators\.xlsx row 1, column Period: the column 'Period' is missing"):
        reader.read_indicators(fake)
    with pytest.raises(WorkbookError, match=r"nowhere\.csv: file not found"):
        reader.read_indicators(tmp_path / "nowhere.csv")
    empty = csv_file(tmp_path, "empty.csv", "\n\n")
    with pytest.raises(WorkbookError, match=r"empty\.csv: the file is empty"):
        reader.read_indicators(empty)


# -- evidence ------------------------------------------------------------------------------------------------
EVIDENCE = "Priority,Lens,Finding,RAG,Source,Date\n"


def test_unknown_lens_suggests_the_right_one(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "evidence.csv", EVIDENCE + "Neglect,Practitioner view,Staff are confident,Green,Survey,01/03/2025\n"
    )
    assert problem(reader.read_evidence, path) == (
        "evidence.csv row 2, column Lens: 'Practitioner view' is not a lens: use one of Quantitative data, "
        "Qualitative data, Practitioner views, Child and family views (did you mean 'Practitioner views'?)"
    )


def test_unknown_lens_xlsx(tmp_path: Path) -> None:
    rows = [["Priority", "Lens", "Finding"], ["Neglect", "Audit", "Chronologies up to date in 9 of 12"]]
    path = xlsx_file(tmp_path, "evidence.xlsx", rows, table="Evidence", sheet="Evidence")
    assert problem(reader.read_evidence, path).startswith(
        "evidence.xlsx sheet 'Evidence' cell B2, column Lens: 'Audit' is not a lens"
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "Neglect,Qualitative data,Audit of 12 cases,Purple,Audit,01/03/2025",
            "row 2, column RAG: 'Purple' is not a RAG rating: use Green, Amber or Red (or leave it blank)",
        ),
        (
            "Neglect,Qualitative data,Audit of 12 cases,Red,Audit,31/02/2025",
            "row 2, column Date: '31/02/2025' is not a date (use dd/mm/yyyy)",
        ),
        ("Neglect,Qualitative data,,Red,Audit,", "row 2, column Finding: is blank"),
        (",Qualitative data,Audit of 12 cases,Red,Audit,", "row 2, column Priority: is blank"),
    ],
)
def test_bad_evidence_rows(tmp_path: Path, row: str, expected: str) -> None:
    path = csv_file(tmp_path, "evidence.csv", EVIDENCE + row + "\n")
    assert problem(reader.read_evidence, path) == f"evidence.csv {expected}"


def test_evidence_is_read_generously(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "evidence.csv",
        "priority , LENS,finding,rag,source,date\n"
        "Neglect,child AND family views,=SUM(1;1) said a parent,g,Survey,1 March 2025\n",
    )
    [f] = reader.read_evidence(path)
    assert (f.lens, f.rag, f.date, f.finding) == (
        "Child and family views",
        "Green",
        date(2025, 3, 1),
        "=SUM(1;1) said a parent",
    )


# -- risk factors ----------------------------------------------------------------------------------------------
RISK = "Factor,Assessments,Plans\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Neglect,690,742", "row 2, column Plans: 742 is more than Assessments (690)"),
        ("Gangs,0,0", "row 2, column Assessments: 0: the conversion to a plan needs assessments above 0"),
        ("Gangs,seventy,9", "row 2, column Assessments: 'seventy' is not a number"),
        ("Gangs,72.5,9", "row 2, column Assessments: 72.5 is not a count"),
        ("Gangs,72,", "row 2, column Plans: is blank"),
        (",72,9", "row 2, column Factor: is blank"),
    ],
)
def test_bad_risk_factors(tmp_path: Path, row: str, expected: str) -> None:
    path = csv_file(tmp_path, "risk.csv", RISK + row + "\n")
    assert problem(reader.read_risk_factors, path).startswith(f"risk.csv {expected}")


def test_duplicate_risk_factor(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "risk.csv", RISK + "Gangs,72,9\nNeglect,690,242\n gangs ,70,9\n")
    assert problem(reader.read_risk_factors, path) == (
        "risk.csv row 4, column Factor: 'gangs' is listed twice (also row 2)"
    )


def test_missing_risk_factor_column(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "risk.csv", "Factor,Assessments,Children on a plan\nGangs,72,9\n")
    assert problem(reader.read_risk_factors, path).startswith(
        "risk.csv row 1, column Plans: the column 'Plans' is missing"
    )
