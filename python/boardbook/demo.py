"""The bundled demo: a fictional partnership runs three section 11 rounds, end to end.

Northmoor Safeguarding Children Partnership (25 agencies, ten standards) sends returns for 2022, agencies fill
them, the unit collates and moderators dip-sample the challenged agencies; every two years it sends returns
pre-filled with the last round's answers, agencies update them — a few badly, as in life — and the unit collates
again, carrying every round's history (one agency renamed on the way). In 2026 the agencies' own practitioners
answer an anonymous survey, which the collation sets beside the self-ratings. Everything is seeded, so the demo is
the same on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from boardbook.agencies import load_agencies
from boardbook.book import open_book
from boardbook.config import Agency, Config, config_toml, load_config
from boardbook.schools_demo import SchoolsDemo, run_schools_demo
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import CollationResult, Mailing, collate, mail_drafts, make_returns, write_feedback
from boardbook.survey_demo import survey_config, write_survey_export
from boardbook.templates.section11_return import fill_checks

EVIDENCE = (
    "Safeguarding policy approved by the board on {d}; annual report to the board; audit of {n} case files.",
    "Named lead in post since {d}; job description and supervision records; quarterly reports to the executive.",
    "Staff survey ({n} responses) and children's panel feedback reviewed on {d}; changes published on intranet.",
    "Whistleblowing policy reviewed {d}; referenced in induction; {n} staff completed e-learning this year.",
    "Escalation policy on the intranet; {n} escalations logged and reviewed by the safeguarding group on {d}.",
    "Information sharing agreement signed {d}; audit of {n} referrals found consent recorded in all but two.",
    "DBS checks recorded for all staff; single central record audited {d} ({n} files sampled, no gaps).",
    "Training matrix shows {n}% of staff at the required level; supervision audit completed {d}.",
)
ACTIONS = (
    "Refresh the policy and re-launch it to all staff",
    "Audit a sample of cases and report to the board",
    "Appoint a deputy safeguarding lead",
    "Add the topic to the induction programme",
    "Survey children and families and act on the findings",
)


@dataclass
class DemoResult:
    folder: Path
    first: CollationResult
    second: CollationResult
    budgets: list[Path] = field(default_factory=list)
    extra: list[Path] = field(default_factory=list)  # other workbooks the demo wrote
    feedback: list[Path] = field(default_factory=list)
    mailings: dict[str, Mailing] = field(default_factory=dict)
    schools: SchoolsDemo | None = None
    earliest: CollationResult | None = None  # the 2022 round


def _fill(
    path: Path, rng: random.Random, config: Config, completed: date, *, improve: bool, mistakes: str = ""
) -> None:
    """An agency completes its return (through the Book port, as the Excel front door would)."""
    book = open_book(path)
    labels = [lv.label for lv in config.scale.levels]
    table = book.read_table(c.ASSESSMENT)
    rows = []
    for _i, row in enumerate(table.rows):
        prev = row[2]
        if prev in labels and improve and rng.random() < 0.7:
            k = labels.index(prev)
            rating = labels[max(0, k - rng.choice((0, 1, 1)))]
        else:
            rating = rng.choices([*labels, config.scale.not_applicable or labels[-1]], weights=(30, 40, 18, 6, 6))[0]
        met = config.scale.is_met(rating)
        evidence = (
            rng.choice(EVIDENCE).format(
                d=(completed - timedelta(days=rng.randint(20, 300))).strftime("%d/%m/%Y"), n=rng.randint(8, 95)
            )
            if met or rng.random() < 0.6
            else ""
        )
        action = owner = due = None
        if not met and rating != config.scale.not_applicable:
            action = rng.choice(ACTIONS)
            owner = rng.choice(("Head of Safeguarding", "Named Nurse", "DSL", "Service Manager"))
            due = completed + timedelta(days=rng.randint(60, 240))
        rows.append([row[0], row[1], rating, evidence, action, owner, due])
    if "thin" in mistakes:
        rows[1][2], rows[1][3] = "Fully met", "Yes"
    if "no-evidence" in mistakes:
        rows[2][2], rows[2][3] = "Mostly met", ""
    if "typo" in mistakes:
        rows[3][2] = "Fuly met"
    if "formula-text" in mistakes:
        rows[4][3] = "=Policy signed off by the board, see minutes 12/02/2026"
    if "blank-rows" in mistakes:
        rows.insert(5, [None] * 7)
        rows.append([None] * 7)
    if "jump" in mistakes:
        rows[6][2] = "Fully met"
    fill_checks(book, config, rows)  # as Excel would: the Check column and ReturnStatus follow the answers
    book.set_name("CompletedBy", rng.choice(("A. Patel", "J. Okafor", "S. Lewis", "M. Byrne", "R. Hughes")))
    book.set_name("CompletedOn", completed)
    book.save(path)


def run_demo(out: str | Path, progress: Callable[[str], None] | None = None, *, schools: int = 300) -> DemoResult:
    """Three rounds of Northmoor's section 11 audit (moderated, the last beside a practitioners' survey), its
    budget, performance, learning and improvement, training evaluation and concerns workbooks, and (``schools`` >
    0) a section 175 audit of that many schools, each through the whole loop."""
    say = progress or (lambda _msg: None)
    folder = Path(out)
    agencies_file = resources.files("boardbook.data").joinpath("demo-agencies.csv")
    with resources.as_file(agencies_file) as p:
        agencies = load_agencies(p)
    config = survey_config(load_config())  # the bundled configuration, and which survey question is which standard
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "boardbook.toml").write_text(config_toml(config, agencies=False), encoding="utf-8")
    rng = random.Random(2026)

    say("Round 2022: making and filling 25 returns (one agency under its former name), collating, moderating")
    # In 2022 Moorside Community Health NHS Trust was still Moorside Community Health Services: the agency
    # list's Aliases column carries its history across the rename.
    as_then = [replace(a, name=a.aliases[0], aliases=()) if a.aliases else a for a in agencies]
    earliest = _round(folder, "2022", as_then, config, rng, previous=None, when=date(2022, 5, 1))

    say("Round 2024: returns pre-filled with 2022 answers, filled, collated against 2022, moderated")
    first = _round(folder, "2024", agencies, config, rng, previous=earliest.out, when=date(2024, 5, 1))

    say("Round 2026: returns pre-filled with 2024 answers, filled (a few with mistakes)")
    r2026 = make_returns(
        agencies, "2026", folder / "returns-2026", config, previous=folder / "section11-summary-2024.xlsx"
    )
    mailings = {"returns": mail_drafts("returns", folder / "returns-2026", agencies, folder / "mail-returns", config)}
    mistakes = {1: "thin", 3: "no-evidence", 5: "typo", 7: "formula-text", 9: "blank-rows", 11: "jump", 13: "jump thin"}
    not_returned = {len(r2026) - 2}
    for i, path in enumerate(r2026):
        if i in not_returned:
            path.unlink()
            continue
        _fill(
            path,
            rng,
            config,
            date(2026, 5, 1) + timedelta(days=rng.randint(0, 40)),
            improve=True,
            mistakes=mistakes.get(i, ""),
        )
    # One agency sends an early draft and then its final return.
    draft = r2026[0].with_name(r2026[0].stem + " (draft).xlsx")
    draft.write_bytes(r2026[0].read_bytes())
    book = open_book(draft)
    book.set_name("CompletedOn", date(2026, 4, 2))
    book.save(draft)

    say("Collating 2026 against 2024 (every round's history), beside the practitioners' survey; moderating")
    survey = write_survey_export(folder / "survey" / "practitioner-survey-2026.csv", agencies)

    second = _collate_moderated(
        folder / "returns-2026",
        folder / "section11-summary.xlsx",
        config,
        rng,
        agencies=agencies,
        previous=folder / "section11-summary-2024.xlsx",
        sample=3,
        seed=2026,
        survey=survey,
        now=datetime(2026, 7, 1, 10, 0),
    )
    say("Feedback to every agency with a valid return, and the chase and feedback e-mail drafts")
    feedback = write_feedback(second.out, folder / "feedback-2026", config)
    mailings["chase"] = mail_drafts("chase", second.out, agencies, folder / "mail-chase", config)
    mailings["feedback"] = mail_drafts("feedback", folder / "feedback-2026", agencies, folder / "mail-feedback", config)
    budgets = run_budget_demo(folder, say)
    say("Performance: last year's quadrant workbook, then this year's with --previous")
    from boardbook.performance.demo import run_performance_demo

    performance = run_performance_demo(folder)
    from boardbook.improvement_demo import run_improvement_demo

    improvement = run_improvement_demo(folder, say)  # the tracker, training evaluation and matrix of concerns
    manifest = write_demo_manifest(folder, agencies_file.read_bytes())
    schools_demo = run_schools_demo(folder / "schools", schools, say) if schools else None
    say("Annual report pack: the appendices from the budget, performance, section 11 and improvement workbooks")
    from boardbook.report.pipeline import build_report

    tracker, training, concerns = improvement
    pack = build_report(
        folder / "annual-report",
        budget=budgets[1],
        performance=performance,
        s11=second.out,
        learning=tracker,
        training=training,
        concerns=concerns,
        now=datetime(2026, 7, 1, 12, 0),
    )
    extra = [performance, *improvement, pack.data, pack.document, manifest]
    return DemoResult(folder, first, second, budgets, extra, feedback, mailings, schools_demo, earliest)


def _round(
    folder: Path,
    round_: str,
    agencies: Sequence[Agency],
    config: Config,
    rng: random.Random,
    *,
    previous: Path | None,
    when: date,
) -> CollationResult:
    """An earlier round end to end: returns made (pre-filled from ``previous``), filled, collated, moderated."""
    returns = make_returns(agencies, round_, folder / f"returns-{round_}", config, previous=previous)
    for path in returns:
        _fill(path, rng, config, when + timedelta(days=rng.randint(0, 40)), improve=previous is not None)
    return _collate_moderated(
        returns[0].parent,
        folder / f"section11-summary-{round_}.xlsx",
        config,
        rng,
        agencies=agencies,
        previous=previous,
        sample=3,
        seed=int(round_),
        now=datetime(when.year, 7, 1, 10, 0),
    )


def _collate_moderated(returns: Path, out: Path, config: Config, rng: random.Random, **options: Any) -> CollationResult:
    """Collate, let the moderators type (``_moderate``), and collate again, which keeps what they typed."""
    collate([returns], out, config, **options)
    _moderate(out, rng, config)
    return collate([returns], out, config, **options)


def _moderate(summary: Path, rng: random.Random, config: Config) -> None:
    """Moderators dip-sample the agencies picked for challenge and type a moderated rating for each of their
    rated standards in the summary's Returns sheet, as they would in Excel: most agreed, some lowered (over-optimism),
    one raised. The unit then collates again, which keeps what they typed and refreshes the tables over it."""
    import openpyxl  # the moderators' Excel: they type into cells, not through boardbook

    labels = [lv.label for lv in config.scale.levels]
    challenged = {str(row[0]) for row in open_book(summary).read_table(c.CHALLENGE).rows if row[0]}
    wb = openpyxl.load_workbook(summary)
    ws = wb[c.RETURNS]
    col = {ws.cell(1, j).value: j for j in range(1, ws.max_column + 1)}
    for r in range(2, ws.max_row + 1):
        rating = str(ws.cell(r, col["Rating"]).value)
        if ws.cell(r, col["Agency"]).value not in challenged or rating not in labels:
            continue
        k, roll = labels.index(rating), rng.random()
        moderated = (
            labels[min(k + 1, len(labels) - 1)] if roll < 0.3 else labels[max(k - 1, 0)] if roll < 0.35 else rating
        )
        ws.cell(r, col["Moderated rating"]).value = moderated
    wb.save(summary)


def write_budget_inputs(folder: Path) -> Path:
    """The bundled demo budget inputs (TOML, and the CSVs one of them names) copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in resources.files("boardbook.data").iterdir():
        if item.name.startswith("demo-budget-"):
            (folder / item.name).write_bytes(item.read_bytes())
    return folder


