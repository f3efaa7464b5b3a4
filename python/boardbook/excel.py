"""Ribbon handlers: the add-in's one VBA callback passes the button's tag here.

Every handler is thin: it takes the calling workbook (``xw.Book.caller()``), wraps it in the xlwings
backend of the Book port, and calls the same function the CLI calls. Progress goes to Excel's status
bar; expected problems go to a message box in plain words. A new button needs ribbon XML and an entry
in ``HANDLERS`` — no VBA.
"""

from __future__ import annotations

import traceback
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boardbook import __version__
from boardbook.errors import BoardbookError

DOCS_URL = "https://github.com/boardbook/boardbook#readme"


class Excel:
    """What a handler needs from Excel: the calling book, the status bar, message boxes, file pickers."""

    def __init__(self, book: Any):
        self.book = book

    @classmethod
    def caller(cls) -> Excel:
        import xlwings as xw

        return cls(xw.Book.caller())

    def status(self, text: str | None) -> None:
        self.book.app.status_bar = text if text else False

    def message(self, text: str, title: str = "boardbook") -> None:
        self.book.app.alert(text, title=title)

    def pick_folder(self, title: str) -> Path | None:
        picked = self.book.app.api.FileDialog(4)  # msoFileDialogFolderPicker (Windows)
        picked.Title = title
        return Path(picked.SelectedItems(1)) if picked.Show() == -1 else None

    def pick_file(self, title: str, pattern: str = "*.csv") -> Path | None:
        picked = self.book.app.api.GetOpenFilename(f"Files ({pattern}),{pattern}", Title=title)
        return Path(picked) if picked else None

    def port(self):
        from boardbook.book.xlwings_book import XlwingsBook

        return XlwingsBook(self.book)


def _progress(xl: Excel, what: str) -> Callable[[int, int, str], None]:
    def update(n: int, total: int, name: str) -> None:
        xl.status(f"boardbook: {what} {n} of {total}: {name}")

    return update


def s11_new_returns(xl: Excel) -> str:
    from boardbook.agencies import load_agencies
    from boardbook.config import load_config
    from boardbook.section11.returns import make_returns

    agencies = xl.pick_file("Choose the agency list (CSV)")
    folder = xl.pick_folder("Choose the folder for the new returns") if agencies else None
    if not agencies or not folder:
        return "Cancelled."
    written = make_returns(load_agencies(agencies), str(xl.book.sheets[0].range("A1").value or ""), folder,
                           load_config(), progress=_progress(xl, "making return"))
    return f"Wrote {len(written)} returns to {folder}."


def s11_validate(xl: Excel) -> str:
    """Check the open return and mark its problem cells (the same rules as collation)."""
    from boardbook.config import load_config
    from boardbook.section11.reader import raw_from_book
    from boardbook.section11.validate import validate_return

    book = xl.port()
    result = validate_return(raw_from_book(book, xl.book.fullname), load_config())
    book.mark_problems([(p.sheet, p.cell, p.message) for p in result.problems if p.cell])
    if not result.problems:
        return "No problems found: the return is ready to send."
    return f"{len(result.problems)} problems; the cells are marked with comments:\n" + "\n".join(
        f"- {p.sheet} {p.cell}: {p.message}" for p in result.problems[:15])


def s11_collate(xl: Excel, *, sample: int | None = None) -> str:
    from boardbook.config import load_config
    from boardbook.section11.collate import collate

    folder = xl.pick_folder("Choose the folder of returns")
    if not folder:
        return "Cancelled."
    result = collate([folder], Path(xl.book.fullname), load_config(), sample=sample,
                     progress=_progress(xl, "reading return"))
    return (f"Read {result.read} returns: {result.accepted} accepted, {result.rejected} rejected. "
            f"See the Problems sheet.")


def s11_challenge_sample(xl: Excel) -> str:
    return s11_collate(xl, sample=5)


def budget_recalculate(xl: Excel) -> str:
    from boardbook.budget.compute import budget_result
    from boardbook.budget.fill import fill_budget
    from boardbook.budget.reader import read_budget

    path = Path(xl.book.fullname)
    xl.book.save()
    result = budget_result(read_budget(path))
    fill_budget(xl.port(), result)
    return "Budget recalculated." + "".join(f"\nWarning: {w}" for w in result.warnings)


def performance_refresh_quadrant(xl: Excel) -> str:
    from boardbook.performance.excel import refresh_quadrant

    return refresh_quadrant(xl)


def performance_import_ees(xl: Excel) -> str:
    from boardbook.performance.excel import import_ees

    return import_ees(xl)


def help_version(xl: Excel) -> str:
    return f"boardbook {__version__}"


def help_docs(xl: Excel) -> str:
    webbrowser.open(DOCS_URL)
    return f"Opened {DOCS_URL}"


HANDLERS: dict[str, Callable[[Excel], str]] = {
    "s11.new_returns": s11_new_returns,
    "s11.validate": s11_validate,
    "s11.collate": s11_collate,
    "s11.challenge_sample": s11_challenge_sample,
    "budget.recalculate": budget_recalculate,
    "performance.refresh_quadrant": performance_refresh_quadrant,
    "performance.import_ees": performance_import_ees,
    "help.version": help_version,
    "help.docs": help_docs,
}


def dispatch(tag: str, xl: Excel | None = None) -> str:
    """Run the handler for a ribbon button's ``tag``; every outcome ends in a message, never a traceback."""
    xl = xl or Excel.caller()
    handler = HANDLERS.get(tag)
    try:
        if handler is None:
            message = f"This button ({tag}) is not known to boardbook {__version__}: update boardbook."
        else:
            xl.status(f"boardbook: {tag} …")
            message = handler(xl)
    except BoardbookError as exc:
        message = f"boardbook could not do that:\n{exc}"
    except Exception as exc:
        message = f"Something went wrong in boardbook ({type(exc).__name__}: {exc}).\n\n" + traceback.format_exc(
            limit=3)
    finally:
        xl.status(None)
    xl.message(message)
    return message
