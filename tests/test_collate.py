"""Collation end to end on real files: the summary's tables, re-collation keeping people's work, the log."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from boardbook.config import Agency, Config
from boardbook.errors import UsageError
from boardbook.section11.pipeline import collate
from tests.helpers import hashes, make_return, run, table

AGENCIES = [
    Agency("Moorlands Police", "Police"),
    Agency("Northmoor ICB", "Health"),
    Agency("Fellside Council", "District council"),
]


def test_summary_tables(three: Path, tmp_path: Path, config: Config) -> None:
    out = tmp_path / "summary.xlsx"
    result = collate([three], out, config, agencies=AGENCIES)
    assert (result.read, result.accepted, result.rejected) == (3, 2, 1)
    returns = table(out, "Returns")
    assert len(returns) == 20 and {r["Agency"] for r in returns} == {"Moorlands Police", "Northmoor ICB"}
    icb = {r["Ref"]: r for r in returns if r["Agency"] == "Northmoor ICB"}
    assert icb["S1"]["Rating"] == "Mostly met" and icb["S1"]["Score"] == 2 and icb["S4"]["Score"] == ""
    assert icb["S1"]["Source file"] == "Northmoor ICB.xlsx"
    matrix = {r["Agency"]: r for r in table(out, "Matrix")}
    assert matrix["Northmoor ICB"]["S3"] == "Not met"
    assert matrix["Northmoor ICB"]["Met %"] == pytest.approx(7 / 9)  # N/A excluded
    assert matrix["Moorlands Police"]["Met %"] == 1
    standards = {r["Ref"]: r for r in table(out, "Standards")}
    assert standards["S1"]["Fully met"] == 1 and standards["S1"]["Mostly met"] == 1
    assert standards["S3"]["Met %"] == 0.5 and standards["S4"]["Rated"] == 1
    problems = table(out, "Problems")
    typo = [p for p in problems if p["File"] == "Fellside Council.xlsx"]
    assert typo and typo[0]["Sheet"] == "Assessment" and typo[0]["Cell"] == "C2" and typo[0]["Severity"] == "Error"
    assert "did you mean 'Fully met'" in typo[0]["Problem"]
    missing = table(out, "Missing")
    assert [m["Agency"] for m in missing] == ["Fellside Council"] and "rejected" in missing[0]["Reason"]
    wb = openpyxl.load_workbook(out)
    assert wb.defined_names["Partnership"] is not None


def test_recollation_keeps_manual_columns_and_logs(
    three: Path, tmp_path: Path, config: Config, return_factory: Callable[..., Path]
) -> None:
    out = tmp_path / "summary.xlsx"
    collate([three], out, config, now=datetime(2026, 6, 1, 9, 0))
    # The board types into the manual columns, in Excel (here: openpyxl, the same file format).
    wb = openpyxl.load_workbook(out)
    ws = wb["Returns"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in header}
    typed = {}
    for r in range(2, ws.max_row + 1):
        agency, ref = ws.cell(r, col["Agency"]).value, ws.cell(r, col["Ref"]).value
        if ref in ("S1", "S2"):
            ws.cell(r, col["Moderated rating"]).value = "Partially met"
            ws.cell(r, col["Board comment"]).value = f"Seen evidence for {agency} {ref}"
            ws.cell(r, col["Action status"]).value = "In progress"
            typed[(agency, ref)] = f"Seen evidence for {agency} {ref}"
    wb.save(out)

    # Fellside fixes its typo; the ICB withdraws (its file is removed); Police changes a rating.
    return_factory("Fellside Council", sector="District council")
    (three / "Northmoor ICB.xlsx").unlink()
    return_factory("Moorlands Police", ratings=["Fully met", "Not met"] + ["Fully met"] * 8)
    before = hashes(three)
    result = collate([three], out, config, now=datetime(2026, 6, 8, 9, 0))
    assert hashes(three) == before
    rows = {(r["Agency"], r["Ref"]): r for r in table(out, "Returns")}
    assert rows[("Moorlands Police", "S1")]["Board comment"] == typed[("Moorlands Police", "S1")]
    assert rows[("Moorlands Police", "S2")]["Moderated rating"] == "Partially met"
    assert rows[("Moorlands Police", "S2")]["Action status"] == "In progress"
    assert rows[("Fellside Council", "S1")]["Board comment"] == ""
    removed = {(r["Agency"], r["Ref"]): r for r in table(out, "Removed")}
    assert len(removed) == 10 and removed[("Northmoor ICB", "S1")]["Board comment"] == typed[("Northmoor ICB", "S1")]
    assert removed[("Northmoor ICB", "S1")]["Removed at"] == datetime(2026, 6, 8, 9, 0)
    log = table(out, "Log")
    assert [entry["Run at"] for entry in log] == [datetime(2026, 6, 1, 9, 0), datetime(2026, 6, 8, 9, 0)]
    assert (log[1]["Returns read"], log[1]["Accepted"], log[1]["Rejected"]) == (2, 2, 0)
    assert "Moorlands Police S2: Fully met → Not met" in log[1]["Changes"]
    assert "Northmoor ICB S1: removed" in log[1]["Changes"]
    assert log[1]["Inputs fingerprint"] == result.fingerprint != log[0]["Inputs fingerprint"]

    # The ICB's return comes back: its people's notes come back from Removed.
    return_factory("Northmoor ICB", sector="Health")
    collate([three], out, config, now=datetime(2026, 6, 15, 9, 0))
    rows = {(r["Agency"], r["Ref"]): r for r in table(out, "Returns")}
    assert rows[("Northmoor ICB", "S1")]["Board comment"] == typed[("Northmoor ICB", "S1")]
    assert not [r for r in table(out, "Removed") if r["Agency"] == "Northmoor ICB"]
    assert len(table(out, "Log")) == 3


def test_cross_border_partnership(return_factory: Callable[..., Path], tmp_path: Path, config: Config) -> None:
    return_factory("Moorlands Police", partnership="All")
    return_factory("Northmoor ICB", partnership="Northmoor; Eastvale")
    return_factory("Eastvale Council", partnership="Eastvale")
    folder = tmp_path / "returns"
    out = tmp_path / "east.xlsx"
    collate([folder], out, config, partnership="Eastvale")
    assert {r["Agency"] for r in table(out, "Matrix")} == {"Moorlands Police", "Northmoor ICB", "Eastvale Council"}
    collate([folder], tmp_path / "north.xlsx", config, partnership="Northmoor")
    assert {r["Agency"] for r in table(tmp_path / "north.xlsx", "Matrix")} == {"Moorlands Police", "Northmoor ICB"}
    notes = [p for p in table(tmp_path / "north.xlsx", "Problems") if p["File"] == "Eastvale Council.xlsx"]
    assert notes and notes[0]["Severity"] == "Info" and "not Northmoor" in notes[0]["Problem"]


def test_previous_round_comparison_and_challenge(
    return_factory: Callable[..., Path], tmp_path: Path, config: Config
) -> None:
    return_factory("Moorlands Police", ratings=["Partially met"] * 10, file_name="2024.xlsx")
    folder = tmp_path / "returns"
    prev = tmp_path / "summary-2024.xlsx"
    collate([folder / "2024.xlsx"], prev, config)
    return_factory(
        "Moorlands Police",
        ratings=["Fully met", "Mostly met"] + ["Partially met"] * 8,
        evidence=["short"] + ["x" * 80] * 9,
        file_name="2026.xlsx",
    )
    out = tmp_path / "summary.xlsx"
    collate([folder / "2026.xlsx"], out, config, previous=prev, sample=1, seed=1)
    comp = {r["Ref"]: r for r in table(out, "Comparison")}
    assert (comp["S1"]["Previous"], comp["S1"]["Current"], comp["S1"]["Change"]) == ("Partially met", "Fully met", 2)
    assert comp["S2"]["Change"] == 1 and comp["S3"]["Change"] == 0
    challenge = table(out, "Challenge")
    s1 = next(c for c in challenge if c["Ref"] == "S1")["Reason"]
    assert "thin evidence" in s1 and "up 2 points" in s1
    assert [c["Ref"] for c in challenge if "Random sample" in c["Reason"]] == [""]


def test_output_that_is_an_input_is_refused(return_factory: Callable[..., Path], config: Config) -> None:
    path = return_factory("Moorlands Police")
    with pytest.raises(UsageError, match="also an input"):
        collate([path.parent], path, config)


def test_output_that_is_not_a_summary_is_refused(
    return_factory: Callable[..., Path], tmp_path: Path, config: Config
) -> None:
    path = return_factory("Moorlands Police")
    other = tmp_path / "other.xlsx"
    other.write_bytes(path.read_bytes())
    with pytest.raises(UsageError, match="not a section 11 summary"):
        collate([path], other, config)


def test_dates_land_as_dates(return_factory: Callable[..., Path], tmp_path: Path, config: Config) -> None:
    rows = [[s.ref, s.title, "Partially met", "", "Do it", "Lead", "31/03/2027"] for s in config.standards]
    return_factory("Moorlands Police", rows=rows, completed_on="1 May 2026")
    out = tmp_path / "s.xlsx"
    collate([tmp_path / "returns"], out, config)
    assert table(out, "Returns")[0]["Due"] == date(2027, 3, 31)


def test_parallel_reading_gives_the_same_summary(three: Path, tmp_path: Path, config: Config) -> None:
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    now = datetime(2026, 6, 1, 9, 0)
    timings: dict[str, float] = {}
    collate([three], one, config, agencies=AGENCIES, now=now)
    collate([three], two, config, agencies=AGENCIES, now=now, jobs=2, timings=timings)
    for name in ("Returns", "Matrix", "Standards", "Problems", "Missing", "Log"):
        assert table(one, name) == table(two, name), name
    assert {"read", "validate", "rules", "write"} <= set(timings)


def test_jobs_zero_reads_in_parallel_only_for_big_collations(
    three: Path, tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boardbook.section11 import pipeline as collate_module

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    assert collate_module.auto_jobs(collate_module.PARALLEL_FROM - 1) == 1
    assert collate_module.auto_jobs(collate_module.PARALLEL_FROM) == max(1, min(collate_module.MAX_AUTO_JOBS, cores))
    assert collate_module.auto_jobs(100_000) <= collate_module.MAX_AUTO_JOBS
    timings: dict[str, float] = {}
    collate([three], tmp_path / "small.xlsx", config, jobs=0, timings=timings)
    assert timings["jobs"] == 1  # three returns: not worth starting processes
    monkeypatch.setattr(collate_module, "PARALLEL_FROM", 2)
    collate([three], tmp_path / "big.xlsx", config, jobs=0, timings=timings, now=datetime(2026, 6, 1, 9, 0))
    assert timings["jobs"] == max(1, min(collate_module.MAX_AUTO_JOBS, cores))
    collate([three], tmp_path / "one.xlsx", config, jobs=1, now=datetime(2026, 6, 1, 9, 0))
    for name in ("Returns", "Matrix", "Standards", "Problems"):
        assert table(tmp_path / "big.xlsx", name) == table(tmp_path / "one.xlsx", name), name


def test_a_summary_from_before_the_round_column_gets_it(tmp_path: Path, config: Config) -> None:
    """The Log of a summary collated before the Round column existed keeps its rows and gains the column."""
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config)
    out = tmp_path / "summary.xlsx"
    collate([returns], out, config, now=datetime(2026, 6, 1, 9, 0))
    wb = openpyxl.load_workbook(out)  # as boardbook wrote it before: six Log columns
    ws = wb["Log"]
    table_ = ws.tables["Log"]
    assert [cell.value for cell in ws[1]][-1] == "Round"
    ws.delete_cols(7)
    del ws.tables["Log"]
    ws.add_table(Table(displayName="Log", ref=table_.ref.replace("G", "F")))
    wb.save(out)
    done = run("s11", "collate", returns, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Round 2026 (the latest round the returns give)" in done.stdout
    assert [(r["Returns read"], r["Round"]) for r in table(out, "Log")] == [(1, ""), (1, "2026")]


def test_a_broken_return_does_not_decide_the_round(tmp_path: Path, config: Config) -> None:
    """A return with errors giving a later round (found by the fuzzer) does not make the valid ones 'another
    round'; with every return rejected, the latest round any gives is used."""
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Moorlands Police")
    make_return(returns, config, "", round_="2027", file_name="broken.xlsx")  # no agency: rejected
    result = collate([returns], tmp_path / "summary.xlsx", config)
    assert (result.round, result.accepted) == ("2026", 1)
    assert [p.code for p in result.problems if p.code == "round-other"] == ["round-other"]  # the broken one
    (returns / "Moorlands Police.xlsx").unlink()
    only_broken = collate([returns], tmp_path / "summary-2.xlsx", config)
    assert only_broken.round == "2027" and not [p for p in only_broken.problems if p.code == "round-other"]
