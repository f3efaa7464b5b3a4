"""Fuzzing with hypothesis: random contents in every input cell of a section 11 return, of a budget (workbook, TOML,
CSV) and of the performance inputs (indicators, evidence, risk factors). Every case must end in a parsed result or a
boardbook error whose message names where (file, and sheet/cell or row/column) — never an unhandled exception.

200 examples per test by default (CI); more with an environment variable (the end-to-end tests run a tenth)::

    BOARDBOOK_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest tests/test_fuzz.py

Each example starts from a valid input and makes a few cells wild, or (a quarter of the time) every cell, so both
the refusals and the paths past a successful parse are exercised. The fast tests apply the rules to the raw form
of a real saved file (``validate_return`` on a ``RawReturn``) or read small files; the end-to-end tests write real
workbooks with openpyxl and collate or fill them. A bug found and not fixed yet can be parked in ``file_bug``,
``budget_bug`` or ``performance_bug`` (with a strict xfail in test_corpus.py), so that the fuzzing keeps looking
for new ones; none is parked now.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import range_boundaries

from boardbook.book.base import TableData
from boardbook.book.fast import NamedCell
from boardbook.budget import contract as bc
from boardbook.budget.model import BudgetInputError
from boardbook.budget.pipeline import budget_result, fill_budget_file
from boardbook.budget.reader import read_budget
from boardbook.budget.values import parse_money, parse_share
from boardbook.config import Config, load_config
from boardbook.dates import parse_date
from boardbook.errors import BoardbookError, WorkbookError
from boardbook.performance import quadrant, reader
from boardbook.performance import rules as prules
from boardbook.performance.assess import assess
from boardbook.performance.model import InputError
from boardbook.section11 import contract as c
from boardbook.section11.model import ERROR, INFO, WARNING, Return
from boardbook.section11.pipeline import collate, read_one
from boardbook.section11.reader import RawReturn, load_return
from boardbook.section11.validate import CODES, validate_return
from boardbook.templates.budget import build_budget
from tests.helpers import GOOD_EVIDENCE, hashes, make_return

FUZZ_EXAMPLES = int(os.environ.get("BOARDBOOK_FUZZ_EXAMPLES", "200"))
settings.register_profile(
    "boardbook-fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)
FUZZ = settings.get_profile("boardbook-fuzz")
END_TO_END = settings(FUZZ, max_examples=max(10, FUZZ_EXAMPLES // 10))
CONFIG = load_config()
LABELS = list(CONFIG.scale.labels)
REFS = list(CONFIG.refs)


# -- known bugs: inputs hitting a bug parked here are filtered out (none is parked now) ------------------------------


def file_bug(value: object) -> bool:
    return False  # every bug this filtered is fixed; kept so a new one can be parked here


def budget_bug(value: object) -> bool:
    return False  # every bug this filtered is fixed; kept so a new one can be parked here


def performance_bug(value: object) -> bool:
    return False  # every bug this filtered is fixed; kept so a new one can be parked here


def no_panic(fn: Callable[..., object], *args: object, **kwargs: object) -> object:
    """Call ``fn``; a Rust panic (a BaseException, which hypothesis would not shrink) becomes an AssertionError."""
    try:
        return fn(*args, **kwargs)
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":
            raise AssertionError(f"python-calamine panicked: {exc}") from None
        raise


# -- cell values -------------------------------------------------------------------------------------------------


def _noisy(label: str, flips: list[bool], pad: str) -> str:
    """A label as people type it: case flipped here and there, spaces around."""
    return (
        pad
        + "".join(ch.swapcase() if f else ch for ch, f in zip(label, flips + [False] * len(label), strict=False))
        + pad[::-1]
    )


def noisy(words: list[str], pad: str = " ") -> st.SearchStrategy[str]:
    return st.builds(
        _noisy, st.sampled_from(words), st.lists(st.booleans(), max_size=20), st.sampled_from(["", pad, pad * 2])
    )


ANY_TEXT = st.text(max_size=40)
# What a workbook can hold: openpyxl refuses the C0 controls but tab and line breaks; XML has no surrogates.
FILE_TEXT = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc"),
        include_characters="\t\n\r\x7f\x85",
        exclude_characters="\ufffe\uffff",
    ),
    max_size=40,
)
MONTHS = [
    "Jan",
    "January",
    "Feb",
    "Mar",
    "March",
    "Apr",
    "Sep",
    "Sept",
    "September",
    "SEPT",
    "Dec",
    "Decmber",
    "Mai",
    "Octobre",
]


@st.composite
def date_text(draw: st.DrawFn) -> str:
    """Dates as typed: day, month (number or name), year, any separator; impossible ones too."""
    day, month = draw(st.integers(0, 33)), draw(st.integers(0, 13))
    year = draw(st.sampled_from(["2026", "26", "1899", "9999", "0", "20266"]))
    sep = draw(st.sampled_from(["/", ".", "-", " ", ", "]))
    if draw(st.booleans()):
        return f"{day}{draw(st.sampled_from(['', 'st', 'nd', 'th']))} {draw(st.sampled_from(MONTHS))} {year}"
    return f"{day}{sep}{month}{sep}{year}" if draw(st.booleans()) else f"{year}-{month:02d}-{day:02d}"


def money_text(magnitude: float = 1e300) -> st.SearchStrategy[str]:
    """Amounts and shares as finance officers type them, right and wrong."""
    number = st.one_of(
        st.integers(-(10**12), 10**12).map(str),
        st.decimals(-(10**15), 10**15, allow_nan=False, allow_infinity=False, places=3).map(str),
        st.floats(-magnitude, magnitude, allow_nan=False, allow_infinity=False).map(repr),
    )
    return st.builds(
        lambda pre, n, post, commas: pre + (f"{int(n):,}" if commas and n.lstrip("-").isdigit() else n) + post,
        st.sampled_from(["", "£", "(", "-£", "£-", "GBP ", " "]),
        number,
        st.sampled_from(["", "%", " %", ")", ".00", "k", " "]),
        st.booleans(),
    )


def huge_text() -> st.SearchStrategy[str]:
    """Beyond Excel's 32,767 characters, cheaply."""
    return st.builds(
        lambda s, n: (s * n)[:n],
        st.text(st.sampled_from("ab =\n£"), min_size=1, max_size=3),
        st.integers(30_000, 40_000),
    )


