"""``boardbook report``: the annual report pack, built from real filled workbooks (the real fills run on the bundled
demo data), read back from the .xlsx (openpyxl) and the .docx (python-docx), the document converted to PDF by
LibreOffice, and the budget appendix reconciled to the penny with the budget workbook's defined names."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl.utils.cell import range_boundaries
from typer.testing import CliRunner

from boardbook.budget.pipeline import fill_budget_file
from boardbook.cli import app
from boardbook.concerns.pipeline import fill_concerns_file
from boardbook.config import Agency, load_config
from boardbook.errors import UsageError
from boardbook.learning.pipeline import fill_tracker_file
from boardbook.ooxml import sheet_parts
from boardbook.performance import contract as pc
from boardbook.performance.demo import run_performance_demo, write_demo_inputs
from boardbook.performance.pipeline import fill_workbook
from boardbook.problems import ProblemError
from boardbook.report import contract as c
from boardbook.report import rules
from boardbook.report.model import CODES, ReportInputError
from boardbook.report.pipeline import build_report
from boardbook.section11.pipeline import collate
from boardbook.training.pipeline import fill_training_file
from tests.helpers import (
    DATA,
    GOOD_EVIDENCE,
    forms_export,
    hashes,
    make_return,
    names_openpyxl,
    recalculate_many,
    require_writer,
    run,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 4, 30, 12, 0)
AGENCIES = [
    Agency("Moorlands Police", "Police"),
    Agency("Northmoor ICB", "Health"),
    Agency("Fellside Council", "District council"),
]
REFLECTIONS = [
    ("Neglect", "What went well", "The neglect toolkit is used in every locality"),
    ("neglect", "Even better if", "Health visitors joined the audits"),
    ("Neglect", "what went WELL", '=HYPERLINK("http://x") stays text'),
]


@dataclass
class Inputs:
    folder: Path
    paths: dict[str, Path]  # option name (budget, performance, ...) -> filled workbook


def _performance(folder: Path) -> Path:
    """The demo's performance workbook with Reflections typed into it, then filled again (they must survive)."""
    path = run_performance_demo(folder / "performance")
    wb = openpyxl.load_workbook(path)
    ws = wb[pc.REFLECTIONS]
    for cells in ws.iter_rows(min_row=2):  # the demo's own reflections give way to these
        for cell in cells:
            cell.value = None
    for i, row in enumerate(REFLECTIONS, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j).value = value
            ws.cell(i, j).data_type = "s"
    wb.save(path)
    inputs = write_demo_inputs(folder / "performance" / "performance-inputs")
    fill_workbook(  # re-run on the same workbook, as an analyst does each quarter
        path,
        load_config(),
        indicators=[inputs["indicators.csv"]],
        evidence=inputs["evidence.csv"],
        risk_factors=inputs["risk-factors.csv"],
        now=datetime(2025, 5, 19, 9, 0),
    )
    return path


def _summary(folder: Path) -> Path:
    config = load_config()
    returns = folder / "returns"
    returns.mkdir()
    labels = config.scale.labels
    for k, a in enumerate(AGENCIES):
        ratings = [labels[(i + k) % len(labels)] for i in range(len(config.standards))]
        make_return(
            returns, config, a.name, ratings=ratings, sector=a.sector, evidence=[GOOD_EVIDENCE] * len(config.standards)
        )
    result = collate([returns], folder / "section11-summary.xlsx", config, agencies=AGENCIES)
    assert result.accepted == len(AGENCIES)
    return result.out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("report-inputs")
    config = load_config()
    paths = {
        "budget": folder / "budget.xlsx",
        "performance": _performance(folder),
        "s11": _summary(folder),
        "learning": folder / "learning-improvement.xlsx",
        "training": fill_training_file([forms_export(folder / "forms.csv")], folder / "training.xlsx", config).out,
        "concerns": folder / "concerns-matrix.xlsx",
    }
    fill_budget_file(DATA / "demo-budget-2025-26.toml", paths["budget"])
    fill_tracker_file(DATA / "demo-recommendations.csv", paths["learning"], as_at=date(2026, 3, 31))
    fill_concerns_file(DATA / "demo-concerns.csv", paths["concerns"])
    return Inputs(folder, paths)  # type: ignore[arg-type]


@dataclass
class Pack:
    plain: Path  # folder of the pack from all six workbooks
    council: Path  # the same with --council-convention
    seconds: float


@pytest.fixture(scope="module")
def pack(inputs: Inputs, tmp_path_factory: pytest.TempPathFactory) -> Pack:
    before = hashes(inputs.folder)
    started = time.perf_counter()
    plain = build_report(tmp_path_factory.mktemp("pack"), now=NOW, **inputs.paths)
    seconds = time.perf_counter() - started
    council = build_report(tmp_path_factory.mktemp("council"), now=NOW, council_convention=True, **inputs.paths)
    assert hashes(inputs.folder) == before  # inputs are only ever read
    assert plain.problems == [] and council.problems == []
    return Pack(plain.data.parent, council.data.parent, seconds)


# -- reading the outputs back ------------------------------------------------------------------------------------
def xlsx_tables(path: Path) -> dict[str, tuple[list[str], list[list[object]], list[list[str]]]]:
    """Every Excel table of ``path``: headers, rows of values, and each data cell's number format."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for t in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(t.ref)
            cells = [[ws.cell(r, col) for col in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
            out[t.name] = (
                [str(x.value) for x in cells[0]],
                [[x.value for x in row] for row in cells[1:]],
                [[x.number_format for x in row] for row in cells[1:]],
            )
    return out


def docx_tables(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Each table of the document with the caption paragraph just before it, as text."""
    document = docx.Document(str(path))
    out = []
    body = list(document.element.body.iterchildren())
    for k, el in enumerate(body):
        if el.tag == qn("w:tbl"):
            caption = "".join(t.text or "" for t in body[k - 1].iter(qn("w:t")))
            table = next(t for t in document.tables if t._tbl is el)
            out.append((caption, [[cell.text for cell in row.cells] for row in table.rows]))
    return out


def pounds(text: str) -> Decimal:
    """£1,234.56 or -£1,234.56 as the document prints it."""
    m = re.fullmatch(r"(-?)£(\d{1,3}(?:,\d{3})*\.\d\d)", text)
    assert m, f"not money as published: {text!r}"
    return Decimal(m.group(1) + m.group(2).replace(",", ""))


def budget_names(path: Path) -> dict[str, Decimal]:
    return {
        k: Decimal(str(v)).quantize(Decimal("0.01")) for k, v in names_openpyxl(path).items() if k in c.BUDGET_NAMES
    }


