"""Read a budget: a filled budget workbook, or a TOML file (with its tables inline or in CSV files beside it).

Every value is validated; all the problems are collected and raised together, each naming the sheet and
cell (or file, row and column) and what was expected. The input is read once and never written.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

from boardbook.book.base import Book, TableData
from boardbook.book.fast import RawWorkbook, read_workbook
from boardbook.book.numfmt import typed
from boardbook.book.snapshot import read_book
from boardbook.budget import contract as c
from boardbook.budget.model import BudgetInput, BudgetInputError, Contribution, Expense, OtherIncome
from boardbook.budget.rules import shares_add_up
from boardbook.budget.values import parse_money, parse_share, pounds
from boardbook.csvfile import read_csv
from boardbook.errors import Location, WorkbookError
from boardbook.problems import Problem, problem_from
from boardbook.recorded import CONFIG_TABLE
from boardbook.textsafe import cell_text

T = TypeVar("T")


@dataclass
class Record:
    """One input row: values by contract header, and where each was typed."""

    values: dict[str, object]
    where: dict[str, Location]

    def text(self, col: str) -> str:
        return cell_text(self.values.get(col))


class Problems:
    """Collects every problem of one input (codes: ``budget.model.CODES``), to be raised together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, code: str, where: Location, message: str) -> None:
        self.items.append(Problem.at(code, where, message))

    def parse(self, code: str, where: Location, parser: Callable[[object], T | None], value: object) -> T | None:
        try:
            return parser(value)
        except ValueError as exc:
            self.add(code, where, str(exc))
            return None


def _records_from_table(table: TableData, file: str, headers: tuple[str, ...], problems: Problems) -> list[Record]:
    found = {h.strip().casefold(): h for h in table.headers}
    missing = [h for h in headers if h.casefold() not in found]
    for h in missing:
        problems.add(
            "budget-column-missing",
            Location(file, table.sheet, table.header_cell(table.headers[0]) if table.headers else ""),
            f"table {table.name} has no column '{h}' (columns: {', '.join(table.headers)})",
        )
    out = []
    for i, row in enumerate(table.rows):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        values, where = {}, {}
        for h in headers:
            actual = found.get(h.casefold())
            if actual is not None:
                j = table.headers.index(actual)
                # as the cell shows it: 0.25 formatted as 25% is read as typing "25%" is
                values[h] = typed(row[j], table.number_format(i, j)) if j < len(row) else None
                where[h] = Location(file, table.sheet, table.cell(i, actual))
            else:
                where[h] = Location(file, table.sheet, "")
        out.append(Record(values, where))
    return out


def _records_from_dicts(
    rows: list[dict[str, object]],
    file: str,
    label: Callable[[int, str], Location],
    headers: tuple[str, ...],
    problems: Problems,
    what: str,
    optional: tuple[str, ...] = (),
) -> list[Record]:
    keys = {str(k).strip().casefold(): k for r in rows for k in r}
    for h in headers:
        if rows and h.casefold() not in keys and h not in optional:
            problems.add("budget-column-missing", label(-1, h), f"{what} has no column '{h}'")
    out = []
    for i, r in enumerate(rows):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in r.values()):
            continue
        values = {h: r.get(keys[h.casefold()]) if h.casefold() in keys else None for h in headers}
        out.append(Record(values, {h: label(i, h) for h in headers}))
    return out


def _csv_records(
    path: Path, headers: tuple[str, ...], problems: Problems, optional: tuple[str, ...] = ()
) -> list[Record]:
    opened = read_csv(path)  # any encoding Excel saves, comma/semicolon/tab, any line endings
    header = [h.strip() for h in opened.rows[0]] if opened.rows else []
    rows: list[dict[str, object]] = []
    lines: list[int] = []
    for line, values in zip(opened.lines[1:], opened.rows[1:], strict=True):
        if not values:  # an empty line
            continue
        rows.append(dict(zip(header, values, strict=False)))
        lines.append(line)
    return _records_from_dicts(
        rows,
        str(path),
        lambda i, h: Location(str(path), row=lines[i] if i >= 0 else 1, column=h),
        headers,
        problems,
        path.name,
        optional,
    )


def read_budget(path: str | Path) -> BudgetInput:
    """Read and validate a budget input. Raises BudgetInputError listing every problem."""
    p = Path(path)
    problems = Problems()
    try:
        if p.suffix.lower() == ".toml":
            names, tables = _from_toml(p, problems)
        else:
            names, tables = _from_workbook(p, problems)
    except BudgetInputError:
        raise
    except WorkbookError as exc:  # not readable at all: one problem, with its code
        raise BudgetInputError(problem_from(exc, "budget-unreadable")) from None
    return _validate(str(p), names, tables, problems)


def read_budget_book(book: Book) -> BudgetInput:
    """The same, from an open Book (the budget workbook open in Excel)."""
    problems = Problems()
    source = str(book.path or "the workbook")
    try:
        raw = read_book(book, tables=TABLES, names=c.INPUT_NAMES)
    except WorkbookError as exc:
        raise BudgetInputError(problem_from(exc, "budget-unreadable")) from None
    names, tables = _from_raw(raw, source, problems)
    return _validate(source, names, tables, problems)


