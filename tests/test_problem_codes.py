"""The problem-code registry of all three domains: every code of ``budget.model.CODES`` and
``performance.model.CODES`` is produced by a real file below, no other code is ever produced, and the three
registries (section 11's is proved in ``test_validate.py``) are disjoint kebab-case lists with a meaning each.

Budget and performance workbooks show the problems in their ``Problems`` table, read back here with calamine.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.worksheet.table import Table

from boardbook.budget import model as budget_model
from boardbook.budget.pipeline import fill_budget_file
from boardbook.concerns import model as concerns_model
from boardbook.config import load_config
from boardbook.learning import model as learning_model
from boardbook.performance import model as performance_model
from boardbook.performance import reader
from boardbook.performance.ees import import_measures
from boardbook.performance.pipeline import EesOptions, fill_workbook, read_previous
from boardbook.problems import ERROR, INFO, PROBLEMS, PROBLEMS_HEADERS, WARNING, Problem, ProblemError
from boardbook.report import model as report_model
from boardbook.section11.validate import CODES as SECTION11_CODES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "python/boardbook/data"
REGISTRIES = {
    "section 11": SECTION11_CODES,
    "budget": budget_model.CODES,
    "performance": performance_model.CODES,
    "learning": learning_model.CODES,  # each produced by a real file in test_learning.py
    "concerns": concerns_model.CODES,  # and in test_concerns.py
    "report": report_model.CODES,  # and in test_report.py
}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# code -> (severity, a case that writes real files into the folder and returns every problem found)
Case = Callable[[Path], list[Problem]]
CASES: dict[str, tuple[str, Case]] = {}


def produces(code: str, severity: str = ERROR) -> Callable[[Case], Case]:
    def deco(fn: Case) -> Case:
        assert code not in CASES, code
        CASES[code] = (severity, fn)
        return fn

    return deco


def problems_of(run: Callable[[], object]) -> list[Problem]:
    """The problems an input gave: those of the error it raised, else those its result carries."""
    try:
        result = run()
    except ProblemError as exc:
        return exc.problems
    return list(getattr(result, "problems", []))


# -- budget: a good TOML budget with its tables in CSV files, then one thing changed ---------------------------
BUDGET = {
    "partnership": '"Eastvale Safeguarding Children Partnership"',
    "financial_year": '"2026/27"',
    "reserves_brought_forward": "1000",
    "requirement": "1000",
    "contributions": '"c.csv"',
    "other_income": '"o.csv"',
    "expenditure": '"e.csv"',
}
CONTRIBUTIONS = "Partner,Sector,Basis,Share,Amount\nCouncil,Local authority,share,50%,\nICB,Health,share,50%,\n"
OTHER_INCOME = "Item,Kind,Amount\nTraining fees,Income,100\n"
EXPENDITURE = "Item,Budget,Actual\nIndependent scrutineer,1000,\n"


def budget(
    folder: Path,
    contributions: str = CONTRIBUTIONS,
    other: str = OTHER_INCOME,
    expenditure: str = EXPENDITURE,
    **keys: str | None,
) -> list[Problem]:
    """Fill a budget from a TOML file (keys changed or, as None, left out) and CSV tables; its problems."""
    settings = {**BUDGET, **keys}
    toml = folder / "budget.toml"
    toml.write_text(
        "[budget]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items() if v is not None), encoding="utf-8"
    )
    for name, text in (("c.csv", contributions), ("o.csv", other), ("e.csv", expenditure)):
        (folder / name).write_text(text, encoding="utf-8")
    return problems_of(lambda: fill_budget_file(toml, folder / "out.xlsx"))


def filled_budget(folder: Path, change: Callable[[openpyxl.Workbook], None]) -> list[Problem]:
    """The demo budget filled, changed with openpyxl as a person might, and filled again."""
    src = folder / "budget.xlsx"
    fill_budget_file(DATA / "demo-budget-2025-26.toml", src)
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(src)
    return problems_of(lambda: fill_budget_file(src, folder / "out.xlsx"))


produces("budget-unreadable")(lambda d: problems_of(lambda: fill_budget_file(d / "absent.toml", d / "out.xlsx")))
produces("budget-name-missing")(lambda d: filled_budget(d, lambda wb: wb.defined_names.pop("Requirement")))
produces("budget-table-missing")(lambda d: filled_budget(d, lambda wb: wb["Expenditure"].tables.pop("Expenditure")))
produces("budget-column-missing")(lambda d: budget(d, contributions="Partner,Sector,Basis,Share\nCouncil,LA,share,1\n"))
produces("budget-key-missing")(lambda d: budget(d, financial_year=None))
produces("budget-key-invalid")(lambda d: budget(d, other_income="5"))
produces("budget-detail-blank")(lambda d: budget(d, partnership='""'))
produces("budget-not-an-amount")(lambda d: budget(d, expenditure="Item,Budget,Actual\nChair,lots,\n"))
produces("budget-not-a-share")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("50%", "a half", 1)))
produces("budget-share-total")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("50%", "40%", 1)))
produces("budget-share-missing")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("50%", "", 1)))
produces("budget-share-negative")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("50%", "-50%", 1)))
produces("budget-requirement-blank")(lambda d: budget(d, requirement='""'))
produces("budget-requirement-negative")(lambda d: budget(d, requirement="-1000"))
produces("budget-requirement-pence")(lambda d: budget(d, requirement="1000.50"))
produces("budget-requirement-unused")(
    lambda d: budget(d, contributions="Partner,Sector,Basis,Share,Amount\nCouncil,LA,fixed,,500\n")
)
produces("budget-partner-blank")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("ICB,", ",")))
produces("budget-partner-duplicate")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("ICB,", "council ,")))
produces("budget-basis-unknown")(lambda d: budget(d, contributions=CONTRIBUTIONS.replace("share,50%", "fixd,50%", 1)))
produces("budget-amount-missing")(
    lambda d: budget(d, contributions=CONTRIBUTIONS + "Police,Police,fixed,,\n", requirement="1000")
)
produces("budget-amount-negative")(lambda d: budget(d, contributions=CONTRIBUTIONS + "Police,Police,fixed,,-5\n"))
produces("budget-kind-unknown")(lambda d: budget(d, other="Item,Kind,Amount\nFees,Grant,100\n"))
produces("budget-item-blank")(lambda d: budget(d, expenditure="Item,Budget,Actual\n,1000,\n"))
produces("budget-reserves-negative", WARNING)(lambda d: budget(d, reserves_brought_forward="0", requirement="100"))
produces("budget-drawdown", WARNING)(lambda d: budget(d, requirement="500"))


# -- performance: indicator lists, evidence and risk factors as CSV; EES files -----------------------------------
INDICATORS = "Priority,Indicator,Period,Numerator,Denominator,Per,Value,Target,Polarity,Tolerance\n"
GOOD = "Neglect,Repeat plans,2024/25,,,,21,20,lower,2\n"


def indicators(folder: Path, *rows: str, header: str = INDICATORS) -> list[Problem]:
    path = folder / "indicators.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return problems_of(lambda: fill_workbook(folder / "out.xlsx", load_config(), indicators=[path]))


def evidence(folder: Path, text: str) -> list[Problem]:
    path = folder / "evidence.csv"
    path.write_text(text, encoding="utf-8")
    return problems_of(lambda: reader.read_evidence(path))


def risk_factors(folder: Path, text: str) -> list[Problem]:
    path = folder / "risk-factors.csv"
    path.write_text(text, encoding="utf-8")
    return problems_of(lambda: reader.read_risk_factors(path))


produces("performance-unreadable")(
    lambda d: problems_of(lambda: fill_workbook(d / "out.xlsx", load_config(), indicators=[d / "absent.csv"]))
)
produces("indicator-column-missing")(lambda d: indicators(d, GOOD, header=INDICATORS.replace("Period,", "When,")))
produces("indicator-blank")(lambda d: indicators(d, GOOD.replace("Neglect", "")))
produces("indicator-not-a-number")(lambda d: indicators(d, GOOD.replace(",21,", ",twenty-one,")))
produces("indicator-polarity-unknown")(lambda d: indicators(d, GOOD.replace("lower", "sideways")))
produces("indicator-denominator-not-positive")(lambda d: indicators(d, GOOD.replace(",,,,21,", ",5,0,100,,")))
produces("indicator-per-not-positive")(lambda d: indicators(d, GOOD.replace(",,,,21,", ",5,10,0,,")))
produces("indicator-tolerance-negative")(lambda d: indicators(d, GOOD.replace(",2\n", ",-2\n")))
produces("indicator-rate-incomplete")(lambda d: indicators(d, GOOD.replace(",,,,21,", ",5,,100,,")))
produces("indicator-duplicate")(lambda d: indicators(d, GOOD, GOOD))
produces("ees-suppressed", INFO)(lambda d: indicators(d, GOOD.replace(",21,", ",c,")))

EVIDENCE = "Priority,Lens,Finding,RAG,Source,Date\n"
FINDING = "Neglect,Qualitative data,Audit of 20 files,Amber,Audit,31/03/2026\n"
produces("evidence-column-missing")(lambda d: evidence(d, EVIDENCE.replace("Finding", "What") + FINDING))
produces("evidence-blank")(lambda d: evidence(d, EVIDENCE + FINDING.replace("Audit of 20 files", "")))
produces("evidence-lens-unknown")(lambda d: evidence(d, EVIDENCE + FINDING.replace("Qualitative data", "Gossip")))
produces("evidence-rag-unknown")(lambda d: evidence(d, EVIDENCE + FINDING.replace("Amber", "Purple")))
produces("evidence-date-invalid")(lambda d: evidence(d, EVIDENCE + FINDING.replace("31/03/2026", "31 Sep 2026")))

FACTORS = "Factor,Assessments,Plans\n"
produces("risk-factor-column-missing")(lambda d: risk_factors(d, "Factor,Assessments\nDomestic abuse,40\n"))
produces("risk-factor-blank")(lambda d: risk_factors(d, FACTORS + "Domestic abuse,40,\n"))
produces("risk-factor-not-a-count")(lambda d: risk_factors(d, FACTORS + "Domestic abuse,40.5,3\n"))
produces("risk-factor-no-assessments")(lambda d: risk_factors(d, FACTORS + "Domestic abuse,0,0\n"))
produces("risk-factor-plans-exceed")(lambda d: risk_factors(d, FACTORS + "Domestic abuse,4,9\n"))
produces("risk-factor-duplicate")(lambda d: risk_factors(d, FACTORS + "Domestic abuse,4,1\ndomestic  abuse,5,2\n"))
produces("risk-factor-none")(lambda d: risk_factors(d, FACTORS))


@produces("previous-column-missing")
def _previous_without_value(folder: Path) -> list[Problem]:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Indicators"
    ws.append(["Priority", "Indicator", "Period"])
    ws.append(["Neglect", "Repeat plans", "2023/24"])
    ws.add_table(Table(displayName="Indicators", ref="A1:C2"))
    wb.save(folder / "last-year.xlsx")
    return problems_of(lambda: read_previous(folder / "last-year.xlsx"))


EES_HEADER = "time_period,time_identifier,geographic_level,country_name,old_la_code,new_la_code,la_name,{extra}"
MEASURE = "CPP_subsequent_percent"


def ees_file(folder: Path, rows: list[str], extra: str = MEASURE) -> Path:
    """A small EES CSV: England and two local authorities, as DfE publishes them."""
    path = folder / "d3_cpps_subsequent_plan.csv"
    path.write_text("\n".join([EES_HEADER.format(extra=extra), *rows]) + "\n", encoding="utf-8")
    return path


EES_ROWS = [
    "202425,Financial year,National,England,,,,24.5",
    "202324,Financial year,National,England,,,,23.9",
    "202425,Financial year,Local authority,England,383,E08000035,Leeds,23",
    "202324,Financial year,Local authority,England,383,E08000035,Leeds,21",
    "202425,Financial year,Local authority,England,384,E08000036,Wakefield,20",
]
SN_HEADER = "old_la_code," + ",".join(f"SN_{i}" for i in range(1, 11))


def neighbours(folder: Path, row: str = "383," + ",".join(str(384 + i) for i in range(10))) -> Path:
    path = folder / "sn_model_wide.csv"
    path.write_text(f"{SN_HEADER}\n{row}\n", encoding="utf-8")
    return path


def ees(folder: Path, rows: list[str] = EES_ROWS, la: str = "Leeds", measure: str = MEASURE, **kw: object) -> list:
    path = ees_file(folder, rows, **kw)  # type: ignore[arg-type]
    options = EesOptions(la=la, measures=[measure], neighbours=neighbours(folder))
    return problems_of(
        lambda: fill_workbook(folder / "out.xlsx", load_config(), indicators=[path], ees_options=options)
    )


def _ees_row(i: int, value: str) -> list[str]:
    return [*EES_ROWS[:i], EES_ROWS[i].rsplit(",", 1)[0] + f",{value}", *EES_ROWS[i + 1 :]]


produces("ees-columns-missing")(lambda d: problems_of(lambda: import_measures(neighbours(d), "Leeds", [MEASURE])))
produces("ees-measure-missing")(lambda d: ees(d, measure="CPP_subsequent_percnt"))
produces("ees-value-invalid")(lambda d: ees(d, _ees_row(2, "lots")))
produces("ees-la-unknown")(lambda d: ees(d, la="Nowhere"))
produces("ees-breakdown")(
    lambda d: ees(
        d,
        [r + ",All" for r in EES_ROWS] + ["202425,Financial year,Local authority,England,383,E08000035,Leeds,25,Boys"],
        extra=f"{MEASURE},characteristic",
    )
)


@produces("ees-neighbours-invalid")
def _not_a_neighbour_file(folder: Path) -> list[Problem]:
    path = ees_file(folder, EES_ROWS)
    bad = folder / "sn.csv"
    bad.write_text("old_la_code,SN_1\n383,384\n", encoding="utf-8")
    return problems_of(lambda: import_measures(path, "Leeds", [MEASURE], neighbours=bad))


@produces("ees-neighbours-la-missing")
def _no_neighbour_row(folder: Path) -> list[Problem]:
    path = ees_file(folder, EES_ROWS)
    sn = neighbours(folder, "999," + ",".join(str(384 + i) for i in range(10)))
    return problems_of(lambda: import_measures(path, "Leeds", [MEASURE], neighbours=sn))


produces("ees-low-reliability", INFO)(lambda d: ees(d, _ees_row(3, "21u")))
produces("ees-england-missing", INFO)(lambda d: ees(d, _ees_row(1, "x")))
produces("ees-neighbours-partial", INFO)(lambda d: ees(d))


# -- the registry -----------------------------------------------------------------------------------------------
ALL_CODES = {code for codes in REGISTRIES.values() for code in codes}


@pytest.mark.parametrize("code", sorted(CASES))
def test_problem_code(code: str, tmp_path: Path) -> None:
    """Each code from a real file: its severity, a message, the file named, and only registered codes beside it."""
    severity, case = CASES[code]
    problems = case(tmp_path)
    found = [p for p in problems if p.code == code]
    assert found, f"{code} not produced; got {[(p.code, str(p)) for p in problems]}"
    p = found[0]
    assert p.severity == severity and p.message and p.file, p
    assert str(p).startswith(Path(p.file).name) and str(p).endswith(p.message), str(p)
    unregistered = {q.code for q in problems} - ALL_CODES
    assert not unregistered, f"codes produced but not registered: {unregistered}"


def test_every_budget_and_performance_code_has_a_case() -> None:
    assert set(CASES) == set(budget_model.CODES) | set(performance_model.CODES)


def test_registries_are_disjoint_kebab_case_with_meanings() -> None:
    names = list(REGISTRIES)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not set(REGISTRIES[a]) & set(REGISTRIES[b]), f"{a} and {b} share codes"
    for name, codes in REGISTRIES.items():
        bad = [code for code in codes if not KEBAB.match(code)]
        assert not bad, f"{name}: codes not in kebab-case: {bad}"
        assert all(meaning.strip() for meaning in codes.values()), name


def _choices(node: ast.expr) -> list[ast.expr]:
    """A value, or both values of ``a if … else b``."""
    return [*_choices(node.body), *_choices(node.orelse)] if isinstance(node, ast.IfExp) else [node]


def _codes_in_source(package: str) -> dict[str, list[str]]:
    """Strings that look like problem codes, given to a call or as a dict's value (the registry's keys aside)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "python/boardbook" / package).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        registry_keys = {
            id(key)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "CODES" for t in node.targets)
            if isinstance(node.value, ast.Dict)
            for key in node.value.keys
        }
        made: list[ast.expr] = [a for n in ast.walk(tree) if isinstance(n, ast.Call) for a in n.args[:2]]  # add(code…)
        made += [n.value for n in ast.walk(tree) if isinstance(n, ast.Assign)]  # code = "a" if … else "b"
        made += [v for n in ast.walk(tree) if isinstance(n, ast.Dict) for v in n.values]  # {table: code}
        for node in (c for m in made for c in _choices(m)):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if id(node) not in registry_keys and KEBAB.match(text) and "-" in text and text.split("-")[0] in PREFIXES:
                found.setdefault(text, []).append(f"{path.name}:{getattr(node, 'lineno', 0)}")
    return found


