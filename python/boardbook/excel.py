"""The Excel door: the add-in's one VBA callback passes the button's tag to ``dispatch``.

A handler only gathers its arguments from Excel — the open workbook (through the Book port), file pickers,
input boxes — calls the same pipeline function the command line and ``boardbook batch`` call, and returns
the message to show. Configuration comes from the workbook (``boardbook.recorded``), never the bundled
default. Handlers live beside their domain (``section11/excel.py``, ``budget/excel.py``,
``performance/excel.py``) and are imported only when their button is pressed. A new button needs ribbon XML
and an entry in ``HANDLERS`` — no VBA.

Dialogs are an injected ``Dialogs`` object, so tests run every handler unattended against an in-memory
implementation of xlwings' engine; ``ExcelDialogs`` is the real one (only real Excel can show it).
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from boardbook import __version__
from boardbook.book.base import Book
from boardbook.config import Config, load_config
from boardbook.errors import BoardbookError
from boardbook.recorded import NOT_RECORDED, recorded_config

DOCS_URL = "https://github.com/boardbook/boardbook#readme"
CANCELLED = "Cancelled: nothing was changed."


class Cancelled(Exception):
    """The user closed a dialog: the handler stops and says nothing was changed."""


class Dialogs(Protocol):
    """What a handler may ask the person at the keyboard."""

    def pick_file(self, title: str, pattern: str) -> Path | None: ...

    def pick_files(self, title: str, pattern: str) -> list[Path]:
        """Several files in one dialog; an empty list when the user cancels."""
        ...

    def pick_folder(self, title: str) -> Path | None: ...

    def ask(self, prompt: str, default: str = "") -> str | None: ...

    def message(self, text: str, title: str = "boardbook") -> None: ...


class ExcelDialogs:
    """Excel's own dialogs (Application.GetOpenFilename, FileDialog, InputBox; xlwings' alert)."""

    def __init__(self, app: Any):
        self.app = app

    def pick_file(self, title: str, pattern: str) -> Path | None:
        picked = self.app.api.GetOpenFilename(f"Files ({pattern}),{pattern}", Title=title)
        return Path(picked) if picked else None

    def pick_files(self, title: str, pattern: str) -> list[Path]:
        picked = self.app.api.GetOpenFilename(f"Files ({pattern}),{pattern}", Title=title, MultiSelect=True)
        return picked_paths(picked)

    def pick_folder(self, title: str) -> Path | None:
        picked = self.app.api.FileDialog(4)  # msoFileDialogFolderPicker
        picked.Title = title
        return Path(picked.SelectedItems(1)) if picked.Show() == -1 else None

    def ask(self, prompt: str, default: str = "") -> str | None:
        answer = self.app.api.InputBox(prompt, "boardbook", default)
        return None if answer is False else str(answer)

    def message(self, text: str, title: str = "boardbook") -> None:
        self.app.alert(text, title=title)


def picked_paths(picked: Any) -> list[Path]:
    """What ``GetOpenFilename(..., MultiSelect:=True)`` hands Python, as paths: a VBA array of full names (pywin32
    gives a tuple, even for one file), or False on Cancel; a lone name is taken as one file."""
    if picked is None or picked is False:
        return []
    if isinstance(picked, str):
        return [Path(picked)] if picked and picked != "False" else []
    return [Path(str(p)) for p in picked if p]


def _unsaved(book: Any) -> bool:
    try:
        return book.api.Saved is False  # pywin32 hands VBA's Boolean over as bool
    except Exception:  # no COM (a Mac's AppleScript object): not known, so not said
        return False


class Excel:
    """The calling workbook (an ``xlwings.Book``), its status bar and the dialogs."""

    def __init__(self, book: Any, dialogs: Dialogs | None = None):
        self.book = book
        self.dialogs: Dialogs = dialogs or ExcelDialogs(book.app)
        self._port: Book | None = None

    @classmethod
    def caller(cls) -> Excel:
        import xlwings as xw

        return cls(xw.Book.caller())

    @property
    def path(self) -> Path | None:
        """The workbook's file, or None if it was never saved."""
        name = getattr(self.book, "fullname", "")
        return Path(name) if name and Path(name).is_absolute() else None

    def unsaved(self, paths: Iterable[Path]) -> list[Path]:
        """Those of ``paths`` open in this Excel with changes not saved to their file (Excel's ``Workbook.Saved``,
        through COM). Where that cannot be asked (a Mac), none are listed."""
        wanted = {p.resolve(): p for p in paths}
        found = []
        for book in self.book.app.books:
            name = getattr(book, "fullname", "")
            if name and Path(name).is_absolute() and Path(name).resolve() in wanted and _unsaved(book):
                found.append(wanted[Path(name).resolve()])
        return found

    def status(self, text: str | None) -> None:
        self.book.app.status_bar = text if text else False

    def port(self) -> Book:
        """The calling workbook behind the Book port (the xlwings backend), opened once."""
        if self._port is None:
            from boardbook.book import live_port

            self._port = live_port(self.book)
        return self._port

    def config(self) -> Config:
        """The configuration the workbook records; if it records none, say so and ask for the file."""
        found = recorded_config(self.port())
        if found is not None:
            return found
        self.dialogs.message(
            NOT_RECORDED.format(name=self.book.name) + ".\n\nChoose the boardbook.toml it was "
            "made with next; boardbook then records it in the workbook."
        )
        chosen = self.dialogs.pick_file("Choose the boardbook configuration (boardbook.toml)", "*.toml")
        if chosen is None:
            raise Cancelled
        return load_config(chosen)

    def progress(self, what: str) -> Callable[[int, int, str], None]:
        def update(n: int, total: int, name: str) -> None:
            self.status(f"boardbook: {what} {n} of {total}: {name}")

        return update

    def need(self, answer: Any) -> Any:
        """``answer`` from a dialog, or stop with Cancelled if the user closed it."""
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            raise Cancelled
        return answer


