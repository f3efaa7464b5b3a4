"""The bad-input corpus (tests/corpus/make_corpus.py), generated into a temporary folder and run through boardbook.

For every kind: parsed where a user would expect it, otherwise the exact problem code (or error) naming the file,
sheet and cell; no crash; inputs byte-identical afterwards; nothing half-written beside the output. Kinds that
show a bug in boardbook are marked ``xfail(strict=True)`` with the bug in the reason: fixing the bug makes the
test pass, and then the marker must go.
"""

from __future__ import annotations

import functools
import hashlib
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

import boardbook.section11.pipeline as collate_module
from boardbook.agencies import load_agencies
from boardbook.atomic import output_lock
from boardbook.budget.model import BudgetInputError
from boardbook.budget.pipeline import fill_budget_file
from boardbook.config import Config, load_config
from boardbook.errors import UsageError, WorkbookError
from boardbook.package import shown
from boardbook.performance import reader
from boardbook.performance.model import InputError
from boardbook.performance.pipeline import fill_workbook
from boardbook.section11 import rules
from boardbook.section11.contract import TEMPLATE_VERSION
from boardbook.section11.pipeline import CollationResult, collate, find_inputs, read_one
from tests.corpus import make_corpus as mc
from tests.helpers import hashes

BIN = str(Path(sys.executable).with_name("boardbook"))
README = Path(__file__).parent / "corpus" / "README.md"
GOOD, OTHER = mc.GOOD, mc.OTHER
TRUNCATED = " … [truncated: over Excel's cell limit]"


@dataclass
class Corpus:
    root: Path
    made: dict[str, Path]
    left_out: list[str]

    def __call__(self, kind: str) -> Path:
        if kind in self.left_out:
            pytest.skip(f"{kind}: LibreOffice (soffice) is not installed")
        return self.made[kind]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("corpus")
    made, left_out = mc.build(root)
    return Corpus(root, made, left_out)


def table(path: Path, name: str) -> list[dict[str, object]]:
    t = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(name)
    return [dict(zip(t.columns, row, strict=True)) for row in t.to_python() if any(v not in ("", None) for v in row)]


def bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"bug: {reason}")


# -- section 11: every kind collated, outcome asserted -----------------------------------------------------


@dataclass(frozen=True)
class P:
    """An expected problem: file, code, severity, sheet, cell, and words its message must hold."""

    file: str
    code: str
    severity: str
    sheet: str = ""
    cell: str = ""
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expect:
    counts: tuple[int, int, int]  # returns read, accepted, rejected
    problems: tuple[P, ...] = ()
    returns: frozenset[tuple[str, str]] = field(default_factory=lambda: frozenset({("Moorlands Police", GOOD)}))


def icb(file: str = OTHER) -> frozenset[tuple[str, str]]:
    return frozenset({("Moorlands Police", GOOD), ("Northmoor ICB", file)})


def unreadable(*words: str) -> Expect:
    return Expect((2, 1, 1), (P(OTHER, "unreadable", "Error", words=words),))


def rejected(code: str, sheet: str, cell: str, *words: str, file: str = OTHER) -> Expect:
    return Expect((2, 1, 1), (P(file, code, "Error", sheet, cell, words),))


