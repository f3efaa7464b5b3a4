"""Fill many partnerships' workbooks in one run, in parallel processes.

A manifest (TOML) lists the partnerships; for each, whatever inputs it names are filled: the section 11
summary (returns), the budget, the quadrant performance workbook, the learning and improvement tracker, the
training evaluation and the matrix of concerns. One partnership's failure never stops the others; the run report
says, per partnership, what was written, the problems, the timings.

    [defaults]                        # applied to every partnership (each may override)
    config = "boardbook.toml"

    [[partnerships]]
    name = "Northmoor"                # also the partnership the returns are collated for
    out = "out/northmoor"             # folder for its workbooks
    returns = ["northmoor/returns"]   # files or folders
    agencies = "northmoor/agencies.csv"
    previous = "northmoor/section11-summary-2024.xlsx"   # also carries every earlier round's History
    survey = "northmoor/practitioner-survey.csv"       # practitioners' survey export (Survey table)
    budget = "northmoor/budget.toml"
    budget_previous = "northmoor/budget-2024-25.toml"
    indicators = ["northmoor/indicators.csv"]
    evidence = "northmoor/evidence.csv"
    risk_factors = "northmoor/risk-factors.csv"
    performance_previous = "northmoor/quadrant-performance-2023-24.xlsx"
    feedback = true                   # after collation: one feedback workbook per agency, in out/feedback
    mail = ["chase", "feedback"]      # e-mail drafts: to the agencies in Missing; with each agency's feedback
    learning = "northmoor/recommendations.csv"   # the tracker (.xlsx) or a CSV of its Recommendations table
    learning_as_at = 2026-03-31       # report date (TOML date or "31/03/2026"); else the tracker's AsAt, else today
    training = ["northmoor/evaluations.csv"]     # evaluation exports (Microsoft Forms CSV or .xlsx)
    concerns = "northmoor/concerns.csv"          # the matrix (.xlsx) or a CSV of its Concerns table
    report = true                     # then the annual report pack from the workbooks above, in out/annual-report

Paths are relative to the manifest's folder. Drafts go to out/mail-chase and out/mail-feedback (the agency list's
e-mail addresses: ``agencies``, else the configuration's); the other workbooks to out/section11-summary.xlsx,
budget.xlsx, quadrant-performance.xlsx, learning-improvement.xlsx, training-evaluation.xlsx, concerns-matrix.xlsx;
the annual report pack (``report = true``: ``boardbook report`` on whichever of them this entry fills) to
out/annual-report/annual-report-data.xlsx and annual-report-appendices.docx.
"""

from __future__ import annotations

import json
import time
import tomllib
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from boardbook.atomic import atomic_path
from boardbook.config import BUNDLED
from boardbook.errors import BoardbookError, ConfigError
from boardbook.isolated import Lost, run_isolated
from boardbook.problems import MAX_LISTED

PATH_KEYS = (
    "config",
    "agencies",
    "previous",
    "survey",
    "budget",
    "budget_previous",
    "evidence",
    "risk_factors",
    "performance_previous",
    "learning",
    "concerns",
)
LIST_KEYS = ("returns", "indicators", "training")
MAIL_KINDS = ("chase", "feedback")  # "returns" belongs to the start of a round: boardbook s11 mail returns
KNOWN = {"name", "out", "partnership", "feedback", "mail", "learning_as_at", "report", *PATH_KEYS, *LIST_KEYS}
FILLS = ("returns", "budget", "indicators", "learning", "training", "concerns")  # a partnership names one at least


@dataclass
class Job:
    name: str
    out: Path
    returns: list[Path] = field(default_factory=list)
    indicators: list[Path] = field(default_factory=list)
    config: Path | None = None
    agencies: Path | None = None
    previous: Path | None = None
    survey: Path | None = None
    budget: Path | None = None
    budget_previous: Path | None = None
    evidence: Path | None = None
    risk_factors: Path | None = None
    performance_previous: Path | None = None
    learning: Path | None = None
    learning_as_at: date | None = None
    training: list[Path] = field(default_factory=list)
    concerns: Path | None = None
    feedback: bool = False
    report: bool = False  # the annual report pack from the workbooks filled
    mail: list[str] = field(default_factory=list)


@dataclass
class Report:
    name: str
    ok: bool = True
    written: list[str] = field(default_factory=list)
    problems: int = 0
    rejected: int = 0
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


