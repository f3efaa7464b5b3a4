"""The annual report pack, top to bottom — the one function the command (and later batch, demo, ribbon) calls:

1. read each filled workbook given (any subset of six) by table and defined name, each into its appendix; a
   workbook given to the wrong option, a template never filled, or a budget whose published table does not add
   up to its totals stops the run with every problem named;
2. write ``annual-report-data.xlsx`` through the Book port (a fresh workbook, one Excel table per appendix) and
   ``annual-report-appendices.docx`` (the same tables), each atomically. Inputs are only ever read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from boardbook.atomic import atomic_path, refuse_input_as_output
from boardbook.errors import UsageError
from boardbook.problems import by_severity
from boardbook.report import contract as c
from boardbook.report.document import write_document
from boardbook.report.fill import fill_report_data
from boardbook.report.kinds import sort_workbooks
from boardbook.report.model import Appendix, ReportInputError, ReportResult
from boardbook.report.reader import READERS, SOURCES, Problems, one_partnership
from boardbook.templates.report import build_report_data

OPTIONS = ", ".join(s.option for s in SOURCES.values())
DOCUMENT_SUFFIXES = (".docx", ".doc", ".xlsx", ".xlsm", ".xls", ".pdf")


def build_report(
    out: str | Path,
    *,
    budget: str | Path | None = None,
    performance: str | Path | None = None,
    s11: str | Path | None = None,
    learning: str | Path | None = None,
    training: str | Path | None = None,
    concerns: str | Path | None = None,
    council_convention: bool = False,
    now: datetime | None = None,
) -> ReportResult:
    """Read the filled workbooks given and write the pack into the folder ``out``.

    Raises:
        UsageError: no workbook given, ``out`` is a file, or an input is where an output would go.
        ReportInputError: every problem in the inputs (each naming file, and table or cell).
    """
    paths = {"budget": budget, "performance": performance, "s11": s11, "learning": learning}
    paths |= {"training": training, "concerns": concerns}
    return build_pack(out, paths, council_convention=council_convention, now=now)


def build_pack(
    out: str | Path,
    workbooks: Mapping[str, str | Path | None],
    *,
    council_convention: bool = False,
    now: datetime | None = None,
) -> ReportResult:
    """``build_report`` for the workbooks keyed by their option's name (budget, performance, s11, learning,
    training, concerns), as batch and the ribbon hold them; a key that is none of those is a programming error."""
    unknown = set(workbooks) - set(READERS)
    if unknown:
        raise ValueError(f"not a kind of workbook the report reads: {sorted(unknown)}")
    given = {kind: Path(p) for kind, p in workbooks.items() if p is not None}
    if not given:
        raise UsageError(f"give at least one filled workbook to take tables from: {OPTIONS}")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {folder} is a file: give the folder to write {c.DATA_FILE} and {c.DOCUMENT_FILE} to")
    if not folder.exists() and folder.suffix.lower() in DOCUMENT_SUFFIXES:  # it would be a folder named like one
        raise UsageError(
            f"--out {folder} is the folder to write {c.DATA_FILE} and {c.DOCUMENT_FILE} to, not a file: give a "
            f"folder (e.g. --out {folder.with_suffix('')})"
        )
    for target in (folder / c.DATA_FILE, folder / c.DOCUMENT_FILE):
        refuse_input_as_output(target, *given.values())

    problems = Problems()
    appendices: list[Appendix] = []
    for kind, read in READERS.items():  # in the order of the appendices
        if kind in given:
            options = {"council_convention": council_convention} if kind == "budget" else {}
            found = read(given[kind], problems=problems, **options)
            if found is not None:
                appendices.append(found)
    if problems.stop:
        raise ReportInputError(by_severity(problems))
    one_partnership(appendices, problems)

    partnership = next((a.partnership for a in appendices if a.partnership), "")
    made_at = (now or datetime.now()).strftime("%d/%m/%Y %H:%M")
    book = build_report_data(appendices, partnership=partnership, made_at=made_at)
    fill_report_data(book, appendices)
    data, document = folder / c.DATA_FILE, folder / c.DOCUMENT_FILE
    # Both are written in full before either replaces its old self: a document that cannot be replaced (open in
    # Word) leaves the earlier pack whole, never a new workbook beside an old document.
    with atomic_path(data) as data_tmp, atomic_path(document) as document_tmp:
        book.save(data_tmp)
        write_document(appendices, document_tmp, partnership=partnership, made_at=made_at)
    return ReportResult(appendices, data, document, list(problems))


def build_report_from(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    council_convention: bool = False,
    now: datetime | None = None,
    note: dict[Path, str] | None = None,
) -> ReportResult:
    """The pack from a bag of filled workbooks whose kinds are found from their tables (the ribbon's one
    multi-select dialog), through ``build_report`` as the command line calls it.

    Raises:
        UsageError: before anything is written, for a file of no kind, an unreadable one, or two of one kind
            (each named; ``note`` adds words after a file's name, e.g. that it is the open workbook).
        ReportInputError: as ``build_report``.
    """
    given = sort_workbooks(paths, note=note)
    if not given:
        raise UsageError("choose at least one filled workbook to take the report's tables from")
    return build_pack(out, given, council_convention=council_convention, now=now)
