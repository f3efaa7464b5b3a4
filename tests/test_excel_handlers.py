"""Every ribbon button, end to end, through the real xlwings backend (``XlwingsBook``) on an in-memory
implementation of xlwings' engine (``tests/xlmemory.py``), with dialogs answered by a script.

The workbooks are made with a configuration that is not the bundled default (Eastvale, a RAG scale, four
standards of its own: ``tests/data/eastvale.toml``), so a handler that fell back to the bundled four-point
Northmoor configuration would fail here. What only real Excel can prove — COM, Excel's own dialogs, the
ribbon drawn, calculation — is listed in the README ("What is verified, and how").
"""

from __future__ import annotations

import csv
import shutil
import webbrowser
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest
import python_calamine as pc
import xlwings as xw

from boardbook import __version__, excel
from boardbook.budget.pipeline import fill_budget_file
from boardbook.config import Config, load_config
from boardbook.performance.demo import write_demo_inputs
from boardbook.performance.pipeline import fill_workbook
from boardbook.recorded import CONFIG_SHEET, recorded_config_file
from boardbook.report.pipeline import build_report
from boardbook.section11.pipeline import collate
from tests.helpers import hashes, make_return, recalculate, require_soffice, six_filled_workbooks
from tests.xlmemory import memory_app, open_memory_book, status_bar_history

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "python/boardbook/data"
EASTVALE = ROOT / "tests/data/eastvale.toml"
EES = Path("/work/shared/data/ees") if Path("/work/shared/data/ees").is_dir() else ROOT.parent / "shared/data/ees"
EVIDENCE = "Audit of 20 files in March 2026; policy signed off by the board."


class Script:
    """Dialogs answered from a script: each question takes the next answer of its kind (None = Cancel)."""

    def __init__(
        self,
        *,
        files: Sequence[Path | None] = (),
        folders: Sequence[Path | None] = (),
        answers: Sequence[str | None] = (),
        picks: Sequence[Sequence[Path]] = (),
    ) -> None:
        self.files, self.folders, self.answers = list(files), list(folders), list(answers)
        self.picks = [list(p) for p in picks]  # each a multi-select answer; [] = Cancel
        self.titles: list[str] = []  # the titles of the multi-select dialogs shown
        self.asked: list[tuple[str, str]] = []  # (prompt, the default offered)
        self.messages: list[str] = []

    def pick_file(self, title: str, pattern: str) -> Path | None:
        return self.files.pop(0)

    def pick_files(self, title: str, pattern: str) -> list[Path]:
        self.titles.append(title)
        return self.picks.pop(0)

    def pick_folder(self, title: str) -> Path | None:
        return self.folders.pop(0)

    def ask(self, prompt: str, default: str = "") -> str | None:
        self.asked.append((prompt, default))
        answer = self.answers.pop(0)
        return default if answer == "<default>" else answer

    def message(self, text: str, title: str = "boardbook") -> None:
        self.messages.append(text)


@pytest.fixture
def app() -> Iterator[xw.App]:
    with memory_app() as memory:
        yield memory


@pytest.fixture(scope="module")
def eastvale() -> Config:
    return load_config(EASTVALE)


def press(app: xw.App, path: Path, tag: str, script: Script) -> tuple[str, excel.Excel]:
    """Open ``path`` in the in-memory Excel and press the button ``tag``; the message it shows."""
    xl = excel.Excel(open_memory_book(path, app), script)
    message = excel.dispatch(tag, xl)
    assert script.messages[-1] == message
    assert status_bar_history(app)[-1] is False, "the status bar is handed back to Excel"
    return message, xl


def eastvale_returns(folder: Path, config: Config, round_: str = "2026") -> Path:
    make_return(
        folder,
        config,
        "Eastvale Police",
        ratings=["Green", "Amber", "Red", "N/A"],
        evidence=[EVIDENCE] * 4,
        partnership=config.partnership,
        round_=round_,
        sector="Police",
    )
    make_return(
        folder,
        config,
        "Eastvale Council",
        ratings=["Green"] * 4,
        evidence=[EVIDENCE] * 4,
        partnership=config.partnership,
        round_=round_,
        sector="Local authority",
    )
    return folder


@pytest.fixture
def summary_2024(tmp_path: Path, eastvale: Config) -> Path:
    """Eastvale's 2024 summary, collated by the same pipeline the command line uses."""
    out = tmp_path / "Eastvale summary 2024.xlsx"
    collate([eastvale_returns(tmp_path / "returns-2024", eastvale, "2024")], out, eastvale)
    return out


