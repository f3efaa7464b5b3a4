"""Collation rules, on plain records: no workbook involved."""

from __future__ import annotations

from datetime import date

from boardbook.config import Agency, Config
from boardbook.section11 import rules
from boardbook.section11.model import ERROR, Problem, Rating, Return


def ret(
    agency: str,
    labels: list[str],
    config: Config,
    *,
    evidence: str = "x" * 60,
    completed: date | None = date(2026, 5, 1),
    file: str = "",
    partnerships: tuple[str, ...] = (),
    error: bool = False,
) -> Return:
    ratings = [Rating(ref, lb, config.scale.score(lb), evidence) for ref, lb in zip(config.refs, labels, strict=False)]
    r = Return(
        file=file or f"{agency}.xlsx", agency=agency, completed_on=completed, ratings=ratings, partnerships=partnerships
    )
    if error:
        r.problems.append(Problem("rating-unknown", "bad", ERROR, r.file))
    return r


def test_met_fraction_excludes_not_applicable(config: Config) -> None:
    s = config.scale
    assert rules.met_fraction(["Fully met", "Not met", "Not applicable", "Mostly met"], s) == 2 / 3
    assert rules.met_fraction(["Not applicable"], s) is None
    assert rules.mean_score(["Fully met", "Partially met", "Not applicable"], s) == 2


def test_standard_summaries(config: Config) -> None:
    a = ret("A", ["Fully met"] * 10, config)
    b = ret("B", ["Not met", "Not applicable"] + ["Mostly met"] * 8, config)
    s1, s2 = rules.standard_summaries(config, [a, b])[:2]
    assert s1.counts["Fully met"] == 1 and s1.counts["Not met"] == 1 and s1.rated == 2 and s1.met_fraction == 0.5
    assert s2.counts["Not applicable"] == 1 and s2.rated == 1 and s2.met_fraction == 1.0 and s2.mean_score == 3


def test_later_completed_on_wins(config: Config) -> None:
    early = ret("Police", ["Not met"] * 10, config, completed=date(2026, 4, 1), file="draft.xlsx")
    late = ret("police ", ["Fully met"] * 10, config, completed=date(2026, 5, 1), file="final.xlsx")
    broken = ret("Police", ["Fully met"] * 10, config, completed=date(2026, 6, 1), file="broken.xlsx", error=True)
    kept, problems = rules.latest_per_agency([early, late, broken])
    assert late in kept and early not in kept and broken in kept  # a rejected return never displaces one
    assert [p.file for p in problems] == ["draft.xlsx"] and "final.xlsx" in problems[0].message


def test_cross_border_selection(config: Config) -> None:
    ours = ret("A", [], config, partnerships=("Northmoor",))
    both = ret("B", [], config, partnerships=("Eastvale", "northmoor "))
    everyone = ret("C", [], config, partnerships=("All",))
    other = ret("D", [], config, partnerships=("Eastvale",))
    kept, notes = rules.for_partnership([ours, both, everyone, other], "Northmoor")
    assert kept == [ours, both, everyone]
    assert notes[0].code == "other-partnership" and "Eastvale" in notes[0].message


def test_missing_lists_no_return_and_rejected(config: Config) -> None:
    agencies = [
        Agency("A", "Police"),
        Agency("B", "Health"),
        Agency("C", "Health"),
        Agency("D", "Fire", partnerships=("Eastvale",)),
    ]
    returns = [ret("A", ["Fully met"] * 10, config), ret("B", ["Fully met"] * 10, config, error=True)]
    rows = rules.missing(agencies, "Northmoor", returns)
    assert [r[0] for r in rows] == ["B", "C"]
    assert rows[0][3].startswith("return rejected (1 error") and rows[1][3] == "no return received"