def reconciles(lines: list[tuple[str, str, Decimal]], names: dict[str, Decimal], *, council: bool) -> None:
    """The appendix adds up to the budget workbook's totals, to the penny, in the convention it was written in."""
    sign = -1 if council else 1
    income = [a for s, _l, a in lines if s in c.INCOME_SECTIONS]
    assert all(a * sign >= 0 for a in income) and any(a != 0 for a in income)
    line = {name: a for _s, name, a in lines}
    assert sum(income) * sign == names["TotalIncome"] == line[c.TOTAL_INCOME] * sign
    assert sum(a for s, _l, a in lines if s == "Contributions") * sign == names["TotalContributions"]
    spend = [a for s, _l, a in lines if s == "Expenditure"]
    assert all(a > 0 for a in spend)
    assert sum(spend) == names["TotalExpenditure"] == line[c.TOTAL_EXPENDITURE]
    assert line["Available reserves"] == names["ReservesBroughtForward"]
    assert line["Drawdown"] == names["Drawdown"] and line["Add to reserves"] == names["AddToReserves"]
    assert line[c.RESERVES_BALANCE] == names["ReservesCarriedForward"]
    assert line["Available reserves"] + line["Add to reserves"] - line["Drawdown"] == line[c.RESERVES_BALANCE]
    assert names["TotalIncome"] - names["TotalExpenditure"] == line["Add to reserves"] - line["Drawdown"]


# -- the data workbook -------------------------------------------------------------------------------------------------
def test_the_data_workbook_holds_every_table_in_order_with_its_formats(inputs: Inputs, pack: Pack) -> None:
    path = pack.plain / c.DATA_FILE
    tables = xlsx_tables(path)
    assert list(tables) == list(c.TABLES)
    headers = {
        c.BUDGET_APPENDIX: c.BUDGET_APPENDIX_HEADERS,
        c.MATRIX_OF_CONCERNS: c.MATRIX_OF_CONCERNS_HEADERS,
        c.SECTION11_STANDARDS: c.SECTION11_STANDARDS_HEADERS,
        c.PRIORITIES: c.PRIORITIES_HEADERS,
        c.LEARNING_GAIN: c.LEARNING_GAIN_HEADERS,
        c.RECOMMENDATION_STATUS: c.RECOMMENDATION_STATUS_HEADERS,
    }
    assert {name: tuple(t[0]) for name, t in tables.items()} == headers
    _h, rows, formats = tables[c.BUDGET_APPENDIX]
    assert {f[2] for f in formats} == {c.MONEY_FORMAT}
    assert all(isinstance(r[2], int | float) for r in rows)
    _h, rows, formats = tables[c.SECTION11_STANDARDS]
    assert {f[4] for f in formats} == {c.PERCENT_FORMAT} and all(0 <= r[4] <= 1 for r in rows)
    assert [r[0] for r in rows] == [s.ref for s in load_config().standards]
    _h, rows, formats = tables[c.LEARNING_GAIN]
    assert {f[5] for f in formats} == {c.PERCENT_FORMAT} and {f[3] for f in formats} == {c.MEAN_FORMAT}
    assert [r[0] for r in rows] == ["Neglect", "Exploitation", "Domestic abuse"]
    assert rows[0][1:] == [8, 2.13, 3.63, 1.5, 0.75]
    _h, rows, _f = tables[c.MATRIX_OF_CONCERNS]
    marks = {v for r in rows for v in r[2:6]}
    assert marks == {c.YES, None}  # the word, never a colour alone; blank is no
    assert all(r[6] == sum(v == c.YES for v in r[2:6]) for r in rows)
    _h, rows, _f = tables[c.RECOMMENDATION_STATUS]
    assert rows[-1] == [c.ALL_REVIEWS, 3, 5, 2, 2, 12, 1]  # the demo's dozen recommendations
    assert [r[0] for r in rows[:-1]] == ["CSPR", "Rapid review", "SCR", "Audit", "Inspection", "Other"]
    for r in rows:
        assert sum(r[1:5]) == r[5]
    assert [sum(r[k] for r in rows[:-1]) for k in range(1, 7)] == rows[-1][1:]

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "About" and wb.properties.title == "Annual report data"
    about = "\n".join(str(v) for row in wb["About"].iter_rows(values_only=True) for v in row if v)
    assert "From budget.xlsx." in about and str(inputs.folder) not in about  # file names, not where they sat
    assert "Northmoor Safeguarding Children Partnership" in about and "30/04/2026 12:00" in about
    for ws in wb.worksheets[1:]:
        assert ws.print_title_rows in ("1:1", "$1:$1") and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title


def test_the_budget_appendix_reconciles_to_the_penny_in_the_workbook(inputs: Inputs, pack: Pack) -> None:
    names = budget_names(inputs.paths["budget"])
    for folder, council in ((pack.plain, False), (pack.council, True)):
        _h, rows, _f = xlsx_tables(folder / c.DATA_FILE)[c.BUDGET_APPENDIX]
        lines = [(str(s), str(line), Decimal(str(a))) for s, line, a in rows]
        reconciles(lines, names, council=council)


def test_the_budget_appendix_reconciles_to_the_penny_in_the_document(inputs: Inputs, pack: Pack) -> None:
    names = budget_names(inputs.paths["budget"])
    for folder, council in ((pack.plain, False), (pack.council, True)):
        caption, rows = docx_tables(folder / c.DOCUMENT_FILE)[0]
        assert caption == "Table 1: Income, expenditure and reserves" and rows[0] == list(c.BUDGET_APPENDIX_HEADERS)
        reconciles([(s, line, pounds(a)) for s, line, a in rows[1:]], names, council=council)


def test_the_budget_is_taken_as_published_whichever_convention_filled_it(inputs: Inputs, tmp_path: Path) -> None:
    """A budget filled with --council-convention holds income negative; the pack undoes that, then applies its own."""
    council_budget = fill_budget_file(
        DATA / "demo-budget-2025-26.toml", tmp_path / "council-budget.xlsx", council_convention=True
    )
    assert council_budget.problems == []
    from_plain = build_report(tmp_path / "a", budget=inputs.paths["budget"]).appendices[0].rows
    from_council = build_report(tmp_path / "b", budget=tmp_path / "council-budget.xlsx").appendices[0].rows
    assert from_council == from_plain
    shown = build_report(tmp_path / "c", budget=tmp_path / "council-budget.xlsx", council_convention=True)
    signs = {
        (r[0], r[1]): r[2] * (-1 if r[0] in c.INCOME_SECTIONS or r[1] == c.TOTAL_INCOME else 1)
        for r in shown.appendices[0].rows
    }
    assert signs == {(r[0], r[1]): r[2] for r in from_plain}