ALLOWED = "allowed: Fully met, Mostly met, Partially met, Not met, Not applicable"
S11: dict[str, Expect] = {
    "good": Expect((1, 1, 0)),
    "pdf-renamed-xlsx": unreadable(
        "not an Excel workbook (it looks like a PDF): it must be an .xlsx file saved from the template"
    ),
    "csv-renamed-xlsx": unreadable(
        "not an Excel workbook (it looks like a CSV or text file): it must be an .xlsx file saved from the template"
    ),
    "zero-bytes": unreadable("the file is empty (0 bytes): ask the agency to send it again"),
    "truncated-zip": unreadable("the file is damaged or incomplete", "ask the agency to send it again"),
    "crc-damaged": unreadable("damaged", "send it again"),
    "password-protected": unreadable(
        "the workbook is password-protected: ask the agency to remove the password "
        "(File > Info > Protect Workbook > Encrypt with Password) and send it again"
    ),
    "xlsm": Expect(
        (2, 2, 0),
        (
            P(
                "Northmoor ICB.xlsm",
                "macros",
                "Info",
                words=("macro-enabled workbook (.xlsm): its data was read; its macros were not run",),
            ),
        ),
        icb("Northmoor ICB.xlsm"),
    ),
    "legacy-xls": Expect(
        (2, 2, 0),
        (
            P(
                "Northmoor ICB.xls",
                "legacy-format",
                "Info",
                words=(
                    "a legacy Excel 97-2003 (.xls) file: read by its labels and column headers",
                    "please send .xlsx next time",
                ),
            ),
        ),
        icb("Northmoor ICB.xls"),
    ),
    "ods": Expect(
        (2, 2, 0),
        (
            P(
                "Northmoor ICB.ods",
                "legacy-format",
                "Info",
                words=(
                    "an OpenDocument (.ods) spreadsheet: read by its labels and column headers",
                    "please send .xlsx next time",
                ),
            ),
        ),
        icb("Northmoor ICB.ods"),
    ),
    "xls-not-template": Expect(
        (2, 1, 1),
        (
            P(
                "Northmoor ICB.xls",
                "unreadable",
                "Error",
                words=(
                    "this is a legacy Excel 97-2003 (.xls) file: open it in Excel and "
                    "save it as .xlsx (Excel Workbook)",
                ),
            ),
        ),
    ),
    "xlsb": unreadable("this is an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx"),
    "zip-bomb-ratio": unreadable(
        "the file would unpack to 20 MB from 20 KB (limit 256 MB, at most 200:1): it is "
        "not a return, or it is a zip bomb; it was not opened"
    ),
    "zip-bomb-declared": unreadable("the file would unpack to 300 MB from", "zip bomb; it was not opened"),
    "entity-expansion-workbook": unreadable(
        "the workbook's XML declares entities or a DTD",
        "ask the agency to open it in Excel, save it as .xlsx and send it again",
    ),
    "entity-expansion-sheet": unreadable(
        "the workbook cannot be read", "unrecognized entity `&lol9;`", "save it as .xlsx and send it again"
    ),
    "lock-file": Expect((1, 1, 0)),
    "version-old": rejected(
        "version-old",
        "Cover",
        "B17",
        "this return uses an older template (version 2024.1); "
        f"the current version is {TEMPLATE_VERSION}: copy the answers into the current template",
    ),
    "version-unknown": rejected(
        "version-unknown",
        "Cover",
        "B17",
        f"template version '2031.7' is not one boardbook knows (expected {TEMPLATE_VERSION}): use the "
        "partnership's template",
    ),
    "name-missing": rejected(
        "name-missing", "", "", "defined name 'Agency' is missing: use the partnership's template"
    ),
    "table-missing": rejected(
        "table-missing",
        "Assessment",
        "",
        "table 'Assessment' not found (the workbook has no tables): use the partnership's template",
    ),
    "column-renamed": rejected(
        "column-missing",
        "Assessment",
        "C1",
        "column 'Rating' is missing from table Assessment ('Ratings' looks like it: rename it back to 'Rating')",
    ),
    "column-optional-renamed": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "column-missing",
                "Warning",
                "Assessment",
                "A1",
                ("column 'Owner' is missing from table Assessment; treated as blank",),
            ),
        ),
        icb(),
    ),
    "inserted-and-blank-rows": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "standard-unknown",
                "Warning",
                "Assessment",
                "A11",
                ("a row has answers but no Ref; the row was ignored",),
            ),
        ),
        icb(),
    ),
    "ten-thousand-blank-rows": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "evidence-missing",
                "Warning",
                "Assessment",
                "D10011",
                ("S10 is rated 'Fully met' but has no evidence: say what shows it",),
            ),
        ),
        icb(),
    ),
    "rating-variants": Expect((2, 2, 0), returns=icb()),
    "rating-typo": rejected(
        "rating-unknown",
        "Assessment",
        "C5",
        f"S4 rating 'Fuly met' is not on the scale (did you mean 'Fully met'?); {ALLOWED}",
    ),
    "rating-blank": rejected(
        "rating-blank",
        "Assessment",
        "C3",
        "S2 has no rating: choose one of Fully met, Mostly met, Partially met, Not met, Not applicable",
    ),
    "rating-formula-cached": Expect((2, 2, 0), returns=icb()),
    "rating-formula-uncached": Expect(
        (2, 1, 1),
        (
            P(
                OTHER,
                "rating-uncalculated",
                "Error",
                "Assessment",
                "C2",
                ("S1's rating is a formula with no calculated",),
            ),
            P(OTHER, "rating-uncalculated", "Error", "Assessment", "C3", ("S2's rating is a formula",)),
        ),
    ),
    "formula-like-evidence": Expect((2, 2, 0), returns=icb()),
    "control-characters": Expect((2, 2, 0), returns=icb()),
    "huge-text-at-limit": Expect((2, 2, 0), returns=icb()),
    "huge-text-over-limit": Expect((2, 2, 0), returns=icb()),
    "huge-text-in-rating": rejected("rating-unknown", "Assessment", "C2", "S1 rating 'Fully met because Fully met"),
    "merged-cells": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "evidence-missing",
                "Warning",
                "Assessment",
                "D3",
                ("S2 is rated 'Fully met' but has no evidence: say what shows it",),
            ),
        ),
        icb(),
    ),
    "hidden-sheet": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "hidden-sheet",
                "Warning",
                "Assessment",
                "",
                ("the Assessment table is on hidden sheet 'Assessment'; read anyway",),
            ),
        ),
        icb(),
    ),
    "dates-uk-text": Expect((2, 2, 0), returns=icb()),
    "date-us-format": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "date-invalid",
                "Warning",
                "Assessment",
                "G2",
                ("Due '03/31/2027' for S1 is not a date: write it as dd/mm/yyyy",),
            ),
            P(
                OTHER,
                "date-invalid",
                "Warning",
                "Cover",
                "B16",
                ("'Completed on' 'last Tuesday' is not a date: write it as dd/mm/yyyy",),
            ),
        ),
        icb(),
    ),
    "date-impossible-day": Expect(
        (2, 2, 0),
        (
            P(
                OTHER,
                "date-invalid",
                "Warning",
                "Assessment",
                "G2",
                ("Due '31 Sep 2026' for S1 is not a date: write it as dd/mm/yyyy",),
            ),
        ),
        icb(),
    ),
    "two-returns-one-agency": Expect(
        (3, 2, 0),
        (
            P(
                "Northmoor ICB draft.xlsx",
                "duplicate-return",
                "Warning",
                words=(
                    "a second return from Northmoor ICB: Northmoor ICB final.xlsx "
                    "(completed 20/05/2026) is used instead of "
                    "this one (completed 01/04/2026)",
                ),
            ),
        ),
        icb("Northmoor ICB final.xlsx"),
    ),
    "agency-not-listed": Expect(
        (2, 2, 0),
        (
            P(
                "Moorlands Constabulary.xlsx",
                "agency-unknown",
                "Warning",
                words=(
                    "agency 'Moorlands Constabulary' is not in the agency list (did you "
                    "mean 'Moorlands Police'?); collated "
                    "anyway",
                ),
            ),
        ),
        frozenset({("Moorlands Constabulary", "Moorlands Constabulary.xlsx"), ("Northmoor ICB", OTHER)}),
    ),
    "agency-name-variants": Expect(
        (2, 2, 0), returns=frozenset({("Moorlands Police", GOOD), ("Northmoor Women's & Children's Trust", OTHER)})
    ),
}
STRAY = "(Ctrl+End in Excel goes to the last cell) or copy the data into a clean workbook"
S11.update(
    {
        "stray-last-cell": rejected(
            "unreadable",
            "Assessment",
            "XFD1048576",
            "the sheet 'Assessment' has data as far as XFD1048576 (a stray keystroke in XFD1048576?): 1,048,576 "
            "rows × 16,384 columns, 17,179,869,184 cells, more than the 5,000,000 boardbook reads from one file, so "
            f"it was not read; delete what is in XFD1048576 {STRAY}",
        ),
        "stray-last-row": rejected(
            "unreadable",
            "Assessment",
            "G1048576",
            "the sheet 'Assessment' has data as far as H1048576 (a stray keystroke in G1048576?): 1,048,576 rows × "
            "8 columns, 8,388,608 cells, more than the 5,000,000 boardbook reads from one file",
            f"delete what is in G1048576 {STRAY}",
        ),
        "dimension-claims-whole-sheet": Expect((2, 2, 0), returns=icb()),
        "formatting-to-last-row": Expect((2, 2, 0), returns=icb()),
        "table-resized-to-sheet": rejected(
            "unreadable",
            "Assessment",
            "A1:XFD1048576",
            "the table 'Assessment' covers A1:XFD1048576 (resized too far?): 17,179,869,184 cells, more than the "
            "5,000,000 boardbook reads from one file, so it was not read; resize the table to its data (Table "
            "Design > Resize Table) or copy the data into a clean workbook",
        ),
        "shared-strings-claim": unreadable(
            "the workbook says it holds 4,000,000,000 different texts, but it has room for at most",
            "it is damaged or was written by a faulty program, and was not read; open it in Excel and save a "
            "clean copy",
        ),
        "header-only-table": Expect(
            (2, 1, 1),
            tuple(
                P(OTHER, "standard-missing", "Error", "Assessment", "A1", ("is missing from table Assessment",))
                for _ref in load_config().refs
            ),
        ),
        "non-utf8-file-name": Expect((2, 2, 0), returns=icb("Caf\ufffd Northmoor ICB.xlsx")),
        "legacy-xls-stray-cell": Expect(
            (2, 1, 1),
            (
                P(
                    "Northmoor ICB.xls",
                    "unreadable",
                    "Error",
                    "Assessment",
                    "IV65536",
                    words=(
                        "the sheet 'Assessment' claims data as far as IV65536 (a stray keystroke in IV65536?)",
                        "delete what is in IV65536",
                        "this is a legacy Excel 97-2003 (.xls) file: open it in Excel and save it as .xlsx",
                    ),
                ),
            ),
        ),
        "ods-stray-cell": Expect(
            (2, 1, 1),
            (
                P(
                    "Northmoor ICB.ods",
                    "unreadable",
                    "Error",
                    "Assessment",
                    "XFD1048576",
                    words=(
                        "the sheet 'Assessment' claims data as far as XFD1048576",
                        "this is an OpenDocument (.ods) spreadsheet: save it as .xlsx",
                    ),
                ),
            ),
        ),
    }
)
LAYOUT = "read by its layout; next time fill in the partnership's template in Excel and keep its table and names"
ALL_NAMES = "Agency, Sector, Partnership, Round, CompletedBy, CompletedOn, TemplateVersion"


