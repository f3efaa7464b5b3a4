"""The demo's section 11 story: three rounds, moderated, a renamed agency, the practitioners' survey — and the
README's worked example, which is this demo run's own figures and command."""

from __future__ import annotations

import csv
import re
import shlex
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from boardbook.demo import DemoResult
from boardbook.section11 import contract as c
from boardbook.survey_demo import DOUBTFUL, NOT_LISTED, STAFF
from tests.helpers import hashes, run, table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RENAMED, FORMER = "Moorside Community Health NHS Trust", "Moorside Community Health Services"


@pytest.fixture(scope="module")
def demo(demo_run: DemoResult) -> DemoResult:
    return demo_run


def summary(demo: DemoResult, name: str = "section11-summary.xlsx") -> Path:
    return demo.folder / name


def test_three_rounds_each_carry_the_ones_before(demo: DemoResult) -> None:
    assert demo.earliest is not None
    assert [demo.earliest.round, demo.first.round, demo.second.round] == ["2022", "2024", "2026"]
    assert demo.earliest.accepted == demo.first.accepted == 25
    rounds = Counter(str(r["Round"]) for r in table(summary(demo), c.HISTORY))
    assert rounds == {"2022": 250, "2024": 250}
    assert {str(r["Round"]) for r in table(summary(demo, "section11-summary-2024.xlsx"), c.HISTORY)} == {"2022"}
    # The 2022 return came under the former name; its ratings are carried under the name listed now.
    returns_2022 = {p.name for p in (demo.folder / "returns-2022").iterdir()}
    assert f"Section 11 return 2022 - {FORMER}.xlsx" in returns_2022
    history = table(summary(demo), c.HISTORY)
    assert sum(r["Agency"] == RENAMED and r["Round"] == "2022" for r in history) == 10
    assert not any(r["Agency"] == FORMER for r in history)
    trend = table(summary(demo), c.TREND)
    assert len(trend) == 25 and all(
        isinstance(r["2022"], float) and isinstance(r["2026"], float) for r in trend if r["Agency"] == RENAMED
    )


def test_moderators_typing_is_kept_and_summarised(demo: DemoResult) -> None:
    for name, least in (
        ("section11-summary-2022.xlsx", 1),
        ("section11-summary-2024.xlsx", 5),
        ("section11-summary.xlsx", 5),
    ):
        rows = table(summary(demo, name), c.RETURNS)
        challenged = {r["Agency"] for r in table(summary(demo, name), c.CHALLENGE)}
        moderated = {r["Agency"] for r in rows if r["Moderated rating"]}
        assert len(moderated) >= least and moderated <= challenged, name
        by_agency = {r["Agency"]: r for r in table(summary(demo, name), c.MODERATION)}
        assert sum(bool(r["Moderated"]) for r in by_agency.values()) == len(moderated)
        assert any(isinstance(r["Over-optimism"], float) and r["Over-optimism"] > 0 for r in by_agency.values())
    # History carries each earlier round's moderated ratings.
    history = table(summary(demo), c.HISTORY)
    assert {r["Round"] for r in history if r["Moderated rating"]} == {"2022", "2024"}


def test_survey_flags_the_agencies_whose_practitioners_disagree(demo: DemoResult) -> None:
    rows = table(summary(demo), c.SURVEY)
    flagged = {r["Agency"] for r in rows if r["Flag"] == "practitioners disagree"}
    assert flagged and flagged <= set(DOUBTFUL)
    assert {(r["Agency"], r["Ref"]) for r in rows if r["Flag"] == "practitioners disagree"} <= {
        (r["Agency"], r["Ref"]) for r in table(summary(demo), c.CHALLENGE) if "practitioners" in str(r["Reason"])
    }
    small = {a for a, n in STAFF.items() if n < 5}
    for r in rows:
        if r["Agency"] in small:
            assert (r["Responses"], r["Positive %"], r["Flag"]) == ("", "", "fewer than 5 responses")
    problems = table(summary(demo), c.PROBLEMS)
    assert any(NOT_LISTED in str(p["Problem"]) and p["Severity"] == "Warning" for p in problems)
    # Respondents typed their agency their own way: every row of a listed agency is counted for it.
    export = demo.folder / "survey" / "practitioner-survey-2026.csv"
    with export.open(encoding="utf-8-sig", newline="") as fh:
        respondents = list(csv.DictReader(fh))
    typed = Counter(r["Which organisation do you work for?"] for r in respondents)
    assert typed["St Aidan\u2019s Catholic Academy Trust"] and typed["Northmoor & Eastvale Integrated Care Board"]
    s4 = {r["Agency"]: r["Responses"] for r in rows if r["Ref"] == "S4"}
    question = "I know how to raise concerns about a colleague's conduct (whistleblowing)"
    for agency, spelled in (
        ("St Aidan's Catholic Academy Trust", "St Aidan"),
        ("Moorlands Police", "oorlands police"),
    ):
        answered = sum(
            spelled.casefold() in r["Which organisation do you work for?"].casefold()
            and r[question] not in ("", "Don't know")
            for r in respondents
        )
        assert s4[agency] == answered, agency


