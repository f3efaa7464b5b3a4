"""Make many realistic section 11 returns fast: a few real returns built by boardbook, then copies whose
agency name and ratings are rewritten inside the package (no openpyxl per file)."""

from __future__ import annotations

import random
import re
import zipfile
from datetime import date
from pathlib import Path

from boardbook.config import Config, load_config
from boardbook.section11 import contract as c
from boardbook.templates.section11_return import build_return

PLACEHOLDER = "AGENCY-PLACEHOLDER-0000000"
EVIDENCE = (
    "Safeguarding policy approved by the board on 12/02/2026; audit of {n} case files; training at {p}%.",
    "Named lead in post since 2021; supervision records sampled ({n}); quarterly reports to the executive.",
    "Yes",
)


def _variants(
    config: Config, folder: Path, k: int, rng: random.Random, partnership: str | None = None
) -> list[dict[str, bytes]]:
    """``k`` real returns with different ratings, as {part name: bytes}."""
    labels = config.scale.labels
    out = []
    for v in range(k):
        book = build_return(config)
        book.set_name("Agency", PLACEHOLDER)
        if partnership:
            book.set_name("Partnership", partnership)
        book.set_name("Sector", rng.choice(["Health", "Police", "Local authority", "Education", "Voluntary sector"]))
        book.set_name("Round", "2026")
        book.set_name("CompletedBy", "A. Tester")
        book.set_name("CompletedOn", date(2026, 5, 1 + v % 28))
        rows = []
        for s in config.standards:
            rating = rng.choices(labels, weights=(30, 40, 18, 6, 6))[0]
            evidence = rng.choice(EVIDENCE).format(n=rng.randint(5, 90), p=rng.randint(60, 99))
            rows.append(
                [
                    s.ref,
                    s.title,
                    rating,
                    evidence,
                    "Review the policy" if rating in labels[2:4] else None,
                    "DSL",
                    date(2026, 12, 1),
                ]
            )
        book.write_table(c.ASSESSMENT, rows)
        path = book.save(folder / f"variant-{v}.xlsx")
        with zipfile.ZipFile(path) as zf:
            out.append({i.filename: zf.read(i.filename) for i in zf.infolist()})
        path.unlink()
    return out


def make_returns(
    folder: Path, n: int, *, seed: int = 1, config: Config | None = None, partnership: str | None = None
) -> list[Path]:
    """Write ``n`` returns (distinct agencies) into ``folder``; ``partnership``: what their Partnership cell says
    (default: the configured partnership)."""
    config = config or load_config()
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    variants = _variants(config, folder, 8, rng, partnership)
    paths = []
    for i in range(n):
        parts = variants[i % len(variants)]
        name = f"Agency {i:07d}"[: len(PLACEHOLDER)].ljust(len(PLACEHOLDER))
        path = folder / f"return-{i:05d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for part, data in parts.items():
                if part.startswith("xl/worksheets/"):
                    data = re.sub(PLACEHOLDER.encode(), name.strip().encode(), data)
                zf.writestr(part, data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    print(len(make_returns(Path(sys.argv[1]), int(sys.argv[2]))))
