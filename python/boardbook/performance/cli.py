"""``boardbook performance ...``: fill the quadrant performance workbook, import DfE open data.

Mounted in the main CLI as ``app.add_typer(performance_app, name="performance")``. Errors are raised as
``boardbook.errors`` exceptions; the main entry point prints them as one line and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from boardbook.errors import UsageError
from boardbook.performance import contract as c
from boardbook.terminal import ConfigOpt, live_book, out

app = typer.Typer(
    help="Performance, audit and quality assurance: the quadrant performance workbook.", no_args_is_help=True
)

LaOpt = Annotated[
    str | None,
    typer.Option(
        "--la",
        help="Local authority in the EES file: its name as DfE writes it (e.g. 'Leeds'), or its old or new LA code.",
    ),
]
MeasureOpt = Annotated[
    list[str] | None,
    typer.Option("--measure", help="A measure column of the EES file, e.g. CPP_subsequent_percent (repeat for more)."),
]
NeighboursOpt = Annotated[
    Path | None,
    typer.Option(
        "--neighbours",
        dir_okay=False,
        help="DfE statistical neighbour file (e.g. sn_model_2025_wide.csv): adds the mean of the LA's ten neighbours.",
    ),
]
PeriodsOpt = Annotated[
    int | None, typer.Option("--periods", min=1, help="Keep only the latest N periods of each measure (default: all).")
]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--where", help="COLUMN=VALUE: pick one row per LA and period in a file with a breakdown (repeatable)."
    ),
]


def _threshold(text: str | None, option: str) -> float | None:
    """A threshold typed as 0.25, 25% or 420 (impact: a fraction, or a percentage with %)."""
    if text is None:
        return None
    raw = text.strip()
    try:
        value = float(raw.removesuffix("%").replace(",", "")) / (100 if raw.endswith("%") else 1)
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: give a number"
            + (" (a fraction such as 0.25, or 25%)" if option == "--impact-threshold" else "")
        ) from None
    if value < 0:
        raise UsageError(f"{option} {text!r}: must be 0 or more")
    if option == "--impact-threshold" and value > 1:
        raise UsageError(f"{option} {text!r}: give the conversion as a fraction (0.25) or a percentage (25%)")
    return value


@app.command("fill")
def fill(
    indicators: Annotated[
        list[Path],
        typer.Option(
            "--indicators",
            dir_okay=False,
            help="Indicator list (CSV or "
            ".xlsx in the Indicators columns) or a DfE EES CSV "
            "(needs --la and --measure). Repeat for more files.",
        ),
    ],
    out_path: Annotated[
        Path,
        typer.Option(
            "--out", dir_okay=False, help="The performance workbook to write (.xlsx; an existing one is replaced)."
        ),
    ],
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence", dir_okay=False, help="Findings: CSV or .xlsx with Priority, Lens, Finding, RAG, Source, Date."
        ),
    ] = None,
    risk_factors: Annotated[
        Path | None,
        typer.Option(
            "--risk-factors",
            dir_okay=False,
            help="Risk factors at assessment: CSV or .xlsx with Factor, Assessments, Plans.",
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            dir_okay=False,
            help="A previous filled performance workbook: its values become Previous where the input has none.",
        ),
    ] = None,
    prevalence_threshold: Annotated[
        str | None,
        typer.Option(
            "--prevalence-threshold",
            help="Risk factors at or above this prevalence are High prevalence (default: the median).",
        ),
    ] = None,
    impact_threshold: Annotated[
        str | None,
        typer.Option(
            "--impact-threshold",
            help="Risk factors at or above this conversion are High impact, e.g. 0.25 or 25% (default: the median).",
        ),
    ] = None,
    prevalence_measure: Annotated[
        str,
        typer.Option(
            "--prevalence-measure",
            help="assessments (identifying the factor) or plans (children who went on to a plan).",
        ),
    ] = c.ASSESSMENTS,
    la: LaOpt = None,
    measure: MeasureOpt = None,
    neighbours: NeighboursOpt = None,
    periods: PeriodsOpt = None,
    where: WhereOpt = None,
    config: ConfigOpt = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="Fill the --out workbook open in a running Excel (it stays "
            "open, unsaved). Without Excel, fills the file and says so.",
        ),
    ] = False,
) -> None:
    """Fill the quadrant performance workbook from indicators, evidence and risk factors."""
    from boardbook.performance.pipeline import EesOptions, fill_workbook
    from boardbook.recorded import choose_config

    measure_name = prevalence_measure.strip().casefold()
    if measure_name not in c.PREVALENCE_MEASURES:
        raise UsageError(f"--prevalence-measure {prevalence_measure!r}: use assessments or plans")
    result = fill_workbook(
        out_path,
        choose_config(config, out_path, previous),
        indicators=indicators,
        evidence=evidence,
        risk_factors=risk_factors,
        previous=previous,
        ees_options=EesOptions(la, measure or (), neighbours, periods, where or ()),
        prevalence_threshold=_threshold(prevalence_threshold, "--prevalence-threshold"),
        impact_threshold=_threshold(impact_threshold, "--impact-threshold"),
        prevalence_measure=measure_name,
        book=live_book(out_path) if excel else None,
    )
    counts = result.rag_counts
    rag = ", ".join(f"{counts[k]} {k}" for k in (*c.RAG_LABELS, "not rated") if counts[k])
    out.print(
        f"wrote {result.out}: {len(result.indicators)} indicators ({rag or 'none'}), "
        f"{len(result.findings)} findings, {len(result.risk.factors) if result.risk else 0} risk factors"
        + (f"; {len(result.problems)} notes in its Problems table" if result.problems else "")
    )


@app.command("ees")
def ees_import(
    file: Annotated[
        Path, typer.Argument(dir_okay=False, help="A DfE open-data CSV from Explore Education Statistics.")
    ],
    la: Annotated[
        str,
        typer.Option(
            "--la", help="Local authority: its name as DfE writes it (e.g. 'Leeds'), or its old or new LA code."
        ),
    ],
    measure: Annotated[
        list[str], typer.Option("--measure", help="A measure column, e.g. CPP_subsequent_percent (repeat for more).")
    ],
    out_path: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="Indicator rows CSV to write (the Indicators input format).")
    ],
    neighbours: NeighboursOpt = None,
    periods: PeriodsOpt = None,
    where: WhereOpt = None,
    priority: Annotated[
        str,
        typer.Option(
            "--priority",
            help="Priority to write on every row (default: blank, for you to fill in before `performance fill`).",
        ),
    ] = "",
) -> None:
    """Import an EES CSV as indicator rows: one per measure and period for one local authority."""
    from boardbook.performance.pipeline import EesOptions, import_ees_csv

    rows = import_ees_csv(
        file,
        la,
        measure,
        out_path,
        priority=priority,
        options=EesOptions(neighbours=neighbours, periods=periods, where=where or ()),
    )
    out.print(
        f"wrote {out_path}: {len(rows)} indicator rows ({len(measure)} measure"
        f"{'s' * (len(measure) != 1)} × {len(rows) // max(1, len(measure))} periods) for {la}"
    )
