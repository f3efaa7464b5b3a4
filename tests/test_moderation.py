"""Moderation tables that live in Excel (issue 14 item 1).

Returns are collated; moderated ratings are typed into the summary's ``Returns`` with openpyxl (which keeps the
formulas and drops their cached values), as a moderator would in Excel; LibreOffice recalculates. The
``Moderation`` and ``ModerationByStandard`` tables LibreOffice computes equal the numbers worked out by hand
below, and equal the cached values boardbook writes when it collates that file again. The Matrix shows the
moderated label, marked; a summary made before these tables existed gains them on re-collation.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from boardbook.config import Agency, load_config, parse_config
from boardbook.section11 import contract as c
from boardbook.section11 import moderation as m
from boardbook.section11.pipeline import collate
from tests.helpers import make_return, recalculate_many, require_soffice, table

CONFIG = load_config()
N = len(CONFIG.standards)
AGENCIES = [
    Agency("Alpha Police", "Police"),
    Agency("Beta ICB", "Health"),
    Agency("Delta Trust", "Voluntary"),
    Agency("Gamma Council", "District council"),
]
SELF = {
    "Alpha Police": ["Fully met"] * N,
    "Beta ICB": ["Not met", "Partially met", "Not applicable", *["Mostly met"] * (N - 3)],
    "Delta Trust": ["Mostly met", "Partially met", *["Fully met"] * (N - 2)],
    "Gamma Council": ["Mostly met"] * N,
}
# What a moderator types (agency, ref) -> text: lowered, raised, agreed (in lower case), N/A, and from N/A.
TYPED = {
    ("Alpha Police", "S1"): "Partially met",
    ("Alpha Police", "S2"): "Mostly met",
    ("Alpha Police", "S3"): "fully met",
    ("Alpha Police", "S4"): "Not applicable",
    ("Beta ICB", "S1"): "Mostly met",
    ("Beta ICB", "S2"): "Not met",
    ("Beta ICB", "S3"): "Fully met",
    ("Beta ICB", "S6"): "Partially met",
    **{("Gamma Council", f"S{i}"): "Mostly met" for i in range(1, 8)},
    ("Gamma Council", "S8"): "Partially met",
}
# Worked by hand: Rated, Moderated, Agreed, Lowered, Raised, Self met %, Moderated met %, Over-optimism.
EXPECTED = {
    "Alpha Police": [10, 4, 1, 2, 0, 1.0, 8 / 9, 1.0],  # gaps 2, 1, 0; N/A moderated is not scored
    "Beta ICB": [9, 4, 0, 2, 1, 7 / 9, 0.8, 0.0],  # gaps -2, 1, 1; N/A moderated to Fully met counts as met
    "Delta Trust": [10, 0, 0, 0, 0, 0.9, 0.9, ""],  # nothing moderated: over-optimism blank
    "Gamma Council": [10, 8, 7, 1, 0, 1.0, 0.9, 0.13],  # 1/8 = 0.125 rounds half up, as Excel's ROUND does
}


@dataclass
class Files:
    first: Path  # collated, nothing moderated
    typed: Path  # moderated ratings typed with openpyxl (no cached values)
    again: Path  # typed, then collated again by boardbook
    old: Path  # an older summary without the moderation tables, typed, then collated again
    recalculated: dict[str, Path]  # LibreOffice's recalculation of typed and again


def _type_moderation(src: Path, dst: Path, *, drop_tables: bool = False) -> Path:
    wb = openpyxl.load_workbook(src)
    if drop_tables:
        for name in (c.MODERATION, c.MODERATION_BY_STANDARD):
            del wb[name]
    ws = wb[c.RETURNS]
    col = {ws.cell(1, j).value: j for j in range(1, ws.max_column + 1)}
    typed = 0
    for r in range(2, ws.max_row + 1):
        k = (ws.cell(r, col["Agency"]).value, ws.cell(r, col["Ref"]).value)
        if k in TYPED:
            ws.cell(r, col["Moderated rating"]).value = TYPED[k]
            typed += 1
    assert typed == len(TYPED)
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    tmp = tmp_path_factory.mktemp("moderation")
    returns = tmp / "returns"
    returns.mkdir()
    for a in AGENCIES:
        make_return(returns, CONFIG, a.name, ratings=SELF[a.name], sector=a.sector)
    first = collate([returns], tmp / "first.xlsx", CONFIG, agencies=AGENCIES)
    assert first.accepted == len(AGENCIES), [p.table_row() for p in first.problems]
    typed = _type_moderation(first.out, tmp / "typed.xlsx")
    again = tmp / "again.xlsx"
    shutil.copy(typed, again)
    collate([returns], again, CONFIG, agencies=AGENCIES)
    old = _type_moderation(first.out, tmp / "old.xlsx", drop_tables=True)
    assert c.MODERATION not in openpyxl.load_workbook(old).sheetnames
    collate([returns], old, CONFIG, agencies=AGENCIES)
    return Files(first.out, typed, again, old, {})


@pytest.fixture(scope="module")
def recalculated(files: Files) -> dict[str, Path]:
    require_soffice()
    out = recalculate_many([files.typed, files.again], files.first.parent / "libreoffice")
    return {"typed": out[0], "again": out[1]}


def _moderation(path: Path) -> dict[str, list[object]]:
    return {
        str(r["Agency"]): [r[h] for h in c.MODERATION_HEADERS[2:]]
        for r in table(path, c.MODERATION)
        if r["Agency"] not in ("", None)
    }


def _close(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == pytest.approx(b, abs=1e-9)
    return (a in ("", None)) and (b in ("", None)) if a in ("", None) or b in ("", None) else a == b


def _same_rows(got: dict[str, list[object]], want: dict[str, list[object]]) -> list[str]:
    bad = [f"{k}: {got.get(k)} != {v}" for k, v in want.items() if k not in got or len(got[k]) != len(v)]
    bad += [
        f"{k} {h}: {g!r} != {w!r}"
        for k, v in want.items()
        if k in got
        for h, g, w in zip(c.MODERATION_HEADERS[2:], got[k], v, strict=False)
        if not _close(g, w)
    ]
    return bad + [f"unexpected row {k}" for k in got if k not in want]


# -- pure rules ---------------------------------------------------------------------------------------------------
def _records() -> list[dict[str, object]]:
    return [
        {"Agency": a.name, "Ref": ref, "Rating": SELF[a.name][i], "Moderated rating": TYPED.get((a.name, ref))}
        for a in AGENCIES
        for i, ref in enumerate(CONFIG.refs)
    ]


def test_rules_give_the_numbers_worked_by_hand() -> None:
    pairs = [(a.name, a.sector) for a in AGENCIES]
    got = m.by_agency(_records(), pairs, CONFIG.scale)
    rows = {
        a: [k.rated, k.moderated, k.agreed, k.lowered, k.raised, k.self_met, k.moderated_met, k.over_optimism]
        for (a, _s), k in zip(pairs, got, strict=True)
    }
    assert not _same_rows(rows, EXPECTED), _same_rows(rows, EXPECTED)


def test_rules_by_standard_and_rounding() -> None:
    by_ref = dict(zip(CONFIG.refs, m.by_standard(_records(), CONFIG.refs, CONFIG.scale), strict=True))
    s1 = by_ref["S1"]  # Alpha 3 -> 1, Beta 0 -> 2, Gamma 2 -> 2
    assert (s1.moderated, s1.lowered, s1.raised, s1.over_optimism) == (3, 1, 1, 0.0)
    s4 = by_ref["S4"]  # Alpha's N/A: moderated, not scored; Gamma's agreed
    assert (s4.moderated, s4.lowered, s4.raised, s4.over_optimism) == (2, 0, 0, 0.0)
    s8 = by_ref["S8"]  # Gamma 2 -> 1
    assert (s8.moderated, s8.lowered, s8.raised, s8.over_optimism) == (1, 1, 0, 1.0)
    assert by_ref["S10"].moderated == 0 and by_ref["S10"].over_optimism is None
    assert (m.round_half_up(0.125), m.round_half_up(-0.125), m.round_half_up(2 / 3)) == (0.13, -0.13, 0.67)
    assert m.label_of("fully MET", CONFIG.scale) == "Fully met" and m.label_of(" Fully met", CONFIG.scale) is None


# -- the files --------------------------------------------------------------------------------------------------
def test_a_fresh_collation_has_every_agency_unmoderated(files: Files) -> None:
    rows = _moderation(files.first)
    assert sorted(rows) == sorted(a.name for a in AGENCIES)
    assert all(r[1] == 0 and r[7] in ("", None) and _close(r[5], r[6]) for r in rows.values()), rows
    by_standard = table(files.first, c.MODERATION_BY_STANDARD)
    assert [r["Ref"] for r in by_standard] == CONFIG.refs and all(r["Moderated"] == 0 for r in by_standard)


def test_libreoffice_computes_what_a_moderator_typed(files: Files, recalculated: dict[str, Path]) -> None:
    """The typed file has no cached values: every number here is LibreOffice's, from the live formulas."""
    cached = _moderation(files.typed)
    assert all(v in ("", None) for row in cached.values() for v in row), "openpyxl should have dropped the cache"
    bad = _same_rows(_moderation(recalculated["typed"]), EXPECTED)
    assert not bad, "\n".join(bad)


