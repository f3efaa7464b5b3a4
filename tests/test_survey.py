"""Practitioners beside agencies (issue 14 item 3): survey exports as Microsoft Forms (.xlsx) and SurveyMonkey
(CSV, with its second header row) write them, collated with the returns. The Survey table counts respondents,
pools the questions of one standard, leaves "Don't know" and blanks out, never shows fewer than the minimum,
flags met ratings practitioners disagree with (and adds them to Challenge), reports survey agencies not on the
list, and copies no respondent's name or e-mail into the summary.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from boardbook.batch import load_manifest, run_batch
from boardbook.config import Agency, Survey, config_toml, load_config
from boardbook.errors import WorkbookError
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate
from tests.helpers import make_return, run, table

ESCALATE = "I know how to escalate a concern about a child"
LISTEN = "Leaders in my agency listen to what children say"
SHARE_1 = "I can share information when a child may be at risk"
SHARE_2 = "I understand the information sharing guidance"
AGENCY_Q = "Which agency do you work for?"
CONFIG = replace(
    load_config(),
    survey=Survey(
        agency_column=AGENCY_Q,
        questions=((ESCALATE, "S6"), (LISTEN, "S3"), (SHARE_1, "S7"), (SHARE_2, "S7")),
    ),
)
AGENCIES = [
    Agency("Alpha Police", "Police", aliases=("Alpha Constabulary",)),
    Agency("Beta ICB", "Health"),
    Agency("Gamma Council", "District council"),
]


def _respondents() -> list[list[object]]:
    """[name, email, agency, escalate, listen, share 1, share 2] per respondent."""
    people: list[list[object]] = []
    for i in range(10):  # Alpha: S6 4 Yes, 5 No, 1 Don't know -> 4 of 9 = 44%; rated Fully met: disagree
        escalate = "Yes" if i < 4 else "No" if i < 9 else "Don't know"
        agency = "Alpha Police" if i % 2 else "alpha constabulary"  # a former name, in lower case
        people.append([f"Alpha Person {i}", f"alpha{i}@example.org", agency, escalate, "Agree", "", ""])
    for i in range(3):  # Beta: three respondents, never shown
        people.append([f"Beta Person {i}", f"beta{i}@example.org", "Beta ICB", "No", "Disagree", "", ""])
    for i in range(5):  # Gamma: S7 pooled, 5 respondents x 2 questions; one blank, one Don't know -> 7 of 8
        share_2 = "" if i == 0 else "Don't know" if i == 1 else "Strongly agree"
        people.append([f"Gamma Person {i}", f"gamma{i}@example.org", "Gamma Council", "", "", "Yes", share_2])
        if i == 4:
            people[-1][5] = "No"
    people.append(["Delta Person", "delta@example.org", "Delta Trsut", "Yes", "Yes", "Yes", "Yes"])
    return people


def forms_xlsx(path: Path) -> Path:
    """As Microsoft Forms exports: ID, times, Email, Name, then the questions, one sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", AGENCY_Q, ESCALATE, LISTEN, SHARE_1, SHARE_2])
    for n, (name, email, *rest) in enumerate(_respondents(), start=1):
        ws.append([n, "01/05/2026 09:00", "01/05/2026 09:05", email, name, *(v or None for v in rest)])
    wb.save(path)
    return path