def test_every_tag_has_a_handler_and_a_test() -> None:
    assert set(excel.HANDLERS) == {
        "s11.new_returns",
        "s11.validate",
        "s11.collate",
        "s11.challenge_sample",
        "s11.feedback",
        "s11.mail_returns",
        "s11.mail_chase",
        "s11.mail_feedback",
        "budget.recalculate",
        "performance.refresh_quadrant",
        "performance.import_ees",
        "learning.refresh",
        "training.fill",
        "concerns.refresh",
        "report.build",
        "help.version",
        "help.docs",
    }
    for tag in excel.HANDLERS:
        assert callable(excel.handler(tag)), tag
    tested = Path(__file__).read_text(encoding="utf-8")
    assert all(f'"{tag}"' in tested.split("def test_every_tag_has_a_handler_and_a_test")[1] for tag in excel.HANDLERS)


def test_new_returns_offers_the_next_round_and_carries_answers(
    app: xw.App, summary_2024: Path, tmp_path: Path, eastvale: Config
) -> None:
    script = Script(answers=["<default>"], folders=[tmp_path / "returns-2026"])
    message, _xl = press(app, summary_2024, "s11.new_returns", script)
    assert script.asked[0][1] == "2026", "the round after the summary's Round (2024) is offered"
    assert message.startswith("Wrote 3 returns for round 2026") and "carried in" in message
    police = tmp_path / "returns-2026" / "Section 11 return 2026 - Eastvale Police.xlsx"
    wb = openpyxl.load_workbook(police)
    table = pc.CalamineWorkbook.from_path(str(police), load_tables=True).get_table_by_name("Assessment").to_python()
    assert [(r[0], r[2]) for r in table] == [("E1", "Green"), ("E2", "Amber"), ("E3", "Red"), ("E4", "N/A")]
    assert recorded_config_file(police) == replace(eastvale, agencies=(), source=recorded_config_file(police).source)
    dv = wb["Assessment"].data_validations.dataValidation
    assert [d.formula1 for d in dv] == ['"Green,Amber,Red,N/A"']


def test_new_returns_asks_for_the_agency_list_when_the_configuration_has_none(
    app: xw.App, tmp_path: Path, eastvale: Config
) -> None:
    no_list = replace(eastvale, agencies=())
    out = tmp_path / "summary.xlsx"
    collate([eastvale_returns(tmp_path / "r", no_list)], out, no_list)
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("Agency,Sector,Email,Partnerships\nEastvale Schools,Education,,All\n", encoding="utf-8")
    script = Script(answers=["2028"], files=[agencies], folders=[tmp_path / "new"])
    message, _xl = press(app, out, "s11.new_returns", script)
    assert message.startswith("Wrote 1 returns for round 2028"), message
    assert (tmp_path / "new" / "Section 11 return 2028 - Eastvale Schools.xlsx").is_file()


def test_new_returns_cancelled_changes_nothing(app: xw.App, summary_2024: Path, tmp_path: Path) -> None:
    message, _xl = press(app, summary_2024, "s11.new_returns", Script(answers=[None]))
    assert message == excel.CANCELLED


def test_validate_uses_the_returns_own_scale_and_marks_cells(app: xw.App, tmp_path: Path, eastvale: Config) -> None:
    path = make_return(
        tmp_path,
        eastvale,
        "Eastvale Police",
        ratings=["Green", "Gren", "Red", "N/A"],
        evidence=[EVIDENCE, EVIDENCE, "", EVIDENCE],
        partnership=eastvale.partnership,
    )
    message, xl = press(app, path, "s11.validate", Script())
    # the bundled four-point scale would reject every RAG rating; the return's own scale finds two problems
    assert message.startswith("2 problems"), message
    assert "C3" in message and "Green" in message  # Gren: did you mean Green
    assert "D4" in message  # Eastvale asks evidence for every rating
    marked = tmp_path / "marked.xlsx"
    xl.book.save(str(marked))
    ws = openpyxl.load_workbook(marked)["Assessment"]
    assert ws["C3"].comment is not None and ws["C3"].comment.text.startswith("boardbook:")
    assert ws["C2"].comment is None
    assert path.read_bytes() != marked.read_bytes()


def test_validate_a_good_return(app: xw.App, tmp_path: Path, eastvale: Config) -> None:
    path = make_return(
        tmp_path,
        eastvale,
        "Eastvale Council",
        ratings=["Green"] * 4,
        evidence=[EVIDENCE] * 4,
        partnership=eastvale.partnership,
    )
    message, _xl = press(app, path, "s11.validate", Script())
    assert message == "No problems found: the return is ready to send."


def test_a_workbook_that_records_no_configuration_asks_for_one(app: xw.App, tmp_path: Path, eastvale: Config) -> None:
    path = make_return(
        tmp_path,
        eastvale,
        "Eastvale Council",
        ratings=["Green"] * 4,
        evidence=[EVIDENCE] * 4,
        partnership=eastvale.partnership,
    )
    wb = openpyxl.load_workbook(path)
    del wb[CONFIG_SHEET]
    wb.save(path)
    cancelled = Script(files=[None])
    message, _xl = press(app, path, "s11.validate", cancelled)
    assert "records no boardbook configuration" in cancelled.messages[0]
    assert message == excel.CANCELLED
    chosen = Script(files=[EASTVALE])
    message, _xl = press(app, path, "s11.validate", chosen)
    assert message == "No problems found: the return is ready to send."