def values(*, in_file: bool, words: list[str] = LABELS, magnitude: float | None = None) -> st.SearchStrategy[object]:
    """Anything a cell can hold. ``in_file``: only what openpyxl can write and calamine read back. ``magnitude``
    bounds numbers (for a bug parked while bigger ones would mostly be filtered out)."""
    text = FILE_TEXT if in_file else ANY_TEXT
    low = -(magnitude or math.inf)
    high = magnitude or math.inf
    finite_only = in_file or magnitude is not None
    floats = st.floats(
        min_value=None if math.isinf(low) else low,
        max_value=None if math.isinf(high) else high,
        allow_nan=not finite_only,
        allow_infinity=not finite_only,
    )
    ints = st.integers(-(10**18) if math.isinf(low) else int(low), 10**18 if math.isinf(high) else int(high))
    moments = st.one_of(
        st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)), st.dates(date(1900, 3, 1), date(9999, 12, 31))
    )
    return st.one_of(
        st.none(),
        st.just(""),
        st.booleans(),
        ints,
        floats,
        moments,
        st.times() if not in_file else st.just(time(12, 30)),
        st.timedeltas(timedelta(0), timedelta(days=3000)) if not in_file else st.just(" "),
        text,
        st.builds(lambda p, s: p + s, st.sampled_from(["=", "+", "-", "@", "\t", "'"]), text),
        noisy([*words, "N/A", "NA", "n.a."], " " if in_file else "\t"),
        date_text(),
        money_text(magnitude or 1e300),
        huge_text(),
        st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=5) if not in_file else st.just("\t\n"),
    )


@st.composite
def mutated_tables(
    draw: st.DrawFn, tables: list[list[list[object]]], cell: st.SearchStrategy[object]
) -> list[list[list[object]]]:
    """``tables`` (lists of rows) with a few cells made wild — none at all now and then — or, a quarter of the
    time, every cell."""
    tables = [[list(r) for r in rows] for rows in tables]
    where = [(t, i, j) for t, rows in enumerate(tables) for i, row in enumerate(rows) for j in range(len(row))]
    if not where:
        return tables
    if draw(st.integers(0, 3)) == 0:
        return [[[draw(cell) for _ in row] for row in rows] for rows in tables]
    for t, i, j in draw(st.lists(st.sampled_from(where), max_size=4, unique=True)):
        tables[t][i][j] = draw(cell)
    return tables