def test_no_respondent_detail_reaches_any_output(demo: DemoResult) -> None:
    with zipfile.ZipFile(summary(demo)) as zf:
        text = b"".join(zf.read(n) for n in zf.namelist() if n.endswith(".xml")).decode("utf-8")
    assert "anonymous" not in text and "Completion time" not in text
    assert "Neither agree nor disagree" not in text and "Strongly disagree" not in text  # answers stay there too


def _worked_example() -> list[str]:
    block = re.search(r"\*\*Worked example: the demo's three rounds\.\*\*.*?```sh\n(.*?)```", README, re.DOTALL)
    assert block, "README lost its worked example"
    return shlex.split(block.group(1).replace("\\\n", " "))


def test_readme_worked_example_runs_and_its_figures_are_the_demos(demo: DemoResult, tmp_path: Path) -> None:
    args = _worked_example()
    assert args[:3] == ["boardbook", "s11", "collate"]
    args = [a.replace("demo-output", str(demo.folder)) for a in args[1:]]
    out = tmp_path / "section11-summary.xlsx"
    args[args.index("--out") + 1] = str(out)
    before = hashes(demo.folder / "returns-2026")
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    assert hashes(demo.folder / "returns-2026") == before
    # What the command gives is what the demo holds (the demo's own moderation aside).
    ours, theirs = summary(demo), out
    for name in (c.HISTORY, c.SURVEY):
        assert table(theirs, name) == table(ours, name), name
    assert [{k: r[k] for k in ("Agency", "2022", "2024")} for r in table(theirs, c.TREND)] == [
        {k: r[k] for k in ("Agency", "2022", "2024")} for r in table(ours, c.TREND)
    ]
    # The README's figures (its lines rewrapped).
    FLAT = " ".join(README.split())
    trend = Counter(str(r["Direction"]) for r in table(ours, c.TREND))
    assert f"{trend['Improving']} improving, {trend['Declining']} declining, {trend['Steady']} steady" in FLAT
    moderation = table(ours, c.MODERATION)
    top = max(moderation, key=lambda r: r["Over-optimism"] if isinstance(r["Over-optimism"], float) else -1)
    assert f"`Moderation` shows {top['Agency']} the most over-optimistic" in FLAT
    assert f"`Over-optimism` {top['Over-optimism']:.2f}" in FLAT
    assert f"{top['Agreed']:.0f} agreed, {top['Lowered']:.0f} lowered" in FLAT
    counts = [
        sum(bool(r["Moderated"]) for r in table(summary(demo, n), c.MODERATION))
        for n in ("section11-summary-2022.xlsx", "section11-summary-2024.xlsx", "section11-summary.xlsx")
    ]
    assert "({} in 2022, {} in 2024, {} in 2026".format(*counts) in FLAT
    with (demo.folder / "survey" / "practitioner-survey-2026.csv").open(encoding="utf-8-sig") as fh:
        respondents = sum(1 for _ in fh) - 1
    assert f"{respondents - 1:,} practitioners answered" in FLAT
    survey = table(ours, c.SURVEY)
    fire = next(r for r in survey if r["Agency"] == "Moorlands Fire and Rescue Service" and r["Ref"] == "S5")
    assert fire["Flag"] == "practitioners disagree"
    assert f"only {fire['Positive %']:.0%} of its {fire['Responses']:.0f} practitioners" in FLAT.replace(" %", "%")
    flags = [r for r in survey if r["Flag"] == "practitioners disagree"]
    assert f"{len(flags)} such rows at {len({r['Agency'] for r in flags})} agencies" in FLAT
    assert f"{respondents:,} anonymous respondents" in FLAT
