"""Fill the performance workbook through the Book port. Every value comes from the rules (``assess``,
``rules.classify_factors``, ``quadrant``); the only thing made here is the text of the formulas that let a
spreadsheet recompute a Value, a Conversion or a Quadrant label when someone edits a figure — each written
with the value the rules gave it, so files carry cached values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, ColumnFormat, Formula, ScatterSpec, Value
from boardbook.book.numfmt import is_percent
from boardbook.performance import contract as c
from boardbook.performance.model import Finding, Indicator
from boardbook.performance.quadrant import measure_words
from boardbook.performance.rules import RiskQuadrant
from boardbook.problems import Problem, write_problems
from boardbook.templates.performance import (
    LENS_HIGHLIGHTS,
    POINT_COLOURS,
    QUADRANT_HIGHLIGHTS,
    RAG_HIGHLIGHTS,
    TREND_HIGHLIGHTS,
)

WRAP = ColumnFormat(wrap=True)
COUNT = ColumnFormat("#,##0")
PERCENT = ColumnFormat("0.0%")
DATE = ColumnFormat("dd/mm/yyyy")


@dataclass
class PerformanceContent:
    """Everything the workbook shows, already decided."""

    partnership: str
    filled_at: datetime
    indicators: list[Indicator]
    findings: list[Finding]
    grid: list[list[str]]
    risk: RiskQuadrant | None = None
    alt_text: str = ""
    sources: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # notes found on the way (Info, Warning)


def _letters(book: Book, table: str, headers: tuple[str, ...]) -> tuple[int, dict[str, str]]:
    _sheet, header_row, first_col = book.table_position(table)
    return header_row, {h: get_column_letter(first_col + j) for j, h in enumerate(headers)}


def _blank(value: object) -> Value:
    return "" if value is None else value


def indicator_rows(book: Book, indicators: list[Indicator]) -> list[list[Value]]:
    header_row, col = _letters(book, c.INDICATORS, c.INDICATORS_HEADERS)
    rows = []
    for i, ind in enumerate(indicators):
        r = header_row + 1 + i
        value: Value = _blank(ind.value)
        if ind.computed:
            value = Formula(f"=ROUND({col['Numerator']}{r}/{col['Denominator']}{r}*{col['Per']}{r},1)", ind.value)
        rows.append(
            [
                ind.priority,
                ind.indicator,
                ind.definition,
                ind.period,
                _blank(ind.numerator),
                _blank(ind.denominator),
                _blank(ind.per),
                value,
                _blank(ind.previous),
                _blank(ind.target),
                ind.polarity or "",
                _blank(ind.tolerance),
                ind.rag or "",
                ind.trend or "",
                _blank(ind.neighbours),
                _blank(ind.england),
                ind.source,
                ind.note,
            ]
        )
    return rows


def risk_rows(book: Book, risk: RiskQuadrant) -> list[list[Value]]:
    header_row, col = _letters(book, c.RISK_FACTORS, c.RISK_FACTORS_HEADERS)
    prevalence = col["Assessments"] if risk.measure == c.ASSESSMENTS else col["Plans"]
    rows = []
    for i, f in enumerate(risk.factors):
        r = header_row + 1 + i
        a, p, conv = f"{col['Assessments']}{r}", f"{col['Plans']}{r}", f"{col['Conversion']}{r}"
        label = (
            f'=IF({conv}="","",IF({prevalence}{r}>=PrevalenceThreshold,"High prevalence","Low prevalence")'
            f'&" / "&IF({conv}>=ImpactThreshold,"High impact","Low impact"))'
        )
        rows.append(
            [
                f.factor,
                f.assessments,
                f.plans,
                Formula(f'=IF({a}>0,{p}/{a},"")', f.conversion),
                Formula(label, f.quadrant),
            ]
        )
    return rows


FIGURES = ("Value", "Previous", "Target", "Tolerance", "Statistical neighbours", "England")


def _figure_formats(book: Book) -> dict[str, ColumnFormat]:
    """Figures are read as shown (0.244 in a % cell is 24.4) and written in their own units (24.4): a figure column
    someone formatted as a percentage would then show 2440.0 %, so it goes back to a plain number."""
    t = book.read_table(c.INDICATORS)
    percent = {t.headers[j] for (_i, j), code in t.formats().items() if j < len(t.headers) and is_percent(code)}
    return {h: ColumnFormat("General") for h in FIGURES if h in percent}


def fill_performance(book: Book, s: PerformanceContent) -> None:
    write_problems(book, s.problems)  # last run's rows cleared
    figures = _figure_formats(book)
    book.write_table(
        c.INDICATORS,
        indicator_rows(book, s.indicators),
        headers=c.INDICATORS_HEADERS,
        formats={
            "Indicator": WRAP,
            "Definition": WRAP,
            "Source": WRAP,
            "Note": WRAP,
            "Numerator": COUNT,
            "Denominator": COUNT,
            "Per": COUNT,
            **figures,
        },
    )
    book.set_choices(c.INDICATORS, "Polarity", c.POLARITIES)
    book.highlight(c.INDICATORS, ["RAG"], RAG_HIGHLIGHTS)
    book.highlight(c.INDICATORS, ["Trend"], TREND_HIGHLIGHTS)

    book.write_table(
        c.EVIDENCE,
        [[f.priority, f.lens, f.finding, f.rag or "", f.source, f.date or ""] for f in s.findings],
        headers=c.EVIDENCE_HEADERS,
        formats={"Finding": WRAP, "Source": WRAP, "Date": DATE},
    )
    book.set_choices(c.EVIDENCE, "Lens", c.LENSES)
    book.set_choices(c.EVIDENCE, "RAG", c.RAG_LABELS)
    book.highlight(c.EVIDENCE, ["RAG"], RAG_HIGHLIGHTS)

    book.write_table(
        c.QUADRANT, s.grid, headers=c.QUADRANT_HEADERS, formats={"Finding (left)": WRAP, "Finding (right)": WRAP}
    )
    book.highlight(c.QUADRANT, ["RAG (left)", "RAG (right)"], RAG_HIGHLIGHTS)
    book.highlight(c.QUADRANT, ["Lens (left)", "Lens (right)"], LENS_HIGHLIGHTS)

    book.set_name("Partnership", s.partnership)
    book.set_name("FilledAt", s.filled_at.strftime("%d/%m/%Y %H:%M"))
    risk = s.risk
    book.write_table(
        c.RISK_FACTORS,
        risk_rows(book, risk) if risk else [],
        headers=c.RISK_FACTORS_HEADERS,
        formats={"Assessments": COUNT, "Plans": COUNT, "Conversion": PERCENT},
    )
    book.highlight(c.RISK_FACTORS, ["Quadrant"], QUADRANT_HIGHLIGHTS)
    if risk is None:
        return
    book.set_name("PrevalenceMeasure", measure_words(risk.measure))
    book.set_name("PrevalenceThreshold", risk.prevalence_threshold)
    book.set_name("ImpactThreshold", risk.impact_threshold)
    x = "Assessments" if risk.measure == c.ASSESSMENTS else "Plans"
    spec = ScatterSpec(
        sheet=c.CHART_SHEET,
        table=c.RISK_FACTORS,
        x=x,
        y="Conversion",
        label="Factor",
        group="Quadrant",
        colours=POINT_COLOURS,
        title="Risk factors: prevalence and conversion to a child protection plan",
        alt_text=s.alt_text,
        x_threshold=risk.prevalence_threshold,
        y_threshold=risk.impact_threshold,
        lines_table=c.THRESHOLD_LINES,
        anchor=c.CHART_ANCHOR,
        x_title=f"Prevalence ({measure_words(risk.measure)})",
        y_title="Conversion to a child protection plan",
        x_line_label="Prevalence threshold" + (" (median)" if risk.prevalence_is_median else ""),
        y_line_label="Impact threshold" + (" (median)" if risk.impact_is_median else ""),
        x_format="#,##0",
        y_format="0%",
    )
    book.add_scatter(spec)
