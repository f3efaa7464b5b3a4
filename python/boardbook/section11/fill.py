"""Fill the board summary through the Book port. Values come from the rules; nothing is computed here
except the text of the formulas that let Excel recompute met percentages when rows are edited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, ChartSpec, ColumnFormat, Formula, Highlight, Value
from boardbook.config import Agency, Config, Scale
from boardbook.problems import Problem, write_problems
from boardbook.recorded import CONFIG_TABLE, record_config
from boardbook.section11 import contract as c
from boardbook.section11.feedback import AgencyFeedback
from boardbook.section11.history import DECLINING, IMPROVING, STEADY, Trend
from boardbook.section11.moderation import Counts
from boardbook.section11.rules import Key, StandardSummary, key
from boardbook.templates.section11_return import fill_checks
from boardbook.templates.section11_summary import CHART, CHART_ANCHOR, TREND_ANCHOR
from boardbook.templates.styles import rating_highlights

DATE = ColumnFormat(number_format="dd/mm/yyyy")
DATETIME = ColumnFormat(number_format="dd/mm/yyyy hh:mm")
WRAP = ColumnFormat(wrap=True)
PERCENT = ColumnFormat(number_format="0%")
CHART_COLOURS = ("2E7D32", "7CB342", "F9A825", "EF6C00", "C62828")
CHART_NA = "9E9E9E"


@dataclass
class SummaryContent:
    """Everything the summary shows, already decided by the rules."""

    config: Config
    partnership: str
    collated_at: datetime
    round: str
    returns: Sequence[Sequence[object]]
    matrix: list[tuple[str, dict[str, str], float | None]]  # agency, ref -> label, met fraction
    standards: list[StandardSummary]
    challenge: Sequence[Sequence[object]] = field(default_factory=list)
    comparison: Sequence[Sequence[object]] = field(default_factory=list)
    missing: Sequence[Sequence[object]] = field(default_factory=list)
    problems: Sequence[Problem] = field(default_factory=list)
    removed: Sequence[Sequence[object]] = field(default_factory=list)
    log: Sequence[Sequence[object]] = field(default_factory=list)
    moderation: Sequence[tuple[str, str, Counts]] = field(default_factory=list)  # agency, sector, counts
    moderation_by_standard: Sequence[tuple[str, Counts]] = field(default_factory=list)  # ref, counts
    history: Sequence[Sequence[object]] = field(default_factory=list)
    trend: Trend = field(default_factory=lambda: Trend([], []))
    survey: Sequence[Sequence[object]] = field(default_factory=list)


def _range(col: int, first: int, last: int, sheet: str = "") -> str:
    prefix = f"'{sheet}'!" if sheet else ""
    letter = get_column_letter(col)
    return f"{prefix}${letter}${first}:${letter}${last}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fill_summary(book: Book, s: SummaryContent) -> None:
    cfg, scale = s.config, s.config.scale
    refs, labels = cfg.refs, scale.labels
    highlights = rating_highlights(scale)

    book.write_table(
        c.RETURNS,
        s.returns,
        headers=c.RETURNS_HEADERS,
        formats={"Evidence": WRAP, "Action": WRAP, "Board comment": WRAP, "Due": DATE, "Score": ColumnFormat("0")},
    )
    book.set_choices(c.RETURNS, "Moderated rating", labels)
    book.set_choices(c.RETURNS, "Action status", c.ACTION_STATUSES)
    book.highlight(c.RETURNS, ["Rating", "Moderated rating"], highlights)

    # Matrix: label text in every cell (the moderated label, marked, where one was agreed; colour is a second
    # signal), Met % as a live formula over the self-ratings in Returns.
    r_sheet, r_row, r_col = book.table_position(c.RETURNS)
    r_last = r_row + max(1, len(s.returns))

    def returns_range(header: str) -> str:
        return _range(r_col + c.RETURNS_HEADERS.index(header), r_row + 1, r_last, r_sheet)

    agency_rng, ref_rng = returns_range("Agency"), returns_range("Ref")
    rating_rng, score_rng = returns_range("Rating"), returns_range("Score")
    f = _Terms(scale, rating_rng, returns_range("Moderated rating"))
    _m_sheet, m_row, m_col = book.table_position(c.MATRIX)
    matrix_rows = []
    for i, (agency, by_ref, met) in enumerate(s.matrix):
        crit = f"({agency_rng}=${get_column_letter(m_col)}{m_row + 1 + i})"
        rated = f"SUMPRODUCT({crit}*{f.scored(f.own)})"
        formula = f'=IF({rated}=0,"",SUMPRODUCT({crit}*{f.met(f.own)})/{rated})'
        labels_by_ref = (by_ref.get(ref, "") for ref in refs)
        matrix_rows.append([agency, *labels_by_ref, _live(formula, _blank(met))])
    book.write_table(c.MATRIX, matrix_rows, headers=c.matrix_headers(refs), formats={"Met %": PERCENT})
    moderated = [Highlight(h.text + c.MODERATED_SUFFIX, h.fill, h.font) for h in highlights]
    book.highlight(c.MATRIX, refs, [*highlights, *moderated])
    _fill_moderation(book, s, f, agency_rng, ref_rng)

    # Standards: counts per label from the Returns table, so edits there flow through.
    _s_sheet, s_row, s_col = book.table_position(c.STANDARDS)
    headers = c.standards_headers(labels)
    titles = {st.ref: st.title for st in cfg.standards}
    std_rows = []
    for i, st in enumerate(s.standards):
        r = s_row + 1 + i
        ref_cell = f"${get_column_letter(s_col)}{r}"
        label_cells = {lb: f"{get_column_letter(s_col + headers.index(lb))}{r}" for lb in labels}
        counts = [
            Formula(f"=SUMPRODUCT(({ref_rng}={ref_cell})*({rating_rng}={_quote(lb)}))", st.counts[lb]) for lb in labels
        ]
        rated_cell = f"{get_column_letter(s_col + headers.index('Rated'))}{r}"
        met_cell = f"{get_column_letter(s_col + headers.index('Met'))}{r}"
        rated = "+".join(v for lb, v in label_cells.items() if lb != scale.not_applicable)
        met_sum = "+".join(v for lb, v in label_cells.items() if scale.is_met(lb))
        std_rows.append(
            [
                st.ref,
                titles.get(st.ref, ""),
                *counts,
                Formula(f"={rated}", st.rated),
                Formula(f"={met_sum}", st.met),
                Formula(f'=IF({rated_cell}=0,"",{met_cell}/{rated_cell})', _blank(st.met_fraction)),
                Formula(
                    f'=IF({rated_cell}=0,"",SUMPRODUCT(--({ref_rng}={ref_cell}),{score_rng})/{rated_cell})',
                    _blank(st.mean_score),
                ),
            ]
        )
    book.write_table(
        c.STANDARDS,
        std_rows,
        headers=headers,
        formats={"Met %": PERCENT, "Mean score": ColumnFormat("0.00"), "Standard": WRAP},
    )

    colours = {}
    for i, level in enumerate(sorted(scale.levels, key=lambda lv: -lv.score)):
        n = len(scale.levels)
        colours[level.label] = CHART_COLOURS[round(i * (len(CHART_COLOURS) - 1) / (n - 1)) if n > 1 else 0]
    if scale.not_applicable:
        colours[scale.not_applicable] = CHART_NA
    book.add_chart(
        ChartSpec(
            sheet=CHART,
            table=c.STANDARDS,
            categories="Ref",
            series=labels,
            anchor=CHART_ANCHOR,
            title="Ratings per standard",
            x_title="Standard",
            y_title="Number of agencies",
            colours=colours,
            alt_text=_alt_text(s),
            height_cm=max(10, 1.1 * len(refs) + 4),
        )
    )

    _fill_history(book, s)
    book.write_table(c.SURVEY, s.survey, headers=c.SURVEY_HEADERS, formats={"Positive %": PERCENT})
    book.highlight(c.SURVEY, ["Self rating"], highlights)
    book.write_table(c.CHALLENGE, s.challenge, formats={"Evidence": WRAP, "Reason": WRAP})
    book.highlight(c.CHALLENGE, ["Rating"], highlights)
    book.write_table(c.COMPARISON, s.comparison, formats={"Change": ColumnFormat("+0;-0;0")})
    book.highlight(c.COMPARISON, ["Previous", "Current"], highlights)
    book.write_table(c.MISSING, s.missing)
    write_problems(book, s.problems)
    book.write_table(c.REMOVED, s.removed, formats={"Due": DATE, "Removed at": DATETIME, "Evidence": WRAP})
    book.write_table(c.LOG, s.log, headers=c.LOG_HEADERS, formats={"Run at": DATETIME, "Changes": WRAP})
    record_config(book, cfg)
    book.set_name("Partnership", s.partnership)
    set_or_add_name(book, "Round", s.round)
    book.set_name("CollatedAt", s.collated_at.strftime("%d/%m/%Y %H:%M"))
    book.set_name("TemplateVersion", c.TEMPLATE_VERSION)


class _Terms:
    """Spreadsheet expressions over the Returns columns: which rows hold a label of the scale, a met label, a
    scored label, and the score a label stands for. Plain ``=`` comparisons summed, so Excel, LibreOffice and
    Google Sheets compute them alike inside SUMPRODUCT (text compared ignoring case, as ``moderation`` does)."""

    def __init__(self, scale: Scale, own: str, moderated: str) -> None:
        self.scale, self.own, self.moderated = scale, own, moderated

    def _sum(self, rng: str, labels: Sequence[str]) -> str:
        return "(" + "+".join(f"({rng}={_quote(lb)})" for lb in labels) + ")" if labels else "0"

    def any(self, rng: str) -> str:
        return self._sum(rng, self.scale.labels)

    def scored(self, rng: str) -> str:
        return self._sum(rng, [lv.label for lv in self.scale.levels])

    def met(self, rng: str) -> str:
        return self._sum(rng, [lv.label for lv in self.scale.levels if self.scale.is_met(lv.label)])

    def score(self, rng: str) -> str:
        terms = [f"({rng}={_quote(lv.label)})*{_number(lv.score)}" for lv in self.scale.levels if lv.score]
        return "(" + "+".join(terms) + ")" if terms else "0"


EXCEL_FORMULA_LIMIT = 8192  # characters; a longer formula does not open in Excel


def _live(text: str, value: Value) -> Value:
    """A formula with its cached value, or the value alone where the scale has so many labels (a percent scale
    in steps of 1) that the formula would pass Excel's limit."""
    return Formula(text, value) if len(text) <= EXCEL_FORMULA_LIMIT else value


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _fill_moderation(book: Book, s: SummaryContent, f: _Terms, agency_rng: str, ref_rng: str) -> None:
    """The Moderation and ModerationByStandard tables: live formulas over Returns, so they follow what
    moderators type, each carrying the value ``moderation.counts`` worked out."""
    own, mod = f.own, f.moderated
    both = f"{f.scored(mod)}*{f.scored(own)}"

    def formulas(crit: str, rated_cell: str, k: Counts) -> dict[str, Value]:
        n_both = f"SUMPRODUCT({crit}*{both})"
        m_rated = f"SUMPRODUCT({crit}*({f.scored(mod)}+(1-{f.any(mod)})*{f.scored(own)}))"
        m_met = f"SUMPRODUCT({crit}*({f.met(mod)}+(1-{f.any(mod)})*{f.met(own)}))"
        gap = f"SUMPRODUCT({crit}*{both}*({f.score(own)}-{f.score(mod)}))"
        return {
            "Rated": _live(f"=SUMPRODUCT({crit}*{f.scored(own)})", k.rated),
            "Moderated": _live(f"=SUMPRODUCT({crit}*{f.any(mod)})", k.moderated),
            "Agreed": _live(f"=SUMPRODUCT({crit}*{f.any(mod)}*({mod}={own}))", k.agreed),
            "Lowered": _live(f"=SUMPRODUCT({crit}*{both}*({f.score(mod)}<{f.score(own)}))", k.lowered),
            "Raised": _live(f"=SUMPRODUCT({crit}*{both}*({f.score(mod)}>{f.score(own)}))", k.raised),
            "Self met %": _live(
                f'=IF({rated_cell}=0,"",SUMPRODUCT({crit}*{f.met(own)})/{rated_cell})', _blank(k.self_met)
            ),
            "Moderated met %": _live(f'=IF({m_rated}=0,"",{m_met}/{m_rated})', _blank(k.moderated_met)),
            "Over-optimism": _live(f'=IF({n_both}=0,"",ROUND({gap}/{n_both},2))', _blank(k.over_optimism)),
        }

    for table, headers, rows_in, criteria_rng in (
        (c.MODERATION, c.MODERATION_HEADERS, [([a, sec], k) for a, sec, k in s.moderation], agency_rng),
        (
            c.MODERATION_BY_STANDARD,
            c.MODERATION_BY_STANDARD_HEADERS,
            [([r], k) for r, k in s.moderation_by_standard],
            ref_rng,
        ),
    ):
        _sheet, row0, col0 = book.table_position(table)
        rows: list[list[Value]] = []
        for i, (start, k) in enumerate(rows_in):
            r = row0 + 1 + i
            crit = f"({criteria_rng}=${get_column_letter(col0)}{r})"
            rated_cell = f"{get_column_letter(col0 + headers.index('Rated'))}{r}" if "Rated" in headers else ""
            by_header = formulas(crit, rated_cell, k)
            rows.append([*start, *(by_header[h] for h in headers[len(start) :])])
        book.write_table(
            table,
            rows,
            headers=headers,
            formats={"Self met %": PERCENT, "Moderated met %": PERCENT, "Over-optimism": ColumnFormat("0.00")},
        )