def surveymonkey_csv(path: Path) -> Path:
    """As SurveyMonkey exports: a second header row of "Response" under the questions."""
    lines = [
        ",".join(["Respondent ID", "Name", "Email Address", f'"{AGENCY_Q}"', ESCALATE, LISTEN, SHARE_1, SHARE_2]),
        ",".join(["", "", "", "Response", "Response", "Response", "Response", "Response"]),
    ]
    for n, (name, email, *rest) in enumerate(_respondents(), start=1):
        lines.append(",".join([str(1000 + n), name, email, *(str(v) for v in rest)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("survey") / "returns"
    folder.mkdir()
    make_return(folder, CONFIG, "Alpha Police", sector="Police")  # every standard Fully met
    make_return(folder, CONFIG, "Beta ICB", sector="Health")
    make_return(folder, CONFIG, "Gamma Council", ratings=["Partially met"] * 10, sector="District council")
    return folder


@pytest.mark.parametrize("export", ["Microsoft Forms .xlsx", "SurveyMonkey CSV"])
def test_survey_table_beside_the_self_ratings(returns: Path, tmp_path: Path, export: str) -> None:
    xlsx = export.endswith(".xlsx")
    survey = forms_xlsx(tmp_path / "survey.xlsx") if xlsx else surveymonkey_csv(tmp_path / "survey.csv")
    result = collate([returns], tmp_path / "summary.xlsx", CONFIG, agencies=AGENCIES, survey=survey)
    out, problems = result.out, result.problems
    rows = {(r["Agency"], r["Ref"]): r for r in table(out, c.SURVEY)}
    assert {a for a, _r in rows} == {"Alpha Police", "Beta ICB", "Gamma Council"}
    alpha = rows["Alpha Police", "S6"]
    assert (alpha["Responses"], alpha["Self rating"], alpha["Flag"]) == (9, "Fully met", "practitioners disagree")
    assert alpha["Positive %"] == pytest.approx(4 / 9)
    assert rows["Alpha Police", "S3"]["Flag"] == "" and rows["Alpha Police", "S3"]["Positive %"] == 1
    for ref in ("S6", "S3", "S7"):  # three respondents: neither their number nor their answers
        beta = rows["Beta ICB", ref]
        assert (beta["Responses"], beta["Positive %"], beta["Flag"]) == ("", "", "fewer than 5 responses")
    gamma = rows["Gamma Council", "S7"]
    assert (gamma["Responses"], gamma["Positive %"]) == (5, pytest.approx(7 / 8))
    assert gamma["Flag"] == ""  # not rated met: nothing to disagree with
    challenge = [r for r in table(out, c.CHALLENGE) if r["Reason"].startswith("Practitioners disagree")]
    assert [(r["Agency"], r["Ref"], r["Rating"]) for r in challenge] == [("Alpha Police", "S6", "Fully met")]
    assert "44% of 9 practitioners" in challenge[0]["Reason"] and "under 70%" in challenge[0]["Reason"]
    unknown = [p for p in problems if p.code == "survey-agency-unknown"]
    assert len(unknown) == 1 and "'Delta Trsut'" in unknown[0].message
    where = (unknown[0].sheet, unknown[0].cell) if xlsx else (unknown[0].row, unknown[0].column)
    assert where == (("Sheet1", "F20") if xlsx else (21, AGENCY_Q)), where
    assert any(r["Problem"].startswith("survey answers for 'Delta Trsut'") for r in table(out, c.PROBLEMS))
    # No name, e-mail or answer text of any respondent anywhere in the summary.
    wb = openpyxl.load_workbook(out)
    texts = [str(cell.value) for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value]
    assert not [t for t in texts if "Person" in t or "@example.org" in t], "a respondent's name or e-mail was copied"


def test_thresholds_come_from_the_configuration(returns: Path, tmp_path: Path) -> None:
    config = replace(CONFIG, thresholds=replace(CONFIG.thresholds, survey_min_responses=3, survey_positive_min=40))
    result = collate([returns], tmp_path / "s.xlsx", config, agencies=AGENCIES, survey=forms_xlsx(tmp_path / "f.xlsx"))
    rows = {(r["Agency"], r["Ref"]): r for r in table(result.out, c.SURVEY)}
    assert rows["Beta ICB", "S6"]["Responses"] == 3 and rows["Beta ICB", "S6"]["Flag"] == "practitioners disagree"
    assert rows["Alpha Police", "S6"]["Flag"] == ""  # 44% is not under 40%


def test_a_question_the_export_does_not_have_is_named(returns: Path, tmp_path: Path) -> None:
    config = replace(CONFIG, survey=replace(CONFIG.survey, questions=(("I know how to escalate a concern", "S6"),)))
    with pytest.raises(WorkbookError, match=r"no column 'I know how to escalate a concern'.*did you mean"):
        collate([returns], tmp_path / "s.xlsx", config, survey=forms_xlsx(tmp_path / "f.xlsx"))
    assert not (tmp_path / "s.xlsx").exists()


def test_the_command_takes_the_survey(returns: Path, tmp_path: Path) -> None:
    toml = tmp_path / "boardbook.toml"
    toml.write_text(config_toml(CONFIG), encoding="utf-8")
    survey = surveymonkey_csv(tmp_path / "survey.csv")
    agencies = tmp_path / "agencies.csv"  # the former name in the list's Aliases column
    agencies.write_text("Agency,Sector,Email,Partnerships,Aliases\nAlpha Police,Police,,All,Alpha Constabulary\n")
    out = tmp_path / "s.xlsx"
    done = run("s11", "collate", returns, "--out", out, "--config", toml, "--agencies", agencies, "--survey", survey)
    assert done.returncode == 0, done.stderr
    assert [r["Ref"] for r in table(out, c.SURVEY) if r["Flag"] == "practitioners disagree"] == ["S6"]


def test_a_batch_manifest_takes_the_survey(returns: Path, tmp_path: Path) -> None:
    (tmp_path / "boardbook.toml").write_text(config_toml(CONFIG), encoding="utf-8")
    surveymonkey_csv(tmp_path / "survey.csv")
    (tmp_path / "agencies.csv").write_text(
        "Agency,Sector,Email,Partnerships,Aliases\nAlpha Police,Police,,All,Alpha Constabulary\nBeta ICB,Health,,All,\n"
        "Gamma Council,District council,,All,\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "m.toml"
    manifest.write_text(
        f'[[partnerships]]\nname = "{CONFIG.partnership}"\nout = "out"\nreturns = ["{returns}"]\n'
        'config = "boardbook.toml"\nagencies = "agencies.csv"\nsurvey = "survey.csv"\n',
        encoding="utf-8",
    )
    (report,) = run_batch(load_manifest(manifest), workers=1)
    assert report.ok, report.error
    rows = table(tmp_path / "out" / "section11-summary.xlsx", c.SURVEY)
    assert [(r["Agency"], r["Ref"]) for r in rows if r["Flag"] == "practitioners disagree"] == [("Alpha Police", "S6")]