def mutated(rows: list[list[object]], cell: st.SearchStrategy[object]) -> st.SearchStrategy[list[list[object]]]:
    return mutated_tables([rows], cell).map(lambda tables: tables[0])


@contextlib.contextmanager
def example_dir() -> Iterator[Path]:
    """A fresh folder for one example (pytest's tmp_path is shared by all the examples of a test)."""
    with tempfile.TemporaryDirectory(prefix="boardbook-fuzz-") as tmp:
        yield Path(tmp)


def assert_located(exc: BoardbookError, *files: Path) -> None:
    """A boardbook error: one-line-per-problem messages naming the file (and where inside it)."""
    names = tuple(f.name for f in files)
    if isinstance(exc, BudgetInputError):
        assert exc.lines and all(line.startswith(names) for line in exc.lines), exc.lines
        assert all(str(p.where) for p in exc.problems)
    elif isinstance(exc, InputError):
        assert exc.problems and all(str(p).startswith(Path(p.where.file).name) for p in exc.problems)
        # a row and its column, or (a file that cannot be read, a table with no rows) the file itself
        whole_file = {"performance-unreadable", "risk-factor-none", "ees-la-unknown", "ees-neighbours-la-missing"}
        assert all(
            ((p.row or 0) >= 1 and p.column) or (p.code in whole_file and Path(p.file).name in names)
            for p in exc.problems
        ), exc.lines
    elif isinstance(exc, WorkbookError):
        assert exc.location.file and Path(exc.location.file).name in names, exc
    assert str(exc).strip(), "an empty message"


# -- section 11 ------------------------------------------------------------------------------------------------

GOOD_NAMES: dict[str, object] = {
    "Agency": "Northmoor ICB",
    "Sector": "Health",
    "Partnership": CONFIG.partnership,
    "Round": "2026",
    "CompletedBy": "A. Tester",
    "CompletedOn": date(2026, 5, 1),
    "TemplateVersion": c.TEMPLATE_VERSION,
}
GOOD_ROWS: list[list[object]] = [
    [s.ref, s.title, LABELS[i % len(LABELS)], GOOD_EVIDENCE, "Review the policy", "DSL", date(2027, 3, 31)]
    for i, s in enumerate(CONFIG.standards)
]
LOCATED = set(CODES) - {
    "unreadable",
    "macros",
    "legacy-format",
    "name-missing",
    "duplicate-return",
    "agency-unknown",
    "other-partnership",
    "table-missing",
    "hidden-sheet",
}


@pytest.fixture(scope="module")
def return_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_return(tmp_path_factory.mktemp("fuzz-return"), CONFIG, "Moorlands Police")


@pytest.fixture(scope="module")
def raw_return(return_file: Path) -> RawReturn:
    return load_return(return_file)


def check_return(ret: Return, file: str, config: Config = CONFIG) -> None:
    """What every validated return satisfies, whatever was typed."""
    for p in ret.problems:
        assert p.code in CODES and p.severity in (ERROR, WARNING, INFO), p
        assert p.file == file and p.message.strip(), p
        assert "\n" not in p.message and "\r" not in p.message, p  # one line each in the Problems table
        if p.code in LOCATED:
            assert p.sheet and p.cell, p
    event("accepted" if ret.accepted else "rejected: " + min(p.code for p in ret.errors))
    if ret.accepted:
        assert [r.ref for r in ret.ratings] == list(config.refs)
        assert all(r.label in config.scale.labels for r in ret.ratings)
        assert all(r.score is None or isinstance(r.score, int | float) for r in ret.ratings)


WILD = values(in_file=False)


def return_input(cell: st.SearchStrategy[object]) -> st.SearchStrategy[tuple[dict[str, object], list[list[object]]]]:
    """The good return's cover names and Assessment rows, some cells (or all) wild."""
    return mutated_tables([[list(GOOD_NAMES.values())], GOOD_ROWS], cell).map(
        lambda t: (dict(zip(GOOD_NAMES, t[0][0], strict=True)), t[1])
    )