def _fill_history(book: Book, s: SummaryContent) -> None:
    """History, Trend and, once two rounds are held, the trend chart beside the ratings chart."""
    book.write_table(c.HISTORY, s.history, headers=c.HISTORY_HEADERS)
    book.highlight(c.HISTORY, ["Rating", "Moderated rating"], rating_highlights(s.config.scale))
    rounds = s.trend.rounds
    book.write_table(c.TREND, s.trend.rows, headers=c.trend_headers(rounds), formats={r: PERCENT for r in rounds})
    if len(rounds) < 2 or not s.trend.rows:
        return
    book.add_chart(
        ChartSpec(
            sheet=CHART,
            table=c.TREND,
            categories="Agency",
            series=rounds,
            anchor=TREND_ANCHOR,
            title="Met % per agency, round by round",
            x_title="Agency",
            y_title="Met % (moderated where agreed)",
            alt_text=_trend_alt_text(s),
            stacked=False,
            height_cm=max(10, 0.5 * len(rounds) * len(s.trend.rows) + 4),
        )
    )


def _trend_alt_text(s: SummaryContent) -> str:
    directions = [str(row[-1]) for row in s.trend.rows]
    counts = ", ".join(f"{directions.count(d)} {d.lower()}" for d in (IMPROVING, STEADY, DECLINING))
    return (
        f"Bar chart of the met % of {len(s.trend.rows)} agencies in each of {len(s.trend.rounds)} rounds "
        f"({', '.join(s.trend.rounds)}), moderated ratings used where agreed. Since the round before: {counts}. "
        "The numbers and each agency's direction are in the Trend table."
    )