def not_a_return(file: str, *words: str) -> Expect:
    """A file in the folder that is not a return: an Error naming it, the good return accepted."""
    return Expect((2, 1, 1), (P(file, "not-a-return", "Error", words=words),))


S11.update(
    {
        "table-and-names-lost": Expect(
            (2, 2, 0),
            (
                P(
                    OTHER,
                    "read-by-layout",
                    "Info",
                    words=(
                        "lost its table 'Assessment' (read from the header row on sheet 'Assessment') and the "
                        f"defined names {ALL_NAMES} (read beside the labels)",
                        LAYOUT,
                    ),
                ),
            ),
            icb(),
        ),
        "table-deleted-libreoffice": Expect(
            (2, 2, 0),
            (
                P(
                    OTHER,
                    "read-by-layout",
                    "Info",
                    words=("this workbook has lost its table 'Assessment' (read from the header row", LAYOUT),
                ),
            ),
            icb(),
        ),
        "names-lost": Expect(
            (2, 2, 0),
            (P(OTHER, "read-by-layout", "Info", words=(f"lost the defined names {ALL_NAMES} (read beside", LAYOUT)),),
            icb(),
        ),
        "name-sheet-scoped": Expect(
            (2, 2, 0),
            (
                P(
                    OTHER,
                    "name-sheet-scoped",
                    "Info",
                    "Cover",
                    "B11",
                    ("defined name 'Agency' belongs to sheet 'Cover' only", "it was used"),
                ),
            ),
            icb(),
        ),
        "name-ref-deleted": Expect(
            (2, 2, 0),
            (
                P(
                    OTHER,
                    "name-deleted",
                    "Info",
                    "Cover",
                    "B11",
                    ("defined name 'Agency' points at a cell that was deleted (#REF!)", "beside the label 'Agency'"),
                ),
            ),
            icb(),
        ),
        "assessment-copied": Expect(
            (2, 2, 0),
            (
                P(
                    OTHER,
                    "table-copy",
                    "Warning",
                    "Assessment (2)",
                    "A1:H11",
                    (
                        "a second Assessment table, 'Assessment3' on sheet 'Assessment (2)'",
                        "table 'Assessment' on sheet 'Assessment' was read and 'Assessment3' was not",
                    ),
                ),
            ),
            icb(),
        ),
        "named-cell-uncached": rejected(
            "cell-uncalculated", "Cover", "B11", "'Agency' is a formula with no calculated result"
        ),
        "strict-xlsx": unreadable(
            "the workbook was saved as Strict Open XML Spreadsheet, which boardbook does not read: open it in Excel "
            "and save it as Excel Workbook (.xlsx)"
        ),
        "zip-in-folder": not_a_return(
            "Northmoor ICB.zip", "a zip file, not a return, holding 1 workbook: unzip it into the returns folder"
        ),
        "xltx-in-folder": not_a_return(
            "Northmoor ICB.xltx", "an Excel template (.xltx), not a workbook: open it in Excel and save it as Excel"
        ),
        "pdf-in-folder": not_a_return("Northmoor ICB.pdf", "ask the agency for the return itself, the .xlsx workbook"),
        "csv-in-folder": not_a_return("Northmoor ICB.csv", "ask the agency for the return workbook (.xlsx)"),
        "broken-link-in-folder": not_a_return(OTHER, "a link to a file that is not there ("),
    }
)


S11.update(
    {
        "evidence-as-numbers": Expect(
            (2, 2, 0),
            (P(OTHER, "answer-format", "Info", "Assessment", "D7", ("S6's Evidence", "[>100]0;0", "'150'")),),
            icb(),
        ),
    }
)

S11_BUGS: dict[str, str] = {}  # kinds that show a known bug (none open)


def collate_kind(folder: Path, out: Path, config: Config) -> CollationResult:
    """Collate one kind's folder, asserting its inputs are byte-identical afterwards."""
    agencies = load_agencies(folder / "agencies.csv") if (folder / "agencies.csv").exists() else ()
    before = hashes(folder)
    try:
        return collate([folder], out, config, agencies=agencies)
    finally:
        assert hashes(folder) == before, "an input file was changed"


def assert_clean_output(out: Path) -> None:
    """Nothing half-written: the summary and its lock file, no temporary files."""
    assert sorted(p.name for p in out.parent.iterdir()) == [f".{out.name}.lock", out.name]


