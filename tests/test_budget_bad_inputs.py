"""Bad budget inputs: each gets a clear message naming the sheet and cell (or the CSV row and column, or the
TOML key), all the problems of a file are reported together, nothing is written, and the input is
byte-identical afterwards. Amounts typed as text with £ and commas are not bad: they are parsed.
"""

from __future__ import annotations

import copy
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from boardbook.budget import contract as c
from boardbook.budget.model import CODES, BudgetInputError
from boardbook.budget.pipeline import fill_budget_file
from boardbook.budget.propose import partners_from_file
from boardbook.errors import Location, WorkbookError
from boardbook.problems import ERROR
from tests.helpers import (
    DATA,
    OFFICER_AMOUNTS,
    OFFICER_CONTRIBUTIONS,
    OFFICER_EXPENDITURE,
    OFFICER_NAMES,
    OFFICER_OTHER_INCOME,
    OFFICER_TOTALS,
    hashes,
    names_openpyxl,
    officer_workbook,
    run,
    sha256,
)

D = Decimal
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Where the officer's values sit in the template (header on row 1; rows left blank stay blank):
#   Contributions: A2 Northmoor Council (share, D2), A3 ICB (share, D3), row 4 blank, A5 Police (share, D5),
#                  A6 Probation (fixed, E6), A7 Fellside (fixed, E7), A8 Schools Forum (fixed, E8)
#   Other income:  row 2 DSG, row 3 Training fees, row 4 blank, row 5 Non-attendance charges
#   Expenditure:   row 2 scrutineer, row 3 staffing, row 4 reviews, row 5 blank, row 6 subgroup
#   Budget:        B1 Partnership, B2 FinancialYear, B3 ReservesBroughtForward, B4 Requirement


def officer_with(
    path: Path,
    *,
    names: dict[str, object] | None = None,
    contributions: dict[int, list | None] | None = None,
    other_income: dict[int, list | None] | None = None,
    expenditure: dict[int, list | None] | None = None,
) -> Path:
    """The officer's workbook with some cells typed differently: ``{row index: row}`` replaces rows."""
    tables = {}
    for label, base, changes in (
        ("contributions", OFFICER_CONTRIBUTIONS, contributions),
        ("other_income", OFFICER_OTHER_INCOME, other_income),
        ("expenditure", OFFICER_EXPENDITURE, expenditure),
    ):
        rows = copy.deepcopy(base)
        for i, row in (changes or {}).items():
            rows.extend([None] * (i + 1 - len(rows)))
            rows[i] = row
        tables[label] = rows
    return officer_workbook(path, names={**OFFICER_NAMES, **(names or {})}, **tables)


def refused(src: Path, tmp_path: Path, **kwargs: object) -> BudgetInputError:
    """fill must refuse ``src``: BudgetInputError, no output written, the input untouched."""
    before = sha256(src)
    out = tmp_path / "refused-output.xlsx"
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(src, out, **kwargs)
    assert sha256(src) == before, "the input was modified"
    assert not out.exists(), "an output was written for a bad input"
    err = info.value
    assert len(err.lines) == len(err.problems) and all(p.code in CODES and p.severity == ERROR for p in err.problems)
    return err


def one_problem(err: BudgetInputError) -> tuple[Location, str]:
    assert len(err.problems) == 1, err.lines
    return err.problems[0].where, err.problems[0].message


def wheres(err: BudgetInputError) -> list[Location]:
    return [p.where for p in err.problems]


def at(err: BudgetInputError) -> list[tuple[str, str]]:
    return [(w.sheet, w.cell) for w in wheres(err)]