# -- the Word document -------------------------------------------------------------------------------------------------
def test_the_document_has_a_heading_caption_and_repeating_header_row_per_table(pack: Pack) -> None:
    document = docx.Document(str(pack.plain / c.DOCUMENT_FILE))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Appendix A: Budget",
        "Appendix B: Matrix of safeguarding concerns",
        "Appendix C: Section 11 audit",
        "Appendix D: Priorities",
        "Appendix E: Training",
        "Appendix F: Learning and improvement",
    ]
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    texts = ["".join(t.text or "" for t in p._p.iter(qn("w:t"))) for p in captions]
    assert [t.split(":")[0] for t in texts] == [f"Table {n}" for n in range(1, 7)]
    fields = [f.get(qn("w:instr")) for p in captions for f in p._p.iter(qn("w:fldSimple"))]
    assert fields == [r" SEQ Table \* ARABIC "] * 6  # Word renumbers them; the text holds the number meanwhile
    assert len(document.tables) == 6
    for table in document.tables:
        assert table.style.name == "Table Grid"
        first, *rest = table.rows
        header = first._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) in (None, "1", "on")
        assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in rest)
        assert all(run.bold for cell in first.cells for run in cell.paragraphs[0].runs)
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None  # the table's title for screen readers
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape: the wide tables fit
    section = document.sections[0]
    room = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        widths = [cell.width for cell in table.rows[0].cells]
        assert abs(sum(widths) - room) <= 635 * len(widths)  # the page's width shared out (cells hold twips)
    budget, priorities = document.tables[0], document.tables[3]
    assert budget.rows[0].cells[1].width > budget.rows[0].cells[0].width > budget.rows[0].cells[2].width
    assert priorities.rows[0].cells[2].width > priorities.rows[0].cells[0].width


def test_numbers_are_right_aligned_and_shown_as_published(pack: Pack) -> None:
    tables = {caption.split(":")[0]: rows for caption, rows in docx_tables(pack.plain / c.DOCUMENT_FILE)}
    document = docx.Document(str(pack.plain / c.DOCUMENT_FILE))
    numeric = {0: [2], 1: [6], 2: [2, 3, 4], 4: [1, 2, 3, 4, 5], 5: [1, 2, 3, 4, 5, 6]}
    for k, table in enumerate(document.tables):
        for row in table.rows:
            for j, cell in enumerate(row.cells):
                right = cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
                assert right == (j in numeric.get(k, [])), (k, j, cell.text)
    assert tables["Table 1"][11][1:] == ["TOTAL INCOME", "£423,990.00"]
    assert tables["Table 3"][1] == ["S1", "Clear line of accountability", "3", "2", "66.7%"]
    assert tables["Table 5"][1] == ["Neglect", "8", "2.13", "3.63", "1.50", "75.0%"]
    assert tables["Table 6"][-1] == [c.ALL_REVIEWS, "3", "5", "2", "2", "12", "1"]
    matrix = tables["Table 2"]
    assert {v for row in matrix[1:] for v in row[2:6]} == {"Yes", ""}
    council = docx_tables(pack.council / c.DOCUMENT_FILE)[0][1]
    assert council[11][1:] == ["TOTAL INCOME", "-£423,990.00"] and council[18][1:] == ["TOTAL", "£400,500.00"]


def test_reflections_are_kept_by_performance_fill_and_shown_beside_the_lenses(inputs: Inputs, pack: Pack) -> None:
    table = openpyxl.load_workbook(inputs.paths["performance"])[pc.REFLECTIONS].tables[pc.REFLECTIONS]
    ws = openpyxl.load_workbook(inputs.paths["performance"])[pc.REFLECTIONS]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    kept = [tuple(ws.cell(r, col).value for col in range(c1, c2 + 1)) for r in range(r1 + 1, r2 + 1)]
    assert kept == REFLECTIONS  # as typed, after performance fill wrote the workbook again
    _h, rows, _f = xlsx_tables(pack.plain / c.DATA_FILE)[c.PRIORITIES]
    neglect = dict(zip(c.PRIORITIES_HEADERS, rows[0], strict=True))
    assert neglect["Priority"] == "Neglect"
    assert neglect["What went well"] == f"{REFLECTIONS[0][2]}\n{REFLECTIONS[2][2]}"
    assert neglect["Even better if"] == REFLECTIONS[1][2]
    assert neglect["Quantitative data"].startswith("Repeat child protection plans (2024/25): 24.4")
    assert neglect["Quantitative data"].splitlines()[0].endswith(" - Red")  # the RAG in words
    assert neglect["Summary"].startswith("4 indicators")
    assert [r[0] for r in rows] == ["Neglect", "Child exploitation", "Safeguarding in education"]
    # typed text stays text in the document: the only field is each caption's SEQ
    with zipfile.ZipFile(pack.plain / c.DOCUMENT_FILE) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:fldSimple") == 6 and "<w:instrText" not in xml and "<w:fldChar" not in xml
    assert "=HYPERLINK(&quot;http://x&quot;) stays text" in xml or '=HYPERLINK("http://x") stays text' in xml