def set_or_add_name(book: Book, name: str, value: object) -> None:
    """Set a defined name; a summary made before the name existed gets it on the hidden boardbook sheet."""
    if name not in book.defined_names():
        sheet, row, col = book.table_position(CONFIG_TABLE)
        book.define_name(name, sheet, f"{get_column_letter(col + 2)}{row}")
    book.set_name(name, value)


def fill_return(
    book: Book, config: Config, agency: Agency, round_: str, carried: Mapping[Key, tuple[str, str]]
) -> None:
    """Pre-fill a blank return (``templates.section11_return``) for one agency and round."""
    book.set_name("Agency", agency.name)
    book.set_name("Sector", agency.sector)
    book.set_name("Partnership", "; ".join(agency.partnerships))
    book.set_name("Round", round_)
    table = book.read_table(c.ASSESSMENT)
    rows: list[list[Value]] = []
    for row in table.rows:
        ref = str(row[0])
        rating, evidence = carried.get(key(agency.name, ref), (None, None))
        rows.append([row[0], row[1], rating, evidence or None, None, None, None])
    fill_checks(book, config, rows)  # the Check column and ReturnStatus, their values worked out for these answers
    book.set_choices(c.ASSESSMENT, "Rating", config.scale.labels)
    record_config(book, config, agencies=False)


