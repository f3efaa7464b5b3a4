"""Import DfE open data (Explore Education Statistics CSVs) as indicator rows for one local authority.

One row per measure and period, in the ``Indicators`` input format: ``Indicator`` is the measure column,
``Period`` as boards write it, ``Value`` the LA's figure, ``England`` the National row's, ``Statistical
neighbours`` the simple mean of the available figures of the LA's ten DfE statistical neighbours (1 d.p.),
``Source`` the file name, and ``Note`` why a figure is missing. DfE's symbols: ``c`` suppressed, ``z`` not
applicable, ``x`` and ``:`` not available give an empty value with the reason in Note; a figure flagged
``u`` (low reliability) is kept with a note — a bare ``u`` has no figure to keep::

    >>> rows = import_measures("d3_cpps_subsequent_plan_2013_to_2025.csv", "Leeds",
    ...                        ["CPP_subsequent_percent"], neighbours="sn_model_2025_wide.csv")  # doctest: +SKIP
    >>> rows[-1].record["Period"], rows[-1].record["Value"], rows[-1].record["England"]        # doctest: +SKIP
    ('2024/25', 23.0, 24.5)

Files are read with the standard library: a byte-order mark, quoted empty strings and numbers with
thousands commas are all expected. The neighbour file (e.g. ``sn_model_2025_wide.csv``) names LAs by
their old three-digit codes (``old_la_code``, ``SN_1`` … ``SN_10``), matched to the EES file's
``old_la_code``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from boardbook.atomic import atomic_path
from boardbook.csvfile import read_csv as read_csv_file
from boardbook.errors import Location, UsageError
from boardbook.performance import contract as c
from boardbook.performance import rules
from boardbook.performance.definitions import definition
from boardbook.performance.model import InputError, Problem, Where, fold
from boardbook.problems import INFO
from boardbook.suggest import close_matches

REQUIRED = ("time_period", "time_identifier", "geographic_level", "la_name")
DIMENSIONS = frozenset(
    {
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "lad_code",
        "lad_name",
        "opportunity_area_code",
        "opportunity_area_name",
        "ward_code",
        "ward_name",
        "pcon_code",
        "pcon_name",
        "rsc_region_lead_name",
        "english_devolved_area_code",
        "english_devolved_area_name",
        "local_enterprise_partnership_code",
        "local_enterprise_partnership_name",
        "school_urn",
        "school_laestab",
        "school_name",
    }
)
LOCAL_AUTHORITY, NATIONAL = "local authority", "national"
CODES = {
    "c": "suppressed to protect confidentiality (c)",
    "z": "not applicable (z)",
    "x": "not available (x)",
    ":": "not available (:)",
    "u": "low reliability (u): no figure published",
}
NEIGHBOURS = tuple(f"SN_{i}" for i in range(1, 11))
_FLAGGED = re.compile(r"^(?:u\s*)?([-+]?(?:\d[\d,]*)?\.?\d+)(?:\s*u)?$", re.IGNORECASE)


@dataclass
class EesTable:
    """An EES CSV: its headers and rows (row 1 is the header), values as text."""

    path: Path
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


@dataclass
class Imported:
    """An indicator record made from the row ``row`` of an EES file."""

    row: int
    record: dict[str, object]
    problems: list[Problem] = field(default_factory=list)  # notes (Info) for the Problems table


def read_csv(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Headers and rows (with their line numbers) of a CSV, however it was saved (``csvfile``); values stripped."""
    found = read_csv_file(path)
    if not found.rows:
        return [], []
    header = [h.strip() for h in found.rows[0]]
    rows = []
    for n, values in zip(found.lines[1:], found.rows[1:], strict=True):
        if not any(v.strip() for v in values):
            continue
        rows.append((n, {h: (values[j].strip() if j < len(values) else "") for j, h in enumerate(header)}))
    return header, rows