def test_recollation_caches_what_libreoffice_computes(files: Files, recalculated: dict[str, Path]) -> None:
    assert not _same_rows(_moderation(files.again), EXPECTED), _same_rows(_moderation(files.again), EXPECTED)
    for name, key in ((c.MODERATION, "Agency"), (c.MODERATION_BY_STANDARD, "Ref"), (c.MATRIX, "Agency")):
        ours = {r[key]: r for r in table(files.again, name)}
        theirs = {r[key]: r for r in table(recalculated["again"], name)}
        assert ours.keys() == theirs.keys(), name
        diffs = [
            f"{name} {k} {h}: cached {v!r}, LibreOffice {theirs[k][h]!r}"
            for k, r in ours.items()
            for h, v in r.items()
            if not _close(v, theirs[k][h])
        ]
        assert not diffs, "\n".join(diffs)
    by_ref = {r["Ref"]: r for r in table(files.again, c.MODERATION_BY_STANDARD)}
    assert [by_ref["S1"][h] for h in c.MODERATION_BY_STANDARD_HEADERS[1:]] == [3, 1, 1, 0]


def test_matrix_shows_the_moderated_label_and_met_percent_stays_on_self_ratings(files: Files) -> None:
    matrix = {r["Agency"]: r for r in table(files.again, c.MATRIX)}
    alpha = matrix["Alpha Police"]
    assert [alpha[r] for r in ("S1", "S2", "S3", "S4", "S5")] == [
        "Partially met (moderated)",
        "Mostly met (moderated)",
        "Fully met (moderated)",  # typed in lower case: shown as the scale spells it
        "Not applicable (moderated)",
        "Fully met",
    ]
    assert alpha["Met %"] == 1  # the self-ratings: all Fully met
    assert matrix["Beta ICB"]["Met %"] == pytest.approx(7 / 9)
    assert table(files.again, c.RETURNS)[0]["Moderated rating"] == "Partially met"  # kept as typed


