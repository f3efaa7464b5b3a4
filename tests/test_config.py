"""Configuration: the bundled default, other scales, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from boardbook.agencies import load_agencies
from boardbook.config import config_toml, load_config, parse_config
from boardbook.errors import ConfigError

BASE = """
[partnership]
name = "Eastvale"
{scale}
{standards}
"""
FOUR = """[scale]
not_applicable = "N/A"
met = ["Good"]
[[scale.levels]]
label = "Good"
score = 2
[[scale.levels]]
label = "Poor"
score = 0
"""


def standards(n: int) -> str:
    return "".join(f'[[standards]]\nref = "{i}"\ntitle = "Standard {i}"\n' for i in range(1, n + 1))


def test_bundled_default_is_working_together_2023() -> None:
    cfg = load_config()
    assert len(cfg.standards) == 10
    assert [s.title for s in cfg.standards][:3] == [
        "Clear line of accountability",
        "Senior board-level lead",
        "Culture of listening to children",
    ]
    assert cfg.scale.labels == ["Fully met", "Mostly met", "Partially met", "Not met", "Not applicable"]
    assert [cfg.scale.score(x) for x in cfg.scale.labels] == [3, 2, 1, 0, None]
    assert cfg.scale.met == {"Fully met", "Mostly met"}
    assert cfg.evidence_needed("Mostly met") and not cfg.evidence_needed("Partially met")


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        (" fully MET ", "Fully met"),
        ("Mostly  met", "Mostly met"),
        ("NOT APPLICABLE", "Not applicable"),
        ("Fuly met", None),
        (3, None),
        (None, None),
        ("", None),
    ],
)
def test_four_point_normalisation(raw: object, label: str | None) -> None:
    assert load_config().scale.normalise(raw) == label


def test_rag_scale() -> None:
    rag = """[scale]\nmet = ["Green"]\n[[scale.levels]]\nlabel = "Green"\nscore = 2
[[scale.levels]]\nlabel = "Amber"\nscore = 1\n[[scale.levels]]\nlabel = "Red"\nscore = 0\n"""
    cfg = parse_config(BASE.format(scale=rag, standards=standards(8)), "rag.toml")
    assert cfg.scale.normalise("amber") == "Amber" and cfg.scale.labels == ["Green", "Amber", "Red"]
    assert len(cfg.standards) == 8


def test_zero_to_three_scale_reads_numbers() -> None:
    levels = "".join(f'[[scale.levels]]\nlabel = "{i}"\nscore = {i}\n' for i in (3, 2, 1, 0))
    cfg = parse_config(BASE.format(scale='[scale]\nmet = ["3", "2"]\n' + levels, standards=standards(36)), "x")
    assert cfg.scale.normalise(3.0) == "3" and cfg.scale.normalise(" 2 ") == "2" and cfg.scale.normalise(4) is None
    assert len(cfg.standards) == 36


def test_percent_scale() -> None:
    cfg = parse_config(
        BASE.format(scale='[scale]\nkind = "percent"\nstep = 5\nmet_from = 75', standards=standards(12)), "pct.toml"
    )
    assert len(cfg.scale.levels) == 21 and cfg.scale.labels[15] == "75%"
    assert cfg.scale.normalise(0.75) == "75%" and cfg.scale.normalise("75 %") == "75%"
    assert cfg.scale.normalise(80) == "80%" and cfg.scale.normalise("73%") is None
    assert cfg.scale.is_met("75%") and not cfg.scale.is_met("70%")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (BASE.replace('name = "Eastvale"', "").format(scale=FOUR, standards=standards(8)), "partnership.name"),
        (BASE.format(scale="", standards=standards(8)), "scale"),
        (BASE.format(scale=FOUR.replace('met = ["Good"]', 'met = ["Great"]'), standards=standards(8)), "scale.met"),
        (
            BASE.format(scale=FOUR.replace("score = 2", 'score = "two"'), standards=standards(8)),
            "scale.levels[0].score",
        ),
        (BASE.format(scale=FOUR, standards=""), "standards"),
        (
            BASE.format(scale=FOUR, standards=standards(2) + '[[standards]]\nref = "1"\ntitle = "Again"\n'),
            "standards[2].ref",
        ),
        (BASE.format(scale=FOUR, standards='[[standards]]\nref = "1"\n'), "standards[0].title"),
        (
            BASE.format(scale=FOUR, standards=standards(8)) + '[evidence]\nrequired_for = "sometimes"\n',
            "evidence.required_for",
        ),
        (
            BASE.format(scale=FOUR.replace('label = "Poor"', 'label = "Poor, very"'), standards=standards(8)),
            "scale.levels[1].label",
        ),
        (BASE.format(scale='[scale]\nkind = "percent"\nstep = 7', standards=standards(8)), "scale.step"),
        (BASE.format(scale=FOUR, standards=standards(8)) + "[thresholds]\nsample = -1\n", "thresholds.sample"),
        ("not = [valid", "not valid TOML"),
    ],
)
def test_errors_name_the_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config(text, "mine.toml")
    assert key in str(exc.value) and "mine.toml" in str(exc.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_agency_list(tmp_path: Path) -> None:
    p = tmp_path / "agencies.csv"
    p.write_text(
        "\ufeffAgency,Sector,Email,Partnerships\nPolice,Police,a@b,All\nICB,Health,,North; South\n", encoding="utf-8"
    )
    police, icb = load_agencies(p)
    assert police.returns_to("Anywhere") and icb.returns_to("south") and not icb.returns_to("East")
    p.write_text("Agency,Sector\nPolice,Police\npolice ,Police\n")
    with pytest.raises(ConfigError, match=r"row 3.*listed twice"):
        load_agencies(p)
    p.write_text("Who,Sector\nPolice,Police\n")
    with pytest.raises(ConfigError, match="column 'Agency'"):
        load_agencies(p)


def test_aliases_for_not_applicable() -> None:
    scale = load_config().scale
    assert scale.normalise(" n/a ") == scale.normalise("NA") == "Not applicable"
    scale_text = FOUR.replace('met = ["Good"]', 'met = ["Good"]\naliases = { "meh" = "Middling" }')
    bad = BASE.format(scale=scale_text, standards=standards(8))
    with pytest.raises(ConfigError, match=r"scale\.aliases\.meh"):
        parse_config(bad, "mine.toml")


def test_the_bundled_section175_configuration() -> None:
    """``--config section175``: the schools audit, read from the package, recorded and read back the same."""
    config = load_config("section175")
    assert config.source == "bundled section175"
    assert config.scale.labels == ["Green", "Amber", "Red", "Not applicable"] and config.scale.met == {"Green"}
    assert config.actions_below_met and config.aliases == ("Northmoor SCP",)
    assert [s.ref for s in config.standards] == [f"K{i}" for i in range(1, 15)]
    assert config.scale.normalise(" g ") == "Green"
    assert parse_config(config_toml(config), "bundled section175") == config
