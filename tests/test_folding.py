"""One way of seeing names and labels (``boardbook.folding``): what people do not mean to differ never splits one
agency into two, never makes a listed agency "missing", and a suggestion never offers the opposite."""

from __future__ import annotations

from pathlib import Path

import pytest

from boardbook.config import Agency, Config, covers
from boardbook.folding import clean_name, fold
from boardbook.section11.pipeline import collate
from boardbook.suggest import close_matches
from tests.helpers import make_return


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("St John\u2019s Hospice", "St John's Hospice"),  # curly apostrophe
        ("St John\u02bcs Hospice".replace("\u02bc", "\u2018"), "St John's Hospice"),
        ("Health & Care NHS Trust", "Health and Care NHS Trust"),
        ("Health&Care NHS Trust", "Health and Care NHS Trust"),
        ("Northmoor\u200b Police", "Northmoor Police"),  # zero-width space
        ("\ufeffNorthmoor Police", "Northmoor Police"),  # byte-order mark from a CSV
        ("Northmoor\u00a0Police", "Northmoor Police"),  # non-breaking space
        ("  NORTHMOOR   police ", "Northmoor Police"),
        ("Fellside \u2013 District Council", "Fellside - District Council"),  # en dash
        ("\u201cBright Start\u201d Nursery", '"Bright Start" Nursery'),
        ("Ｎｏｒｔｈｍｏｏｒ Police", "Northmoor Police"),  # full-width letters
    ],
)
def test_the_same_name_typed_differently_is_one_name(typed: str, listed: str) -> None:
    assert fold(typed) == fold(listed)


@pytest.mark.parametrize(("a", "b"), [("Northmoor Police", "Northmoor Polic"), ("S1", "S11"), ("A&E", "AE")])
def test_different_names_stay_different(a: str, b: str) -> None:
    assert fold(a) != fold(b)


def test_clean_name_keeps_what_was_typed_but_invisible_characters() -> None:
    assert clean_name("\ufeffSt John\u2019s\u200b  Hospice\u00a0") == "St John\u2019s Hospice"


def test_partnerships_and_labels_fold_too(config: Config) -> None:
    assert covers(("Northmoor Safeguarding Children Partnership\u200b",), config.partnership)
    assert covers(("ALL",), "Anything")
    assert config.scale.normalise("Fully\u00a0met") == "Fully met"
    assert config.scale.normalise("\u201cMostly met\u201d".strip("\u201c\u201d")) == "Mostly met"


@pytest.mark.parametrize(
    ("typed", "options", "expected"),
    [
        ("Met", ["Fully met", "Mostly met", "Partially met", "Not met"], []),  # never the opposite
        ("unmet", ["met", "Fully met"], []),
        ("compliant", ["non-compliant"], []),
        ("Fuly met", ["Fully met", "Not met"], ["Fully met"]),
        ("Not mett", ["Fully met", "Not met"], ["Not met"]),
        ("Mostly\u00a0met", ["Mostly met"], ["Mostly met"]),
    ],
)
def test_suggestions_never_offer_the_opposite(typed: str, options: list[str], expected: list[str]) -> None:
    assert close_matches(typed, options) == expected


def test_an_agency_typed_differently_is_neither_unknown_nor_missing(tmp_path: Path, config: Config) -> None:
    """End to end: the return says St John’s (curly) and Health & Care; the list says St John's and Health and
    Care. Both are matched: no agency-unknown warning, nobody in Missing."""
    listed = (
        Agency("St John's Hospice", "Voluntary"),
        Agency("Northmoor Health and Care NHS Trust", "Health"),
        Agency("Northmoor Police", "Police"),
    )
    returns = tmp_path / "returns"
    make_return(returns, config, "St John\u2019s Hospice", file_name="hospice.xlsx")
    make_return(returns, config, "Northmoor Health & Care NHS Trust\u200b", file_name="trust.xlsx")
    make_return(returns, config, "\u00a0northmoor police", file_name="police.xlsx")
    result = collate([returns], tmp_path / "summary.xlsx", config, agencies=listed)
    assert result.accepted == 3
    assert [p.code for p in result.problems if p.code == "agency-unknown"] == []
    from boardbook.book.fast import read_tables

    missing = read_tables(tmp_path / "summary.xlsx", ("Missing",))["Missing"].rows
    assert all(not any(v for v in row) for row in missing), missing


def test_a_rating_typed_met_is_not_offered_not_met(tmp_path: Path, config: Config) -> None:
    path = make_return(tmp_path, config, ratings=["Met"] + ["Fully met"] * 9)
    result = collate([path], tmp_path / "summary.xlsx", config)
    (problem,) = [p for p in result.problems if p.code == "rating-unknown"]
    assert problem.message.startswith("S1 rating 'Met' is not on the scale; allowed: ")
    assert "did you mean" not in problem.message  # before: "did you mean 'Not met'?"
