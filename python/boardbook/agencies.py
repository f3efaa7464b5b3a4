"""The agency list: who is expected to return, their sector, email and partnerships.

A CSV with a header row ``Agency, Sector, Email, Partnerships`` (``Name`` is accepted for
``Agency``; Partnerships separated by ``;``, or ``All``). Errors name the file, row and column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from boardbook.config import Agency, split_partnerships
from boardbook.errors import ConfigError
from boardbook.folding import fold

COLUMNS = ("Agency", "Sector", "Email", "Partnerships")


def load_agencies(path: str | Path) -> tuple[Agency, ...]:
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"agency list not found: {p}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p.name}: not a UTF-8 CSV file; save the agency list as 'CSV UTF-8'") from None
    except OSError as exc:
        raise ConfigError(f"cannot read agency list {p}: {exc.strerror or exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))  # any line endings, incl. CR-only (Mac CSV)
    fields = {(f or "").strip().casefold(): f for f in reader.fieldnames or []}
    name_col = fields.get("agency") or fields.get("name")
    if name_col is None:
        raise ConfigError(f"{p.name}: row 1 needs a column 'Agency' (found: {', '.join(reader.fieldnames or [])})")

    def col(row: dict[str, str | None], name: str) -> str:
        f = fields.get(name.casefold())
        return (row.get(f) or "").strip() if f else ""

    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(reader, start=2):
        name = (row.get(name_col) or "").strip()
        if not name:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                raise ConfigError(f"{p.name}: row {n}, column Agency is blank")
            continue
        k = fold(name)
        if k in seen:
            raise ConfigError(f"{p.name}: row {n}, column Agency: {name!r} is listed twice (also row {seen[k]})")
        seen[k] = n
        agencies.append(
            Agency(
                name, col(row, "Sector"), col(row, "Email"), split_partnerships(col(row, "Partnerships")) or ("All",)
            )
        )
    if not agencies:
        raise ConfigError(f"{p.name}: the agency list has no agencies")
    return tuple(agencies)
