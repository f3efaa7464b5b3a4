"""Worksheet functions (xlwings UDFs): thin wrappers over the same rules the fills use.

Each returns a short, Excel-friendly message for bad arguments — never a traceback in a cell. On Windows
the add-in's pre-built VBA wrappers call these through xlwings; elsewhere (and in tests) they are plain
functions, because ``xlwings.func``/``arg``/``ret`` are no-op decorators off Windows.

    =BB_RATE(212, 58410)              36.3        (per 10,000, 1 d.p., as DfE publishes)
    =BB_PCTCHANGE(422, 626)           0.4834…     (format the cell as %)
    =BB_RAG(23, 20, "lower", 3)       Amber
    =BB_FY(DATE(2021,3,31))           2020/21
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, overload

import xlwings as xw

from boardbook.config import Scale, load_config
from boardbook.dates import parse_date
from boardbook.performance import rules as perf
from boardbook.performance.ees import CODES as EES_CODES
from boardbook.performance.ees import parse_value as ees_value
from boardbook.section11 import rules as s11

CATEGORY = "boardbook"
UDFS: list[str] = []  # Excel names, in the order the add-in lists them
ARG_DOCS: dict[str, dict[str, str]] = {}  # function -> argument -> help text (for the add-in's wrappers)


def arg(name: str, doc: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``xlwings.arg`` that also records the help text, so wrappers built on Linux carry it too."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        ARG_DOCS.setdefault(fn.__name__, {})[name] = doc
        return xw.arg(name, doc=doc)(fn)

    return decorate


class ArgumentError(ValueError):
    """A bad argument, worded for the cell that shows it."""


def udf(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``fn`` as a worksheet function; any error becomes "#BB! <why>" text in the cell.

    Arguments and results are typed ``Any`` on purpose: xlwings on Windows turns type hints into converters
    and has none for ``object`` or unions (the add-in's verify step checks this).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ArgumentError, ValueError, TypeError) as exc:
            return f"#BB! {fn.__name__}: {exc}"

    UDFS.append(fn.__name__)
    return xw.func(category=CATEGORY)(wrapper)


@overload
def _number(name: str, value: object, *, required: Literal[True] = True) -> float: ...
@overload
def _number(name: str, value: object, *, required: Literal[False]) -> float | None: ...
def _number(name: str, value: object, *, required: bool = True) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ArgumentError(f"{name} is blank")
        return None
    if isinstance(value, bool):
        raise ArgumentError(f"{name} must be a number, not TRUE/FALSE")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ArgumentError(f"{name} must be a finite number")
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise ArgumentError(f"{name} must be a number, not {value!r}") from None


def _flatten(values: object) -> list[object]:
    if isinstance(values, list | tuple):
        return [v for item in values for v in _flatten(item)]
    return [values]


@udf
@arg("count", doc="How many (e.g. children on a plan).")
@arg("population", doc="Population aged 0-17 (ONS mid-year estimate); must be above 0.")
@arg("per", doc="Rate per how many; default 10,000 as DfE publishes.")
@arg("decimals", doc="Decimal places; default 1 as DfE publishes.")
def BB_RATE(count: Any, population: Any, per: Any = 10_000, decimals: Any = 1) -> Any:
    """Rate per 10,000 children: count ÷ population × per, rounded as DfE rounds (half away from zero)."""
    pop = _number("population", population)
    if pop is not None and pop <= 0:
        raise ArgumentError("population must be above 0")
    places = _number("decimals", decimals, required=False)
    return perf.rate(
        _number("count", count),
        pop,
        _number("per", per, required=False) or 10_000,
        int(places) if places is not None else 1,
    )


@udf
@arg("old", doc="The earlier value.")
@arg("new", doc="The later value.")
def BB_PCTCHANGE(old: Any, new: Any) -> Any:
    """Change from old to new as a fraction of old (format as %); 0 to 0 is 0; from 0 to anything is "n/a"."""
    a, b = _number("old", old), _number("new", new)
    if a == 0:
        return 0.0 if b == 0 else "n/a"
    return (b - a) / abs(a)


@udf
@arg("value", doc="This period's value.")
@arg("target", doc="The target.")
@arg("polarity", doc='"higher" or "lower" (is better).')
@arg("tolerance", doc="How far from target still counts as Amber, in the indicator's units; default 0.")
def BB_RAG(value: Any, target: Any, polarity: Any, tolerance: Any = 0) -> Any:
    """Green (meets the target), Amber (within tolerance) or Red, by polarity."""
    p = perf.polarity(polarity)
    if p is None:
        raise ArgumentError('polarity is blank: use "higher" or "lower"')
    return (
        perf.rag(
            _number("value", value), _number("target", target), p, _number("tolerance", tolerance, required=False) or 0
        )
        or ""
    )


@udf
@arg("previous", doc="The earlier value.")
@arg("value", doc="This period's value.")
@arg("polarity", doc='"higher" or "lower" (is better).')
def BB_TREND(previous: Any, value: Any, polarity: Any) -> Any:
    """Improving, Worsening or No change from previous to value, by polarity."""
    p = perf.polarity(polarity)
    if p is None:
        raise ArgumentError('polarity is blank: use "higher" or "lower"')
    return perf.trend(_number("value", value), _number("previous", previous), p) or ""


@udf
@arg("prevalence", doc="How common the factor is (assessments identifying it, or children on a plan).")
@arg("conversion", doc="Plans ÷ assessments for the factor (a fraction).")
@arg("prevalence_threshold", doc="At or above this, prevalence is High.")
@arg("impact_threshold", doc="At or above this, impact is High.")
def BB_QUADRANT(prevalence: Any, conversion: Any, prevalence_threshold: Any, impact_threshold: Any) -> Any:
    """One of the four risk-factor quadrant labels, e.g. "High prevalence / Low impact"."""
    return perf.classify(
        _number("prevalence", prevalence),
        _number("conversion", conversion),
        _number("prevalence_threshold", prevalence_threshold),
        _number("impact_threshold", impact_threshold),
    )


CONFIG_SECONDS = 5.0  # how long a workbook's recorded configuration is reused between recalculations
_configs: dict[str, tuple[float, Scale]] = {}


def _scale(caller: Any) -> Scale:
    """The rating scale of the calling cell's workbook (the configuration it records).

    ``caller`` is the calling range, which xlwings passes in place of the argument named ``caller``; called
    from Python (no workbook), the bundled default's scale is used.
    """
    if caller is None:
        return load_config().scale
    book = caller.sheet.book
    key = str(getattr(book, "fullname", "") or getattr(book, "name", ""))
    now = time.monotonic()
    cached = _configs.get(key)
    if cached and now - cached[0] < CONFIG_SECONDS:
        return cached[1]
    from boardbook.book import live_port
    from boardbook.recorded import NOT_RECORDED, recorded_config

    config = recorded_config(live_port(book))
    if config is None:
        raise ArgumentError(
            NOT_RECORDED.format(name=getattr(book, "name", "this workbook")) + ": use the ribbon "
            "to collate or make returns with a configuration first"
        )
    _configs[key] = (now, config.scale)
    return config.scale


def _labels(ratings: object, caller: Any) -> tuple[list[str], Scale]:
    scale = _scale(caller)
    out = []
    for v in _flatten(ratings):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        label = scale.normalise(v)
        if label is None:
            raise ArgumentError(f"{v!r} is not a rating ({', '.join(scale.labels)})")
        out.append(label)
    return out, scale


@udf
@arg("ratings", doc="A range of section 11 rating labels (blanks and Not applicable are left out).")
def BB_S11SCORE(ratings: Any, caller: Any = None) -> Any:
    """Mean score of the ratings on the workbook's own scale (e.g. Fully met 3 … Not met 0)."""
    labels, scale = _labels(ratings, caller)
    score = s11.mean_score(labels, scale)
    return "n/a" if score is None else score


