"""Make one pre-filled return per agency for a new audit round.

Each return carries the agency, sector, partnership(s), round and standards; with the previous
round's summary, last round's rating and evidence too, for the agency to update.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from boardbook.book.fast import read_tables
from boardbook.config import Agency, Config
from boardbook.errors import UsageError
from boardbook.section11 import contract as c
from boardbook.section11 import rules
from boardbook.section11.rules import Key, key
from boardbook.templates.section11_return import ASSESSMENT_FORMATS, build_return


def file_name(agency: str, round_: str) -> str:
    """A safe, readable file name: 'Section 11 return 2026 - Northmoor Police.xlsx'."""
    safe = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", agency).strip(" .-") or "agency"
    r = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", round_).strip()
    return f"Section 11 return {r} - {safe}.xlsx"


def previous_answers(summary: str | Path, config: Config) -> dict[Key, tuple[str, str]]:
    """(agency, ref) -> (rating, evidence) from a previous round's summary file."""
    records = read_tables(summary, (c.RETURNS,), required=(c.RETURNS,))[c.RETURNS].records()
    return rules.previous_answers(records, config.scale)


def make_returns(
    agencies: Sequence[Agency],
    round_: str,
    out: str | Path,
    config: Config,
    *,
    previous: str | Path | None = None,
    partnership: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Write one return per agency expected for the partnership; returns the paths written."""
    partnership = partnership or config.partnership
    chosen = [a for a in agencies if a.returns_to(partnership)]
    if not chosen:
        raise UsageError(f"no agency in the list returns to {partnership!r}")
    carried = previous_answers(previous, config) if previous else {}
    folder = Path(out)
    names = [file_name(a.name, round_) for a in chosen]
    clashes = {n for n in names if names.count(n) > 1}
    if clashes:
        raise UsageError(f"two agencies would get the same file name: {sorted(clashes)[0]}")
    written = []
    for n, (agency, name) in enumerate(zip(chosen, names, strict=True), start=1):
        if progress:
            progress(n, len(chosen), agency.name)
        book = build_return(config)
        book.set_name("Agency", agency.name)
        book.set_name("Sector", agency.sector)
        book.set_name("Partnership", "; ".join(agency.partnerships))
        book.set_name("Round", round_)
        table = book.read_table(c.ASSESSMENT)
        rows = []
        for row in table.rows:
            ref = str(row[0])
            rating, evidence = carried.get(key(agency.name, ref), (None, None))
            rows.append([row[0], row[1], rating, evidence or None, None, None, None])
        book.write_table(c.ASSESSMENT, rows, formats=ASSESSMENT_FORMATS)
        book.set_choices(c.ASSESSMENT, "Rating", config.scale.labels)
        written.append(book.save(folder / name))
    return written
