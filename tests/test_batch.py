"""boardbook batch: many partnerships in one run, in parallel; one failure never stops the others."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import python_calamine as pc

from boardbook.batch import load_manifest, run_batch
from boardbook.demo import DemoResult
from boardbook.errors import ConfigError
from boardbook.improvement_demo import write_training_export
from tests.helpers import (
    EVALUATION_ROWS,
    FORMS_HEADERS,
    forms_export,
    hashes,
    names_openpyxl,
    recalculate_many,
    require_soffice,
    table,
)

BIN = str(Path(sys.executable).with_name("boardbook"))


@pytest.fixture(scope="module")
def demo(demo_run: DemoResult) -> Path:
    return demo_run.folder


def test_demo_manifest_runs_in_parallel(demo: Path) -> None:
    before = hashes(demo / "returns-2026")
    proc = subprocess.run(
        [BIN, "batch", str(demo / "demo-batch.toml"), "--jobs", "2"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((demo / "demo-batch.report.json").read_text())
    assert report["partnerships"] == 2 and report["failed"] == 0
    north, _east = report["reports"]
    steps = {"section 11", "budget", "performance", "learning", "training", "concerns", "report"}
    assert len(north["written"]) == 8 and set(north["seconds"]) == steps
    # the annual report pack from the workbooks this entry filled: the demo's own pack, table by table — but for
    # the board's reflections, which the demo typed into its performance workbook and batch's fresh one lacks
    pack = demo / "batch" / "northmoor" / "annual-report"
    assert {str(pack / "annual-report-data.xlsx"), str(pack / "annual-report-appendices.docx")} <= set(north["written"])
    for t in ("BudgetAppendix", "MatrixOfConcerns", "Section11Standards", "LearningGain", "RecommendationStatus"):
        assert table(pack / "annual-report-data.xlsx", t) == table(
            demo / "annual-report" / "annual-report-data.xlsx", t
        ), t
    priorities = table(pack / "annual-report-data.xlsx", "Priorities")
    assert len(priorities) == 3 and not any(r["What went well"] for r in priorities)
    # the three improvement workbooks through batch equal the demo's own fill (same inputs, same report date)
    batch = demo / "batch" / "northmoor"
    for name, tables in IMPROVEMENT.items():
        assert str(batch / name) in north["written"]
        for t in tables:
            assert table(batch / name, t) == table(demo / name, t), (name, t)
    assert north["problems"] >= 2  # the tracker's completed-without-evidence and the training export's blank answer
    # Each partnership collates the returns that count for it: cross-border agencies appear in both.
    matrix = {}
    for name in ("northmoor", "eastvale"):
        wb = pc.CalamineWorkbook.from_path(str(demo / "batch" / name / "section11-summary.xlsx"), load_tables=True)
        matrix[name] = {row[0] for row in wb.get_table_by_name("Matrix").to_python()}
    assert "Moorlands Police" in matrix["northmoor"] & matrix["eastvale"]
    assert "Northmoor Academy Trust" in matrix["northmoor"] - matrix["eastvale"]
    assert hashes(demo / "returns-2026") == before


def test_one_failure_does_not_stop_the_others(demo: Path, tmp_path: Path) -> None:
    bad_budget = tmp_path / "bad.toml"
    bad_budget.write_text(
        '[budget]\npartnership = "X"\nfinancial_year = "2025/26"\nrequirement = "lots"\n'
        '[[contributions]]\nPartner = "A"\nShare = "100%"\n'
    )
    manifest = tmp_path / "m.toml"
    manifest.write_text(f'''
[[partnerships]]
name = "Broken"
out = "out/broken"
budget = "{bad_budget}"

[[partnerships]]
name = "Fine"
out = "out/fine"
budget = "{demo / "budget-inputs" / "demo-budget-2024-25.toml"}"
''')
    reports = run_batch(load_manifest(manifest), workers=2)
    assert [r.ok for r in reports] == [False, True]
    assert reports[0].error.startswith("budget: ") and "budget.requirement" in reports[0].error
    assert (tmp_path / "out" / "fine" / "budget.xlsx").exists()
    proc = subprocess.run([BIN, "batch", str(manifest)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Broken failed" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\nlearning = "r.csv"\nlearning_as_at = "31/13/2026"\n',
            r"partnerships\[0\]\.learning_as_at '31/13/2026' is not a date: give it as 2026-03-31",
        ),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\nlearning = "r.csv"\nlearning_as_at = 2026-03-31T09:00:00\n',
            r"partnerships\[0\]\.learning_as_at must be a date without a time",
        ),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\nlearning = "r.csv"\nlearning_as_at = 20260331\n',
            "learning_as_at 20260331 is not a date",
        ),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\nbudget = "b"\nlearning_as_at = 2026-03-31\n',
            "learning_as_at is the tracker's report date: give learning too",
        ),
        (
            '[defaults]\nlearning_as_at = "2026-02-30"\n[[partnerships]]\nname = "A"\nout = "x"\nlearning = "r.csv"\n',
            r"m\.toml: defaults\.learning_as_at '2026-02-30' is not a date",
        ),
        ('[[partnerships]]\nname = "A"\nout = "x"\ntraining = 3\n', r"partnerships\[0\]\.training must be a path or"),
        ('[[partnerships]]\nname = "A"\nout = "x"\nlearning = ["a.csv"]\n', r"\.learning must be a path$"),
        ('[[partnerships]]\nname = "A"\nout = "x"\nconcerns = true\n', r"\.concerns must be a path$"),
        ('[[partnerships]]\nname = "A"\nout = "x"\ncocnerns = "c.csv"\n', "unknown key 'cocnerns'"),
        ('[[partnerships]]\nout = "x"\nbudget = "b.toml"\n', r"partnerships\[0\]\.name is required"),
        ('[[partnerships]]\nname = "A"\nbudget = "b.toml"\n', r"partnerships\[0\]\.out is required"),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\n',
            "names no returns, budget, indicators, learning, training or concerns: nothing to fill",
        ),
        ('[[partnerships]]\nname = "A"\nout = "x"\nbudegt = "b.toml"\n', "unknown key 'budegt'"),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\nbudget = "b"\n'
            '[[partnerships]]\nname = "a"\nout = "y"\nbudget = "b"\n',
            "listed twice",
        ),
        ('[[partnerships]]\nname = "A"\nout = "x"\nreturns = "r"\nmail = ["returns"]\n', "boardbook s11 mail returns"),
        (
            '[[partnerships]]\nname = "A"\nout = "x"\nreturns = "r"\nfeedback = "yes"\n',
            "feedback must be true or false",
        ),
        ('[[partnerships]]\nname = "A"\nout = "x"\nbudget = "b"\nfeedback = true\n', "need returns to collate"),
        ('[[partnerships]]\nname = "A"\nout = "x"\nbudget = "b"\nreport = "yes"\n', r"\.report must be true or false"),
        ('[[partnerships]]\nname = "A"\nout = "x"\nreport = true\n', "nothing to fill"),
    ],
)
def test_manifest_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_manifest(manifest)
    proc = subprocess.run([BIN, "batch", str(manifest)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_feedback_and_mail_drafts_from_a_manifest(demo: Path, tmp_path: Path) -> None:
    """After collating, the manifest's partnership gets its feedback workbooks and both kinds of drafts."""
    manifest = tmp_path / "m.toml"
    manifest.write_text(f'''
[[partnerships]]
name = "Northmoor Safeguarding Children Partnership"
out = "out"
returns = ["{demo / "returns-2026"}"]
agencies = "{demo / "agencies.csv"}"
feedback = true
mail = ["chase", "feedback"]
''')
    (report,) = run_batch(load_manifest(manifest))
    assert report.ok, report.error
    assert set(report.seconds) == {"section 11", "feedback", "mail chase", "mail feedback"}
    feedback = sorted((tmp_path / "out" / "feedback").glob("*.xlsx"))
    drafts = sorted((tmp_path / "out" / "mail-feedback").glob("*.eml"))
    assert len(feedback) == len(drafts) > 20
    chase = sorted(p.name for p in (tmp_path / "out" / "mail-chase").glob("*.eml"))
    missing = pc.CalamineWorkbook.from_path(str(tmp_path / "out" / "section11-summary.xlsx"), load_tables=True)
    names = [row[0] for row in missing.get_table_by_name("Missing").to_python() if row[0]]
    assert chase == sorted(f"Section 11 chase 2026 - {n}.eml" for n in names) and chase


