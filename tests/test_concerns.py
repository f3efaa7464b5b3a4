"""The matrix of concerns (issue 15 item 3): marks read in any case and written as Yes in text, the colour
keyed to that text, Sources counted (and recounted by LibreOffice after a person types), every problem code
produced by a real file."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from boardbook.concerns import contract as c
from boardbook.concerns import model, rules
from boardbook.concerns.pipeline import fill_concerns_file
from boardbook.config import load_config
from boardbook.problems import Problem, ProblemError
from boardbook.templates.concerns import build_concerns
from tests.helpers import conditional_pairs, recalculate_many, require_soffice, run, sha256, table

HEADER = "Group,Concern,Review work,Quality assurance,Data,Escalated"
ROWS = [
    "Practice,Neglect recognised late,Yes,yes,YES,",
    "Practice,Hidden men,y,X,,no",
    "Systems,Information sharing,✓,●,No,N",
    "Newly emerged,Online harm,,,, ",
    "practice ,Escalation,Yes,,,Yes",
]


def _csv(folder: Path, rows: list[str], header: str = HEADER, name: str = "concerns.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Yes", True),
        (" yes ", True),
        ("Y", True),
        ("x", True),
        ("✓", True),
        ("●", True),
        (True, True),
        (None, False),
        ("", False),
        ("No", False),
        ("n", False),
        (False, False),
        ("maybe", None),
        ("2", None),
    ],
)
def test_what_counts_as_a_mark(typed: object, expected: bool | None) -> None:
    assert rules.mark(typed) is expected


def test_fill_from_csv(tmp_path: Path) -> None:
    src = _csv(tmp_path, ROWS)
    before = sha256(src)
    fill_concerns_file(src, tmp_path / "out.xlsx")
    assert sha256(src) == before
    got = [list(r.values()) for r in table(tmp_path / "out.xlsx", c.CONCERNS)]
    assert got == [
        ["Practice", "Neglect recognised late", "Yes", "Yes", "Yes", "", 3],
        ["Practice", "Hidden men", "Yes", "Yes", "", "", 2],
        ["Systems", "Information sharing", "Yes", "Yes", "", "", 2],
        ["Newly emerged", "Online harm", "", "", "", "", 0],
        ["Practice", "Escalation", "Yes", "", "", "Yes", 2],  # one spelling of the group
    ]
    assert table(tmp_path / "out.xlsx", "Problems") == []


def test_colour_repeats_the_text_on_the_evidence_columns(tmp_path: Path) -> None:
    """One rule per evidence column, keyed to the cell's text "Yes" (so colour never carries what the text does
    not), green with contrast; nothing else in the sheet is coloured by a rule."""
    out = tmp_path / "out.xlsx"
    fill_concerns_file(_csv(tmp_path, ROWS), out)
    pairs = conditional_pairs(out)
    assert sorted(p.where for p in pairs) == [f'Concerns!{x}2:{x}6 cellIs "Yes"' for x in "CDEF"]
    assert {(p.rule, p.fill, p.text) for p in pairs} == {('"Yes"', "C6EFCE", "006100")}
    assert all(p.ratio >= 4.5 for p in pairs)


def test_fill_the_template_typed_by_hand(tmp_path: Path) -> None:
    template = tmp_path / "matrix.xlsx"
    build_concerns(load_config()).save(template)
    wb = openpyxl.load_workbook(template)
    ws = wb["Concerns"]
    for j, value in enumerate(["Systems", "Thresholds", "x", None, "yes", "No"], start=1):
        ws.cell(2, j).value = value
    wb.save(template)
    fill_concerns_file(template, tmp_path / "out.xlsx")
    assert [list(r.values()) for r in table(tmp_path / "out.xlsx", c.CONCERNS)] == [
        ["Systems", "Thresholds", "Yes", "", "Yes", "", 2]
    ]


def test_cli(tmp_path: Path) -> None:
    done = run("concerns", "fill", _csv(tmp_path, ROWS), "--out", tmp_path / "out.xlsx")
    assert done.returncode == 0, done.stderr
    assert "Concerns" in done.stdout and (tmp_path / "out.xlsx").is_file()
    bad = run(
        "concerns", "fill", _csv(tmp_path, ["Practice,Neglect,maybe,,,"], name="bad.csv"), "--out", tmp_path / "b.xlsx"
    )
    assert bad.returncode != 0
    assert "bad.csv row 2, column Review work: 'maybe' is not a mark" in bad.stderr
    assert not (tmp_path / "b.xlsx").exists()


# -- every problem code, from a real file -------------------------------------------------------------------
def _problems(path: Path) -> list[Problem]:
    try:
        fill_concerns_file(path, path.with_name("out-" + path.stem + ".xlsx"))
    except ProblemError as exc:
        return exc.problems
    return []


CASES = {
    "concerns-unreadable": lambda d: d / "missing.csv",
    "concerns-column-missing": lambda d: _csv(d, ROWS, HEADER.replace("Escalated", "Escalations")),
    "concerns-group-blank": lambda d: _csv(d, [*ROWS, ",Bullying,Yes,,,"]),
    "concerns-concern-blank": lambda d: _csv(d, [*ROWS, "Practice,,Yes,,,"]),
    "concerns-duplicate": lambda d: _csv(d, [*ROWS, "PRACTICE,hidden  men,,,Yes,"]),
    "concerns-mark-unknown": lambda d: _csv(d, [*ROWS, "Practice,Bullying,Yes,partly,,"]),
}


def test_every_code_has_a_case_and_a_meaning() -> None:
    assert set(CASES) == set(model.CODES)
    assert all(v.strip() for v in model.CODES.values())


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_produced_by_a_real_file(tmp_path: Path, code: str) -> None:
    found = _problems(CASES[code](tmp_path))
    assert [p.code for p in found] == [code], [str(p) for p in found]
    (p,) = found
    assert p.file and (p.row or p.cell or code == "concerns-unreadable"), str(p)


def test_a_workbook_cell_is_named(tmp_path: Path) -> None:
    template = tmp_path / "matrix.xlsx"
    build_concerns(load_config()).save(template)
    wb = openpyxl.load_workbook(template)
    for j, value in enumerate(["Systems", "Thresholds", "x", None, "sometimes", None], start=1):
        wb["Concerns"].cell(2, j).value = value
    wb.save(template)
    (p,) = _problems(template)
    assert str(p).startswith("matrix.xlsx sheet 'Concerns' cell E2, column Data: 'sometimes' is not a mark")


def test_readme_documents_every_code() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert all(f"| `{code}` |" in readme for code in model.CODES)


# -- LibreOffice recounts Sources as the rule does -----------------------------------------------------------
def test_libreoffice_recount_agrees_with_the_rule(tmp_path: Path) -> None:
    require_soffice()
    filled = tmp_path / "filled.xlsx"
    fill_concerns_file(_csv(tmp_path, ROWS), filled)
    typed = tmp_path / "typed.xlsx"
    shutil.copy(filled, typed)
    wb = openpyxl.load_workbook(typed)
    ws = wb["Concerns"]
    new = [("yes", None, "Yes", "Yes"), (None, None, None, None), ("Yes", "YES", "Yes", "yes"), ("", "Yes", "", "")]
    for i, marks in enumerate(new, start=2):
        for j, value in enumerate(marks, start=3):
            ws.cell(i, j).value = value
    wb.save(typed)
    out_filled, out_typed = recalculate_many([filled, typed], tmp_path / "lo")
    assert table(out_filled, c.CONCERNS) == table(filled, c.CONCERNS)
    got = [r["Sources"] for r in table(out_typed, c.CONCERNS)]
    expected = [rules.sources({col: bool(rules.mark(v)) for col, v in zip(c.EVIDENCE, m, strict=True)}) for m in new]
    assert got[: len(new)] == expected == [3, 0, 4, 1]
