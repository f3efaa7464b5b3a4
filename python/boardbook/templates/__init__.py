"""Code that builds every standard workbook. The files in workbooks/ are its committed output."""

from __future__ import annotations

from pathlib import Path

from boardbook.config import Config


def build_all(out: str | Path, config: Config) -> list[Path]:
    """Write every standard workbook into ``out``; returns the paths written."""
    from boardbook.templates.budget import build_budget
    from boardbook.templates.concerns import build_concerns
    from boardbook.templates.learning import build_learning
    from boardbook.templates.performance import build_performance
    from boardbook.templates.section11_return import build_return
    from boardbook.templates.section11_summary import build_summary
    from boardbook.templates.training import build_training

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    builders = (
        ("section11-return.xlsx", build_return),
        ("section11-summary.xlsx", build_summary),
        ("budget.xlsx", build_budget),
        ("quadrant-performance.xlsx", build_performance),
        ("training-evaluation.xlsx", build_training),
        ("learning-improvement.xlsx", build_learning),
        ("concerns-matrix.xlsx", build_concerns),
    )
    for name, builder in builders:
        written.append(builder(config).save(folder / name))
    return written
