"""The demo's learning and improvement workbooks for Northmoor: the tracker, the training evaluation, the matrix.

The inputs are written into ``improvement-inputs/`` first, as a business unit keeps them, so the demo manifest and
the README's commands can name them: the bundled tracker list (a dozen recommendations, every status and RAG at the
report date 31/03/2026, one completed without impact evidence), the bundled matrix of concerns, and a Microsoft
Forms export of evaluations for five courses. The export is made here from a seeded generator rather than bundled:
the same bytes on every machine, and no 250-row file to keep in step with the code. Learners' names and e-mail
addresses are in it, as in a real export, so the demo shows they never reach a workbook.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from boardbook.config import load_config

INPUTS = "improvement-inputs"
AS_AT = date(2026, 3, 31)  # the tracker's report date: the end of the partnership's year
FILLED_AT = datetime(2026, 4, 1, 9, 0)  # the training workbook's FilledAt, fixed so the demo is the same every run
RECOMMENDATIONS = "demo-recommendations.csv"
CONCERNS = "demo-concerns.csv"
EVALUATIONS = "demo-training-evaluations.csv"
FORMS_HEADERS = (
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Course",
    "Date",
    "Agency",
    "Sector",
    "Before",
    "After",
    "Impact",
)

# Course, its sessions, the mean confidence learners arrive with, and what they say they will do differently.
COURSES: tuple[tuple[str, tuple[date, ...], float, tuple[str, ...]], ...] = (
    (
        "Neglect and the Graded Care Profile 2",
        (date(2025, 5, 14), date(2025, 10, 8), date(2026, 2, 11)),
        2.4,
        (
            "I will use the Graded Care Profile before a referral, not after",
            "Look at the home conditions over time, not one visit",
            "Chronologies for every family where I am worried about neglect",
            "Ask about the baby's routine and who else lives in the home",
        ),
    ),
    (
        "Child exploitation: spotting the signs",
        (date(2025, 6, 18), date(2025, 11, 12), date(2026, 3, 4)),
        2.2,
        (
            "Complete the exploitation screening tool with every missing episode",
            "Use language that does not blame the child",
            "Share intelligence with the police through the partnership form",
            "I now know who to call at the exploitation hub",
        ),
    ),
    (
        "Domestic abuse and its impact on children",
        (date(2025, 4, 23), date(2025, 9, 17), date(2026, 1, 21)),
        2.8,
        (
            "Ask to see the children alone after every incident",
            "Record what the child says in their own words",
            "Think about coercive control, not just incidents",
        ),
    ),
    (
        "Professional curiosity and challenge",
        (date(2025, 7, 9), date(2025, 12, 3)),
        2.9,
        (
            "Ask who else lives in the household and check it",
            "Use the escalation policy when I disagree with a decision",
            "Respectful uncertainty: do not accept the first explanation",
        ),
    ),
    (
        "Thresholds and the multi-agency front door",
        (date(2025, 5, 21), date(2025, 9, 24), date(2026, 3, 18)),
        3.1,
        (
            "Use the threshold guidance before calling the front door",
            "Talk to the family about a referral first unless it puts the child at risk",
            "Early help assessment instead of a referral where that is right",
        ),
    ),
)
FIRST = (
    "Aisha", "Ben", "Chloe", "Daniel", "Ewa", "Faisal", "Grace", "Harry", "Imran", "Jade", "Kieran", "Leah",
    "Mohammed", "Niamh", "Oliver", "Priya", "Rachel", "Sam", "Tomasz", "Una", "Vikram", "Wendy", "Yusuf", "Zoe",
)  # fmt: skip
LAST = (
    "Ahmed", "Barker", "Clarke", "Dawson", "Evans", "Fletcher", "Green", "Hussain", "Iqbal", "Jackson", "Kaur",
    "Lowe", "Murphy", "Nowak", "O'Neill", "Patel", "Quinn", "Robson", "Shaw", "Thompson", "Walsh", "Young",
)  # fmt: skip


def agencies() -> list[tuple[str, str, str]]:
    """(agency, sector, e-mail domain) of the demo's agency list: the learners come from these agencies."""
    text = resources.files("boardbook.data").joinpath("demo-agencies.csv").read_text(encoding="utf-8-sig")
    return [(r["Agency"], r["Sector"], r["Email"].split("@")[1]) for r in csv.DictReader(text.splitlines())]


