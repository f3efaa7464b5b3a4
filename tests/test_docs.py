"""The README stays true: every problem code is documented, and the two set-up commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from boardbook.section11.validate import CODES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_problem_code_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", README, flags=re.MULTILINE))
    assert set(CODES) <= documented, f"undocumented codes: {sorted(set(CODES) - documented)}"


def test_two_setup_commands_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
