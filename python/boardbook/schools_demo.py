"""The schools demo: a section 175/157 audit of 300 schools and colleges through the whole loop.

The business unit makes a return per school (bundled ``section175`` configuration: KCSIE standards, RAG), drafts
the e-mails that carry them, schools fill them in (a few badly, a few not at all, some last round's file), the
unit collates, writes every school its feedback and drafts the chase and feedback e-mails. Seeded: the same on
every machine. Schools are the scale case: ``benchmarks/collate.py`` times the same job.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from boardbook.book import open_book
from boardbook.config import Agency, Config, load_config
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import CollationResult, Mailing, collate, mail_drafts, make_returns, write_feedback
from boardbook.templates.section11_return import fill_checks

PLACES = (
    "Northmoor", "Fellside", "Moorlands", "Tarnbeck", "Eastvale", "Ashby", "Brackenhill", "Calder", "Dunmore",
    "Elmbridge", "Fernlea", "Gorsey", "Hawthorn", "Ivybank", "Juniper", "Kestrel", "Larchfield", "Millbrook",
    "Netherby", "Oakwood",
)  # fmt: skip
KINDS = (
    ("Primary School", "Primary"),
    ("Church of England Primary School", "Primary"),
    ("St Mary\u2019s Catholic Primary School", "Primary"),
    ("Infant School", "Primary"),
    ("Junior School", "Primary"),
    ("Academy", "Secondary"),
    ("High School", "Secondary"),
    ("College", "Further education"),
    ("Special School", "Special"),
    ("Independent School", "Independent"),
    ("Nursery School", "Early years"),
    ("Pupil Referral Unit", "Alternative provision"),
    ("Sixth Form College", "Further education"),
    ("Free School", "Secondary"),
    ("Community Primary School", "Primary"),
)
EVIDENCE = (
    "Policy reviewed by governors on {d}; published on the website; {n} staff signed to say they have read it.",
    "DSL and two deputies trained {d}; job descriptions updated; DSL time protected in the timetable.",
    "Single central record checked by the safeguarding governor on {d}: {n} entries, no gaps.",
    "Filtering and monitoring review {d} against the DfE standards; alerts go to the DSL daily.",
    "Attendance officer follows up first-day absence; {n} children missing education reported this year.",
    "Pupil survey {d} ({n} responses): 94% know who to talk to; school council reviewed the results.",
)
ACTIONS = ("Update the policy and re-publish it", "Train the new deputy DSL", "Audit the single central record")
OWNERS = ("Headteacher", "DSL", "Business manager", "Safeguarding governor")


@dataclass
class SchoolsDemo:
    folder: Path
    result: CollationResult
    feedback: list[Path]
    mailings: dict[str, Mailing]


def school_list(n: int, rng: random.Random) -> list[Agency]:
    """``n`` schools and colleges with e-mail addresses (a few without: the list is never perfect)."""
    names: list[Agency] = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        kind, sector = KINDS[(i // len(PLACES)) % len(KINDS)]
        name = f"{place} {kind}" if i < len(PLACES) * len(KINDS) else f"{place} {kind} {i // 300 + 2}"
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:40]
        email = "" if rng.random() < 0.01 else f"dsl@{slug}.sch.example"
        names.append(Agency(name, sector, email, ("All",)))
    return names


def _fill(path: Path, rng: random.Random, config: Config, completed: date, mistakes: str = "") -> None:
    """A school's DSL completes the return, as in Excel (the Check column follows the answers)."""
    book = open_book(path)
    rows = []
    for row in book.read_table(c.ASSESSMENT).rows:
        rating = rng.choices(["Green", "Amber", "Red", "Not applicable"], weights=(70, 22, 5, 3))[0]
        met = config.scale.is_met(rating)
        evidence = rng.choice(EVIDENCE).format(
            d=(completed - timedelta(days=rng.randint(10, 200))).strftime("%d/%m/%Y"), n=rng.randint(12, 140)
        )
        action = owner = due = None
        if not met and rating != "Not applicable":
            action, owner = rng.choice(ACTIONS), rng.choice(OWNERS)
            due = completed + timedelta(days=rng.randint(30, 180))
        rows.append([row[0], row[1], rating, evidence if met or rng.random() < 0.5 else "", action, owner, due])
    if "amber-no-action" in mistakes:
        rows[2][2], rows[2][4:7] = "Amber", [None, None, None]
    if "typo" in mistakes:
        rows[0][2] = "Gren"
    if "blank" in mistakes:
        rows[5][2] = None
    fill_checks(book, config, rows)
    book.set_name("CompletedBy", rng.choice(("A. Patel", "J. Okafor", "S. Lewis", "M. Byrne", "R. Hughes")))
    book.set_name("CompletedOn", completed)
    if "last-round" in mistakes:
        book.set_name("Round", "2024/25")  # last audit's return sent again
    book.save(path)


def run_schools_demo(folder: Path, n: int = 300, say: Callable[[str], None] = lambda _msg: None) -> SchoolsDemo:
    rng = random.Random(175)
    config = load_config("section175")
    schools = school_list(n, rng)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "schools.csv").open("w", encoding="utf-8-sig", newline="") as fh:  # as Excel saves "CSV UTF-8"
        writer = csv.writer(fh)
        writer.writerow(("Agency", "Sector", "Email", "Partnerships"))
        writer.writerows((a.name, a.sector, a.email, "All") for a in schools)
    round_ = "2026/27"
    say(f"Schools: {n} section 175 returns for {round_}, and the e-mail drafts that carry them")
    made = make_returns(schools, round_, folder / "returns", config)
    mailings = {"returns": mail_drafts("returns", folder / "returns", schools, folder / "mail-returns", config)}
    say(f"Schools: {n} returns filled (a few badly, a dozen not sent)")
    for i, path in enumerate(made):
        if i % 25 == 7:  # not returned
            path.unlink()
            continue
        mistakes = {3: "amber-no-action", 5: "typo", 9: "blank", 11: "last-round"}.get(i % 40, "")
        _fill(path, rng, config, date(2026, 10, 1) + timedelta(days=rng.randint(0, 30)), mistakes)
    say("Schools: collating, then feedback to every school and the chase and feedback drafts")
    result = collate([folder / "returns"], folder / "schools-summary.xlsx", config, agencies=schools, seed=175)
    feedback = write_feedback(result.out, folder / "feedback", config)
    mailings["chase"] = mail_drafts("chase", result.out, schools, folder / "mail-chase", config)
    mailings["feedback"] = mail_drafts("feedback", folder / "feedback", schools, folder / "mail-feedback", config)
    return SchoolsDemo(folder, result, feedback, mailings)
