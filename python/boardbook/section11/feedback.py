"""What each agency hears after collation: pure rules over the summary's rows, no workbook in sight.

An agency sees its own ratings, problems and actions, and the partnership-wide met percentage per standard;
never another agency's row, the configuration or a local path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath, PureWindowsPath

from boardbook.config import Config
from boardbook.folding import fold
from boardbook.section11.rules import met_fraction
from boardbook.textsafe import cell_text

Row = Mapping[str, object]


@dataclass(frozen=True)
class SummaryRows:
    """The summary's tables as read (header -> value per row) and its round and partnership."""

    partnership: str
    round: str
    returns: Sequence[Row]
    problems: Sequence[Row] = ()
    challenge: Sequence[Row] = ()
    missing: Sequence[Row] = ()


@dataclass
class AgencyFeedback:
    """One agency's feedback: rows for ``YourRatings``, ``YourProblems`` and ``YourActions``."""

    agency: str
    partnership: str
    round: str
    ratings: list[list[object]] = field(default_factory=list)
    problems: list[list[object]] = field(default_factory=list)
    actions: list[list[object]] = field(default_factory=list)


def _file_name(value: object) -> str:
    """Only the name of a file, whichever system wrote its path (no local folders leave the partnership)."""
    text = cell_text(value)
    return PureWindowsPath(text).name if "\\" in text else PurePath(text).name


def partnership_met(config: Config, returns: Sequence[Row]) -> dict[str, float | None]:
    """Per standard, the share of agencies' self-ratings that count as met (N/A and blanks left out)."""
    return {
        ref: met_fraction([cell_text(r.get("Rating")) for r in returns if r.get("Ref") == ref], config.scale)
        for ref in config.refs
    }


def feedback(config: Config, summary: SummaryRows) -> list[AgencyFeedback]:
    """One ``AgencyFeedback`` per agency with rows in the summary's ``Returns`` (a valid return), by name."""
    met = partnership_met(config, summary.returns)
    titles = {s.ref: s.title for s in config.standards}
    by_agency: dict[str, list[Row]] = {}
    for r in summary.returns:
        if cell_text(r.get("Agency")):
            by_agency.setdefault(cell_text(r.get("Agency")), []).append(r)
    out = []
    for agency in sorted(by_agency, key=str.casefold):
        rows = by_agency[agency]
        reasons = _challenge_reasons(agency, summary.challenge)
        files = {_file_name(r.get("Source file")) for r in rows} - {""}
        fb = AgencyFeedback(agency, summary.partnership, summary.round)
        order = {ref: i for i, ref in enumerate(config.refs)}
        for r in sorted(rows, key=lambda r: order.get(cell_text(r.get("Ref")), len(order))):
            ref = cell_text(r.get("Ref"))
            fb.ratings.append(
                [
                    ref,
                    titles.get(ref, ""),
                    cell_text(r.get("Rating")),
                    cell_text(r.get("Moderated rating")),
                    met.get(ref),
                    "; ".join(reasons.get(ref, []) + reasons.get("", [])),
                    cell_text(r.get("Board comment")),
                ]
            )
            if any(cell_text(r.get(h)) for h in ("Action", "Owner", "Due")):
                due = r.get("Due")
                fb.actions.append(
                    [
                        ref,
                        cell_text(r.get("Action")),
                        cell_text(r.get("Owner")),
                        due if due != "" else None,
                        cell_text(r.get("Action status")),
                    ]
                )
        fb.problems = [
            [
                _file_name(p.get("File")),
                cell_text(p.get("Sheet")),
                cell_text(p.get("Cell")),
                cell_text(p.get("Problem")),
                cell_text(p.get("Severity")),
            ]
            for p in summary.problems
            if _file_name(p.get("File")) in files
        ]
        out.append(fb)
    return out


def _challenge_reasons(agency: str, challenge: Sequence[Row]) -> dict[str, list[str]]:
    """Ref -> why it goes to the challenge event ("" for the whole return, as a random sample)."""
    reasons: dict[str, list[str]] = {}
    for row in challenge:
        if fold(cell_text(row.get("Agency"))) == fold(agency) and cell_text(row.get("Reason")):
            reasons.setdefault(cell_text(row.get("Ref")), []).append(cell_text(row.get("Reason")))
    return reasons
