"""The demo's practitioners' survey: an anonymous survey of the agencies' own staff, as Microsoft Forms exports it.

Cambridgeshire and Peterborough pair each section 11 self-assessment with such a survey (over a thousand
responses) and take both to a challenge day. The demo's export is seeded: large agencies answer in their
hundreds, small ones in ones and twos (too few to show), a handful of respondents spell their agency their own way,
one names an organisation not on the list, and at three agencies practitioners see their safeguarding culture far
less well than the agency does — the rows the board should challenge.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from boardbook.config import Agency, Config, Survey

AGENCY_QUESTION = "Which organisation do you work for?"
QUESTIONS = (  # (the form's question, the standard it speaks to)
    ("I know how to raise concerns about a colleague's conduct (whistleblowing)", "S4"),
    ("I feel able to challenge poor practice and speak up in my organisation", "S5"),
    ("I know what to do if my safeguarding concern is not being acted on", "S6"),
    ("I know who the safeguarding lead in my organisation is", "S8"),
    ("I receive regular safeguarding supervision", "S10"),
    ("I have had the safeguarding training my role needs", "S10"),  # two questions pooled on one standard
)
ANSWERS = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree", "Don't know")
STAFF = {  # respondents per agency; the rest answer in the tens
    "Northmoor Council Children's Services": 180,
    "Northmoor Hospitals NHS Foundation Trust": 210,
    "Moorlands Police": 150,
    "Moorside Community Health NHS Trust": 90,
    "Northmoor Mental Health NHS Trust": 70,
    "Northmoor Academy Trust": 80,
    "Moorlands Dental Care": 3,
    "Young Carers Northmoor": 2,
}
DOUBTFUL = (  # practitioners disagree with their agency on culture, escalation and supervision
    "Northmoor Council Housing",
    "Moorlands Fire and Rescue Service",
    "Northmoor Youth Sport Trust",
)
TYPED = {  # how a few respondents write their agency (a Forms text box): matched after folding
    "St Aidan's Catholic Academy Trust": "St Aidan\u2019s Catholic Academy Trust",
    "Moorlands Police": "moorlands police ",
    "Northmoor and Eastvale Integrated Care Board": "Northmoor & Eastvale Integrated Care Board",
}
NOT_LISTED = "Northmoor Primary Care Network"  # not on the agency list: reported, not counted


def survey_config(config: Config) -> Config:
    """``config`` with ``[survey]`` mapping the demo form's questions to standards."""
    return replace(config, survey=Survey(agency_column=AGENCY_QUESTION, questions=QUESTIONS))


def write_survey_export(path: Path, agencies: Sequence[Agency], seed: int = 2026) -> Path:
    """A Microsoft Forms "CSV UTF-8" export of the survey (byte-order mark, CRLF): ID, times, e-mail and name
    (the form was anonymous: "anonymous"), the agency, one column per question."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    start = datetime(2026, 3, 2, 8, 0)
    for agency in agencies:
        n = STAFF.get(agency.name, rng.randint(18, 45))
        for k in range(n):
            rows.append([_agency_as_typed(agency.name, k, rng), *_answers(rng, agency.name in DOUBTFUL)])
    rows.append([NOT_LISTED, *_answers(rng, False)])
    rng.shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(
            ["ID", "Start time", "Completion time", "Email", "Name", AGENCY_QUESTION, *(q for q, _ in QUESTIONS)]
        )
        for i, row in enumerate(rows, start=1):
            began = start + timedelta(minutes=37 * i + rng.randint(0, 30))
            ended = began + timedelta(seconds=rng.randint(95, 600))
            out.writerow([i, _forms_time(began), _forms_time(ended), "anonymous", "", *row])
    return path


def _agency_as_typed(name: str, k: int, rng: random.Random) -> str:
    return TYPED[name] if name in TYPED and k % 4 == 0 else name


def _answers(rng: random.Random, doubtful: bool) -> list[str]:
    """One respondent's answers: mostly positive; at a doubtful agency, culture, escalation and supervision not."""
    answers = []
    for _question, ref in QUESTIONS:
        good = 0.45 if doubtful and ref in ("S5", "S6", "S10") else 0.86
        if rng.random() < 0.05:
            answers.append("Don't know")
        elif rng.random() < good:
            answers.append(rng.choice(ANSWERS[:2]))
        else:
            answers.append(rng.choice(ANSWERS[2:5]))
        if rng.random() < 0.02:
            answers[-1] = ""  # skipped the question
    return answers


def _forms_time(when: datetime) -> str:
    """As Forms writes times in its CSV export: month/day/two-digit year, 24-hour clock."""
    return f"{when.month}/{when.day}/{when:%y} {when.hour}:{when:%M:%S}"