# -- amounts typed as text are understood ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["£2,500", "2,500", "£2,500.00", " £2,500 ", "2500", 2500, 2500.0, "GBP 2,500"])
def test_amounts_typed_with_pound_signs_and_commas_are_parsed(tmp_path: Path, typed: object) -> None:
    src = officer_with(
        tmp_path / "in.xlsx",
        contributions={4: ["Probation Service Moorlands", "Probation", "fixed", None, typed]},
        names={"Requirement": "250,001", "ReservesBroughtForward": "£52,345.67"},
    )
    r = fill_budget_file(src, tmp_path / "out.xlsx")
    assert r.amounts == OFFICER_AMOUNTS and r.totals.as_names() == OFFICER_TOTALS
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Contributions"]  # compacted: Probation is on row 5
    assert ws["A5"].value == "Probation Service Moorlands"
    assert ws["E5"].value == 2500 and ws["E5"].data_type == "n", "the filled workbook holds a number"
    assert names_openpyxl(tmp_path / "out.xlsx")["Requirement"] == 250_001


# -- words instead of numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "typed", "sheet", "cell", "message"),
    [
        ("Requirement", "about £250k", "Budget", "B4", "expected an amount in £"),
        ("ReservesBroughtForward", "see last year", "Budget", "B3", "expected an amount in £"),
        ("contribution amount", "two thousand five hundred", "Contributions", "E6", "expected an amount in £"),
        ("contribution share", "a third", "Contributions", "D3", "expected a share"),
        ("income amount", "TBC", "Other income", "C5", "expected an amount in £"),
        ("expenditure budget", "about 40k", "Expenditure", "B4", "expected an amount in £"),
        ("expenditure actual", "not known", "Expenditure", "C2", "expected an amount in £"),
        ("garbled commas", "£2,50", "Contributions", "E6", "expected an amount in £"),
    ],
)
def test_words_instead_of_numbers(tmp_path: Path, where: str, typed: str, sheet: str, cell: str, message: str) -> None:
    changes: dict[str, dict] = {
        "Requirement": {"names": {"Requirement": typed}},
        "ReservesBroughtForward": {"names": {"ReservesBroughtForward": typed}},
        "contribution amount": {
            "contributions": {4: ["Probation Service Moorlands", "Probation", "fixed", None, typed]}
        },
        "garbled commas": {"contributions": {4: ["Probation Service Moorlands", "Probation", "fixed", None, typed]}},
        "contribution share": {"contributions": {1: ["Northmoor and Eastvale ICB", "Health", "share", typed]}},
        "income amount": {"other_income": {3: ["Non-attendance charges", "Income", typed]}},
        "expenditure budget": {"expenditure": {2: ["Child safeguarding practice reviews", typed, 0]}},
        "expenditure actual": {"expenditure": {0: ["Independent scrutineer", "38,500", typed]}},
    }[where]
    err = refused(officer_with(tmp_path / "in.xlsx", **changes), tmp_path)
    text = err.problems[0].message
    assert {(w.sheet, w.cell) for w in wheres(err)} == {(sheet, cell)}, err.lines
    assert message in text and repr(typed) in text
    assert err.lines[0] == f"in.xlsx sheet '{sheet}' cell {cell}: {text}"


# -- negative contributions -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [-2500, "-£2,500", "£-2,500", "(2,500)", "(£2,500.00)"])
def test_negative_contribution(tmp_path: Path, typed: object) -> None:
    src = officer_with(
        tmp_path / "in.xlsx", contributions={4: ["Probation Service Moorlands", "Probation", "fixed", None, typed]}
    )
    where, text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Contributions", "E6")
    assert "Probation Service Moorlands" in text and "must not be negative" in text


def test_negative_share(tmp_path: Path) -> None:
    src = officer_with(tmp_path / "in.xlsx", contributions={3: ["Moorlands Police", "Police", "share", "-10%"]})
    err = refused(src, tmp_path)
    assert ("Contributions", "D5") in at(err)
    assert any("must not be negative" in m for m in (p.message for p in err.problems))


# -- shares -----------------------------------------------------------------------------------------