def test_a_manifest_may_name_a_bundled_configuration(tmp_path: Path) -> None:
    from boardbook.config import load_config

    manifest = tmp_path / "m.toml"
    manifest.write_text('[[partnerships]]\nname = "A"\nout = "x"\nreturns = "r"\nconfig = "section175"\n')
    (job,) = load_manifest(manifest)
    assert load_config(job.config).source == "bundled section175"
    (tmp_path / "section175").write_text("")  # a file of that name beside the manifest is that file
    (job,) = load_manifest(manifest)
    assert job.config == tmp_path / "section175"


# -- the learning and improvement workbooks: tracker, training evaluation, matrix of concerns -------------------

IMPROVEMENT = {
    "learning-improvement.xlsx": ("Recommendations", "ByReview", "ByTheme"),
    "training-evaluation.xlsx": ("Evaluations", "LearningGain", "GainBySector", "Reach", "ImpactComments"),
    "concerns-matrix.xlsx": ("Concerns",),
}
DATA = Path(__file__).resolve().parents[1] / "python" / "boardbook" / "data"


def test_tracker_training_and_concerns_from_a_manifest(tmp_path: Path) -> None:
    """All three keys in one partnership, the report date as text, two exports (CSV and .xlsx): every workbook
    written through the pipelines, read back; an off-scale answer is a problem, not a failure."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    csv_export = forms_export(inputs / "spring.csv", EVALUATION_ROWS[:6])
    xlsx_export = forms_export(inputs / "summer.xlsx", EVALUATION_ROWS[8:13])  # row 13: After 7, off the scale
    manifest = tmp_path / "m.toml"
    manifest.write_text(f'''
[defaults]
learning_as_at = "30/04/2026"

[[partnerships]]
name = "Northmoor"
out = "out"
learning = "{DATA / "demo-recommendations.csv"}"
training = ["in/spring.csv", "in/summer.xlsx"]
concerns = "{DATA / "demo-concerns.csv"}"
''')
    before = hashes(inputs)
    (job,) = load_manifest(manifest)
    assert job.training == [csv_export, xlsx_export] and job.learning_as_at == datetime(2026, 4, 30).date()
    (report,) = run_batch([job])
    assert report.ok, report.error
    out = tmp_path / "out"
    assert report.written == [str(out / name) for name in IMPROVEMENT]
    assert set(report.seconds) == {"learning", "training", "concerns"}
    assert report.problems == 2  # CSPR1.2 completed without impact evidence; summer.xlsx's After of 7
    assert names_openpyxl(out / "learning-improvement.xlsx")["AsAt"] == datetime(2026, 4, 30)
    recs = {r["Ref"]: r for r in table(out / "learning-improvement.xlsx", "Recommendations")}
    assert len(recs) == 12 and (recs["CSPR1.3"]["RAG"], recs["CSPR1.3"]["Days overdue"]) == ("Red", 30)
    gain = {r["Course"]: r["Responses"] for r in table(out / "training-evaluation.xlsx", "LearningGain")}
    assert gain == {"Neglect": 6, "Exploitation": 3, "Domestic abuse": 1}
    evaluated = {r["File"] for r in table(out / "training-evaluation.xlsx", "Evaluations")}
    assert evaluated == {"spring.csv", "summer.xlsx"}
    concerns = table(out / "concerns-matrix.xlsx", "Concerns")
    assert len(concerns) == 10 and {r["Review work"] for r in concerns} == {"Yes", ""}
    assert hashes(inputs) == before


def test_a_default_report_date_serves_the_partnerships_with_a_tracker(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(
        "[defaults]\nlearning_as_at = 2026-03-31\n"
        '[[partnerships]]\nname = "A"\nout = "a"\nlearning = "r.csv"\n'
        '[[partnerships]]\nname = "B"\nout = "b"\nconcerns = "c.csv"\n'
        '[[partnerships]]\nname = "C"\nout = "c"\nlearning = "r.csv"\nlearning_as_at = "30/06/2026"\n'
    )
    a, b, c = load_manifest(manifest)
    assert (a.learning, a.learning_as_at) == (tmp_path / "r.csv", datetime(2026, 3, 31).date())
    assert (b.learning, b.concerns) == (None, tmp_path / "c.csv")
    assert c.learning_as_at == datetime(2026, 6, 30).date()


def test_a_bad_training_export_fails_its_partnership_alone(tmp_path: Path) -> None:
    """The report names the export, the header row and the missing column, as the training pipeline does; the
    other partnership's workbooks are written."""
    headers = [h if h != "After" else "Confidence after" for h in FORMS_HEADERS]
    bad = forms_export(tmp_path / "forms.csv", EVALUATION_ROWS[:4], headers=headers)
    good = forms_export(tmp_path / "good.csv", EVALUATION_ROWS[:4])
    manifest = tmp_path / "m.toml"
    manifest.write_text(f'''
[[partnerships]]
name = "Broken"
out = "out/broken"
learning = "{DATA / "demo-recommendations.csv"}"
training = "{bad.name}"
concerns = "{DATA / "demo-concerns.csv"}"
report = true

[[partnerships]]
name = "Fine"
out = "out/fine"
training = ["{good.name}"]
''')
    reports = run_batch(load_manifest(manifest), workers=2)
    broken_pack = tmp_path / "out" / "broken" / "annual-report"
    assert [r.ok for r in reports] == [False, True]
    assert reports[0].error.startswith("training: forms.csv row 1, column After: the column 'After' is missing")
    assert "rename 'Confidence after' to 'After'" in reports[0].error  # not 'Date', which is spelt alike
    # the pack it asked for was not made: any left from an earlier run is stale, and the report says so
    assert reports[0].error.endswith(f"annual report pack was not made: any in {broken_pack} is from an earlier run")
    broken = tmp_path / "out" / "broken"
    assert reports[0].written == [str(broken / "learning-improvement.xlsx")]  # the step before; none after it
    assert sorted(p.name for p in broken.iterdir()) == ["learning-improvement.xlsx"]
    assert table(tmp_path / "out" / "fine" / "training-evaluation.xlsx", "LearningGain")[0]["Responses"] == 4
    proc = subprocess.run([BIN, "batch", str(manifest)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Broken failed: training: forms.csv row 1, column After" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_demo_fills_the_tracker_training_and_concerns(demo: Path) -> None:
    """Northmoor's three improvement workbooks: every status and RAG at the report date, a completed
    recommendation without impact evidence flagged, five courses evaluated, the matrix of concerns."""
    for name, tables in IMPROVEMENT.items():
        found = pc.CalamineWorkbook.from_path(str(demo / name), load_tables=True).table_names
        assert set(tables) <= set(found), (name, found)
    assert names_openpyxl(demo / "learning-improvement.xlsx")["AsAt"] == datetime(2026, 3, 31)
    recs = table(demo / "learning-improvement.xlsx", "Recommendations")
    assert len(recs) == 12
    assert {r["Status"] for r in recs} == {"Not started", "In progress", "Completed", "Evidenced"}
    assert Counter(r["RAG"] for r in recs) == {"Green": 6, "Amber": 5, "Red": 1}  # as the README says
    assert [r["Ref"] for r in recs if r["Impact check"] == "No impact evidence"] == ["CSPR1.2"]
    gain = table(demo / "training-evaluation.xlsx", "LearningGain")
    assert len(gain) == 5 and all(g["Responses"] >= 30 and 0.5 < g["Mean gain"] < 2 for g in gain)  # type: ignore[operator]
    problems = table(demo / "training-evaluation.xlsx", "Problems")
    assert [(p["Cell"], p["Severity"]) for p in problems] == [("row 81, column After", "Warning")]
    assert {r["Group"] for r in table(demo / "concerns-matrix.xlsx", "Concerns")} == {
        "Regional and national attention",
        "Systems",
        "Practice",
        "Repeat themes",
        "Newly emerged",
    }
    inputs = demo / "improvement-inputs"
    assert sorted(p.name for p in inputs.iterdir()) == [
        "demo-concerns.csv",
        "demo-recommendations.csv",
        "demo-training-evaluations.csv",
    ]
    assert (inputs / "demo-recommendations.csv").read_bytes() == (DATA / "demo-recommendations.csv").read_bytes()


def test_the_demo_training_export_is_seeded_and_its_names_never_reach_the_workbook(demo: Path, tmp_path: Path) -> None:
    """A Forms export of 150-300 evaluations, byte-identical on every run; learners' names and e-mail addresses
    (and Forms' time stamps) appear nowhere in the filled workbook's package."""
    export = demo / "improvement-inputs" / "demo-training-evaluations.csv"
    assert write_training_export(tmp_path / "again.csv").read_bytes() == export.read_bytes()
    assert export.read_bytes().startswith(b"\xef\xbb\xbfID,Start time,Completion time,Email,Name,Course,")
    rows = list(csv.DictReader(export.read_text(encoding="utf-8-sig").splitlines()))
    assert 150 <= len(rows) <= 300
    assert len({r["Course"] for r in rows}) == 5 and len({r["Date"] for r in rows}) == 14
    assert len(table(demo / "training-evaluation.xlsx", "Evaluations")) == len(rows) - 1  # one After left blank
    with zipfile.ZipFile(demo / "training-evaluation.xlsx") as zf:
        package = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace").casefold()
    assert all(r["Course"].casefold() in package for r in rows)  # the search finds what the workbook holds
    secrets = {r["Name"] for r in rows} | {r["Email"] for r in rows} | {r["Start time"] for r in rows}
    assert len(secrets) > 200
    leaked = sorted(s for s in secrets if s.casefold().replace("'", "&apos;") in package or s.casefold() in package)
    assert not leaked, leaked[:5]


def test_the_demo_improvement_workbooks_recalculate_to_their_cached_values(demo: Path, tmp_path: Path) -> None:
    """LibreOffice headless recalculates every formula of the three demo workbooks (RAG and days overdue over
    AsAt, the learning gain's SUMPRODUCTs over 235 evaluations, the count of sources) to what boardbook cached."""
    require_soffice()
    names = list(IMPROVEMENT)
    theirs = recalculate_many([demo / n for n in names], tmp_path / "lo")

    def rounded(path: Path, name: str) -> list[dict[str, object]]:
        return [{k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()} for r in table(path, name)]

    for name, recalculated in zip(names, theirs, strict=True):
        for t in IMPROVEMENT[name]:
            assert rounded(recalculated, t) == rounded(demo / name, t), (name, t)