@FUZZ
@given(
    ret=return_input(WILD),
    extra=st.lists(st.lists(WILD, max_size=9), max_size=3),
    headers=st.one_of(
        st.just(list(c.ASSESSMENT_HEADERS)),
        st.permutations(list(c.ASSESSMENT_HEADERS)),
        st.lists(st.one_of(st.sampled_from(c.ASSESSMENT_HEADERS), ANY_TEXT), max_size=8),
    ),
)
def test_section11_rules_never_crash(
    raw_return: RawReturn,
    ret: tuple[dict[str, object], list[list[object]]],
    extra: list[list[object]],
    headers: list[str],
) -> None:
    """Every Assessment cell and every cover defined-name cell random (and headers, extra rows); validation of the
    raw form a real file gives never raises."""
    names, rows = ret
    base = raw_return.table
    assert base is not None
    table = TableData(base.name, base.sheet, [str(h) for h in headers], rows + extra, base.header_row, base.first_col)
    named = {n: NamedCell(cell.sheet, cell.cell, names[n]) for n, cell in raw_return.names.items() if cell}
    raw = replace(raw_return, names=named, table=table)
    check_return(validate_return(raw, CONFIG), raw.file)


def put(cell, value: object, formats: dict[int, str]) -> None:
    """Type ``value`` into ``cell`` keeping the template's number format (openpyxl sets a date format for dates,
    which would otherwise leak into the next example)."""
    cell.number_format = formats[id(cell)]
    cell.value = value


class ReturnWriter:
    """The template return loaded once in openpyxl; each example overwrites every input cell and saves."""

    def __init__(self, source: Path):
        self.wb = openpyxl.load_workbook(source)
        self.name_cells = {}
        for name in c.RETURN_NAMES:
            ((sheet, cell),) = list(self.wb.defined_names[name].destinations)
            self.name_cells[name] = self.wb[sheet][cell.replace("$", "")]
        ws = self.wb[c.ASSESSMENT]
        c1, r1, _c2, r2 = range_boundaries(ws.tables[c.ASSESSMENT].ref)
        width = len(c.ASSESSMENT_HEADERS)  # the contract's columns; the template's Check formulas stay as they are
        self.body = [[ws.cell(r, col) for col in range(c1, c1 + width)] for r in range(r1 + 1, r2 + 1)]
        cells = [*self.name_cells.values(), *(cell for row in self.body for cell in row)]
        self.formats = {id(cell): cell.number_format for cell in cells}

    def write(self, names: dict[str, object], rows: list[list[object]], path: Path) -> Path:
        for name, value in names.items():
            put(self.name_cells[name], value, self.formats)
        for cells, row in zip(self.body, rows, strict=True):
            for cell, value in zip(cells, row, strict=True):
                put(cell, value, self.formats)
        buf = io.BytesIO()
        self.wb.save(buf)
        path.write_bytes(buf.getvalue())
        return path


@pytest.fixture(scope="module")
def writer(return_file: Path) -> ReturnWriter:
    return ReturnWriter(return_file)


FILE_RETURN = return_input(values(in_file=True))


def _file_ok(names: dict[str, object], rows: list[list[object]]) -> bool:
    return not any(file_bug(v) for v in [*names.values(), *(v for r in rows for v in r)])


@FUZZ
@given(ret=FILE_RETURN)
def test_section11_files_never_crash(writer: ReturnWriter, ret: tuple[dict[str, object], list[list[object]]]) -> None:
    """A real .xlsx with every input cell random, through the file layer (calamine + defined names)."""
    names, rows = ret
    assume(_file_ok(names, rows))
    with example_dir() as tmp:
        path = writer.write(names, rows, tmp / "fuzzed.xlsx")
        before = path.read_bytes()
        ret, _r, _v = no_panic(read_one, path, CONFIG)
        check_return(ret, str(path))
        assert path.read_bytes() == before


@END_TO_END
@given(ret=FILE_RETURN)
def test_section11_collation_never_crashes(
    writer: ReturnWriter, return_file: Path, ret: tuple[dict[str, object], list[list[object]]]
) -> None:
    """A fuzzed return collated beside a good one: the summary is written and reads back; inputs unchanged."""
    names, rows = ret
    assume(_file_ok(names, rows))
    with example_dir() as tmp:
        folder = tmp / "returns"
        folder.mkdir()
        shutil.copyfile(return_file, folder / "Moorlands Police.xlsx")
        writer.write(names, rows, folder / "Fuzzed agency.xlsx")
        before = hashes(folder)
        out = tmp / "summary.xlsx"
        result = no_panic(collate, [folder], out, CONFIG)
        assert hashes(folder) == before
        assert result.read == 2 and result.accepted >= 1
        event(f"accepted {result.accepted} of 2")
        wb = pc.CalamineWorkbook.from_path(str(out), load_tables=True)
        problems = [r for r in wb.get_table_by_name("Problems").to_python() if any(v != "" for v in r)]
        assert len(problems) == len(result.problems)
        assert all(isinstance(v, str) and len(v) <= 32_767 for r in problems for v in r)
        returns = [r for r in wb.get_table_by_name("Returns").to_python() if any(v != "" for v in r)]
        assert len(returns) == result.accepted * len(REFS)
        openpyxl.load_workbook(out)  # a valid package for openpyxl too
        assert sorted(p.name for p in tmp.iterdir()) == [".summary.xlsx.lock", "returns", "summary.xlsx"]


