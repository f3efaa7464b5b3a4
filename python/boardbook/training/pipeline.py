"""The training evaluation job, top to bottom — the one function the CLI and the ribbon call:

1. read the evaluation exports (``reader``): the mapped columns only, rows off the scale left out with a warning;
2. work out learning gain per course and per sector, and the reach per sector (``rules``, pure);
3. fill a fresh training workbook through the Book port (``fill``), warnings in its ``Problems`` table, and
   save it atomically — or fill the workbook open in Excel and leave it unsaved for its owner.

Inputs are read once and never written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from boardbook.atomic import refuse_input_as_output
from boardbook.book.base import Book
from boardbook.config import Config
from boardbook.errors import UsageError
from boardbook.problems import Problem, by_severity, shown_in
from boardbook.recorded import record_config
from boardbook.templates.training import build_training
from boardbook.training import rules
from boardbook.training.fill import TrainingContent, fill_training
from boardbook.training.model import Evaluation
from boardbook.training.reader import read_evaluations


@dataclass
class TrainingResult:
    out: Path | None
    evaluations: list[Evaluation]
    by_course: list[rules.Gain]
    by_sector: list[rules.Gain]
    reach: list[rules.Reach]
    problems: list[Problem] = field(default_factory=list)  # warnings written to the Problems table


def fill_training_file(
    inputs: Sequence[str | Path],
    out: str | Path | None,
    config: Config,
    *,
    now: datetime | None = None,
    book: Book | None = None,
) -> TrainingResult:
    """Read the exports, work out the learning gain and write the filled workbook to ``out``.

    With ``book`` (the workbook open in Excel) that book is filled instead and left unsaved.

    Raises:
        TrainingInputError: an export cannot be read, lacks a column, or holds no usable evaluation.
        UsageError: no inputs, or an output that is an input or not an .xlsx name.
    """
    if not inputs:
        raise UsageError("give at least one evaluation export (CSV or .xlsx)")
    target = Path(out) if out is not None else None
    if book is None:
        if target is None:
            raise UsageError("give --out: the filled workbook to write")
        if target.suffix.lower() != ".xlsx":
            raise UsageError(f"--out {target}: the training workbook is an .xlsx file (give a name ending .xlsx)")
        refuse_input_as_output(target, *inputs)
    with shown_in(book):
        read = read_evaluations(inputs, config)
    evaluations = rules.one_spelling(read.rows)
    content = TrainingContent(
        partnership=config.partnership,
        filled_at=now or datetime.now().replace(microsecond=0),
        scale=config.training,
        evaluations=evaluations,
        by_course=rules.learning_gain(evaluations, lambda e: e.course),
        by_sector=rules.learning_gain(evaluations, lambda e: e.sector),
        reach=rules.reach(evaluations),
        problems=by_severity(read.problems),
    )
    result = TrainingResult(
        target,
        evaluations,
        list(content.by_course),
        list(content.by_sector),
        list(content.reach),
        list(content.problems),
    )
    if book is not None:
        fill_training(book, content)
        record_config(book, config)
        return result
    assert target is not None
    fresh = build_training(config)
    fill_training(fresh, content)
    record_config(fresh, config)
    fresh.save(target, backup=True)
    return result
