"""Where ``s11 collate`` spends its time, phase by phase: one cProfile per phase (read, validate, rules, write).

    .venv/bin/python benchmarks/profile_collate.py --size 5000 [--top 15] [--sort tottime]

Runs ``collate`` once in this process (``--jobs 1``) on the benchmark's returns, with the profiler switched
to the phase being run: ``load_return`` is "read", ``validate_return`` is "validate", ``fill_summary`` and
``OpenpyxlBook.save`` are "write", everything else inside ``collate`` is "rules" (as in collate's own
``timings``: the template, carrying manual columns forward, the rules). Prints each phase's top functions and
saves ``profile-<phase>-<size>.prof`` in the work folder (open with ``python -m pstats`` or snakeviz).
cProfile adds overhead to every Python call, so the seconds here are larger than the benchmark's.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

from _common import default_workdir

PHASES = ("read", "validate", "rules", "write")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    ap.add_argument("--workdir", type=Path, default=default_workdir())
    args = ap.parse_args(argv)

    from collate import ensure_returns

    returns = ensure_returns(args.workdir, args.size)
    import boardbook.section11.pipeline as cm
    from boardbook.book.openpyxl_book import OpenpyxlBook
    from boardbook.config import load_config

    profiles = {p: cProfile.Profile() for p in PHASES}
    seconds = dict.fromkeys(PHASES, 0.0)
    stack: list[tuple[str, float]] = []

    def wrap(fn, phase: str):
        def run(*a, **k):
            now = time.perf_counter()
            if stack:
                outer, since = stack[-1]
                profiles[outer].disable()
                seconds[outer] += now - since
            stack.append((phase, now))
            profiles[phase].enable()
            try:
                return fn(*a, **k)
            finally:
                profiles[phase].disable()
                end = time.perf_counter()
                seconds[phase] += end - stack.pop()[1]
                if stack:
                    outer, _ = stack.pop()
                    stack.append((outer, end))
                    profiles[outer].enable()

        return run

    cm.load_return = wrap(cm.load_return, "read")
    cm.validate_return = wrap(cm.validate_return, "validate")
    cm.fill_summary = wrap(cm.fill_summary, "write")
    OpenpyxlBook.save = wrap(OpenpyxlBook.save, "write")
    collate = wrap(cm.collate, "rules")

    out = args.workdir / "out" / f"profiled-{args.size}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in (out, out.with_name(f"{out.stem}.backup.xlsx")):
        stale.unlink(missing_ok=True)
    t = time.perf_counter()
    collate([returns], out, load_config(), jobs=1)
    wall = time.perf_counter() - t
    print(
        f"collate of {args.size:,} returns under cProfile: {wall:.2f} s "
        + ", ".join(f"{p} {seconds[p]:.2f} s" for p in PHASES)
    )
    for phase in PHASES:
        path = args.workdir / f"profile-{phase}-{args.size}.prof"
        profiles[phase].dump_stats(str(path))
        text = io.StringIO()
        stats = pstats.Stats(profiles[phase], stream=text).strip_dirs().sort_stats(args.sort)
        stats.print_stats(args.top)
        body = text.getvalue()
        body = body[body.find("   ncalls") :] if "   ncalls" in body else body
        print(f"\n=== {phase}: {seconds[phase]:.2f} s (profile saved to {path}) ===")
        print(body.rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