# -- budget: TOML (any TOML value), CSV (any text) and the workbook (any cell) --------------------------------------

BUDGET_KEYS = {
    bc.CONTRIBUTIONS: ("contributions", bc.CONTRIBUTIONS_HEADERS),
    bc.OTHER_INCOME: ("other_income", bc.OTHER_INCOME_HEADERS),
    bc.EXPENDITURE: ("expenditure", bc.EXPENDITURE_HEADERS),
}
NAME_KEYS = {
    "Partnership": "partnership",
    "FinancialYear": "financial_year",
    "ReservesBroughtForward": "reserves_brought_forward",
    "Requirement": "requirement",
}
GOOD_BUDGET_NAMES: dict[str, object] = {
    "Partnership": "Northmoor",
    "FinancialYear": "2025/26",
    "ReservesBroughtForward": "£10,000.00",
    "Requirement": "£100,000",
}
GOOD_BUDGET: dict[str, list[list[object]]] = {
    bc.CONTRIBUTIONS: [
        ["Northmoor Council", "Local authority", "share", "50%", None],
        ["Northmoor ICB", "Health", "share", 0.3, None],
        ["Moorlands Police", "Police", "share", "20 %", None],
        ["Probation Service", "Probation", "fixed", None, "£2,500.00"],
    ],
    bc.OTHER_INCOME: [["Dedicated Schools Grant", "Funding stream", "£18,000"], ["Training fees", None, 1250.5]],
    bc.EXPENDITURE: [["Independent scrutineer", "38,500", "£37,999.99"], ["Business unit", 80000, None]],
}
BUDGET_WORDS = ["share", "fixed", "Funding stream", "Income", "Local authority", "Health"]


def toml_value(value: object) -> str | None:
    """``value`` as a TOML literal (None: leave the key out)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**63 else json.dumps(str(value))
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    return json.dumps(str(value))


TOML_WILD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.dates(date(1, 1, 1)),
    st.datetimes(),
    st.times(),
    st.text(st.characters(codec="utf-8"), max_size=30),
    money_text(),
    date_text(),
    noisy(BUDGET_WORDS),
)
BUDGET_TEXT = st.one_of(FILE_TEXT, money_text(), noisy(BUDGET_WORDS), st.just(""))
BUDGET_CELL = values(in_file=True, words=BUDGET_WORDS)


@st.composite
def budget_input(
    draw: st.DrawFn, cell: st.SearchStrategy[object]
) -> tuple[dict[str, object], dict[str, list[list[object]]]]:
    """The good budget with some cells (or all) wild, and sometimes a table's rows shuffled, repeated or added."""
    names, *tables = draw(mutated_tables([[list(GOOD_BUDGET_NAMES.values())], *GOOD_BUDGET.values()], cell))
    out = dict(zip(GOOD_BUDGET, tables, strict=True))
    if draw(st.integers(0, 4)) == 0:
        table = draw(st.sampled_from(list(GOOD_BUDGET)))
        width = len(GOOD_BUDGET[table][0])
        out[table] = draw(st.lists(st.sampled_from(out[table]), max_size=5)) + draw(
            st.lists(st.lists(cell, min_size=width, max_size=width), max_size=2)
        )
    return dict(zip(GOOD_BUDGET_NAMES, names[0], strict=True)), out


def _budget_ok(names: dict[str, object], tables: dict[str, list[list[object]]]) -> bool:
    cells = [*names.values(), *(v for rows in tables.values() for r in rows for v in r)]
    return not any(budget_bug(v) for v in cells)


