"""Moderation rules: how far the board's moderated ratings moved agencies' self-ratings.

Pure functions over the summary's ``Returns`` records. They decide exactly what the live formulas of the
``Moderation`` and ``ModerationByStandard`` tables compute in Excel or LibreOffice (the file carries these
values as the formulas' cached values), so a label matches the way a spreadsheet's ``=`` matches text:
ignoring case, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from boardbook.config import Scale
from boardbook.section11 import contract as c

Record = Mapping[str, object]


def label_of(value: object, scale: Scale) -> str | None:
    """The scale label a cell holds, compared as a spreadsheet's ``=`` compares text (case ignored)."""
    if not isinstance(value, str):
        return None
    wanted = value.casefold()
    return next((lb for lb in scale.labels if lb.casefold() == wanted), None)


def moderated_label(record: Record, scale: Scale) -> str | None:
    """The moderated rating agreed for one Returns row, as a scale label; None when none was agreed."""
    return label_of(record.get("Moderated rating"), scale)


def matrix_label(record: Record, scale: Scale) -> str:
    """What the Matrix shows: the moderated label followed by " (moderated)" where one was agreed, else the
    self-rating."""
    moderated = moderated_label(record, scale)
    if moderated is not None:
        return moderated + c.MODERATED_SUFFIX
    return label_of(record.get("Rating"), scale) or ""


def round_half_up(value: float, places: int = 2) -> float:
    """Round as Excel's ROUND does (halves away from zero), not as Python's round (halves to even)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Counts:
    """Moderation counts over a group of Returns rows (one agency's, or one standard's)."""

    rated: int  # self-ratings on the scale, N/A excluded
    moderated: int  # rows with a moderated rating (N/A included)
    agreed: int  # moderated rating the same as the self-rating
    lowered: int  # both scored, moderated score below the self score
    raised: int
    self_met: float | None  # met share of the self-ratings
    moderated_met: float | None  # met share with the moderated rating in place of the self-rating where agreed
    over_optimism: float | None  # mean (self score - moderated score) over rows both scored, 2 d.p.


def counts(records: Sequence[Record], scale: Scale) -> Counts:
    rated = moderated = agreed = lowered = raised = met = m_rated = m_met = 0
    gaps: list[float] = []
    for rec in records:
        own = label_of(rec.get("Rating"), scale)
        mod = moderated_label(rec, scale)
        own_score = scale.score(own) if own else None
        mod_score = scale.score(mod) if mod else None
        if own_score is not None:
            rated += 1
            met += scale.is_met(own or "")
        if mod is not None:
            moderated += 1
            agreed += own is not None and mod == own
        if own_score is not None and mod_score is not None:
            lowered += mod_score < own_score
            raised += mod_score > own_score
            gaps.append(own_score - mod_score)
        basis, basis_score = (mod, mod_score) if mod is not None else (own, own_score)
        if basis_score is not None:
            m_rated += 1
            m_met += scale.is_met(basis or "")
    return Counts(
        rated=rated,
        moderated=moderated,
        agreed=agreed,
        lowered=lowered,
        raised=raised,
        self_met=met / rated if rated else None,
        moderated_met=m_met / m_rated if m_rated else None,
        over_optimism=round_half_up(sum(gaps) / len(gaps)) if gaps else None,
    )


def by_agency(records: Sequence[Record], agencies: Sequence[tuple[str, str]], scale: Scale) -> list[Counts]:
    """Counts for each (agency, sector) in order; rows matched on the agency name, case ignored."""
    groups: dict[str, list[Record]] = {}
    for rec in records:
        groups.setdefault(str(rec.get("Agency") or "").casefold(), []).append(rec)
    return [counts(groups.get(name.casefold(), []), scale) for name, _sector in agencies]


def by_standard(records: Sequence[Record], refs: Sequence[str], scale: Scale) -> list[Counts]:
    groups: dict[str, list[Record]] = {}
    for rec in records:
        groups.setdefault(str(rec.get("Ref") or "").casefold(), []).append(rec)
    return [counts(groups.get(ref.casefold(), []), scale) for ref in refs]