def run_budget_demo(folder: Path, say: Callable[[str], None]) -> list[Path]:
    """Two years of the partnership's budget (TOML inline, then TOML + CSV) and next year's schedule."""
    from decimal import Decimal

    from boardbook.budget.pipeline import fill_budget_file
    from boardbook.budget.propose import partners_from_file, propose, write_proposal

    say("Budget: 2024/25, 2025/26 against 2024/25, and the 2026/27 contribution schedule")
    inputs = write_budget_inputs(folder / "budget-inputs")
    last, this = inputs / "demo-budget-2024-25.toml", inputs / "demo-budget-2025-26.toml"
    fill_budget_file(last, folder / "budget-2024-25.xlsx")
    fill_budget_file(this, folder / "budget-2025-26.xlsx", previous=last)
    schedule = write_proposal(
        propose(Decimal(398000), partners_from_file(this)), folder / "contributions-2026-27.xlsx", "2026/27"
    )
    return [folder / "budget-2024-25.xlsx", folder / "budget-2025-26.xlsx", schedule]


DEMO_MANIFEST = """# boardbook batch manifest for the demo: run  boardbook batch {folder}/demo-batch.toml --jobs 2
# Two partnerships share cross-border agencies (police, ICB, probation...): each collates the returns that count
# for it. Paths are relative to this file.

[[partnerships]]
name = "Northmoor Safeguarding Children Partnership"
out = "batch/northmoor"
returns = ["returns-2026"]
agencies = "agencies.csv"
config = "boardbook.toml"
previous = "section11-summary-2024.xlsx"
survey = "survey/practitioner-survey-2026.csv"
budget = "budget-inputs/demo-budget-2025-26.toml"
budget_previous = "budget-inputs/demo-budget-2024-25.toml"
indicators = ["performance-inputs/indicators.csv"]
evidence = "performance-inputs/evidence.csv"
risk_factors = "performance-inputs/risk-factors.csv"
performance_previous = "quadrant-performance-2023-24.xlsx"
learning = "improvement-inputs/demo-recommendations.csv"
learning_as_at = 2026-03-31
training = ["improvement-inputs/demo-training-evaluations.csv"]
concerns = "improvement-inputs/demo-concerns.csv"
report = true

[[partnerships]]
name = "Eastvale Safeguarding Children Partnership"
out = "batch/eastvale"
returns = ["returns-2026"]
agencies = "agencies.csv"
budget = "budget-inputs/demo-budget-2024-25.toml"
indicators = ["performance-inputs/indicators-2023-24.csv"]
"""


def write_demo_manifest(folder: Path, agencies_csv: bytes) -> Path:
    """The demo's batch manifest (two partnerships) and the agency list it names."""
    (folder / "agencies.csv").write_bytes(agencies_csv)
    path = folder / "demo-batch.toml"
    path.write_text(DEMO_MANIFEST.format(folder=folder.name), encoding="utf-8")
    return path