def run_budget(path: Path) -> None:
    """read + rules: a parsed budget whose rules run, or a located boardbook error; the input unchanged."""
    before = hashes(path.parent)
    try:
        inp = read_budget(path)
    except BoardbookError as exc:
        assert_located(exc, *path.parent.iterdir())
        event(f"refused: {type(exc).__name__}")
        return
    finally:
        assert hashes(path.parent) == before
    event("parsed")
    result = budget_result(inp)
    assert len(result.amounts) == len(inp.contributions)
    if any(x.basis == bc.SHARE for x in inp.contributions):
        if inp.requirement is None:  # known bug, test_corpus budget-toml-no-requirement: accepted, apportions £0
            event("known bug: share-based partners and no requirement")
            return
        assert (
            sum(a for a, x in zip(result.amounts, inp.contributions, strict=True) if x.basis == bc.SHARE)
            == inp.requirement
        )


@FUZZ
@given(budget=budget_input(TOML_WILD))
def test_budget_toml_never_crashes(budget: tuple[dict[str, object], dict[str, list[list[object]]]]) -> None:
    names, tables = budget
    assume(_budget_ok(names, tables))
    lines = ["[budget]"] + [f"{NAME_KEYS[n]} = {lit}" for n, v in names.items() if (lit := toml_value(v)) is not None]
    for table, rows in tables.items():
        key, headers = BUDGET_KEYS[table]
        for row in rows:
            lines.append(f"[[{key}]]")
            lines += [
                f"{json.dumps(h)} = {lit}"
                for h, v in zip(headers, row, strict=False)
                if (lit := toml_value(v)) is not None
            ]
    with example_dir() as tmp:
        path = tmp / "budget.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run_budget(path)


@FUZZ
@given(budget=budget_input(BUDGET_TEXT), bom=st.booleans(), crlf=st.booleans(), header_case=st.booleans())
def test_budget_csv_never_crashes(
    budget: tuple[dict[str, object], dict[str, list[list[object]]]], bom: bool, crlf: bool, header_case: bool
) -> None:
    names, tables = budget
    assume(_budget_ok(names, tables))
    lines = ["[budget]"] + [f"{NAME_KEYS[n]} = {json.dumps('' if v is None else str(v))}" for n, v in names.items()]
    with example_dir() as tmp:
        for table, rows in tables.items():
            key, headers = BUDGET_KEYS[table]
            lines.append(f'{key} = "{key}.csv"')
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
            w.writerow([h.upper() if header_case else h for h in headers])
            w.writerows([["" if v is None else v for v in row] for row in rows])
            (tmp / f"{key}.csv").write_bytes(("\ufeff" if bom else "").encode() + buf.getvalue().encode("utf-8"))
        path = tmp / "budget.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run_budget(path)


