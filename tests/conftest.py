"""Shared fixtures: real returns written to disk through the same code agencies' files come from."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from boardbook.config import Config, load_config
from boardbook.section11 import contract as c
from boardbook.templates.section11_return import build_return

GOOD_EVIDENCE = "Policy approved by the board on 12/02/2026; audit of 40 case files; training at 94%."


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


def make_return(
    folder: Path,
    config: Config,
    agency: str = "Moorlands Police",
    *,
    ratings: Sequence[object] | None = None,
    evidence: Sequence[object] | None = None,
    completed_on: object = date(2026, 5, 1),
    partnership: str | None = None,
    sector: str = "Police",
    round_: str = "2026",
    file_name: str | None = None,
    rows: list[list[object]] | None = None,
) -> Path:
    """Write a filled return (template + port) and return its path. ``rows`` replaces the table body."""
    book = build_return(config)
    book.set_name("Agency", agency)
    book.set_name("Sector", sector)
    book.set_name("Partnership", partnership or config.partnership)
    book.set_name("Round", round_)
    book.set_name("CompletedBy", "A. Tester")
    book.set_name("CompletedOn", completed_on)
    if rows is None:
        n = len(config.standards)
        ratings = list(ratings) if ratings is not None else ["Fully met"] * n
        evidence = list(evidence) if evidence is not None else [GOOD_EVIDENCE] * n
        rows = [[s.ref, s.title, ratings[i], evidence[i], None, None, None]
                for i, s in enumerate(config.standards)]
    book.write_table(c.ASSESSMENT, rows)
    path = folder / (file_name or f"{agency}.xlsx")
    book.save(path)
    return path


@pytest.fixture
def return_factory(tmp_path: Path, config: Config) -> Callable[..., Path]:
    folder = tmp_path / "returns"
    folder.mkdir(exist_ok=True)

    def factory(agency: str = "Moorlands Police", **kwargs: object) -> Path:
        cfg = kwargs.pop("config", config)
        return make_return(folder, cfg, agency, **kwargs)  # type: ignore[arg-type]

    return factory


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``: inputs must be byte-identical after any run."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def three(return_factory: Callable[..., Path], config: Config) -> Path:
    """A returns folder: two good returns and one with a typo (collate and re-collation tests)."""
    return_factory("Moorlands Police")
    return_factory("Northmoor ICB", sector="Health",
                   ratings=["Mostly met", "Partially met", "Not met", "Not applicable"] + ["Fully met"] * 6)
    return_factory("Fellside Council", sector="District council", ratings=["Fuly met"] + ["Fully met"] * 9)
    return return_factory("Moorlands Police").parent