def test_collate_fills_the_open_summary_live(app: xw.App, summary_2024: Path, tmp_path: Path) -> None:
    returns = eastvale_returns(tmp_path / "returns-2026", load_config(EASTVALE))
    before = summary_2024.read_bytes()
    message, xl = press(app, summary_2024, "s11.collate", Script(folders=[returns]))
    assert message.startswith("Read 2 returns: 2 accepted, 0 rejected"), message
    assert summary_2024.read_bytes() == before, "the live workbook is filled, not the file behind it"
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))
    book = openpyxl.load_workbook(saved)
    names = {n: book.defined_names[n].attr_text for n in ("Round", "Partnership")}
    about = book["About"]
    values = {n: about[ref.split("!")[1].replace("$", "")].value for n, ref in names.items()}
    assert values == {"Round": "2026", "Partnership": "Eastvale Safeguarding Children Partnership"}
    matrix = pc.CalamineWorkbook.from_path(str(saved), load_tables=True).get_table_by_name("Matrix")
    assert list(matrix.columns)[:5] == ["Agency", "E1", "E2", "E3", "E4"]
    assert [r[:5] for r in matrix.to_python()] == [
        ["Eastvale Council", "Green", "Green", "Green", "Green"],
        ["Eastvale Police", "Green", "Amber", "Red", "N/A"],
    ]


def test_collate_carries_every_round_from_last_rounds_summary(
    app: xw.App, summary_2024: Path, tmp_path: Path, eastvale: Config
) -> None:
    """Issue 14: a fresh summary asks for last round's (History, Comparison, Trend); last round's own summary,
    collated with the new round's returns, is its own previous and does not ask."""
    from boardbook.templates.section11_summary import build_summary

    returns = eastvale_returns(tmp_path / "returns-2026", load_config(EASTVALE))
    fresh = build_summary(eastvale).save(tmp_path / "Eastvale summary 2026.xlsx")
    tables = {}
    for label, path, files in (("fresh", fresh, [summary_2024]), ("last round's", summary_2024, [])):
        message, xl = press(app, path, "s11.collate", Script(folders=[returns], files=files))  # no file: not asked
        assert message.startswith("Read 2 returns: 2 accepted"), message
        saved = tmp_path / f"saved {label}.xlsx"
        xl.book.save(str(saved))
        wb = pc.CalamineWorkbook.from_path(str(saved), load_tables=True)
        tables[label] = {n: wb.get_table_by_name(n) for n in ("History", "Comparison", "Trend")}
    for label, got in tables.items():
        history = got["History"].to_python()
        assert {r[0] for r in history} == {"2024"} and len(history) == 8, label  # two agencies x four standards
        assert got["Comparison"].to_python(), label
        assert list(got["Trend"].columns) == ["Agency", "2024", "2026", "Direction"], label
    assert tables["fresh"]["History"].to_python() == tables["last round's"]["History"].to_python()


def test_collate_takes_the_survey_export_when_questions_are_mapped(
    app: xw.App, tmp_path: Path, eastvale: Config
) -> None:
    """Issue 14: with [[survey.questions]] in the summary's configuration, the button asks for the export."""
    from boardbook.config import Survey

    asked = replace(eastvale, survey=Survey(questions=(("Managers listen to me", "E1"),)))
    summary = tmp_path / "Eastvale summary 2024.xlsx"
    collate([eastvale_returns(tmp_path / "returns-2024", asked, "2024")], summary, asked)
    returns = eastvale_returns(tmp_path / "returns-2026", asked)
    survey = tmp_path / "survey.csv"
    survey.write_text("Agency,Managers listen to me\n" + "Eastvale Police,No\n" * 6, encoding="utf-8")
    message, xl = press(app, summary, "s11.collate", Script(folders=[returns], files=[survey]))
    assert message.startswith("Read 2 returns: 2 accepted"), message
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))
    rows = pc.CalamineWorkbook.from_path(str(saved), load_tables=True).get_table_by_name("Survey").to_python()
    assert [r[:3] + r[4:] for r in rows] == [["Eastvale Police", "E1", 6, "Green", "practitioners disagree"]]


def test_challenge_sample_uses_the_configured_size(app: xw.App, summary_2024: Path, tmp_path: Path) -> None:
    returns = eastvale_returns(tmp_path / "returns-2026", load_config(EASTVALE))
    message, xl = press(app, summary_2024, "s11.challenge_sample", Script(folders=[returns]))
    assert message.startswith("Read 2 returns"), message
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))
    challenge = pc.CalamineWorkbook.from_path(str(saved), load_tables=True).get_table_by_name("Challenge")
    sampled = {r[0] for r in challenge.to_python() if str(r[4]).startswith("Random sample of 2 of 2")}
    assert sampled == {"Eastvale Council", "Eastvale Police"}  # thresholds.sample = 2 in eastvale.toml