class BudgetWriter:
    """The budget template loaded once; each example overwrites the defined-name cells and the tables' cells."""

    def __init__(self, folder: Path):
        src = folder / "template.xlsx"
        build_budget(CONFIG).save(src)
        self.wb = openpyxl.load_workbook(src)
        self.names = {}
        for name in bc.INPUT_NAMES:
            ((sheet, cell),) = list(self.wb.defined_names[name].destinations)
            self.names[name] = self.wb[sheet][cell.replace("$", "")]
        self.tables = {}
        for table in BUDGET_KEYS:
            ws = next(ws for ws in self.wb.worksheets if table in ws.tables)
            c1, r1, c2, r2 = range_boundaries(ws.tables[table].ref)
            self.tables[table] = [[ws.cell(r, col) for col in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
        cells = [*self.names.values(), *(cell for rows in self.tables.values() for row in rows for cell in row)]
        self.formats = {id(cell): cell.number_format for cell in cells}

    def write(self, names: dict[str, object], tables: dict[str, list[list[object]]], path: Path) -> Path:
        for name, value in names.items():
            put(self.names[name], value, self.formats)
        for table, rows in self.tables.items():
            given_rows = tables[table]
            for r, row in enumerate(rows):
                for j, cell in enumerate(row):
                    put(
                        cell, given_rows[r][j] if r < len(given_rows) and j < len(given_rows[r]) else None, self.formats
                    )
        buf = io.BytesIO()
        self.wb.save(buf)
        path.write_bytes(buf.getvalue())
        return path


@pytest.fixture(scope="module")
def budget_writer(tmp_path_factory: pytest.TempPathFactory) -> BudgetWriter:
    return BudgetWriter(tmp_path_factory.mktemp("fuzz-budget"))


@FUZZ
@given(budget=budget_input(BUDGET_CELL))
def test_budget_workbook_never_crashes(
    budget_writer: BudgetWriter, budget: tuple[dict[str, object], dict[str, list[list[object]]]]
) -> None:
    names, tables = budget
    assume(_budget_ok(names, tables))
    with example_dir() as tmp:
        run_budget(budget_writer.write(names, tables, tmp / "budget.xlsx"))


@END_TO_END
@given(budget=budget_input(BUDGET_CELL))
def test_budget_fill_never_crashes(
    budget_writer: BudgetWriter, budget: tuple[dict[str, object], dict[str, list[list[object]]]]
) -> None:
    """The whole `budget fill`: a filled workbook, or a located error and nothing written; the input unchanged."""
    names, tables = budget
    assume(_budget_ok(names, tables))
    with example_dir() as tmp:
        path = budget_writer.write(names, tables, tmp / "budget.xlsx")
        before = path.read_bytes()
        out = tmp / "filled.xlsx"
        try:
            no_panic(fill_budget_file, path, out)
        except BoardbookError as exc:
            assert_located(exc, path)
            assert not out.exists()
            event(f"refused: {type(exc).__name__}")
        else:
            openpyxl.load_workbook(out)
            event("filled")
        assert path.read_bytes() == before


# -- performance: indicators, evidence and risk factors as CSV (and .xlsx end to end) --------------------------------

INDICATOR_COLUMNS = [
    "Priority",
    "Indicator",
    "Period",
    "Numerator",
    "Denominator",
    "Per",
    "Value",
    "Previous",
    "Target",
    "Polarity",
    "Tolerance",
    "Note",
]
GOOD_INDICATORS: list[list[object]] = [
    ["Neglect", "Repeat child protection plans", "2024/25", "41", "168", "100", "", "", "20", "lower", "3", ""],
    ["Neglect", "Repeat child protection plans", "2023/24", "", "", "", "21.9", "", "20", "lower", "3", ""],
    ["Neglect", "Re-referrals", "2024/25", "", "", "", "34.8%", "31", "30", "lower", "2", ""],
    ["Child exploitation", "Return interviews", "2024/25", "", "", "", "c", "", "80", "higher", "", "local data"],
]
EVIDENCE_COLUMNS = ["Priority", "Lens", "Finding", "RAG", "Source", "Date"]
GOOD_EVIDENCE_ROWS: list[list[object]] = [
    ["Neglect", "Practitioner views", "Thresholds understood", "G", "Survey", "31/03/2025"],
    ["Neglect", "Child and family views", "Families felt heard", "Amber", "Audit", "1 April 2025"],
    ["Child exploitation", "Qualitative data", "Return interviews late", "r", "Audit", ""],
]
RISK_COLUMNS = ["Factor", "Assessments", "Plans"]
GOOD_RISKS: list[list[object]] = [
    ["Domestic abuse", "400", "120"],
    ["Parental mental health", "350", "60"],
    ["Neglect", "1,200", "300"],
    ["Substance misuse", "90", "40"],
]
PERF_WORDS = [
    "higher",
    "lower",
    "Green",
    "A",
    "r",
    "c",
    "z",
    ":",
    "Practitioner views",
    "Quantitative data",
    "2024/25",
    "Neglect",
]
PERF_TEXT = st.one_of(FILE_TEXT, money_text(), date_text(), noisy(PERF_WORDS), st.just(""))


@st.composite
def perf_csv(draw: st.DrawFn, columns: list[str], good: list[list[object]]) -> tuple[list[str], list[list[object]]]:
    """The columns (sometimes shuffled, re-cased or renamed) and good rows with some cells (or all) wild."""
    order = list(range(len(columns)))
    if draw(st.booleans()):
        order = draw(st.permutations(order))
    header = [columns[j] for j in order]
    if draw(st.integers(0, 4)) == 0:
        header = [draw(st.one_of(st.just(h), st.just(h.upper()), st.just(f" {h.lower()} "), FILE_TEXT)) for h in header]
    rows = [[row[j] for j in order] for row in draw(mutated(good, PERF_TEXT))]
    if draw(st.integers(0, 3)) == 0:
        rows += draw(st.lists(st.lists(PERF_TEXT, max_size=len(columns) + 1), min_size=1, max_size=2))
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[object]], bom: bool) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def _perf_ok(rows: list[list[object]]) -> bool:
    return not any(performance_bug(v) for r in rows for v in r)


def read_or_located(fn: Callable[[Path], object], path: Path) -> object | None:
    before = path.read_bytes()
    try:
        result = fn(path)
    except BoardbookError as exc:
        assert_located(exc, path)
        event(f"refused: {type(exc).__name__}")
        return None
    finally:
        assert path.read_bytes() == before
    event("parsed")
    return result


