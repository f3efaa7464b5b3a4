"""Configuration: the partnership, its rating scale, its standards and thresholds.

A bundled default (``data/boardbook.toml``: the ten Working Together 2023 arrangements on the
four-point Fully met … Not met scale) is used when no file is given. Every error names the key::

    >>> cfg = load_config()            # bundled default
    >>> cfg.scale.normalise(" fully MET ")
    'Fully met'
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from boardbook.errors import ConfigError
from boardbook.folding import fold

EVIDENCE_RULES = ("met", "all", "none")


@dataclass(frozen=True)
class Level:
    """One point of a rating scale: the label people choose and the score it is worth."""

    label: str
    score: float


@dataclass(frozen=True)
class Scale:
    """A rating scale. ``normalise`` turns whatever an agency typed into the scale's own label."""

    name: str
    levels: tuple[Level, ...]
    met: frozenset[str]
    not_applicable: str | None = None
    kind: str = "labels"  # labels | percent
    aliases: tuple[tuple[str, str], ...] = ()  # what people type -> the label it means, e.g. N/A

    @property
    def labels(self) -> list[str]:
        """Every label an agency may choose, in drop-down order (N/A last)."""
        extra = [self.not_applicable] if self.not_applicable else []
        return [level.label for level in self.levels] + extra

    @property
    def max_score(self) -> float:
        return max(level.score for level in self.levels)

    def normalise(self, raw: object) -> str | None:
        """The scale label ``raw`` means (trimmed, case-folded, numbers read), or None if none."""
        if raw is None or isinstance(raw, bool):
            return None
        lookup = self._lookup
        if isinstance(raw, int | float):
            if math.isnan(raw):
                return None
            candidates = [_num(raw)]
            if self.kind == "percent":
                candidates += [_num(raw * 100) + "%" if abs(raw) <= 1 else "", _num(raw) + "%"]
            for c in candidates:
                if c and c.casefold() in lookup:
                    return lookup[c.casefold()]
            return None
        key = _key(str(raw))
        if self.kind == "percent":
            key = key.replace(" %", "%")
            if key and not key.endswith("%") and key.replace(".", "", 1).isdigit():
                key += "%"
        return lookup.get(key)

    @cached_property
    def _lookup(self) -> dict[str, str]:
        found = {_key(alias): label for alias, label in self.aliases}
        found.update({_key(label): label for label in self.labels})
        return found

    def score(self, label: str) -> float | None:
        """The score of a label, or None for Not applicable / unknown labels."""
        for level in self.levels:
            if level.label == label:
                return level.score
        return None

    def is_met(self, label: str) -> bool:
        return label in self.met


def _key(text: str) -> str:
    return fold(text)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class Standard:
    """One section 11 standard (arrangement) agencies rate themselves against."""

    ref: str
    title: str
    requirement: str = ""


@dataclass(frozen=True)
class Agency:
    """A partner agency expected to return; ``partnerships`` may hold "All"."""

    name: str
    sector: str = ""
    email: str = ""
    partnerships: tuple[str, ...] = ("All",)
    aliases: tuple[str, ...] = ()  # former names (renamed, or merged into this one), matched across rounds

    def returns_to(self, partnership: str) -> bool:
        return covers(self.partnerships, partnership)


def covers(partnerships: tuple[str, ...] | list[str], partnership: str) -> bool:
    """True when a list of partnership names (or "All") includes ``partnership``."""
    wanted = _key(partnership)
    return any(_key(p) in ("all", wanted) for p in partnerships)


def split_aliases(text: object) -> tuple[str, ...]:
    """An agency's former names: separated by ``;`` (names may hold commas), or a TOML list."""
    parts = text if isinstance(text, list) else str(text or "").split(";")
    return tuple(str(p).strip() for p in parts if str(p).strip())


def split_partnerships(text: object) -> tuple[str, ...]:
    """Partnership names as agencies write them: separated by ; , | or new lines."""
    parts = re.split(r"[;|\n,]", str(text or ""))
    return tuple(p.strip() for p in parts if p.strip())


@dataclass(frozen=True)
class Thresholds:
    """Numbers that decide who is challenged."""

    thin_evidence_chars: int = 40
    challenge_rise: float = 2
    sample: int = 0
    survey_positive_min: float = 70  # % of practitioners' answers positive, below which a met rating is flagged
    survey_min_responses: int = 5  # fewer answers than this are never shown per agency


