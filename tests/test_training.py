"""Training evaluation (issue 15 item 2): Microsoft Forms exports, real CSV and .xlsx files, through
``boardbook training fill`` into the training workbook, read back as any downstream reader would (calamine).

Expected figures are worked out by hand from ``tests.helpers.EVALUATION_ROWS`` (not by the rules under test);
means are rounded half away from zero, as a spreadsheet's ROUND does (17/8 = 2.125 shows 2.13).
"""

from __future__ import annotations

import ast
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from boardbook.config import Training, config_toml, load_config, parse_config
from boardbook.errors import ConfigError, UsageError
from boardbook.problems import ERROR, PROBLEMS, WARNING, Problem, ProblemError
from boardbook.recorded import recorded_config_file
from boardbook.training import contract as c
from boardbook.training.model import CODES
from boardbook.training.pipeline import fill_training_file
from tests.helpers import (
    EVALUATION_ROWS,
    FORMS_HEADERS,
    chart_frames,
    chart_parts,
    forms_export,
    hashes,
    recalculate_many,
    require_soffice,
    run,
    table,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 4, 2, 9, 30)

BY_COURSE = [
    # Course, Responses, Mean before, Mean after, Mean gain, % improved
    ["Neglect", 8, 2.13, 3.63, 1.5, 0.75],
    ["Exploitation", 3, 2.67, 3.67, 1.0, 2 / 3],
    ["Domestic abuse", 1, 3.0, 5.0, 2.0, 1.0],
]
BY_SECTOR = [
    ["Police", 3, 2.33, 4.0, 1.67, 1.0],
    ["Health", 3, 2.67, 4.0, 1.33, 2 / 3],  # "health" typed by one learner is the same sector
    ["Local authority", 2, 1.5, 3.5, 2.0, 1.0],
    ["Education", 1, 2.0, 4.0, 2.0, 1.0],
    ["Voluntary sector", 2, 2.5, 3.5, 1.0, 0.5],
    ["Not given", 1, 3.0, 3.0, 0.0, 0.0],
]
REACH = [
    # Sector, Learners, Courses, % of learners: most learners first, then by name
    ["Health", 3, 2, 0.25],
    ["Police", 3, 2, 0.25],
    ["Local authority", 2, 2, 2 / 12],
    ["Voluntary sector", 2, 2, 2 / 12],
    ["Education", 1, 1, 1 / 12],
    ["Not given", 1, 1, 1 / 12],
    ["All sectors", 12, 3, 1.0],
]
COMMENTS = [
    ["Neglect", "Police", "I will use the neglect toolkit in every home visit"],
    ["Neglect", "Health", "Better chronologies"],
    ["Exploitation", "Local authority", "I will refer to the exploitation panel sooner"],
    ["Domestic abuse", "Voluntary sector", "Ask the question every time"],
]


def values(path: Path, name: str) -> list[list[object]]:
    return [list(r.values()) for r in table(path, name)]