def load_manifest(path: str | Path) -> list[Job]:
    """The partnerships of a manifest; ConfigError naming the key for anything wrong."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"manifest not found: {p}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p.name}: not valid TOML ({exc})") from None
    defaults = data.get("defaults", {})
    entries = data.get("partnerships")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{p.name}: needs at least one [[partnerships]] entry with name and out")
    base = p.parent
    jobs, names = [], set()
    for i, entry in enumerate(entries):
        merged = {**defaults, **entry}
        where = f"{p.name}: partnerships[{i}]"
        unknown = sorted(set(merged) - KNOWN)
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(KNOWN))})")
        name = str(merged.get("name") or "").strip()
        if not name:
            raise ConfigError(f"{where}.name is required")
        if name.casefold() in names:
            raise ConfigError(f"{where}.name {name!r} is listed twice")
        names.add(name.casefold())
        if not merged.get("out"):
            raise ConfigError(f"{where}.out is required (the folder for {name}'s workbooks)")
        job = Job(name=name, out=base / str(merged["out"]))
        for key in LIST_KEYS:
            value = merged.get(key, [])
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ConfigError(f"{where}.{key} must be a path or a list of paths")
            setattr(job, key, [base / v for v in values])
        for key in PATH_KEYS:
            if key in merged:
                if not isinstance(merged[key], str):
                    raise ConfigError(f"{where}.{key} must be a path")
                bundled = key == "config" and merged[key] in BUNDLED and not (base / merged[key]).exists()
                setattr(job, key, Path(merged[key]) if bundled else base / merged[key])  # config = "section175"
        if "learning_as_at" in merged:  # a [defaults] date serves the partnerships that name a tracker
            own = "learning_as_at" in entry
            named = f"{where}.learning_as_at" if own else f"{p.name}: defaults.learning_as_at"
            job.learning_as_at = _as_at(merged["learning_as_at"], named)
            if job.learning is None and own:
                raise ConfigError(f"{named} is the tracker's report date: give learning too")
        job.feedback, job.report = merged.get("feedback", False), merged.get("report", False)
        for key in ("feedback", "report"):
            if not isinstance(getattr(job, key), bool):
                raise ConfigError(f"{where}.{key} must be true or false")
        mail = merged.get("mail", [])
        if not isinstance(mail, list) or not all(m in MAIL_KINDS for m in mail):
            raise ConfigError(
                f"{where}.mail must list drafts to write from {', '.join(repr(k) for k in MAIL_KINDS)} "
                "(returns drafts come at the start of a round: boardbook s11 mail returns)"
            )
        job.mail = list(mail)
        if (job.feedback or job.mail) and not job.returns:
            raise ConfigError(f"{where}: feedback and mail need returns to collate")
        if not any(getattr(job, key) for key in FILLS):
            raise ConfigError(f"{where}: {name} names no {', '.join(FILLS[:-1])} or {FILLS[-1]}: nothing to fill")
        jobs.append(job)
    return jobs


def _as_at(value: object, key: str) -> date:
    """A report date from a manifest: a TOML date (2026-03-31) or a text date, day first ("31/03/2026")."""
    from boardbook.dates import parse_date

    if isinstance(value, datetime):  # a TOML date-time: the report date is a day
        raise ConfigError(f'{key} must be a date without a time, e.g. 2026-03-31 or "31/03/2026"')
    when = parse_date(value.strip()) if isinstance(value, str) else value if isinstance(value, date) else None
    if when is None:
        raise ConfigError(f'{key} {value!r} is not a date: give it as 2026-03-31 (a TOML date) or "31/03/2026"')
    return when


def run_job(job: Job) -> Report:
    """Fill one partnership's workbooks. Never raises: failures are reported."""
    from boardbook.agencies import load_agencies
    from boardbook.budget.pipeline import fill_budget_file
    from boardbook.concerns.pipeline import fill_concerns_file
    from boardbook.learning.pipeline import fill_tracker_file
    from boardbook.performance.pipeline import fill_workbook
    from boardbook.recorded import choose_config
    from boardbook.report.pipeline import build_pack
    from boardbook.section11.pipeline import collate, mail_drafts, write_feedback
    from boardbook.training.pipeline import fill_training_file

    report = Report(job.name)
    step = ""
    filled: dict[str, Path] = {}  # what the annual report pack reads: its option -> the workbook this job wrote
    try:
        config = choose_config(job.config, job.out / "section11-summary.xlsx", job.previous)
        if job.returns:
            step, t0 = "section 11", time.perf_counter()
            agencies = load_agencies(job.agencies) if job.agencies else ()
            result = collate(
                job.returns,
                job.out / "section11-summary.xlsx",
                config,
                agencies=agencies,
                previous=job.previous,
                partnership=job.name,
                survey=job.survey,
            )
            report.written.append(str(result.out))
            filled["s11"] = result.out
            report.problems += len(result.problems)
            report.rejected = result.rejected
            report.seconds["section 11"] = round(time.perf_counter() - t0, 3)
            if job.feedback or "feedback" in job.mail:
                step, t0 = "feedback", time.perf_counter()
                written = write_feedback(result.out, job.out / "feedback", config)
                report.written += [str(p) for p in written]
                report.seconds["feedback"] = round(time.perf_counter() - t0, 3)
            for kind in job.mail:
                step, t0 = f"mail {kind}", time.perf_counter()
                source = result.out if kind == "chase" else job.out / "feedback"
                listed = agencies or config.agencies
                drafts = mail_drafts(kind, source, listed, job.out / f"mail-{kind}", config, partnership=job.name)
                report.written += [str(p) for p in drafts.drafts]
                report.seconds[f"mail {kind}"] = round(time.perf_counter() - t0, 3)
        if job.budget:
            step, t0 = "budget", time.perf_counter()
            out = job.out / "budget.xlsx"
            fill_budget_file(job.budget, out, previous=job.budget_previous, config=config)
            report.written.append(str(out))
            filled["budget"] = out
            report.seconds["budget"] = round(time.perf_counter() - t0, 3)
        if job.indicators:
            step, t0 = "performance", time.perf_counter()
            quadrant = fill_workbook(
                job.out / "quadrant-performance.xlsx",
                config,
                indicators=job.indicators,
                evidence=job.evidence,
                risk_factors=job.risk_factors,
                previous=job.performance_previous,
            )
            report.written.append(str(quadrant.out))
            filled["performance"] = quadrant.out
            report.seconds["performance"] = round(time.perf_counter() - t0, 3)
        if job.learning:
            step, t0 = "learning", time.perf_counter()
            tracker = fill_tracker_file(
                job.learning, job.out / "learning-improvement.xlsx", as_at=job.learning_as_at, config=config
            )
            report.written.append(str(tracker.out))
            filled["learning"] = job.out / "learning-improvement.xlsx"
            report.problems += len(tracker.problems)
            report.seconds["learning"] = round(time.perf_counter() - t0, 3)
        if job.training:
            step, t0 = "training", time.perf_counter()
            training = fill_training_file(job.training, job.out / "training-evaluation.xlsx", config)
            report.written.append(str(training.out))
            filled["training"] = job.out / "training-evaluation.xlsx"
            report.problems += len(training.problems)
            report.seconds["training"] = round(time.perf_counter() - t0, 3)
        if job.concerns:
            step, t0 = "concerns", time.perf_counter()
            matrix = fill_concerns_file(job.concerns, job.out / "concerns-matrix.xlsx", config=config)
            report.written.append(str(matrix.out))
            filled["concerns"] = job.out / "concerns-matrix.xlsx"
            report.seconds["concerns"] = round(time.perf_counter() - t0, 3)
        if job.report:
            step, t0 = "report", time.perf_counter()
            pack = build_pack(job.out / "annual-report", filled)
            report.written += [str(pack.data), str(pack.document)]
            report.problems += len(pack.problems)
            report.seconds["report"] = round(time.perf_counter() - t0, 3)
    except BoardbookError as exc:  # an input's problems (ProblemError) each name file and sheet/cell or row/column
        lines = exc.lines
        more = f"; and {len(lines) - MAX_LISTED} more" if len(lines) > MAX_LISTED else ""
        what = "; ".join(lines[:MAX_LISTED]) + more
        report.ok, report.error = False, f"{step}: {what}" if step else what
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        report.ok = False
        report.error = f"{step}: unexpected {type(exc).__name__}: {exc} (at {Path(tb.filename).name}:{tb.lineno})"
    if not report.ok and job.report and "report" not in report.seconds:
        report.error += (
            f"; the annual report pack was not made: any in {job.out / 'annual-report'} is from an earlier run"
        )
    return report


def run_batch(
    jobs: list[Job], workers: int = 1, progress: Callable[[int, int, str], None] | None = None
) -> list[Report]:
    """Run every job, each in a worker process (``workers`` at once); reports in manifest order.

    A partnership whose worker dies (a reader that aborts the process, the out-of-memory killer) is reported
    failed, with why; a fresh worker goes on with the others.
    """
    finished = 0

    def done(index: int, _result: object) -> None:
        nonlocal finished
        finished += 1
        if progress:
            progress(finished, len(jobs), jobs[index].name)

    results = run_isolated(run_job, jobs, workers=max(1, workers), done=done)
    return [
        Report(
            job.name,
            ok=False,
            error=f"filling {job.name}'s workbooks stopped its worker process: {result.reason}; the other "
            "partnerships went on",
        )
        if isinstance(result, Lost)
        else result
        for job, result in zip(jobs, results, strict=True)
    ]


def write_report(reports: list[Report], path: Path, seconds: float) -> Path:
    payload = {
        "seconds": round(seconds, 3),
        "partnerships": len(reports),
        "failed": sum(not r.ok for r in reports),
        "reports": [asdict(r) for r in reports],
    }
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return path
