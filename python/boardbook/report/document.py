"""The appendices as a Word document (python-docx): a heading per appendix, a numbered caption ("Table 1: …", a
SEQ field Word renumbers), and the table itself — a real header row marked to repeat on every page, borders, money
as published (£1,234.56, -£1,234.56), percentages as 44.4%, numbers right-aligned, and every mark in words.

Text from the workbooks goes into runs as plain text: nothing typed in a cell can become a field or markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table

from boardbook.atomic import atomic_path
from boardbook.report import contract as c
from boardbook.report import rules
from boardbook.report.model import COUNT, MEAN, MONEY, PERCENT, TEXT, Appendix, Cell
from boardbook.textsafe import clean_text

TABLE_STYLE = "Table Grid"
MARGIN_CM = 2
TEXT_WIDTH = Cm(29.7 - 2 * MARGIN_CM)  # A4 landscape between the margins
BOLD_LINES = (c.TOTAL_INCOME, c.TOTAL_EXPENDITURE, c.RESERVES_BALANCE)  # the budget's totals, bold as published


def shown(kind: str, value: Cell) -> str:
    """A value as the document prints it."""
    if value is None or value == "":
        return ""
    if kind == MONEY:
        return rules.money_text(Decimal(str(value)))
    if kind == PERCENT:
        return rules.percent_text(float(value))
    if kind == MEAN:
        return rules.mean_text(float(value))
    if kind == COUNT:
        return rules.count_text(float(value))
    return clean_text(str(value))


def _mark_header(table: Table) -> None:
    """The first row is the table's header: Word repeats it at the top of every page (w:tblHeader, on by its
    presence: a w:val of "true" is outside the schema's on/off list, openxml-audit finds)."""
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _describe(table: Table, caption: str) -> None:
    """The table's title for screen readers (Word's Alt Text: w:tblCaption, last in w:tblPr as the schema orders)."""
    title = OxmlElement("w:tblCaption")
    title.set(qn("w:val"), caption)
    table._tbl.tblPr.append(title)


def _caption(document: DocumentObject, number: int, text: str) -> None:
    """ "Table N: text" in Word's Caption style, N a SEQ Table field (its last result written in)."""
    p = document.add_paragraph(style="Caption")
    p.add_run("Table ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), r" SEQ Table \* ARABIC ")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = str(number)
    run.append(t)
    field.append(run)
    p._p.append(field)
    p.add_run(f": {clean_text(text)}")
    p.paragraph_format.keep_with_next = True


def _weights(a: Appendix) -> list[float]:
    """Share of the page width per column: numbers narrow (but as wide as their header word), text wider, long
    text (concerns, lenses) widest."""
    long = (
        {"Concern", "Standard", "Line", *a.headers[1:]} if a.name == c.PRIORITIES else {"Concern", "Standard", "Line"}
    )
    return [max(1.0, len(h) / 5) if a.kind(h) != TEXT else 4.0 if h in long else 2.0 for h in a.headers]


def _table(document: DocumentObject, a: Appendix, width: int) -> None:
    table = document.add_table(rows=1 + len(a.rows), cols=len(a.headers))
    weights = _weights(a)
    widths = [Emu(int(width * w / sum(weights))) for w in weights]
    for j, column in enumerate(table.columns):  # Word reads the cells' widths, LibreOffice the grid's
        column.width = widths[j]
    # Each row's cells once, in one pass: python-docx's rows[i] and column.cells each walk the whole table, which
    # made a long matrix of concerns take minutes.
    rows = list(table.rows)
    for row_ in rows:
        for j, cell in enumerate(row_.cells):
            cell.width = widths[j]
    table.style = TABLE_STYLE
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = rows[0].cells
    for j, h in enumerate(a.headers):
        cell = header[j]
        p = cell.paragraphs[0]
        p.add_run(h).bold = True
        if a.kind(h) != TEXT:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _mark_header(table)
    _describe(table, a.caption)
    for i, row in enumerate(a.rows, start=1):
        bold = a.name == c.BUDGET_APPENDIX and row[1] in BOLD_LINES
        cells = rows[i].cells
        for j, h in enumerate(a.headers):
            p = cells[j].paragraphs[0]
            run = p.add_run(shown(a.kind(h), row[j] if j < len(row) else None))
            run.bold = bold or None
            if a.kind(h) != TEXT:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def write_document(appendices: Sequence[Appendix], target: Path, *, partnership: str, made_at: str) -> Path:
    """Write the appendices to ``target`` (.docx) atomically; returns the path."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    document.styles["Normal"].font.size = Pt(10)
    props = document.core_properties
    props.title = f"Annual report appendices{f' - {partnership}' if partnership else ''}"
    props.author = "boardbook"
    props.language = "en-GB"
    document.add_heading("Annual report appendices", level=0)
    if partnership:
        document.add_paragraph(clean_text(partnership))
    document.add_paragraph(f"Tables taken from the partnership's filled workbooks by boardbook on {made_at}.")
    for n, a in enumerate(appendices, start=1):
        document.add_heading(f"Appendix {chr(64 + n)}: {a.heading}", level=1)
        if a.note:
            document.add_paragraph(clean_text(a.note))
        _caption(document, n, a.caption)
        _table(document, a, TEXT_WIDTH)
    with atomic_path(target) as tmp:
        document.save(str(tmp))
    return target