@FUZZ
@given(table=perf_csv(INDICATOR_COLUMNS, GOOD_INDICATORS), bom=st.booleans())
def test_indicators_never_crash(table: tuple[list[str], list[list[object]]], bom: bool) -> None:
    header, rows = table
    assume(_perf_ok(rows))
    with example_dir() as tmp:
        indicators = read_or_located(reader.read_indicators, write_csv(tmp / "indicators.csv", header, rows, bom))
    if indicators is not None:
        assess(indicators)
        quadrant.grid_rows(indicators, [])
        assert all(ind.rag in (None, "Green", "Amber", "Red") for ind in indicators)


@FUZZ
@given(table=perf_csv(EVIDENCE_COLUMNS, GOOD_EVIDENCE_ROWS), bom=st.booleans())
def test_evidence_never_crashes(table: tuple[list[str], list[list[object]]], bom: bool) -> None:
    header, rows = table
    assume(_perf_ok(rows))
    with example_dir() as tmp:
        findings = read_or_located(reader.read_evidence, write_csv(tmp / "evidence.csv", header, rows, bom))
    if findings is not None:
        quadrant.grid_rows([], findings)


@FUZZ
@given(table=perf_csv(RISK_COLUMNS, GOOD_RISKS), bom=st.booleans())
def test_risk_factors_never_crash(table: tuple[list[str], list[list[object]]], bom: bool) -> None:
    header, rows = table
    assume(_perf_ok(rows))
    with example_dir() as tmp:
        factors = read_or_located(reader.read_risk_factors, write_csv(tmp / "risk-factors.csv", header, rows, bom))
    if factors is not None:
        q = prules.classify_factors([(f.factor, f.assessments, f.plans) for f in factors])
        quadrant.risk_alt_text(q)


@END_TO_END
@given(inputs=mutated_tables([GOOD_INDICATORS, GOOD_EVIDENCE_ROWS, GOOD_RISKS], values(in_file=True, words=PERF_WORDS)))
def test_performance_fill_never_crashes(inputs: list[list[list[object]]]) -> None:
    """The whole `performance fill` from .xlsx inputs with random cells (each read from its first sheet)."""
    from boardbook.performance.pipeline import fill_workbook

    indicators, evidence, risks = inputs

    assume(_perf_ok(indicators + evidence + risks))
    with example_dir() as tmp:
        paths = []
        for name, header, rows in (
            ("indicators", INDICATOR_COLUMNS, indicators),
            ("evidence", EVIDENCE_COLUMNS, evidence),
            ("risk-factors", RISK_COLUMNS, risks),
        ):
            wb = openpyxl.Workbook()
            wb.active.title = "Figures"
            for row in [header, *rows]:
                wb.active.append(row)
            paths.append(tmp / f"{name}.xlsx")
            wb.save(paths[-1])
        before = hashes(tmp)
        out = tmp / "performance.xlsx"
        try:
            no_panic(fill_workbook, out, CONFIG, indicators=[paths[0]], evidence=paths[1], risk_factors=paths[2])
        except BoardbookError as exc:
            assert_located(exc, *paths)
            assert not out.exists()
            event(f"refused: {type(exc).__name__}")
        else:
            openpyxl.load_workbook(out)
            event("filled")
        assert {k: v for k, v in hashes(tmp).items() if k != "performance.xlsx"} == before


# -- the fuzzing harness itself ---------------------------------------------------------------------------------


def test_examples_follow_the_environment_variable() -> None:
    assert FUZZ.max_examples == FUZZ_EXAMPLES and FUZZ.deadline is None
    assert END_TO_END.max_examples == max(10, FUZZ_EXAMPLES // 10) and END_TO_END.deadline is None


def test_inputs_that_once_crashed_are_now_handled() -> None:
    """The fuzzer's first findings (each was a crash or a wrong result): now a value or a clear ValueError."""
    assert parse_date("31 Sep 2026") is None
    for parse, value in (
        (parse_money, "123456789012345678901234567890"),
        (parse_share, "1e999"),
        (reader.number, "1e999"),
    ):
        with pytest.raises(ValueError):
            parse(value)
    assert not any(f(v) for f in (file_bug, budget_bug, performance_bug) for v in ("30 Sep 2026", "£12,500", "25%"))
