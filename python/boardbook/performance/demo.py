"""The performance demo: Northmoor Safeguarding Children Partnership's quarterly PAQA report, end to end.

The bundled inputs (``boardbook/data/performance/``) are copied out as an analyst would keep them: last
year's indicator list, this year's (three priorities, a dozen indicators), the evidence for every lens,
and fifteen risk factors found at assessment. Last year's workbook is filled first; this year's is filled
with it as ``--previous``, so trends appear where this year's list gives no previous value.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

from boardbook.config import load_config
from boardbook.performance.pipeline import fill_workbook

INPUTS = ("indicators-2023-24.csv", "indicators.csv", "evidence.csv", "risk-factors.csv")


def write_demo_inputs(folder: Path) -> dict[str, Path]:
    """Copy the bundled demo inputs into ``folder``; returns file name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    data = resources.files("boardbook.data").joinpath("performance")
    out = {}
    for name in INPUTS:
        target = folder / name
        target.write_bytes(data.joinpath(name).read_bytes())
        out[name] = target
    return out


def run_performance_demo(out_dir: Path) -> Path:
    """Write the demo inputs under ``out_dir/performance-inputs`` and fill the two workbooks; returns the
    2024/25 workbook (``out_dir/quadrant-performance.xlsx``)."""
    out_dir = Path(out_dir)
    inputs = write_demo_inputs(out_dir / "performance-inputs")
    config = load_config()
    last_year = fill_workbook(
        out_dir / "quadrant-performance-2023-24.xlsx",
        config,
        indicators=[inputs["indicators-2023-24.csv"]],
        now=datetime(2024, 5, 20, 9, 0),
    )
    result = fill_workbook(
        out_dir / "quadrant-performance.xlsx",
        config,
        indicators=[inputs["indicators.csv"]],
        evidence=inputs["evidence.csv"],
        risk_factors=inputs["risk-factors.csv"],
        previous=last_year.out,
        now=datetime(2025, 5, 19, 9, 0),
    )
    return result.out