def test_an_older_summary_gains_the_tables(files: Files) -> None:
    assert not _same_rows(_moderation(files.old), EXPECTED), _same_rows(_moderation(files.old), EXPECTED)
    assert len(table(files.old, c.MODERATION_BY_STANDARD)) == N


def test_a_scale_of_many_labels_keeps_every_formula_within_excels_limit(tmp_path: Path) -> None:
    """A percent scale in steps of 1 (101 labels) would need formulas longer than Excel opens: those cells hold
    the value alone; the others stay live."""
    config = parse_config(
        '[partnership]\nname = "P"\n[scale]\nkind = "percent"\nstep = 1\nmet_from = 75\nnot_applicable = "N/A"\n'
        '[[standards]]\nref = "T1"\ntitle = "One"\n[[standards]]\nref = "T2"\ntitle = "Two"\n',
        "test",
    )
    (tmp_path / "r").mkdir()
    make_return(tmp_path / "r", config, "Alpha Police", ratings=["80%", "50%"])
    out = collate([tmp_path / "r"], tmp_path / "s.xlsx", config).out
    lengths = [
        len(cell.value)
        for ws in openpyxl.load_workbook(out)
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert lengths and max(lengths) <= 8192
    row = table(out, c.MODERATION)[0]
    assert [row["Rated"], row["Moderated"], row["Self met %"], row["Over-optimism"]] == [2, 0, 0.5, ""]
