"""What a ribbon press costs before its handler's first line: a fresh Python that imports xlwings (RunPython's
first import), then boardbook.excel and the handler's module, as ``boardbook.excel.dispatch`` does.

    .venv/bin/python benchmarks/press.py --runs 15

Two environments, interleaved run by run so machine load hits both alike:
- ``as installed here``: this venv, where the test extra brings pandas and numpy (xlwings imports pandas and
  numpy when present; openpyxl imports numpy when present);
- ``runtime only``: the same venv with pandas and numpy made unimportable (``sys.modules[name] = None``, which
  libraries' ``try: import`` treat as not installed), i.e. what ``pip install boardbook`` gives.

Windows adds what cannot be measured here: Excel starting python.exe through COM/WScript, and xlwings' COM server
round trip. Prints the minimum and median wall time (process start to the handler imported) and, for one run of
each, the slowest imports by ``python -X importtime``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PRESS = (
    "import importlib, xlwings, boardbook.excel as e; "
    "[importlib.import_module(t.partition(':')[0]) for t in set(e.HANDLERS.values())]"
)
BLOCK = "import sys; sys.modules.update(numpy=None, pandas=None); "
ENVIRONMENTS = {"as installed here": PRESS, "runtime only": BLOCK + PRESS}


def one(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def slowest(code: str, n: int = 8) -> list[tuple[str, float]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            rows.append((parts[2].strip(), int(parts[1]) / 1e6))  # top-level imports only (no indentation)
    return sorted(rows, key=lambda r: -r[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in ENVIRONMENTS}
    one(PRESS)  # warm the file cache once
    for _ in range(args.runs):
        for name, code in ENVIRONMENTS.items():
            times[name].append(one(code))
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, seconds from process start to handler imported")
    for name, runs in times.items():
        print(f"  {name:18} min {min(runs):.3f}  median {statistics.median(runs):.3f}")
    for name, code in ENVIRONMENTS.items():
        print(f"slowest top-level imports ({name}, one run, cumulative s):")
        for module, seconds in slowest(code):
            print(f"  {module:30} {seconds:.3f}")


if __name__ == "__main__":
    main()
