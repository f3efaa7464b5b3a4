"""Check a raw return against the configuration; every finding becomes a Problem with file, sheet and cell.

Errors keep the return out of the scores (it is still listed); warnings and notes do not. Each kind
of problem has a stable code (``CODES``) and a message an agency safeguarding lead can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from boardbook.book.base import TableData, Value
from boardbook.book.numfmt import shown
from boardbook.config import Config, split_partnerships
from boardbook.dates import parse_date
from boardbook.folding import clean_name, fold
from boardbook.recorded import CONFIG_TABLE
from boardbook.section11 import contract as c
from boardbook.section11.model import ERROR, INFO, WARNING, Problem, Rating, Return
from boardbook.section11.reader import COVER_LABELS, RawReturn
from boardbook.suggest import close_matches
from boardbook.textsafe import cell_text, quoted

CODES = {
    "unreadable": "the file is not a readable .xlsx workbook",
    "macros": "a macro-enabled workbook: data read, macros never run",
    "legacy-format": "a legacy .xls or .ods file, read by its layout",
    "read-by-layout": "an .xlsx that lost its Assessment table or defined names, read by its layout",
    "not-a-return": "a file in the returns folder that is not a return workbook (.zip, .xltx, .pdf, .csv, a link)",
    "name-missing": "a required defined name is missing",
    "name-deleted": "a defined name points at a cell that was deleted (#REF!)",
    "name-sheet-scoped": "a defined name found only on one sheet (a copied sheet), used",
    "name-blank": "a required detail (agency) is blank",
    "version-old": "an older template version",
    "version-unknown": "an unknown template version",
    "table-missing": "the Assessment table is missing",
    "table-copy": "a second copy of the Assessment table (a copied sheet)",
    "column-missing": "a column of the Assessment table is missing or renamed",
    "standard-missing": "a configured standard is not in the return",
    "standard-duplicate": "a standard appears more than once",
    "standard-unknown": "a row's Ref is not a configured standard",
    "rating-blank": "a standard has no rating",
    "rating-uncalculated": "a rating is a formula no spreadsheet has calculated",
    "rating-error": "a rating is an Excel error value such as #N/A",
    "rating-unknown": "a rating is not on the scale",
    "cell-uncalculated": "a required cell (a cover detail, a Ref, Evidence, a Due date) is a formula never calculated",
    "cell-error": "a required cell holds an Excel error value such as #N/A",
    "evidence-missing": "a rating that needs evidence has none",
    "action-missing": "a rating below met has no action, owner or due date (when the configuration asks)",
    "date-invalid": "a date cannot be read",
    "completed-blank": "the completion date is blank",
    "hidden-sheet": "the return's table is on a hidden sheet",
    "duplicate-return": "a second return from the same agency",
    "agency-unknown": "the agency is not in the agency list",
    "other-partnership": "the return is for another partnership",
    "round-other": "the return is for another audit round than the one collated",
    "partnership-unknown": "the Partnership cell names no partnership this configuration knows",
    "answer-format": "an answer Excel turned into a number or date is in a format boardbook cannot show",
    "survey-agency-unknown": "a survey export names an agency that is not on the agency list (its answers left out)",
}
ANSWERS = ("Evidence", "Action", "Owner")  # typed text: read as the agency sees it, even where Excel made a number
ESSENTIAL = ("Ref", "Rating", "Evidence")


class _Checker:
    def __init__(self, raw: RawReturn):
        self.raw = raw
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, severity: str = ERROR, sheet: str = "", cell: str = "") -> None:
        self.problems.append(Problem(code, message, severity, self.raw.file, sheet, cell))


def validate_return(raw: RawReturn, config: Config) -> Return:
    """Apply every section 11 rule to ``raw``; never raises for bad content."""
    chk = _Checker(raw)
    ret = Return(file=raw.file, sha256=raw.sha256, modified=raw.modified)
    if raw.legacy:
        kind = {"xls": "a legacy Excel 97-2003 (.xls) file", "ods": "an OpenDocument (.ods) spreadsheet"}[raw.legacy]
        chk.add(
            "legacy-format",
            f"{kind}: read by its labels and column headers, as it has no Excel tables; please send .xlsx next time",
            INFO,
        )
    if raw.by_layout:
        _by_layout(chk, raw)
    if raw.has_macros:
        chk.add("macros", "macro-enabled workbook (.xlsm): its data was read; its macros were not run", INFO)
    _details(chk, raw, ret)
    if raw.table is None:
        found = [t for t in raw.tables if t != CONFIG_TABLE]  # the hidden configuration is not the agency's
        hint = f" (tables found: {', '.join(found)})" if found else " (the workbook has no tables)"
        chk.add(
            "table-missing",
            f"table '{c.ASSESSMENT}' not found{hint}: use the partnership's template",
            sheet=c.ASSESSMENT if c.ASSESSMENT in raw.sheets else "",
        )
    else:
        if raw.table.sheet in raw.hidden_sheets:
            chk.add(
                "hidden-sheet",
                f"the Assessment table is on hidden sheet '{raw.table.sheet}'; read anyway",
                WARNING,
                raw.table.sheet,
            )
        for name, sheet, ref in raw.copies:
            chk.add(
                "table-copy",
                f"a second Assessment table, '{name}' on sheet '{sheet}' ({ref}; a copied sheet?): table "
                f"'{raw.table.name}' on sheet '{raw.table.sheet}' was read and '{name}' was not; delete the copy "
                "(or move its answers into the first) and send the return again",
                WARNING,
                sheet,
                ref,
            )
        ret.ratings = _ratings(chk, raw.table, config)
    ret.problems = chk.problems
    return ret


def _by_layout(chk: _Checker, raw: RawReturn) -> None:
    """One note for what an .xlsx lost and was found by its layout instead."""
    lost = []
    if c.ASSESSMENT in raw.by_layout and raw.table is not None:
        lost.append(f"its table '{c.ASSESSMENT}' (read from the header row on sheet '{raw.table.sheet}')")
    names = [n for n in raw.by_layout if n != c.ASSESSMENT and raw.name_notes.get(n) != "deleted"]
    if names:
        lost.append(f"the defined name{'s' if len(names) > 1 else ''} {', '.join(names)} (read beside the labels)")
    if not lost:
        return  # only names whose cell was deleted: each has its own note
    chk.add(
        "read-by-layout",
        f"this workbook has lost {' and '.join(lost)}, as happens when a return is pasted into a new workbook or "
        "exported from Google Sheets or Numbers: read by its layout; next time fill in the partnership's template "
        "in Excel and keep its table and names",
        INFO,
    )


def _why_blank(chk: _Checker, what: str, sheet: str, cell: str, severity: str, todo: str) -> bool:
    """A blank ``cell`` that holds a formula never calculated or an Excel error: one problem saying so (True)."""
    reason = chk.raw.uncalculated().get((sheet, cell))
    if reason is None:
        return False
    if reason:
        chk.add(
            "cell-error",
            f"{what} is the Excel error {reason} (a formula or a paste that went wrong): {todo}",
            severity,
            sheet,
            cell,
        )
    else:
        chk.add(
            "cell-uncalculated",
            f"{what} is a formula with no calculated result (the file was written by a program, not saved from "
            f"Excel): {todo}, or open the return in Excel and save it",
            severity,
            sheet,
            cell,
        )
    return True


def _label(name: str) -> str:
    """The template's label for defined name ``name`` ('Audit round' for Round), as the agency sees it."""
    return next(k for k, v in COVER_LABELS.items() if v == name)


