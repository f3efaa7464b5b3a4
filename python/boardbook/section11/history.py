"""Every round's history: the ratings of earlier rounds carried from summary to summary, and each agency's
journey (met % per round, moderated where agreed). Pure functions over plain records.

Boards audit every two years and want to see an agency over several rounds, not just the last two: each
collation with ``--previous`` carries that summary's own ``History`` plus its final ratings, so one summary
holds all rounds. An agency that renamed or merged is carried under its listed name through the agency list's
``Aliases`` (former names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from boardbook.config import Agency, Scale
from boardbook.folding import fold
from boardbook.section11.moderation import label_of
from boardbook.textsafe import cell_text

Record = Mapping[str, object]
IMPROVING, DECLINING, STEADY = "Improving", "Declining", "Steady"
THIS_ROUND = "This round"  # the column of a round collated without a name


def listed_names(agencies: Iterable[Agency]) -> dict[str, str]:
    """fold(name or former name) -> the name on the agency list."""
    out: dict[str, str] = {}
    for a in agencies:
        for alias in a.aliases:
            out.setdefault(fold(alias), a.name)
    for a in agencies:
        out[fold(a.name)] = a.name
    return out


def as_listed(name: str, names: Mapping[str, str]) -> str:
    return names.get(fold(name), name)


def round_key(round_: str) -> tuple[int, ...]:
    """Rounds compare by the numbers in them ("2022" < "2024", "2022/23" < "2024/25"); text without one first."""
    return tuple(int(n) for n in re.findall(r"\d+", round_)) or (-1,)


def history_rows(
    previous_history: Iterable[Record],
    previous_returns: Iterable[Record],
    previous_round: str,
    current_round: str,
    names: Mapping[str, str],
) -> list[list[object]]:
    """``History`` rows [Round, Agency, Ref, Rating, Moderated rating]: the previous summary's own history and
    its final ratings (as round ``previous_round``), agencies under their listed names. Rows of the round being
    collated are left out (they are in ``Returns``); blank rows are dropped."""
    rows: list[list[object]] = []
    current = fold(current_round)
    carried = [
        *((cell_text(r.get("Round")), r) for r in previous_history),
        *((previous_round, r) for r in previous_returns),
    ]
    for round_, rec in carried:
        agency, ref = cell_text(rec.get("Agency")), cell_text(rec.get("Ref"))
        if not agency or not ref or not round_ or fold(round_) == current:
            continue
        rows.append(
            [
                round_,
                as_listed(agency, names),
                ref,
                cell_text(rec.get("Rating")),
                cell_text(rec.get("Moderated rating")) or None,
            ]
        )
    rows.sort(key=lambda r: (round_key(str(r[0])), str(r[0]), fold(str(r[1]))))  # stable: refs keep their order
    return rows


@dataclass(frozen=True)
class Trend:
    rounds: list[str]  # oldest first; the round collated last
    rows: list[list[object]]  # [agency, met fraction or "" per round, direction]


def direction(values: Sequence[float | None]) -> str:
    """Improving, Declining or Steady between the last two rounds the agency has a met % for (compared in whole
    percentage points, so a rounding difference is not a change); blank with fewer than two."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    change = round(known[-1] * 100) - round(known[-2] * 100)
    return IMPROVING if change > 0 else DECLINING if change < 0 else STEADY


def trend(history: Iterable[Sequence[object]], current: Iterable[Record], current_round: str, scale: Scale) -> Trend:
    """Met % per agency per round, the moderated rating in place of the self-rating wherever one was agreed
    (Not applicable and blanks left out), and the direction of the latest change."""
    this_round = current_round.strip() or THIS_ROUND
    labels: dict[tuple[str, str], list[str]] = {}  # (round, fold agency) -> effective labels
    shown: dict[str, str] = {}  # fold agency -> name shown (the current round's spelling wins)
    rounds: dict[str, str] = {}  # fold round -> round shown
    rows = [(str(h[0]), str(h[1]), h[3], h[4]) for h in history]
    rows += [(this_round, cell_text(r.get("Agency")), r.get("Rating"), r.get("Moderated rating")) for r in current]
    for round_, agency, rating, moderated in rows:
        if not agency:
            continue
        rounds.setdefault(fold(round_), round_)
        shown[fold(agency)] = agency
        label = label_of(moderated, scale) or label_of(rating, scale)
        labels.setdefault((fold(round_), fold(agency)), []).append(label or "")
    order = sorted(rounds, key=lambda r: (fold(this_round) == r, round_key(rounds[r]), rounds[r]))
    out: list[list[object]] = []
    for agency in sorted(shown, key=lambda a: shown[a].casefold()):
        values = [_met(labels.get((r, agency)), scale) for r in order]
        out.append([shown[agency], *("" if v is None else v for v in values), direction(values)])
    return Trend([rounds[r] for r in order], out)


def _met(labels: list[str] | None, scale: Scale) -> float | None:
    scored = [lb for lb in labels or () if lb and scale.score(lb) is not None]
    return sum(scale.is_met(lb) for lb in scored) / len(scored) if scored else None
