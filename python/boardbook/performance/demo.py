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

from boardbook.book import open_book
from boardbook.config import load_config
from boardbook.performance import contract as c
from boardbook.performance.pipeline import fill_workbook

INPUTS = ("indicators-2023-24.csv", "indicators.csv", "evidence.csv", "risk-factors.csv")
REFLECTIONS = (  # what the board said of each priority at its year-end review: the annual report's words
    ("Neglect", c.WENT_WELL, "Children spend less time on long child protection plans, and parents in the family "
     "network pilot say plans are written with them."),
    ("Neglect", c.EVEN_BETTER, "Repeat child protection plans are rising and above our statistical neighbours: the "
     "neglect subgroup will look at plans that end before parents' capacity to change is tested."),
    ("Child exploitation", c.WENT_WELL, "Return interviews are offered sooner, and young people tell us they talk to "
     "a worker they already know."),
    ("Child exploitation", c.EVEN_BETTER, "School staff are unsure how to refer concerns about criminal "
     "exploitation outside school hours: the partnership will publish one route and train designated leads in it."),
    ("Safeguarding in education", c.WENT_WELL, "More schools completed their section 175 audit than last year, and "
     "more designated safeguarding leads are trained."),
    ("Safeguarding in education", c.EVEN_BETTER, "More children are electively home educated each year: we will "
     "add them to the dataset and hear from their families."),
)  # fmt: skip


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
    """Write the demo inputs under ``out_dir/performance-inputs`` and fill the two workbooks, the board's
    reflections typed into this year's; returns the 2024/25 workbook (``out_dir/quadrant-performance.xlsx``)."""
    out_dir = Path(out_dir)
    inputs = write_demo_inputs(out_dir / "performance-inputs")
    config = load_config()
    last_year = fill_workbook(
        out_dir / "quadrant-performance-2023-24.xlsx",
        config,
        indicators=[inputs["indicators-2023-24.csv"]],
        now=datetime(2024, 5, 20, 9, 0),
    )
    this_year = {
        "indicators": [inputs["indicators.csv"]],
        "evidence": inputs["evidence.csv"],
        "risk_factors": inputs["risk-factors.csv"],
        "previous": last_year.out,
        "now": datetime(2025, 5, 19, 9, 0),
    }
    result = fill_workbook(out_dir / "quadrant-performance.xlsx", config, **this_year)  # type: ignore[arg-type]
    book = open_book(result.out)  # the board's reflections, typed into the workbook's Reflections table
    book.write_table(c.REFLECTIONS, [list(r) for r in REFLECTIONS])
    # then filled again in place, as the next press of the ribbon would: a workbook opened from a file holds its
    # formulas without their results, and the filled workbook must carry every one (pandas, calamine read them)
    fill_workbook(None, config, book=book, **this_year)  # type: ignore[arg-type]
    return book.save(result.out)