def _details(chk: _Checker, raw: RawReturn, ret: Return) -> None:
    explained: set[str] = set()  # names whose blank is a formula never calculated or an error, already said

    def value(name: str) -> tuple[Value, str, str]:
        nc = raw.names.get(name)
        note = raw.name_notes.get(name, "")
        if note == "deleted":
            label = _label(name)
            if nc is not None and name in raw.by_layout:
                chk.add(
                    "name-deleted",
                    f"defined name '{name}' points at a cell that was deleted (#REF!); its value was read beside "
                    f"the label '{label}': next time use the partnership's template",
                    INFO,
                    nc.sheet,
                    nc.cell,
                )
            else:
                chk.add(
                    "name-deleted",
                    f"defined name '{name}' points at a cell that was deleted (#REF!) and no '{label}' label was "
                    "found beside a value: copy the answers into the partnership's template",
                )
                return None, "", ""
        elif note and nc is not None:
            chk.add(
                "name-sheet-scoped",
                f"defined name '{name}' belongs to sheet '{note}' only (as Excel makes when a sheet is copied) and "
                "the workbook has none of its own: it was used",
                INFO,
                nc.sheet,
                nc.cell,
            )
        if nc is None:
            what = "is missing" if name not in raw.names else "does not point at a single cell"
            chk.add("name-missing", f"defined name '{name}' {what}: use the partnership's template")
            return None, "", ""
        if cell_text(nc.value) == "":
            severity = ERROR if name == "Agency" else WARNING
            if _why_blank(chk, f"'{_label(name)}'", nc.sheet, nc.cell, severity, "type it on the cover sheet"):
                explained.add(name)
        return nc.value, nc.sheet, nc.cell

    agency, sheet, cell = value("Agency")
    ret.agency = clean_name(cell_text(agency))  # no zero-width or non-breaking spaces in the summary
    if raw.names.get("Agency") is not None and not ret.agency and "Agency" not in explained:
        chk.add("name-blank", "the agency name is blank: type it on the cover sheet", sheet=sheet, cell=cell)
    ret.sector = cell_text(value("Sector")[0])
    partnerships, sheet, cell = value("Partnership")
    ret.partnerships, ret.cells["Partnership"] = split_partnerships(partnerships), (sheet, cell)
    round_, sheet, cell = value("Round")
    ret.round, ret.cells["Round"] = (
        cell_text(round_),
        (sheet, cell),
    )  # a Round typed as the number 2026 is the text "2026"
    ret.completed_by = cell_text(value("CompletedBy")[0])

    completed, sheet, cell = value("CompletedOn")
    if raw.names.get("CompletedOn") is not None and "CompletedOn" not in explained:
        if cell_text(completed) == "":
            chk.add(
                "completed-blank",
                "'Completed on' is blank: fill in the date the return was completed",
                WARNING,
                sheet,
                cell,
            )
        else:
            ret.completed_on = parse_date(completed)
            if ret.completed_on is None:
                chk.add(
                    "date-invalid",
                    f"'Completed on' {quoted(cell_text(completed))} is not a date: write it as dd/mm/yyyy",
                    WARNING,
                    sheet,
                    cell,
                )

    version, sheet, cell = value("TemplateVersion")
    if raw.names.get("TemplateVersion") is not None and "TemplateVersion" not in explained:
        v = cell_text(version)
        if v in c.OLDER_VERSIONS:
            chk.add(
                "version-old",
                f"this return uses an older template (version {v}); the current version is "
                f"{c.TEMPLATE_VERSION}: copy the answers into the current template",
                sheet=sheet,
                cell=cell,
            )
        elif v not in c.KNOWN_VERSIONS:
            chk.add(
                "version-unknown",
                f"template version {quoted(v)} is not one boardbook knows (expected "
                f"{c.TEMPLATE_VERSION}): use the partnership's template",
                sheet=sheet,
                cell=cell,
            )