@pytest.mark.parametrize("package", ["budget", "performance", "learning", "concerns", "report"])
def test_no_code_is_made_outside_the_registry(package: str) -> None:
    """A code written in a call (``add("budget-…", …)``, ``where.problem("ees-…", …)``) must be registered."""
    registry = REGISTRIES[package]
    found = _codes_in_source(package)
    assert set(registry) <= set(found), f"registered but never made: {set(registry) - set(found)}"
    stray = {code: where for code, where in found.items() if code not in registry}
    assert not stray, f"codes made but not registered: {stray}"


PREFIXES = {
    code.split("-")[0]
    for code in (
        *budget_model.CODES,
        *performance_model.CODES,
        *learning_model.CODES,
        *concerns_model.CODES,
        *report_model.CODES,
    )
}


# -- the Problems table of the workbooks --------------------------------------------------------------------------
def problems_table(path: Path) -> list[list[object]]:
    table = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(PROBLEMS)
    assert table.columns == list(PROBLEMS_HEADERS)
    return [row for row in table.to_python() if any(v not in ("", None) for v in row)]


def test_budget_warnings_land_in_its_problems_table(tmp_path: Path) -> None:
    problems = budget(tmp_path, reserves_brought_forward="0", requirement="100")
    assert [p.code for p in problems] == ["budget-reserves-negative"]
    rows = problems_table(tmp_path / "out.xlsx")
    assert rows == [["budget.toml", "", "", problems[0].message, "Warning"]]
    assert problems[0].message.startswith("reserves would go negative: -£800.00 carried forward")