def _blank(value: float | None) -> float | str:
    return "" if value is None else value


def _alt_text(s: SummaryContent) -> str:
    """Describe the chart in words: what it shows and the standards most and least often met."""
    rated = [st for st in s.standards if st.met_fraction is not None]
    text = (
        f"Stacked bar chart of the section 11 ratings given by {len(s.matrix)} agencies for each of "
        f"{len(s.standards)} standards ({', '.join(s.config.scale.labels)})."
    )
    if rated:
        best = max(rated, key=lambda st: st.met_fraction or 0)
        worst = min(rated, key=lambda st: st.met_fraction or 0)
        text += (
            f" Most often met: {best.ref} ({best.met_fraction:.0%}). Least often met: {worst.ref} "
            f"({worst.met_fraction:.0%}). The numbers are in the Standards table."
        )
    return text


def rows_of(records: Sequence[dict[str, object]], headers: Sequence[str]) -> list[list[object]]:
    return [[rec.get(h) for h in headers] for rec in records]


def fill_feedback(book: Book, config: Config, fb: AgencyFeedback) -> None:
    """One agency's feedback into a workbook built by ``templates.section11_feedback.build_feedback``."""
    book.set_name("Agency", fb.agency)
    book.set_name("Partnership", fb.partnership)
    book.set_name("Round", fb.round)
    book.write_table(
        c.YOUR_RATINGS,
        fb.ratings,
        formats={"Standard": WRAP, "Partnership met %": PERCENT, "Challenge": WRAP, "Board comment": WRAP},
    )
    book.highlight(c.YOUR_RATINGS, ["Your rating", "Moderated rating"], rating_highlights(config.scale))
    book.write_table(c.YOUR_PROBLEMS, fb.problems, formats={"Problem": WRAP})
    book.write_table(c.YOUR_ACTIONS, fb.actions, formats={"Action": WRAP, "Due": DATE})