def _columns(chk: _Checker, table: TableData) -> dict[str, int] | None:
    """Contract header -> column index, matching trimmed and case-folded; problems for missing ones."""
    found = {fold(h): i for i, h in enumerate(table.headers)}
    cols: dict[str, int] = {}
    for header in c.ASSESSMENT_HEADERS:
        if fold(header) in found:
            cols[header] = found[fold(header)]
            continue
        taken = {table.headers[i] for i in cols.values()}
        close = close_matches(header, [h for h in table.headers if h not in taken])
        hint = f" ('{close[0]}' looks like it: rename it back to '{header}')" if close else ""
        essential = header in ESSENTIAL
        where = table.first_col + (table.headers.index(close[0]) if close else 0)
        chk.add(
            "column-missing",
            f"column '{header}' is missing from table {c.ASSESSMENT}{hint}"
            + ("" if essential else "; treated as blank"),
            ERROR if essential else WARNING,
            table.sheet,
            f"{_col_letter(where)}{table.header_row}",
        )
    if any(h not in cols for h in ESSENTIAL):
        return None
    return cols


def _listed(words: list[str]) -> str:
    """ "action", "action or owner", "action, owner or due"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _col_letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _ratings(chk: _Checker, table: TableData, config: Config) -> list[Rating]:
    cols = _columns(chk, table)
    if cols is None:
        return []
    scale = config.scale
    wanted = {fold(r): r for r in config.refs}
    seen: dict[str, int] = {}  # ref -> the row index it was first seen on
    ratings: list[Rating] = []

    def addr(i: int, header: str) -> str:
        return f"{_col_letter(table.first_col + cols[header])}{table.header_row + 1 + i}"

    def get(row: list[Value], header: str) -> Value:
        j = cols.get(header)
        return row[j] if j is not None and j < len(row) else None

    for i, row in enumerate(table.rows):
        if all(cell_text(v) == "" for v in row):
            continue  # blank rows are fine wherever they are
        ref_text = cell_text(get(row, "Ref"))
        ref = wanted.get(fold(ref_text))
        if not ref_text and _why_blank(
            chk, "a row's Ref", table.sheet, addr(i, "Ref"), WARNING, "type the standard's Ref; the row was ignored"
        ):
            continue
        if ref is None:
            what = (
                f"Ref {quoted(ref_text)} is not one of the standards ({', '.join(config.refs)})"
                if ref_text
                else "a row has answers but no Ref"
            )
            chk.add("standard-unknown", f"{what}; the row was ignored", WARNING, table.sheet, addr(i, "Ref"))
            continue
        if ref in seen:
            chk.add(
                "standard-duplicate",
                f"standard {ref} appears twice (also at {addr(seen[ref], 'Ref')}): keep one row",
                sheet=table.sheet,
                cell=addr(i, "Ref"),
            )
            continue
        seen[ref] = i
        rating = _rating(chk, table, config, ref, row, get, addr(i, "Rating"))
        if rating is None:
            continue
        answers = {h: _as_shown(chk, table, i, cols.get(h), get(row, h), ref, h) for h in ANSWERS}
        evidence = answers["Evidence"]
        explained = not evidence and _why_blank(
            chk, f"{ref}'s Evidence", table.sheet, addr(i, "Evidence"), WARNING, "type the evidence"
        )
        if not evidence and not explained and config.evidence_needed(rating):
            chk.add(
                "evidence-missing",
                f"{ref} is rated '{rating}' but has no evidence: say what shows it",
                WARNING,
                table.sheet,
                addr(i, "Evidence"),
            )
        if config.action_needed(rating):
            blank = [h for h in ("Action", "Owner", "Due") if not cell_text(get(row, h))]
            if blank:
                chk.add(
                    "action-missing",
                    f"{ref} is rated '{rating}', below met, but has no {_listed([h.lower() for h in blank])}: "
                    "add the action you will take, who owns it and when it is due",
                    WARNING,
                    table.sheet,
                    addr(i, blank[0]) if blank[0] in cols else "",
                )
        due = get(row, "Due")
        due_value: date | str | None = None
        if "Due" in cols and not cell_text(due):
            _why_blank(chk, f"{ref}'s Due date", table.sheet, addr(i, "Due"), WARNING, "type the date as dd/mm/yyyy")
        elif cell_text(due):
            due_value = parse_date(due)
            if due_value is None:
                due_value = cell_text(due)
                chk.add(
                    "date-invalid",
                    f"Due {quoted(cell_text(due))} for {ref} is not a date: write it as dd/mm/yyyy",
                    WARNING,
                    table.sheet,
                    addr(i, "Due") if "Due" in cols else "",
                )
        ratings.append(
            Rating(
                ref,
                rating,
                scale.score(rating),
                evidence,
                answers["Action"],
                answers["Owner"],
                due_value,
                addr(i, "Rating"),
            )
        )
    for ref in config.refs:
        if ref not in seen:
            chk.add(
                "standard-missing",
                f"standard {ref} is missing from table {c.ASSESSMENT}: add a row for it",
                sheet=table.sheet,
                cell=f"{_col_letter(table.first_col)}{table.header_row}",
            )
    order = {r: k for k, r in enumerate(config.refs)}
    ratings.sort(key=lambda r: order[r.ref])
    return ratings


def _as_shown(chk: _Checker, table: TableData, i: int, j: int | None, value: Value, ref: str, header: str) -> str:
    """An answer as the agency sees it: Excel turns "95%", "12,000", "3/4/2026" or "1/2" typed alone in a cell
    into a number or a date, and shows it as typed; that text is what the agency wrote. A format this reader
    cannot render keeps the stored value, with a note naming the cell."""
    if j is None or value is None or isinstance(value, str):
        return cell_text(value)
    code = table.number_format(i, j)
    text = shown(value, code)
    if text is not None:
        return text.strip()
    raw = cell_text(value)
    chk.add(
        "answer-format",
        f"{ref}'s {header} is a number in a format boardbook cannot show ({code}): read as {quoted(raw)}; "
        "check it says what the agency meant, or type it as text",
        INFO,
        table.sheet,
        f"{_col_letter(table.first_col + j)}{table.header_row + 1 + i}",
    )
    return raw


def _rating(
    chk: _Checker,
    table: TableData,
    config: Config,
    ref: str,
    row: list[Value],
    get: Callable[[list[Value], str], Value],
    cell: str,
) -> str | None:
    raw = get(row, "Rating")
    reason = chk.raw.uncalculated().get((table.sheet, cell)) if cell_text(raw) == "" else None
    if reason:
        chk.add(
            "rating-error",
            f"{ref}'s rating is the Excel error {reason} (a formula or a paste that went wrong): choose one of "
            f"{', '.join(config.scale.labels)}",
            sheet=table.sheet,
            cell=cell,
        )
        return None
    if reason == "":
        chk.add(
            "rating-uncalculated",
            f"{ref}'s rating is a formula with no calculated result (the file was "
            "written by a program, not saved from Excel): type the rating, or open the return in Excel and "
            "save it",
            sheet=table.sheet,
            cell=cell,
        )
        return None
    if cell_text(raw) == "":
        chk.add(
            "rating-blank",
            f"{ref} has no rating: choose one of {', '.join(config.scale.labels)}",
            sheet=table.sheet,
            cell=cell,
        )
        return None
    label = config.scale.normalise(raw)
    if label is None:
        close = close_matches(cell_text(raw), config.scale.labels)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        chk.add(
            "rating-unknown",
            f"{ref} rating {quoted(cell_text(raw))} is not on the scale{hint}; allowed: "
            f"{', '.join(config.scale.labels)}",
            sheet=table.sheet,
            cell=cell,
        )
        return None
    return label