# -- independent checks: LibreOffice, openxml-audit ----------------------------------------------------------------
def test_libreoffice_writer_turns_the_document_into_a_pdf(pack: Pack, tmp_path: Path) -> None:
    require_writer()
    source = pack.council / c.DOCUMENT_FILE
    [pdf] = recalculate_many([source], tmp_path, to="pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3  # six appendices on landscape pages
    [text] = recalculate_many([source], tmp_path, to="txt:Text (encoded):UTF8")
    words = text.read_text(encoding="utf-8-sig")
    for expected in ("Appendix A: Budget", "Table 1: Income, expenditure and reserves", "-£423,990.00", "66.7%"):
        assert expected in words, expected


def test_the_data_workbook_gets_only_what_a_plain_openpyxl_workbook_gets(pack: Pack) -> None:
    from boardbook.addin import audit

    assert [str(f) for f in audit.unaccepted(pack.plain / c.DATA_FILE)] == []


def test_the_document_gets_only_what_a_plain_python_docx_document_gets(pack: Pack, tmp_path: Path) -> None:
    """openxml-audit on the appendices, less what python-docx's own default template always gets (its
    stylesWithEffects part lags its styles part); calibrated on a plain document, not hard-coded."""
    from boardbook.addin import audit

    plain = docx.Document()
    plain.add_paragraph("A paragraph")
    plain.save(str(tmp_path / "plain.docx"))
    accepted = {f.kind for f in audit.audit(tmp_path / "plain.docx")}
    for folder in (pack.plain, pack.council):
        found = [str(f) for f in audit.audit(folder / c.DOCUMENT_FILE) if f.kind not in accepted]
        assert found == []


def test_the_pack_is_quick(pack: Pack) -> None:
    assert pack.seconds < 10, f"the pack from six workbooks took {pack.seconds:.1f} s"


# -- subsets, usage, the command -----------------------------------------------------------------------------------
def test_only_the_tables_of_the_workbooks_given(inputs: Inputs, tmp_path: Path) -> None:
    result = build_report(tmp_path, concerns=inputs.paths["concerns"], training=inputs.paths["training"])
    assert list(xlsx_tables(result.data)) == [c.MATRIX_OF_CONCERNS, c.LEARNING_GAIN]
    assert [caption for caption, _rows in docx_tables(result.document)] == [
        "Table 1: Safeguarding concerns and the evidence behind each",
        "Table 2: Learning gain by course (confidence before and after training)",
    ]


def test_no_workbook_is_a_usage_error_naming_the_options(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--budget, --performance, --s11, --learning, --training, --concerns"):
        build_report(tmp_path)
    assert not list(tmp_path.iterdir())


def test_out_never_overwrites_an_input(inputs: Inputs, tmp_path: Path) -> None:
    clash = tmp_path / c.DATA_FILE
    clash.write_bytes(inputs.paths["concerns"].read_bytes())
    with pytest.raises(UsageError, match=r"annual-report-data.xlsx is also an input: choose another --out"):
        build_report(tmp_path, concerns=clash)
    with pytest.raises(UsageError, match="is a file"):
        build_report(clash, concerns=inputs.paths["concerns"])


def test_the_command_writes_both_files_and_names_them(inputs: Inputs, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    args = ["report", "--learning", str(inputs.paths["learning"]), "--budget", str(inputs.paths["budget"])]
    result = CliRunner().invoke(app, [*args, "--council-convention", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / c.DATA_FILE).is_file() and (out / c.DOCUMENT_FILE).is_file()
    assert "BudgetAppendix" in result.output and "RecommendationStatus" in result.output
    assert str(out / c.DOCUMENT_FILE) in result.output


def test_the_installed_command_reports_a_wrong_workbook_in_one_line(inputs: Inputs, tmp_path: Path) -> None:
    done = run("report", "--budget", inputs.paths["performance"], "--out", tmp_path / "pack")
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"boardbook: error: {inputs.paths['performance'].name}: no table 'AnnualReport' (tables found: "
        + lines[0].split("tables found: ")[1]
    ]
    assert "this is not a filled budget workbook" in lines[0] and "boardbook budget fill" in lines[0]
    assert not (tmp_path / "pack").exists()


# -- every problem from a real file ---------------------------------------------------------------------------------
def _resaved(src: Path, dst: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """``src`` opened in openpyxl, changed as a person might, and saved as ``dst`` (its formulas lose their
    cached values, as a tool that never calculates leaves them)."""
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def _cell(wb: openpyxl.Workbook, table: str, row: int, header: str) -> Any:
    """The cell of data row ``row`` (0-based) of a table, in column ``header``."""
    for ws in wb.worksheets:
        if table in ws.tables:
            c1, r1, _c2, _r2 = range_boundaries(ws.tables[table].ref)
            headers = [ws.cell(r1, c1 + j).value for j in range(len(ws.tables[table].tableColumns))]
            return ws.cell(r1 + 1 + row, c1 + headers.index(header))
    raise KeyError(table)


def _cached(src: Path, dst: Path, sheet: str, cell: str, value: str) -> Path:
    """``src`` with the cached value of one formula cell changed in the package (its formula kept)."""
    with zipfile.ZipFile(src) as zin:
        part = sheet_parts(zin)[sheet]
        xml = zin.read(part).decode("utf-8")
        new, n = re.subn(rf'(<c r="{cell}"[^>]*>(?:<f>[^<]*</f>)?<v>)[^<]*(</v>)', rf"\g<1>{value}\g<2>", xml)
        assert n == 1, f"{sheet}!{cell} not found"
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, new.encode("utf-8") if info.filename == part else zin.read(info))
    return dst


def _set(table: str, row: int, header: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        _cell(wb, table, row, header).value = value

    return change


def _reflection(priority: str, kind: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        _cell(wb, pc.REFLECTIONS, 2, "Priority").value = priority  # the third reflection typed
        _cell(wb, pc.REFLECTIONS, 2, "Kind").value = kind

    return change


def _without_column(wb: openpyxl.Workbook) -> None:
    ws = wb["Concerns"]
    table = ws.tables["Concerns"]
    ws.cell(1, 5).value = "Numbers"  # Data renamed
    table.tableColumns[4].name = "Numbers"


def _eastvale_budget(folder: Path) -> Path:
    """The demo budget filled for another partnership (Eastvale), as a regional analyst's folders hold them."""
    text = (DATA / "demo-budget-2025-26.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^partnership = ".*"$', 'partnership = "Eastvale Safeguarding Children Partnership"', text)
    for csv_name in re.findall(r'"([^"]+\.csv)"', text):
        (folder / csv_name).write_bytes((DATA / csv_name).read_bytes())
    (folder / "eastvale.toml").write_text(text, encoding="utf-8")
    fill_budget_file(folder / "eastvale.toml", folder / "eastvale-budget.xlsx")
    return folder / "eastvale-budget.xlsx"


def _summary_nothing_rated(folder: Path) -> Path:
    """A summary whose every return was rejected (ratings off the scale): its Standards count nothing."""
    config = load_config()
    returns = folder / "returns"
    returns.mkdir()
    for a in AGENCIES:
        make_return(returns, config, a.name, sector=a.sector, ratings=["Brilliant"] * len(config.standards))
    result = collate([returns], folder / "summary.xlsx", config, agencies=AGENCIES)
    assert result.accepted == 0
    return result.out


CASES: dict[str, Callable[[Inputs, Path], dict[str, Path]]] = {
    "report-unreadable": lambda i, d: {"training": d / "absent.xlsx"},
    "report-table-missing": lambda i, d: {"budget": i.paths["performance"]},
    "report-column-missing": lambda i, d: {"concerns": _resaved(i.paths["concerns"], d / "m.xlsx", _without_column)},
    "report-not-filled": lambda i, d: {"concerns": ROOT / "workbooks/concerns-matrix.xlsx"},
    "report-name-missing": lambda i, d: {
        "budget": _resaved(i.paths["budget"], d / "b.xlsx", lambda wb: wb.defined_names.pop("TotalContributions"))
    },
    "report-value-missing": lambda i, d: {
        "training": _resaved(i.paths["training"], d / "t.xlsx", _set("LearningGain", 0, "Mean gain", "n/a"))
    },
    "report-budget-mismatch": lambda i, d: {
        "budget": _cached(i.paths["budget"], d / "b.xlsx", "Annual report", "C5", "154401")
    },
    "report-status-unknown": lambda i, d: {
        "learning": _resaved(i.paths["learning"], d / "l.xlsx", _set("Recommendations", 2, "Status", "Done"))
    },
    "report-reflection-kind-unknown": lambda i, d: {
        "performance": _resaved(i.paths["performance"], d / "p.xlsx", _reflection("Neglect", "Great"))
    },
    "report-s11-nothing-rated": lambda i, d: {"s11": _summary_nothing_rated(d)},
    "report-partnership-differs": lambda i, d: {"concerns": i.paths["concerns"], "budget": _eastvale_budget(d)},
    "report-reflection-priority-blank": lambda i, d: {
        "performance": _resaved(i.paths["performance"], d / "p.xlsx", _reflection("", "What went well"))
    },
    "report-reflection-below-table": lambda i, d: {
        "performance": _resaved(i.paths["performance"], d / "p.xlsx", _typed_below)
    },
    "report-reflection-priority-unknown": lambda i, d: {
        "performance": _resaved(i.paths["performance"], d / "p.xlsx", _reflection("Knife crime", "Even better if"))
    },
}
WARNINGS = {
    "report-reflection-priority-unknown",
    "report-s11-nothing-rated",
    "report-partnership-differs",
    "report-reflection-below-table",
}


def test_every_code_has_a_case() -> None:
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_problem_code(code: str, inputs: Inputs, tmp_path: Path) -> None:
    """Each code from a real file: named file (and table or cell), a message saying what to do, nothing written."""
    given = CASES[code](inputs, tmp_path)
    out = tmp_path / "pack"
    try:
        result = build_report(out, **given)  # type: ignore[arg-type]
        problems = result.problems
        assert code in WARNINGS, f"{code}: no error raised"
    except ProblemError as exc:
        assert isinstance(exc, ReportInputError) and code not in WARNINGS
        problems = exc.problems
        assert not out.exists()
    found = [p for p in problems if p.code == code]
    assert found, f"{code} not produced; got {[str(p) for p in problems]}"
    p = found[0]
    assert p.severity == ("Warning" if code in WARNINGS else "Error")
    assert p.file == str(next(iter(given.values()))), p
    assert str(p).startswith(Path(p.file).name) and p.message
    assert {q.code for q in problems} <= set(CODES)


def test_a_wrong_workbook_names_its_file_the_table_and_the_fill(inputs: Inputs, tmp_path: Path) -> None:
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path, s11=inputs.paths["training"], concerns=inputs.paths["budget"])
    first, second = caught.value.problems
    assert first.file == str(inputs.paths["concerns"].with_name("budget.xlsx")) or first.file.endswith("budget.xlsx")
    assert "no table 'Concerns'" in first.message and "boardbook concerns fill" in first.message
    assert second.file.endswith("training.xlsx") and "no table 'Standards'" in second.message
    assert "section 11 summary" in second.message and "boardbook s11 collate" in second.message


def test_a_value_missing_names_its_cell(inputs: Inputs, tmp_path: Path) -> None:
    bad = _resaved(inputs.paths["learning"], tmp_path / "l.xlsx", _set("Recommendations", 2, "Status", "Done"))
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", learning=bad)
    [p] = [q for q in caught.value.problems if q.code == "report-status-unknown"]
    # openpyxl's save also left every Days overdue formula uncalculated: said as well, never counted as 0
    assert {q.code for q in caught.value.problems} == {"report-status-unknown", "report-value-missing"}
    assert (p.sheet, p.cell) == (_where(bad, "Recommendations", 2, "Status"))
    assert "'Done' is none of Not started, In progress, Completed, Evidenced" in p.message


def _where(path: Path, table: str, row: int, header: str) -> tuple[str, str]:
    cell = _cell(openpyxl.load_workbook(path), table, row, header)
    return cell.parent.title, cell.coordinate


def test_a_budget_whose_table_does_not_add_up_names_the_line(inputs: Inputs, tmp_path: Path) -> None:
    """The TOTAL line's cached value changed behind its formula (as a hand edit of a copy would): stopped, named."""
    wb = openpyxl.load_workbook(inputs.paths["budget"])
    row = next(i for i in range(30) if _cell(wb, "AnnualReport", i, "Line").value == c.TOTAL_EXPENDITURE)
    sheet, cell = _where(inputs.paths["budget"], "AnnualReport", row, "Amount")
    bad = _cached(inputs.paths["budget"], tmp_path / "b.xlsx", sheet, cell, "400500.01")
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", budget=bad)
    [p] = caught.value.problems
    assert (p.code, p.sheet, p.cell) == ("report-budget-mismatch", sheet, cell)
    assert p.message.startswith("the TOTAL line of table 'AnnualReport' is £400,500.01 but TotalExpenditure is ")
    assert "£400,500.00" in p.message and "boardbook budget fill" in p.message


def test_reflections_travel_from_an_input_workbook_and_a_typo_in_kind_stops_the_pack(
    inputs: Inputs, tmp_path: Path
) -> None:
    """Filling a new workbook from a filled one (its tables as inputs) keeps the Reflections too."""
    source = inputs.paths["performance"]
    again = fill_workbook(tmp_path / "new.xlsx", load_config(), indicators=[source], evidence=source).out
    ws = openpyxl.load_workbook(again)[pc.REFLECTIONS]
    assert [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)] == REFLECTIONS
    assert not (tmp_path / "new.backup.xlsx").exists()

    def cleared(wb: openpyxl.Workbook) -> None:  # someone deleted every reflection
        for row in wb[pc.REFLECTIONS].iter_rows(min_row=2):
            for cell in row:
                cell.value = None

    emptied = _resaved(again, tmp_path / "emptied.xlsx", cleared)
    fill_workbook(emptied, load_config(), indicators=[source], evidence=source)  # the source still has three
    rows = openpyxl.load_workbook(emptied)[pc.REFLECTIONS].iter_rows(min_row=2, values_only=True)
    assert not [r for r in rows if any(r)]  # what people deleted in the workbook stays deleted

    bad = _resaved(again, tmp_path / "typo.xlsx", _reflection("Neglect", "Even beter if"))
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", performance=bad)
    [p] = caught.value.problems
    assert (p.code, p.sheet, p.cell) == ("report-reflection-kind-unknown", pc.REFLECTIONS, "B4")
    assert "'Even beter if' is neither 'What went well' nor 'Even better if'" in p.message


def test_a_fill_of_the_open_workbook_leaves_reflections_alone(inputs: Inputs, tmp_path: Path) -> None:
    """The ribbon fills the open workbook in place (``book=``): Reflections is not its to touch."""
    from boardbook.book import open_book

    demo = write_demo_inputs(tmp_path / "inputs")
    book = open_book(inputs.paths["performance"])
    fill_workbook(None, load_config(), indicators=[demo["indicators.csv"]], evidence=demo["evidence.csv"], book=book)
    saved = book.save(tmp_path / "refilled.xlsx")
    rows = openpyxl.load_workbook(saved)[pc.REFLECTIONS].iter_rows(min_row=2, values_only=True)
    assert [tuple(r) for r in rows] == REFLECTIONS


# -- the rules, without workbooks ----------------------------------------------------------------------------------
def test_money_and_percent_text_as_published() -> None:
    assert rules.money_text(Decimal("-0.004")) == "£0.00"  # never "-£0.00"
    assert rules.money_text(Decimal("-1234.5")) == "-£1,234.50" and rules.money_text(Decimal("0")) == "£0.00"
    assert rules.money_text(Decimal("1000000")) == "£1,000,000.00"
    assert rules.percent_text(0.4444) == "44.4%" and rules.percent_text(1) == "100.0%"


def test_the_council_convention_flips_income_only_and_undoes_a_council_budget() -> None:
    plain = [
        rules.BudgetLine("Funding streams", "DSG", Decimal("10.00")),
        rules.BudgetLine("Contributions", "Council", Decimal("90.00")),
        rules.BudgetLine("Total", c.TOTAL_INCOME, Decimal("100.00")),
        rules.BudgetLine("Expenditure", "Chair", Decimal("80.00")),
        rules.BudgetLine("Total", c.TOTAL_EXPENDITURE, Decimal("80.00")),
        rules.BudgetLine("Reserves", c.RESERVES_BALANCE, Decimal("20.00")),
    ]
    council = rules.published(plain, Decimal(100), council_convention=True)
    assert [x.amount for x in council] == [Decimal(v) for v in ("-10", "-90", "-100", "80", "80", "20")]
    assert rules.stored_sign(council, Decimal(100)) == -1 and rules.stored_sign(plain, Decimal(100)) == 1
    assert rules.published(council, Decimal(100), council_convention=False) == plain
    assert rules.published(council, Decimal(100), council_convention=True) == council
    nothing = rules.published([rules.BudgetLine("Income", "Fees", Decimal(0))], Decimal(0), council_convention=True)
    assert str(nothing[0].amount) == "0.00"  # not -0.00
    names = {"TotalIncome": Decimal(100), "TotalExpenditure": Decimal(80), "ReservesCarriedForward": Decimal(20)}
    assert rules.reconcile(plain, names) == []
    assert rules.reconcile(plain, {**names, "TotalExpenditure": Decimal("80.01")}) == [
        ("the Expenditure lines", None, Decimal("80.00"), "TotalExpenditure", Decimal("80.01")),
        (
            f"the {c.TOTAL_EXPENDITURE} line",
            c.TOTAL_EXPENDITURE,
            Decimal("80.00"),
            "TotalExpenditure",
            Decimal("80.01"),
        ),
    ]


def test_recommendations_by_status_per_review_type_then_all() -> None:
    recs = [("Audit", "Completed", False), ("CSPR", "In progress", True), ("audit ", "Not started", False)]
    assert rules.status_rows(recs) == [
        ["CSPR", 0, 1, 0, 0, 1, 1],
        ["Audit", 1, 0, 1, 0, 2, 0],
        [c.ALL_REVIEWS, 1, 1, 1, 0, 3, 1],
    ]
    assert rules.status_rows([]) == [[c.ALL_REVIEWS, 0, 0, 0, 0, 0, 0]]
    assert rules.status_of(" in PROGRESS ") == "In progress" and rules.status_of("Done") is None


# -- found in review: inputs as people really have them ---------------------------------------------------------
def test_a_tracker_saved_without_calculating_is_stopped_not_counted_as_nothing_overdue(
    inputs: Inputs, tmp_path: Path
) -> None:
    """A tracker opened and saved by a tool that never calculates (openpyxl here) holds its Days overdue formulas
    with no results: they are not "0 days overdue" (the demo has one overdue recommendation)."""
    bad = _resaved(inputs.paths["learning"], tmp_path / "l.xlsx", lambda wb: None)
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", learning=bad)
    found = caught.value.problems
    assert found and {p.code for p in found} == {"report-value-missing"}
    assert (found[0].sheet, found[0].cell) == _where(bad, "Recommendations", 0, "Days overdue")
    assert "Days overdue holds a formula no spreadsheet has calculated" in found[0].message
    assert not (tmp_path / "out").exists()


def _typed_over(src: Path, dst: Path, name: str, value: str, line: str) -> Path:
    """``src`` with the budget's defined name ``name`` and the AnnualReport line that shows it both holding
    ``value`` (as a finance officer typing over the formula, then calculating, leaves them)."""
    sheet, cell = names_openpyxl_cells(src)[name]
    wb = openpyxl.load_workbook(src)
    row = next(i for i in range(40) if _cell(wb, "AnnualReport", i, "Line").value == line)
    line_sheet, line_cell = _where(src, "AnnualReport", row, "Amount")
    _cached(src, dst, sheet, cell, value)
    return _cached(dst, dst.with_name("typed-" + dst.name), line_sheet, line_cell, value)


def names_openpyxl_cells(path: Path) -> dict[str, tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in c.BUDGET_NAMES:
        ((sheet, cell),) = list(wb.defined_names[name].destinations)
        out[name] = (sheet, cell.replace("$", ""))
    return out


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        ("ReservesCarriedForward", "88000", c.RESERVES_BALANCE),  # the audited balance typed over the formula
        ("Drawdown", "5000", "Drawdown"),  # a drawdown typed in a year with a surplus
    ],
)
def test_reserves_that_do_not_add_up_stop_the_pack(
    name: str, value: str, line: str, inputs: Inputs, tmp_path: Path
) -> None:
    """Every line equals its defined name, yet available reserves - drawdown + add to reserves is not the
    balance published: a board member adding up the appendix would find it wrong."""
    bad = _typed_over(inputs.paths["budget"], tmp_path / "b.xlsx", name, value, line)
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", budget=bad)
    found = caught.value.problems
    assert found and {p.code for p in found} == {"report-budget-mismatch"}
    wb = openpyxl.load_workbook(bad)
    row = next(i for i in range(40) if _cell(wb, "AnnualReport", i, "Line").value == c.RESERVES_BALANCE)
    balance = _where(bad, "AnnualReport", row, "Amount")
    assert any((p.sheet, p.cell) == balance for p in found), [str(p) for p in found]
    assert any("Available reserves - Drawdown + Add to reserves" in p.message for p in found)


def test_the_reserves_rules_check_the_lines_against_each_other() -> None:
    lines = [
        rules.BudgetLine("Income", "Fees", Decimal("100.00")),
        rules.BudgetLine("Total", c.TOTAL_INCOME, Decimal("100.00")),
        rules.BudgetLine("Expenditure", "Chair", Decimal("80.00")),
        rules.BudgetLine("Total", c.TOTAL_EXPENDITURE, Decimal("80.00")),
        rules.BudgetLine("Reserves", "Available reserves", Decimal("50.00")),
        rules.BudgetLine("Reserves", "Drawdown", Decimal("0.00")),
        rules.BudgetLine("Reserves", "Add to reserves", Decimal("20.00")),
        rules.BudgetLine("Reserves", c.RESERVES_BALANCE, Decimal("70.00")),
    ]
    names = {
        "TotalIncome": Decimal(100),
        "TotalExpenditure": Decimal(80),
        "ReservesBroughtForward": Decimal(50),
        "Drawdown": Decimal(0),
        "AddToReserves": Decimal(20),
        "ReservesCarriedForward": Decimal(70),
    }
    assert rules.reconcile(lines, names) == []
    typed = [*lines[:-1], rules.BudgetLine("Reserves", c.RESERVES_BALANCE, Decimal("75.00"))]
    wrong = rules.reconcile(typed, {**names, "ReservesCarriedForward": Decimal(75)})
    assert [(w[1], w[2], w[4]) for w in wrong] == [
        (c.RESERVES_BALANCE, Decimal("70.00"), Decimal(75)),  # available - drawdown + add to reserves
        (c.RESERVES_BALANCE, Decimal("70.00"), Decimal(75)),  # available + TOTAL INCOME - TOTAL
    ]


def test_money_is_rounded_to_the_penny_as_the_budget_shows_it(inputs: Inputs, tmp_path: Path) -> None:
    """Training fees of £7,150.005 (an uplift typed in Excel) show as £7,150.01 in the budget workbook, as
    spreadsheets round a half penny up; the appendix shows what the budget shows."""
    require_writer()
    typed = _resaved(inputs.paths["budget"], tmp_path / "typed.xlsx", lambda wb: _set_other_income(wb, 7150.005))
    [budget] = recalculate_many([typed], tmp_path / "calculated")
    result = build_report(tmp_path / "out", budget=budget)
    lines = {r[1]: r[2] for r in result.appendices[0].rows}
    assert lines["Training fees"] == Decimal("7150.01")
    assert lines[c.TOTAL_INCOME] == Decimal("423990.01")
    [row] = [r for _cap, rows in docx_tables(result.document) for r in rows if r[1] == "Training fees"]
    assert row[2] == "£7,150.01"


def _set_other_income(wb: openpyxl.Workbook, amount: float) -> None:
    cell = _cell(wb, "OtherIncome", 1, "Amount")
    assert _cell(wb, "OtherIncome", 1, "Item").value == "Training fees"
    cell.value = amount


def test_a_pack_that_cannot_be_replaced_is_a_usage_error_and_the_old_pack_stays_whole(
    inputs: Inputs, tmp_path: Path
) -> None:
    """The appendices cannot be replaced (open in Word on Windows; here a folder in its place): one plain error,
    and the data workbook of the earlier pack is not replaced either, so the two never disagree."""
    out = tmp_path / "pack"
    build_report(out, concerns=inputs.paths["concerns"], now=NOW)
    before = (out / c.DATA_FILE).read_bytes()
    (out / c.DOCUMENT_FILE).unlink()
    (out / c.DOCUMENT_FILE).mkdir()
    (out / c.DOCUMENT_FILE / "keep").write_text("x")
    with pytest.raises(UsageError, match=r"annual-report-appendices\.docx.*(open|cannot)"):
        build_report(out, concerns=inputs.paths["concerns"], training=inputs.paths["training"])
    assert (out / c.DATA_FILE).read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == sorted([c.DATA_FILE, c.DOCUMENT_FILE])  # no temporary left


def test_a_standard_no_agency_rated_is_blank_in_the_pack_not_uncalculated(tmp_path: Path) -> None:
    """Every agency rated the last standard Not applicable: the summary's Met % there is an empty text result,
    stored as calculated (t="str", empty <v>), and the pack shows it blank rather than refusing the summary."""
    config = load_config()
    returns = tmp_path / "returns"
    returns.mkdir()
    n = len(config.standards)
    na = config.scale.not_applicable
    for a in AGENCIES:
        make_return(returns, config, a.name, sector=a.sector, ratings=["Fully met"] * (n - 1) + [na])
    summary = collate([returns], tmp_path / "summary.xlsx", config, agencies=AGENCIES).out
    result = build_report(tmp_path / "out", s11=summary)
    assert result.problems == []
    *rated, last = result.appendices[0].rows
    assert last[2:] == [0, 0, None] and all(r[4] == 1 for r in rated)
    with zipfile.ZipFile(summary) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    assert not re.findall(r"<c [^>]*>(<f>[^<]*</f>)</c>", xml)  # every formula cell carries its result


def test_a_reflection_with_no_priority_is_never_published_as_a_row_with_no_name(inputs: Inputs, tmp_path: Path) -> None:
    """Text typed under Kind with Priority left blank: the board would read a Priorities row with no priority."""
    bad = _resaved(inputs.paths["performance"], tmp_path / "p.xlsx", _reflection("  ", "Even better if"))
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", performance=bad)
    [p] = caught.value.problems
    assert (p.code, p.sheet, p.cell) == ("report-reflection-priority-blank", pc.REFLECTIONS, "A4")
    assert "Neglect, Child exploitation, Safeguarding in education" in p.message


def test_a_long_matrix_of_concerns_makes_its_document_in_seconds(tmp_path: Path) -> None:
    """2,000 concerns (a region's matrices together): python-docx walks the whole table for rows[i] and for a
    column's cells, so the document took ~20 s here before each row's cells were taken once."""
    rows = [",".join(cc_headers) for cc_headers in [("Group", "Concern", "Review work", "Quality assurance", "Data",
                                                     "Escalated")]]  # fmt: skip
    rows += [f"Group {i % 20},Concern {i} with words to wrap,{'Yes' if i % 2 else ''},{'x' if i % 3 else ''},,Y"
             for i in range(2000)]  # fmt: skip
    (tmp_path / "matrix.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    matrix = fill_concerns_file(tmp_path / "matrix.csv", tmp_path / "matrix.xlsx")
    started = time.perf_counter()
    result = build_report(tmp_path / "out", concerns=matrix.out)
    seconds = time.perf_counter() - started
    assert len(docx.Document(str(result.document)).tables[0].rows) == 2001
    assert seconds < 8, f"the pack of 2,000 concerns took {seconds:.1f} s"


def test_an_error_value_is_named_as_the_error_it_is(inputs: Inputs, tmp_path: Path) -> None:
    """A mean that is #DIV/0! (its course's evaluations deleted in Excel) is not "nothing" to recalculate."""
    src = inputs.paths["training"]
    sheet, cell = _where(src, "LearningGain", 0, "Mean gain")
    bad = tmp_path / "t.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        part = sheet_parts(zin)[sheet]
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text, n = re.subn(
                    rf'<c r="{cell}"([^>]*?)(?: t="\w+")?>(<f>[^<]*</f>)<v>[^<]*</v></c>',
                    rf'<c r="{cell}"\g<1> t="e">\g<2><v>#DIV/0!</v></c>',
                    data.decode("utf-8"),
                )
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(info, data)
    with pytest.raises(ReportInputError) as caught:
        build_report(tmp_path / "out", training=bad)
    [p] = caught.value.problems
    assert (p.code, p.sheet, p.cell) == ("report-value-missing", sheet, cell)
    assert "Mean gain holds the error #DIV/0!" in p.message and "correct the cells it is worked out from" in p.message


def _typed_below(wb: openpyxl.Workbook) -> None:
    """A reflection typed in the row under the Reflections table, as LibreOffice leaves it (outside the table)."""
    ws = wb[pc.REFLECTIONS]
    _c1, _r1, _c2, r2 = range_boundaries(ws.tables[pc.REFLECTIONS].ref)
    for j, value in enumerate(("Neglect", "EBI", "Typed under the table"), start=1):
        ws.cell(r2 + 1, j).value = value


def test_a_reflection_typed_just_below_the_table_is_in_the_pack_and_said(inputs: Inputs, tmp_path: Path) -> None:
    """LibreOffice (and a paste) does not grow a table as Excel does: a reflection typed in the row under
    Reflections is outside it (the Kind drop-down reaches row 11, inviting it). It is read as meant — in the pack
    with a warning naming its cell — and performance fill takes it into the table. "EBI" is Even better if."""
    bad = _resaved(inputs.paths["performance"], tmp_path / "p.xlsx", _typed_below)
    wb = openpyxl.load_workbook(bad)
    _c1, _r1, _c2, r2 = range_boundaries(wb[pc.REFLECTIONS].tables[pc.REFLECTIONS].ref)
    result = build_report(tmp_path / "out", performance=bad)
    [p] = [q for q in result.problems if q.code == "report-reflection-below-table"]
    assert (p.severity, p.sheet, p.cell) == ("Warning", pc.REFLECTIONS, f"A{r2 + 1}")
    neglect = next(r for r in result.appendices[0].rows if r[0] == "Neglect")
    even_better = neglect[c.PRIORITIES_HEADERS.index(pc.EVEN_BETTER)]
    assert str(even_better).endswith("Typed under the table")
    # performance fill, on that workbook, holds the row inside the table from then on
    inputs_folder = write_demo_inputs(tmp_path / "performance-inputs")
    fill_workbook(bad, load_config(), indicators=[inputs_folder["indicators.csv"]], now=NOW)
    ws = openpyxl.load_workbook(bad)[pc.REFLECTIONS]
    _c1, _r1, _c2, r2_after = range_boundaries(ws.tables[pc.REFLECTIONS].ref)
    assert r2_after == r2 + 1 and ws.cell(r2_after, 3).value == "Typed under the table"
    again = build_report(tmp_path / "again", performance=bad)
    assert not any(q.code == "report-reflection-below-table" for q in again.problems)


def test_a_summary_whose_returns_were_all_rejected_is_said_not_published_as_nought(tmp_path: Path) -> None:
    """Every return rejected: the appendix would show 0 rated and 0 met for every standard, which a board member
    reads as an audit nobody passed. The pack still has the table (the standards are true) and says why."""
    summary = _summary_nothing_rated(tmp_path)
    result = build_report(tmp_path / "out", s11=summary)
    [p] = result.problems
    assert (p.code, p.severity, p.file, p.sheet) == ("report-s11-nothing-rated", "Warning", str(summary), "Standards")
    assert "no agency's rating is counted" in p.message and "Problems" in p.message


def test_workbooks_of_two_partnerships_in_one_pack_are_said(inputs: Inputs, tmp_path: Path) -> None:
    """An analyst with many partnerships' folders gives Eastvale's budget beside Northmoor's matrix: the cover
    would name one partnership over the other's tables. The pack says which workbook names which partnership."""
    budget = _eastvale_budget(tmp_path)
    result = build_report(tmp_path / "out", budget=budget, concerns=inputs.paths["concerns"], now=NOW)
    [p] = result.problems
    assert (p.code, p.severity, p.file) == ("report-partnership-differs", "Warning", str(inputs.paths["concerns"]))
    assert p.sheet and p.cell  # the matrix's Partnership cell
    assert "Northmoor Safeguarding Children Partnership" in p.message and "Eastvale" in p.message
    assert budget.name in p.message
    same = build_report(tmp_path / "same", budget=inputs.paths["budget"], concerns=inputs.paths["concerns"])
    assert same.problems == []


@pytest.mark.parametrize("name", ["annual-report.docx", "Annual report 2025-26.XLSX", "appendices.pdf"])
def test_out_named_like_a_document_is_refused_not_made_a_folder(name: str, inputs: Inputs, tmp_path: Path) -> None:
    """--out is the folder for both files; "--out annual-report.docx" would make a folder named like a document."""
    with pytest.raises(UsageError, match=r"--out .* is the folder"):
        build_report(tmp_path / name, concerns=inputs.paths["concerns"])
    assert not (tmp_path / name).exists()
    build_report(tmp_path / "pack 2025.26", concerns=inputs.paths["concerns"])  # a dot in a folder's name is fine