def help_version(xl: Excel) -> str:
    return f"boardbook {__version__}"


def help_docs(xl: Excel) -> str:
    import webbrowser

    webbrowser.open(DOCS_URL)
    return f"Opened {DOCS_URL}"


# tag -> "module:function"; imported when the button is pressed.
HANDLERS: dict[str, str] = {
    "s11.new_returns": "boardbook.section11.excel:new_returns",
    "s11.validate": "boardbook.section11.excel:validate",
    "s11.collate": "boardbook.section11.excel:collate",
    "s11.challenge_sample": "boardbook.section11.excel:challenge_sample",
    "s11.feedback": "boardbook.section11.excel:feedback",
    "s11.mail_returns": "boardbook.section11.excel:mail_returns",
    "s11.mail_chase": "boardbook.section11.excel:mail_chase",
    "s11.mail_feedback": "boardbook.section11.excel:mail_feedback",
    "budget.recalculate": "boardbook.budget.excel:recalculate",
    "performance.refresh_quadrant": "boardbook.performance.excel:refresh_quadrant",
    "performance.import_ees": "boardbook.performance.excel:import_ees",
    "learning.refresh": "boardbook.learning.excel:refresh",
    "concerns.refresh": "boardbook.concerns.excel:refresh",
    "training.fill": "boardbook.training.excel:fill_training",
    "report.build": "boardbook.report.excel:build",
    "help.version": "boardbook.excel:help_version",
    "help.docs": "boardbook.excel:help_docs",
}


def handler(tag: str) -> Callable[[Excel], str] | None:
    """The function behind a button's tag, or None for a tag this version does not know."""
    target = HANDLERS.get(tag)
    if target is None:
        return None
    module, name = target.split(":")
    fn: Callable[[Excel], str] = getattr(importlib.import_module(module), name)
    return fn


def dispatch(tag: str, xl: Excel | None = None) -> str:
    """Run the handler for a ribbon button's ``tag``; every outcome ends in a message, never a traceback."""
    xl = xl or Excel.caller()
    try:
        run = handler(tag)
        if run is None:
            message = f"This button ({tag}) is not known to boardbook {__version__}: update boardbook."
        else:
            xl.status(f"boardbook: {tag} …")
            message = run(xl)
    except Cancelled:
        message = CANCELLED
    except BoardbookError as exc:
        message = f"boardbook could not do that:\n{exc}"
    except Exception as exc:
        message = f"Something went wrong in boardbook ({type(exc).__name__}: {exc}).\n\n" + traceback.format_exc(
            limit=3
        )
    finally:
        xl.status(None)
    xl.dialogs.message(message)
    return message