def test_shares_not_adding_up_to_100_percent(tmp_path: Path) -> None:
    src = officer_with(tmp_path / "in.xlsx", contributions={3: ["Moorlands Police", "Police", "share", 0.25]})
    where, text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Contributions", "D2")
    assert "add up to 98.33 %, not 100 %" in text
    assert "cells D2, D3, D5" in text  # every share cell named (row 4 was left blank)


def test_share_based_row_with_no_share(tmp_path: Path) -> None:
    src = officer_with(tmp_path / "in.xlsx", contributions={3: ["Moorlands Police", "Police", "share", None]})
    where, text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Contributions", "D5")
    assert text == "Moorlands Police is share-based but has no Share (e.g. 25%)"


def test_fixed_row_with_no_amount(tmp_path: Path) -> None:
    src = officer_with(
        tmp_path / "in.xlsx", contributions={4: ["Probation Service Moorlands", "Probation", "fixed", None, None]}
    )
    where, text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Contributions", "E6") and "no Amount" in text


def test_unknown_basis_and_kind(tmp_path: Path) -> None:
    src = officer_with(
        tmp_path / "in.xlsx",
        contributions={4: ["Probation Service Moorlands", "Probation", "fixd", None, "£2,500"]},
        other_income={0: ["Dedicated Schools Grant", "Grant", "£18,000"]},
    )
    err = refused(src, tmp_path)
    assert at(err) == [("Contributions", "C6"), ("Other income", "B2")]
    assert "Basis must be 'share' or 'fixed', found 'fixd'" in err.problems[0].message
    assert "Kind must be 'Funding stream' or 'Income'" in err.problems[1].message


# -- partners ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("duplicate", ["Moorlands Police", "moorlands  police", " MOORLANDS POLICE"])
def test_duplicate_partner_names(tmp_path: Path, duplicate: str) -> None:
    src = officer_with(tmp_path / "in.xlsx", contributions={8: [duplicate, "Police", "fixed", None, 100]})
    where, text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Contributions", "A10")
    assert "is listed twice (also A5)" in text


def test_row_with_amounts_but_no_name(tmp_path: Path) -> None:
    src = officer_with(
        tmp_path / "in.xlsx",
        contributions={8: [None, "Police", "fixed", None, 100]},
        other_income={5: [None, "Income", 50]},
        expenditure={6: [None, 100, None]},
    )
    err = refused(src, tmp_path)
    assert at(err) == [("Contributions", "A10"), ("Other income", "A7"), ("Expenditure", "A8")]


# -- the Requirement ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (None, "Requirement is blank"),
        ("", "Requirement is blank"),
        ("£250,001.50", "has pence"),
        (250_001.5, "has pence"),
        (-250_001, "must not be negative"),
    ],
)
def test_requirement_problems(tmp_path: Path, typed: object, message: str) -> None:
    where, text = one_problem(refused(officer_with(tmp_path / "in.xlsx", names={"Requirement": typed}), tmp_path))
    assert (where.sheet, where.cell) == ("Budget", "B4") and message in text


@pytest.mark.parametrize("typed", [1000, "£1,000", 0.5])
def test_requirement_without_share_based_partners(tmp_path: Path, typed: object) -> None:
    src = officer_workbook(
        tmp_path / "in.xlsx",
        names={"FinancialYear": "2025/26", "Requirement": typed},
        contributions=[["Council", "Local authority", "fixed", None, 5000]],
    )
    where, text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Budget", "B4")
    assert "no partner is share-based" in text


# -- blank and inserted rows ---------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_cells_still_named_right(tmp_path: Path) -> None:
    rows = [
        None,
        None,
        ["Council", "Local authority", "share", 1],
        None,
        ["   ", "", None, None, "  "],
        ["Police", "Police", "fixed", None, "£1,000"],
        None,
        ["Trust", "Other", "share", None],
    ]
    src = officer_workbook(
        tmp_path / "in.xlsx", names={"FinancialYear": "2025/26", "Requirement": 5000}, contributions=rows
    )
    where, _text = one_problem(refused(src, tmp_path))
    assert (where.sheet, where.cell) == ("Contributions", "D9")  # the ninth row, blank rows counted
    rows[7] = None
    src = officer_workbook(
        tmp_path / "in.xlsx", names={"FinancialYear": "2025/26", "Requirement": 5000}, contributions=rows
    )
    r = fill_budget_file(src, tmp_path / "out.xlsx")
    assert [x.partner for x in r.input.contributions] == ["Council", "Police"]
    assert r.amounts == [D(5000), D(1000)]
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Contributions"]
    assert [ws.cell(row, 1).value for row in (2, 3)] == ["Council", "Police"]  # the output is compacted