def test_feedback_and_mail_drafts_from_the_open_summary(app: xw.App, tmp_path: Path, eastvale: Config) -> None:
    """Feedback from the open summary, then the three kinds of drafts, on Eastvale's own configuration."""
    from email import policy
    from email.parser import BytesParser

    returns = eastvale_returns(tmp_path / "returns", eastvale)
    summary = tmp_path / "Eastvale summary.xlsx"
    collate([returns], summary, eastvale, agencies=eastvale.agencies)
    message, _xl = press(app, summary, "s11.feedback", Script(folders=[tmp_path / "feedback"]))
    assert message.startswith("Wrote feedback for 2 agencies"), message
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [
        "Section 11 feedback 2026 - Eastvale Council.xlsx",
        "Section 11 feedback 2026 - Eastvale Police.xlsx",
    ]
    message, _xl = press(
        app, summary, "s11.mail_feedback", Script(folders=[tmp_path / "feedback", tmp_path / "mail-feedback"])
    )
    assert message.startswith("Wrote 2 e-mail drafts and mailings.csv"), message
    message, _xl = press(app, summary, "s11.mail_chase", Script(answers=[""], folders=[tmp_path / "chase"]))
    missing = [a for a in eastvale.agencies if a.name not in ("Eastvale Police", "Eastvale Council")]
    assert message.startswith(f"Wrote {len(missing)} e-mail drafts"), message
    message, _xl = press(
        app,
        summary,
        "s11.mail_returns",
        Script(answers=["29/01/2027"], folders=[returns, tmp_path / "mail-returns"]),
    )
    assert message.startswith("Wrote 2 e-mail drafts"), message
    drafts = sorted((tmp_path / "mail-returns").glob("*.eml"))
    body = BytesParser(policy=policy.default).parsebytes(drafts[0].read_bytes()).get_body(("plain",))
    assert body is not None and "by Friday 29 January 2027" in body.get_content()
    message, _xl = press(app, summary, "s11.mail_returns", Script(answers=["someday"], folders=[returns]))
    assert message == "'someday' is not a date: nothing was written. Write it as dd/mm/yyyy."
    message, _xl = press(app, summary, "s11.mail_chase", Script(answers=[""], folders=[None]))
    assert message == excel.CANCELLED


def test_budget_recalculate_reads_and_fills_the_open_workbook(app: xw.App, tmp_path: Path) -> None:
    require_soffice()
    filled = tmp_path / "budget.xlsx"
    fill_budget_file(DATA / "demo-budget-2024-25.toml", filled, config=load_config(EASTVALE))
    wb = openpyxl.load_workbook(filled)
    ws = wb["Expenditure"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("Actual") + 1).value = None  # someone clears an actual in Excel: the budget is used
    wb.save(filled)
    message, xl = press(app, filled, "budget.recalculate", Script())
    assert message.startswith("Budget recalculated: income £405,420.00"), message
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))
    recalculated = recalculate(saved, tmp_path / "lo")
    report = pc.CalamineWorkbook.from_path(str(recalculated), load_tables=True).get_table_by_name("AnnualReport")
    lines = {r[1]: r[2] for r in report.to_python()}
    assert lines["TOTAL INCOME"] == pytest.approx(405420)
    expected = float(message.split("reserves carried forward £")[1].split(".\n")[0].rstrip(".").replace(",", ""))
    assert lines["Reserves balance"] == pytest.approx(expected)
    assert expected != pytest.approx(65347.05), "the cleared actual was read from the open workbook"


def _problems_in(xl: excel.Excel, tmp_path: Path, name: str) -> list[list[object]]:
    """The Problems table of the open workbook, saved and read back as a downstream reader would."""
    saved = tmp_path / name
    xl.book.save(str(saved))
    rows = pc.CalamineWorkbook.from_path(str(saved), load_tables=True).get_table_by_name("Problems").to_python()
    return [r for r in rows if any(v not in ("", None) for v in r)]


