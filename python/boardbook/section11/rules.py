"""Collation rules: pure functions over plain records, no workbook in sight.

Which return counts when an agency sends two, who counts for which partnership, met percentages,
who is missing, who to challenge, what changed since the previous round or the previous collation.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from boardbook.config import Agency, Config, Scale
from boardbook.folding import fold
from boardbook.section11.model import ERROR, INFO, WARNING, Problem, Return
from boardbook.suggest import close_matches

Key = tuple[str, str]  # (agency case-folded, ref)


def key(agency: str, ref: str) -> Key:
    return (fold(agency), ref)


def for_partnership(
    returns: Iterable[Return], partnership: str, *, aliases: Sequence[str] = (), agencies: Sequence[Agency] = ()
) -> tuple[list[Return], list[Problem]]:
    """Returns that count for ``partnership``, and notes for the rest.

    A return counts when its Partnership cell is blank, says "All", or names ``partnership`` or one of its
    ``aliases`` (compared after folding; several names separated by ";" for cross-border agencies). One that
    names none of them still counts, with a warning naming the cell, when its agency is on this partnership's
    list and sent no return that does name it — never silently left out; otherwise it is noted as another
    partnership's return and not collated.
    """
    ours = {"all", fold(partnership), *(fold(a) for a in aliases)}
    returns = list(returns)
    naming_us = {key(r.agency, "")[0] for r in returns if any(fold(p) in ours for p in r.partnerships)}
    listed = {key(a.name, "")[0] for a in agencies if a.returns_to(partnership)}
    kept, notes = [], []
    for r in returns:
        sheet, cell = r.cells.get("Partnership", ("", ""))
        named = "; ".join(r.partnerships)
        agency = key(r.agency, "")[0]
        if not r.partnerships or not r.agency or any(fold(p) in ours for p in r.partnerships):
            kept.append(r)
        elif agency in listed and agency not in naming_us:
            known = partnership + (f" (or {', '.join(aliases)})" if aliases else "")
            r.problems.append(
                Problem(
                    "partnership-unknown",
                    f"Partnership {named!r} is not {known}: counted, because {r.agency} is on the agency list for "
                    f"{partnership}; if it means this partnership, add the name to partnership.aliases in the "
                    "configuration",
                    WARNING,
                    r.file,
                    sheet,
                    cell,
                )
            )
            kept.append(r)
        else:
            notes.append(
                Problem(
                    "other-partnership",
                    f"return from {r.agency} is for {named}, not {partnership}; not collated",
                    INFO,
                    r.file,
                    sheet,
                    cell,
                )
            )
    return kept, notes


def check_round(returns: Iterable[Return], round_: str) -> None:
    """A return that gives another audit round than ``round_`` gets an error naming its Round cell, so last
    round's returns kept beside this round's are not counted as this round's. A blank Round is not questioned."""
    for r in returns:
        if round_ and r.round and fold(r.round) != fold(round_):
            sheet, cell = r.cells.get("Round", ("", ""))
            r.problems.append(
                Problem(
                    "round-other",
                    f"this return is for round {r.round}, not {round_} (the round being collated): not counted; if "
                    "it is this round's return, correct its 'Audit round'; keep earlier rounds' returns in their "
                    "own folder",
                    ERROR,
                    r.file,
                    sheet,
                    cell,
                )
            )


def latest_per_agency(returns: Sequence[Return]) -> tuple[list[Return], list[Problem]]:
    """One return per agency: the later ``CompletedOn`` wins (then the newer file); the rest are reported.

    Only accepted returns compete; a rejected return never displaces a valid one.
    """
    groups: dict[str, list[Return]] = {}
    for r in returns:
        if r.accepted:
            groups.setdefault(key(r.agency, "")[0], []).append(r)
    chosen: set[int] = set()
    problems = []
    for group in groups.values():
        group.sort(key=lambda r: (r.completed_on or date.min, r.modified, Path(r.file).name), reverse=True)
        winner = group[0]
        chosen.add(id(winner))
        for loser in group[1:]:
            problems.append(
                Problem(
                    "duplicate-return",
                    f"a second return from {winner.agency}: {Path(winner.file).name} (completed "
                    f"{_d(winner.completed_on)}) is used instead of this one (completed {_d(loser.completed_on)})",
                    WARNING,
                    loser.file,
                )
            )
    kept = [r for r in returns if not r.accepted or id(r) in chosen]
    return kept, problems