def read_ees(path: str | Path) -> EesTable:
    """Read an EES CSV, checking it has the columns every EES file has.

    Raises:
        InputError: the header is not an EES one (names row 1 and the missing column).
    """
    headers, rows = read_csv(path)
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        found = ", ".join(h for h in headers if h) or "nothing"
        raise InputError(
            [
                Where(str(path), 1).problem(
                    "ees-columns-missing",
                    missing[0],
                    f"not a DfE open-data (EES) CSV: missing {', '.join(missing)} (found: {_clip(found)})",
                )
            ]
        )
    return EesTable(Path(path), headers, rows)


def is_ees(path: str | Path) -> bool:
    """True when a CSV's header names the EES time and geography columns (so it is imported, not read
    as an indicator list)."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".txt"):
        return False
    try:
        with p.open("rb") as fh:
            first = fh.readline(65536).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    header = {h.strip().strip('"') for h in first.split(",")}
    return {"time_period", "geographic_level"} <= header


def board_period(time_period: str, time_identifier: str) -> str:
    """ "2024/25" for academic or financial year 202425, and for reporting year 2025 (the year ending
    31 March 2025); "2024" for a calendar year; otherwise the period as DfE gives it."""
    tp, ti = time_period.strip(), " ".join(time_identifier.split()).casefold()
    if re.fullmatch(r"\d{6}", tp):
        return f"{tp[:4]}/{tp[4:]}"
    if re.fullmatch(r"\d{4}", tp):
        year = int(tp)
        if ti in ("reporting year", "financial year ending", "year ending march"):
            return f"{year - 1}/{year % 100:02d}"
        if ti in ("calendar year", ""):
            return tp
    return f"{tp} {time_identifier.strip()}".strip()


def parse_value(raw: str) -> tuple[float | None, str]:
    """A figure and a note from an EES cell: codes give no figure and their meaning; "u" flags a figure.

    Raises:
        ValueError: text that is neither a number nor a DfE code.
    """
    text = (raw or "").strip()
    if not text:
        return None, "no figure in the source (blank)"
    code = text.casefold()
    if code in CODES:
        return None, CODES[code]
    m = _FLAGGED.match(text)
    if m:
        value = float(m.group(1).replace(",", ""))
        return value, ("low reliability (u)" if "u" in code else "")
    raise ValueError(f"'{text}' is neither a number nor a DfE code (c, z, x, :, u)")


# -- the import ---------------------------------------------------------------------------------------
def import_measures(
    path: str | Path,
    la: str,
    measures: Sequence[str],
    *,
    neighbours: str | Path | None = None,
    periods: int | None = None,
    where: Sequence[str] = (),
) -> list[Imported]:
    """Indicator records for ``la`` (name, old or new LA code), one per measure and period.

    Args:
        periods: keep only the latest N periods.
        where: ``column=value`` filters for files with a breakdown (several rows per LA and period).

    Raises:
        InputError / WorkbookError / UsageError: naming the file, row or column.
    """
    table = read_ees(path)
    name = table.path.name
    if not measures:
        raise UsageError("give at least one --measure (a column of the EES file)")
    for m in measures:
        if m not in table.headers:
            hint = close_matches(m, [h for h in table.headers if h not in DIMENSIONS])
            raise InputError(
                [
                    Where(str(path), 1).problem(
                        "ees-measure-missing",
                        m,
                        f"the measure column '{m}' is not in the file"
                        + (f" (did you mean '{hint[0]}'?)" if hint else "")
                        + f"; its measures are: {_clip(', '.join(_measures(table)))}",
                    )
                ]
            )
        if m in DIMENSIONS:
            raise UsageError(
                f"{name}: '{m}' is a time or geography column, not a measure; its measures are: "
                f"{_clip(', '.join(_measures(table)))}"
            )
    rows = _filtered(table, where)
    la_rows = _la_rows(table, rows, la)
    by_period = _one_per_period(table, la_rows, la)
    national = _one_per_period(table, [r for r in rows if fold(r[1]["geographic_level"]) == NATIONAL], "England")
    chosen = sorted(by_period, key=lambda p: (rules.period_key(p), p))
    if periods:
        chosen = chosen[-periods:]
    sn_codes: list[str] = []
    by_code: dict[tuple[str, str], dict[str, str]] = {}
    if neighbours is not None:
        latest = by_period[chosen[-1]][1] if chosen else {}
        sn_codes = neighbour_codes(neighbours, latest.get("old_la_code", ""), latest.get("la_name", la))
        for _n, r in rows:
            if fold(r["geographic_level"]) == LOCAL_AUTHORITY and r.get("old_la_code"):
                by_code[(r["time_period"], r["old_la_code"])] = r

    out = []
    for m in measures:
        info = definition(m)
        for period in chosen:
            n, r = by_period[period]
            here = Where(str(path), n)
            notes = []
            problems = []
            try:
                value, note = parse_value(r[m])
            except ValueError as exc:
                raise InputError([here.problem("ees-value-invalid", m, str(exc))]) from None
            if note:
                notes.append(note)
                code = "ees-suppressed" if value is None else "ees-low-reliability"
                problems.append(here.problem(code, m, f"{period}: {note}", INFO))
            england = None
            if period in national:
                try:
                    england, e_note = parse_value(national[period][1][m])
                except ValueError:
                    england, e_note = None, "not a number"
                if e_note and england is None:
                    notes.append(f"England: {e_note}")
                    problems.append(
                        Where(str(path), national[period][0]).problem(
                            "ees-england-missing", m, f"{period}: England: {e_note}", INFO
                        )
                    )
            else:
                notes.append("England: no National row for this period")
                problems.append(
                    here.problem("ees-england-missing", m, f"{period}: England: no National row for this period", INFO)
                )
            sn = None
            if sn_codes:
                values = []
                for code in sn_codes:
                    row = by_code.get((r["time_period"], code))
                    try:
                        v = parse_value(row[m])[0] if row is not None else None
                    except ValueError:
                        v = None
                    values.append(v)
                sn, available = rules.mean_of_available(values)
                if available < len(sn_codes):
                    partial = f"statistical neighbours: mean of {available} of {len(sn_codes)} available"
                    notes.append(partial)
                    problems.append(here.problem("ees-neighbours-partial", m, f"{period}: {partial}", INFO))
            out.append(
                Imported(
                    n,
                    {
                        "Priority": "",
                        "Indicator": m,
                        "Definition": info.text if info else "",
                        "Period": period,
                        "Value": value,
                        "Polarity": info.polarity if info and info.polarity else "",
                        "Statistical neighbours": sn,
                        "England": england,
                        "Source": name,
                        "Note": "; ".join(notes),
                    },
                    problems,
                )
            )
    return out


def _measures(table: EesTable) -> list[str]:
    """Columns that hold figures (some value in the first rows is a number)."""

    def numeric(h: str) -> bool:
        for _n, r in table.rows[:200]:
            try:
                if parse_value(r.get(h, ""))[0] is not None:
                    return True
            except ValueError:
                return False
        return False

    return [h for h in table.headers if h and h not in DIMENSIONS and numeric(h)]


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _filtered(table: EesTable, where: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    rows = table.rows
    for condition in where:
        column, sep, value = condition.partition("=")
        column, value = column.strip(), value.strip()
        if not sep or column not in table.headers:
            raise UsageError(
                f"--where {condition!r}: use COLUMN=VALUE with a column of {table.path.name}"
                + (
                    f" (did you mean '{close_matches(column, table.headers)[0]}'?)"
                    if close_matches(column, table.headers)
                    else ""
                )
            )
        rows = [(n, r) for n, r in rows if fold(r.get(column, "")) == fold(value)]
    return rows


def _la_key(text: str) -> str:
    return fold(re.sub(r"[.,']", "", text.replace("&", " and ")))


def _la_rows(table: EesTable, rows: Iterable[tuple[int, dict[str, str]]], la: str) -> list[tuple[int, dict[str, str]]]:
    las = [(n, r) for n, r in rows if fold(r["geographic_level"]) == LOCAL_AUTHORITY]
    key = _la_key(la)
    found = [
        (n, r)
        for n, r in las
        if _la_key(r["la_name"]) == key or la.strip() in (r.get("old_la_code"), r.get("new_la_code"))
    ]
    if not found:
        names = sorted({r["la_name"] for _n, r in las})
        hint = [n for n in names if key and (key in _la_key(n) or _la_key(n) in key)][:3]
        hint += [h for h in close_matches(la, names, n=3) if h not in hint][: 3 - len(hint)]
        raise InputError(
            [
                Problem.at(
                    "ees-la-unknown",
                    Location(str(table.path), column="la_name"),
                    f"no local authority '{la}' in this file"
                    + (
                        f" (did you mean {' or '.join(repr(h) for h in hint)}?)"
                        if hint
                        else f" ({len(names)} local authorities, e.g. {', '.join(names[:3])})"
                    ),
                )
            ]
        )
    return found


def _one_per_period(
    table: EesTable, rows: list[tuple[int, dict[str, str]]], who: str
) -> dict[str, tuple[int, dict[str, str]]]:
    out: dict[str, tuple[int, dict[str, str]]] = {}
    for n, r in rows:
        period = board_period(r["time_period"], r["time_identifier"])
        if period in out:
            m, other = out[period]
            differ = [
                h
                for h in table.headers
                if h not in DIMENSIONS
                and r.get(h) != other.get(h)
                and not _looks_numeric(r.get(h, ""))
                and not _looks_numeric(other.get(h, ""))
            ]
            hint = f"; choose one with --where {differ[0]}=VALUE" if differ else ""
            raise InputError(
                [
                    Where(str(table.path), n).problem(
                        "ees-breakdown",
                        differ[0] if differ else "time_period",
                        f"a second row for {who} in {period} (also row {m}): the file has a breakdown{hint}",
                    )
                ]
            )
        out[period] = (n, r)
    return out


def _looks_numeric(text: str) -> bool:
    try:
        parse_value(text)
    except ValueError:
        return False
    return True


def neighbour_codes(path: str | Path, old_la_code: str, la_name: str = "") -> list[str]:
    """The old LA codes of an LA's ten statistical neighbours, from a DfE neighbour file (wide)."""
    headers, rows = read_csv(path)
    missing = [h for h in ("old_la_code", *NEIGHBOURS) if h not in headers]
    if missing:
        raise InputError(
            [
                Where(str(path), 1).problem(
                    "ees-neighbours-invalid",
                    missing[0],
                    "not a DfE statistical neighbour file: "
                    f"missing {', '.join(missing)} (found: {_clip(', '.join(headers))})",
                )
            ]
        )
    for _n, r in rows:
        if r["old_la_code"] == old_la_code:
            return [r[h] for h in NEIGHBOURS if r.get(h)]
    raise InputError(
        [
            Problem.at(
                "ees-neighbours-la-missing",
                Location(str(path), column="old_la_code"),
                f"no row for {la_name or 'the local authority'} (old_la_code {old_la_code or 'unknown'})",
            )
        ]
    )


# -- output -------------------------------------------------------------------------------------------------
def write_indicator_csv(records: Iterable[dict[str, object]], out: str | Path) -> Path:
    """Write indicator records as a CSV in the ``Indicators`` columns (UTF-8 with a byte-order mark, as Excel
    saves "CSV UTF-8"), atomically."""
    target = Path(out)
    with atomic_path(target) as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(c.INDICATORS_HEADERS)
        for rec in records:
            w.writerow([_csv_value(rec.get(h)) for h in c.INDICATORS_HEADERS])
    return target


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    return value