def test_budget_recalculate_puts_what_stopped_it_in_the_problems_table(app: xw.App, tmp_path: Path) -> None:
    """Ribbon users never see stderr: the errors land in the open workbook's Problems table, and the message
    says how many and where; once put right, a press clears them."""
    filled = tmp_path / "budget.xlsx"
    fill_budget_file(DATA / "demo-budget-2024-25.toml", filled, config=load_config(EASTVALE))
    wb = openpyxl.load_workbook(filled)
    ws = wb["Contributions"]
    header = [c.value for c in ws[1]]
    share, basis = ws.cell(3, header.index("Share") + 1), ws.cell(4, header.index("Basis") + 1)
    typed = (share.coordinate, share.value), (basis.coordinate, basis.value)
    share.value, basis.value = "a half", "fixd"
    wb.save(filled)
    message, xl = press(app, filled, "budget.recalculate", Script())
    assert message.startswith("boardbook could not do that:\nThe budget was not recalculated: 2 problems"), message
    assert "Problems sheet" in message and "budget.xlsx sheet 'Contributions' cell D3" in message
    rows = _problems_in(xl, tmp_path, "saved.xlsx")
    assert [r[:3] for r in rows] == [["budget.xlsx", "Contributions", "D3"], ["budget.xlsx", "Contributions", "C4"]]
    assert all(r[4] == "Error" for r in rows) and "expected a share" in str(rows[0][3])

    for cell, value in typed:  # put right in the open workbook, and pressed again
        xl.book.sheets["Contributions"].range(cell).value = value
    message = excel.dispatch("budget.recalculate", xl)
    assert message.startswith("Budget recalculated"), message
    assert _problems_in(xl, tmp_path, "fixed.xlsx") == []


def test_budget_made_before_the_problems_table_gets_one_from_the_ribbon(app: xw.App, tmp_path: Path) -> None:
    filled = tmp_path / "budget.xlsx"
    fill_budget_file(DATA / "demo-budget-2024-25.toml", filled, config=load_config(EASTVALE))
    wb = openpyxl.load_workbook(filled)
    del wb["Problems"]  # as budgets were before the Problems sheet
    ws = wb["Expenditure"]
    ws.cell(2, [c.value for c in ws[1]].index("Budget") + 1).value = "about 40k"
    wb.save(filled)
    message, xl = press(app, filled, "budget.recalculate", Script())
    assert "1 problem to put right, listed on the Problems sheet" in message, message
    rows = _problems_in(xl, tmp_path, "saved.xlsx")
    assert [r[1:3] for r in rows] == [["Expenditure", "B2"]] and "expected an amount in £" in str(rows[0][3])


def test_refresh_quadrant_puts_what_stopped_it_in_the_problems_table(
    app: xw.App, tmp_path: Path, eastvale: Config
) -> None:
    inputs = write_demo_inputs(tmp_path / "inputs")
    workbook = fill_workbook(
        tmp_path / "quadrant.xlsx",
        eastvale,
        indicators=[inputs["indicators.csv"]],
        evidence=inputs["evidence.csv"],
        risk_factors=inputs["risk-factors.csv"],
    ).out
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Evidence"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("Lens") + 1).value = "Gossip"
    wb.save(workbook)
    message, xl = press(app, workbook, "performance.refresh_quadrant", Script())
    assert message.startswith("boardbook could not do that:\nThe quadrant was not refreshed: 1 problem to put"), message
    lens = f"{chr(ord('A') + header.index('Lens'))}2"
    assert [r[:3] + r[4:] for r in _problems_in(xl, tmp_path, "saved.xlsx")] == [
        ["quadrant.xlsx", "Evidence", lens, "Error"]
    ]


def test_refresh_quadrant_reads_and_fills_the_open_workbook(app: xw.App, tmp_path: Path, eastvale: Config) -> None:
    require_soffice()
    inputs = write_demo_inputs(tmp_path / "inputs")
    workbook = fill_workbook(
        tmp_path / "quadrant.xlsx",
        eastvale,
        indicators=[inputs["indicators.csv"]],
        evidence=inputs["evidence.csv"],
        risk_factors=inputs["risk-factors.csv"],
    ).out
    message, xl = press(app, workbook, "performance.refresh_quadrant", Script())
    assert message.startswith("Quadrant refreshed: 12 indicators"), message
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))
    before = pc.CalamineWorkbook.from_path(str(workbook), load_tables=True)
    after = pc.CalamineWorkbook.from_path(str(recalculate(saved, tmp_path / "lo")), load_tables=True)
    for table in ("Indicators", "RiskFactors", "Quadrant"):
        got, want = after.get_table_by_name(table).to_python(), before.get_table_by_name(table).to_python()
        assert len(got) == len(want), table
        for g, w in zip(got, want, strict=True):  # LibreOffice's 15 significant digits against Python's 17
            assert [pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in g] == w, table
    wb = openpyxl.load_workbook(saved)
    partnership = wb.defined_names["Partnership"].attr_text.split("!")[1].replace("$", "")
    assert wb["About"][partnership].value == eastvale.partnership  # not the bundled Northmoor
    assert any(
        ch.tagname == "scatterChart" or "scatter" in type(ch).__name__.lower()
        for ws in wb.worksheets
        for ch in ws._charts
    )