def _d(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "date not given"


def as_listed(returns: Iterable[Return], agencies: Sequence[Agency]) -> None:
    """Name each return's agency as the list spells it when the two fold alike ("Women’s and Children’s"
    is "Women's & Children's"), so one agency is one row in every table and across rounds."""
    listed = {key(a.name, "")[0]: a.name for a in agencies}
    for r in returns:
        r.agency = listed.get(key(r.agency, "")[0], r.agency)


def check_agencies(returns: Iterable[Return], agencies: Sequence[Agency]) -> list[Problem]:
    """A warning for each return whose agency is not on the list, with the closest listed names."""
    if not agencies:
        return []
    listed = {key(a.name, "")[0]: a.name for a in agencies}
    problems = []
    for r in returns:
        if r.agency and key(r.agency, "")[0] not in listed:
            close = close_matches(r.agency, [a.name for a in agencies], n=2)
            hint = f" (did you mean {' or '.join(repr(x) for x in close)}?)" if close else ""
            problems.append(
                Problem(
                    "agency-unknown",
                    f"agency {r.agency!r} is not in the agency list{hint}; collated anyway",
                    WARNING,
                    r.file,
                )
            )
    return problems


def met_fraction(labels: Iterable[str], scale: Scale) -> float | None:
    """Share of rated labels (N/A and blanks excluded) that count as met; None when nothing is rated."""
    rated = [lb for lb in labels if lb and lb != scale.not_applicable]
    if not rated:
        return None
    return sum(scale.is_met(lb) for lb in rated) / len(rated)


def mean_score(labels: Iterable[str], scale: Scale) -> float | None:
    scores = [s for lb in labels if (s := scale.score(lb)) is not None]
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class StandardSummary:
    ref: str
    counts: dict[str, int]  # every scale label (N/A included) -> how many agencies chose it
    rated: int
    met: int
    met_fraction: float | None
    mean_score: float | None


def standard_summaries(config: Config, returns: Sequence[Return]) -> list[StandardSummary]:
    out = []
    for ref in config.refs:
        labels = [rt.label for r in returns for rt in r.ratings if rt.ref == ref]
        counts = {lb: labels.count(lb) for lb in config.scale.labels}
        rated = sum(n for lb, n in counts.items() if lb != config.scale.not_applicable)
        met = sum(n for lb, n in counts.items() if config.scale.is_met(lb))
        out.append(
            StandardSummary(
                ref, counts, rated, met, met_fraction(labels, config.scale), mean_score(labels, config.scale)
            )
        )
    return out


REJECTED, NOT_RECEIVED = "return rejected", "no return received"


def rejected_file(reason: str) -> str:
    """The file a ``Missing`` reason names (a rejected return), or "" when none was received."""
    return reason.rsplit("): ", 1)[-1].strip() if reason.startswith(REJECTED) and "): " in reason else ""


def missing(agencies: Sequence[Agency], partnership: str, returns: Sequence[Return]) -> list[list[str]]:
    """Agencies expected for ``partnership`` with no accepted return: [agency, sector, email, reason]."""
    accepted = {key(r.agency, "")[0] for r in returns if r.accepted}
    rejected: dict[str, Return] = {key(r.agency, "")[0]: r for r in returns if not r.accepted and r.agency}
    rows = []
    for a in agencies:
        k = key(a.name, "")[0]
        if not a.returns_to(partnership) or k in accepted:
            continue
        r = rejected.get(k)
        reason = (
            f"{REJECTED} ({len(r.errors)} error{'s' * (len(r.errors) != 1)}; see Problems): {Path(r.file).name}"
            if r
            else NOT_RECEIVED
        )
        rows.append([a.name, a.sector, a.email, reason])
    return rows


def challenge(
    config: Config, returns: Sequence[Return], previous: Mapping[Key, str], sample: int = 0, seed: int | None = None
) -> list[list[object]]:
    """Ratings to take to the challenge event: [agency, ref, rating, evidence, reason].

    Met ratings with no or thin evidence; ratings up ``challenge_rise`` points or more since the previous
    round; and a random sample of whole returns, reproducible with ``seed``.
    """
    scale, t = config.scale, config.thresholds
    rows: list[list[object]] = []
    for r in returns:
        for rt in r.ratings:
            reasons = []
            if scale.is_met(rt.label):
                if not rt.evidence:
                    reasons.append(f"rated '{rt.label}' with no evidence")
                elif len(rt.evidence) < t.thin_evidence_chars:
                    reasons.append(
                        f"rated '{rt.label}' with thin evidence ({len(rt.evidence)} characters, "
                        f"under {t.thin_evidence_chars})"
                    )
            before = previous.get(key(r.agency, rt.ref))
            rise = _change(scale, before, rt.label)
            if rise is not None and rise >= t.challenge_rise:
                reasons.append(f"up {rise:g} points since the previous round ({before} → {rt.label})")
            if reasons:
                reason = "; ".join(reasons)
                rows.append([r.agency, rt.ref, rt.label, rt.evidence, reason[0].upper() + reason[1:]])
    if sample > 0 and returns:
        agencies = sorted({r.agency for r in returns}, key=str.casefold)
        picked = random.Random(seed).sample(agencies, min(sample, len(agencies)))
        for name in sorted(picked, key=str.casefold):
            rows.append(
                [
                    name,
                    "",
                    "",
                    "",
                    f"Random sample of {min(sample, len(agencies))} of "
                    f"{len(agencies)} returns (seed {seed}): moderate the whole return",
                ]
            )
    return rows


def with_survey(
    rows: list[list[object]], disagreements: Sequence[tuple[str, str, str]], records: Sequence[Mapping[str, object]]
) -> list[list[object]]:
    """The challenge list with each (agency, ref, reason) where practitioners disagree: its reason added to the
    rating's row when the rating is already there, else a row of its own (the rating and its evidence)."""
    at = {key(str(r[0]), str(r[1])): r for r in rows if r[1]}
    found = {key(str(r.get("Agency") or ""), str(r.get("Ref") or "")): r for r in records}
    out = list(rows)
    for agency, ref, reason in disagreements:
        row = at.get(key(agency, ref))
        if row is not None:
            row[4] = f"{row[4]}; {reason[0].lower()}{reason[1:]}"
            continue
        rec = found.get(key(agency, ref), {})
        out.append([agency, ref, rec.get("Rating") or "", rec.get("Evidence") or "", reason])
    return out


def _change(scale: Scale, before: str | None, after: str) -> float | None:
    if before is None:
        return None
    a, b = scale.score(before), scale.score(after)
    return None if a is None or b is None else b - a


def comparison(config: Config, returns: Sequence[Return], previous: Mapping[Key, str]) -> list[list[object]]:
    """[agency, ref, previous, current, change in score] for every current rating."""
    rows: list[list[object]] = []
    for r in returns:
        for rt in r.ratings:
            before = previous.get(key(r.agency, rt.ref))
            rows.append([r.agency, rt.ref, before or "", rt.label, _change(config.scale, before, rt.label)])
    return rows


def rating_changes(before: Mapping[Key, tuple[str, str]], after: Mapping[Key, tuple[str, str]]) -> list[str]:
    """Readable list of ratings that differ between two collations. Values are (agency, rating)."""
    out = []
    for k in sorted(set(before) | set(after)):
        b, a = before.get(k), after.get(k)
        if b is not None and a is not None and b[1] != a[1]:
            out.append(f"{a[0]} {k[1]}: {b[1]} → {a[1]}")
        elif b is None and a is not None and before:
            out.append(f"{a[0]} {k[1]}: new ({a[1]})")
        elif a is None and b is not None:
            out.append(f"{b[0]} {k[1]}: removed (was {b[1]})")
    return out


def summarise_changes(changes: Sequence[str], limit: int = 2000) -> str:
    if not changes:
        return "none"
    text = f"{len(changes)}: " + "; ".join(changes)
    return text if len(text) <= limit else text[: limit - 30].rsplit(";", 1)[0] + f"; … ({len(changes)} in all)"


def fingerprint(hashes: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over the sorted (file name, content SHA-256) pairs of every input read.

    A name that is not valid UTF-8 (its stray bytes held as surrogates) is hashed as it is, never refused.
    """
    h = hashlib.sha256()
    for name, digest in sorted(hashes):
        h.update(f"{name}\0{digest}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def rating_rows(r: Return, sector: str) -> list[tuple[Key, list[object]]]:
    """Summary ``Returns`` rows of one accepted return (manual columns left blank)."""
    source = Path(r.file).name
    return [
        (
            key(r.agency, rt.ref),
            [
                r.agency,
                sector,
                rt.ref,
                rt.label,
                rt.score,
                rt.evidence,
                rt.action,
                rt.owner,
                rt.due,
                None,
                None,
                None,
                source,
            ],
        )
        for rt in r.ratings
    ]


def previous_answers(records: Iterable[Mapping[str, object]], scale: Scale) -> dict[Key, tuple[str, str]]:
    """(agency, ref) -> (rating, evidence) of last round, from a summary's Returns records.

    The moderated rating, where the board agreed one, wins over the self-assessed rating.
    """
    out = {}
    for rec in records:
        agency, ref = str(rec.get("Agency") or "").strip(), str(rec.get("Ref") or "").strip()
        label = scale.normalise(rec.get("Moderated rating")) or scale.normalise(rec.get("Rating"))
        if agency and ref and label:
            out[key(agency, ref)] = (label, str(rec.get("Evidence") or ""))
    return out


def _round_key(round_: str) -> tuple[int, ...]:
    """Rounds compare by the numbers in them ("2024" < "2026", "2024/25" < "2026/27"); text without one first."""
    return tuple(int(n) for n in re.findall(r"\d+", round_)) or (-1,)


def latest_round(returns: Iterable[Return]) -> str:
    """The latest round any of the returns gives (blank if none gives one)."""
    rounds = {r.round.strip() for r in returns if r.round and r.round.strip()}
    return max(rounds, key=lambda r: (_round_key(r), r)) if rounds else ""


def next_round(round_: object, every: int = 2) -> str:
    """The round after ``round_``, offered when new returns are made: audits are usually every two years,
    so "2024" gives "2026" and "2024/25" gives "2026/27"; a small number counts up ("3" gives "4")."""
    text = str(round_ if round_ is not None else "").strip()
    if isinstance(round_, float) and round_.is_integer():
        text = str(int(round_))
    years = re.fullmatch(r"(\d{4})([/-])(\d{2}|\d{4})", text)
    if years:
        start = int(years[1]) + every
        end = start + 1
        return f"{start}{years[2]}{end % 100:02d}" if len(years[3]) == 2 else f"{start}{years[2]}{end}"
    if re.fullmatch(r"\d{4}", text):
        return str(int(text) + every)
    number = re.fullmatch(r"(.*?)(\d{1,3})", text)
    if number:
        return f"{number[1]}{int(number[2]) + 1}"
    return ""