@dataclass(frozen=True)
class Survey:
    """How a practitioners' survey export is read: its agency column, which answers count as positive, which
    are left out (with blanks) of the count and the denominator, and which question maps to which standard."""

    agency_column: str = "Agency"
    positive: tuple[str, ...] = ("Yes", "Agree", "Strongly agree")
    excluded: tuple[str, ...] = ("Don't know",)
    questions: tuple[tuple[str, str], ...] = ()  # (the export's column header, standard ref)


MAIL_KINDS = ("returns", "chase", "feedback")
MAIL_PLACEHOLDERS = ("agency", "round", "deadline", "partnership", "problems")
DEFAULT_MAIL: dict[str, tuple[str, str]] = {
    "returns": (
        "{partnership}: section 11 self-assessment {round} for {agency}",
        "Dear colleague,\n\n"
        "Please find attached {agency}'s section 11 self-assessment return for {round}, pre-filled with what we "
        "hold from the last round. Please choose a rating for every standard, add your evidence and, where a "
        "standard is not yet met, an action with its owner and due date, and send the workbook back as .xlsx "
        "{deadline}.\n\n"
        "Please keep the sheet and column names as they are: the return is collated automatically.\n\n"
        "With thanks,\n{partnership}\n",
    ),
    "chase": (
        "Reminder: section 11 self-assessment {round} for {agency}",
        "Dear colleague,\n\n"
        "{partnership}'s section 11 audit {round}: {problems}\n\n"
        "Please send your completed return {deadline}. If you have sent it in the last few days, thank you, and "
        "please ignore this reminder.\n\n"
        "With thanks,\n{partnership}\n",
    ),
    "feedback": (
        "{partnership}: your section 11 feedback {round} ({agency})",
        "Dear colleague,\n\n"
        "Thank you for {agency}'s section 11 self-assessment for {round}. The attached workbook shows your ratings "
        "beside the partnership's, the ratings agreed at moderation and the board's comments, anything we found in "
        "the return you sent, and your actions.\n\n"
        "With thanks,\n{partnership}\n",
    ),
}


@dataclass(frozen=True)
class Mail:
    """E-mail drafts: the shared mailbox they come from (optional) and a subject and body per kind."""

    sender: str = ""  # From, e.g. "Northmoor SCP <scp@northmoor.example>"; blank: Outlook uses your own
    reply_to: str = ""
    templates: tuple[tuple[str, str, str], ...] = tuple((k, *DEFAULT_MAIL[k]) for k in MAIL_KINDS)

    def template(self, kind: str) -> tuple[str, str]:
        """(subject, body) for ``kind`` (returns, chase, feedback)."""
        return next((subject, body) for k, subject, body in self.templates if k == kind)


TRAINING_FIELDS = ("course", "date", "agency", "sector", "before", "after", "impact")


@dataclass(frozen=True)
class Training:
    """``[training]``: which export column holds what, and the confidence scale (Microsoft Forms exports name
    columns after the question asked, so each partnership maps its own)."""

    course: str = "Course"
    date: str = "Date"
    agency: str = "Agency"
    sector: str = "Sector"
    before: str = "Before"
    after: str = "After"
    impact: str = "Impact"
    scale_min: int = 1
    scale_max: int = 5
    labels: tuple[str, ...] = ()  # answer texts from scale_min upwards ("Not at all confident", ...), if not numbers

    def header(self, name: str) -> str:
        """The export header for one of ``TRAINING_FIELDS``."""
        return str(getattr(self, name))


@dataclass(frozen=True)
class Config:
    partnership: str
    scale: Scale
    standards: tuple[Standard, ...]
    evidence_required: str = "met"
    thresholds: Thresholds = field(default_factory=Thresholds)
    agencies: tuple[Agency, ...] = ()
    source: str = "bundled default"
    mail: Mail = field(default_factory=Mail)
    actions_below_met: bool = False  # a rating below met needs an action, an owner and a due date
    aliases: tuple[str, ...] = ()  # other names of the partnership that returns may give ("Northmoor SCP")
    training: Training = field(default_factory=Training)
    survey: Survey = field(default_factory=Survey)

    def action_needed(self, label: str) -> bool:
        """A rated standard not met (N/A is neither) needs an action, when the configuration asks for it."""
        return self.actions_below_met and label != self.scale.not_applicable and not self.scale.is_met(label)

    @property
    def refs(self) -> list[str]:
        return [s.ref for s in self.standards]

    def evidence_needed(self, label: str) -> bool:
        if self.evidence_required == "all":
            return label != self.scale.not_applicable
        return self.evidence_required == "met" and self.scale.is_met(label)