def test_import_ees_writes_indicator_rows_beside_the_workbook(app: xw.App, tmp_path: Path, eastvale: Config) -> None:
    source = EES / "d3_cpps_subsequent_plan_2013_to_2025.csv"
    if not source.is_file():
        pytest.skip(f"DfE open data not found at {EES}")
    inputs = write_demo_inputs(tmp_path / "inputs")
    workbook = fill_workbook(tmp_path / "quadrant.xlsx", eastvale, indicators=[inputs["indicators.csv"]]).out
    script = Script(files=[source], answers=["Leeds", "CPP_subsequent_percent"])
    message, _xl = press(app, workbook, "performance.import_ees", script)
    target = tmp_path / "d3_cpps_subsequent_plan_2013_to_2025 - Leeds.csv"
    assert message.startswith("Imported ") and str(target) in message, message
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert rows and {r["Indicator"] for r in rows} and all(r["Value"] for r in rows)


def test_help_buttons(app: xw.App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "workbooks/budget.xlsx", tmp_path / "budget.xlsx")
    assert press(app, tmp_path / "budget.xlsx", "help.version", Script())[0] == f"boardbook {__version__}"
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    assert press(app, tmp_path / "budget.xlsx", "help.docs", Script())[0] == f"Opened {excel.DOCS_URL}"
    assert opened == [excel.DOCS_URL]


def test_unknown_tags_and_expected_errors_are_plain_words(app: xw.App, tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    shutil.copy(ROOT / "workbooks/budget.xlsx", path)  # the empty template: nothing to recalculate
    message, _xl = press(app, path, "nope.button", Script())
    assert "not known" in message
    message, _xl = press(app, path, "budget.recalculate", Script())
    assert message.startswith("boardbook could not do that:") and "Traceback" not in message


def test_rating_functions_use_the_calling_workbooks_scale(app: xw.App, summary_2024: Path) -> None:
    """BB_METPCT / BB_S11SCORE get the calling range (xlwings' ``caller``) and read its workbook's scale."""
    from boardbook.udfs import BB_METPCT, BB_S11SCORE

    cell = open_memory_book(summary_2024, app).sheets["About"].range("D1")
    assert BB_METPCT([["Green", "Amber", "N/A"]], caller=cell) == 0.5  # RAG: only Green is met
    assert BB_S11SCORE([["Green", "Amber"]], caller=cell) == 1.5
    assert BB_METPCT([["Fully met"]], caller=cell).startswith("#BB! BB_METPCT: 'Fully met' is not a rating")
    assert BB_METPCT([["Fully met", "Not met"]]) == 0.5  # called from Python: the bundled scale


def test_rating_functions_in_a_workbook_without_configuration(app: xw.App, tmp_path: Path) -> None:
    from boardbook.udfs import BB_METPCT

    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    cell = open_memory_book(path, app).sheets[0].range("A1")
    assert "records no boardbook configuration" in BB_METPCT([["Green"]], caller=cell)


def test_learning_refresh_reads_and_fills_the_open_tracker(app: xw.App, tmp_path: Path) -> None:
    from datetime import date

    from boardbook.learning.pipeline import fill_tracker_file

    filled = tmp_path / "tracker.xlsx"
    fill_tracker_file(DATA / "demo-recommendations.csv", filled, as_at=date(2026, 3, 31))
    wb = openpyxl.load_workbook(filled)
    ws = wb["Recommendations"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("Status") + 1).value = "in progress"  # CSPR1.1, due 31/12/2025: now overdue
    wb["Tracker"]["B2"] = date(2026, 4, 30)
    wb.save(filled)
    require_soffice()
    message, xl = press(app, filled, "learning.refresh", Script())
    assert message.startswith("Tracker filled at 30/04/2026: 12 recommendations"), message
    assert "completed without impact evidence: see the Problems sheet" in message
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))  # live Excel computes the formulas; here LibreOffice does
    recalculated = recalculate(saved, tmp_path / "lo")
    rows = pc.CalamineWorkbook.from_path(str(recalculated), load_tables=True).get_table_by_name("Recommendations")
    rows = rows.to_python()
    first = dict(zip(header, rows[0], strict=True))
    assert (first["Status"], first["RAG"], first["Days overdue"]) == ("In progress", "Red", 120)


def test_learning_refresh_puts_what_stopped_it_in_the_problems_table(app: xw.App, tmp_path: Path) -> None:
    from boardbook.learning.pipeline import fill_tracker_file

    filled = tmp_path / "tracker.xlsx"
    fill_tracker_file(DATA / "demo-recommendations.csv", filled)
    wb = openpyxl.load_workbook(filled)
    ws = wb["Recommendations"]
    header = [c.value for c in ws[1]]
    ws.cell(3, header.index("Status") + 1).value = "Done"
    wb.save(filled)
    message, xl = press(app, filled, "learning.refresh", Script())
    assert message.startswith("boardbook could not do that:\nThe tracker was not filled: 1 problem"), message
    assert "sheet 'Recommendations' cell J3" in message
    assert [r[1:3] for r in _problems_in(xl, tmp_path, "saved.xlsx") if r[4] == "Error"] == [["Recommendations", "J3"]]


