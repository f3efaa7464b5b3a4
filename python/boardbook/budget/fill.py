"""Fill the budget workbook through the Book port. Totals are live formulas carrying the values the rules
computed, so Excel, LibreOffice and pandas all see the same reconciled numbers."""

from __future__ import annotations

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, ColumnFormat, Formula
from boardbook.budget import contract as c
from boardbook.budget.compute import BudgetResult
from boardbook.problems import by_severity, write_problems

MONEY = ColumnFormat(c.MONEY_FORMAT)
PERCENT = ColumnFormat(c.PERCENT_FORMAT)


def _cells(book: Book, table: str, header: str, n: int) -> tuple[list[str], str]:
    """Absolute addresses of the first ``n`` cells of a table column, and the whole column's range."""
    sheet, row, col = book.table_position(table)
    headers = list(book_headers(table))
    letter = get_column_letter(col + headers.index(header))
    quoted = "'" + sheet.replace("'", "''") + "'"
    cells = [f"{quoted}!${letter}${row + 1 + i}" for i in range(n)]
    return cells, f"{quoted}!${letter}${row + 1}:${letter}${row + max(1, n)}"


def book_headers(table: str) -> tuple[str, ...]:
    return {
        c.CONTRIBUTIONS: c.CONTRIBUTIONS_HEADERS,
        c.OTHER_INCOME: c.OTHER_INCOME_HEADERS,
        c.EXPENDITURE: c.EXPENDITURE_HEADERS,
    }[table]


def fill_budget(book: Book, r: BudgetResult) -> None:
    write_problems(book, by_severity(r.problems))  # last run's rows cleared; warnings shown
    inp, t = r.input, r.totals
    book.set_name("Partnership", inp.partnership)
    book.set_name("FinancialYear", inp.financial_year)
    book.set_name("ReservesBroughtForward", inp.reserves_brought_forward)
    book.set_name("Requirement", inp.requirement)
    book.write_table(
        c.CONTRIBUTIONS,
        [
            [x.partner, x.sector, x.basis, float(x.share) if x.share is not None else None, amount]
            for x, amount in zip(inp.contributions, r.amounts, strict=True)
        ],
        headers=c.CONTRIBUTIONS_HEADERS,
        formats={"Share": PERCENT, "Amount": MONEY},
    )
    book.write_table(
        c.OTHER_INCOME,
        [[x.item, x.kind, x.amount] for x in inp.other_income],
        headers=c.OTHER_INCOME_HEADERS,
        formats={"Amount": MONEY},
    )
    book.write_table(
        c.EXPENDITURE,
        [[x.item, x.budget, x.actual] for x in inp.expenditure],
        headers=c.EXPENDITURE_HEADERS,
        formats={"Budget": MONEY, "Actual": MONEY},
    )
    book.set_choices(c.CONTRIBUTIONS, "Basis", c.BASES)
    book.set_choices(c.CONTRIBUTIONS, "Sector", c.SECTORS, strict=False)
    book.set_choices(c.OTHER_INCOME, "Kind", c.KINDS)

    contribution_cells, contributions = _cells(book, c.CONTRIBUTIONS, "Amount", len(inp.contributions))
    income_cells, income = _cells(book, c.OTHER_INCOME, "Amount", len(inp.other_income))
    budget_cells, budgets = _cells(book, c.EXPENDITURE, "Budget", len(inp.expenditure))
    actual_cells, actuals = _cells(book, c.EXPENDITURE, "Actual", len(inp.expenditure))
    book.set_name("TotalContributions", Formula(f"=SUM({contributions})", t.total_contributions))
    book.set_name("TotalIncome", Formula(f"=TotalContributions+SUM({income})", t.total_income))
    book.set_name(
        "TotalExpenditure",
        Formula(
            f'=SUMPRODUCT(--({actuals}<>""),{actuals})+SUMPRODUCT(--({actuals}=""),{budgets})', t.total_expenditure
        ),
    )
    book.set_name("Surplus", Formula("=TotalIncome-TotalExpenditure", t.surplus))
    book.set_name("Drawdown", Formula("=MAX(-Surplus,0)", t.drawdown))
    book.set_name("AddToReserves", Formula("=MAX(Surplus,0)", t.add_to_reserves))
    book.set_name("ReservesCarriedForward", Formula("=ReservesBroughtForward+Surplus", t.reserves_carried_forward))

    # The annual-report table: every line points back at its source cell, totals add the lines up.
    funding = [cell for x, cell in zip(inp.other_income, income_cells, strict=True) if x.kind == c.FUNDING_STREAM]
    other = [cell for x, cell in zip(inp.other_income, income_cells, strict=True) if x.kind == c.INCOME]
    spend = [f'IF({a}<>"",{a},{b})' for a, b in zip(actual_cells, budget_cells, strict=True)]
    sources = iter([*funding, *other, *contribution_cells])
    expenses = iter(spend)
    _sheet, row0, col0 = book.table_position(c.ANNUAL_REPORT)
    amount_col = get_column_letter(col0 + c.ANNUAL_REPORT_HEADERS.index("Amount"))
    rows, item_rows = [], []
    for i, line in enumerate(r.report):
        row = row0 + 1 + i
        sign = "-" if line.sign < 0 else ""
        if line.role == "item" and line.section != "Expenditure":
            formula = f"={sign}{next(sources)}"
            item_rows.append(row)
        elif line.role == "item":
            formula = f"={next(expenses)}"
            item_rows.append(row)
        elif line.role in ("total-income", "total-expenditure"):
            formula = f"=SUM({amount_col}{item_rows[0]}:{amount_col}{item_rows[-1]})" if item_rows else "=0"
            item_rows = []
        else:
            formula = (
                "="
                + {
                    "brought-forward": "ReservesBroughtForward",
                    "drawdown": "Drawdown",
                    "add": "AddToReserves",
                    "balance": "ReservesCarriedForward",
                }[line.role]
            )
        rows.append([line.section, line.line, Formula(formula, line.amount)])
    book.write_table(c.ANNUAL_REPORT, rows, headers=c.ANNUAL_REPORT_HEADERS, formats={"Amount": MONEY})

    _sheet, crow0, ccol0 = book.table_position(c.CHANGES)
    letters = [get_column_letter(ccol0 + j) for j in range(len(c.CHANGES_HEADERS))]
    change_rows = []
    for i, (partner, before, amount, diff, pct) in enumerate(r.changes):
        row = crow0 + 1 + i
        prev, cur, chg = (f"{letters[k]}{row}" for k in (1, 2, 3))
        change_rows.append(
            [
                partner,
                before,
                amount,
                Formula(f'=IF({prev}="","",{cur}-{prev})', "" if diff is None else diff),
                Formula(f'=IF({prev}="","",IF({prev}=0,IF({cur}=0,0,"n/a"),{chg}/{prev}))', "" if pct is None else pct),
            ]
        )
    book.write_table(
        c.CHANGES,
        change_rows,
        headers=c.CHANGES_HEADERS,
        formats={"Previous": MONEY, "Amount": MONEY, "Change": MONEY, "Change %": PERCENT},
    )