def test_a_budget_filled_again_clears_last_runs_problems(tmp_path: Path) -> None:
    budget(tmp_path, requirement="500")
    assert len(problems_table(tmp_path / "out.xlsx")) == 1
    again = tmp_path / "again.xlsx"
    fill_budget_file(tmp_path / "out.xlsx", again, previous=None)  # the filled workbook is a valid input
    assert len(problems_table(again)) == 1  # the same deficit, said once: last run's row was replaced
    balanced = tmp_path / "balanced"
    balanced.mkdir()
    assert budget(balanced) == []
    assert problems_table(balanced / "out.xlsx") == []
    assert openpyxl.load_workbook(balanced / "out.xlsx")[PROBLEMS].tables[PROBLEMS].ref == "A1:E2"


def test_ees_notes_land_in_the_performance_problems_table(tmp_path: Path) -> None:
    problems = ees(tmp_path, _ees_row(3, "c"))
    rows = problems_table(tmp_path / "out.xlsx")
    assert len(rows) == len(problems) and all(r[4] == "Info" for r in rows)
    suppressed = next(r for r, p in zip(rows, problems, strict=True) if p.code == "ees-suppressed")
    assert suppressed == ["d3_cpps_subsequent_plan.csv", "", f"row 5, column {MEASURE}", suppressed[3], "Info"]
    assert suppressed[3] == "2023/24: suppressed to protect confidentiality (c)"
    assert {p.code for p in problems} == {"ees-suppressed", "ees-neighbours-partial"}


