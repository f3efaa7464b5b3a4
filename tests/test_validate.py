"""Validation of section 11 returns: one test per problem code, each on a real return changed the way
agencies really change them (openpyxl edits of a saved file), asserting code, severity, the sheet and
cell named, and that the message tells the agency what to do.

Default return layout (the template): cover sheet ``Cover`` with the defined names in B11:B17
(Agency, Sector, Partnership, Round, CompletedBy, CompletedOn, TemplateVersion); table ``Assessment``
on sheet ``Assessment`` at A1:H11, header row 1, S1 in row 2 … S10 in row 11; columns A Ref, B Standard,
C Rating, D Evidence, E Action, F Owner, G Due, H Check (a formula); ReturnStatus in B18.
"""

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import TableColumn

from boardbook.config import Agency, Config, Survey
from boardbook.section11.contract import TEMPLATE_VERSION
from boardbook.section11.model import ERROR, INFO, WARNING, Problem, Return
from boardbook.section11.pipeline import collate
from boardbook.section11.reader import load_return
from boardbook.section11.validate import CODES, validate_return
from tests.helpers import GOOD_EVIDENCE, hashes, make_return, names_openpyxl, pasted_into_new_workbook, run

RULE_CODES = {"duplicate-return", "agency-unknown", "other-partnership", "unreadable"}
LABELS = "Fully met, Mostly met, Partially met, Not met, Not applicable"
OTHER = "Eastvale Safeguarding Children Partnership"

# Codes produced by the tests in this module (filled as they run; the registry test fills any gaps).
PRODUCED: set[str] = set()
CODE_TESTS: dict[str, Callable[[Path, Config], None]] = {}


def produces(code: str) -> Callable[[Callable[[Path, Config], None]], Callable[[Path, Config], None]]:
    """Register the test that proves ``code`` is produced (the registry test checks all are)."""

    def deco(fn: Callable[[Path, Config], None]) -> Callable[[Path, Config], None]:
        assert code not in CODE_TESTS, code
        CODE_TESTS[code] = fn
        return fn

    return deco


# -- helpers ------------------------------------------------------------------------------------------


def check(path: Path, config: Config) -> Return:
    return validate_return(load_return(path), config)