def default_config_text() -> str:
    return resources.files("boardbook.data").joinpath("boardbook.toml").read_text(encoding="utf-8")


BUNDLED = {"section175": "the schools and colleges audit (section 175/157, KCSIE standards, RAG)"}


def load_config(path: str | Path | None = None) -> Config:
    """Load ``path`` (or the bundled default; or a bundled configuration by name, e.g. ``section175``).
    Raises ConfigError naming the bad key."""
    if path is None:
        return parse_config(default_config_text(), "bundled default")
    p = Path(path)
    if str(path) in BUNDLED and not p.exists():
        text = resources.files("boardbook.data").joinpath(f"{path}.toml").read_text(encoding="utf-8")
        return parse_config(text, f"bundled {path}")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file {p}: {exc}") from None
    return parse_config(text, str(p))


def parse_config(text: str, source: str) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from None
    get = _Getter(source)
    partnership = get.text(data, "partnership.name", required=True)
    scale = _scale(get, data)
    standards = _standards(get, data)
    evidence = get.text(data, "evidence.required_for", default="met")
    if evidence not in EVIDENCE_RULES:
        get.fail("evidence.required_for", f"must be one of {', '.join(EVIDENCE_RULES)}, not {evidence!r}")
    t = data.get("thresholds", {})
    if not isinstance(t, dict):
        get.fail("thresholds", "must be a table")
    thresholds = Thresholds(
        thin_evidence_chars=int(get.number(data, "thresholds.thin_evidence_chars", default=40, minimum=0)),
        challenge_rise=get.number(data, "thresholds.challenge_rise", default=2, minimum=0),
        sample=int(get.number(data, "thresholds.sample", default=0, minimum=0)),
        survey_positive_min=get.number(data, "thresholds.survey_positive_min", default=70, minimum=0),
        survey_min_responses=int(get.number(data, "thresholds.survey_min_responses", default=5, minimum=1)),
    )
    agencies = tuple(
        Agency(
            name=get.text(a, f"agencies[{i}].name", required=True, root=False),
            sector=get.text(a, f"agencies[{i}].sector", root=False),
            email=get.text(a, f"agencies[{i}].email", root=False),
            partnerships=split_partnerships(a.get("partnerships", "All")) or ("All",),
            aliases=split_aliases(a.get("aliases", "")),
        )
        for i, a in enumerate(get.list_of_tables(data, "agencies"))
    )
    below_met = get._find(data, "actions.required_below_met", True)
    if below_met is not None and not isinstance(below_met, bool):
        get.fail("actions.required_below_met", f"must be true or false, not {below_met!r}")
    aliases = data.get("partnership", {}).get("aliases", []) if isinstance(data.get("partnership"), dict) else []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        get.fail("partnership.aliases", 'must be a list of names, e.g. ["Northmoor SCP"]')
    return Config(
        partnership,
        scale,
        standards,
        evidence,
        thresholds,
        agencies,
        source,
        _mail(get, data),
        bool(below_met),
        tuple(a.strip() for a in aliases),
        _training(get, data),
        _survey(get, data, {st.ref for st in standards}),
    )


def _training(get: _Getter, data: dict[str, Any]) -> Training:
    """``[training]``: export headers (text, not blank, all different), a whole-number scale, optional labels."""
    section = data.get("training", {})
    if not isinstance(section, dict):
        get.fail("training", "must be a table")
    unknown = sorted(set(section) - {*TRAINING_FIELDS, "scale_min", "scale_max", "labels"})
    if unknown:
        get.fail(
            f"training.{unknown[0]}",
            "is not a training setting (" + ", ".join(TRAINING_FIELDS) + ", scale_min, scale_max, labels)",
        )
    d = Training()
    headers = {f: get.text(data, f"training.{f}", default=d.header(f)) for f in TRAINING_FIELDS}
    for f, h in headers.items():
        if not h:
            get.fail(f"training.{f}", "must not be blank: give the export's column header")
    seen: dict[str, str] = {}
    for f, h in headers.items():
        if fold(h) in seen:
            get.fail(f"training.{f}", f"is the same header as training.{seen[fold(h)]} ({h!r})")
        seen[fold(h)] = f
    low = float(get.number(data, "training.scale_min", default=d.scale_min))
    high = float(get.number(data, "training.scale_max", default=d.scale_max))
    for key, v in (("scale_min", low), ("scale_max", high)):
        if not v.is_integer():
            get.fail(f"training.{key}", f"must be a whole number, not {v:g}")
    if high <= low:
        get.fail("training.scale_max", f"must be above training.scale_min ({low:g}), not {high:g}")
    labels = section.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels):
        get.fail("training.labels", 'must be a list of answer texts, e.g. ["Not confident", ..., "Very confident"]')
    if labels and len(labels) != int(high - low) + 1:
        get.fail(
            "training.labels", f"must give one text per point of the scale ({int(high - low) + 1}), not {len(labels)}"
        )
    named = headers
    return Training(
        named["course"],
        named["date"],
        named["agency"],
        named["sector"],
        named["before"],
        named["after"],
        named["impact"],
        int(low),
        int(high),
        tuple(x.strip() for x in labels),
    )