Names = dict[str, tuple[object, Location]]
Tables = dict[str, list[Record]]


TABLES = (c.CONTRIBUTIONS, c.OTHER_INCOME, c.EXPENDITURE)


def _from_workbook(p: Path, problems: Problems) -> tuple[Names, Tables]:
    return _from_raw(read_workbook(p, tables=TABLES, names=c.INPUT_NAMES), p, problems)


def _from_raw(raw: RawWorkbook, p: str | Path, problems: Problems) -> tuple[Names, Tables]:
    names: Names = {}
    for name in c.INPUT_NAMES:
        nc = raw.names.get(name)
        if nc is None:
            what = "is missing" if name not in raw.names else "does not point at a single cell"
            problems.add(
                "budget-name-missing",
                Location(str(p)),
                f"defined name '{name}' {what}: start from workbooks/budget.xlsx",
            )
        else:
            names[name] = (nc.value, Location(str(p), nc.sheet, nc.cell))
    tables: Tables = {}
    for name, headers in (
        (c.CONTRIBUTIONS, c.CONTRIBUTIONS_HEADERS),
        (c.OTHER_INCOME, c.OTHER_INCOME_HEADERS),
        (c.EXPENDITURE, c.EXPENDITURE_HEADERS),
    ):
        table = raw.tables.get(name)
        if table is None:
            found = ", ".join(t for t in raw.table_names if t != CONFIG_TABLE) or "none"
            problems.add(
                "budget-table-missing",
                Location(str(p)),
                f"table '{name}' not found (tables: {found}): start from workbooks/budget.xlsx",
            )
            tables[name] = []
        else:
            tables[name] = _records_from_table(table, str(p), headers, problems)
    return names, tables


TOML_KEYS = {
    "Partnership": "partnership",
    "FinancialYear": "financial_year",
    "ReservesBroughtForward": "reserves_brought_forward",
    "Requirement": "requirement",
}
TOML_TABLES = {c.CONTRIBUTIONS: "contributions", c.OTHER_INCOME: "other_income", c.EXPENDITURE: "expenditure"}


def _from_toml(p: Path, problems: Problems) -> tuple[Names, Tables]:
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise WorkbookError("file not found", Location(str(p))) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkbookError(f"not valid TOML ({exc})", Location(str(p))) from None
    budget = data.get("budget", data)
    names: Names = {}
    for name, key in TOML_KEYS.items():
        if key in budget:
            names[name] = (budget[key], Location(str(p), "", f"key budget.{key}"))
        elif name in ("Partnership", "FinancialYear"):
            problems.add("budget-key-missing", Location(str(p), "", f"key budget.{key}"), "is required")
        else:  # absent = blank: a blank Requirement is an error only when a partner is share-based
            names[name] = (None, Location(str(p), "", f"key budget.{key}"))
    tables: Tables = {}
    for name, headers in (
        (c.CONTRIBUTIONS, c.CONTRIBUTIONS_HEADERS),
        (c.OTHER_INCOME, c.OTHER_INCOME_HEADERS),
        (c.EXPENDITURE, c.EXPENDITURE_HEADERS),
    ):
        key = TOML_TABLES[name]
        value = data.get(key, budget.get(key, []))
        if isinstance(value, str):  # a CSV file beside the TOML
            tables[name] = _csv_records(p.parent / value, headers, problems)
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            tables[name] = _records_from_dicts(
                value, str(p), _toml_label(str(p), key), headers, problems, f"[[{key}]]", optional=headers[1:]
            )  # keys may be left out
        else:
            problems.add(
                "budget-key-invalid", Location(str(p), "", f"key {key}"), "must be a CSV file name or [[...]] entries"
            )
            tables[name] = []
    return names, tables


def _toml_label(file: str, key: str) -> Callable[[int, str], Location]:
    """Names the value of header ``h`` in entry ``i`` of the TOML array ``key``: ``key[i].h``."""
    return lambda i, h: Location(file, "", f"{key}[{max(i, 0)}].{h}")


