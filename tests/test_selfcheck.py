"""The return checks itself (issue 13 item 1): the ``Check`` formulas and ``ReturnStatus`` give the verdicts
``validate_return`` gives, as LibreOffice computes them after a person types into the template.

Returns are built from the template for several configurations (four-point scale; evidence for every rating and
actions below met; a percent scale), every row typed a different way with openpyxl (which keeps the formulas and
drops their cached values), recalculated by LibreOffice headless in one run, and read back. For every row:
LibreOffice's Check == ``check_text`` == the verdict ``validate_return``'s problems give for that row; and the
cover's ReturnStatus == ``status_text``. A pre-filled return written by ``s11 returns`` carries cached values that
equal LibreOffice's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from boardbook.book.fast import read_workbook
from boardbook.config import Agency, Config, Standard, load_config, parse_config
from boardbook.section11 import contract as c
from boardbook.section11 import selfcheck as sc
from boardbook.section11.pipeline import collate, make_returns
from boardbook.section11.reader import load_return
from boardbook.section11.validate import validate_return
from boardbook.templates.section11_return import build_return
from tests.helpers import make_return, recalculate_many, require_soffice

Row = tuple[object, object, object, object, object]  # Rating, Evidence, Action, Owner, Due as typed

EVIDENCE = "Safeguarding policy approved by the board, 12/02/2026; audit of 40 files"
DUE = date(2027, 3, 31)
LABEL_ROWS: list[Row] = [
    ("Fully met", EVIDENCE, None, None, None),
    ("Fully met", None, None, None, None),  # met, no evidence
    ("Mostly met", "   ", None, None, None),  # spaces are no evidence
    ("Mostly met", "\u00a0", None, None, None),  # nor is a non-breaking space
    ("Mostly met", "\t", None, None, None),  # nor a tab
    ("Mostly met", "\u200b", None, None, None),  # a zero-width space is something (as validate sees it)
    (" fully MET ", EVIDENCE, None, None, None),  # case and spaces
    ("Fully\u00a0met", EVIDENCE, None, None, None),  # a non-breaking space inside
    ("Fully  met\u200b", EVIDENCE, None, None, None),  # doubled space, a zero-width space
    ("N/A", None, None, None, None),  # an alias of Not applicable
    ("n.a.", None, None, None, None),
    ("Not applicable", None, None, None, None),
    ("Partially met", None, None, None, None),  # below met
    ("Partially met", None, "Train the board", "Head of service", DUE),
    ("Partially met", None, "Train the board", None, DUE),  # no owner
    ("Not met", None, "Audit", "Nurse", "end of term"),  # a due date typed as words still counts
    ("Not met", EVIDENCE, " ", "Nurse", DUE),  # a blank action
    (None, None, None, None, None),  # nothing chosen
    ("   ", EVIDENCE, None, None, None),
    ("\u00a0", None, None, None, None),
    ("Fuly met", EVIDENCE, None, None, None),  # a typo
    ("*", EVIDENCE, None, None, None),  # a wildcard is not a rating
    ("Fully*", EVIDENCE, None, None, None),
    ("?ully met", EVIDENCE, None, None, None),
    ("~", None, None, None, None),
    (3, EVIDENCE, None, None, None),  # a number is not a label on this scale
    (True, EVIDENCE, None, None, None),
    ("Met", EVIDENCE, None, None, None),
    BLANK_ROW := ("", None, None, None, None),  # Ref and Standard cleared too: a blank row, skipped by validate
]
PERCENT_ROWS: list[Row] = [
    ("75%", EVIDENCE, None, None, None),
    ("75 %", None, None, None, None),  # met, no evidence
    ("75", None, None, None, None),
    (0.75, None, None, None, None),  # a cell formatted as % holding 0.75
    (75, None, None, None, None),
    (1, None, None, None, None),  # 100%
    (0.5, None, "Plan", "Lead", DUE),
    (0.5, None, None, None, None),  # below met, no action
    (50, None, None, None, None),
    (0.55, None, None, None, None),  # not on the scale (25-point steps)
    ("0.75", None, None, None, None),  # text 0.75 is not 75%
    ("N/A", None, None, None, None),
    ("100%", EVIDENCE, None, None, None),
    ("0%", None, "Plan", "Lead", DUE),
    ("25 percent", None, None, None, None),
    (None, None, None, None, None),
]

PERCENT = """
[partnership]
name = "Edgecase Safeguarding Children Partnership"
[scale]
kind = "percent"
step = 25
met_from = 75
not_applicable = "N/A"
[evidence]
required_for = "met"
[actions]
required_below_met = true
"""


def _config(base: str, n: int) -> Config:
    standards = "".join(f'\n[[standards]]\nref = "T{i}"\ntitle = "Standard {i}"\n' for i in range(1, n + 1))
    return parse_config(base + standards, "test")


def four_point(evidence: str, actions: bool, n: int) -> Config:
    default = load_config()  # its scale, with one standard per row
    base = (
        f'[partnership]\nname = "{default.partnership}"\n[scale]\nname = "Four-point"\nkind = "labels"\n'
        'not_applicable = "Not applicable"\nmet = ["Fully met", "Mostly met"]\n'
        'aliases = { "N/A" = "Not applicable", "NA" = "Not applicable", "n.a." = "Not applicable" }\n'
        + "".join(f'[[scale.levels]]\nlabel = "{lv.label}"\nscore = {lv.score:g}\n' for lv in default.scale.levels)
        + f'[evidence]\nrequired_for = "{evidence}"\n[actions]\nrequired_below_met = {str(actions).lower()}\n'
    )
    return _config(base, n)


@dataclass
class Case:
    name: str
    config: Config
    rows: list[Row]


RAG_ROWS: list[Row] = [
    ("Green", EVIDENCE, None, None, None),
    ("G", None, None, None, None),  # an alias of Green, no evidence
    ("Amber", None, "Train the deputy DSL", "Headteacher", DUE),
    ("amber", None, None, "Headteacher", DUE),  # no action
    ("R", None, None, None, None),
    ("Not applicable", None, None, None, None),
    ("Gren", EVIDENCE, None, None, None),
    (None, None, None, None, None),
]


def section175(n: int) -> Config:
    """The bundled schools audit (RAG, actions below met) with one standard per row."""
    return replace(load_config("section175"), standards=tuple(Standard(f"T{i}", f"S{i}") for i in range(1, n + 1)))


CASES = [
    Case("section175", section175(len(RAG_ROWS)), RAG_ROWS),
    Case("met-evidence", four_point("met", False, len(LABEL_ROWS)), LABEL_ROWS),
    Case("all-evidence-actions", four_point("all", True, len(LABEL_ROWS)), LABEL_ROWS),
    Case("no-evidence-rule", four_point("none", False, len(LABEL_ROWS)), LABEL_ROWS),
    Case("percent", _config(PERCENT, len(PERCENT_ROWS)), PERCENT_ROWS),
]


def typed_return(folder: Path, case: Case) -> Path:
    """The template for ``case.config``, saved, then typed into as a person does (openpyxl: formulas kept,
    their cached values dropped, so only a recalculation can give the Check column its values)."""
    path = folder / f"{case.name}.xlsx"
    book = build_return(case.config)
    for name, value in {"Agency": "Moorlands Police", "Round": "2026", "CompletedBy": "A. Tester"}.items():
        book.set_name(name, value)
    book.set_name("CompletedOn", date(2026, 5, 1))
    book.save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[c.ASSESSMENT]
    for i, row in enumerate(case.rows, start=2):
        for j, value in enumerate(row, start=3):  # Rating is column C
            ws.cell(i, j).value = value
        if row is BLANK_ROW:
            ws.cell(i, 1).value = ws.cell(i, 2).value = None
    wb.save(path)
    return path


def verdict_of_validation(problems: list[tuple[str, str]], config: Config) -> str:
    """The Check text the problems ``validate_return`` reports on one row amount to."""
    codes = [code for code, _cell in problems]
    if "rating-blank" in codes:
        return sc.CHOOSE
    if "rating-unknown" in codes:
        return sc.FROM_LIST
    needs = []
    if "evidence-missing" in codes:
        needs.append(sc.EVIDENCE_MET if config.evidence_required == "met" else sc.EVIDENCE_ANY)
    if "action-missing" in codes:
        needs.append(sc.ACTION)
    return "; ".join(needs)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """case name -> (typed return, LibreOffice's recalculation of it); one soffice run for all."""
    require_soffice()
    tmp = tmp_path_factory.mktemp("selfcheck")
    typed = [typed_return(tmp, case) for case in CASES]
    done = recalculate_many(typed, tmp / "lo")
    return {case.name: (t, d) for case, t, d in zip(CASES, typed, done, strict=True)}


def checks_in(path: Path) -> tuple[list[object], object]:
    wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    rows = wb.get_table_by_name(c.ASSESSMENT).to_python()
    status = read_workbook(path, names=(c.RETURN_STATUS,)).names[c.RETURN_STATUS]
    assert status is not None
    return [r[len(c.ASSESSMENT_HEADERS)] for r in rows], status.value


@pytest.mark.parametrize("case", CASES, ids=lambda k: k.name)
def test_libreoffice_check_equals_python_and_validation(case: Case, recalculated: dict[str, tuple[Path, Path]]) -> None:
    typed, done = recalculated[case.name]
    lo_checks, lo_status = checks_in(done)
    ret = validate_return(load_return(typed), case.config)
    by_row: dict[int, list[tuple[str, str]]] = {}
    for p in ret.problems:
        if p.sheet == c.ASSESSMENT and p.cell:
            row = int("".join(ch for ch in p.cell if ch.isdigit()))
            by_row.setdefault(row, []).append((p.code, p.cell))
    mismatches = []
    for i, (typed_row, lo) in enumerate(zip(case.rows, lo_checks, strict=True), start=2):
        ref, standard = ("", "") if typed_row is BLANK_ROW else (case.config.refs[i - 2], "Standard")
        python = sc.check_text(case.config, dict(zip(c.ASSESSMENT_HEADERS, (ref, standard, *typed_row), strict=True)))
        validated = verdict_of_validation(by_row.get(i, []), case.config)
        if not (lo == python == validated):
            mismatches.append(
                (i, typed_row, f"LibreOffice {lo!r}", f"check_text {python!r}", f"validate {validated!r}")
            )
    assert not mismatches, "\n".join(map(str, mismatches))
    assert lo_status == sc.status_text([str(v) for v in lo_checks])
    assert any(lo_checks) and not all(lo_checks), "the cases must exercise both verdicts"


def test_every_verdict_is_exercised(recalculated: dict[str, tuple[Path, Path]]) -> None:
    seen = set()
    for case in CASES:
        seen |= {str(v) for v in checks_in(recalculated[case.name][1])[0]}
    wanted = {
        "",
        sc.CHOOSE,
        sc.FROM_LIST,
        sc.EVIDENCE_MET,
        sc.EVIDENCE_ANY,
        sc.ACTION,
        f"{sc.EVIDENCE_ANY}; {sc.ACTION}",
    }
    assert wanted <= seen, wanted - seen


def test_status_counts_and_ready_to_send(tmp_path: Path) -> None:
    """A complete return says "Ready to send" (LibreOffice, after typing); the cached value says the same."""
    require_soffice()
    config = four_point("met", True, 3)
    case = Case("ready", config, [("Fully met", EVIDENCE, None, None, None), ("N/A", None, None, None, None),
                                  ("Not met", None, "Plan", "Lead", DUE)])  # fmt: skip
    one = Case("one", config, [*case.rows[:2], ("Not met", None, None, None, None)])
    (ready, single) = recalculate_many([typed_return(tmp_path, case), typed_return(tmp_path, one)], tmp_path / "lo")
    assert checks_in(ready) == (["", "", ""], sc.READY)
    assert checks_in(single) == (["", "", sc.ACTION], "1 standard needs attention")


def test_prefilled_returns_carry_the_values_libreoffice_computes(tmp_path: Path) -> None:
    """``s11 returns --previous`` writes Check values for the carried answers; LibreOffice computes the same."""
    require_soffice()
    config = load_config()
    last = tmp_path / "last"
    last.mkdir()
    body = [[s.ref, s.title, "Not met", None, None, None, None] for s in config.standards]
    body[0][2:4] = ["Fully met", EVIDENCE]
    body[1][2:4] = ["Mostly met", None]  # carried without evidence: the new return asks for it
    make_return(last, config, "Moorlands Police", rows=body)
    summary = collate([last], tmp_path / "summary-2024.xlsx", config).out
    (written,) = make_returns([Agency("Moorlands Police", "Police")], "2026", tmp_path / "r", config, previous=summary)
    cached = checks_in(written)
    assert cached == (["", sc.EVIDENCE_MET] + [""] * (len(config.refs) - 2), "1 standard needs attention")
    assert checks_in(recalculate_many([written], tmp_path / "lo")[0]) == cached