def _mail(get: _Getter, data: dict[str, Any]) -> Mail:
    """``[mail]``: from, reply_to, and <kind>_subject / <kind>_body templates using only the known placeholders."""
    if not isinstance(data.get("mail", {}), dict):
        get.fail("mail", "must be a table")
    templates = []
    for kind in MAIL_KINDS:
        pair = []
        for part, default in zip(("subject", "body"), DEFAULT_MAIL[kind], strict=True):
            key = f"mail.{kind}_{part}"
            text = get.text(data, key, default=default) if part == "subject" else _raw_text(get, data, key, default)
            try:
                text.format_map(dict.fromkeys(MAIL_PLACEHOLDERS, ""))
            except (KeyError, IndexError, ValueError) as exc:
                known = ", ".join("{" + p + "}" for p in MAIL_PLACEHOLDERS)
                bad = f"{{{exc.args[0]}}}" if isinstance(exc, KeyError) else str(exc)
                get.fail(key, f"uses {bad}: the placeholders are {known} (write {{{{ and }}}} for braces)")
            pair.append(text)
        templates.append((kind, pair[0], pair[1]))
    return Mail(get.text(data, "mail.from"), get.text(data, "mail.reply_to"), tuple(templates))


def _raw_text(get: _Getter, data: dict[str, Any], key: str, default: str) -> str:
    """A text value as written (a body keeps its line breaks and blank lines)."""
    value = get._find(data, key, True)
    if value is None:
        return default
    if not isinstance(value, str):
        get.fail(key, f"must be text, not {type(value).__name__}")
    return value


def _scale(get: _Getter, data: dict[str, Any]) -> Scale:
    if not isinstance(data.get("scale"), dict):
        get.fail("scale", 'is missing: give [scale] with levels, or kind = "percent"')
    kind = get.text(data, "scale.kind", default="labels")
    na = get.text(data, "scale.not_applicable") or None
    name = get.text(data, "scale.name", default=kind)
    aliases = _aliases(get, data)
    if kind == "percent":
        step = get.number(data, "scale.step", default=5, minimum=1)
        met_from = get.number(data, "scale.met_from", default=75, minimum=0)
        if 100 % step:
            get.fail("scale.step", f"must divide 100 exactly, not {_num(step)}")
        levels = tuple(Level(f"{_num(v)}%", v) for v in _frange(100, step))
        met = frozenset(lv.label for lv in levels if lv.score >= met_from)
        return Scale(name, levels, met, na, "percent", _check_aliases(get, aliases, [lv.label for lv in levels], na))
    if kind != "labels":
        get.fail("scale.kind", f"must be 'labels' or 'percent', not {kind!r}")
    raw_levels = get.list_of_tables(data, "scale.levels")
    if len(raw_levels) < 2:
        get.fail("scale.levels", "needs at least two levels, each with label and score")
    levels = tuple(
        Level(
            get.text(lv, f"scale.levels[{i}].label", required=True, root=False),
            get.number(lv, f"scale.levels[{i}].score", required=True, root=False),
        )
        for i, lv in enumerate(raw_levels)
    )
    labels = [lv.label for lv in levels] + ([na] if na else [])
    for i, label in enumerate(labels):
        if "," in label or '"' in label:
            get.fail(f"scale.levels[{i}].label", f"{label!r} may not contain commas or quotes (drop-down lists)")
    if len({_key(x) for x in labels}) != len(labels):
        get.fail("scale.levels", "labels must differ (ignoring case and spaces)")
    met_list = data["scale"].get("met")
    if not isinstance(met_list, list) or not met_list:
        get.fail("scale.met", 'must list the labels that count as met, e.g. ["Fully met", "Mostly met"]')
    unknown = [m for m in met_list if m not in labels[: len(levels)]]
    if unknown:
        get.fail("scale.met", f"names {unknown!r}, which are not level labels ({', '.join(labels)})")
    return Scale(name, levels, frozenset(met_list), na, "labels", _check_aliases(get, aliases, labels, None))