@udf
@arg("ratings", doc="A range of section 11 rating labels (blanks and Not applicable are left out).")
def BB_METPCT(ratings: Any, caller: Any = None) -> Any:
    """Fraction of rated standards that are met on the workbook's own scale (e.g. Fully or Mostly met); as %."""
    labels, scale = _labels(ratings, caller)
    met = s11.met_fraction(labels, scale)
    return "n/a" if met is None else met


def financial_year(day: date) -> str:
    """ "2020/21" for any date from 1 April 2020 to 31 March 2021."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


@udf
@arg("day", doc="A date (or a UK date typed as text).")
def BB_FY(day: Any) -> Any:
    """The financial year (April to March) a date falls in, written "2020/21"."""
    if isinstance(day, datetime | date):
        return financial_year(day if not isinstance(day, datetime) else day.date())
    parsed = parse_date(day)
    if parsed is None:
        raise ArgumentError(f"{day!r} is not a date")
    return financial_year(parsed)


@udf
@arg("value", doc="A cell from a DfE open-data (EES) file.")
def BB_EES(value: Any) -> Any:
    """The number in an EES cell, or what its code means: c suppressed, z not applicable, x or : not available."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = "" if value is None else str(value)
    if text.strip().casefold() in EES_CODES:
        return EES_CODES[text.strip().casefold()]
    number, _note = ees_value(text)
    if number is None:
        raise ArgumentError("blank cell")
    return number