@pytest.mark.parametrize("kind", [pytest.param(k, marks=bug(S11_BUGS[k])) if k in S11_BUGS else k for k in S11])
def test_section11_kind(kind: str, corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus(kind)
    if (folder / "no-non-utf8-names-here.txt").exists():
        pytest.skip("this file system refuses file names that are not UTF-8")
    expect = S11[kind]
    out = tmp_path / "out" / "summary.xlsx"
    result = collate_kind(folder, out, config)
    assert_clean_output(out)

    assert (result.read, result.accepted, result.rejected) == expect.counts
    got = sorted((Path(p.file).name, p.code, p.severity, p.sheet, p.cell) for p in result.problems)
    assert got == sorted((p.file, p.code, p.severity, p.sheet, p.cell) for p in expect.problems), result.problems
    for want in expect.problems:
        message = next(
            p.message
            for p in result.problems
            if (Path(p.file).name, p.code, p.sheet, p.cell) == (want.file, want.code, want.sheet, want.cell)
        )
        for words in want.words:
            assert words in message, f"{words!r} not in {message!r}"
        assert "Traceback" not in message and "\n" not in message

    problems = table(out, "Problems")  # the board sees the same, file/sheet/cell named
    assert sorted((r["File"], r["Sheet"], r["Cell"], r["Severity"]) for r in problems) == sorted(
        (p.file, p.sheet, p.cell, p.severity) for p in expect.problems
    )
    returns = table(out, "Returns")
    assert {(r["Agency"], r["Source file"]) for r in returns} == set(expect.returns)
    assert len(returns) == len(expect.returns) * len(config.refs)
    if kind in S11_CHECKS:
        S11_CHECKS[kind](folder, out, config)


# Extra checks for kinds whose point is what lands in the summary, or how fast/small the refusal is.


def _ratings_of(out: Path, agency: str = "Northmoor ICB") -> list[object]:
    return [r["Rating"] for r in table(out, "Returns") if r["Agency"] == agency]


def _evidence_of(out: Path, agency: str = "Northmoor ICB") -> list[object]:
    return [r["Evidence"] for r in table(out, "Returns") if r["Agency"] == agency]


def _bounded(folder: Path, out: Path, config: Config, file: str = OTHER) -> None:
    """The refusal is quick and small: no expansion, no unpacking."""
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB on Linux
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    ret, _r, _v = read_one(folder / file, config)
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 100 * 1024 * 1024 / unit  # under 100 MB more
    assert [p.code for p in ret.problems] == ["unreadable"]


def _variants(folder: Path, out: Path, config: Config) -> None:
    assert (
        _ratings_of(out)
        == [
            "Fully met",
            "Not applicable",
            "Not applicable",
            "Mostly met",
            "Partially met",
            "Not met",
            "Fully met",
            "Not applicable",
            "Mostly met",
            "Fully met",
        ][: len(config.refs)]
    )


def _formula_cached(folder: Path, out: Path, config: Config) -> None:
    assert _ratings_of(out)[:3] == ["Fully met", "Mostly met", "Fully met"]


def _formula_like(folder: Path, out: Path, config: Config) -> None:
    evidence = (list(mc.FORMULA_LIKE) * 2)[: len(config.refs)]
    assert _evidence_of(out) == evidence
    wb = openpyxl.load_workbook(out)
    formulas = [
        cell.coordinate
        for ws in (wb["Returns"], wb["Challenge"])
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    s1 = next(r for r in table(out, "Returns") if r["Agency"] == "Northmoor ICB" and r["Ref"] == "S1")
    assert (s1["Action"], s1["Owner"]) == ("=A1*2", "@owner")


def _control(folder: Path, out: Path, config: Config) -> None:
    assert _evidence_of(out)[0] == "Bell here\tand escape there\nsecond line"


def _huge_at(folder: Path, out: Path, config: Config) -> None:
    text = _evidence_of(out)[0]
    assert isinstance(text, str) and len(text) == mc.HUGE and TRUNCATED not in text


def _huge_over(folder: Path, out: Path, config: Config) -> None:
    text = _evidence_of(out)[0]
    assert isinstance(text, str) and len(text) <= mc.HUGE and text.endswith(TRUNCATED)
    assert text.startswith("Supervision records audited. ")


def _huge_rating(folder: Path, out: Path, config: Config) -> None:
    (message,) = [str(r["Problem"]) for r in table(out, "Problems")]
    assert (
        message.startswith(
            "S1 rating 'Fully met because Fully met because Fully met because Fully "
            "'… (40,000 characters) is not on the scale"
        )
        and len(message) < 300
    )


def _dates(folder: Path, out: Path, config: Config) -> None:
    rows = [r for r in table(out, "Returns") if r["Agency"] == "Northmoor ICB"]
    expected = [date(2027, 3, 31)] * 4 + [
        date(2027, 9, 30),
        date(2027, 4, 1),
        date(2027, 4, 1),
        date(2027, 3, 31),
        date(2027, 12, 1),
        date(2027, 1, 15),
    ]
    assert [r["Due"] for r in rows] == expected[: len(rows)]
    ret, _r, _v = read_one(folder / OTHER, config)
    assert ret.completed_on == date(2026, 5, 1)


def _two(folder: Path, out: Path, config: Config) -> None:
    assert set(_ratings_of(out)) == {"Fully met"}  # the final, not the draft's Not met


def _unlisted(folder: Path, out: Path, config: Config) -> None:
    assert [r["Agency"] for r in table(out, "Missing")] == ["Moorlands Police"]


def _non_utf8(folder: Path, out: Path, config: Config) -> None:
    """The name is shown with U+FFFD everywhere a person reads it, and the log's fingerprint is of the names
    as shown (so it never fails on one)."""
    (log,) = table(out, "Log")
    names = sorted(shown(p.name) for p in folder.iterdir())
    assert names == ["Caf\ufffd Northmoor ICB.xlsx", GOOD]
    assert log["Inputs fingerprint"] == rules.fingerprint((n, sha256_of(folder, n)) for n in names)


def sha256_of(folder: Path, shown_name: str) -> str:
    (path,) = [p for p in folder.iterdir() if shown(p.name) == shown_name]
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _blank_rows(folder: Path, out: Path, config: Config) -> None:
    started = time.perf_counter()
    read_one(folder / OTHER, config)
    assert time.perf_counter() - started < 2.0


def _nobody_missing(folder: Path, out: Path, config: Config) -> None:
    """Spelled differently, still the listed agencies: none of them is reported as having sent nothing."""
    assert table(out, "Missing") == []


def _all_read(folder: Path, out: Path, config: Config) -> None:
    """Read by its layout, the return gives the same rows as the template it came from."""
    assert _ratings_of(out) == ["Fully met"] * len(config.refs)
    assert _evidence_of(out)[0]


def _first_table(folder: Path, out: Path, config: Config) -> None:
    assert _ratings_of(out)[0] == "Fully met"  # the Assessment table's, not the copy's "Not met"


def _still_missing(folder: Path, out: Path, config: Config) -> None:
    """The agency whose file was not a return is still listed as missing; the Problems row says a file was there."""
    assert "Northmoor ICB" in [r["Agency"] for r in table(out, "Missing")]


def _evidence_shown(folder: Path, out: Path, config: Config) -> None:
    assert _evidence_of(out)[:6] == ["95%", "12,000", "03/04/2026", "1/2", "1-Feb", "150"]


S11_CHECKS: dict[str, Callable[[Path, Path, Config], None]] = {
    "agency-name-variants": _nobody_missing,
    "table-and-names-lost": _all_read,
    "table-deleted-libreoffice": _all_read,
    "names-lost": _all_read,
    "assessment-copied": _first_table,
    "strict-xlsx": _bounded,
    "zip-in-folder": _still_missing,
    "xltx-in-folder": _still_missing,
    "pdf-in-folder": _still_missing,
    "csv-in-folder": _still_missing,
    "broken-link-in-folder": _still_missing,
    "evidence-as-numbers": _evidence_shown,
    "zip-bomb-ratio": _bounded,
    "zip-bomb-declared": _bounded,
    "entity-expansion-workbook": _bounded,
    "entity-expansion-sheet": _bounded,
    "rating-variants": _variants,
    "rating-formula-cached": _formula_cached,
    "formula-like-evidence": _formula_like,
    "control-characters": _control,
    "huge-text-at-limit": _huge_at,
    "huge-text-over-limit": _huge_over,
    "huge-text-in-rating": _huge_rating,
    "dates-uk-text": _dates,
    "two-returns-one-agency": _two,
    "agency-not-listed": _unlisted,
    "ten-thousand-blank-rows": _blank_rows,
    "stray-last-cell": _bounded,
    "stray-last-row": _bounded,
    "table-resized-to-sheet": _bounded,
    "shared-strings-claim": _bounded,
    "legacy-xls-stray-cell": functools.partial(_bounded, file="Northmoor ICB.xls"),
    "ods-stray-cell": functools.partial(_bounded, file="Northmoor ICB.ods"),
    "non-utf8-file-name": _non_utf8,
}


def test_entity_expansion_message_is_plain_words(corpus: Corpus, config: Config) -> None:
    ret, _r, _v = read_one(corpus("entity-expansion-workbook") / OTHER, config)
    (problem,) = ret.problems
    assert "EntitiesForbidden(" not in problem.message and "system_id" not in problem.message


def test_date_cell_huge_negative(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    """Either a date-invalid warning for G2 or the file listed as unreadable: never a crash."""
    folder = corpus("date-cell-huge-negative")
    out = tmp_path / "out" / "summary.xlsx"
    try:
        result = collate_kind(folder, out, config)
    except BaseException as exc:  # the panic is not an Exception
        raise AssertionError(f"collation crashed: {type(exc).__name__}: {exc}") from None
    got = {(Path(p.file).name, p.code, p.sheet, p.cell) for p in result.problems}
    assert got in ({(OTHER, "date-invalid", "Assessment", "G2")}, {(OTHER, "unreadable", "", "")}), got
    assert result.accepted >= 1
    assert_clean_output(out)


def test_empty_folder(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("empty-folder")
    before = hashes(folder)
    with pytest.raises(UsageError, match=r"no returns found \(\.xlsx or \.xlsm\) in: "):
        collate([folder], tmp_path / "summary.xlsx", config)
    assert hashes(folder) == before
    assert list(tmp_path.iterdir()) == []


# -- the output: unwritable, an input, two at once, interrupted ------------------------------------------------


def test_unwritable_output_folder(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("unwritable-output")
    before = hashes(folder)
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    with pytest.raises(UsageError, match=r"^cannot write to .*reports"):
        collate([folder], blocker / "summary.xlsx", config)
    assert hashes(folder) == before and blocker.is_file()


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user (root ignores folder permissions)"
)
def test_read_only_output_folder(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("unwritable-output")
    before = hashes(folder)
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(UsageError, match=r"^cannot write to .*read-only: Permission denied"):
            collate([folder], locked / "summary.xlsx", config)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)
    assert hashes(folder) == before


def test_output_is_an_input(corpus: Corpus, config: Config) -> None:
    folder = corpus("output-is-input")
    before = hashes(folder)
    with pytest.raises(
        UsageError,
        match=r"the output .*Moorlands Police\.xlsx is also an input: choose another "
        r"--out",
    ):
        collate([folder], folder / GOOD, config)
    with pytest.raises(UsageError, match=r"is also an input: choose another --out \(inputs are never modified\)"):
        fill_budget_file(folder / "budget.xlsx", folder / "budget.xlsx")
    with pytest.raises(UsageError, match=r"the output .*indicators\.xlsx is also an input: choose another --out"):
        fill_workbook(folder / "indicators.xlsx", config, indicators=[folder / "indicators.xlsx"])
    assert hashes(folder) == before


def test_second_collation_waits_for_the_first(corpus: Corpus, tmp_path: Path) -> None:
    """A second run (the real command) waits while another holds the summary, then collates onto it."""
    folder = corpus("two-collations-at-once")
    before = hashes(folder)
    out = tmp_path / "summary.xlsx"
    with output_lock(out):  # the first run, mid-write
        second = subprocess.Popen(
            [BIN, "s11", "collate", str(folder), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2.0)
        assert second.poll() is None, "the second run did not wait"
        assert not out.exists()
    _stdout, stderr = second.communicate(timeout=60)
    assert second.returncode == 0, stderr
    assert len(table(out, "Log")) == 1 and "Traceback" not in stderr
    assert hashes(folder) == before
    assert_clean_output(out)


def test_second_collation_refused_when_the_wait_runs_out(
    corpus: Corpus, tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = corpus("two-collations-at-once")
    out = tmp_path / "summary.xlsx"
    collate([folder], out, config)
    previous = out.read_bytes()
    monkeypatch.setattr(collate_module, "output_lock", functools.partial(output_lock, wait=1.0))
    with output_lock(out):
        started = time.monotonic()
        with pytest.raises(
            UsageError,
            match=r"^another boardbook run is writing summary\.xlsx \(waited 1 s\); try "
            r"again when it has finished$",
        ):
            collate([folder], out, config)
        assert time.monotonic() - started >= 1.0
    assert out.read_bytes() == previous
    assert_clean_output(out)


def test_two_real_collations_at_once(corpus: Corpus, tmp_path: Path) -> None:
    """Two real commands started together: both succeed, one after the other (two Log rows, a valid summary)."""
    folder = corpus("two-collations-at-once")
    out = tmp_path / "summary.xlsx"
    runs = [
        subprocess.Popen(
            [BIN, "s11", "collate", str(folder), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        _stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    assert len(table(out, "Log")) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".summary.xlsx.lock", "summary.backup.xlsx", "summary.xlsx"]


def test_interrupted_write_keeps_the_previous_summary(
    corpus: Corpus, tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the new summary is half-written: the previous one is untouched and no temporary file is left."""
    import boardbook.book.openpyxl_book as ob

    folder = corpus("interrupted-write")
    out = tmp_path / "out" / "summary.xlsx"
    collate([folder], out, config)
    previous = out.read_bytes()

    def half_then_interrupt(src: str, dst: str, *args: object, **kwargs: object) -> None:
        data = Path(src).read_bytes()
        Path(dst).write_bytes(data[: len(data) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(ob, "patch_package", half_then_interrupt)
    before = hashes(folder)
    with pytest.raises(KeyboardInterrupt):
        collate([folder], out, config)
    assert out.read_bytes() == previous
    assert hashes(folder) == before
    assert_clean_output(out)


KILLED_RUN = """
import sys, time
from pathlib import Path
import boardbook.book.openpyxl_book as ob
from boardbook.config import load_config
from boardbook.section11.pipeline import collate

def half_then_hang(src, dst, *args, **kwargs):
    data = Path(src).read_bytes()
    Path(dst).write_bytes(data[: len(data) // 2])
    Path(sys.argv[3]).write_text("half written")
    time.sleep(120)

ob.patch_package = half_then_hang
collate([sys.argv[1]], sys.argv[2], load_config())
"""


def test_killed_write_keeps_the_previous_summary(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    """The process killed (power cut, kill -9) mid-write: the previous summary is intact, the lock is released,
    and the leftover temporary file is hidden and never read as a return."""
    folder = corpus("interrupted-write")
    out_dir = tmp_path / "out"
    out = out_dir / "summary.xlsx"
    collate([folder], out, config)
    previous = out.read_bytes()
    before = hashes(folder)
    ready = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_RUN), str(folder), str(out), str(ready)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert out.read_bytes() == previous
    assert hashes(folder) == before
    leftovers = [p.name for p in out_dir.iterdir() if p.name not in ("summary.xlsx", ".summary.xlsx.lock")]
    assert leftovers and all(name.startswith(".summary.xlsx.") for name in leftovers)
    assert find_inputs([out_dir]) == [out.resolve()]  # hidden leftovers are never read as returns
    with output_lock(out, wait=2):  # the killed run's lock went with it
        pass
    collate([folder], out, config)  # and the next run works
    assert len(table(out, "Log")) == 2


# -- budget ---------------------------------------------------------------------------------------------------

BUDGET_AMOUNTS = [Decimal(50_000), Decimal(30_000), Decimal(20_000), Decimal(2500)]
BUDGET_TOTALS = {
    "total_contributions": Decimal("102500"),
    "total_income": Decimal("121750.50"),
    "total_expenditure": Decimal("117999.99"),
    "surplus": Decimal("3750.51"),
    "reserves_carried_forward": Decimal("13750.51"),
}


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        ("budget-pound-text", "budget.xlsx"),
        ("budget-toml-csv-bom", "budget.toml"),
        ("budget-csv-mac-line-endings", "budget.toml"),
        ("budget-csv-windows", "budget.toml"),
        ("budget-csv-semicolon", "budget.toml"),
        ("budget-share-percent-cells", "budget.xlsx"),
    ],
)
def test_budget_parsed(kind: str, source: str, corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus(kind)
    before = hashes(folder)
    out = tmp_path / "filled.xlsx"
    result = fill_budget_file(folder / source, out)
    assert hashes(folder) == before
    assert result.amounts == BUDGET_AMOUNTS
    assert {k: getattr(result.totals, k) for k in BUDGET_TOTALS} == BUDGET_TOTALS
    assert [x.partner for x in result.input.contributions] == [
        "Northmoor Council",
        "Northmoor ICB",
        "Moorlands Police",
        "Probation Service",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["filled.xlsx"]


def test_budget_words(corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus("budget-words")
    before = hashes(folder)
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(folder / "budget.xlsx", tmp_path / "filled.xlsx")
    assert info.value.lines == [
        "budget.xlsx sheet 'Budget' cell B4: expected an amount in £ (e.g. 12500, £12,500 or £12,500.00), found "
        "'about £250k'",
        "budget.xlsx sheet 'Expenditure' cell C3: expected an amount in £ (e.g. 12500, £12,500 or £12,500.00), found "
        "'TBC'",
    ]
    assert hashes(folder) == before and list(tmp_path.iterdir()) == []


def test_budget_european_numbers(corpus: Corpus, tmp_path: Path) -> None:
    """Never read as £100, 244% or £3,799,999: each cell is named with both readings."""
    folder = corpus("budget-european-numbers")
    before = hashes(folder)
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(folder / "budget.xlsx", tmp_path / "filled.xlsx")
    lines = info.value.lines
    assert len(lines) == 3, lines
    for where, readings in (
        ("sheet 'Budget' cell B4", ("100", "100,000")),
        ("sheet 'Contributions' cell D3", ("24.4", "244")),
        ("sheet 'Expenditure' cell C2", ("37,999.99", "3,799,999")),
    ):
        (line,) = [line for line in lines if where in line]
        assert line.startswith("budget.xlsx ") and all(r in line for r in readings), line
    assert hashes(folder) == before and list(tmp_path.iterdir()) == []


def test_budget_huge_amount(corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus("budget-huge-amount")
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(folder / "budget.xlsx", tmp_path / "filled.xlsx")
    assert [(p.sheet, p.cell) for p in info.value.problems] == [("Contributions", "E6")]


def test_budget_share_overflow(corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus("budget-share-overflow")
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(folder / "budget.xlsx", tmp_path / "filled.xlsx")
    assert ("Contributions", "D2") in [(p.sheet, p.cell) for p in info.value.problems]


def test_budget_share_percent_over_100(corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus("budget-share-percent-over-100")
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(folder / "budget.xlsx", tmp_path / "filled.xlsx")
    assert [(p.sheet, p.cell, p.message) for p in info.value.problems] == [
        ("Contributions", "D2", "a share cannot be more than 100 %, found '150%'")
    ]
    assert not (tmp_path / "filled.xlsx").exists()


def test_indicators_percent_cells(corpus: Corpus) -> None:
    folder = corpus("indicators-percent-cells")
    before = hashes(folder)
    (ind,) = reader.read_indicators(folder / "indicators.xlsx")
    assert (ind.value, ind.target, ind.tolerance) == (24.4, 25, 2)
    assert hashes(folder) == before


def test_budget_toml_without_requirement(corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus("budget-toml-no-requirement")
    with pytest.raises(BudgetInputError) as info:
        fill_budget_file(folder / "budget.toml", tmp_path / "filled.xlsx")
    assert "equirement" in str(info.value) and str(info.value).startswith("budget.toml")


@pytest.mark.parametrize(
    ("kind", "source", "message"),
    [
        (
            "budget-legacy-xls",
            "budget.xls",
            "budget.xls: this is a legacy Excel 97-2003 (.xls) file: open it in Excel and "
            "save it as .xlsx (Excel Workbook)",
        ),
        (
            "budget-stray-last-cell",
            "budget.xlsx",
            "budget.xlsx sheet 'Contributions' cell XFD1048576: the sheet 'Contributions' has data as far as "
            "XFD1048576 (a stray keystroke in XFD1048576?): 1,048,576 rows × 16,384 columns, 17,179,869,184 cells, "
            f"more than the 5,000,000 boardbook reads from one file, so it was not read; delete what is in XFD1048576 "
            f"{STRAY}",
        ),
    ],
)
def test_budget_refused(kind: str, source: str, message: str, corpus: Corpus, tmp_path: Path) -> None:
    folder = corpus(kind)
    before = hashes(folder)
    with pytest.raises(WorkbookError) as info:
        fill_budget_file(folder / source, tmp_path / "filled.xlsx")
    assert str(info.value) == message
    assert hashes(folder) == before and list(tmp_path.iterdir()) == []


# -- performance ----------------------------------------------------------------------------------------------


def test_indicators_bom_and_quoted_empties(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("indicators-bom-quoted-empties")
    before = hashes(folder)
    result = fill_workbook(tmp_path / "performance.xlsx", config, indicators=[folder / "indicators.csv"])
    assert hashes(folder) == before
    got = [(i.indicator, i.value, i.rag, i.note) for i in result.indicators]
    assert got == [
        ("Repeat child protection plans", 24.4, "Red", ""),
        ("Children in need", 1234.0, None, "no polarity: RAG and trend left blank"),
        ("Re-referrals", 34.8, "Red", ""),
        ("Missing returns", None, None, "Value: suppressed to protect confidentiality (c)"),
    ]
    assert [r["Value"] for r in table(tmp_path / "performance.xlsx", "Indicators")] == [24.4, 1234.0, 34.8, ""]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["performance.xlsx"]


def test_indicators_unicode_text(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("indicators-unicode-text")
    before = hashes(folder)
    result = fill_workbook(tmp_path / "performance.xlsx", config, indicators=[folder / "indicators.txt"])
    assert hashes(folder) == before
    assert [(i.indicator, i.value, i.target, i.rag) for i in result.indicators] == [
        ("Re-referrals", 24.4, 30.0, "Green"),
        ("Change in CP plans", -2.5, -1.0, "Green"),
    ]


def test_indicators_second_sheet(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("indicators-second-sheet")
    result = fill_workbook(tmp_path / "performance.xlsx", config, indicators=[folder / "indicators.xlsx"])
    assert [(i.indicator, i.value, i.where.sheet, i.where.row) for i in result.indicators] == [
        ("Re-referrals", 21.2, "Q2 figures", 4)
    ]


def test_indicators_decimal_comma(corpus: Corpus, tmp_path: Path, config: Config) -> None:
    folder = corpus("indicators-decimal-comma")
    with pytest.raises(InputError) as info:
        fill_workbook(tmp_path / "performance.xlsx", config, indicators=[folder / "indicators.csv"])
    lines = info.value.lines
    assert len(lines) == 2, lines
    assert lines[0].startswith("indicators.csv row 2, column Value: '34,8' could be 34.8 or 348"), lines
    assert lines[1].startswith("indicators.csv row 3, column Value: '1.234,5' could be 1,234.5 or 12,345"), lines
    assert list(tmp_path.iterdir()) == []


def test_evidence_uk_dates(corpus: Corpus) -> None:
    folder = corpus("evidence-uk-dates")
    before = hashes(folder)
    findings = reader.read_evidence(folder / "evidence.csv")
    assert [f.date for f in findings] == [date(2025, 3, 31)] + [date(2025, 4, 1)] * 3 + [date(2025, 9, 30)]
    assert hashes(folder) == before


def test_evidence_impossible_date(corpus: Corpus) -> None:
    folder = corpus("evidence-impossible-date")
    with pytest.raises(InputError) as info:
        reader.read_evidence(folder / "evidence.csv")
    assert str(info.value) == ("evidence.csv row 2, column Date: '31 Sep 2025' is not a date (use dd/mm/yyyy)")


def test_indicators_legacy_xls(corpus: Corpus) -> None:
    folder = corpus("indicators-legacy-xls")
    before = hashes(folder)
    try:
        rows = reader.read_indicators(folder / "indicators.xls")
    except WorkbookError as exc:
        message = str(exc)
        assert "97-2003" in message and "save it as .xlsx" in message and "found:" not in message, message
    else:
        assert [(i.indicator, i.value) for i in rows] == [("Re-referrals", 21.2)]
    assert hashes(folder) == before


def test_indicators_csv_renamed_xlsx(corpus: Corpus) -> None:
    folder = corpus("indicators-csv-renamed-xlsx")
    try:
        rows = reader.read_indicators(folder / "indicators.xlsx")
    except WorkbookError as exc:
        message = str(exc)
        assert "CSV" in message and ".csv" in message and "saved from the template" not in message, message
    else:
        assert [(i.indicator, i.value) for i in rows] == [("Re-referrals", 21.0)]


def test_indicators_stray_last_cell(corpus: Corpus) -> None:
    folder = corpus("indicators-stray-last-cell")
    before = hashes(folder)
    started = time.perf_counter()
    with pytest.raises(WorkbookError) as info:
        reader.read_indicators(folder / "indicators.xlsx")
    assert time.perf_counter() - started < 1.0
    assert str(info.value) == (
        "indicators.xlsx sheet 'Indicators' cell XFD1048576: the sheet 'Indicators' has data as far as XFD1048576 "
        "(a stray keystroke in XFD1048576?): 1,048,576 rows × 16,384 columns, 17,179,869,184 cells, more than the "
        f"5,000,000 boardbook reads from one file, so it was not read; delete what is in XFD1048576 {STRAY}"
    )
    assert hashes(folder) == before


def test_indicators_overflow(corpus: Corpus) -> None:
    folder = corpus("indicators-overflow")
    with pytest.raises(InputError) as info:
        reader.read_indicators(folder / "indicators.csv")
    message = str(info.value)
    assert "indicators.csv row 2, column Value" in message and "indicators.csv row 3, column Numerator" in message


def test_risk_factors_impossible(corpus: Corpus) -> None:
    folder = corpus("risk-factors-impossible")
    before = hashes(folder)
    with pytest.raises(InputError) as info:
        reader.read_risk_factors(folder / "risk-factors.csv")
    assert [str(p) for p in info.value.problems] == [
        "risk-factors.csv row 3, column Plans: 50 is more than Assessments (40): plans count children whose "
        "assessment identified the factor",
        "risk-factors.csv row 4, column Assessments: 0: the conversion to a plan needs assessments above 0 (leave out "
        "factors no assessment identified)",
        "risk-factors.csv row 5, column Assessments: 12.5 is not a count (a whole number, 0 or more)",
        "risk-factors.csv row 6, column Factor: 'domestic abuse' is listed twice (also row 2)",
    ]
    assert hashes(folder) == before


# -- learning tracker and matrix of concerns ---------------------------------------------------------------
def test_tracker_unicode_text(corpus: Corpus, tmp_path: Path) -> None:
    from datetime import date

    from boardbook.learning.pipeline import fill_tracker_file

    folder = corpus("tracker-unicode-text")
    before = hashes(folder)
    fill_tracker_file(folder / "recommendations.txt", tmp_path / "out.xlsx", as_at=date(2026, 3, 31))
    assert hashes(folder) == before
    rows = table(tmp_path / "out.xlsx", "Recommendations")
    assert [(r["Ref"], r["Review"], r["RAG"], r["Days overdue"]) for r in rows] == [
        ("R1", "CSPR Child £", "Red", 30),
        ("R2", "Audit: \u201cvoice\u201d", "Green", 0),
    ]
    assert rows[1]["Recommendation"] == "Record the child\u2019s words"


def test_tracker_csv_renamed_xlsx(corpus: Corpus, tmp_path: Path) -> None:
    from datetime import date

    from boardbook.learning.pipeline import fill_tracker_file

    folder = corpus("tracker-csv-renamed-xlsx")
    fill_tracker_file(folder / "recommendations.xlsx", tmp_path / "out.xlsx", as_at=date(2026, 3, 31))
    assert [r["RAG"] for r in table(tmp_path / "out.xlsx", "Recommendations")] == ["Red", "Green"]


def test_tracker_stray_last_cell(corpus: Corpus, tmp_path: Path) -> None:
    from boardbook.learning.model import LearningInputError
    from boardbook.learning.pipeline import fill_tracker_file

    folder = corpus("tracker-stray-last-cell")
    started = time.perf_counter()
    with pytest.raises(LearningInputError) as info:
        fill_tracker_file(folder / "tracker.xlsx", tmp_path / "out.xlsx")
    assert time.perf_counter() - started < 2.0
    (p,) = info.value.problems
    assert p.code == "learning-unreadable" and p.cell == "XFD1048576" and p.sheet == "Recommendations", str(p)
    assert not (tmp_path / "out.xlsx").exists()


def test_concerns_ticks_and_booleans(corpus: Corpus, tmp_path: Path) -> None:
    from boardbook.concerns.pipeline import fill_concerns_file

    folder = corpus("concerns-ticks-and-booleans")
    fill_concerns_file(folder / "concerns.xlsx", tmp_path / "out.xlsx")
    assert [list(r.values()) for r in table(tmp_path / "out.xlsx", "Concerns")] == [
        ["Practice", "Neglect", "Yes", "Yes", "Yes", "", 3],
        ["Systems", "Escalation", "Yes", "Yes", "", "", 2],
    ]


# -- the corpus itself --------------------------------------------------------------------------------------

TESTED_ELSEWHERE = {
    "empty-folder",
    "unwritable-output",
    "output-is-input",
    "two-collations-at-once",
    "interrupted-write",
    "budget-pound-text",
    "budget-toml-csv-bom",
    "budget-words",
    "budget-csv-windows",
    "budget-csv-semicolon",
    "budget-european-numbers",
    "indicators-unicode-text",
    "indicators-decimal-comma",
    "indicators-second-sheet",
    "budget-legacy-xls",
    "indicators-bom-quoted-empties",
    "evidence-uk-dates",
    "evidence-impossible-date",
    "indicators-legacy-xls",
    "indicators-csv-renamed-xlsx",
    "indicators-overflow",
    "risk-factors-impossible",
    "budget-stray-last-cell",
    "indicators-stray-last-cell",
    "date-cell-huge-negative",
    "budget-csv-mac-line-endings",
    "budget-huge-amount",
    "budget-share-overflow",
    "budget-toml-no-requirement",
    "budget-share-percent-cells",
    "tracker-unicode-text",
    "tracker-csv-renamed-xlsx",
    "tracker-stray-last-cell",
    "concerns-ticks-and-booleans",
    "budget-share-percent-over-100",
    "indicators-percent-cells",
}


def test_every_kind_has_a_test_and_a_readme_line() -> None:
    assert len(mc.KINDS) >= 30
    assert set(S11) | TESTED_ELSEWHERE == set(mc.KINDS)
    assert not set(S11) & TESTED_ELSEWHERE
    readme = README.read_text(encoding="utf-8")
    missing = [line for line in mc.readme_lines() if line not in readme.splitlines()]
    assert not missing, "README out of date: run python tests/corpus/make_corpus.py --readme\n" + "\n".join(missing)


def test_corpus_is_generated_not_committed() -> None:
    committed = [
        p.name
        for p in README.parent.iterdir()
        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".toml")
    ]
    assert committed == [], "the corpus is generated by make_corpus.py; do not commit its files"


def test_script_writes_a_kind(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(Path(mc.__file__)), str(tmp_path), "--kind", "zero-bytes", "--kind", "good"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "zero-bytes" / OTHER).read_bytes() == b""
    assert (tmp_path / "good" / GOOD).stat().st_size > 0
