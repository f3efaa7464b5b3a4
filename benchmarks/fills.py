"""Benchmark each fill end to end (fresh process per run) against openpyxl loading and saving the same output.

    .venv/bin/python benchmarks/fills.py [--repeats 3]

Fills: the section 11 summary (``s11 collate`` of 100 returns), the budget (``budget fill`` of the demo's
2025/26 TOML + CSVs with 2024/25 as ``--previous``) and the quadrant performance workbook (``performance fill``
on the bundled demo inputs: last year's indicators alone, then this year's with evidence, risk factors and
last year's workbook as ``--previous``). The baseline is the least any openpyxl-based fill of that workbook
pays: ``load_workbook`` + ``save`` of the very file the fill wrote, in its own process. Also measured: the
command line's start-up alone (``boardbook --version``). And ``boardbook batch`` of 20 partnerships (each its own
100 returns, the demo budget and performance inputs) with ``--jobs 1`` and ``--jobs 2``, against the same
work run as separate commands (20 × the three single fills, from their rows).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from _common import WAIT_IDLE, Measured, default_workdir, fmt_s, machine, print_table, run_measured


def _inputs(workdir: Path) -> dict[str, Path]:
    from boardbook.demo import write_budget_inputs
    from boardbook.performance.demo import write_demo_inputs

    folder = workdir / "fills"
    budget = write_budget_inputs(folder / "budget-inputs")
    perf = write_demo_inputs(folder / "performance-inputs")
    from collate import ensure_returns

    return {
        "folder": folder,
        "budget": budget / "demo-budget-2025-26.toml",
        "budget_previous": budget / "demo-budget-2024-25.toml",
        "returns": ensure_returns(workdir, 100),
        **{k.split(".")[0]: v for k, v in perf.items()},
    }


BATCH_SIZE, BATCH_RETURNS = 20, 100


def batch_manifest(
    workdir: Path, perf: dict[str, Path], budget: Path, budget_previous: Path, perf_previous: Path
) -> Path:
    """20 partnerships, each with its own 100 returns (their Partnership cell names it), the demo budget and
    the demo performance inputs; written once per version of the returns factory."""
    import hashlib

    from collate import HERE

    folder = workdir / "fills" / "batch"
    stamp_text = hashlib.sha256((HERE / "returns_factory.py").read_bytes()).hexdigest() + f"{BATCH_RETURNS}"
    stamp = folder / ".factory"
    names = [f"Partnership {k:02d} Safeguarding Children Partnership" for k in range(1, BATCH_SIZE + 1)]
    if not (stamp.exists() and stamp.read_text() == stamp_text):
        shutil.rmtree(folder, ignore_errors=True)
        sys.path.insert(0, str(HERE))
        from returns_factory import make_returns

        for k, name in enumerate(names, start=1):
            make_returns(folder / f"returns-{k:02d}", BATCH_RETURNS, seed=k, partnership=name)
        stamp.write_text(stamp_text)
    lines = [
        "# Made by benchmarks/fills.py: 20 partnerships, each its own returns plus the demo budget and",
        "# performance inputs.",
        "[defaults]",
        f"budget = {str(budget)!r}",
        f"budget_previous = {str(budget_previous)!r}",
        f"indicators = [{str(perf['indicators'])!r}]",
        f"evidence = {str(perf['evidence'])!r}",
        f"risk_factors = {str(perf['risk-factors'])!r}",
        f"performance_previous = {str(perf_previous)!r}",
        "",
    ]
    for k, name in enumerate(names, start=1):
        lines += ["[[partnerships]]", f"name = {name!r}", f'out = "out/p{k:02d}"', f'returns = ["returns-{k:02d}"]', ""]
    manifest = folder / "batch.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    return manifest


SCHOOLS = 300


def schools_inputs(workdir: Path) -> dict[str, Path]:
    """300 schools' section 175 returns, filled as the demo fills them (made once per version of the demo), the
    school list, and a manifest for the whole loop: collate, feedback, chase and feedback drafts."""
    import hashlib
    import random
    from datetime import date, timedelta

    from boardbook import schools_demo as sd
    from boardbook.config import load_config
    from boardbook.section11.pipeline import make_returns

    folder = workdir / "fills" / "schools"
    stamp_text = hashlib.sha256(Path(sd.__file__).read_bytes()).hexdigest() + f"{SCHOOLS}"
    stamp = folder / ".factory"
    if not (stamp.exists() and stamp.read_text() == stamp_text):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        rng, config = random.Random(175), load_config("section175")
        schools = sd.school_list(SCHOOLS, rng)
        (folder / "schools.csv").write_text(
            "Agency,Sector,Email,Partnerships\n" + "".join(f'"{a.name}",{a.sector},{a.email},All\n' for a in schools),
            encoding="utf-8",
        )
        for path in make_returns(schools, "2026/27", folder / "returns", config):
            sd._fill(path, rng, config, date(2026, 10, 1) + timedelta(days=rng.randint(0, 30)))
        stamp.write_text(stamp_text)
    manifest = folder / "loop.toml"
    manifest.write_text(
        '[[partnerships]]\nname = "Northmoor Safeguarding Children Partnership"\nout = "out"\nreturns = ["returns"]\n'
        'agencies = "schools.csv"\nconfig = "section175"\nfeedback = true\nmail = ["chase", "feedback"]\n',
        encoding="utf-8",
    )
    return {"returns": folder / "returns", "agencies": folder / "schools.csv", "manifest": manifest}


def fills(workdir: Path) -> list[tuple[str, list[str] | None, Path | None]]:
    """(label, boardbook arguments, the output to round-trip) for each fill, in order."""
    i = _inputs(workdir)
    out = i["folder"] / "out"
    out.mkdir(exist_ok=True)
    perf_last = out / "quadrant-performance-2023-24.xlsx"
    manifest = batch_manifest(
        workdir, {k: v for k, v in i.items() if isinstance(v, Path)}, i["budget"], i["budget_previous"], perf_last
    )
    schools = schools_inputs(workdir)
    return (
        [
            ("start-up only (boardbook --version)", ["--version"], None),
            (
                "summary: s11 collate, 100 returns",
                ["s11", "collate", str(i["returns"]), "--out", str(out / "section11-summary.xlsx")],
                out / "section11-summary.xlsx",
            ),
            (
                "budget fill (2025/26 TOML + CSV, --previous 2024/25)",
                [
                    "budget",
                    "fill",
                    str(i["budget"]),
                    "--previous",
                    str(i["budget_previous"]),
                    "--out",
                    str(out / "budget.xlsx"),
                ],
                out / "budget.xlsx",
            ),
            (
                "performance fill (2023/24: indicators only)",
                ["performance", "fill", "--indicators", str(i["indicators-2023-24"]), "--out", str(perf_last)],
                perf_last,
            ),
            (
                "performance fill (2024/25: indicators, evidence, risk factors, --previous)",
                [
                    "performance",
                    "fill",
                    "--indicators",
                    str(i["indicators"]),
                    "--evidence",
                    str(i["evidence"]),
                    "--risk-factors",
                    str(i["risk-factors"]),
                    "--previous",
                    str(perf_last),
                    "--out",
                    str(out / "quadrant-performance.xlsx"),
                ],
                out / "quadrant-performance.xlsx",
            ),
        ]
        + [
            (
                f"schools: s11 collate, {SCHOOLS} section 175 returns (--config section175)",
                [
                    "s11",
                    "collate",
                    str(schools["returns"]),
                    "--config",
                    "section175",
                    "--agencies",
                    str(schools["agencies"]),
                    "--out",
                    str(out / "schools-summary.xlsx"),
                ],
                out / "schools-summary.xlsx",
            ),
            (
                f"schools: the whole loop, {SCHOOLS} schools (batch: collate, feedback, chase and feedback drafts)",
                ["batch", str(schools["manifest"])],
                schools["manifest"].parent / "out",
            ),
        ]
        + [
            (
                f"batch of {BATCH_SIZE} partnerships, each {BATCH_RETURNS} returns + budget + performance "
                f"(boardbook batch --jobs {j})",
                ["batch", str(manifest), "--jobs", str(j)],
                manifest.parent / "out",
            )
            for j in (1, 2)
        ]
    )


def _fresh(path: Path | None) -> None:
    if path is None:
        return
    if path.suffix != ".xlsx":  # a batch's output folder
        shutil.rmtree(path, ignore_errors=True)
        return
    for stale in (path, path.with_name(f"{path.stem}.backup{path.suffix}")):  # a fresh fill, not a re-fill
        stale.unlink(missing_ok=True)


def measure_fills(workdir: Path, repeats: int, only: str = "") -> dict[str, dict[str, list[dict]]]:
    """label -> {"fill": runs, "baseline": runs} (the batch rows have no baseline runs of their own)."""
    jobs = [job for job in fills(workdir) if only in job[0]]
    measured = {label: {"fill": [], "baseline": []} for label, _args, _out in jobs}
    roundtrip_out = workdir / "fills" / "out" / "roundtrip"
    roundtrip_out.mkdir(parents=True, exist_ok=True)
    for rep in range(repeats):
        for label, args, out in jobs:
            if args is None:
                continue
            _fresh(out)
            measured[label]["fill"].append(run_measured(["cli", *args]))
            if out is not None and out.suffix == ".xlsx":
                if not out.exists():
                    raise RuntimeError(f"{label}: {out} was not written")
                copy = roundtrip_out / out.name
                shutil.copyfile(out, copy)
                measured[label]["baseline"].append(
                    run_measured(["roundtrip", str(copy), str(roundtrip_out / ("saved-" + out.name))])
                )
            print(f"  fill {label}: run {rep + 1}: {measured[label]['fill'][-1]['total']:.2f} s", file=sys.stderr)
    return measured


def render_fills(measured: dict[str, dict[str, list[dict]]], md: list[str]) -> None:
    rows = []
    singles: dict[str, float] = {}
    for label, runs in measured.items():
        fill, base = Measured(runs["fill"]), Measured(runs["baseline"])
        if not fill.runs:
            rows.append([label, "TODO", "TODO", "TODO", "TODO", "—", "—", "—", "—", "0"])
            continue
        total, lo_hi = fill.median("total"), fill.spread()
        base_total = base.median("total")
        for kind in ("summary", "budget", "performance fill (2024/25"):
            if label.startswith(kind):
                singles[kind] = total
        if label.startswith("schools: s11 collate"):
            singles["schools"] = total
        if label.startswith("schools: the whole loop") and "schools" in singles:
            base_total, base_load, base_save = singles["schools"], "—", "—"
        base_load, base_save = fmt_s(base.median("read")), fmt_s(base.median("write"))
        if label.startswith("batch") and len(singles) == 3:
            base_total = BATCH_SIZE * sum(singles.values())  # the three fills above, once per partnership
            base_load = base_save = "—"
        workers = fill.median("children_peak_mb")
        rows.append(
            [
                label,
                fmt_s(fill.median("startup")),
                fmt_s(fill.median("command")),
                f"{total:.2f} ({lo_hi[0]:.2f}–{lo_hi[1]:.2f})" if len(fill.runs) > 1 else f"{total:.2f}",
                f"{fill.median('peak_mb'):.0f}" + (f" (workers {workers:.0f})" if workers else ""),
                base_load,
                base_save,
                fmt_s(base_total),
                f"{total / base_total:.2f}×" if base_total else "—",
                f"{len(fill.runs)}" + (f" ({fill.busy_runs()} busy)" if fill.busy_runs() else ""),
            ]
        )
    print_table(
        "Fills: seconds end to end (median), against openpyxl load + save of the same output",
        [
            "Fill",
            "Start-up",
            "Command",
            "Total s (min–max)",
            "Peak RSS MB",
            "Baseline load",
            "Baseline save",
            "Baseline total",
            "Fill ÷ baseline",
            "Runs",
        ],
        rows,
        markdown=md,
        right=(1, 2, 3, 4, 5, 6, 7, 8, 9),
        note=f"The batch rows' baseline is {BATCH_SIZE} × (summary + budget + performance 2024/25 above): "
        "the same work as separate commands, one after another. The schools loop's baseline is its collation "
        "alone (the row above): the ratio is what feedback to every school and the two kinds of drafts add.",
    )


def main(argv: list[str] | None = None) -> int:
    import json

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=default_workdir())
    ap.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    ap.add_argument("--json", type=Path, help="also write every run's raw measurements to this file")
    ap.add_argument("--from-json", type=Path, help="print the table of an earlier --json run; measure nothing")
    ap.add_argument("--wait-idle", type=float, default=120.0, help="see collate.py --wait-idle")
    ap.add_argument("--only", default="", help="measure only the fills whose label contains this text")
    args = ap.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        info, runs = saved["machine"], saved["fills"]
    else:
        args.workdir.mkdir(parents=True, exist_ok=True)
        WAIT_IDLE["seconds"] = args.wait_idle
        info = machine()
        runs = measure_fills(args.workdir, args.repeats, args.only)
        if args.json:
            args.json.write_text(json.dumps({"machine": info, "fills": runs}, indent=1))
    md = [
        f"Run {info['date']} on {info['cpu']}, {info['cores']} cores, {info['memory']}, Python {info['python']}; "
        f"{info['libraries']}; commit {info['commit']}.",
        "",
    ]
    render_fills(runs, md)
    if args.markdown:
        args.markdown.write_text("\n".join(md) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
