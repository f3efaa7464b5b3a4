"""Plain records of the tracker: a recommendation as read, remembering where each value was typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from boardbook.errors import Location
from boardbook.problems import Problem, ProblemError


@dataclass
class Recommendation:
    ref: str
    review: str
    review_type: str
    agreed: date | None
    recommendation: str
    theme: str
    lead_agency: str
    owner: str
    due: date | None
    status: str  # one of contract.STATUSES
    impact_evidence: str
    updated: date | None
    where: dict[str, Location] = field(default_factory=dict)


@dataclass
class TrackerInput:
    source: str
    partnership: str
    as_at: date | None  # the workbook's AsAt, if it had one
    recommendations: list[Recommendation]
    warnings: list[Problem] = field(default_factory=list)


class LearningInputError(ProblemError):
    """Everything wrong with a tracker input, each problem naming its file and cell (or row and column)."""


# Every problem a tracker input can have, by its stable code (README lists them; tests/test_learning.py proves
# each is produced by a real file and that nothing else is).
CODES = {
    "learning-unreadable": "the tracker cannot be read (missing, not a workbook or CSV, no Recommendations table)",
    "learning-column-missing": "the Recommendations table or CSV file has no column the tracker needs",
    "learning-ref-blank": "a recommendation has no Ref",
    "learning-ref-duplicate": "two recommendations have the same Ref",
    "learning-review-blank": "a recommendation does not say which Review it came from",
    "learning-review-type-unknown": "a Review type is not CSPR, Rapid review, SCR, Audit, Inspection or Other",
    "learning-recommendation-blank": "a row has no Recommendation text",
    "learning-theme-blank": "a recommendation has no Theme",
    "learning-status-unknown": "a Status is not Not started, In progress, Completed or Evidenced",
    "learning-not-a-date": "an Agreed, Due or Updated cell holds something that is not a date",
    "learning-as-at-invalid": "the report date (AsAt, or --as-at) is not a date",
    "learning-no-impact-evidence": "a recommendation is completed but no impact evidence is recorded",
}
