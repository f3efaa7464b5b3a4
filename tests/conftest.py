"""Shared fixtures: real returns written to disk through the same code agencies' files come from.

Fixtures and hooks only; the helpers they use (and tests import) live in ``tests/helpers.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from boardbook.config import Config, load_config
from boardbook.demo import DemoResult, run_demo
from tests.helpers import make_return  # also still imported from here by test_excel_handlers.py (to move)


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The bundled demo without its schools, run once for every module that reads it (about 20 s a run).
    Readers only: a test that writes puts its outputs in a folder of its own below ``folder``."""
    return run_demo(tmp_path_factory.mktemp("demo"), schools=0)


@pytest.fixture
def return_factory(tmp_path: Path, config: Config) -> Callable[..., Path]:
    folder = tmp_path / "returns"
    folder.mkdir(exist_ok=True)

    def factory(agency: str = "Moorlands Police", **kwargs: object) -> Path:
        cfg = kwargs.pop("config", config)
        return make_return(folder, cfg, agency, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def three(return_factory: Callable[..., Path], config: Config) -> Path:
    """A returns folder: two good returns and one with a typo (collate and re-collation tests)."""
    return_factory("Moorlands Police")
    return_factory(
        "Northmoor ICB",
        sector="Health",
        ratings=["Mostly met", "Partially met", "Not met", "Not applicable"] + ["Fully met"] * 6,
    )
    return_factory("Fellside Council", sector="District council", ratings=["Fuly met"] + ["Fully met"] * 9)
    return return_factory("Moorlands Police").parent
