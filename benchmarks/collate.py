"""Benchmark ``boardbook s11 collate`` against the naive openpyxl job and the calamine + XlsxWriter floor.

    .venv/bin/python benchmarks/collate.py --sizes 100,1000,5000

For each size N it makes N realistic returns (``returns_factory.make_returns``, kept under the work folder
and reused), then runs, each in its own fresh process and interleaved, repeated: boardbook (``--jobs 1``),
boardbook ``--jobs 2``, the naive job and the floor (see ``_measure.py``). It prints the medians, the ratios,
returns per second, peak RSS and the issue's targets with PASS/FAIL, then the fills (``fills.py``).
Not a test: nothing here is collected by pytest or run by ``make test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

from _common import WAIT_IDLE, Measured, default_workdir, fmt_s, fmt_x, machine, print_table, run_measured
from boardbook.section11.pipeline import auto_jobs

HERE = Path(__file__).resolve().parent
VARIANTS = ("boardbook", "boardbook --jobs 2", "naive", "floor")
RECOLLATE = "recollate"
PROTOTYPE = "prototype"
LABELS = {
    PROTOTYPE: "prototype: boardbook with streamed big tables (not project code)",  # in runs before 24 Nov 2026
    RECOLLATE: "info: boardbook s11 collate onto its existing summary",
    "boardbook": "boardbook s11 collate --jobs 1",
    "boardbook --jobs 2": "boardbook s11 collate --jobs 2",
    "naive": "naive (openpyxl load + append + save)",
    "floor": "floor (calamine + XlsxWriter constant_memory)",
}


def ensure_returns(workdir: Path, n: int) -> Path:
    """``workdir/returns-N`` with N returns, made once per version of the factory."""
    factory = HERE / "returns_factory.py"
    stamp_text = hashlib.sha256(factory.read_bytes()).hexdigest()
    folder = workdir / f"returns-{n}"
    stamp = folder / ".factory"
    if stamp.exists() and stamp.read_text() == stamp_text and len(list(folder.glob("*.xlsx"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    sys.path.insert(0, str(HERE))
    from returns_factory import make_returns

    t = time.perf_counter()
    make_returns(folder, n)
    stamp.write_text(stamp_text)
    print(f"made {n} returns in {folder} ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return folder


def measure_size(workdir: Path, n: int, repeats: int, naive_runs: int, recollate_runs: int) -> dict[str, Measured]:
    returns = ensure_returns(workdir, n)
    out_dir = workdir / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {v: Measured() for v in (*VARIANTS, RECOLLATE)}
    plan = [(rep, v) for rep in range(repeats) for v in VARIANTS if not (v == "naive" and rep >= naive_runs)]
    plan += [(rep, RECOLLATE) for rep in range(recollate_runs)]
    for rep, variant in plan:
        kind, *extra = variant.split()
        out = out_dir / f"{kind}{'-j2' if extra else ''}-{n}.xlsx"
        for stale in (out, out.with_name(f"{out.stem}.backup.xlsx")):  # a fresh collation, not a re-collation
            stale.unlink(missing_ok=True)
        if variant == RECOLLATE:  # onto the summary the plain run just wrote, as a board would after late returns
            kind, extra = "boardbook", []
            shutil.copyfile(out_dir / f"boardbook-{n}.xlsx", out)
        r = run_measured([kind, str(returns), str(out), *extra])
        results[variant].runs.append(r)
        print(
            f"  {n:>5} returns  {variant:<20} run {rep + 1}: {r['total']:.2f} s, {r['peak_mb']:.0f} MB", file=sys.stderr
        )
    return results


def phase_rows(n: int, res: dict[str, Measured]) -> list[list[str]]:
    naive, floor = res["naive"].median("total"), res["floor"].median("total")
    rows = []
    for variant in (*VARIANTS, RECOLLATE, PROTOTYPE):
        m = res.get(variant, Measured())
        total = m.median("total")
        if total is None:
            continue
        reading = m.median("reading_wall") if m.median("reading_wall") is not None else m.median("read")
        other = Measured(
            [
                {
                    "other": r["total"]
                    - sum(r.get(k) or 0 for k in ("startup", "rules", "write"))
                    - (r.get("reading_wall") if r.get("reading_wall") is not None else r.get("read") or 0)
                }
                for r in m.runs
            ]
        ).median("other")  # per run, then the median
        lo, hi = m.spread()
        workers = m.median("children_peak_mb")
        rss = f"{m.median('peak_mb'):.0f}" + (f" (workers {workers:.0f})" if workers else "")
        rows.append(
            [
                f"{n:,}",
                LABELS[variant],
                fmt_s(m.median("startup")),
                fmt_s(m.median("read")),
                fmt_s(m.median("validate")),
                fmt_s(reading),
                fmt_s(m.median("rules")),
                fmt_s(m.median("write")),
                fmt_s(other),
                f"{total:.2f} ({lo:.2f}–{hi:.2f})" if len(m.runs) > 1 else f"{total:.2f}",
                fmt_s(m.median("cpu")),
                fmt_x(naive / total if naive else None),
                fmt_x(total / floor if floor else None),
                f"{n / total:,.0f}",
                rss,
                f"{len(m.runs)}" + (f" ({m.busy_runs()} busy)" if m.busy_runs() else ""),
            ]
        )
    return rows


def short(variant: str, n: int) -> str:
    """``--jobs 1`` / ``--jobs 2``, saying which one the command runs when no --jobs is given."""
    if variant == PROTOTYPE:
        return "prototype"
    jobs = 2 if "2" in variant else 1
    return f"--jobs {jobs}" + (", the default here" if jobs == auto_jobs(n) else "")


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def target_rows(all_res: dict[int, dict[str, Measured]]) -> list[list[str]]:
    """[target, measured (wall), the same by CPU seconds, result]; the result is judged on wall time."""
    rows = []

    def by_cpu(ratio: float | None) -> str:
        return "—" if ratio is None else f"{ratio:.2f}×"

    def med(n: int, variant: str, key: str = "total") -> float | None:
        return all_res[n][variant].median(key) if n in all_res and variant in all_res[n] else None

    variants = ("boardbook", "boardbook --jobs 2", PROTOTYPE)
    for variant in variants:
        for n, need in ((1000, 3.0), (5000, 5.0)):
            bb, naive = med(n, variant), med(n, "naive")
            if bb and naive:
                cpu = med(n, "naive", "cpu") / med(n, variant, "cpu")
                rows.append(
                    [
                        f"end to end ≥ {need:.0f}× faster than naive at {n:,} ({short(variant, n)})",
                        f"{naive / bb:.2f}× ({naive:.2f} s vs {bb:.2f} s)",
                        by_cpu(cpu),
                        verdict(naive / bb >= need),
                    ]
                )
    for n in sorted(all_res):
        for variant in variants:
            bb, floor = med(n, variant), med(n, "floor")
            if bb and floor:
                cpu = med(n, variant, "cpu") / med(n, "floor", "cpu")
                rows.append(
                    [
                        f"within 1.5× of the floor at {n:,} ({short(variant, n)})",
                        f"{bb / floor:.2f}× ({bb:.2f} s vs {floor:.2f} s)",
                        by_cpu(cpu) + (" (all workers' CPU)" if "jobs" in variant else ""),
                        verdict(bb / floor <= 1.5),
                    ]
                )
    for variant in variants:
        t1, t5 = med(1000, variant), med(5000, variant)
        if t1 and t5:
            cpu = med(5000, variant, "cpu") / med(1000, variant, "cpu")
            rows.append(
                [
                    f"5,000 returns take ≤ 5.5× the 1,000 time ({short(variant, 5000)})",
                    f"{t5 / t1:.2f}× ({t5:.2f} s vs {t1:.2f} s)",
                    by_cpu(cpu),
                    verdict(t5 / t1 <= 5.5),
                ]
            )
    if 5000 in all_res:
        for variant in variants:
            m = all_res[5000].get(variant, Measured())
            peak, workers = m.median("peak_mb"), m.median("children_peak_mb") or 0
            if peak is not None:
                extra = f" (largest worker {workers:.0f} MB)" if workers else ""
                rows.append(
                    [
                        f"peak RSS at 5,000 ≤ 300 MB ({short(variant, 5000)})",
                        f"{peak:.0f} MB{extra}",
                        "—",
                        verdict(peak <= 300),
                    ]
                )
    for n in sorted(all_res):
        j1, j2 = med(n, "boardbook", "reading_wall"), med(n, "boardbook --jobs 2", "reading_wall")
        if j1 and j2:
            rows.append(
                [
                    f"--jobs 2 reads faster than --jobs 1 at {n:,} (2 cores)",
                    f"{j2:.2f} s vs {j1:.2f} s ({j1 / j2:.2f}×)",
                    "—",
                    verdict(j2 < j1),
                ]
            )
    return rows


def render(
    info: dict, all_res: dict[int, dict[str, Measured]], loads: list[str], fill_runs: dict | None, md: list[str]
) -> None:
    md += [
        f"Run {info['date']} on {info['cpu']}, {info['cores']} cores, {info['memory']}, {info['os']}, "
        f"Python {info['python']}; {info['libraries']}; commit {info['commit']}.",
        "",
    ]
    headers = [
        "Returns",
        "Variant",
        "Start-up",
        "Read",
        "Validate",
        "Reading (wall)",
        "Rules",
        "Write",
        "Other",
        "Total s (min–max)",
        "CPU s",
        "× faster than naive",
        "× the floor",
        "Returns/s",
        "Peak RSS MB",
        "Runs",
    ]
    rows = [row for n in sorted(all_res) for row in phase_rows(n, all_res[n])]
    print_table(
        "s11 collate: seconds per phase (median)",
        headers,
        rows,
        markdown=md,
        right=(0, *range(2, 16)),
        note="Runs: how many, and how many started while other work used more than 15% of the cores "
        "(busy). 1-minute load average before → after each size: " + "; ".join(loads) + ".",
    )
    print_table(
        "Targets (issue item 2)",
        ["Target", "Measured (wall clock)", "Same ratio in CPU seconds", "Result"],
        target_rows(all_res),
        markdown=md,
        note="Result is judged on wall-clock medians; the CPU-seconds ratio is less disturbed by other work "
        "on the machine.",
    )
    if fill_runs:
        from fills import render_fills

        render_fills(fill_runs, md)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,5000", help="numbers of returns, comma-separated")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each variant per size (median reported)")
    ap.add_argument(
        "--naive-runs-large",
        type=int,
        default=1,
        help="runs of the naive job at 5,000 returns and above (about 45 s each)",
    )
    ap.add_argument(
        "--recollate-runs",
        type=int,
        default=1,
        help="runs of the re-collation onto an existing summary (information, no target); 0 skips",
    )
    ap.add_argument("--workdir", type=Path, default=default_workdir(), help="where returns and outputs go")
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=120.0,
        help="before each run, wait up to this many seconds for other work on the machine to stop "
        "(busier than 15%% of the cores); runs that start busy are counted in the table",
    )
    ap.add_argument("--no-fills", action="store_true", help="skip the fills benchmark")
    ap.add_argument("--markdown", type=Path, help="also write the tables as Markdown to this file")
    ap.add_argument("--json", type=Path, help="also write every run's raw measurements to this file")
    ap.add_argument("--from-json", type=Path, help="print the tables of an earlier --json run; measure nothing")
    args = ap.parse_args(argv)
    md: list[str] = []
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        all_res = {int(n): {v: Measured(runs) for v, runs in res.items()} for n, res in saved["runs"].items()}
        render(saved["machine"], all_res, saved.get("loads", []), saved.get("fills"), md)
    else:
        sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
        args.workdir.mkdir(parents=True, exist_ok=True)
        WAIT_IDLE["seconds"] = args.wait_idle
        info = machine()
        print(f"{info['date']}: {info['cpu']}, {info['cores']} cores", file=sys.stderr)
        all_res, loads = {}, []
        for n in sizes:
            before = os.getloadavg()[0]
            all_res[n] = measure_size(
                args.workdir, n, args.repeats, args.naive_runs_large if n >= 5000 else args.repeats, args.recollate_runs
            )
            loads.append(f"{n:,}: {before:.2f} → {os.getloadavg()[0]:.2f}")
        fill_runs = None
        if not args.no_fills:
            from fills import measure_fills

            fill_runs = measure_fills(args.workdir, args.repeats)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "machine": info,
                        "loads": loads,
                        "fills": fill_runs,
                        "runs": {n: {v: m.runs for v, m in res.items()} for n, res in all_res.items()},
                    },
                    indent=1,
                )
            )
            print(f"wrote {args.json}", file=sys.stderr)
        render(info, all_res, loads, fill_runs, md)
    if args.markdown:
        args.markdown.write_text("\n".join(md) + "\n")
        print(f"wrote {args.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