def only(problems: list[Problem], code: str, severity: str, sheet: str = "", cell: str = "") -> Problem:
    """The single problem with ``code``; asserts severity and location, and records the code."""
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code!r} in {problems}"
    p = found[0]
    assert (p.severity, p.sheet, p.cell) == (severity, sheet, cell), p
    assert p.message and p.file, p
    PRODUCED.add(code)
    return p


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def edit(path: Path, change: Callable[[Workbook], None]) -> Path:
    """Open a saved return with openpyxl, change it as a person would in Excel, save it back."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def rows(config: Config, **changes: tuple[object, object]) -> list[list[object]]:
    """Table body for every standard, all Fully met with evidence; ``S4=(rating, evidence)`` overrides."""
    out = []
    for s in config.standards:
        rating, evidence = changes.get(s.ref, ("Fully met", GOOD_EVIDENCE))
        out.append([s.ref, s.title, rating, evidence, None, None, None])
    return out


def table(path: Path, name: str) -> list[dict[str, object]]:
    t = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(name)
    return [dict(zip(t.columns, row, strict=True)) for row in t.to_python() if any(v not in ("", None) for v in row)]


def set_ref(ws, ref: str) -> None:
    t = ws.tables["Assessment"]
    t.ref = ref
    if t.autoFilter is not None:
        t.autoFilter.ref = ref


def vba_project() -> bytes:
    """A real VBA project (from xlwings' quickstart .xlsm) or, failing that, a stand-in OLE blob."""
    spec = importlib.util.find_spec("xlwings")
    if spec and spec.origin:
        src = Path(spec.origin).parent / "quickstart.xlsm"
        if src.is_file():
            with zipfile.ZipFile(src) as z:
                return z.read("xl/vbaProject.bin")
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b'Sub Auto_Open()\nShell "calc.exe"\nEnd Sub\n'


def to_xlsm(src: Path, dst: Path) -> Path:
    """Repackage a return as Excel saves a macro-enabled workbook: vbaProject.bin, macroEnabled type."""
    main_xlsx = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    main_xlsm = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    with zipfile.ZipFile(src) as zin:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    assert main_xlsx in data
                    data = data.replace(main_xlsx, main_xlsm).replace(
                        b"</Types>",
                        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                    )
                elif info.filename == "xl/_rels/workbook.xml.rels":
                    data = data.replace(
                        b"</Relationships>",
                        b'<Relationship Id="rIdVba" Type="http://schemas.'
                        b'microsoft.com/office/2006/relationships/vbaProject" '
                        b'Target="vbaProject.bin"/></Relationships>',
                    )
                zout.writestr(info, data)
            zout.writestr("xl/vbaProject.bin", vba_project())
    dst.write_bytes(buf.getvalue())
    return dst


# -- one test per problem code --------------------------------------------------------------------------


@produces("macros")
def check_macros(folder: Path, config: Config) -> None:
    xlsm = to_xlsm(make_return(folder, config), folder / "Moorlands Police.xlsm")
    ret = check(xlsm, config)
    p = only(ret.problems, "macros", INFO)
    assert "macro" in p.message and "not run" in p.message and "read" in p.message
    assert ret.accepted and len(ret.ratings) == len(config.standards)
    assert ret.agency == "Moorlands Police"


@produces("legacy-format")
def check_legacy_format(folder: Path, config: Config) -> None:
    """A return saved by LibreOffice as Excel 97-2003 (.xls) and as .ods: read by layout, same answers."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: it makes the legacy files for this test")
    rows = [
        [s.ref, s.title, "Mostly met", f"Evidence for {s.ref}: audit 2026, 40 files", None, None, None]
        for s in config.standards
    ]
    rows[2][2], rows[2][4], rows[2][6] = "Not met", "Write the policy", "31/03/2027"
    src = make_return(folder, config, rows=rows, file_name="legacy.xlsx")
    expected = check(src, config)
    for fmt in ("xls", "ods"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(folder / fmt),
                str(src),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
        ret = check(folder / fmt / f"legacy.{fmt}", config)
        p = only(ret.problems, "legacy-format", INFO)
        assert ("97-2003" if fmt == "xls" else "OpenDocument") in p.message and "next time" in p.message
        assert ret.accepted and (ret.agency, ret.completed_on) == (expected.agency, expected.completed_on)
        assert [(r.ref, r.label, r.evidence, r.action, r.due, r.cell) for r in ret.ratings] == [
            (r.ref, r.label, r.evidence, r.action, r.due, r.cell) for r in expected.ratings
        ]


@produces("name-missing")
def check_name_missing(folder: Path, config: Config) -> None:
    # The name deleted and its label retyped: not found by the layout either.
    def lose(wb: Workbook) -> None:
        wb.defined_names.pop("Sector")
        wb["Cover"]["A12"] = "Type of organisation"

    path = edit(make_return(folder, config), lose)
    ret = check(path, config)
    p = only(ret.problems, "name-missing", ERROR)
    assert "'Sector'" in p.message and "missing" in p.message and "template" in p.message
    assert not ret.accepted

    # A name that no longer points at one cell (someone widened it to a range).
    def widen(wb: Workbook) -> None:
        wb.defined_names["Round"].attr_text = "'Cover'!$B$14:$B$15"

    ret = check(edit(make_return(folder, config, file_name="b.xlsx"), widen), config)
    p = only(ret.problems, "name-missing", ERROR)
    assert "'Round'" in p.message and "single cell" in p.message


@produces("name-blank")
def check_name_blank(folder: Path, config: Config) -> None:
    ret = check(make_return(folder, config, agency="  ", file_name="blank.xlsx"), config)
    p = only(ret.problems, "name-blank", ERROR, "Cover", "B11")
    assert "agency" in p.message and "blank" in p.message and "cover sheet" in p.message
    assert not ret.accepted


@produces("version-old")
def check_version_old(folder: Path, config: Config) -> None:
    path = edit(make_return(folder, config), lambda wb: wb["Cover"].__setitem__("B17", "2024.1"))
    ret = check(path, config)
    p = only(ret.problems, "version-old", ERROR, "Cover", "B17")
    assert "older template" in p.message and "2024.1" in p.message and TEMPLATE_VERSION in p.message
    assert "current template" in p.message


@produces("version-unknown")
def check_version_unknown(folder: Path, config: Config) -> None:
    path = edit(make_return(folder, config), lambda wb: wb["Cover"].__setitem__("B17", "2031.9"))
    ret = check(path, config)
    p = only(ret.problems, "version-unknown", ERROR, "Cover", "B17")
    assert "'2031.9'" in p.message and TEMPLATE_VERSION in p.message and "template" in p.message
    assert not ret.accepted


@produces("table-missing")
def check_table_missing(folder: Path, config: Config) -> None:
    # The table converted back to a range (Table Design > Convert to Range) and its header row deleted: neither the
    # table nor its layout is there.
    def lose(wb: Workbook) -> None:
        wb["Assessment"].tables.pop("Assessment")
        wb["Assessment"].delete_rows(1)

    path = edit(make_return(folder, config), lose)
    ret = check(path, config)
    p = only(ret.problems, "table-missing", ERROR, "Assessment")
    assert "'Assessment' not found" in p.message and "no tables" in p.message and "template" in p.message
    assert not ret.accepted and ret.ratings == []

    # Renamed to Excel's default name, the header row retyped: the message lists what was found.
    def rename(wb: Workbook) -> None:
        ws = wb["Assessment"]
        t = ws.tables.pop("Assessment")
        t.name = t.displayName = "Table1"
        ws.add_table(t)
        ws["C1"] = "Self-rating"

    ret = check(edit(make_return(folder, config, file_name="t1.xlsx"), rename), config)
    p = only(ret.problems, "table-missing", ERROR, "Assessment")
    assert "Table1" in p.message


@produces("column-missing")
def check_column_missing(folder: Path, config: Config) -> None:
    # An essential column renamed: an error at the renamed header cell, with the way back.
    def rename(wb: Workbook) -> None:
        ws = wb["Assessment"]
        ws["C1"] = "Ratings"
        ws.tables["Assessment"].tableColumns[2].name = "Ratings"

    ret = check(edit(make_return(folder, config), rename), config)
    p = only(ret.problems, "column-missing", ERROR, "Assessment", "C1")
    assert "'Rating'" in p.message and "'Ratings' looks like it" in p.message and "rename it back" in p.message
    assert not ret.accepted

    # An optional column deleted: a warning, the return still counts.
    def delete_owner(wb: Workbook) -> None:
        ws = wb["Assessment"]
        ws.delete_cols(6)
        del ws.tables["Assessment"].tableColumns[5]
        set_ref(ws, "A1:F11")

    ret = check(edit(make_return(folder, config, file_name="no-owner.xlsx"), delete_owner), config)
    p = only(ret.problems, "column-missing", WARNING, "Assessment", "A1")
    assert "'Owner'" in p.message and "treated as blank" in p.message
    assert ret.accepted and len(ret.ratings) == len(config.standards)


@produces("standard-missing")
def check_standard_missing(folder: Path, config: Config) -> None:
    body = [r for r in rows(config) if r[0] != "S9"]
    ret = check(make_return(folder, config, rows=body), config)
    p = only(ret.problems, "standard-missing", ERROR, "Assessment", "A1")
    assert "S9" in p.message and "add a row" in p.message
    assert not ret.accepted


@produces("standard-duplicate")
def check_standard_duplicate(folder: Path, config: Config) -> None:
    body = [*rows(config), ["S3", "again", "Not met", "", None, None, None]]  # row 12
    ret = check(make_return(folder, config, rows=body), config)
    p = only(ret.problems, "standard-duplicate", ERROR, "Assessment", "A12")
    assert "S3" in p.message and "A4" in p.message and "keep one row" in p.message
    assert not ret.accepted


@produces("standard-unknown")
def check_standard_unknown(folder: Path, config: Config) -> None:
    body = [
        *rows(config),
        ["S11", "Our own extra standard", "Fully met", GOOD_EVIDENCE, None, None, None],
        [None, None, "Mostly met", "answers but no ref", None, None, None],
    ]
    ret = check(make_return(folder, config, rows=body), config)
    found = [p for p in ret.problems if p.code == "standard-unknown"]
    assert [(p.severity, p.sheet, p.cell) for p in found] == [
        (WARNING, "Assessment", "A12"),
        (WARNING, "Assessment", "A13"),
    ]
    assert "'S11'" in found[0].message and "S1, S2" in found[0].message and "ignored" in found[0].message
    assert "no Ref" in found[1].message
    PRODUCED.add("standard-unknown")
    assert ret.accepted and {r.ref for r in ret.ratings} == set(config.refs)


@produces("rating-blank")
def check_rating_blank(folder: Path, config: Config) -> None:
    ret = check(make_return(folder, config, rows=rows(config, S6=("  ", GOOD_EVIDENCE))), config)
    p = only(ret.problems, "rating-blank", ERROR, "Assessment", "C7")
    assert "S6" in p.message and LABELS in p.message
    assert not ret.accepted


@produces("rating-uncalculated")
def check_rating_uncalculated(folder: Path, config: Config) -> None:
    """A formula written by a tool (openpyxl here) has no result until a spreadsheet calculates it."""
    path = make_return(folder, config, rows=rows(config))

    def formula(wb: Workbook) -> None:
        wb["Assessment"]["C7"] = '=IF(1=1,"Fully met","")'

    ret = check(edit(path, formula), config)
    p = only(ret.problems, "rating-uncalculated", ERROR, "Assessment", "C7")
    assert p.message.startswith("S6's rating is a formula with no calculated result") and "Excel" in p.message
    assert "rating-blank" not in codes(ret.problems) and not ret.accepted


@produces("rating-error")
def check_rating_error(folder: Path, config: Config) -> None:
    """An Excel error value (a VLOOKUP that found nothing, a paste that broke a reference) is named, not called
    blank: calamine hands errors over as empty cells."""
    path = make_return(folder, config, rows=rows(config))

    def errors(wb: Workbook) -> None:
        wb["Assessment"]["C7"] = "#N/A"  # openpyxl stores it as an error cell (t="e"), as Excel does

    ret = check(edit(path, errors), config)
    p = only(ret.problems, "rating-error", ERROR, "Assessment", "C7")
    assert p.message.startswith("S6's rating is the Excel error #N/A") and LABELS in p.message
    assert "rating-blank" not in codes(ret.problems) and not ret.accepted


@produces("rating-unknown")
def check_rating_unknown(folder: Path, config: Config) -> None:
    ret = check(make_return(folder, config, rows=rows(config, S4=("Fuly met", GOOD_EVIDENCE))), config)
    p = only(ret.problems, "rating-unknown", ERROR, "Assessment", "C5")
    assert "S4" in p.message and "'Fuly met'" in p.message
    assert "did you mean 'Fully met'" in p.message and f"allowed: {LABELS}" in p.message
    assert not ret.accepted and "S4" not in {r.ref for r in ret.ratings}


@produces("evidence-missing")
def check_evidence_missing(folder: Path, config: Config) -> None:
    body = rows(config, S7=("Mostly met", None), S8=("Not met", None), S9=("Not applicable", ""))
    ret = check(make_return(folder, config, rows=body), config)
    p = only(ret.problems, "evidence-missing", WARNING, "Assessment", "D8")  # only the met rating
    assert "S7" in p.message and "'Mostly met'" in p.message and "evidence" in p.message
    assert ret.accepted


@produces("action-missing")
def check_action_missing(folder: Path, config: Config) -> None:
    """Only when the configuration asks: a rating below met needs an action, an owner and a due date."""
    asking = replace(config, actions_below_met=True)
    body = rows(config, S5=("Partially met", None), S6=("Not met", None), S9=("Not applicable", ""))
    body[4][4:7] = ["Train the board", None, date(2027, 3, 31)]  # S5: no owner (F6)
    body[5][4:7] = ["Audit files", "Head of service", date(2027, 3, 31)]  # S6: complete
    path = make_return(folder, config, rows=body)
    ret = check(path, asking)
    p = only(ret.problems, "action-missing", WARNING, "Assessment", "F6")
    assert p.message == (
        "S5 is rated 'Partially met', below met, but has no owner: add the action you will take, who owns it and "
        "when it is due"
    )
    assert ret.accepted
    assert "action-missing" not in codes(check(path, config).problems)  # not asked: not checked


@produces("answer-format")
def check_answer_format(folder: Path, config: Config) -> None:
    """Evidence Excel turned into numbers arrives as the agency saw it; a format beyond the reader keeps the
    stored number with a note naming its cell (Evidence of S6 is D7)."""

    def type_numbers(wb: Workbook) -> None:
        ws = wb["Assessment"]
        for cell, value, code in (
            ("D2", 0.95, "0%"),
            ("D3", 12000, "#,##0"),
            ("D4", datetime(2026, 4, 3), "mm-dd-yy"),  # Excel's built-in short date (id 14)
            ("D5", 0.5, "# ?/?"),
            ("E5", datetime(2026, 2, 1), "d-mmm"),  # "1/2" typed alone: Excel's UK reading is 1 February
            ("D7", 150, "[>100]0;0"),  # a conditional format: not rendered
        ):
            ws[cell], ws[cell].number_format = value, code

    ret = check(edit(make_return(folder, config), type_numbers), config)
    p = only(ret.problems, "answer-format", INFO, "Assessment", "D7")
    assert "S6" in p.message and "[>100]0;0" in p.message and "'150'" in p.message and "text" in p.message
    by_ref = {r.ref: r for r in ret.ratings}
    assert [by_ref[ref].evidence for ref in ("S1", "S2", "S3", "S4", "S6")] == [
        "95%",
        "12,000",
        "03/04/2026",
        "1/2",
        "150",
    ]
    assert by_ref["S4"].action == "1-Feb"
    assert ret.accepted


@produces("date-invalid")
def check_date_invalid(folder: Path, config: Config) -> None:
    body = rows(config)
    body[1][6] = "end of next term"  # S2 Due, cell G3
    body[2][6] = "31/03/2027"  # a date typed as text is fine
    ret = check(make_return(folder, config, rows=body, completed_on="the first of May"), config)
    found = sorted((p for p in ret.problems if p.code == "date-invalid"), key=lambda p: p.sheet)
    assert [(p.severity, p.sheet, p.cell) for p in found] == [(WARNING, "Assessment", "G3"), (WARNING, "Cover", "B16")]
    assert "'end of next term'" in found[0].message and "S2" in found[0].message
    assert "dd/mm/yyyy" in found[0].message
    assert "'the first of May'" in found[1].message and "dd/mm/yyyy" in found[1].message
    PRODUCED.add("date-invalid")
    assert ret.accepted
    by_ref = {r.ref: r for r in ret.ratings}
    assert by_ref["S2"].due == "end of next term" and by_ref["S3"].due == date(2027, 3, 31)


@produces("completed-blank")
def check_completed_blank(folder: Path, config: Config) -> None:
    ret = check(make_return(folder, config, completed_on=None), config)
    p = only(ret.problems, "completed-blank", WARNING, "Cover", "B16")
    assert "Completed on" in p.message and "blank" in p.message
    assert ret.accepted and ret.completed_on is None


@produces("hidden-sheet")
def check_hidden_sheet(folder: Path, config: Config) -> None:
    def hide(wb: Workbook) -> None:
        wb["Assessment"].sheet_state = "hidden"

    ret = check(edit(make_return(folder, config), hide), config)
    p = only(ret.problems, "hidden-sheet", WARNING, "Assessment")
    assert "hidden sheet 'Assessment'" in p.message and "read anyway" in p.message
    assert ret.accepted and len(ret.ratings) == len(config.standards)


# What real agencies send: a return that lost its table or names, names copied with a sheet or pointing at a deleted
# cell, a copied Assessment sheet, formulas and errors in required cells.


@produces("read-by-layout")
def check_read_by_layout(folder: Path, config: Config) -> None:
    body = rows(config, S3=("Partially met", GOOD_EVIDENCE))
    src = make_return(folder, config, rows=body, file_name="template.xlsx")
    path = pasted_into_new_workbook(src, folder / "pasted.xlsx")
    with zipfile.ZipFile(path) as z:  # really lost: no table part, no definedName
        assert not [n for n in z.namelist() if "tables/" in n] and b"<definedName " not in z.read("xl/workbook.xml")
    ret = check(path, config)
    p = only(ret.problems, "read-by-layout", INFO)
    assert "lost its table 'Assessment' (read from the header row on sheet 'Assessment')" in p.message
    assert "defined names Agency, Sector, Partnership, Round, CompletedBy, CompletedOn, TemplateVersion" in p.message
    assert "next time fill in the partnership's template" in p.message
    assert [q.code for q in ret.problems] == ["read-by-layout"] and ret.accepted
    assert (ret.agency, ret.round, ret.completed_on) == ("Moorlands Police", "2026", date(2026, 5, 1))
    assert [r.label for r in ret.ratings] == [r[2] for r in body]
    assert hashes(folder)  # the inputs were only read

    # Only the names lost (Formulas > Name Manager > Delete): the table is read as a table, the names by label.
    def forget(wb: Workbook) -> None:
        for name in ("Agency", "CompletedOn"):
            wb.defined_names.pop(name)

    ret = check(edit(make_return(folder, config, file_name="names.xlsx"), forget), config)
    p = only(ret.problems, "read-by-layout", INFO)
    assert "the defined names Agency, CompletedOn (read beside the labels)" in p.message
    assert "its table '" not in p.message
    assert ret.agency == "Moorlands Police" and ret.completed_on == date(2026, 5, 1) and ret.accepted


def test_a_summary_among_the_returns_is_not_read_by_its_layout(tmp_path: Path, config: Config) -> None:
    """Last round's summary dropped into the returns folder: its Returns table has a Ref and a Rating column, but
    it is not a return, so it is reported as one without an Assessment table, not read as one."""
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config)
    collate([returns], tmp_path / "summary.xlsx", config)
    summary = returns / "Section 11 summary 2024.xlsx"
    summary.write_bytes((tmp_path / "summary.xlsx").read_bytes())
    ret = check(summary, config)
    p = only(ret.problems, "table-missing", ERROR)
    assert "tables found: Returns" in p.message and "read-by-layout" not in codes(ret.problems)
    assert ret.ratings == [] and not ret.accepted


@produces("name-deleted")
def check_name_deleted(folder: Path, config: Config) -> None:
    # The Agency cell deleted (Delete > Shift cells left): Excel rewrites the name to Cover!#REF!; the agency typed
    # its name again beside the label, so it is read from there, with a note.
    def delete_cell(wb: Workbook) -> None:
        wb.defined_names["Agency"].attr_text = "Cover!#REF!"

    ret = check(edit(make_return(folder, config), delete_cell), config)
    p = only(ret.problems, "name-deleted", INFO, "Cover", "B11")
    assert "'Agency' points at a cell that was deleted (#REF!)" in p.message
    assert "beside the label 'Agency'" in p.message
    assert ret.agency == "Moorlands Police" and ret.accepted
    assert "read-by-layout" not in codes(ret.problems)

    # The whole row deleted: no label either, so nothing to read.
    def delete_row(wb: Workbook) -> None:
        wb.defined_names["Round"].attr_text = "#REF!"
        wb["Cover"]["A14"] = None
        wb["Cover"]["B14"] = None

    ret = check(edit(make_return(folder, config, file_name="row.xlsx"), delete_row), config)
    p = only(ret.problems, "name-deleted", ERROR)
    assert "'Round' points at a cell that was deleted (#REF!)" in p.message and "'Audit round'" in p.message
    assert "template" in p.message and not ret.accepted


@produces("name-sheet-scoped")
def check_name_sheet_scoped(folder: Path, config: Config) -> None:
    # Only a copy scoped to the Cover sheet is left (Excel's Move or Copy keeps sheet-level names).
    def scope(wb: Workbook) -> None:
        dn = wb.defined_names.pop("Agency")
        wb["Cover"].defined_names["Agency"] = dn

    path = edit(make_return(folder, config), scope)
    with zipfile.ZipFile(path) as z:
        assert b'<definedName name="Agency" localSheetId="0">' in z.read("xl/workbook.xml")
    ret = check(path, config)
    p = only(ret.problems, "name-sheet-scoped", INFO, "Cover", "B11")
    assert "'Agency' belongs to sheet 'Cover' only" in p.message and "it was used" in p.message
    assert ret.agency == "Moorlands Police" and ret.accepted


@produces("table-copy")
def check_table_copy(folder: Path, config: Config) -> None:
    # The Assessment sheet copied (Move or Copy > Create a copy): the copy's table gets the next free name.
    def copy_sheet(wb: Workbook) -> None:
        ws = wb["Assessment"]
        copy = wb.copy_worksheet(ws)
        copy.title = "Assessment (2)"
        t = ws.tables["Assessment"]
        copy.add_table(openpyxl.worksheet.table.Table(displayName="Assessment3", ref=t.ref))
        copy["C2"] = "Not met"

    ret = check(edit(make_return(folder, config), copy_sheet), config)
    p = only(ret.problems, "table-copy", WARNING, "Assessment (2)", "A1:H11")
    assert "a second Assessment table, 'Assessment3' on sheet 'Assessment (2)'" in p.message
    assert "table 'Assessment' on sheet 'Assessment' was read and 'Assessment3' was not" in p.message
    assert ret.accepted and ret.ratings[0].label == "Fully met"


@produces("cell-uncalculated")
def check_cell_uncalculated(folder: Path, config: Config) -> None:
    # Formulas written by a program (openpyxl stores no result): the Agency and S2's Due name the cell.
    def formulas(wb: Workbook) -> None:
        wb["Cover"]["B11"] = '="Moorlands "&"Police"'
        wb["Assessment"]["G3"] = "=DATE(2027,3,31)"
        wb["Assessment"]["A4"] = '="S"&3'

    ret = check(edit(make_return(folder, config), formulas), config)
    found = {(p.sheet, p.cell): p for p in ret.problems if p.code == "cell-uncalculated"}
    assert set(found) == {("Cover", "B11"), ("Assessment", "G3"), ("Assessment", "A4")}, ret.problems
    assert found[("Cover", "B11")].severity == ERROR and found[("Assessment", "G3")].severity == WARNING
    assert found[("Cover", "B11")].message.startswith("'Agency' is a formula with no calculated result")
    assert found[("Assessment", "G3")].message.startswith("S2's Due date is a formula with no calculated result")
    assert "the row was ignored" in found[("Assessment", "A4")].message
    assert "name-blank" not in codes(ret.problems) and not ret.accepted
    PRODUCED.add("cell-uncalculated")


@produces("cell-error")
def check_cell_error(folder: Path, config: Config) -> None:
    def errors(wb: Workbook) -> None:
        wb["Cover"]["B16"] = "#N/A"  # CompletedOn: a lookup that found nothing
        wb["Assessment"]["D5"] = "#REF!"  # S4's evidence: a paste that broke a reference

    ret = check(edit(make_return(folder, config), errors), config)
    found = {(q.sheet, q.cell): q for q in ret.problems if q.code == "cell-error"}
    assert set(found) == {("Cover", "B16"), ("Assessment", "D5")}, ret.problems
    p = found[("Cover", "B16")]
    assert p.severity == WARNING and p.message.startswith("'Completed on' is the Excel error #N/A")
    assert found[("Assessment", "D5")].message.startswith("S4's Evidence is the Excel error #REF!")
    assert "completed-blank" not in codes(ret.problems) and "evidence-missing" not in codes(ret.problems)
    assert ret.accepted
    PRODUCED.add("cell-error")


# Collation-level (rules) codes: through collate(), read back from the summary's Problems table.


@produces("unreadable")
def check_unreadable(folder: Path, config: Config) -> None:
    returns = folder / "returns"
    returns.mkdir()
    make_return(returns, config)
    (returns / "Northmoor ICB.xlsx").write_text("Ref,Rating\nS1,Fully met\n", encoding="utf-8")
    before = hashes(returns)
    result = collate([returns], folder / "summary.xlsx", config)
    assert hashes(returns) == before
    p = only(result.problems, "unreadable", ERROR)
    assert Path(p.file).name == "Northmoor ICB.xlsx" and "not an Excel workbook" in p.message
    assert (result.read, result.accepted, result.rejected) == (2, 1, 1)
    problems = table(folder / "summary.xlsx", "Problems")
    assert [(r["File"], r["Severity"]) for r in problems] == [("Northmoor ICB.xlsx", ERROR)]


@produces("duplicate-return")
def check_duplicate_return(folder: Path, config: Config) -> None:
    returns = folder / "returns"
    returns.mkdir()
    n = len(config.standards)
    # The later CompletedOn wins even though the other file sorts last and was saved later.
    newer = make_return(
        returns, config, completed_on=date(2026, 6, 1), ratings=["Mostly met"] * n, file_name="A police return.xlsx"
    )
    older = make_return(
        returns, config, agency="moorlands  POLICE", completed_on=date(2026, 4, 1), file_name="Z police return.xlsx"
    )
    os.utime(newer, (1_700_000_000, 1_700_000_000))
    os.utime(older, (1_800_000_000, 1_800_000_000))
    result = collate([returns], folder / "summary.xlsx", config)
    p = only(result.problems, "duplicate-return", WARNING)
    assert Path(p.file).name == "Z police return.xlsx"
    assert "A police return.xlsx" in p.message and "01/06/2026" in p.message and "01/04/2026" in p.message
    assert "second return" in p.message and "instead of this one" in p.message
    assert result.accepted == 1
    summary = table(folder / "summary.xlsx", "Returns")
    assert {r["Source file"] for r in summary} == {"A police return.xlsx"}
    assert {r["Rating"] for r in summary} == {"Mostly met"} and len(summary) == n
    problems = table(folder / "summary.xlsx", "Problems")
    assert [(r["File"], r["Severity"]) for r in problems] == [("Z police return.xlsx", WARNING)]


@produces("agency-unknown")
def check_agency_unknown(folder: Path, config: Config) -> None:
    returns = folder / "returns"
    returns.mkdir()
    make_return(returns, config, agency="Moorland Police")
    agencies = [Agency("Moorlands Police", "Police"), Agency("Northmoor ICB", "Health")]
    result = collate([returns], folder / "summary.xlsx", config, agencies=agencies)
    p = only(result.problems, "agency-unknown", WARNING)
    assert Path(p.file).name == "Moorland Police.xlsx"
    assert "'Moorland Police'" in p.message and "not in the agency list" in p.message
    assert "did you mean 'Moorlands Police'" in p.message and "collated anyway" in p.message
    assert result.accepted == 1
    assert {r["Agency"] for r in table(folder / "summary.xlsx", "Returns")} == {"Moorland Police"}


@produces("survey-agency-unknown")
def check_survey_agency_unknown(folder: Path, config: Config) -> None:
    returns = folder / "returns"
    returns.mkdir()
    make_return(returns, config, agency="Moorlands Police")
    survey = folder / "survey.csv"
    survey.write_text(
        "Name,Agency,Do you know how to escalate a concern?\n"
        "A. Person,Moorlands Police,Yes\n"
        "B. Person,Moorland Police,No\n",
        encoding="utf-8",
    )
    asked = replace(config, survey=Survey(questions=(("Do you know how to escalate a concern?", "S6"),)))
    agencies = [Agency("Moorlands Police", "Police")]
    result = collate([returns], folder / "summary.xlsx", asked, agencies=agencies, survey=survey)
    p = only(result.problems, "survey-agency-unknown", WARNING)
    assert (Path(p.file).name, p.row, p.column) == ("survey.csv", 3, "Agency"), p
    assert "'Moorland Police'" in p.message and "did you mean 'Moorlands Police'" in p.message
    assert "Aliases" in p.message and "B. Person" not in p.message


@produces("other-partnership")
def check_other_partnership(folder: Path, config: Config) -> None:
    returns = folder / "returns"
    returns.mkdir()
    make_return(returns, config, agency="Eastvale Police", partnership=OTHER)
    make_return(returns, config, agency="Moorlands Ambulance", partnership=f"{OTHER}; {config.partnership}")
    make_return(returns, config, agency="Regional Probation", partnership="All")
    result = collate([returns], folder / "summary.xlsx", config)
    p = only(result.problems, "other-partnership", INFO, "Cover", "B13")  # the Partnership cell
    assert Path(p.file).name == "Eastvale Police.xlsx"
    assert OTHER in p.message and "not collated" in p.message and config.partnership in p.message
    agencies = {r["Agency"] for r in table(folder / "summary.xlsx", "Returns")}
    assert agencies == {"Moorlands Ambulance", "Regional Probation"}


@produces("round-other")
def check_round_other(folder: Path, config: Config) -> None:
    """Last round's return kept in a subfolder is not counted as this round's; 2026 typed as a number is 2026."""
    returns = folder / "returns"
    (returns / "2024").mkdir(parents=True)
    make_return(returns, config, agency="Moorlands Police")
    number = edit(make_return(returns, config, agency="Northmoor ICB"), lambda wb: wb["Cover"].__setitem__("B14", 2026))
    make_return(returns / "2024", config, agency="Fellside Council", round_="2024")
    result = collate([returns], folder / "summary.xlsx", config)
    assert result.round == "2026" and (result.accepted, result.rejected) == (2, 1)
    p = only(result.problems, "round-other", ERROR, "Cover", "B14")
    assert Path(p.file).name == "Fellside Council.xlsx" and p.message.startswith(
        "this return is for round 2024, not 2026 (the round being collated): not counted"
    )
    assert names_openpyxl(folder / "summary.xlsx")["Round"] == "2026"
    assert [r["Round"] for r in table(folder / "summary.xlsx", "Log")] == ["2026"]
    assert number.name == "Northmoor ICB.xlsx"
    again = collate([returns], folder / "summary.xlsx", config, round_="2024")  # asked for: 2024's is counted
    assert {Path(p.file).name for p in again.problems if p.code == "round-other"} == {
        "Moorlands Police.xlsx",
        "Northmoor ICB.xlsx",
    }
    assert [r["Round"] for r in table(folder / "summary.xlsx", "Log")] == ["2026", "2024"]


@produces("partnership-unknown")
def check_partnership_unknown(folder: Path, config: Config) -> None:
    """Aliases match after folding; a name matching nothing is a warning, counted when the agency is listed."""
    aliased = replace(config, aliases=("Northmoor SCP",))
    returns = folder / "returns"
    returns.mkdir()
    make_return(returns, aliased, agency="Moorlands Police", partnership="northmoor  scp")  # an alias, folded
    make_return(returns, aliased, agency="Northmoor ICB", partnership="Nortmoor SCP")  # a typo, listed agency
    make_return(returns, aliased, agency="Eastvale Police", partnership="Eastvale")  # not ours, not listed
    make_return(returns, aliased, agency="Fellside Council", partnership="Northmoor SCP; Eastvale")  # cross-border
    make_return(returns, aliased, agency="Fellside Council", partnership="Eastvale", file_name="Fellside E.xlsx")
    listed = [Agency(n, "x", "", ("All",)) for n in ("Moorlands Police", "Northmoor ICB", "Fellside Council")]
    result = collate([returns], folder / "summary.xlsx", aliased, agencies=listed)
    p = only(result.problems, "partnership-unknown", WARNING, "Cover", "B13")
    assert Path(p.file).name == "Northmoor ICB.xlsx"
    assert p.message.startswith(
        f"Partnership 'Nortmoor SCP' is not {config.partnership} (or Northmoor SCP): counted, because Northmoor "
        "ICB is on the agency list"
    )
    others = {Path(p.file).name for p in result.problems if p.code == "other-partnership"}
    assert others == {"Eastvale Police.xlsx", "Fellside E.xlsx"}  # Fellside's own Northmoor return is the one
    agencies = {r["Agency"] for r in table(folder / "summary.xlsx", "Returns")}
    assert agencies == {"Moorlands Police", "Northmoor ICB", "Fellside Council"}
    assert table(folder / "summary.xlsx", "Missing") == []


@produces("not-a-return")
def check_not_a_return(folder: Path, config: Config) -> None:
    returns = folder / "returns"
    returns.mkdir()
    good = make_return(returns, config)
    zipped = make_return(folder, config, agency="Northmoor ICB", sector="Health")
    with zipfile.ZipFile(returns / "Northmoor ICB.zip", "w") as z:
        z.write(zipped, "Northmoor ICB.xlsx")
    (returns / "Eastvale Council.xltx").write_bytes(good.read_bytes())  # Save As > Excel Template
    (returns / "Moorlands Ambulance.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (returns / "Moorlands Probation.csv").write_text("Ref,Rating\nS1,Fully met\n", encoding="utf-8")
    (returns / "Moorlands School.xlsx").symlink_to(folder / "gone" / "Moorlands School.xlsx")
    agencies = [
        Agency(n, s)
        for n, s in [
            ("Moorlands Police", "Police"),
            ("Northmoor ICB", "Health"),
            ("Eastvale Council", "Local authority"),
            ("Moorlands Ambulance", "Health"),
            ("Moorlands Probation", "Probation"),
            ("Moorlands School", "Education"),
        ]
    ]
    before = hashes(returns)
    result = collate([returns], folder / "summary.xlsx", config, agencies=agencies)
    assert hashes(returns) == before
    found = {Path(p.file).name: p for p in result.problems if p.code == "not-a-return"}
    assert set(found) == {
        "Northmoor ICB.zip",
        "Eastvale Council.xltx",
        "Moorlands Ambulance.pdf",
        "Moorlands Probation.csv",
        "Moorlands School.xlsx",
    }
    assert {p.severity for p in found.values()} == {ERROR}
    assert "holding 1 workbook: unzip it into the returns folder" in found["Northmoor ICB.zip"].message
    assert "save it as Excel Workbook (.xlsx)" in found["Eastvale Council.xltx"].message
    assert "ask the agency for the return itself, the .xlsx" in found["Moorlands Ambulance.pdf"].message
    assert "ask the agency for the return workbook (.xlsx)" in found["Moorlands Probation.csv"].message
    assert found["Moorlands School.xlsx"].message.startswith("a link to a file that is not there (")
    PRODUCED.add("not-a-return")
    assert (result.read, result.accepted, result.rejected) == (6, 1, 5)
    problems = {r["File"]: r for r in table(folder / "summary.xlsx", "Problems")}
    assert set(problems) == set(found) and {r["Severity"] for r in problems.values()} == {ERROR}
    missing = {r["Agency"] for r in table(folder / "summary.xlsx", "Missing")}
    assert missing == {a.name for a in agencies} - {"Moorlands Police"}


def test_files_that_are_not_returns_get_a_line_on_the_command_line(tmp_path: Path, config: Config) -> None:
    """Each file that is not a return is a ``boardbook:`` line saying what to do, as any rejected return is."""
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config)
    (returns / "Northmoor ICB.pdf").write_bytes(b"%PDF-1.7\n")
    (returns / "Eastvale Council.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    result = run("s11", "collate", returns, "--out", tmp_path / "summary.xlsx")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("boardbook: rejected")]
    assert len(lines) == 2, result.stderr
    assert any(line.startswith("boardbook: rejected Northmoor ICB.pdf: a PDF") for line in lines)
    assert any("Eastvale Council.xlsx: a link to a file that is not there" in line for line in lines)


@pytest.mark.parametrize("code", sorted(CODE_TESTS))
def test_problem_code(code: str, tmp_path: Path, config: Config) -> None:
    """One case per problem code: code, severity, sheet, cell and a useful message."""
    CODE_TESTS[code](tmp_path, config)


def test_every_code_is_produced(tmp_path: Path, config: Config) -> None:
    """Registry: every code in CODES (rules-level ones included) is produced by a test case above."""
    assert set(CODE_TESTS) == set(CODES), "a code with no test, or a test for an unlisted code"
    assert set(CODES) >= RULE_CODES
    for code in sorted(set(CODES) - PRODUCED):  # run on its own (-k): produce what has not run yet
        folder = tmp_path / code
        folder.mkdir()
        CODE_TESTS[code](folder, config)
    assert set(CODES) <= PRODUCED


# -- how agencies really change returns: all of these must still parse without an error ----------------


def test_inserted_and_blank_rows_parse(tmp_path: Path, config: Config) -> None:
    """Rows inserted above the table and blank rows inside it: every standard found by Ref, no problem."""
    path = make_return(tmp_path, config, rows=rows(config, S4=("Partially met", GOOD_EVIDENCE)))

    def insert(wb: Workbook) -> None:
        ws = wb["Assessment"]
        ws.insert_rows(1, 2)  # two rows above the table: header now row 3
        ws["A1"] = "Our agency's notes"
        ws.insert_rows(7)  # a blank row between S3 (row 6) and S4 (now row 8)
        ws.insert_rows(13, 2)  # two blank rows between S8 and S9
        set_ref(ws, "A3:G16")

    ret = check(edit(path, insert), config)
    assert ret.problems == []
    assert [r.ref for r in ret.ratings] == config.refs
    by_ref = {r.ref: r for r in ret.ratings}
    assert by_ref["S4"].label == "Partially met" and by_ref["S4"].cell == "C8"
    assert by_ref["S10"].cell == "C16"


def test_moved_table_names_the_right_cell(tmp_path: Path, config: Config) -> None:
    """After rows and a column are inserted before the table, a typo is reported where it now is."""
    path = make_return(tmp_path, config, rows=rows(config, S4=("Fuly met", GOOD_EVIDENCE)))

    def move(wb: Workbook) -> None:
        ws = wb["Assessment"]
        ws.insert_rows(1, 3)  # header row 4
        ws.insert_cols(1)  # table now B:H
        ws.insert_rows(6)  # blank row between S1 (row 5) and S2 (row 7)
        set_ref(ws, "B4:H15")

    ret = check(edit(path, move), config)
    only(ret.problems, "rating-unknown", ERROR, "Assessment", "D9")
    assert codes(ret.problems) == ["rating-unknown"]


def test_inserted_column_found_by_header(tmp_path: Path, config: Config) -> None:
    """A column of the agency's own inserted mid-table: columns are found by header, cells named right."""
    path = make_return(tmp_path, config, rows=rows(config, S7=("Fully met", None)))

    def insert(wb: Workbook) -> None:
        ws = wb["Assessment"]
        ws.insert_cols(4)  # between Rating (C) and Evidence (now E)
        ws["D1"] = "Our RAG"
        t = ws.tables["Assessment"]
        t.tableColumns.insert(3, TableColumn(id=99, name="Our RAG"))
        for i, col in enumerate(t.tableColumns, start=1):
            col.id = i
        set_ref(ws, "A1:H11")

    ret = check(edit(path, insert), config)
    only(ret.problems, "evidence-missing", WARNING, "Assessment", "E8")
    assert codes(ret.problems) == ["evidence-missing"]
    assert ret.ratings[0].evidence == GOOD_EVIDENCE


def test_typo_in_capitals_still_gets_a_suggestion(tmp_path: Path, config: Config) -> None:
    ret = check(make_return(tmp_path, config, rows=rows(config, S4=("FULY MET", GOOD_EVIDENCE))), config)
    p = only(ret.problems, "rating-unknown", ERROR, "Assessment", "C5")
    assert "did you mean 'Fully met'" in p.message


def test_rows_reordered_and_refs_retyped(tmp_path: Path, config: Config) -> None:
    """Rows sorted differently and Refs typed in lower case with spaces are still found by Ref."""
    body = list(reversed(rows(config)))
    body[0][0] = " s10 "
    ret = check(make_return(tmp_path, config, rows=body), config)
    assert ret.problems == []
    assert [r.ref for r in ret.ratings] == config.refs


def test_rejected_return_kept_out_of_scores_but_listed(tmp_path: Path, config: Config) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Moorlands Police")
    make_return(returns, config, "Northmoor ICB", sector="Health", rows=rows(config, S4=("Fuly met", GOOD_EVIDENCE)))
    out = tmp_path / "summary.xlsx"
    agencies = [Agency("Moorlands Police", "Police"), Agency("Northmoor ICB", "Health")]
    result = collate([returns], out, config, agencies=agencies)
    assert (result.read, result.accepted, result.rejected) == (2, 1, 1)
    assert {r["Agency"] for r in table(out, "Returns")} == {"Moorlands Police"}
    assert [r["Agency"] for r in table(out, "Matrix")] == ["Moorlands Police"]
    problems = table(out, "Problems")
    assert [(r["File"], r["Sheet"], r["Cell"], r["Severity"]) for r in problems] == [
        ("Northmoor ICB.xlsx", "Assessment", "C5", ERROR)
    ]
    assert "Fully met" in str(problems[0]["Problem"])
    missing = table(out, "Missing")
    assert [r["Agency"] for r in missing] == ["Northmoor ICB"]
    assert "rejected" in str(missing[0]["Reason"]) and "Northmoor ICB.xlsx" in str(missing[0]["Reason"])
    log = table(out, "Log")
    assert (log[-1]["Returns read"], log[-1]["Accepted"], log[-1]["Rejected"]) == (2, 1, 1)


def test_ratings_normalised_to_the_scale_label(tmp_path: Path, config: Config) -> None:
    """Trim and case-fold first; the scale's own label is what lands in the summary."""
    returns = tmp_path / "returns"
    returns.mkdir()
    body = rows(
        config,
        S1=(" fully MET ", GOOD_EVIDENCE),
        S2=("MOSTLY   met", GOOD_EVIDENCE),
        S3=("not applicable", ""),
        S4=("Partially Met\n", GOOD_EVIDENCE),
    )
    body[4][6] = "31/03/2027"  # S5 Due typed as text
    body[5][6] = date(2027, 4, 30)  # S6 Due as a real date
    make_return(returns, config, rows=body, completed_on="01/05/2026")
    out = tmp_path / "summary.xlsx"
    result = collate([returns], out, config)
    assert result.problems == [] and result.accepted == 1
    by_ref = {r["Ref"]: r for r in table(out, "Returns")}
    assert [by_ref[ref]["Rating"] for ref in ("S1", "S2", "S3", "S4")] == [
        "Fully met",
        "Mostly met",
        "Not applicable",
        "Partially met",
    ]
    assert [by_ref[ref]["Score"] for ref in ("S1", "S2", "S4")] == [3, 2, 1]
    assert by_ref["S3"]["Score"] in ("", None)
    assert by_ref["S5"]["Due"] in (date(2027, 3, 31), datetime(2027, 3, 31))
    assert by_ref["S6"]["Due"] in (date(2027, 4, 30), datetime(2027, 4, 30))
    matrix = table(out, "Matrix")
    assert matrix[0]["S1"] == "Fully met" and matrix[0]["S2"] == "Mostly met"
    # And in openpyxl: the label is stored as plain text.
    ws = openpyxl.load_workbook(out)["Returns"]
    ratings = [ws.cell(r, 4).value for r in range(2, 2 + len(config.standards))]
    assert ratings.count("Fully met") == len(config.standards) - 3


def test_completed_on_text_date_decides_duplicates(tmp_path: Path, config: Config) -> None:
    """CompletedOn typed as text still parses; with equal dates the newer file wins."""
    returns = tmp_path / "returns"
    returns.mkdir()
    a = make_return(returns, config, completed_on="15/05/2026", file_name="first.xlsx")
    b = make_return(
        returns,
        config,
        completed_on=date(2026, 5, 15),
        file_name="second.xlsx",
        ratings=["Not met"] * len(config.standards),
    )
    os.utime(a, (1_800_000_000, 1_800_000_000))
    os.utime(b, (1_700_000_000, 1_700_000_000))
    result = collate([returns], tmp_path / "summary.xlsx", config)
    dup = [p for p in result.problems if p.code == "duplicate-return"]
    assert [Path(p.file).name for p in dup] == ["second.xlsx"]
    assert {r["Source file"] for r in table(tmp_path / "summary.xlsx", "Returns")} == {"first.xlsx"}


def test_renamed_sheets_and_retyped_headers_parse(tmp_path: Path, config: Config) -> None:
    """Sheets renamed in Excel (names follow) and headers retyped in another case still parse; messages
    name the sheet as it is now called."""
    path = make_return(tmp_path, config, rows=rows(config, S2=("Fuly met", GOOD_EVIDENCE)))

    def rename(wb: Workbook) -> None:
        wb["Cover"].title = "Agency's cover"
        wb["Assessment"].title = "Self assessment"
        for name in wb.defined_names.values():
            name.attr_text = name.attr_text.replace("'Cover'", "'Agency''s cover'")
        ws = wb["Self assessment"]
        for cell, header in (("A1", "REF"), ("D1", "evidence ")):
            ws[cell] = header
            ws.tables["Assessment"].tableColumns[ws[cell].column - 1].name = header

    ret = check(edit(path, rename), config)
    only(ret.problems, "rating-unknown", ERROR, "Self assessment", "C3")
    assert codes(ret.problems) == ["rating-unknown"]
    assert ret.agency == "Moorlands Police" and ret.completed_on == date(2026, 5, 1)
    assert len(ret.ratings) == len(config.standards) - 1 and ret.ratings[0].evidence == GOOD_EVIDENCE