def write_training_export(path: Path, seed: int = 2026) -> Path:
    """A Forms export of evaluations for the five courses ("CSV UTF-8": byte-order mark, CRLF), seeded.

    Confidence before is spread round each course's mean; most learners gain a point or two, a few none, one in
    fifty loses one. Some leave the sector blank (the agency says it), one leaves After blank (left out, with a
    warning, as in life).
    """
    rng = random.Random(seed)
    places = agencies()
    weights = [6 if sector in ("Health", "Local authority", "Education", "Police") else 2 for _a, sector, _d in places]
    records: list[list[object]] = []
    for course, sessions, mean, comments in COURSES:
        for held in sessions:
            for _ in range(rng.randint(12, 20)):
                agency, sector, domain = rng.choices(places, weights)[0]
                first, last = rng.choice(FIRST), rng.choice(LAST)
                before = min(5, max(1, round(rng.gauss(mean, 0.8))))
                step = rng.choices((-1, 0, 1, 2, 3), (2, 14, 50, 30, 4))[0]
                after = min(5, max(1, before + step))
                started = datetime.combine(held, datetime.min.time()) + timedelta(
                    days=rng.choice((0, 0, 1, 2, 6)),
                    hours=rng.randint(12, 17),
                    minutes=rng.randint(0, 59),
                    seconds=rng.randint(0, 59),
                )
                done = started + timedelta(minutes=rng.randint(2, 9), seconds=rng.randint(0, 59))
                records.append(
                    [
                        len(records) + 1,
                        _forms_time(started),
                        _forms_time(done),
                        f"{first}.{last}@{domain}".lower().replace("'", ""),
                        f"{first} {last}",
                        course,
                        held.strftime("%d/%m/%Y"),
                        agency,
                        "" if rng.random() < 0.08 else sector,
                        before,
                        after,
                        rng.choice(comments) if rng.random() < 0.3 else "",
                    ]
                )
    records[len(records) // 3][10] = ""  # one learner left "After" blank
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(FORMS_HEADERS)
        writer.writerows(records)
    return path


def _forms_time(when: datetime) -> str:
    """Forms' own time stamp: month first, two-digit year, no leading zeros (3/14/26 9:05:11)."""
    return f"{when.month}/{when.day}/{when:%y} {when.hour}:{when:%M:%S}"


def write_improvement_inputs(folder: Path) -> dict[str, Path]:
    """The three inputs, copied (tracker list, matrix) or made (training export) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = resources.files("boardbook.data")
    out = {}
    for name in (RECOMMENDATIONS, CONCERNS):
        out[name] = folder / name
        out[name].write_bytes(data.joinpath(name).read_bytes())
    out[EVALUATIONS] = write_training_export(folder / EVALUATIONS)
    return out


def run_improvement_demo(folder: Path, say: Callable[[str], None]) -> list[Path]:
    """Fill Northmoor's tracker, training evaluation and matrix of concerns through the pipelines the CLI calls;
    returns the three workbooks (``learning-improvement.xlsx``, ``training-evaluation.xlsx``,
    ``concerns-matrix.xlsx`` in ``folder``)."""
    from boardbook.concerns.pipeline import fill_concerns_file
    from boardbook.learning.pipeline import fill_tracker_file
    from boardbook.training.pipeline import fill_training_file

    folder = Path(folder)
    inputs = write_improvement_inputs(folder / INPUTS)
    config = load_config()
    tracker = fill_tracker_file(
        inputs[RECOMMENDATIONS], folder / "learning-improvement.xlsx", as_at=AS_AT, config=config
    )
    say(
        f"Learning and improvement: {len(tracker.recommendations)} recommendations at {AS_AT:%d/%m/%Y} — "
        + ", ".join(f"{tracker.count(rag)} {rag}" for rag in ("Green", "Amber", "Red"))
        + f"; {len(tracker.problems)} completed without impact evidence"
    )
    training = fill_training_file([inputs[EVALUATIONS]], folder / "training-evaluation.xlsx", config, now=FILLED_AT)
    say(
        f"Training evaluation: {len(training.evaluations)} evaluations of {len(training.by_course)} courses "
        f"({len(training.problems)} warning{'s' * (len(training.problems) != 1)} on its Problems sheet)"
    )
    matrix = fill_concerns_file(inputs[CONCERNS], folder / "concerns-matrix.xlsx", config=config)
    say(f"Matrix of concerns: {len(matrix.input.concerns)} concerns in {len(matrix.groups)} groups")
    assert tracker.out is not None and training.out is not None and matrix.out is not None
    return [tracker.out, training.out, matrix.out]