def _validate(source: str, names: Names, tables: Tables, problems: Problems) -> BudgetInput:
    def name_text(name: str) -> str:
        value, where = names.get(name, (None, Location(source)))
        text = "" if value is None else str(value).strip()
        if not text and name in names:
            problems.add("budget-detail-blank", where, f"{name} is blank")
        return text

    partnership = name_text("Partnership")
    year = name_text("FinancialYear")
    rbf_value, rbf_where = names.get("ReservesBroughtForward", (None, Location(source)))
    reserves = problems.parse("budget-not-an-amount", rbf_where, parse_money, rbf_value) or Decimal(0)
    req_value, req_where = names.get("Requirement", (None, Location(source)))
    requirement = problems.parse("budget-not-an-amount", req_where, parse_money, req_value)

    contributions = list(_contributions(tables[c.CONTRIBUTIONS], problems))
    share_based = [x for x in contributions if x.basis == c.SHARE]
    if share_based:
        shares = [x.share for x in share_based if x.share is not None]
        if len(shares) == len(share_based) and not shares_add_up(shares):
            cells = ", ".join(x.where["Share"].place for x in share_based)
            total = float(sum(shares, Fraction(0)) * 100)
            problems.add(
                "budget-share-total",
                share_based[0].where["Share"],
                f"the shares of share-based partners add up to {total:.4g} %, not 100 % (cells {cells})",
            )
        if requirement is None:
            if "Requirement" in names and cell_text(req_value) == "":
                problems.add(
                    "budget-requirement-blank",
                    req_where,
                    "Requirement is blank: it is what the share-based contributions must cover",
                )
        elif requirement < 0:
            problems.add(
                "budget-requirement-negative",
                req_where,
                f"Requirement must not be negative, found {pounds(requirement)}",
            )
        elif requirement != requirement.to_integral_value():
            problems.add(
                "budget-requirement-pence",
                req_where,
                f"Requirement {pounds(requirement)} has pence: contributions are apportioned "
                "in whole pounds, so give it in whole pounds",
            )
    elif requirement:
        problems.add(
            "budget-requirement-unused",
            req_where,
            f"Requirement is {pounds(requirement)} but no partner is share-based: set a Basis of "
            "'share' with a Share, or leave Requirement blank",
        )

    other = []
    for r in tables[c.OTHER_INCOME]:
        kind_text = r.text("Kind").casefold().rstrip("s")
        kind = {"": c.INCOME, "income": c.INCOME, "funding stream": c.FUNDING_STREAM}.get(kind_text)
        if kind is None:
            problems.add(
                "budget-kind-unknown",
                r.where["Kind"],
                f"Kind must be '{c.FUNDING_STREAM}' or '{c.INCOME}' (blank means Income), found {r.text('Kind')!r}",
            )
        amount = problems.parse("budget-not-an-amount", r.where["Amount"], parse_money, r.values.get("Amount"))
        if not r.text("Item"):
            problems.add("budget-item-blank", r.where["Item"], "an income line has an amount but no Item name")
        other.append(OtherIncome(r.text("Item"), kind or c.INCOME, amount or Decimal(0)))

    expenses = []
    for r in tables[c.EXPENDITURE]:
        budget = problems.parse("budget-not-an-amount", r.where["Budget"], parse_money, r.values.get("Budget"))
        actual = problems.parse("budget-not-an-amount", r.where["Actual"], parse_money, r.values.get("Actual"))
        if not r.text("Item"):
            problems.add("budget-item-blank", r.where["Item"], "an expenditure line has amounts but no Item name")
        expenses.append(Expense(r.text("Item"), budget, actual))

    if problems.items:
        raise BudgetInputError(problems.items)
    return BudgetInput(source, partnership, year, reserves, requirement, contributions, other, expenses, req_where)


def _contributions(records: list[Record], problems: Problems) -> Iterator[Contribution]:
    seen: dict[str, Location] = {}
    for r in records:
        partner = r.text("Partner")
        if not partner:
            problems.add("budget-partner-blank", r.where["Partner"], "a contribution row has no Partner name")
            continue
        key = " ".join(partner.split()).casefold()
        if key in seen:
            problems.add(
                "budget-partner-duplicate",
                r.where["Partner"],
                f"partner {partner!r} is listed twice (also {seen[key].place}): one row per partner",
            )
            continue
        seen[key] = r.where["Partner"]
        share = problems.parse("budget-not-a-share", r.where["Share"], parse_share, r.values.get("Share"))
        amount = problems.parse("budget-not-an-amount", r.where["Amount"], parse_money, r.values.get("Amount"))
        basis = r.text("Basis").casefold()
        if not basis:
            basis = c.SHARE if share is not None and amount is None else c.FIXED if amount is not None else ""
        if basis not in c.BASES:
            problems.add(
                "budget-basis-unknown", r.where["Basis"], f"Basis must be 'share' or 'fixed', found {r.text('Basis')!r}"
            )
            continue
        if basis == c.SHARE:
            if share is None and not r.text("Share"):  # blank, or only spaces, tabs and new lines
                problems.add(
                    "budget-share-missing", r.where["Share"], f"{partner} is share-based but has no Share (e.g. 25%)"
                )
            elif share is not None and share < 0:
                problems.add("budget-share-negative", r.where["Share"], f"{partner}'s Share must not be negative")
            amount = None  # apportioned from the requirement
        else:
            if amount is None and r.values.get("Amount") in (None, ""):
                problems.add(
                    "budget-amount-missing", r.where["Amount"], f"{partner} has a fixed contribution but no Amount"
                )
            elif amount is not None and amount < 0:
                problems.add(
                    "budget-amount-negative",
                    r.where["Amount"],
                    f"{partner}'s contribution must not be negative, found {pounds(amount)}",
                )
        yield Contribution(partner, r.text("Sector"), basis, share, amount, r.where)
