"""The configuration travels with the workbook.

Every workbook boardbook writes records the configuration that made it — partnership, scale, standards,
thresholds — as TOML lines in the table ``BoardbookConfig`` on a hidden sheet ``boardbook``. Ribbon buttons
and worksheet functions use the recorded configuration, never the bundled default, so an Eastvale summary
on a RAG scale stays Eastvale and RAG whoever presses the button. On the command line an explicit
``--config`` wins; without one, the workbook being filled in place speaks for itself.

Returns sent to agencies record it without the agency list (other agencies' e-mail addresses).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from boardbook.book.base import Book, TableData
from boardbook.config import Config, config_toml, load_config, parse_config
from boardbook.errors import WorkbookError

CONFIG_SHEET = "boardbook"
CONFIG_TABLE = "BoardbookConfig"
CONFIG_HEADERS = ("TOML",)
NOT_RECORDED = (
    "{name} records no boardbook configuration (it was made before configurations travelled with "
    "workbooks, or the hidden sheet 'boardbook' was deleted)"
)


def config_rows(config: Config, *, agencies: bool = True) -> list[list[object]]:
    """The table rows that record ``config`` (one TOML line per row; blank lines left out)."""
    return [[line] for line in config_toml(config, agencies=agencies).splitlines() if line.strip()]


def record_config(book: Book, config: Config, *, agencies: bool = True) -> None:
    """Write ``config`` into the workbook (adding the hidden sheet and table to a workbook made before)."""
    if CONFIG_TABLE not in book.table_names():
        book.add_table(CONFIG_SHEET, CONFIG_TABLE, CONFIG_HEADERS, hidden=True)
    book.write_table(CONFIG_TABLE, config_rows(config, agencies=agencies), headers=CONFIG_HEADERS)


def config_from_lines(lines: Sequence[object], where: str) -> Config:
    """Parse recorded TOML lines; a damaged record is a ConfigError naming the workbook."""
    text = "\n".join("" if v is None else str(v) for v in lines)
    return parse_config(text, f"{where} (configuration recorded on its hidden sheet '{CONFIG_SHEET}')")


def _from_table(table: TableData | None, where: str) -> Config | None:
    """The configuration a ``BoardbookConfig`` table holds, or None for no table or an empty one."""
    lines = [row[0] if row else None for row in table.rows] if table is not None else []
    if not any(v not in (None, "") for v in lines):
        return None
    return config_from_lines(lines, where)


def recorded_config(book: Book) -> Config | None:
    """The configuration a workbook records, or None if it records none."""
    table = book.read_table(CONFIG_TABLE) if CONFIG_TABLE in book.table_names() else None
    return _from_table(table, Path(str(book.path or "the workbook")).name)


def recorded_config_file(path: str | Path) -> Config | None:
    """The configuration recorded in a workbook file (read quickly, without loading the workbook)."""
    from boardbook.book.fast import read_tables

    try:
        tables = read_tables(path, (CONFIG_TABLE,))
    except WorkbookError:
        return None
    return _from_table(tables.get(CONFIG_TABLE), Path(path).name)


def choose_config(explicit: str | Path | None, *recorded_in: str | Path | None) -> Config:
    """The configuration for a command: ``--config`` if given, else the first of ``recorded_in`` (existing
    workbooks the command fills in place or builds on) that records one, else the bundled default."""
    if explicit is not None:
        return load_config(explicit)
    for path in recorded_in:
        if path is not None and Path(path).is_file() and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            found = recorded_config_file(path)
            if found is not None:
                return found
    return load_config()