def test_concerns_refresh_reads_and_fills_the_open_matrix(app: xw.App, tmp_path: Path) -> None:
    from boardbook.concerns.pipeline import fill_concerns_file

    filled = tmp_path / "concerns.xlsx"
    fill_concerns_file(DATA / "demo-concerns.csv", filled)
    wb = openpyxl.load_workbook(filled)
    ws = wb["Concerns"]
    ws["E5"], ws["F5"] = "x", "no"  # Timeliness of conferences: Data already Yes; Escalated No
    ws["C5"] = "✓"
    wb.save(filled)
    require_soffice()
    message, xl = press(app, filled, "concerns.refresh", Script())
    assert message == "Matrix of concerns filled: 10 concerns in 5 groups.", message
    saved = tmp_path / "saved.xlsx"
    xl.book.save(str(saved))  # live Excel computes the formulas; here LibreOffice does
    recalculated = recalculate(saved, tmp_path / "lo")
    rows = pc.CalamineWorkbook.from_path(str(recalculated), load_tables=True).get_table_by_name("Concerns").to_python()
    assert rows[3][2:] == ["Yes", "", "Yes", "", 2]


def test_training_fill_reads_an_export_into_the_open_workbook(app: xw.App, tmp_path: Path) -> None:
    from tests.helpers import forms_export

    export = forms_export(tmp_path / "responses.csv")
    message, xl = press(app, ROOT / "workbooks" / "training-evaluation.xlsx", "training.fill", Script(files=[export]))
    assert message.startswith("Learning gain filled: 12 evaluations of 3 courses."), message
    assert [r[0] for r in xl.port().read_table("LearningGain").rows] == ["Neglect", "Exploitation", "Domestic abuse"]
    message, _xl = press(app, ROOT / "workbooks" / "training-evaluation.xlsx", "training.fill", Script(files=[None]))
    assert message == excel.CANCELLED


# -- the annual report pack -------------------------------------------------------------------------------------
PACK_FILES = ("annual-report-data.xlsx", "annual-report-appendices.docx")


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The partnership's six filled workbooks (real fills of the bundled demo data)."""
    return six_filled_workbooks(tmp_path_factory.mktemp("six"))


def _pack(folder: Path) -> tuple[dict[str, list[list[object]]], list[list[list[str]]]]:
    """The pack read back: the data workbook's tables (calamine) and the document's tables (python-docx)."""
    data = pc.CalamineWorkbook.from_path(str(folder / PACK_FILES[0]), load_tables=True)
    tables = {name: data.get_table_by_name(name).to_python() for name in data.table_names}
    document = docx.Document(str(folder / PACK_FILES[1]))
    return tables, [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]


def test_annual_report_from_all_six_chosen_is_the_commands_pack(
    app: xw.App, six: dict[str, Path], tmp_path: Path
) -> None:
    before = hashes(six["budget"].parent)
    script = Script(picks=[list(six.values())], folders=[tmp_path / "pack"])
    message, _xl = press(app, six["concerns"], "report.build", script)
    assert "Matrix of concerns.xlsx, open here, is counted already" in script.titles[0]
    assert message.startswith(
        f"Annual report pack written to {tmp_path / 'pack'}: {PACK_FILES[0]} and {PACK_FILES[1]}, 6 appendices:\n"
        "- A: Budget, from Budget 2025-26.xlsx\n- B: Matrix of safeguarding concerns, from Matrix of concerns.xlsx\n"
    ), message
    assert "Not chosen" not in message and "Warning" not in message
    assert message.endswith("Matrix of concerns.xlsx (open here) was read as last saved to its file.")
    assert hashes(six["budget"].parent) == before, "inputs are only ever read"
    command = build_report(tmp_path / "command", **six)  # type: ignore[arg-type]
    tables, document = _pack(tmp_path / "pack")
    assert list(tables) == ["BudgetAppendix", "MatrixOfConcerns", "Section11Standards", "Priorities",
                            "LearningGain", "RecommendationStatus"]  # fmt: skip
    assert (tables, document) == _pack(command.data.parent)
    assert len(document) == 6 and document[0][0] == ["Section", "Line", "Amount"]
    assert any(row[1] == "TOTAL INCOME" for row in tables["BudgetAppendix"])


