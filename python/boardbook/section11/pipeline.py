"""The section 11 jobs — each the one function the CLI, the ribbon and ``boardbook batch`` call:

- ``make_returns``: one pre-filled return per agency for a new round (``--previous`` carries answers in);
- ``validate_book`` / ``read_one``: check one return (open in Excel, or a file) with the rules of collation;
- ``collate``: every return into the board summary, top to bottom:

1. find the returns (files or folders, recursively; .xlsx/.xlsm; Office lock files skipped; a .zip, a template,
   a PDF, a CSV or a broken link found there is reported with what to do, not skipped);
2. read and validate each once (problems name file, sheet and cell);
3. keep those that count for this partnership, one per agency (the latest);
4. apply the rules: matrix, per-standard counts, missing agencies, challenge list, comparison;
5. carry forward what people typed in the manual columns, move vanished rows to Removed, log the run;
6. fill the summary through the Book port (recording its round and configuration) and save it atomically.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from boardbook.atomic import atomic_path, is_backup, output_lock, refuse_input_as_output
from boardbook.book import open_book
from boardbook.book.base import Book
from boardbook.book.fast import read_tables, read_workbook
from boardbook.config import MAIL_KINDS, Agency, Config
from boardbook.errors import UsageError, WorkbookError
from boardbook.folding import fold
from boardbook.isolated import Lost, run_isolated
from boardbook.package import open_package, shown
from boardbook.section11 import contract as c
from boardbook.section11 import history, mail, moderation, rules
from boardbook.section11 import survey as survey_rules
from boardbook.section11.feedback import AgencyFeedback, feedback
from boardbook.section11.fill import SummaryContent, fill_feedback, fill_return, fill_summary, rows_of
from boardbook.section11.mail import Draft
from boardbook.section11.model import ERROR, Problem, Return
from boardbook.section11.reader import load_return, raw_from_book, read_summary
from boardbook.section11.validate import validate_return
from boardbook.templates.section11_feedback import build_feedback
from boardbook.templates.section11_return import build_return
from boardbook.templates.section11_summary import build_summary
from boardbook.textsafe import cell_text, csv_cell

EXTENSIONS = (".xlsx", ".xlsm")
# Found in folders too, so an agency that sends the wrong format is told so instead of being "missing".
WRONG_FORMATS = (".xls", ".xlsb", ".ods")
# Found in folders and reported (code not-a-return), never read: what to do with each. A broken link is too.
NOT_RETURNS = {
    ".zip": "a zip file, not a return{inside}: unzip it into the returns folder and collate again",
    ".xltx": "an Excel template (.xltx), not a workbook: open it in Excel and save it as Excel Workbook (.xlsx)",
    ".xltm": "an Excel template (.xltm), not a workbook: open it in Excel and save it as Excel Workbook (.xlsx)",
    ".pdf": "a PDF, which cannot be collated: ask the agency for the return itself, the .xlsx workbook",
    ".csv": "a CSV file, which holds one sheet and none of the cover details: ask the agency for the return "
    "workbook (.xlsx)",
}
Progress = Callable[[int, int, str], None]
T = TypeVar("T")
# ``jobs=0`` (the command line's default) reads in parallel from this many returns on: below it,
# starting the worker processes costs about what they save (benchmarks/README.md).
PARALLEL_FROM = 200
MAX_AUTO_JOBS = 4
# With --jobs: the seconds one file may take (the biggest file the readers accept takes a few), and the memory a
# worker may take on top of what it starts with (Linux): beyond either the file is reported, not the run stopped.
FILE_TIMEOUT = 120.0
WORKER_MEMORY = 2 * 1024**3
LOST = "open it in Excel, check it (Ctrl+End goes to the last cell in use) and save a clean copy"


@dataclass
class CollationResult:
    out: Path
    read: int
    accepted: int
    rejected: int
    problems: list[Problem]
    changes: list[str]
    fingerprint: str
    round: str = ""  # the audit round collated

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


def find_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Every return file named or found under the folders named, in a stable order."""
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                (
                    f
                    for f in p.rglob("*")
                    if (f.is_file() or (f.is_symlink() and not f.exists()))
                    and (f.suffix.lower() in (*EXTENSIONS, *WRONG_FORMATS, *NOT_RETURNS) or not f.exists())
                    and not f.name.startswith(("~$", "."))
                    and not is_backup(f)
                    and not _a_list(f)
                ),
                key=lambda f: str(f).casefold(),
            )
            files.extend(found)
        elif p.is_file():
            if not p.name.startswith("~$"):
                files.append(p)
        else:
            raise UsageError(f"input not found: {shown(str(p))}")
    # A broken link stays a link (resolving it would name a file that is not there).
    unique = list(dict.fromkeys(f.resolve() if f.exists() else f.absolute() for f in files))
    if not unique:
        raise UsageError("no returns found (.xlsx or .xlsm) in: " + ", ".join(shown(str(i)) for i in inputs))
    return unique


