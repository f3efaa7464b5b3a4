"""boardbook batch: many partnerships in one run, in parallel; one failure never stops the others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine as pc

from boardbook.batch import load_manifest, run_batch
from boardbook.demo import run_demo
from boardbook.errors import ConfigError
from tests.helpers import hashes

BIN = str(Path(sys.executable).with_name("boardbook"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    run_demo(folder, schools=0)
    return folder


def test_demo_manifest_runs_in_parallel(demo: Path) -> None:
    before = hashes(demo / "returns-2026")
    proc = subprocess.run(
        [BIN, "batch", str(demo / "demo-batch.toml"), "--jobs", "2"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((demo / "demo-batch.report.json").read_text())
    assert report["partnerships"] == 2 and report["failed"] == 0
    north, _east = report["reports"]
    assert len(north["written"]) == 3 and set(north["seconds"]) == {"section 11", "budget", "performance"}
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
        ('[[partnerships]]\nout = "x"\nbudget = "b.toml"\n', r"partnerships\[0\]\.name is required"),
        ('[[partnerships]]\nname = "A"\nbudget = "b.toml"\n', r"partnerships\[0\]\.out is required"),
        ('[[partnerships]]\nname = "A"\nout = "x"\n', "nothing to fill"),
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
