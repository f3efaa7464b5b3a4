"""The learning and improvement tracker (issue 15 item 1): the RAG rule, filling from CSV and from the template,
every problem code produced by a real file, and the live formulas recalculated by LibreOffice after a person
types new Status, Due and Updated values (and a new report date) with openpyxl."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from boardbook.book.fast import read_workbook
from boardbook.config import load_config
from boardbook.learning import contract as c
from boardbook.learning import model, rules
from boardbook.learning.pipeline import fill_tracker_file
from boardbook.problems import ERROR, WARNING, Problem, ProblemError
from boardbook.templates.learning import build_learning
from tests.helpers import names_openpyxl, recalculate_many, require_soffice, run, sha256, table

AS_AT = date(2026, 3, 31)
HEADER = ",".join(c.INPUT_HEADERS)
GOOD = [
    "R1,CSPR Child A,CSPR,01/04/2025,Train on neglect,Neglect,Council,Head of service,01/03/2026,In progress,,"
    "01/03/2026",
    "R2,CSPR Child A,cspr,01/04/2025,Audit strategy meetings,Information sharing,Police,DI,01/03/2026,Completed,"
    "Audit of 30 cases: attendance up,01/02/2026",
    "R3,Neglect audit,Audit,01/06/2025,Launch toolkit,neglect,ICB,Named nurse,15/12/2025,Evidenced,,01/12/2025",
    "R4,Neglect  audit,audit,01/06/2025,Review thresholds,Neglect,Council,Manager,30/06/2026,Not started,,01/05/2025",
    "R5,Ofsted JTAI,Inspection,,Escalation policy,Escalation,ICB,Lead,15/04/2026,in progress,,20/03/2026",
    "R6,Ofsted JTAI,Inspection,,Supervision,Escalation,ICB,Lead,,Not started,,",
]


def _csv(folder: Path, rows: list[str], header: str = HEADER, name: str = "recs.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# -- the rule ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "due", "updated", "expected", "overdue"),
    [
        ("Completed", date(2026, 1, 1), None, "Green", 0),  # completed late is still Green
        ("Evidenced", date(2025, 1, 1), date(2020, 1, 1), "Green", 0),
        ("In progress", date(2026, 3, 30), date(2026, 3, 30), "Red", 1),  # past due
        ("Not started", date(2026, 3, 31), date(2026, 3, 30), "Amber", 0),  # due today: not yet overdue
        ("Not started", date(2026, 4, 30), date(2026, 3, 30), "Amber", 0),  # due in exactly 30 days
        ("Not started", date(2026, 5, 1), date(2026, 3, 30), "Green", 0),  # 31 days
        ("In progress", date(2026, 12, 1), date(2025, 12, 30), "Amber", 0),  # 91 days since an update: stale
        ("In progress", date(2026, 12, 1), date(2025, 12, 31), "Green", 0),  # 90 days
        ("In progress", None, None, "Green", 0),  # no dates: nothing says late
        ("In progress", None, date(2025, 1, 1), "Amber", 0),
    ],
)
def test_rag_and_days_overdue(status: str, due: date | None, updated: date | None, expected: str, overdue: int) -> None:
    assert rules.rag(status, due, updated, AS_AT) == expected
    assert rules.days_overdue(status, due, AS_AT) == overdue


def test_stale_means_more_than_90_days() -> None:
    assert rules.rag("In progress", None, AS_AT - timedelta(days=90), AS_AT) == "Green"
    assert rules.rag("In progress", None, AS_AT - timedelta(days=91), AS_AT) == "Amber"


def test_impact_check_flags_completed_without_evidence_only() -> None:
    assert rules.impact_check("Completed", " ") == c.NO_IMPACT
    assert rules.impact_check("Evidenced", "") == c.NO_IMPACT
    assert rules.impact_check("Completed", "Audit showed change") == ""
    assert rules.impact_check("In progress", "") == ""


# -- a CSV filled into the template ------------------------------------------------------------------------
def test_fill_from_csv(tmp_path: Path) -> None:
    src = _csv(tmp_path, GOOD)
    before = sha256(src)
    result = fill_tracker_file(src, tmp_path / "out.xlsx", as_at=AS_AT)
    assert sha256(src) == before
    recs = {r["Ref"]: r for r in table(tmp_path / "out.xlsx", c.RECOMMENDATIONS)}
    got = {ref: (r["RAG"], r["Days overdue"], r["Impact check"]) for ref, r in recs.items()}
    assert got == {
        "R1": ("Red", 30, ""),
        "R2": ("Green", 0, ""),
        "R3": ("Green", 0, c.NO_IMPACT),
        "R4": ("Amber", 0, ""),  # not updated for 334 days
        "R5": ("Amber", 0, ""),  # due in 15 days
        "R6": ("Green", 0, ""),
    }
    assert recs["R2"]["Review type"] == "CSPR" and recs["R5"]["Status"] == "In progress"  # canonical labels
    assert recs["R4"]["Review"] == "Neglect audit" and recs["R3"]["Theme"] == "Neglect"  # one spelling per group
    assert recs["R1"]["Due"] == date(2026, 3, 1)
    assert names_openpyxl(tmp_path / "out.xlsx")["AsAt"] == datetime(2026, 3, 31)
    by_review = [list(r.values()) for r in table(tmp_path / "out.xlsx", c.BY_REVIEW)]
    assert by_review == [
        ["CSPR Child A", 2, 1, 1, 0.5],
        ["Neglect audit", 2, 1, 0, 0.5],
        ["Ofsted JTAI", 2, 0, 0, 0],
    ]
    by_theme = {r["Theme"]: list(r.values())[1:] for r in table(tmp_path / "out.xlsx", c.BY_THEME)}
    assert by_theme == {"Neglect": [3, 1, 1, 1 / 3], "Information sharing": [1, 1, 0, 1], "Escalation": [2, 0, 0, 0]}
    problems = table(tmp_path / "out.xlsx", "Problems")
    assert problems == [
        {
            "File": "recs.csv",
            "Sheet": "",
            "Cell": "row 4, column Impact evidence",
            "Problem": problems[0]["Problem"],
            "Severity": WARNING,
        }
    ]
    assert "R3" in str(problems[0]["Problem"]) and "no impact evidence" in str(problems[0]["Problem"])
    assert result.count("Red") == 1 and result.overdue == 1


def test_fill_from_the_template_typed_by_hand(tmp_path: Path) -> None:
    """The template typed with openpyxl (text dates, lower-case labels, a report date in AsAt) is read from its
    own table and filled in place of a copy; the report date comes from the workbook."""
    template = tmp_path / "tracker.xlsx"
    build_learning(load_config()).save(template)
    wb = openpyxl.load_workbook(template)
    ws = wb["Recommendations"]
    ws["A2"], ws["B2"], ws["C2"], ws["E2"], ws["F2"] = "A1", "Practice audit", "audit", "Use chronologies", "Neglect"
    ws["I2"], ws["J2"], ws["L2"] = "01/03/2026", "not started", date(2026, 3, 1)
    ws["A3"], ws["B3"], ws["C3"], ws["E3"], ws["F3"] = "A2", "Practice audit", "Audit", "Voice of child", "Voice"
    ws["I3"], ws["J3"], ws["K3"] = date(2026, 6, 1), "EVIDENCED", "Children's views in 9 of 10 plans"
    wb["Tracker"]["B2"] = date(2026, 2, 1)
    wb.save(template)
    before = sha256(template)
    result = fill_tracker_file(template, tmp_path / "out.xlsx")
    assert sha256(template) == before
    assert result.as_at == date(2026, 2, 1)
    rows = table(tmp_path / "out.xlsx", c.RECOMMENDATIONS)
    assert [(r["Ref"], r["Status"], r["RAG"]) for r in rows] == [
        ("A1", "Not started", "Amber"),
        ("A2", "Evidenced", "Green"),
    ]
    assert table(tmp_path / "out.xlsx", "Problems") == []


def test_cli_fill_and_as_at(tmp_path: Path) -> None:
    src = _csv(tmp_path, GOOD)
    done = run("learning", "fill", src, "--out", tmp_path / "out.xlsx", "--as-at", "31/03/2026")
    assert done.returncode == 0, done.stderr
    assert "Recommendations at 31/03/2026" in done.stdout
    assert "warning:" in done.stderr and "R3" in done.stderr
    bad = run("learning", "fill", src, "--out", tmp_path / "out2.xlsx", "--as-at", "soon")
    assert bad.returncode != 0 and "--as-at 'soon' is not a date" in bad.stderr
    assert not (tmp_path / "out2.xlsx").exists()
    same = run("learning", "fill", src, "--out", src)
    assert same.returncode != 0 and "is also an input" in same.stderr


# -- every problem code, produced by a real file -----------------------------------------------------------
def _problems(path: Path, as_at: date | None = AS_AT) -> list[Problem]:
    try:
        return fill_tracker_file(path, path.with_name("out-" + path.stem + ".xlsx"), as_at=as_at).problems
    except ProblemError as exc:
        return exc.problems


def _one_changed(folder: Path, row: int, column: str, value: str) -> Path:
    rows = [r.split(",") for r in GOOD]
    rows[row][c.INPUT_HEADERS.index(column)] = value
    return _csv(folder, [",".join(r) for r in rows], name=f"bad-{column.replace(' ', '')}-{row}.csv")


def _template_with_as_at(folder: Path, as_at: object) -> Path:
    path = folder / "as-at.xlsx"
    build_learning(load_config()).save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Recommendations"]
    for j, value in enumerate(GOOD[0].split(","), start=1):
        ws.cell(2, j).value = value
    wb["Tracker"]["B2"] = as_at
    wb.save(path)
    return path


CASES = {
    "learning-unreadable": lambda d: d / "missing.csv",
    "learning-column-missing": lambda d: _csv(d, GOOD, HEADER.replace("Status", "State")),
    "learning-ref-blank": lambda d: _one_changed(d, 0, "Ref", ""),
    "learning-ref-duplicate": lambda d: _one_changed(d, 1, "Ref", "r1"),
    "learning-review-blank": lambda d: _one_changed(d, 0, "Review", " "),
    "learning-review-type-unknown": lambda d: _one_changed(d, 0, "Review type", "Serious case"),
    "learning-recommendation-blank": lambda d: _one_changed(d, 0, "Recommendation", ""),
    "learning-theme-blank": lambda d: _one_changed(d, 0, "Theme", ""),
    "learning-status-unknown": lambda d: _one_changed(d, 0, "Status", "Done"),
    "learning-not-a-date": lambda d: _one_changed(d, 0, "Due", "next spring"),
    "learning-as-at-invalid": lambda d: _template_with_as_at(d, "end of year"),
    "learning-no-impact-evidence": lambda d: _csv(d, GOOD),
}


def test_every_code_has_a_case_and_a_meaning() -> None:
    assert set(CASES) == set(model.CODES)
    assert all(model.CODES[k].strip() for k in model.CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_produced_by_a_real_file(tmp_path: Path, code: str) -> None:
    path = CASES[code](tmp_path)
    as_at = None if code == "learning-as-at-invalid" else AS_AT
    found = _problems(path, as_at)
    codes = {p.code for p in found}
    assert code in codes, [str(p) for p in found]
    assert codes <= set(model.CODES)
    # the good rows are good: only the changed thing is an error, and the known warning is the only warning
    assert {p.code for p in found if p.severity == ERROR} <= {code}
    assert {p.code for p in found if p.severity == WARNING} <= {"learning-no-impact-evidence"}
    for p in found:
        assert p.file and (p.cell or p.row or code == "learning-unreadable"), str(p)


def test_messages_name_the_cell_and_say_what_to_do(tmp_path: Path) -> None:
    (p,) = [x for x in _problems(_one_changed(tmp_path, 2, "Status", "Done")) if x.severity == ERROR]
    assert str(p) == (
        "bad-Status-2.csv row 4, column Status: Status 'Done' is not one of Not started, In progress, Completed, "
        "Evidenced: choose one"
    )
    (q,) = [x for x in _problems(_template_with_as_at(tmp_path, "end of year"), None) if x.severity == ERROR]
    assert (
        str(q)
        == "as-at.xlsx sheet 'Tracker' cell B2: the report date 'end of year' is not a date: type it as 31/03/2026"
    )
    (m,) = _problems(_csv(tmp_path, GOOD, HEADER.replace("Status", "State")))
    assert m.row == 1 and "the column 'Status' is missing" in m.message


def test_a_workbook_without_the_table_says_where_to_start(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    (p,) = _problems(path)
    assert p.code == "learning-unreadable" and "start from workbooks/learning-improvement.xlsx" in p.message


# -- LibreOffice recalculates the live formulas as the rules say --------------------------------------------
TYPED = [  # Status, Due, Updated, Impact evidence typed over the filled rows
    ("Not started", date(2026, 3, 30), date(2026, 3, 1), None),
    ("In progress", date(2026, 3, 31), date(2026, 3, 1), None),
    ("In progress", date(2026, 4, 30), date(2026, 3, 1), None),
    ("In progress", date(2026, 5, 1), date(2026, 3, 1), None),
    ("In progress", date(2026, 9, 1), date(2025, 12, 31), None),
    ("In progress", date(2026, 9, 1), date(2025, 12, 30), None),
    ("Completed", date(2025, 9, 1), None, None),
    ("Completed", date(2025, 9, 1), None, "Survey: 80 % of staff use it"),
    ("Evidenced", None, None, None),
    ("Not started", None, date(2024, 1, 1), None),
    ("Not started", None, None, None),
    ("In progress", date(2020, 1, 1), None, None),
]


def test_libreoffice_recalculation_agrees_with_the_rules(tmp_path: Path) -> None:
    require_soffice()
    rows = [
        f"T{k},{'Review A' if k % 2 else 'Review B'},Audit,,Rec {k},Theme {'XYZ'[k % 3]},,,01/01/2027,In progress,,"
        for k in range(len(TYPED))
    ]
    src = _csv(tmp_path, rows)
    filled = tmp_path / "filled.xlsx"
    fill_tracker_file(src, filled, as_at=date(2026, 1, 1))
    typed = tmp_path / "typed.xlsx"
    shutil.copy(filled, typed)
    wb = openpyxl.load_workbook(typed)
    ws = wb["Recommendations"]
    col = {h: j for j, h in enumerate(c.HEADERS, start=1)}
    for k, (status, due, updated, impact) in enumerate(TYPED, start=2):
        ws.cell(k, col["Status"]).value = status
        ws.cell(k, col["Due"]).value = due
        ws.cell(k, col["Updated"]).value = updated
        ws.cell(k, col["Impact evidence"]).value = impact
    wb["Tracker"]["B2"] = AS_AT
    wb.save(typed)
    out_filled, out_typed = recalculate_many([filled, typed], tmp_path / "lo")

    # the fill's cached values are what LibreOffice computes from the same cells
    assert table(out_filled, c.RECOMMENDATIONS) == table(filled, c.RECOMMENDATIONS)
    assert table(out_filled, c.BY_REVIEW) == table(filled, c.BY_REVIEW)
    assert table(out_filled, c.BY_THEME) == table(filled, c.BY_THEME)

    got = table(out_typed, c.RECOMMENDATIONS)
    expected = [
        (
            rules.rag(status, due, updated, AS_AT),
            rules.days_overdue(status, due, AS_AT),
            rules.impact_check(status, impact or ""),
        )
        for status, due, updated, impact in TYPED
    ]
    assert [(r["RAG"], r["Days overdue"], r["Impact check"]) for r in got] == expected
    assert {x[0] for x in expected} == {"Green", "Amber", "Red"}  # every colour exercised
    reread = read_workbook(typed, tables=(c.RECOMMENDATIONS,), names=c.NAMES)
    assert reread.names["AsAt"] is not None
    for key, table_name in (("Review", c.BY_REVIEW), ("Theme", c.BY_THEME)):
        summary = {r[key]: (r["Recommendations"], r["Completed"], r["Overdue"]) for r in table(out_typed, table_name)}
        for name, (n, completed, overdue) in summary.items():
            mine = [t for t, r in zip(TYPED, got, strict=True) if r[key] == name]
            assert n == len(mine)
            assert completed == sum(rules.done(t[0]) for t in mine)
            assert overdue == sum(rules.days_overdue(t[0], t[1], AS_AT) > 0 for t in mine)


def test_readme_documents_every_code() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert all(f"| `{code}` |" in readme for code in model.CODES)