def test_annual_report_counts_the_open_workbook_and_says_what_is_not_saved(
    app: xw.App, six: dict[str, Path], tmp_path: Path
) -> None:
    others = [p for kind, p in six.items() if kind not in ("budget", "learning")]
    script = Script(picks=[others], folders=[tmp_path / "pack"])
    message, xl = press(app, six["budget"], "report.build", script)
    assert "5 appendices" in message and "- A: Budget, from Budget 2025-26.xlsx" in message, message
    assert "Not chosen, so not in the pack: the learning and improvement tracker." in message
    first, _document = _pack(tmp_path / "pack")
    assert "BudgetAppendix" in first and "RecommendationStatus" not in first

    # someone types into the open budget and into another chosen workbook open in the same Excel
    xl.book.sheets["Expenditure"].range("B2").value = 1
    open_memory_book(six["training"], app).sheets[0].range("A1").value = "typed"
    again = excel.Excel(xl.book, Script(picks=[others], folders=[tmp_path / "again"]))
    message = excel.dispatch("report.build", again)
    assert (
        "Warning: Budget 2025-26.xlsx has changes in Excel that are not saved: the pack holds it as last saved. "
        "Save it and press Annual report again to include them." in message
    ), message
    assert "Warning: Training evaluation.xlsx has changes in Excel that are not saved" in message
    assert "Quadrant Q4.xlsx has changes" not in message and "(open here) was read as last saved" not in message
    assert _pack(tmp_path / "again")[0] == first, "the saved file is what is read"


def test_annual_report_says_when_the_open_workbook_has_no_file_here(
    app: xw.App, six: dict[str, Path], tmp_path: Path
) -> None:
    book = open_memory_book(six["budget"], app)
    book.impl.fullname = "https://contoso.sharepoint.com/sites/board/Budget 2025-26.xlsx"  # FullName of a cloud file
    others = [p for kind, p in six.items() if kind != "budget"]
    script = Script(picks=[others], folders=[tmp_path / "pack"])
    message = excel.dispatch("report.build", excel.Excel(book, script))
    assert "counted already" not in script.titles[0] and "5 appendices" in message, message
    assert message.endswith(
        "Warning: Budget 2025-26.xlsx (open here) has no file on this computer (never saved, or opened from the web), "
        "so it is not in the pack unless you chose a saved copy: save it to a folder and press again."
    ), message


def test_annual_report_with_two_budgets_names_both_and_writes_nothing(
    app: xw.App, six: dict[str, Path], tmp_path: Path
) -> None:
    last_year = tmp_path / "Budget 2024-25.xlsx"
    shutil.copy(six["budget"], last_year)
    script = Script(picks=[[last_year, six["s11"]]], folders=[tmp_path / "pack"])
    message, _xl = press(app, six["budget"], "report.build", script)
    assert message.startswith(
        "boardbook could not do that:\nThe annual report pack was not made; nothing was written:\n"
        "- Budget 2025-26.xlsx (open here, so always counted) and Budget 2024-25.xlsx are each a budget workbook: "
        "choose one of them\n"
    ), message
    assert not (tmp_path / "pack").exists()


def test_annual_report_stopped_by_a_workbook_never_filled_lists_its_problem(
    app: xw.App, six: dict[str, Path], tmp_path: Path
) -> None:
    blank = tmp_path / "learning-improvement.xlsx"
    shutil.copy(ROOT / "workbooks" / "learning-improvement.xlsx", blank)
    script = Script(picks=[[six["budget"], blank]], folders=[tmp_path / "pack"])
    message, _xl = press(app, six["concerns"], "report.build", script)
    assert message.startswith(
        "boardbook could not do that:\nThe annual report pack was not made; nothing was written. 1 problem to put "
        "right in the workbooks:\n- learning-improvement.xlsx"
    ), message
    assert "never filled" in message and "Traceback" not in message
    assert not any((tmp_path / "pack" / name).exists() for name in PACK_FILES)


def test_annual_report_cancelled_writes_nothing(app: xw.App, six: dict[str, Path], tmp_path: Path) -> None:
    a_return = make_return(tmp_path, load_config(), "Moorlands Police")  # open, and none of the six
    script = Script(picks=[[]])
    message, _xl = press(app, a_return, "report.build", script)
    assert message == excel.CANCELLED and "counted already" not in script.titles[0]
    message, _xl = press(app, a_return, "report.build", Script(picks=[list(six.values())], folders=[None]))
    assert message == excel.CANCELLED
    assert not [p for p in tmp_path.rglob("*") if p.name in PACK_FILES]
    assert not [p for p in six["budget"].parent.rglob("*") if p.name in PACK_FILES]


def test_the_multi_select_dialogs_answer_as_paths() -> None:
    """What pywin32 hands over from GetOpenFilename(..., MultiSelect:=True): a tuple of full names (even for one
    file), or False on Cancel."""
    assert excel.picked_paths(("C:\\Board\\Budget.xlsx", "C:\\Board\\Quadrant.xlsx")) == [
        Path("C:\\Board\\Budget.xlsx"),
        Path("C:\\Board\\Quadrant.xlsx"),
    ]
    assert excel.picked_paths(("/Users/a/Budget.xlsx",)) == [Path("/Users/a/Budget.xlsx")]
    assert excel.picked_paths(False) == [] and excel.picked_paths(None) == [] and excel.picked_paths("False") == []
    assert excel.picked_paths("/Users/a/Budget.xlsx") == [Path("/Users/a/Budget.xlsx")]