def _a_list(path: Path) -> bool:
    """A CSV the collation reads for itself (the agency list, a survey export: a column headed Agency and none
    headed Rating), kept beside the returns: not reported as a return sent as CSV."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(65536).split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    headers = {fold(h.strip().strip('"')) for h in re.split(r"[,;\t]", head)}
    return "agency" in headers and "rating" not in headers


def read_one(path: Path, config: Config) -> tuple[Return, float, float]:
    """Read and validate one return; also how long reading and validating took (for benchmarks).

    The return's file (and every problem's) is the path as it can be shown: a name that is not valid UTF-8
    has U+FFFD for each byte that is not, so the summary, the console and the log can all hold it.
    """
    t0 = time.perf_counter()
    if not path.exists() or path.suffix.lower() in NOT_RETURNS:
        return not_a_return(path), time.perf_counter() - t0, 0.0
    try:
        raw = load_return(path)
    except WorkbookError as exc:
        return unreadable(path, exc.problem, exc.location.sheet, exc.location.cell), time.perf_counter() - t0, 0.0
    except MemoryError:  # the machine ran out while reading this file: the others can still be read
        message = "boardbook ran out of memory reading it, so it was not read: save a clean copy and try again"
        return unreadable(path, message), time.perf_counter() - t0, 0.0
    t1 = time.perf_counter()
    ret = validate_return(raw, config)
    if (file := shown(ret.file)) != ret.file:
        ret.file = file
        ret.problems = [replace(p, file=shown(p.file)) for p in ret.problems]
    return ret, t1 - t0, time.perf_counter() - t1


def unreadable(path: Path, message: str, sheet: str = "", cell: str = "") -> Return:
    """A return that could not be read: one ``unreadable`` error, and the hash of the bytes, for the log."""
    file = shown(str(path))
    ret = Return(file=file, problems=[Problem("unreadable", message, ERROR, file, sheet, cell)])
    try:
        ret.sha256 = open_package(path).sha256  # hash what we could read, for the log
    except WorkbookError:
        ret.sha256 = "unreadable"
    return ret


def not_a_return(path: Path) -> Return:
    """A file in the returns folder that is not a return (or a link to nothing): one ``not-a-return`` error
    saying what to do, so the agency it came from is not simply listed as having sent nothing."""
    file = shown(str(path))
    if not path.exists():
        target = shown(os.readlink(path)) if path.is_symlink() else ""
        message = (
            f"a link to a file that is not there ({target}): copy the return itself into the returns folder"
            if target
            else "the file is not there any more: copy the return itself into the returns folder"
        )
        return Return(file=file, sha256="unreadable", problems=[Problem("not-a-return", message, ERROR, file)])
    inside = ""
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                n = sum(1 for name in zf.namelist() if name.lower().endswith(EXTENSIONS))
            inside = f", holding {n} workbook{'' if n == 1 else 's'}" if n else ", with no .xlsx inside"
        except (zipfile.BadZipFile, OSError, ValueError):
            inside = ", and a damaged one"
    message = NOT_RETURNS[path.suffix.lower()].format(inside=inside)
    ret = Return(file=file, problems=[Problem("not-a-return", message, ERROR, file)])
    try:
        ret.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        ret.sha256 = "unreadable"
    return ret


def auto_jobs(n_files: int) -> int:
    """Processes to read ``n_files`` returns in: one per core available (up to 4) for big collations."""
    if n_files < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_AUTO_JOBS, cores))


def read_returns(
    files: Sequence[Path],
    config: Config,
    progress: Progress | None = None,
    *,
    jobs: int = 1,
    timings: dict[str, float] | None = None,
) -> list[Return]:
    """Read and validate every file once, in order; ``jobs`` > 1 reads in that many processes, 0 decides."""
    jobs = auto_jobs(len(files)) if jobs == 0 else jobs
    out = []
    read_s = validate_s = 0.0
    if jobs > 1 and len(files) > 1:
        # Each worker reads its files; one that dies on a file (a reader abort, the out-of-memory killer) or
        # takes longer than FILE_TIMEOUT costs that file alone: it is reported unreadable, the rest go on.
        arrived = 0

        def done(index: int, _result: object) -> None:
            nonlocal arrived
            arrived += 1
            if progress:
                progress(arrived, len(files), shown(files[index].name))

        results = run_isolated(
            functools.partial(read_one, config=config),
            files,
            workers=jobs,
            chunksize=max(1, len(files) // (jobs * 8)),
            timeout=FILE_TIMEOUT,
            memory_limit=WORKER_MEMORY,
            done=done,
        )
        for f, result in zip(files, results, strict=True):
            if isinstance(result, Lost):
                message = f"reading this file failed: {result.reason}; it was not read: {LOST}"
                ret, r, v = unreadable(f, message), 0.0, 0.0
            else:
                ret, r, v = result
            out.append(ret)
            read_s, validate_s = read_s + r, validate_s + v
    else:
        for n, f in enumerate(files, start=1):
            if progress:
                progress(n, len(files), shown(f.name))
            ret, r, v = read_one(f, config)
            out.append(ret)
            read_s, validate_s = read_s + r, validate_s + v
    if timings is not None:
        timings["jobs"] = jobs
        timings["read"] = read_s / max(1, jobs if len(files) > 1 else 1)  # wall-clock share per process
        timings["validate"] = validate_s / max(1, jobs if len(files) > 1 else 1)
    return out


def collate(
    inputs: Sequence[str | Path],
    out: str | Path,
    config: Config,
    *,
    agencies: Sequence[Agency] = (),
    previous: str | Path | None = None,
    partnership: str | None = None,
    sample: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    jobs: int = 1,
    timings: dict[str, float] | None = None,
    book: Book | None = None,
    round_: str | None = None,
    survey: str | Path | None = None,
) -> CollationResult:
    """Collate the returns found in ``inputs`` into the summary ``out`` (see the module docstring).

    ``round_`` is the audit round collated (default: the latest round any valid return gives, else any return);
    a return for another round is an error naming its Round cell.

    ``survey`` is a practitioners' survey export (``section11.survey``): the Survey table, and its
    disagreements joined to Challenge.

    ``jobs`` > 1 reads the returns in that many processes (0: ``auto_jobs`` decides); ``timings``, if
    given, receives the seconds spent in each phase. ``book`` (the summary open in Excel) is filled live
    instead of the file, and not saved.
    """
    out = Path(out)
    files = find_inputs(inputs)
    refuse_input_as_output(out, *files)
    partnership = partnership or config.partnership
    agencies = list(agencies or config.agencies)
    now = now or datetime.now().replace(microsecond=0)

    names = history.listed_names(agencies)
    previous_round: dict[rules.Key, str] = {}
    carried: list[list[object]] | None = None  # History from --previous; None keeps the summary's own
    if previous:
        previous_round = _previous_ratings(previous, config, names)

    started = time.perf_counter()
    returns = read_returns(files, config, progress, jobs=jobs, timings=timings)
    reading_done = time.perf_counter()
    if timings is not None:
        timings["reading (wall)"] = reading_done - started
    fingerprint = rules.fingerprint((Path(r.file).name, r.sha256) for r in returns)
    rules.as_listed(returns, agencies)
    # the latest round a valid return gives (a broken file's Round must not decide it), else any return's
    round_ = (
        str(round_ or "").strip() or rules.latest_round(r for r in returns if r.accepted) or rules.latest_round(returns)
    )
    rules.check_round(returns, round_)
    ours = fold(partnership) in {fold(config.partnership), *(fold(a) for a in config.aliases)}
    aliases = [a for a in (config.partnership, *config.aliases) if fold(a) != fold(partnership)] if ours else []
    counted, notes = rules.for_partnership(returns, partnership, aliases=aliases, agencies=agencies)
    counted, dup_notes = rules.latest_per_agency(counted)
    notes += dup_notes + rules.check_agencies([r for r in counted if r.accepted], agencies)
    superseded = {p.file for p in dup_notes}
    accepted = sorted(
        (r for r in counted if r.accepted and r.file not in superseded), key=lambda r: r.agency.casefold()
    )
    problems = [p for r in returns for p in r.problems] + notes

    sectors = {rules.key(a.name, "")[0]: a.sector for a in agencies}
    new_rows: dict[rules.Key, list[object]] = {}
    for r in accepted:
        for k, row in rules.rating_rows(r, r.sector or sectors.get(rules.key(r.agency, "")[0], "")):
            new_rows[k] = row

    with output_lock(out):  # read what people typed in the existing summary, fill, save (keeping a backup)
        live = book is not None
        book = book if book is not None else _open_summary(out, config)
        _add_new_tables(book)
        held = held_round(book)
        next_round = bool(held) and fold(held) != fold(round_)
        if next_round and not previous:
            # Last round's summary, collated with a new round's returns (a copy, or open in Excel): it is the
            # previous round — its ratings become History and the comparison, its people's work stays with it.
            previous_round = _previous_ratings(book, config, names)
            carried = history.history_rows(
                book.read_table(c.HISTORY).records(), book.read_table(c.RETURNS).records(), held, round_, names
            )
        kept = _carry_forward(book, new_rows, now, same_round=not next_round)
        if previous:
            carried = _previous_history(Path(previous), round_, names)

        # What moderators typed (carried forward) decides the Matrix labels and the Moderation tables.
        records = [dict(zip(c.RETURNS_HEADERS, row, strict=True)) for row in new_rows.values()]
        found_survey = None
        if survey is not None:
            known = {**{rules.key(r.agency, "")[0]: r.agency for r in accepted}, **names}
            found_survey = survey_rules.summarise(
                config, survey_rules.read_export(survey), known, survey_rules.self_ratings_of(records)
            )
            problems += found_survey.problems
        sample = config.thresholds.sample if sample is None else sample
        if sample and seed is None:
            seed = int(now.strftime("%Y%m%d"))
        matrix_labels = {
            k: moderation.matrix_label(rec, config.scale) for k, rec in zip(new_rows, records, strict=True)
        }
        sector_of = {rules.key(str(row[0]), "")[0]: str(row[1] or "") for row in new_rows.values()}
        pairs = [(r.agency, sector_of.get(rules.key(r.agency, "")[0], "")) for r in accepted]
        content = SummaryContent(
            config=config,
            partnership=partnership,
            collated_at=now,
            round=round_,
            returns=list(new_rows.values()),
            matrix=[
                (
                    r.agency,
                    {rt.ref: matrix_labels.get(rules.key(r.agency, rt.ref), rt.label) for rt in r.ratings},
                    rules.met_fraction((rt.label for rt in r.ratings), config.scale),
                )
                for r in accepted
            ],
            moderation=[
                (agency, sector, k)
                for (agency, sector), k in zip(pairs, moderation.by_agency(records, pairs, config.scale), strict=True)
            ],
            moderation_by_standard=list(
                zip(config.refs, moderation.by_standard(records, config.refs, config.scale), strict=True)
            ),
            history=carried if carried is not None else kept.history,
            trend=history.trend(carried if carried is not None else kept.history, records, round_, config.scale),
            standards=rules.standard_summaries(config, accepted),
            challenge=rules.with_survey(
                rules.challenge(config, accepted, previous_round, sample, seed),
                found_survey.challenge if found_survey else [],
                records,
            ),
            survey=found_survey.rows if found_survey else [],
            comparison=rules.comparison(config, accepted, previous_round) if previous or next_round else [],
            missing=rules.missing(agencies, partnership, counted),
            problems=sorted(problems, key=_problem_order),
            removed=kept.removed,
        )
        after = {k: (str(row[0]), str(row[3])) for k, row in new_rows.items()}
        changes = rules.rating_changes(kept.before, after)
        rejected = sum(1 for r in returns if not r.accepted)
        content.log = [
            *kept.log,
            [now, len(returns), len(accepted), rejected, rules.summarise_changes(changes), fingerprint, round_],
        ]
        rules_done = time.perf_counter()
        fill_summary(book, content)
        if not live:
            book.save(out, backup=True)
        if timings is not None:
            timings["rules"] = rules_done - reading_done
            timings["write"] = time.perf_counter() - rules_done
        return CollationResult(out, len(returns), len(accepted), rejected, problems, changes, fingerprint, round_)


def _problem_order(p: Problem) -> tuple[str, int, str]:
    return (Path(p.file).name.casefold(), {"Error": 0, "Warning": 1}.get(p.severity, 2), p.cell)


def _open_summary(out: Path, config: Config) -> Book:
    """The existing summary (filled in place, keeping people's work) or a new one from the template."""
    if not out.exists():
        return build_summary(config)
    # Every table is rewritten below; only these three are read first (people's work, removed rows, the log).
    rereading = (c.RETURNS, c.REMOVED, c.LOG, c.HISTORY)
    book = open_book(out, rereading=rereading, replacing=[t for t in c.SUMMARY_TABLES if t not in rereading])
    missing = [t for t in (c.RETURNS, c.LOG) if t not in book.table_names()]
    if missing:
        raise UsageError(f"{out} exists but is not a section 11 summary (no table {missing[0]}); choose another --out")
    for name in (c.MATRIX, c.STANDARDS, c.CHALLENGE, c.COMPARISON, c.MISSING, c.PROBLEMS, c.REMOVED):
        if name not in book.table_names():
            raise UsageError(f"{out} is missing table {name}; move it aside and collate again")
    return book


def _add_new_tables(book: Book) -> None:
    """A summary made before the moderation tables existed (a file, or open in Excel) gains them."""
    for name, headers in c.ADDED_TABLES.items():
        if name not in book.table_names():
            book.add_table(_free_sheet(book, name), name, headers)


def _free_sheet(book: Book, name: str) -> str:
    """A sheet name for a new table: the table's own name, or with a number when a sheet already has it."""
    taken = {s.casefold() for s in book.sheet_names()}
    candidates = (name, *(f"{name} {n}" for n in range(2, 100)))
    return next(s for s in candidates if s.casefold() not in taken)


def _previous_history(previous: Path, round_: str, names: dict[str, str]) -> list[list[object]]:
    """The previous summary's own History and its final ratings, as History rows (agencies as listed now)."""
    tables = read_tables(previous, (c.RETURNS, c.HISTORY), required=(c.RETURNS,))
    found = read_workbook(previous, names=("Round",)).names.get("Round")
    previous_round = cell_text(found.value) if found is not None else ""
    if not previous_round:  # a summary from before the Round name: its Log's last round, else "previous"
        log = read_tables(previous, (c.LOG,)).get(c.LOG)
        logged = [cell_text(r.get("Round")) for r in log.records()] if log else []
        previous_round = next((r for r in reversed(logged) if r), "") or "previous"
    own = tables[c.HISTORY].records() if c.HISTORY in tables else []
    return history.history_rows(own, tables[c.RETURNS].records(), previous_round, round_, names)


@dataclass
class _Kept:
    before: dict[rules.Key, tuple[str, str]]
    removed: list[list[object]]
    log: list[list[object]]
    history: list[list[object]]


def held_round(book: Book) -> str:
    """The round an existing summary holds (its ``Round`` name), "" for a new or older summary."""
    return cell_text(book.get_name("Round")) if "Round" in book.defined_names() else ""


def _carry_forward(
    book: Book, new_rows: dict[rules.Key, list[object]], now: datetime, *, same_round: bool = True
) -> _Kept:
    """Copy manual columns onto matching new rows; park vanished rows in Removed; keep the log.

    Collating another round into a summary (``same_round`` False) carries nothing of its rows: what moderators
    and the board typed belongs to the round they typed it in, which goes to History instead.
    """
    existing = book.read_table(c.RETURNS)
    manual_idx = [c.RETURNS_HEADERS.index(h) for h in c.MANUAL_COLUMNS]
    before: dict[rules.Key, tuple[str, str]] = {}
    removed_table = book.read_table(c.REMOVED)
    removed = [
        row for row in rows_of(removed_table.records(), c.REMOVED_HEADERS) if any(v not in (None, "") for v in row)
    ]
    # Rows that come back after being removed get their manual columns back.
    parked: dict[rules.Key, list[object]] = {}
    for row in removed:
        parked[rules.key(str(row[0] or ""), str(row[2] or ""))] = row
    restored: set[rules.Key] = set()
    for rec in existing.records() if same_round else ():
        agency, ref = str(rec.get("Agency") or "").strip(), str(rec.get("Ref") or "").strip()
        if not agency or not ref:
            continue
        k = rules.key(agency, ref)
        before[k] = (agency, str(rec.get("Rating") or ""))
        row = [rec.get(h) for h in c.RETURNS_HEADERS]
        if k in new_rows:
            for j in manual_idx:
                new_rows[k][j] = row[j]
        else:
            removed.append([*row, now])
    for k, row in new_rows.items():
        if k not in before and k in parked:
            for j in manual_idx:
                row[j] = parked[k][j]
            restored.add(k)
    removed = [row for row in removed if rules.key(str(row[0] or ""), str(row[2] or "")) not in restored]
    log_table = book.read_table(c.LOG)  # by header: a summary from before the Round column gets it blank
    log = [row for row in rows_of(log_table.records(), c.LOG_HEADERS) if any(v not in (None, "") for v in row)]
    held = book.read_table(c.HISTORY).records()
    kept_history = [row for row in rows_of(held, c.HISTORY_HEADERS) if all(v not in (None, "") for v in row[:3])]
    return _Kept(before, removed, log, kept_history)


# -- validate one return ----------------------------------------------------------------------------
def validate_book(book: Book, config: Config) -> Return:
    """Check a return open in Excel (the "Validate this return" button) with the rules of collation."""
    return validate_return(raw_from_book(book), config)


# -- new returns ------------------------------------------------------------------------------------
def file_name(agency: str, round_: str, kind: str = "return", ext: str = ".xlsx") -> str:
    """A safe, readable file name: 'Section 11 return 2026 - Northmoor Police.xlsx' (a round '2024/25' is
    written '2024-25': no character Windows, macOS or a zip refuses)."""
    safe = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", agency).strip(" .-") or "agency"
    r = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", round_).strip()
    return f"Section 11 {kind} {r} - {safe}{ext}"


def _previous_ratings(summary: str | Path | Book, config: Config, names: dict[str, str]) -> dict[rules.Key, str]:
    """Last round's ratings, renamed or merged agencies under the name the agency list gives them now (they are
    compared, and carried, under it)."""
    return {
        rules.key(history.as_listed(str(k[0]), names), k[1]): rating
        for k, (rating, _evidence) in previous_answers(summary, config).items()
    }


def previous_answers(summary: str | Path | Book, config: Config) -> dict[rules.Key, tuple[str, str]]:
    """(agency, ref) -> (rating, evidence) from a previous round's summary (a file, or a Book open in Excel)."""
    if isinstance(summary, str | Path):
        table = read_tables(summary, (c.RETURNS,), required=(c.RETURNS,))[c.RETURNS]
    else:
        if c.RETURNS not in summary.table_names():
            raise UsageError(
                f"{summary.path or 'this workbook'} is not a section 11 summary (no table "
                f"{c.RETURNS}): open the summary of the last round"
            )
        table = summary.read_table(c.RETURNS)
    return rules.previous_answers(table.records(), config.scale)


def make_returns(
    agencies: Sequence[Agency],
    round_: str,
    out: str | Path,
    config: Config,
    *,
    previous: str | Path | Book | None = None,
    partnership: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write one return per agency expected for the partnership; returns the paths written."""
    round_ = str(round_ or "").strip()
    if not round_:
        raise UsageError("give the audit round of the new returns (e.g. 2026)")
    partnership = partnership or config.partnership
    chosen = [a for a in agencies if a.returns_to(partnership)]
    if not chosen:
        raise UsageError(f"no agency in the list returns to {partnership!r}")
    carried = previous_answers(previous, config) if previous is not None else {}
    listed = history.listed_names(agencies)  # a renamed agency's new return carries its former name's answers
    carried = {rules.key(history.as_listed(k[0], listed), k[1]): v for k, v in carried.items()}

    def made(agency: Agency) -> Book:
        book = build_return(config)
        fill_return(book, config, agency, round_, carried)
        return book

    return _write_each(Path(out), [(a.name, file_name(a.name, round_), a) for a in chosen], made, progress)


def _write_each(
    folder: Path, items: Sequence[tuple[str, str, T]], make: Callable[[T], Book], progress: Progress | None
) -> list[Path]:
    """One workbook per (agency, file name, what it is made from), saved atomically in ``folder``; UsageError
    before anything is written when two agencies would get the same file name."""
    names = [name for _agency, name, _item in items]
    clashes = {n for n in names if names.count(n) > 1}
    if clashes:
        raise UsageError(f"two agencies would get the same file name: {sorted(clashes)[0]}")
    written = []
    for n, (agency, name, item) in enumerate(items, start=1):
        if progress:
            progress(n, len(items), agency)
        written.append(make(item).save(folder / name))
    return written


def write_feedback(
    summary: str | Path | Book, out: str | Path, config: Config, *, progress: Progress | None = None
) -> list[Path]:
    """Write one feedback workbook per agency with a valid return in ``summary``; returns the paths written.

    Each holds that agency's rows only (``section11.feedback``), named 'Section 11 feedback <round> - <agency>.xlsx'.
    """
    rows = read_summary(summary)
    chosen = feedback(config, rows)
    if not chosen:
        raise UsageError("the summary has no accepted returns yet: collate the returns first")

    def made(fb: AgencyFeedback) -> Book:
        book = build_feedback(rows.partnership or config.partnership)
        fill_feedback(book, config, fb)
        return book

    items = [(fb.agency, file_name(fb.agency, fb.round, "feedback"), fb) for fb in chosen]
    return _write_each(Path(out), items, made, progress)


@dataclass
class Mailing:
    """What ``mail_drafts`` wrote, and what a person must see to: agencies with no address or no file."""

    drafts: list[Path]
    listing: Path
    no_address: list[str]  # agencies whose draft has no recipient
    no_file: list[str]  # agencies expected with no workbook to attach (returns, feedback)


def mail_drafts(
    kind: str,
    source: str | Path | Book,
    agencies: Sequence[Agency],
    out: str | Path,
    config: Config,
    *,
    deadline: date | None = None,
    partnership: str | None = None,
    progress: Progress | None = None,
) -> Mailing:
    """One .eml draft per agency and ``mailings.csv`` in ``out``.

    ``returns``: ``source`` is the folder ``s11 returns`` wrote; each expected agency's return is attached.
    ``chase``: ``source`` is the summary; each agency in ``Missing`` is told why (none received, or its errors).
    ``feedback``: ``source`` is the folder ``s11 feedback`` wrote; each agency's feedback is attached.
    """
    if kind not in MAIL_KINDS:
        raise UsageError(f"mail kind must be one of {', '.join(MAIL_KINDS)}, not {kind!r}")
    partnership = partnership or config.partnership
    listed = {fold(a.name): a for a in agencies}
    drafts: list[Draft] = []
    no_file: list[str] = []
    if kind == "chase":
        rows = read_summary(source)
        errors = [p for p in rows.problems if p.get("Severity") == ERROR]
        for m in rows.missing:
            name = cell_text(m.get("Agency"))
            if not name:
                continue
            agency = listed.get(fold(name))
            file = rules.rejected_file(cell_text(m.get("Reason")))
            problems = mail.problems_text(file, [p for p in errors if cell_text(p.get("File")) == file])
            drafts.append(
                mail.compose(
                    kind,
                    config.mail,
                    agency=name,
                    email=agency.email if agency else cell_text(m.get("Email")),
                    round_=rows.round,
                    partnership=rows.partnership or partnership,
                    deadline=deadline,
                    problems=problems,
                )
            )
    else:
        if isinstance(source, Book):
            raise UsageError(f"mail {kind} needs the folder of the workbooks to attach, not an open workbook")
        found = _workbooks_by_agency(Path(source))
        wanted = [a for a in agencies if a.returns_to(partnership)] if kind == "returns" else []
        names = [a.name for a in wanted] or sorted((n for n, _p, _r in found.values()), key=str.casefold)
        for name in names:
            hit = found.get(fold(name))
            if hit is None:
                no_file.append(name)
                continue
            agency = listed.get(fold(name))
            drafts.append(
                mail.compose(
                    kind,
                    config.mail,
                    agency=agency.name if agency else hit[0],
                    email=agency.email if agency else "",
                    round_=hit[2],
                    partnership=partnership,
                    deadline=deadline,
                    attachment=hit[1],
                )
            )
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    listing: list[list[object]] = []
    for n, d in enumerate(drafts, start=1):
        if progress:
            progress(n, len(drafts), d.agency)
        target = folder / file_name(d.agency, d.round, kind, ".eml")
        data = mail.eml(d, config.mail, d.attachment.read_bytes() if d.attachment else b"")
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
        written.append(target)
        listing.append([d.agency, "; ".join(d.to), d.subject, d.attachment.name if d.attachment else "", target.name])
    listing_path = folder / "mailings.csv"
    with atomic_path(listing_path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(MAILINGS_HEADERS)
        w.writerows([[csv_cell(v) for v in row] for row in listing])
    return Mailing(written, listing_path, [d.agency for d in drafts if not d.to], no_file)


MAILINGS_HEADERS = ("Agency", "To", "Subject", "Attachment", "File")


def _workbooks_by_agency(folder: Path) -> dict[str, tuple[str, Path, str]]:
    """fold(agency) -> (agency, file, round) for each workbook in ``folder`` whose ``Agency`` name is filled
    (returns made by ``s11 returns``, feedback made by ``s11 feedback``); the newest file wins."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder: give the folder the returns or the feedback were written to")
    found: dict[str, tuple[str, Path, str]] = {}
    for path in sorted(folder.glob("*.xlsx"), key=lambda p: p.stat().st_mtime):
        if path.name.startswith("~$") or is_backup(path):
            continue
        raw = read_workbook(path, names=("Agency", "Round"))
        agency = raw.names.get("Agency")
        round_ = raw.names.get("Round")
        if agency is not None and cell_text(agency.value):
            name = cell_text(agency.value)
            found[fold(name)] = (name, path, cell_text(round_.value) if round_ else "")
    return found
