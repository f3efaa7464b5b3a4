"""Shared by the benchmark drivers: run one measured process, take medians, describe the machine, print
tables both to the terminal (rich) and as Markdown (for benchmarks/README.md)."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "_measure.py"
MARK = "BENCH-JSON "
PYTHON = sys.executable


def default_workdir() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / "boardbook-bench"


def cpu_busy(seconds: float = 0.5) -> float:
    """Share of all cores busy (0..1) over ``seconds``, from /proc/stat; 0 where it cannot be read."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


WAIT_IDLE = {"seconds": 0.0, "threshold": 0.15, "budget": 900.0}  # budget: most waiting in one invocation


def wait_for_quiet() -> float:
    """Before a run, wait (up to WAIT_IDLE seconds) until other work uses under the threshold of the cores.

    Returns the busy share seen last: the run is flagged when it started on a busy machine.
    """
    start = time.time()
    deadline = start + min(WAIT_IDLE["seconds"], WAIT_IDLE["budget"])
    busy = cpu_busy()
    while busy > WAIT_IDLE["threshold"] and time.time() < deadline:
        time.sleep(2)
        busy = cpu_busy()
    WAIT_IDLE["budget"] -= time.time() - start
    return busy


def run_measured(args: Sequence[str], *, cwd: Path | None = None) -> dict:
    """Start ``_measure.py ARGS`` in a fresh process; its JSON result plus ``total`` (spawn to exit, seconds)."""
    busy = wait_for_quiet()
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    t0 = time.time()
    env["BENCH_T0"] = repr(t0)
    proc = subprocess.run([PYTHON, str(MEASURE), *args], env=env, cwd=cwd, capture_output=True, text=True)
    total = time.time() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
    if not lines:
        raise RuntimeError(f"{' '.join(args)} printed no result:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    result = json.loads(lines[-1][len(MARK) :])
    result["total"] = total
    result["busy_before"] = busy
    return result


@dataclass
class Measured:
    """Repeated runs of one variant; medians per field."""

    runs: list[dict] = field(default_factory=list)

    def median(self, key: str) -> float | None:
        values = [r[key] for r in self.runs if r.get(key) is not None]
        return statistics.median(values) if values else None

    def busy_runs(self) -> int:
        """Runs that started while other work used more than the threshold of the cores."""
        return sum(1 for r in self.runs if r.get("busy_before", 0) > WAIT_IDLE["threshold"])

    def spread(self, key: str = "total") -> tuple[float, float] | None:
        values = [r[key] for r in self.runs if r.get(key) is not None]
        return (min(values), max(values)) if values else None


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    versions = {}
    for module in ("boardbook", "openpyxl", "python_calamine", "xlsxwriter"):
        try:
            from importlib.metadata import version

            versions[module] = version(module.replace("_", "-"))
        except Exception:  # a missing library is reported, not fatal
            versions[module] = "not installed"
    commit = ""
    with contextlib.suppress(OSError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "commit": commit,
    }


def fmt_s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def print_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    markdown: list[str],
    right: Sequence[int] = (),
    note: str = "",
) -> None:
    """Print with rich, and append the same table as Markdown to ``markdown``."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, caption=note or None)
    for i, h in enumerate(headers):
        table.add_column(h, justify="right" if i in right else "left", overflow="fold")
    for row in rows:
        style = {"PASS": "green", "FAIL": "bold red"}
        table.add_row(*[f"[{style[c]}]{c}[/{style[c]}]" if c in style else c for c in row])
    Console(width=240).print(table)
    markdown.append(f"**{title}**\n")
    markdown.append("| " + " | ".join(headers) + " |")
    markdown.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    for row in rows:
        markdown.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    if note:
        markdown.append(f"\n{note}")
    markdown.append("")
