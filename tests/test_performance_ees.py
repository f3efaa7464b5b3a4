"""The EES importer against DfE's real files (../shared/data/ees/), each figure checked by reading the CSV
row here with the csv module, and against small files with the awkward bits real downloads have."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from boardbook.config import load_config
from boardbook.errors import UsageError, WorkbookError
from boardbook.performance import contract as c
from boardbook.performance import reader
from boardbook.performance.ees import board_period, import_measures, is_ees, parse_value, write_indicator_csv
from boardbook.performance.model import InputError
from boardbook.performance.pipeline import EesOptions, fill_workbook
from tests.helpers import sha256

EES = (
    Path("/work/shared/data/ees")
    if Path("/work/shared/data/ees").is_dir()
    else Path(__file__).resolve().parents[2] / "shared" / "data" / "ees"
)
D3 = EES / "d3_cpps_subsequent_plan_2013_to_2025.csv"
C1 = EES / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
SN = EES / "sn_model_2025_wide.csv"
MEASURE = "CPP_subsequent_percent"

pytestmark = pytest.mark.skipif(not D3.exists(), reason=f"real EES data not found at {EES}")


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def one(rows: list[dict[str, str]], **where: str) -> dict[str, str]:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, len(found))
    return found[0]


def by_period(imported: list, measure: str = MEASURE) -> dict[str, dict[str, object]]:
    return {r.record["Period"]: r.record for r in imported if r.record["Indicator"] == measure}


# -- the real files ------------------------------------------------------------------------------------------
def test_leeds_repeat_plans_value_england_and_neighbours_read_by_hand() -> None:
    d3 = rows_of(D3)
    leeds = one(d3, time_period="2025", geographic_level="Local authority", la_name="Leeds")
    england = one(d3, time_period="2025", geographic_level="National")
    sn = one(rows_of(SN), old_la_code=leeds["old_la_code"])  # the neighbour file uses old LA codes
    codes = [sn[f"SN_{i}"] for i in range(1, 11)]
    values = [
        float(one(d3, time_period="2025", geographic_level="Local authority", old_la_code=code)[MEASURE])
        for code in codes
    ]
    mean = float((Decimal(str(sum(values))) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    got = by_period(import_measures(D3, "Leeds", [MEASURE], neighbours=SN))["2024/25"]
    assert got["Value"] == float(leeds[MEASURE]) == 23.0
    assert got["England"] == float(england[MEASURE]) == 24.5
    assert got["Statistical neighbours"] == mean == 22.0
    assert got["Source"] == D3.name and got["Indicator"] == MEASURE and got["Note"] == ""
    assert got["Polarity"] == c.LOWER and "second or subsequent" in str(got["Definition"])


def test_one_row_per_measure_and_period_oldest_first() -> None:
    imported = import_measures(D3, "leeds", [MEASURE, "CPP_start"])  # name matched ignoring case
    periods = [r.record["Period"] for r in imported if r.record["Indicator"] == MEASURE]
    assert periods == [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2025)]  # reporting years 2013 … 2025
    assert len(imported) == 2 * 13
    assert by_period(imported, "CPP_start")["2024/25"]["Value"] == 829.0


def test_periods_keeps_the_latest() -> None:
    assert list(by_period(import_measures(D3, "Leeds", [MEASURE], periods=2))) == ["2023/24", "2024/25"]


def test_la_found_by_old_or_new_code_and_despite_punctuation() -> None:
    assert by_period(import_measures(D3, "383", [MEASURE]))["2024/25"]["Value"] == 23.0
    assert by_period(import_measures(D3, "E08000035", [MEASURE]))["2024/25"]["Value"] == 23.0
    assert by_period(import_measures(D3, "St Helens", [MEASURE]))  # DfE writes "St. Helens"
    assert by_period(import_measures(D3, "Kingston upon Hull, City of", [MEASURE]))  # a comma inside quotes


@pytest.mark.parametrize(
    ("la", "period", "value", "note"),
    [
        ("City of London", "2023/24", None, "suppressed to protect confidentiality (c)"),
        ("Isles of Scilly", "2023/24", None, "not applicable (z)"),
        ("Hackney", "2021/22", None, "not available (x)"),
        ("Hampshire", "2023/24", None, "low reliability (u): no figure published"),
        ("Hampshire", "2024/25", 25.8, ""),
    ],
)
def test_dfe_codes_give_an_empty_value_and_the_reason(la: str, period: str, value: float | None, note: str) -> None:
    got = by_period(import_measures(D3, la, [MEASURE], neighbours=SN))[period]
    assert got["Value"] == value
    assert note in str(got["Note"])


def test_neighbour_mean_counts_only_the_available_ones() -> None:
    """Hampshire's 2023/24 has 'u': a neighbour whose figure is 'u' is left out of its neighbours' mean."""
    d3 = rows_of(D3)
    sn_rows = rows_of(SN)
    hampshire = one(sn_rows, old_la_code="850")
    for neighbour in sn_rows:
        if "850" in [neighbour[f"SN_{i}"] for i in range(1, 11)]:
            got = by_period(import_measures(D3, neighbour["old_la_code"], [MEASURE], neighbours=SN))["2023/24"]
            codes = [neighbour[f"SN_{i}"] for i in range(1, 11)]
            present = [
                float(r[MEASURE])
                for r in d3
                if r["time_period"] == "2024" and r["old_la_code"] in codes and r[MEASURE] not in ("c", "u", "x", "z")
            ]
            assert len(present) < 10
            assert got["Statistical neighbours"] == float(
                (Decimal(str(sum(present))) / len(present)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            )
            assert f"mean of {len(present)} of 10 available" in str(got["Note"])
            break
    else:
        pytest.fail(f"nobody has Hampshire ({hampshire['la_name']}) as a neighbour")


def test_another_release_c1_rereferrals() -> None:
    c1 = rows_of(C1)
    leeds = one(c1, time_period="2025", la_name="Leeds")
    got = by_period(import_measures(C1, "Leeds", ["rereferral_percent"]), "rereferral_percent")["2024/25"]
    assert got["Value"] == float(leeds["rereferral_percent"]) == 24.2
    assert got["England"] == float(one(c1, time_period="2025", geographic_level="National")["rereferral_percent"])


def test_the_real_files_are_not_modified() -> None:
    before = {p.name: sha256(p) for p in (D3, SN)}
    import_measures(D3, "Leeds", [MEASURE], neighbours=SN)
    assert {p.name: sha256(p) for p in (D3, SN)} == before


# -- bad input ---------------------------------------------------------------------------------------------
def test_la_not_in_the_file_suggests_close_matches() -> None:
    with pytest.raises(WorkbookError) as exc:
        import_measures(D3, "Leeds City", [MEASURE])
    message = str(exc.value)
    assert message.startswith(D3.name) and "column la_name" in message
    assert "'Leeds City'" in message and "did you mean 'Leeds'" in message
    with pytest.raises(WorkbookError, match="did you mean 'Leeds'"):
        import_measures(D3, "Leds", [MEASURE])


def test_unexpected_header_names_file_row_and_column() -> None:
    with pytest.raises(InputError) as exc:
        import_measures(SN, "Leeds", [MEASURE])  # the neighbour file is not an EES release
    assert str(exc.value).startswith(f"{SN.name} row 1, column time_period: not a DfE open-data (EES) CSV")


def test_unexpected_header_in_a_small_file(tmp_path: Path) -> None:
    bad = tmp_path / "renamed.csv"
    bad.write_text("year,time_identifier,geographic_level,la_name,CPP_start\n2025,Reporting year,National,,5\n")
    with pytest.raises(InputError, match=r"renamed.csv row 1, column time_period: .*missing time_period"):
        import_measures(bad, "Leeds", ["CPP_start"])


def test_unknown_measure_suggests_the_column() -> None:
    with pytest.raises(InputError) as exc:
        import_measures(D3, "Leeds", ["CPP_subsequent_percnt"])
    assert f"{D3.name} row 1, column CPP_subsequent_percnt" in str(exc.value)
    assert "did you mean 'CPP_subsequent_percent'" in str(exc.value)
    with pytest.raises(UsageError, match="not a measure"):
        import_measures(D3, "Leeds", ["la_name"])


def test_neighbour_file_with_the_wrong_header(tmp_path: Path) -> None:
    bad = tmp_path / "neighbours.csv"
    bad.write_text("la_code,SN_1\n383,851\n")
    with pytest.raises(InputError, match=r"neighbours.csv row 1, column old_la_code: not a DfE statistical"):
        import_measures(D3, "Leeds", [MEASURE], neighbours=bad)


# -- the awkward bits, in small files written here ----------------------------------------------------------
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,referral_count,rereferral_percent\n"
)


def small_release(tmp_path: Path, *, bom: bool = True) -> Path:
    text = HEADER + (
        '202425,Academic year,National,E92000001,England,"","","","","","632,830",22.6\n'
        "202425,Academic year,Local authority,E92000001,England,E12000001,North East,998,E06999998,"
        '"Eastvale, City of","1,234",21.5\n'
        "202425,Academic year,Local authority,E92000001,England,E12000001,North East,997,E06999997,"
        'Westvale,"12,001",c\n'
        "202425,Academic year,Local authority,E92000001,England,E12000001,North East,996,E06999996,"
        'Southvale,"2,001",19.5\n'
        '202324,Academic year,National,E92000001,England,"","","","","","600,010",:\n'
        "202324,Academic year,Local authority,E92000001,England,E12000001,North East,998,E06999998,"
        '"Eastvale, City of","1,100",""\n'
        "\n"  # a blank line at the end, as some exports have
    )
    path = tmp_path / "release.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_bom_quoted_empty_strings_and_numbers_with_commas(tmp_path: Path) -> None:
    path = small_release(tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    neighbours = tmp_path / "sn.csv"
    neighbours.write_bytes(
        b"\xef\xbb\xbf"
        + (
            "old_la_code,la_name,"
            + ",".join(f"SN_{i}" for i in range(1, 11))
            + '\n998,"Eastvale, City of",997,996,"","","","","","","",""\n'
        ).encode()
    )
    got = import_measures(path, "Eastvale, City of", ["referral_count", "rereferral_percent"], neighbours=neighbours)
    counts, percents = by_period(got, "referral_count"), by_period(got, "rereferral_percent")
    assert list(counts) == ["2023/24", "2024/25"]  # academic year 202425 is 2024/25
    assert counts["2024/25"]["Value"] == 1234.0 and counts["2024/25"]["England"] == 632830.0
    assert counts["2024/25"]["Statistical neighbours"] == 7001.0  # (12,001 + 2,001) ÷ 2
    assert counts["2023/24"]["Value"] == 1100.0 and counts["2023/24"]["England"] == 600010.0
    assert percents["2024/25"]["Statistical neighbours"] == 19.5  # Westvale's is suppressed (c)
    assert "mean of 1 of 2 available" in str(percents["2024/25"]["Note"])
    assert percents["2023/24"]["Value"] is None and "blank" in str(percents["2023/24"]["Note"])
    assert "England: not available (:)" in str(percents["2023/24"]["Note"])


def test_same_file_without_bom(tmp_path: Path) -> None:
    got = by_period(import_measures(small_release(tmp_path, bom=False), "998", ["referral_count"]), "referral_count")
    assert got["2024/25"]["Value"] == 1234.0


def test_a_breakdown_asks_for_where_and_where_picks_one(tmp_path: Path) -> None:
    path = tmp_path / "breakdown.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,la_name,old_la_code,characteristic,count\n"
        "2025,Reporting year,National,,,Total,100\n"
        "2025,Reporting year,National,,,Girls,40\n"
        "2025,Reporting year,Local authority,Eastvale,998,Total,10\n"
        "2025,Reporting year,Local authority,Eastvale,998,Girls,4\n"
    )
    with pytest.raises(InputError) as exc:
        import_measures(path, "Eastvale", ["count"])
    assert "breakdown.csv row 5, column characteristic" in str(exc.value)
    assert "--where characteristic=VALUE" in str(exc.value)
    got = by_period(import_measures(path, "Eastvale", ["count"], where=["characteristic=Girls"]), "count")
    assert got["2024/25"]["Value"] == 4.0 and got["2024/25"]["England"] == 40.0
    with pytest.raises(UsageError, match="did you mean 'characteristic'"):
        import_measures(path, "Eastvale", ["count"], where=["characteristics=Girls"])


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("23", 23.0, ""),
        ("1,234", 1234.0, ""),
        (" 24.5 ", 24.5, ""),
        ("-3.5", -3.5, ""),
        ("c", None, "suppressed to protect confidentiality (c)"),
        ("z", None, "not applicable (z)"),
        ("x", None, "not available (x)"),
        (":", None, "not available (:)"),
        ("u", None, "low reliability (u): no figure published"),
        ("12.5u", 12.5, "low reliability (u)"),
        ("u 7", 7.0, "low reliability (u)"),
        ("", None, "no figure in the source (blank)"),
    ],
)
def test_parse_value(raw: str, value: float | None, note: str) -> None:
    assert parse_value(raw) == (value, note)


def test_parse_value_refuses_text() -> None:
    with pytest.raises(ValueError, match="neither a number nor a DfE code"):
        parse_value("Children in Need")


@pytest.mark.parametrize(
    ("period", "identifier", "expected"),
    [
        ("202425", "Academic year", "2024/25"),
        ("201920", "Financial year", "2019/20"),
        ("2025", "Reporting year", "2024/25"),
        ("2013", "Reporting year", "2012/13"),
        ("2000", "Reporting year", "1999/00"),
        ("2024", "Calendar year", "2024"),
        ("2024", "Spring term", "2024 Spring term"),
    ],
)
def test_board_period(period: str, identifier: str, expected: str) -> None:
    assert board_period(period, identifier) == expected


def test_is_ees_tells_a_release_from_an_indicator_list(tmp_path: Path) -> None:
    listing = tmp_path / "indicators.csv"
    listing.write_text("Priority,Indicator,Period,Value\nNeglect,X,2024/25,1\n")
    assert is_ees(D3) and is_ees(small_release(tmp_path)) and not is_ees(listing) and not is_ees(SN)


# -- what the import writes, and feeding a workbook directly --------------------------------------------------
def test_written_csv_reads_back_as_an_indicator_list(tmp_path: Path) -> None:
    out = write_indicator_csv(
        (
            {**r.record, "Priority": "Neglect"}
            for r in import_measures(D3, "Leeds", [MEASURE], neighbours=SN, periods=3)
        ),
        tmp_path / "l.csv",
    )
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's CSV UTF-8
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == c.INDICATORS_HEADERS
    rows = reader.read_indicators(out)
    assert [(r.period, r.value, r.england) for r in rows] == [
        ("2022/23", 21.8, 23.6),
        ("2023/24", 25.0, 24.7),
        ("2024/25", 23.0, 24.5),
    ]


def test_fill_straight_from_an_ees_download(tmp_path: Path) -> None:
    """An analyst's own list gives the EES measure a priority, a target and a tolerance (a row with no
    Period is a standing setting); the EES file gives the figures."""
    settings = tmp_path / "indicators.csv"
    settings.write_text(
        "Priority,Indicator,Period,Value,Target,Polarity,Tolerance\n"
        f"Neglect,{MEASURE},,,22,lower,2\n"
        "Neglect,Neglect audit score,2024/25,61,70,higher,5\n"
    )
    before = {p.name: sha256(p) for p in (D3, SN, settings)}
    result = fill_workbook(
        tmp_path / "perf.xlsx",
        load_config(),
        indicators=[D3, settings],
        ees_options=EesOptions(la="Leeds", measures=[MEASURE], neighbours=SN, periods=2),
    )
    assert {p.name: sha256(p) for p in (D3, SN, settings)} == before
    table = CalamineWorkbook.from_path(str(result.out), load_tables=True).get_table_by_name(c.INDICATORS)
    rows = [dict(zip(table.columns, r, strict=True)) for r in table.to_python()]
    imported = {r["Period"]: r for r in rows if r["Indicator"] == MEASURE}
    assert set(imported) == {"2023/24", "2024/25"}
    latest = imported["2024/25"]
    assert (latest["Priority"], latest["Value"], latest["Previous"], latest["Target"]) == ("Neglect", 23.0, 25.0, 22.0)
    assert (latest["RAG"], latest["Trend"], latest["England"], latest["Statistical neighbours"]) == (
        "Amber",
        "Improving",
        24.5,
        22.0,
    )  # 23 is within 2 of 22; down from 25 and lower is better
    assert latest["Source"] == D3.name
    assert [r["Indicator"] for r in rows].count("Neglect audit score") == 1
    assert len(rows) == 3  # the standing settings row is not shown


def test_fill_needs_la_and_measure_for_an_ees_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="give --la and at least one --measure"):
        fill_workbook(tmp_path / "perf.xlsx", load_config(), indicators=[D3])