def insert_rows(path: Path, sheet: str, table: str, at_row: int, rows: list[list[object]]) -> Path:
    """Rows inserted inside a table as Excel's Insert > Table Rows Above does: the table grows."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.insert_rows(at_row, len(rows))
    t = ws.tables[table]
    c1, _r1, c2, r2 = range_boundaries(t.ref)
    t.ref = f"{t.ref.split(':')[0]}:{openpyxl.utils.get_column_letter(c2)}{r2 + len(rows)}"
    if t.autoFilter is not None:
        t.autoFilter.ref = t.ref
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(at_row + i, c1 + j).value = value
    wb.save(path)
    return path


def test_inserted_rows_are_read(tmp_path: Path) -> None:
    src = officer_with(tmp_path / "in.xlsx")
    insert_rows(
        src, "Contributions", c.CONTRIBUTIONS, 3, [["Fellside Academy Trust", "Schools", "fixed", None, "£1,000"]]
    )
    insert_rows(src, "Expenditure", c.EXPENDITURE, 2, [["Chair's expenses", "£500", None], [None] * 3])
    r = fill_budget_file(src, tmp_path / "out.xlsx")
    assert [x.partner for x in r.input.contributions][:3] == [
        "Northmoor Council",
        "Fellside Academy Trust",
        "Northmoor and Eastvale ICB",
    ]
    assert r.totals.total_contributions == OFFICER_TOTALS["TotalContributions"] + 1000
    assert r.totals.total_expenditure == OFFICER_TOTALS["TotalExpenditure"] + 500
    assert len(r.input.expenditure) == 5


def test_inserted_rows_problems_name_the_shifted_cells(tmp_path: Path) -> None:
    src = officer_with(tmp_path / "in.xlsx")
    insert_rows(
        src,
        "Contributions",
        c.CONTRIBUTIONS,
        3,
        [["Fellside Academy Trust", "Schools", "share", None], ["Moorlands Police", "Police", "fixed", None, 10]],
    )
    err = refused(src, tmp_path)
    assert at(err) == [("Contributions", "D3"), ("Contributions", "A7")]  # the old row 5 is now row 7
    assert "no Share" in err.problems[0].message and "listed twice (also A4)" in err.problems[1].message


# -- a missing table, column or defined name ------------------------------------------------------------


def edit(path: Path, change) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def test_missing_table(tmp_path: Path) -> None:
    src = edit(officer_with(tmp_path / "in.xlsx"), lambda wb: wb["Expenditure"].tables.pop(c.EXPENDITURE))
    where, text = one_problem(refused(src, tmp_path))
    assert where.file == str(src) and text.startswith(
        "table 'Expenditure' not found "
        "(tables: Contributions, OtherIncome, AnnualReport, ContributionChanges, Problems)"
    )
    assert "workbooks/budget.xlsx" in text


def test_missing_column(tmp_path: Path) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        ws = wb["Expenditure"]
        ws["C1"] = "Actual spend"
        ws.tables[c.EXPENDITURE].tableColumns[2].name = "Actual spend"

    where, text = one_problem(refused(edit(officer_with(tmp_path / "in.xlsx"), rename), tmp_path))
    assert (where.sheet, where.cell) == ("Expenditure", "A1")
    assert text == "table Expenditure has no column 'Actual' (columns: Item, Budget, Actual spend)"


@pytest.mark.parametrize("name", c.INPUT_NAMES)
def test_missing_defined_name(tmp_path: Path, name: str) -> None:
    src = edit(officer_with(tmp_path / "in.xlsx"), lambda wb: wb.defined_names.pop(name))
    err = refused(src, tmp_path)
    where, text = err.problems[0].where, err.problems[0].message
    assert where.file == str(src)
    assert text == f"defined name '{name}' is missing: start from workbooks/budget.xlsx"


@pytest.mark.parametrize("case", ["words", "no name"])
def test_unreadable_requirement_is_not_also_called_blank(tmp_path: Path, case: str) -> None:
    src = officer_with(tmp_path / "in.xlsx", names={"Requirement": "about £250k"})
    if case == "no name":
        src = edit(src, lambda wb: wb.defined_names.pop("Requirement"))
    err = refused(src, tmp_path)
    assert not [m for m in (p.message for p in err.problems) if "is blank" in m], err.lines


def test_defined_name_that_is_not_one_cell(tmp_path: Path) -> None:
    def widen(wb: openpyxl.Workbook) -> None:
        wb.defined_names["ReservesBroughtForward"].attr_text = "'Budget'!$B$3:$B$4"

    _where, text = one_problem(refused(edit(officer_with(tmp_path / "in.xlsx"), widen), tmp_path))
    assert text.startswith("defined name 'ReservesBroughtForward' does not point at a single cell")


# -- not an Excel workbook -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("budget.xlsx", b"Partner,Sector,Basis,Share,Amount\nCouncil,,share,1,\n", "not an Excel workbook"),
        ("budget.xlsx", b"", "empty"),
        ("budget.xlsx", b"%PDF-1.7\n...", "not an Excel workbook (it looks like a PDF)"),
        ("budget.xls", OLE_MAGIC + b"\0" * 600, "legacy Excel 97-2003 (.xls)"),
        ("budget.csv", b"Partner,Share\nCouncil,100%\n", "not an Excel workbook"),
        ("budget.txt", b"Requirement: 250000\n", "not an Excel workbook"),
    ],
)
def test_not_an_excel_file(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.xlsx"
    with pytest.raises(WorkbookError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        fill_budget_file(src, out)
    assert info.value.location.file == str(src)
    assert src.read_bytes() == data and not out.exists()


def test_not_an_excel_file_on_the_command_line(tmp_path: Path) -> None:
    src = tmp_path / "budget.xlsx"
    src.write_text("Partner,Share\nCouncil,100%\n", encoding="utf-8")
    proc = run("budget", "fill", src, "--out", tmp_path / "out.xlsx")
    assert proc.returncode == 2
    assert proc.stderr.startswith("boardbook: error: budget.xlsx: not an Excel workbook")
    assert "Traceback" not in proc.stderr and not (tmp_path / "out.xlsx").exists()


# -- everything at once, on the command line ------------------------------------------------------


def test_all_problems_reported_together_on_the_command_line(tmp_path: Path) -> None:
    src = officer_with(
        tmp_path / "in.xlsx",
        names={"ReservesBroughtForward": "unknown"},
        contributions={
            3: ["Moorlands Police", "Police", "share", None],
            4: ["Probation Service Moorlands", "Probation", "fixed", None, "-£5"],
        },
        expenditure={1: ["Business unit staffing", "lots", None]},
    )
    before = sha256(src)
    proc = run("budget", "fill", src, "--out", tmp_path / "out.xlsx")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert [line.removeprefix("boardbook: error: ").split(": ")[0] for line in lines] == [
        "in.xlsx sheet 'Budget' cell B3",
        "in.xlsx sheet 'Contributions' cell D5",
        "in.xlsx sheet 'Contributions' cell E6",
        "in.xlsx sheet 'Expenditure' cell B3",
    ]
    assert all(line.startswith("boardbook: error: ") for line in lines)
    assert sha256(src) == before and not (tmp_path / "out.xlsx").exists()


# -- TOML and CSV inputs ----------------------------------------------------------------------------


def demo_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def test_csv_problems_name_row_and_column(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    (folder / "demo-budget-2025-26-contributions.csv").write_text(
        "Partner,Sector,Basis,Share,Amount\n"
        "Northmoor Council,Local authority,share,40%,\n"
        "Northmoor and Eastvale Integrated Care Board,Health,share,a third,\n"
        "Moorlands Police,Police,share,26.667%,\n"
        'Probation Service Moorlands,Probation,fixed,,"-£2,000"\n'
        "northmoor council,Local authority,fixed,,100\n",
        encoding="utf-8",
    )
    (folder / "demo-budget-2025-26-expenditure.csv").write_text(
        'Item,Budget,Actual\nIndependent scrutineer,"38,500",\n,,\n , , \nStaffing,TBC,\n', encoding="utf-8"
    )
    before = hashes(folder)
    err = refused(folder / "demo-budget-2025-26.toml", tmp_path)
    assert hashes(folder) == before
    found = [(Path(w.file).name, w.place) for w in wheres(err)]
    assert found == [
        ("demo-budget-2025-26-contributions.csv", "row 3, column Share"),
        ("demo-budget-2025-26-contributions.csv", "row 5, column Amount"),
        ("demo-budget-2025-26-contributions.csv", "row 6, column Partner"),
        ("demo-budget-2025-26-expenditure.csv", "row 5, column Budget"),
    ]
    assert err.lines[0].startswith("demo-budget-2025-26-contributions.csv row 3, column Share: expected a share")
    assert "listed twice" in err.problems[2].message


def test_csv_row_numbers_count_empty_lines(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    (folder / "demo-budget-2025-26-expenditure.csv").write_text(
        'Item,Budget,Actual\nIndependent scrutineer,"38,500",\n\nStaffing,TBC,\n', encoding="utf-8"
    )
    where, _text = one_problem(refused(folder / "demo-budget-2025-26.toml", tmp_path))
    assert where.place == "row 4, column Budget"  # line 4 of the file


def test_csv_shares_not_adding_up(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    csv_path = folder / "demo-budget-2025-26-contributions.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("26.667%", "25%"), encoding="utf-8")
    where, text = one_problem(refused(folder / "demo-budget-2025-26.toml", tmp_path))
    assert where.place == "row 2, column Share" and Path(where.file).name == csv_path.name
    assert "add up to 98.33 %, not 100 %" in text and "row 4, column Share" in text


def test_inline_toml_problems_name_the_key(tmp_path: Path) -> None:
    text = (DATA / "demo-budget-2024-25.toml").read_text(encoding="utf-8")
    text = text.replace('Amount = "£3,500"', 'Amount = "three and a half thousand"', 1)
    text = text.replace("requirement = 372000", "requirement = 372000.25")
    src = tmp_path / "budget.toml"
    src.write_text(text, encoding="utf-8")
    err = refused(src, tmp_path)
    assert [w.cell for w in wheres(err)] == ["contributions[4].Amount", "key budget.requirement"]
    assert "expected an amount in £" in err.problems[0].message and "has pence" in err.problems[1].message
    assert (
        err.lines[1] == "budget.toml key budget.requirement: Requirement £372,000.25 has pence: "
        "contributions are apportioned in whole pounds, so give it in whole pounds"
    )


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("[budget\npartnership = 1", WorkbookError, "not valid TOML"),
        (
            '[budget]\npartnership = "P"\nfinancial_year = "2025/26"\ncontributions = "nowhere.csv"\n',
            WorkbookError,
            "file not found",
        ),
        ('[budget]\npartnership = "P"\n', BudgetInputError, "key budget.financial_year: is required"),
        (
            '[budget]\npartnership = "P"\nfinancial_year = "2025/26"\ncontributions = 5\n',
            BudgetInputError,
            "must be a CSV file name or [[...]] entries",
        ),
    ],
)
def test_toml_that_cannot_be_used(tmp_path: Path, text: str, error: type[Exception], message: str) -> None:
    src = tmp_path / "budget.toml"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(error) as info:
        fill_budget_file(src, tmp_path / "out.xlsx")
    assert message in str(info.value) + "".join(getattr(info.value, "lines", []))
    assert src.read_text(encoding="utf-8") == text and not (tmp_path / "out.xlsx").exists()


def test_bad_previous_year_is_named(tmp_path: Path) -> None:
    prev = officer_with(tmp_path / "last-year.xlsx", names={"Requirement": "lots"})
    err = refused(DATA / "demo-budget-2025-26.toml", tmp_path, previous=prev)
    assert {(Path(w.file).name, w.sheet, w.cell) for w in wheres(err)} == {("last-year.xlsx", "Budget", "B4")}
    assert err.lines[0].startswith("last-year.xlsx sheet 'Budget' cell B4: expected an amount in £")


def test_inline_toml_may_leave_out_empty_columns(tmp_path: Path) -> None:
    src = tmp_path / "budget.toml"
    src.write_text(
        '[budget]\npartnership = "P"\nfinancial_year = "2025/26"\n\n'
        '[[contributions]]\nPartner = "Council"\nSector = "Local authority"\nBasis = "fixed"\n'
        'Amount = 5000\n\n[[expenditure]]\nItem = "Staff"\nBudget = 4000\n',
        encoding="utf-8",
    )
    r = fill_budget_file(src, tmp_path / "out.xlsx")
    assert r.totals.surplus == D(1000)


# -- propose: bad shares ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell", "message"),
    [
        ("Partner,Share\nA,50%\nB,40%\n", "column Share", "add up to 90 %, not 100 %"),
        ("Partner,Share\nA,50%\nB,\n", "row 3, column Share", "B has no Share"),
        ("Partner,Share\nA,50%\nB,half\n", "row 3, column Share", "expected a share"),
        ("Partner,Sector\nA,Health\n", "row 1, column Share", "has no column 'Share'"),
    ],
)
def test_propose_bad_shares(tmp_path: Path, text: str, cell: str, message: str) -> None:
    shares = tmp_path / "shares.csv"
    shares.write_text(text, encoding="utf-8")
    with pytest.raises(BudgetInputError) as info:
        partners_from_file(shares)
    where, problem = info.value.problems[0].where, info.value.problems[0].message
    assert where.place == cell and message in problem and Path(where.file).name == "shares.csv"


def test_propose_unreadable_share_is_not_also_called_missing(tmp_path: Path) -> None:
    shares = tmp_path / "shares.csv"
    shares.write_text("Partner,Share\nA,50%\nB,half\n", encoding="utf-8")
    with pytest.raises(BudgetInputError) as info:
        partners_from_file(shares)
    assert len(info.value.problems) == 1, info.value.lines


def test_propose_bad_input_on_the_command_line(tmp_path: Path) -> None:
    shares = tmp_path / "shares.csv"
    shares.write_text("Partner,Share\nA,50%\nB,40%\n", encoding="utf-8")
    proc = run("budget", "propose", "--requirement", "1000", "--shares", shares, "--out", tmp_path / "p.csv")
    assert proc.returncode == 2 and proc.stderr.startswith("boardbook: error: shares.csv column Share:")
    assert not (tmp_path / "p.csv").exists()
    proc = run("budget", "propose", "--requirement", "£1,000.50", "--shares", shares, "--out", tmp_path / "p.csv")
    assert proc.returncode == 2 and "whole pounds" in proc.stderr and not (tmp_path / "p.csv").exists()


def test_propose_refuses_negative_shares(tmp_path: Path) -> None:
    shares = tmp_path / "shares.csv"
    shares.write_text("Partner,Share\nA,60%\nB,50%\nC,-10%\n", encoding="utf-8")
    with pytest.raises(BudgetInputError, match="negative"):
        partners_from_file(shares)
