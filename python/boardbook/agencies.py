"""The agency list: who is expected to return, their sector, email and partnerships.

A CSV (saved any way ``csvfile`` recognises) with a header row ``Agency, Sector, Email, Partnerships``
(``Name`` is accepted for ``Agency``; Partnerships separated by ``;``, or ``All``) and optionally ``Aliases``:
the agency's former names, ``;``-separated, so a renamed or merged agency keeps its history across rounds.
Errors name the file, row and column.
"""

from __future__ import annotations

from pathlib import Path

from boardbook.config import Agency, split_aliases, split_partnerships
from boardbook.csvfile import read_csv
from boardbook.errors import ConfigError, WorkbookError
from boardbook.folding import fold

COLUMNS = ("Agency", "Sector", "Email", "Partnerships")


def load_agencies(path: str | Path) -> tuple[Agency, ...]:
    p = Path(path)
    try:
        found = read_csv(p)
    except WorkbookError as exc:
        raise ConfigError(f"agency list {p}: {exc.problem}") from None
    rows = [dict(zip(found.rows[0], r, strict=False)) for r in found.rows[1:]] if found.rows else []
    fieldnames = found.rows[0] if found.rows else []
    fields = {fold(f): f for f in fieldnames}
    name_col = fields.get("agency") or fields.get("name")
    if name_col is None:
        raise ConfigError(f"{p.name}: row 1 needs a column 'Agency' (found: {', '.join(fieldnames)}; {found.how})")

    def col(row: dict[str, str], name: str) -> str:
        f = fields.get(fold(name))
        return (row.get(f) or "").strip() if f else ""

    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for n, row in zip(found.lines[1:], rows, strict=True):
        name = (row.get(name_col) or "").strip()
        if not name:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                raise ConfigError(f"{p.name}: row {n}, column Agency is blank")
            continue
        k = fold(name)
        if k in seen:
            raise ConfigError(f"{p.name}: row {n}, column Agency: {name!r} is listed twice (also row {seen[k]})")
        seen[k] = n
        aliases = split_aliases(col(row, "Aliases"))
        for alias in aliases:
            if fold(alias) in seen and seen[fold(alias)] != n:
                raise ConfigError(
                    f"{p.name}: row {n}, column Aliases: {alias!r} is already a name or former name on row "
                    f"{seen[fold(alias)]}; give each former name to one agency only"
                )
            seen[fold(alias)] = n
        agencies.append(
            Agency(
                name,
                col(row, "Sector"),
                col(row, "Email"),
                split_partnerships(col(row, "Partnerships")) or ("All",),
                aliases,
            )
        )
    if not agencies:
        raise ConfigError(f"{p.name}: the agency list has no agencies")
    return tuple(agencies)