def _aliases(get: _Getter, data: dict[str, Any]) -> dict[str, object]:
    raw = data["scale"].get("aliases", {})
    if not isinstance(raw, dict):
        get.fail("scale.aliases", 'must be a table, e.g. aliases = { "N/A" = "Not applicable" }')
    return raw


def _check_aliases(
    get: _Getter, aliases: dict[str, object], labels: list[str], na: str | None
) -> tuple[tuple[str, str], ...]:
    allowed = [*labels, na] if na and na not in labels else labels
    for alias, label in aliases.items():
        if label not in allowed:
            get.fail(f"scale.aliases.{alias}", f"must name a label ({', '.join(allowed)}), not {label!r}")
    return tuple((alias, str(label)) for alias, label in aliases.items())


def _frange(top: float, step: float) -> list[float]:
    return [i * step for i in range(int(top // step) + 1)]


def _standards(get: _Getter, data: dict[str, Any]) -> tuple[Standard, ...]:
    raw = get.list_of_tables(data, "standards")
    if not raw:
        get.fail("standards", "is missing: give at least one [[standards]] with ref and title")
    standards = tuple(
        Standard(
            ref=get.text(s, f"standards[{i}].ref", required=True, root=False),
            title=get.text(s, f"standards[{i}].title", required=True, root=False),
            requirement=get.text(s, f"standards[{i}].requirement", root=False),
        )
        for i, s in enumerate(raw)
    )
    seen: set[str] = set()
    for i, s in enumerate(standards):
        if _key(s.ref) in seen:
            get.fail(f"standards[{i}].ref", f"{s.ref!r} is used twice; refs must be unique")
        seen.add(_key(s.ref))
    return standards


class _Getter:
    """Reads typed values from nested TOML tables; errors name the dotted key and the file."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, message: str) -> NoReturn:
        raise ConfigError(f"{self.source}: {key} {message}")

    def _find(self, data: dict[str, Any], key: str, root: bool) -> object:
        path = key.split(".") if root else [key.rsplit(".", 1)[-1]]
        node: object = data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def text(
        self, data: dict[str, Any], key: str, *, required: bool = False, default: str = "", root: bool = True
    ) -> str:
        value = self._find(data, key, root)
        if value is None:
            if required:
                self.fail(key, "is required")
            return default
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(key, f"must be text, not {type(value).__name__}")
        text = str(value).strip()
        if required and not text:
            self.fail(key, "must not be blank")
        return text

    def number(
        self,
        data: dict[str, Any],
        key: str,
        *,
        required: bool = False,
        default: float = 0,
        minimum: float | None = None,
        root: bool = True,
    ) -> float:
        value = self._find(data, key, root)
        if value is None:
            if required:
                self.fail(key, "is required")
            return default
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail(key, f"must be a number, not {value!r}")
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {_num(minimum)}, not {value!r}")
        return float(value)

    def list_of_tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = self._find(data, key, True)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be an array of tables ([[...]] entries)")
        return value


def _survey(get: Any, data: dict[str, Any], refs: set[str]) -> Survey:
    """``[survey]``: the agency column, positive and left-out answers, and ``[[survey.questions]]`` (header, ref)."""

    def names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = get._find(data, key, True)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            get.fail(key, 'must be a list of answers, e.g. ["Yes", "Agree"]')
        return tuple(v.strip() for v in value)

    questions = []
    for i, q in enumerate(get.list_of_tables(data, "survey.questions")):
        header = get.text(q, f"survey.questions[{i}].header", required=True, root=False)
        ref = get.text(q, f"survey.questions[{i}].ref", required=True, root=False)
        if ref not in refs:
            get.fail(f"survey.questions[{i}].ref", f"{ref!r} is not a standard (standards: {', '.join(sorted(refs))})")
        questions.append((header, ref))
    return Survey(
        agency_column=get.text(data, "survey.agency_column", default="Agency") or "Agency",
        positive=names("survey.positive", Survey.positive),
        excluded=names("survey.excluded", Survey.excluded),
        questions=tuple(questions),
    )


def config_toml(config: Config, *, agencies: bool = True) -> str:
    """``config`` written back as TOML that ``parse_config`` reads to an equal Config (comments are not kept).

    Workbooks record their configuration in this form; ``agencies=False`` leaves the agency list (names and
    e-mail addresses) out, for returns that go to the agencies themselves.
    """
    s = config.scale
    lines = [
        "[partnership]",
        f"name = {_toml(config.partnership)}",
        *([f"aliases = [{', '.join(_toml(a) for a in config.aliases)}]"] if config.aliases else []),
        "",
        "[scale]",
        f"name = {_toml(s.name)}",
        f"kind = {_toml(s.kind)}",
    ]
    if s.not_applicable:
        lines.append(f"not_applicable = {_toml(s.not_applicable)}")
    if s.kind == "percent":
        step = s.levels[1].score - s.levels[0].score
        met_from = min(lv.score for lv in s.levels if lv.label in s.met) if s.met else 101
        lines += [f"step = {_toml(step)}", f"met_from = {_toml(met_from)}"]
    else:
        lines.append("met = [" + ", ".join(_toml(label) for label in s.labels if label in s.met) + "]")
    if s.aliases:
        lines.append("aliases = { " + ", ".join(f"{_toml(a)} = {_toml(label)}" for a, label in s.aliases) + " }")
    if s.kind != "percent":
        for level in s.levels:
            lines += ["", "[[scale.levels]]", f"label = {_toml(level.label)}", f"score = {_toml(level.score)}"]
    t = config.thresholds
    lines += [
        "",
        "[evidence]",
        f"required_for = {_toml(config.evidence_required)}",
        "",
        "[actions]",
        f"required_below_met = {'true' if config.actions_below_met else 'false'}",
        "",
        "[thresholds]",
        f"thin_evidence_chars = {t.thin_evidence_chars}",
        f"challenge_rise = {_toml(t.challenge_rise)}",
        f"sample = {t.sample}",
    ]
    if (t.survey_positive_min, t.survey_min_responses) != (70, 5):  # defaults unwritten: workbooks stay as they were
        lines += [
            f"survey_positive_min = {_toml(t.survey_positive_min)}",
            f"survey_min_responses = {t.survey_min_responses}",
        ]
    sv = config.survey
    if sv != Survey():
        lines += [
            "",
            "[survey]",
            f"agency_column = {_toml(sv.agency_column)}",
            "positive = [" + ", ".join(_toml(a) for a in sv.positive) + "]",
            "excluded = [" + ", ".join(_toml(a) for a in sv.excluded) + "]",
        ]
        for header, ref in sv.questions:
            lines += ["", "[[survey.questions]]", f"header = {_toml(header)}", f"ref = {_toml(ref)}"]
    for st in config.standards:
        lines += ["", "[[standards]]", f"ref = {_toml(st.ref)}", f"title = {_toml(st.title)}"]
        if st.requirement:
            lines.append(f"requirement = {_toml(st.requirement)}")
    for a in config.agencies if agencies else ():
        lines += [
            "",
            "[[agencies]]",
            f"name = {_toml(a.name)}",
            f"sector = {_toml(a.sector)}",
            f"email = {_toml(a.email)}",
            f"partnerships = {_toml('; '.join(a.partnerships))}",
        ]
        if a.aliases:
            lines.append(f"aliases = {_toml('; '.join(a.aliases))}")
    m = config.mail
    if m != Mail():
        lines += ["", "[mail]", f"from = {_toml(m.sender)}", f"reply_to = {_toml(m.reply_to)}"]
        for kind, subject, body in m.templates:
            lines += [f"{kind}_subject = {_toml(subject)}", f"{kind}_body = {_toml(body)}"]
    tr = config.training
    if tr != Training():
        lines += ["", "[training]", *(f"{f} = {_toml(tr.header(f))}" for f in TRAINING_FIELDS)]
        lines += [f"scale_min = {tr.scale_min}", f"scale_max = {tr.scale_max}"]
        if tr.labels:
            lines.append(f"labels = [{', '.join(_toml(x) for x in tr.labels)}]")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    """A TOML value: JSON's string escapes are TOML's basic-string escapes; numbers as plain as they can be."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)