def test_readme_lists_every_code_with_its_severity() -> None:
    """The README's code tables: every budget and performance code, with the severity the cases above prove."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (Error|Warning|Info) \|", readme, flags=re.MULTILINE))
    assert {code: documented.get(code) for code in CASES} == {code: sev for code, (sev, _case) in CASES.items()}


def test_a_budget_made_before_the_problems_table_gets_one_when_there_is_something_to_say(tmp_path: Path) -> None:
    budget(tmp_path, requirement="500")  # a drawdown warning
    old = tmp_path / "old.xlsx"
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    del wb[PROBLEMS]  # as workbooks were before the Problems sheet
    wb.save(old)
    again = tmp_path / "again.xlsx"
    result = fill_budget_file(old, again)
    assert [p.code for p in result.problems] == ["budget-drawdown"]
    assert problems_table(again) == [["old.xlsx", "", "", result.problems[0].message, "Warning"]]

    quiet = tmp_path / "quiet"
    quiet.mkdir()
    assert budget(quiet) == []  # a surplus: nothing to say
    wb = openpyxl.load_workbook(quiet / "out.xlsx")
    del wb[PROBLEMS]
    wb.save(quiet / "old.xlsx")
    fill_budget_file(quiet / "old.xlsx", quiet / "again.xlsx")
    assert PROBLEMS not in openpyxl.load_workbook(quiet / "again.xlsx").sheetnames  # no empty sheet forced on it