def approx_rows(rows: list[list[object]]) -> list[list[object]]:
    return [[pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for v in r] for r in rows]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same responses exported three ways (CSV, .xlsx with Forms' table, .xlsx as a plain sheet), each filled."""
    tmp = tmp_path_factory.mktemp("training")
    exports = tmp / "exports"
    exports.mkdir()
    out = {}
    for kind, name, as_table in (("csv", "responses.csv", True), ("table", "responses.xlsx", True),
                                 ("sheet", "plain.xlsx", False)):  # fmt: skip
        src = forms_export(exports / name, as_table=as_table)
        before = hashes(exports)
        out[kind] = tmp / f"training-{kind}.xlsx"
        fill_training_file([src], out[kind], load_config(), now=NOW)
        assert hashes(exports) == before, "inputs are never modified"
    return out


# -- what the workbook holds --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["csv", "table", "sheet"])
def test_learning_gain_per_course_and_sector(filled: dict[str, Path], kind: str) -> None:
    assert values(filled[kind], c.LEARNING_GAIN) == approx_rows(BY_COURSE)
    assert values(filled[kind], c.GAIN_BY_SECTOR) == approx_rows(BY_SECTOR)
    assert values(filled[kind], c.REACH) == approx_rows(REACH)


@pytest.mark.parametrize("kind", ["csv", "table"])
def test_evaluations_as_read_and_impact_comments_kept(filled: dict[str, Path], kind: str) -> None:
    rows = table(filled[kind], c.EVALUATIONS)
    assert len(rows) == 12 and list(rows[0]) == list(c.EVALUATIONS_HEADERS)
    first = rows[0]
    assert first["Course"] == "Neglect" and first["Agency"] == "Northmoor Police" and first["Sector"] == "Police"
    assert (first["Before"], first["After"], first["Gain"]) == (2, 4, 2)
    assert first["Date"] == date(2026, 3, 14)
    assert first["File"] == ("responses.csv" if kind == "csv" else "responses.xlsx") and first["Row"] == 2
    assert rows[3]["Sector"] == "Health"  # typed "health": one spelling, so the formulas count it with Health
    assert rows[11]["After"] == 5  # "5 - Very confident": the leading number of a labelled answer
    assert [[r[0], r[2], r[3]] for r in values(filled[kind], c.IMPACT)] == COMMENTS


def test_names_and_email_addresses_never_reach_the_workbook(filled: dict[str, Path]) -> None:
    for path in filled.values():
        with zipfile.ZipFile(path) as zf:
            text = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))
        for name, email, *_ in EVALUATION_ROWS:
            assert name not in text and email not in text, f"{path.name} holds {name} or {email}"
        assert "Start time" not in text


def test_rows_left_out_are_warnings_naming_row_and_column(filled: dict[str, Path]) -> None:
    csv_rows = values(filled["csv"], PROBLEMS)
    assert [[*r[:3], r[4]] for r in csv_rows] == [
        ["responses.csv", "", "row 14, column After", "Warning"],
        ["responses.csv", "", "row 15, column Before", "Warning"],
        ["responses.csv", "", "row 16, column Course", "Warning"],
    ]
    assert csv_rows[0][3] == "'7' is not on the scale 1 to 5 (a whole number), so this evaluation is left out"
    sheet_rows = values(filled["table"], PROBLEMS)
    assert [r[:3] for r in sheet_rows] == [
        ["responses.xlsx", "Sheet1", "K14"],
        ["responses.xlsx", "Sheet1", "J15"],
        ["responses.xlsx", "Sheet1", "F16"],
    ]


