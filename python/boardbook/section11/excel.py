"""Ribbon handlers for section 11 (called through ``boardbook.excel.dispatch``).

Each gathers its arguments from Excel and calls ``section11.pipeline``, like ``boardbook s11``.
"""

from __future__ import annotations

from boardbook.agencies import load_agencies
from boardbook.book.base import Book
from boardbook.dates import parse_date
from boardbook.excel import Cancelled, Excel
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate as collate_returns
from boardbook.section11.pipeline import held_round, mail_drafts, make_returns, validate_book, write_feedback
from boardbook.section11.rules import next_round

SHOWN = 15  # problems listed in the message box; the rest are in the notes on their cells


def new_returns(xl: Excel) -> str:
    """New returns for the next round, from the open summary (its answers are carried into the returns)."""
    book = xl.port()
    config = xl.config()
    is_summary = c.RETURNS in book.table_names()
    last = book.get_name("Round") if "Round" in book.defined_names() else None
    round_ = xl.need(xl.dialogs.ask("Audit round of the new returns (e.g. 2026):", next_round(last))).strip()
    agencies = config.agencies
    if not agencies:
        agencies = load_agencies(xl.need(xl.dialogs.pick_file("Choose the agency list (CSV)", "*.csv")))
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder for the new returns"))
    written = make_returns(
        agencies, round_, folder, config, previous=book if is_summary else None, progress=xl.progress("making return")
    )
    carried = " with last round's answers carried in" if is_summary else ""
    return f"Wrote {len(written)} returns for round {round_} to {folder}{carried}."


def validate(xl: Excel) -> str:
    """Check the open return with the rules of collation and mark its problem cells with notes."""
    book = xl.port()
    result = validate_book(book, xl.config())
    book.mark_problems([(p.sheet, p.cell, p.message) for p in result.problems if p.cell])
    if not result.problems:
        return "No problems found: the return is ready to send."
    listed = "\n".join(f"- {' '.join(x for x in (p.sheet, p.cell) if x)}: {p.message}" for p in result.problems[:SHOWN])
    more = f"\n… and {len(result.problems) - SHOWN} more" if len(result.problems) > SHOWN else ""
    return f"{len(result.problems)} problems; the cells are marked with notes:\n{listed}{more}"


def collate(xl: Excel, *, sample: int | None = None) -> str:
    """Collate a folder of returns into the open summary, live (it stays open, unsaved)."""
    book = xl.port()
    config = xl.config()
    if xl.path is None:
        return "Save this summary workbook first, so boardbook knows where it lives."
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder of returns"))
    # A fresh summary asks for last round's (the --previous of the command line; Cancel: none). One that holds a
    # round already is its own previous when new returns come in, and keeps its History.
    previous = None
    if not _holds_a_round(book):
        previous = xl.dialogs.pick_file(
            "Choose last round's summary, for every round's history and the comparison (Cancel: none)", "*.xlsx"
        )
    survey = None  # asked only when the configuration maps survey questions; Cancel collates without it
    if config.survey.questions:
        survey = xl.dialogs.pick_file("Choose the practitioners' survey export (Cancel: none)", "*.csv;*.xlsx")
    result = collate_returns(
        [folder],
        xl.path,
        config,
        sample=sample,
        book=book,
        progress=xl.progress("reading return"),
        previous=previous,
        survey=survey,
    )
    return (
        f"Read {result.read} returns: {result.accepted} accepted, {result.rejected} rejected, "
        f"{len(result.problems)} problems (see the Problems sheet). Save the workbook to keep the result."
    )


def _holds_a_round(book: Book) -> bool:
    """Whether the open summary has been collated (it names its round) or carries earlier rounds."""
    if held_round(book):
        return True
    return c.HISTORY in book.table_names() and any(
        any(v not in (None, "") for v in r) for r in book.read_table(c.HISTORY).rows
    )


def challenge_sample(xl: Excel) -> str:
    """Collate again with a random sample for the challenge event (the configured size, else 5)."""
    return collate(xl, sample=xl.config().thresholds.sample or 5)


def feedback(xl: Excel) -> str:
    """One feedback workbook per agency with a valid return, from the open summary, into a folder you choose."""
    book = xl.port()
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder for the agencies' feedback"))
    written = write_feedback(book, folder, xl.config(), progress=xl.progress("writing feedback for"))
    return f"Wrote feedback for {len(written)} agencies to {folder}: each holds that agency's rows only."


def mail_returns(xl: Excel) -> str:
    """E-mail drafts that carry each agency its new return (from the folder 'New returns' wrote)."""
    return _mail(xl, "returns", "Choose the folder of this round's new returns")


def mail_chase(xl: Excel) -> str:
    """E-mail drafts to the agencies in the open summary's Missing table, saying why."""
    return _mail(xl, "chase", "")


def mail_feedback(xl: Excel) -> str:
    """E-mail drafts that carry each agency its feedback workbook (from the folder 'Feedback' wrote)."""
    return _mail(xl, "feedback", "Choose the folder of the agencies' feedback workbooks")


def _mail(xl: Excel, kind: str, source_title: str) -> str:
    config = xl.config()
    source = xl.port() if kind == "chase" else xl.need(xl.dialogs.pick_folder(source_title))
    agencies = config.agencies or load_agencies(
        xl.need(xl.dialogs.pick_file("Choose the agency list (CSV) with the e-mail addresses", "*.csv"))
    )
    deadline = None
    if kind != "feedback":
        answer = xl.dialogs.ask("Reply-by date for the e-mails (dd/mm/yyyy; leave blank for none):", "")
        if answer is None:
            raise Cancelled
        deadline = parse_date(answer) if answer.strip() else None
        if answer.strip() and deadline is None:
            return f"'{answer}' is not a date: nothing was written. Write it as dd/mm/yyyy."
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder for the e-mail drafts"))
    done = mail_drafts(kind, source, agencies, folder, config, deadline=deadline, progress=xl.progress("drafting"))
    lines = [
        f"Wrote {len(done.drafts)} e-mail drafts and {done.listing.name} to {folder}: open each in Outlook to send."
    ]
    lines += [f"- no e-mail address for {name}: its draft has no To" for name in done.no_address]
    lines += [f"- no workbook for {name}: no draft" for name in done.no_file]
    return "\n".join(lines)
