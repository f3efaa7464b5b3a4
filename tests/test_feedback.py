"""Feedback to every agency (``boardbook s11 feedback``): real returns collated, people's moderation typed into
the summary, then one workbook per agency read back — its own rows, the partnership's met %, nothing else."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from boardbook.config import Agency, load_config
from boardbook.errors import UsageError, WorkbookError
from boardbook.section11.pipeline import collate, write_feedback
from tests.helpers import GOOD_EVIDENCE, hashes, make_return

BIN = str(Path(sys.executable).with_name("boardbook"))
AGENCIES = [
    Agency("Moorlands Police", "Police"),
    Agency("Northmoor ICB", "Health"),
    Agency("Fellside Council", "District council"),
]


def tables(path: Path) -> dict[str, list[dict[str, object]]]:
    wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    out = {}
    for name in wb.table_names:
        t = wb.get_table_by_name(name)
        out[name] = [
            dict(zip(t.columns, row, strict=True)) for row in t.to_python() if any(v not in ("", None) for v in row)
        ]
    return out


STANDARDS_MET: dict[object, object] = {}


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three agencies: Police all met (one thin), ICB with a blank evidence warning and actions, Fellside rejected;
    then a moderator types a moderated rating and a board comment for the ICB into the summary."""
    config = load_config()
    tmp = tmp_path_factory.mktemp("feedback")
    returns = tmp / "returns"
    returns.mkdir()
    n = len(config.standards)
    make_return(returns, config, "Moorlands Police", evidence=["Policy 2025"] + [GOOD_EVIDENCE] * (n - 1))
    icb_rows = [[s.ref, s.title, "Fully met", GOOD_EVIDENCE, None, None, None] for s in config.standards]
    icb_rows[1] = [
        config.standards[1].ref,
        "",
        "Partially met",
        "",
        "Train the board",
        "Chief nurse",
        date(2026, 9, 30),
    ]
    icb_rows[2][3] = ""  # met with no evidence: a warning, and a challenge
    make_return(returns, config, "Northmoor ICB", sector="Health", rows=icb_rows, file_name="ICB return.xlsx")
    make_return(returns, config, "Fellside Council", ratings=["Sort of"] * n, sector="District council")
    out = tmp / "summary" / "Section 11 summary.xlsx"
    result = collate([returns], out, config, agencies=AGENCIES)
    assert (result.accepted, result.rejected) == (2, 1)
    STANDARDS_MET.update({r["Ref"]: r["Met %"] for r in tables(out)["Standards"]})  # as collated (cached values)
    wb = openpyxl.load_workbook(out)  # a moderator at work, in Excel
    ws = wb["Returns"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        values = dict(zip(head, row, strict=False))
        if values["Agency"].value == "Northmoor ICB" and values["Ref"].value == config.standards[0].ref:
            values["Moderated rating"].value = "Mostly met"
            values["Board comment"].value = "Good, but show the audit"
        if values["Agency"].value == "Northmoor ICB" and values["Ref"].value == config.standards[1].ref:
            values["Action status"].value = "In progress"
    wb.save(out)
    return out


def test_each_agency_gets_its_own_rows_and_the_partnership_met_percent(summary: Path, tmp_path: Path) -> None:
    config = load_config()
    before = hashes(summary.parent)
    written = write_feedback(summary, tmp_path, config)
    assert hashes(summary.parent) == before, "the summary was changed"
    assert [p.name for p in written] == [
        "Section 11 feedback 2026 - Moorlands Police.xlsx",
        "Section 11 feedback 2026 - Northmoor ICB.xlsx",
    ]  # Fellside's return was rejected: it hears through the chase e-mail, not feedback
    icb = tables(written[1])
    s1, s2, s3 = (s.ref for s in config.standards[:3])
    ratings = {r["Ref"]: r for r in icb["YourRatings"]}
    assert list(ratings) == config.refs
    assert ratings[s1]["Your rating"] == "Fully met"
    assert (ratings[s1]["Moderated rating"], ratings[s1]["Board comment"]) == ("Mostly met", "Good, but show the audit")
    assert ratings[s1]["Standard"] == config.standards[0].title
    for ref in config.refs:  # the partnership-wide figure, as the collated summary has it (openpyxl's save of the
        # moderator's edit dropped the cached values: feedback works them out from the Returns rows)
        assert ratings[ref]["Partnership met %"] == pytest.approx(STANDARDS_MET[ref])
    assert ratings[s2]["Partnership met %"] == pytest.approx(0.5)  # Police met, ICB partially
    assert "no evidence" in str(ratings[s3]["Challenge"])
    assert icb["YourActions"] == [
        {
            "Ref": s2,
            "Action": "Train the board",
            "Owner": "Chief nurse",
            "Due": date(2026, 9, 30),
            "Action status": "In progress",
        }
    ]
    assert [(p["File"], p["Sheet"], p["Severity"]) for p in icb["YourProblems"]] == [
        ("ICB return.xlsx", "Assessment", "Warning")
    ]
    police = tables(written[0])
    assert "thin evidence" in str(next(r["Challenge"] for r in police["YourRatings"] if r["Ref"] == s1))
    assert police["YourProblems"] == [] and police["YourActions"] == []


def test_no_other_agency_no_configuration_no_paths(summary: Path, tmp_path: Path) -> None:
    """Every part of every feedback package is searched for what must not leave the partnership."""
    for path in write_feedback(summary, tmp_path, load_config()):
        me = "Moorlands Police" if "Moorlands" in path.name else "Northmoor ICB"
        others = [a.name for a in AGENCIES if a.name != me]
        with zipfile.ZipFile(path) as z:
            xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        for text in [*others, "BoardbookConfig", "@", str(summary.parent), str(tmp_path), "Fellside"]:
            assert text not in xml, (path.name, text)
        wb = openpyxl.load_workbook(path)
        assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * 4
        assert {
            n: wb.defined_names[n].attr_text.split("!")[0].strip("'") for n in ("Agency", "Round", "Partnership")
        } == {
            "Agency": "Feedback",
            "Round": "Feedback",
            "Partnership": "Feedback",
        }
        cover = wb["Feedback"]
        assert me in [c.value for row in cover.iter_rows() for c in row]


def test_round_with_a_slash_and_odd_agency_names_make_safe_file_names(tmp_path: Path) -> None:
    config = load_config()
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Fellside: Schools/Colleges", round_="2024/25", file_name="f.xlsx")
    summary = collate([returns], tmp_path / "s.xlsx", config).out
    (written,) = write_feedback(summary, tmp_path / "out", config)
    assert written.name == "Section 11 feedback 2024-25 - Fellside- Schools-Colleges.xlsx"
    assert tables(written)["YourRatings"][0]["Your rating"] == "Fully met"


def test_a_summary_with_no_accepted_returns_or_not_a_summary_is_refused(tmp_path: Path, summary: Path) -> None:
    config = load_config()
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Moorlands Police", ratings=["Sort of"] * len(config.standards))
    empty = collate([returns], tmp_path / "s.xlsx", config).out
    with pytest.raises(UsageError, match="no accepted returns yet"):
        write_feedback(empty, tmp_path / "out", config)
    not_summary = make_return(tmp_path, config, "Moorlands Police", file_name="a return.xlsx")
    with pytest.raises(WorkbookError, match=r"a return\.xlsx: no table 'Returns': is this a section 11 summary"):
        write_feedback(not_summary, tmp_path / "out", config)
    assert not (tmp_path / "out").exists()


def test_the_command(summary: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [BIN, "s11", "feedback", str(summary), "--out", str(tmp_path / "fb")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "wrote feedback for 2 agencies" in done.stdout
    assert len(list((tmp_path / "fb").glob("Section 11 feedback 2026 - *.xlsx"))) == 2
    bad = subprocess.run(
        [BIN, "s11", "feedback", str(tmp_path / "nothing.xlsx"), "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("boardbook: "), bad.stderr
    assert "nothing.xlsx" in bad.stderr and "Traceback" not in bad.stderr