def test_defined_names_and_the_recorded_configuration(filled: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(filled["csv"])
    got = {}
    for name in c.NAMES:
        sheet, cell = next(iter(wb.defined_names[name].destinations))
        got[name] = wb[sheet][cell.replace("$", "")].value
    assert got == {
        "Partnership": load_config().partnership,
        "FilledAt": NOW,
        "ScaleMin": 1,
        "ScaleMax": 5,
        "TemplateVersion": c.TEMPLATE_VERSION,
    }
    recorded = recorded_config_file(filled["csv"])
    assert recorded is not None and recorded.training == Training()


def test_the_chart_shows_before_and_after_per_course_with_alt_text(filled: dict[str, Path]) -> None:
    frames = chart_frames(filled["csv"])
    assert len(frames) == 1
    descr = frames[0][2]
    assert descr.startswith("Bar chart of learners' mean confidence before and after training, on a scale of 1 to 5")
    assert "3 courses (12 evaluations)" in descr
    assert "Largest gain: Domestic abuse, from 3.00 to 5.00." in descr
    assert "Smallest gain: Exploitation, from 2.67 to 3.67." in descr
    (chart,) = chart_parts(filled["csv"])
    refs = [f.text for f in chart.iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}f")]
    assert "'Learning gain'!C1" in refs and "'Learning gain'!D1" in refs  # series named Mean before, Mean after
    assert "'Learning gain'!$A$2:$A$4" in refs  # one bar pair per course


def test_a_filled_workbook_is_a_valid_input(filled: dict[str, Path], tmp_path: Path) -> None:
    """Its Evaluations table is read like an export: the same learning gain (an officer may correct a row there)."""
    again = tmp_path / "again.xlsx"
    result = fill_training_file([filled["csv"]], again, load_config(), now=NOW)
    assert values(again, c.LEARNING_GAIN) == approx_rows(BY_COURSE)
    assert result.problems == []


def test_several_exports_add_up(tmp_path: Path) -> None:
    a = forms_export(tmp_path / "march.csv", EVALUATION_ROWS[:8])
    b = forms_export(tmp_path / "april.xlsx", EVALUATION_ROWS[8:12])
    out = tmp_path / "out.xlsx"
    result = fill_training_file([a, b], out, load_config(), now=NOW)
    assert values(out, c.LEARNING_GAIN) == approx_rows(BY_COURSE)
    assert {r["File"] for r in table(out, c.EVALUATIONS)} == {"march.csv", "april.xlsx"}
    assert result.problems == []


# -- LibreOffice recalculates the same numbers -------------------------------------------------------------------
def test_libreoffice_recalculation_gives_the_cached_values(filled: dict[str, Path], tmp_path: Path) -> None:
    """Every formula's cached value (what Python computed) is what a spreadsheet computes from the Evaluations table;
    and an evaluation edited in the workbook flows through to the learning gain."""
    require_soffice()
    edited = tmp_path / "edited.xlsx"
    wb = openpyxl.load_workbook(filled["csv"])
    ws = wb[c.SHEETS[c.EVALUATIONS]]
    ws["F9"] = 5  # Hal Irving (Neglect, Not given): after 3 -> 5, so he improved
    wb.save(edited)
    same, changed = recalculate_many([filled["csv"], edited], tmp_path / "lo")
    for name in (c.EVALUATIONS, c.LEARNING_GAIN, c.GAIN_BY_SECTOR, c.REACH):
        assert values(same, name) == approx_rows(values(filled["csv"], name)), name
    neglect = values(changed, c.LEARNING_GAIN)[0]
    assert neglect == approx_rows([["Neglect", 8, 2.13, 3.88, 1.75, 0.875]])[0]  # 31/8 = 3.875 shows 3.88
    assert values(changed, c.GAIN_BY_SECTOR)[-1] == approx_rows([["Not given", 1, 3.0, 5.0, 2.0, 1.0]])[0]


def test_formulas_are_live_and_carry_values(filled: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(filled["csv"])[c.SHEETS[c.LEARNING_GAIN]]
    assert ws["B2"].value == "=SUMPRODUCT(--('Evaluations'!$A$2:$A$13=$A2))"
    assert ws["C2"].value == "=ROUND(SUMPRODUCT(('Evaluations'!$A$2:$A$13=$A2)*'Evaluations'!$E$2:$E$13)/$B2,2)"
    assert ws["C2"].number_format == c.MEAN_FORMAT and ws["F2"].number_format == c.PERCENT_FORMAT


# -- configuration: headers and scale ----------------------------------------------------------------------------
QUESTION_HEADERS = (
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Which course did you attend?",
    "Date of the course",
    "Your organisation",
    "Sector",
    "How confident were you before the training?",
    "How confident are you now?",
    "What will you do differently?",
)
TRAINING_TOML = """
[training]
course = "Which course did you attend?"
date = "Date of the course"
agency = "Your organisation"
before = "How confident were you before the training?"
after = "How confident are you now?"
impact = "What will you do differently?"
scale_min = 0
scale_max = 3
labels = ["Not at all confident", "Slightly confident", "Confident", "Very confident"]
"""


def test_headers_and_scale_come_from_the_configuration(tmp_path: Path) -> None:
    config = parse_config(config_toml(load_config()) + TRAINING_TOML, "test")
    assert config.training.scale_max == 3 and config.training.labels[0] == "Not at all confident"
    assert parse_config(config_toml(config), "again").training == config.training  # round trip
    rows = [
        ("A", "a@x.example", "Neglect", "14/03/2026", "Police", "Police", "Not at all confident", "confident", ""),
        ("B", "b@x.example", "Neglect", "14/03/2026", "Police", "Police", 1, "Very Confident", "Use the toolkit"),
        ("C", "c@x.example", "Neglect", "14/03/2026", "Police", "Police", 1, 4, ""),  # 4 is off a 0-3 scale
    ]
    src = forms_export(tmp_path / "forms.xlsx", rows, headers=QUESTION_HEADERS)
    out = tmp_path / "out.xlsx"
    result = fill_training_file([src], out, config, now=NOW)
    assert values(out, c.LEARNING_GAIN) == approx_rows([["Neglect", 2, 0.5, 2.5, 2.0, 1.0]])
    assert [str(p) for p in result.problems] == [
        "forms.xlsx sheet 'Sheet1' cell K4, column How confident are you now?: '4' is not on the scale 0 to 3 (a whole "
        "number or one of: Not at all confident, Slightly confident, Confident, Very confident), so this evaluation "
        "is left out"
    ]
    recorded = recorded_config_file(out)
    assert recorded is not None and recorded.training == config.training
    with pytest.raises(ProblemError) as caught:  # the default headers do not fit this export
        fill_training_file([src], tmp_path / "default.xlsx", load_config())
    assert [p.code for p in caught.value.problems] == ["training-column-missing"] * 3


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[training]\nbefore = ""', "training.before must not be blank"),
        ('[training]\nafter = "before"', "training.after is the same header as training.before"),
        ("[training]\nscale_min = 5\nscale_max = 5", "training.scale_max must be above training.scale_min (5), not 5"),
        ("[training]\nscale_max = 4.5", "training.scale_max must be a whole number, not 4.5"),
        ('[training]\nlabels = ["Low", "High"]', "training.labels must give one text per point of the scale (5)"),
        ('[training]\ncourse_name = "Course"', "training.course_name is not a training setting"),
        ("training = 3", "training must be a table"),
    ],
)
def test_bad_training_settings_name_the_key(toml: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        base = config_toml(load_config())
        parse_config(base + "\n" + toml + "\n" if toml.startswith("[") else toml + "\n" + base, "boardbook.toml")


# -- the command ---------------------------------------------------------------------------------------------------
def test_the_command_fills_and_warns(tmp_path: Path) -> None:
    src = forms_export(tmp_path / "responses.csv")
    out = tmp_path / "out.xlsx"
    done = run("training", "fill", src, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Neglect" in done.stdout and "2.13" in done.stdout and "75%" in done.stdout
    assert "boardbook: warning: responses.csv row 14, column After: '7' is not on the scale" in done.stderr
    assert values(out, c.LEARNING_GAIN) == approx_rows(BY_COURSE)


def test_the_command_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    src = forms_export(tmp_path / "responses.xlsx")
    before = hashes(tmp_path)
    done = run("training", "fill", src, "--out", src)
    assert done.returncode != 0 and "is also an input" in done.stderr
    assert hashes(tmp_path) == before
    with pytest.raises(UsageError, match=r"ending \.xlsx"):
        fill_training_file([src], tmp_path / "out.csv", load_config())


# -- every problem code, from a real file --------------------------------------------------------------------------
def _problems(tmp: Path, *inputs: Path) -> list[Problem]:
    try:
        return fill_training_file(list(inputs), tmp / "out.xlsx", load_config(), now=NOW).problems
    except ProblemError as exc:
        return exc.problems


def _csv(tmp: Path, text: str) -> Path:
    path = tmp / "export.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


GOOD = "Course,Date,Sector,Before,After\r\nNeglect,14/03/2026,Police,2,4\r\n"
CASES = {
    "training-unreadable": (ERROR, lambda d: _problems(d, d / "absent.csv")),
    "training-column-missing": (ERROR, lambda d: _problems(d, _csv(d, "Course,Confidence,After\r\nA,1,2\r\n"))),
    "training-no-evaluations": (ERROR, lambda d: _problems(d, _csv(d, "Course,Before,After\r\n"))),
    "training-out-of-scale": (WARNING, lambda d: _problems(d, _csv(d, GOOD + "Neglect,14/03/2026,Police,0,4\r\n"))),
    "training-answer-blank": (WARNING, lambda d: _problems(d, _csv(d, GOOD + "Neglect,14/03/2026,Police,2,\r\n"))),
    "training-course-blank": (WARNING, lambda d: _problems(d, _csv(d, GOOD + ",14/03/2026,Police,2,3\r\n"))),
    "training-date-invalid": (WARNING, lambda d: _problems(d, _csv(d, GOOD + "Neglect,next week,Police,2,3\r\n"))),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_problem_code(code: str, tmp_path: Path) -> None:
    """Each code from a real file: its severity, a message naming what to do, the file, and only registered codes."""
    severity, case = CASES[code]
    problems = case(tmp_path)
    found = [p for p in problems if p.code == code]
    assert found, f"{code} not produced; got {[(p.code, str(p)) for p in problems]}"
    p = found[0]
    assert p.severity == severity and p.message and p.file, p
    assert str(p).startswith(Path(p.file).name), str(p)
    assert {q.code for q in problems} <= set(CODES)


def test_every_code_has_a_case_and_a_meaning_and_is_made_only_in_the_domain() -> None:
    assert set(CASES) == set(CODES)
    assert all(re.fullmatch(r"training(-[a-z0-9]+)+", code) and meaning for code, meaning in CODES.items())
    made = set()
    for path in (ROOT / "python/boardbook/training").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("training-"):
                made.add(node.value)
    assert made == set(CODES)


def test_a_missing_column_suggests_the_header_meant(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, _csv(tmp_path, "Course,Confidence before,After\r\nA,1,2\r\n"))
    assert str(problem) == (
        "export.csv row 1, column Before: the column 'Before' is missing (found: Course, Confidence before, After): "
        "rename 'Confidence before' to 'Before', or set training.before = \"Confidence before\" in boardbook.toml"
    )


def test_codes_are_not_shared_with_other_domains() -> None:
    from boardbook.budget.model import CODES as BUDGET
    from boardbook.performance.model import CODES as PERFORMANCE
    from boardbook.section11.validate import CODES as SECTION11

    assert not set(CODES) & (set(BUDGET) | set(PERFORMANCE) | set(SECTION11))


def test_readme_lists_every_training_code_with_its_severity() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(training-[a-z0-9-]+)` \| (Error|Warning|Info) \|", readme, flags=re.M))
    assert documented == {code: severity for code, (severity, _case) in CASES.items()}


def test_the_forms_export_looks_like_one(tmp_path: Path) -> None:
    """The fixture itself: byte-order mark, CRLF, Forms' leading columns; the .xlsx a table named Table1."""
    raw = forms_export(tmp_path / "f.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfID,Start time,Completion time,Email,Name,Course") and b"\r\n" in raw
    book = pc.CalamineWorkbook.from_path(str(forms_export(tmp_path / "f.xlsx")), load_tables=True)
    assert book.table_names == ["Table1"] and book.get_table_by_name("Table1").columns == list(FORMS_HEADERS)


# -- exports saved other ways ----------------------------------------------------------------------------------------
def test_exports_saved_other_ways_read_the_same(tmp_path: Path) -> None:
    """Excel's plain "CSV" on a European-locale PC (Windows-1252, semicolons) and "Unicode text" (UTF-16, tabs) give
    the same learning gain; a decimal comma ("2,5") is off the scale, not read as 2 or 25."""
    rows = [[r[2], r[3], r[4], r[5], r[6], r[7], r[8]] for r in EVALUATION_ROWS[:12]]
    header = ["Course", "Date", "Agency", "Sector", "Before", "After", "Impact"]
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_bytes(
        "\r\n".join(";".join(map(str, r)) for r in [header, *rows, ["Neglect", "", "", "", "2,5", "4", ""]]).encode(
            "cp1252"
        )
    )
    tabs = tmp_path / "unicode.txt.csv"
    tabs.write_text("\r\n".join("\t".join(map(str, r)) for r in [header, *rows]), encoding="utf-16")
    for src in (semicolons, tabs):
        out = tmp_path / f"{src.stem}.xlsx"
        result = fill_training_file([src], out, load_config(), now=NOW)
        assert values(out, c.LEARNING_GAIN) == approx_rows(BY_COURSE), src.name
    assert result.problems == []
    again = fill_training_file([semicolons], tmp_path / "again.xlsx", load_config())
    assert [(p.code, p.where.row, p.where.column) for p in again.problems] == [("training-out-of-scale", 14, "Before")]


def test_a_csv_saved_with_an_xlsx_name_is_read_as_the_csv_it_is(tmp_path: Path) -> None:
    renamed = tmp_path / "responses.xlsx"
    renamed.write_bytes(forms_export(tmp_path / "responses.csv").read_bytes())
    fill_training_file([renamed], tmp_path / "out.xlsx", load_config(), now=NOW)
    assert values(tmp_path / "out.xlsx", c.LEARNING_GAIN) == approx_rows(BY_COURSE)


def test_a_legacy_xls_export_says_to_save_it_as_xlsx(tmp_path: Path) -> None:
    xls = tmp_path / "responses.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ProblemError) as caught:
        fill_training_file([xls], tmp_path / "out.xlsx", load_config())
    (problem,) = caught.value.problems
    assert problem.code == "training-unreadable" and "save it as .xlsx" in problem.message
    assert str(problem).startswith("responses.xls: ")


# -- the ribbon handler (not yet on the ribbon: issue 15 item 5) -----------------------------------------------------
class Answers:
    """Dialogs answered from a list of files (None = Cancel)."""

    def __init__(self, files: list[Path | None]) -> None:
        self.files = files

    def pick_file(self, title: str, pattern: str) -> Path | None:
        return self.files.pop(0)

    def pick_folder(self, title: str) -> Path | None:
        return None

    def ask(self, prompt: str, default: str = "") -> str | None:
        return None

    def message(self, text: str, title: str = "boardbook") -> None:
        pass


def test_the_ribbon_handler_fills_the_open_workbook(tmp_path: Path) -> None:
    from boardbook import excel
    from boardbook.training.excel import fill_training
    from tests.xlmemory import memory_app, open_memory_book

    src = forms_export(tmp_path / "responses.csv")
    with memory_app() as app:
        xl = excel.Excel(open_memory_book(ROOT / "workbooks" / "training-evaluation.xlsx", app), Answers([src]))
        message = fill_training(xl)
        assert message == (
            "Learning gain filled: 12 evaluations of 3 courses. 3 evaluations need a look: see the Problems sheet."
        )
        port = xl.port()
        assert [r[0] for r in port.read_table(c.LEARNING_GAIN).rows] == ["Neglect", "Exploitation", "Domestic abuse"]
        assert len(port.read_table(PROBLEMS).rows) == 3
        bad = tmp_path / "bad.csv"
        bad.write_text("Course,Confidence\r\nNeglect,3\r\n", encoding="utf-8")
        xl = excel.Excel(open_memory_book(ROOT / "workbooks" / "training-evaluation.xlsx", app), Answers([bad]))
        with pytest.raises(excel.BoardbookError, match="The training workbook was not filled: 2 problems"):
            fill_training(xl)
        assert [r[4] for r in xl.port().read_table(PROBLEMS).rows] == [ERROR, ERROR]
