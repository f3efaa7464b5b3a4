"""Every round's history (issue 14 item 2): three rounds of real returns collated in turn, each with
``--previous`` the summary before; a moderated rating typed into the first; an agency renamed and two merged
between rounds, matched through the agency list's ``Aliases``. The last summary holds every round in
``History`` and each agency's journey in ``Trend``, with a chart that has alt text.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from boardbook.agencies import load_agencies
from boardbook.config import load_config
from boardbook.errors import ConfigError
from boardbook.section11 import contract as c
from boardbook.section11 import history as h
from boardbook.section11.pipeline import collate
from tests.helpers import chart_frames, make_return, table

CONFIG = load_config()
F, M, P, N = "Fully met", "Mostly met", "Partially met", "Not met"
ROUNDS = {  # round -> agency -> ratings of S1..S10 (met: Fully and Mostly)
    "2022": {
        "Beta ICB": [F] * 10,  # moderated below: S1 Partially, S2 Not met -> 80% met
        "Moorlands Constabulary": [F] * 5 + [P] * 5,  # 50%
        "Fellside Council": [F] * 10,  # with Dale, merged later: 10 of 20 -> 50%
        "Dale Council": [N] * 10,
    },
    "2024": {
        "Beta ICB": [M] * 10,  # 100%
        "Moorlands Constabulary": [F] * 7 + [P] * 3,  # 70%
        "Fellside Council": [F] * 6 + [P] * 4,  # with Dale: 10 of 20 -> 50%
        "Dale Council": [F] * 4 + [P] * 6,
    },
    "2026": {
        "Beta ICB": [P] * 5 + [M] * 5,  # 50%: declining
        "Northmoor Police": [F] * 9 + [P],  # was Moorlands Constabulary: 90%, improving
        "Fellside and Dale Council": [F] * 5 + [N] * 5,  # 50%: steady
    },
}
AGENCY_LIST = (
    "Agency,Sector,Email,Partnerships,Aliases\n"
    "Beta ICB,Health,beta@example.org,All,\n"
    "Northmoor Police,Police,police@example.org,All,Moorlands Constabulary\n"
    '"Fellside and Dale Council",District council,fd@example.org,All,"Fellside Council; Dale Council"\n'
)
TREND = {
    "Beta ICB": [0.8, 1.0, 0.5, h.DECLINING],
    "Fellside and Dale Council": [0.5, 0.5, 0.5, h.STEADY],
    "Northmoor Police": [0.5, 0.7, 0.9, h.IMPROVING],
}


@dataclass
class Rounds:
    summaries: dict[str, Path]
    returns: dict[str, Path]
    agencies: Path


def _moderate(path: Path, typed: dict[tuple[str, str], str]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[c.RETURNS]
    col = {ws.cell(1, j).value: j for j in range(1, ws.max_column + 1)}
    for r in range(2, ws.max_row + 1):
        k = (ws.cell(r, col["Agency"]).value, ws.cell(r, col["Ref"]).value)
        if k in typed:
            ws.cell(r, col["Moderated rating"]).value = typed[k]
    wb.save(path)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> Rounds:
    tmp = tmp_path_factory.mktemp("history")
    agencies = tmp / "agencies.csv"
    agencies.write_text(AGENCY_LIST, encoding="utf-8")
    summaries: dict[str, Path] = {}
    folders: dict[str, Path] = {}
    previous = None
    for round_, by_agency in ROUNDS.items():
        folder = folders[round_] = tmp / f"returns-{round_}"
        folder.mkdir()
        for agency, ratings in by_agency.items():
            make_return(folder, CONFIG, agency, ratings=ratings, round_=round_)
        listed = load_agencies(agencies) if round_ == "2026" else ()
        result = collate([folder], tmp / f"summary-{round_}.xlsx", CONFIG, agencies=listed, previous=previous)
        assert result.accepted == len(by_agency), [p.table_row() for p in result.problems]
        summaries[round_] = previous = result.out
        if round_ == "2022":
            _moderate(result.out, {("Beta ICB", "S1"): P, ("Beta ICB", "S2"): N})
    return Rounds(summaries, folders, agencies)


def _trend(path: Path) -> dict[str, list[object]]:
    return {str(r["Agency"]): [v for k, v in r.items() if k != "Agency"] for r in table(path, c.TREND)}


def test_the_last_summary_holds_every_round(rounds: Rounds) -> None:
    rows = table(rounds.summaries["2026"], c.HISTORY)
    assert {(r["Round"], r["Agency"]) for r in rows} == {
        (round_, agency)
        for round_ in ("2022", "2024")
        for agency in ("Beta ICB", "Northmoor Police", "Fellside and Dale Council")
    }, "former names are carried under the listed name"
    assert len(rows) == 2 * 4 * len(CONFIG.refs)  # four agencies' returns in each earlier round, merged pooled
    beta = {(r["Round"], r["Ref"]): r for r in rows if r["Agency"] == "Beta ICB"}
    assert (beta["2022", "S1"]["Rating"], beta["2022", "S1"]["Moderated rating"]) == (F, P)
    assert beta["2024", "S1"]["Moderated rating"] == "" and beta["2024", "S1"]["Rating"] == M
    # The 2024 summary, collated without the list, kept 2022's names as they were.
    assert {r["Agency"] for r in table(rounds.summaries["2024"], c.HISTORY)} == set(ROUNDS["2022"])


def test_trend_per_agency_with_direction(rounds: Rounds) -> None:
    wb = openpyxl.load_workbook(rounds.summaries["2026"])
    ws = wb[c.TREND]
    assert [cell.value for cell in ws[1]] == ["Agency", "2022", "2024", "2026", "Direction"]
    got = _trend(rounds.summaries["2026"])
    assert got.keys() == TREND.keys()
    for agency, want in TREND.items():
        assert got[agency][:3] == pytest.approx(want[:3]) and got[agency][3] == want[3], (agency, got[agency])
    # One round: no direction. Trend is worked out at collation: the moderation typed afterwards shows next time.
    assert _trend(rounds.summaries["2022"])["Beta ICB"] == [1.0, ""]


def test_comparison_matches_a_renamed_agency(rounds: Rounds) -> None:
    rows = [r for r in table(rounds.summaries["2026"], c.COMPARISON) if r["Agency"] == "Northmoor Police"]
    assert [r["Previous"] for r in rows] == ROUNDS["2024"]["Moorlands Constabulary"]


def test_trend_chart_has_alt_text(rounds: Rounds) -> None:
    frames = chart_frames(rounds.summaries["2026"])
    assert len(frames) == 2, frames
    trend = [descr for _part, _name, descr in frames if "met % of 3 agencies" in descr]
    assert trend and "2022, 2024, 2026" in trend[0] and "1 improving, 1 steady, 1 declining" in trend[0], frames
    assert len(chart_frames(rounds.summaries["2022"])) == 1  # one round: nothing to chart yet


def test_recollation_without_previous_keeps_the_history(rounds: Rounds, tmp_path: Path) -> None:
    again = shutil.copy(rounds.summaries["2026"], tmp_path / "again.xlsx")
    collate([rounds.returns["2026"]], again, CONFIG, agencies=load_agencies(rounds.agencies))
    assert table(again, c.HISTORY) == table(rounds.summaries["2026"], c.HISTORY)
    assert _trend(again) == _trend(rounds.summaries["2026"])


def test_an_older_previous_summary_without_history_tables(rounds: Rounds, tmp_path: Path) -> None:
    """A last-round summary made before History existed still gives its final ratings; the output gains them."""
    old = tmp_path / "old-2024.xlsx"
    wb = openpyxl.load_workbook(rounds.summaries["2024"])
    for name in (c.HISTORY, c.TREND):
        del wb[name]
    wb.save(old)
    out = tmp_path / "new.xlsx"
    shutil.copy(old, out)  # collated into the old file itself too: it gains the tables
    collate([rounds.returns["2026"]], out, CONFIG, agencies=load_agencies(rounds.agencies), previous=old)
    assert {r["Round"] for r in table(out, c.HISTORY)} == {"2024"}
    assert list(_trend(out)) == list(TREND)


def test_direction_rules() -> None:
    assert h.direction([None, 0.5]) == ""
    assert h.direction([0.5, None, 0.6]) == h.IMPROVING
    assert h.direction([0.5, 0.501]) == h.STEADY  # under half a percentage point is no change
    assert h.direction([0.9, 0.5, 0.4]) == h.DECLINING


def test_an_alias_given_to_two_agencies_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "agencies.csv"
    bad.write_text(AGENCY_LIST + "Dale Trust,Health,,All,Dale Council\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agencies\.csv: row 5, column Aliases: 'Dale Council' .* row 4"):
        load_agencies(bad)


def test_a_new_round_collated_into_last_rounds_summary_makes_it_the_previous(rounds: Rounds, tmp_path: Path) -> None:
    """Last round's summary (a copy, or open in Excel) collated with the new round's returns, no --previous: its
    ratings and what moderators typed go to History and the comparison, not onto the new round's rows — the same
    History, Comparison and Trend as a fresh summary collated with --previous."""
    copy = tmp_path / "summary-2024 copy.xlsx"
    shutil.copy(rounds.summaries["2024"], copy)
    _moderate(copy, {("Beta ICB", "S3"): N})  # typed into 2024 after the 2026 collation was made: 2024's own
    wb = openpyxl.load_workbook(copy)
    ws = wb[c.RETURNS]
    col = {ws.cell(1, j).value: j for j in range(1, ws.max_column + 1)}
    ws.cell(2, col["Board comment"]).value = "Challenged at the 2024 board"
    wb.save(copy)
    fresh = tmp_path / "fresh.xlsx"
    listed = load_agencies(rounds.agencies)
    collate([rounds.returns["2026"]], fresh, CONFIG, agencies=listed, previous=copy)
    result = collate([rounds.returns["2026"]], copy, CONFIG, agencies=listed)
    assert result.round == "2026" and result.accepted == len(ROUNDS["2026"])
    for name in (c.HISTORY, c.COMPARISON, c.TREND):
        assert table(copy, name) == table(fresh, name), name
    history = {(r["Round"], r["Agency"], r["Ref"]): r for r in table(copy, c.HISTORY)}
    assert history["2024", "Beta ICB", "S3"]["Moderated rating"] == N
    assert history["2022", "Beta ICB", "S1"]["Moderated rating"] == P  # 2024's own History came too
    now = table(copy, c.RETURNS)
    assert not any(r["Moderated rating"] or r["Board comment"] for r in now), "2024's work stays with 2024"
    assert not table(copy, c.REMOVED), "last round's rows went to History, not Removed"
    assert table(copy, c.COMPARISON), "compared with 2024"