def test_challenge_reasons(config: Config) -> None:
    r = ret("A", ["Fully met", "Mostly met", "Fully met", "Partially met"] + ["Not applicable"] * 6, config)
    r.ratings[0] = Rating("S1", "Fully met", 3, "")
    r.ratings[1] = Rating("S2", "Mostly met", 2, "Yes")
    previous = {rules.key("A", "S3"): "Partially met", rules.key("A", "S4"): "Not met"}
    rows = rules.challenge(config, [r], previous)
    by_ref = {row[1]: row[4] for row in rows}
    assert by_ref["S1"] == "Rated 'Fully met' with no evidence"
    assert by_ref["S2"].startswith("Rated 'Mostly met' with thin evidence (3 characters")
    assert by_ref["S3"] == "Up 2 points since the previous round (Partially met → Fully met)"
    assert "S4" not in by_ref  # up 1 point only, and not met


def test_random_sample_is_reproducible(config: Config) -> None:
    returns = [ret(f"Agency {i:02d}", ["Not met"] * 10, config) for i in range(20)]
    a = rules.challenge(config, returns, {}, sample=3, seed=7)
    b = rules.challenge(config, returns, {}, sample=3, seed=7)
    c = rules.challenge(config, returns, {}, sample=3, seed=8)
    assert a == b and len(a) == 3 and a != c
    assert all("Random sample of 3 of 20 returns (seed 7)" in row[4] for row in a)


def test_comparison_and_changes(config: Config) -> None:
    r = ret("A", ["Fully met", "Not met", "Not applicable"], config)
    prev = {rules.key("A", "S1"): "Partially met", rules.key("A", "S3"): "Fully met"}
    rows = rules.comparison(config, [r], prev)
    assert rows == [
        ["A", "S1", "Partially met", "Fully met", 2],
        ["A", "S2", "", "Not met", None],
        ["A", "S3", "Fully met", "Not applicable", None],
    ]
    before = {rules.key("A", "S1"): ("A", "Mostly met"), rules.key("A", "S2"): ("A", "Not met")}
    after = {rules.key("A", "S1"): ("A", "Fully met"), rules.key("B", "S1"): ("B", "Not met")}
    assert rules.rating_changes(before, after) == [
        "A S1: Mostly met → Fully met",
        "A S2: removed (was Not met)",
        "B S1: new (Not met)",
    ]
    assert rules.summarise_changes([]) == "none"


def test_fingerprint_ignores_order() -> None:
    a = rules.fingerprint([("a.xlsx", "1"), ("b.xlsx", "2")])
    assert a == rules.fingerprint([("b.xlsx", "2"), ("a.xlsx", "1")]) != rules.fingerprint([("a.xlsx", "2")])


def test_as_listed_names_each_agency_as_the_list_spells_it() -> None:
    """Curly apostrophes, 'and' for '&', odd spaces: one agency, named as listed; unlisted names are left."""
    listed = [Agency("Northmoor Women's & Children's Trust", "Health"), Agency("Moorlands Police", "Police")]
    returns = [
        Return("a.xlsx", agency="Northmoor Women\u2019s and Children\u2019s Trust"),
        Return("b.xlsx", agency="MOORLANDS\u00a0 police"),
        Return("c.xlsx", agency="Moorlands Constabulary"),
    ]
    rules.as_listed(returns, listed)
    assert [r.agency for r in returns] == [
        "Northmoor Women's & Children's Trust",
        "Moorlands Police",
        "Moorlands Constabulary",
    ]


def test_check_round_questions_only_other_rounds() -> None:
    """Another round is an error naming the Round cell; a blank Round, or no round to compare with, is not."""
    returns = [
        Return("a.xlsx", agency="A", round="2026", cells={"Round": ("Cover", "B14")}),
        Return("b.xlsx", agency="B", round="2024", cells={"Round": ("Cover", "B14")}),
        Return("c.xlsx", agency="C", round=""),
    ]
    rules.check_round(returns, rules.latest_round(returns))
    assert [(r.file, [(p.code, p.sheet, p.cell) for p in r.problems]) for r in returns] == [
        ("a.xlsx", []),
        ("b.xlsx", [("round-other", "Cover", "B14")]),
        ("c.xlsx", []),
    ]
    nothing = [Return("d.xlsx", agency="D", round="2026")]
    rules.check_round(nothing, "")
    assert nothing[0].problems == []
