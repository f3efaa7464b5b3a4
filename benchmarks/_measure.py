"""One measured run, in its own fresh process, printing one JSON line (prefixed ``BENCH-JSON``).

The driver (``collate.py``, ``fills.py``) starts this script with ``BENCH_T0`` set to the wall-clock time
just before it spawned the process, so "start-up" includes the interpreter and every import. Peak memory is
``ru_maxrss`` of this process (and, separately, of its largest child, for ``--jobs`` > 1).

Variants (the first argument):

- ``boardbook RETURNS OUT [--jobs N]``: the real command line, ``boardbook s11 collate RETURNS --out OUT``,
  run through ``boardbook.cli.main`` in this process, with ``collate`` wrapped to collect its phase timings.
- ``naive RETURNS OUT``: what someone would write with openpyxl alone: ``load_workbook`` (normal mode) of
  every return, the defined names and the Assessment table's cells read by the table's ref, every row appended
  to a new (normal, not write-only) openpyxl workbook with the summary's 13 Returns columns, saved.
- ``floor RETURNS OUT``: the least work that yields the same rows: python-calamine (``load_tables=True``,
  ``get_table_by_name``) for the table, the defined names from ``xl/workbook.xml`` (stdlib zip + regex) with
  their cells from calamine, and XlsxWriter in ``constant_memory`` mode writing the same 13 columns. No
  validation, no rules, no table, no styles.
- ``cli ARGS...``: any ``boardbook`` command line (the fills); start-up ends when ``boardbook.cli``, openpyxl
  and python-calamine are imported (only ``boardbook.cli`` for ``--version``).
- ``roundtrip WORKBOOK OUT``: openpyxl ``load_workbook`` + ``save`` of a workbook (the fills' baseline).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

T0 = float(os.environ.get("BENCH_T0") or time.time())  # when the driver spawned us
MARK = "BENCH-JSON "

RETURNS_HEADERS = (
    "Agency",
    "Sector",
    "Ref",
    "Rating",
    "Score",
    "Evidence",
    "Action",
    "Owner",
    "Due",
    "Moderated rating",
    "Board comment",
    "Action status",
    "Source file",
)
# The bundled four-point scale (the returns factory uses the bundled configuration).
SCORES = {"Fully met": 3, "Mostly met": 2, "Partially met": 1, "Not met": 0, "Not applicable": None}


def since_t0() -> float:
    return time.time() - T0


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def hwm_mb() -> float | None:
    """Peak RSS of this process's own memory (VmHWM). ``ru_maxrss`` also counts the spawning process's RSS,
    which Linux carries over through fork + exec; VmHWM belongs to the exec'd image alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def emit(result: dict) -> None:
    result["end"] = since_t0()
    result["maxrss_mb"] = peak_mb(resource.RUSAGE_SELF)
    hwm = hwm_mb()
    result["peak_mb"] = result["maxrss_mb"] if hwm is None else hwm
    result["children_peak_mb"] = peak_mb(resource.RUSAGE_CHILDREN)  # largest --jobs worker (see README)
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu"] = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    sys.stdout.flush()
    print(MARK + json.dumps(result), flush=True)


def run_main(main, args: list[str]) -> None:
    """Run ``boardbook ARGS`` in this process, its own output silenced (it is not what is measured)."""
    sys.argv = ["boardbook", *args]
    saved = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - closed below
    try:
        main()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        sys.stdout.close()
        sys.stdout = saved


def return_files(folder: str) -> list[Path]:
    return sorted(Path(folder).glob("*.xlsx"))


# -- boardbook --------------------------------------------------------------------------------------------
def run_boardbook(returns: str, out: str, jobs: int) -> None:
    import boardbook.cli as cli
    import boardbook.section11.pipeline as collate_module

    real = collate_module.collate
    seen: dict = {}

    def timed_collate(*args, **kwargs):
        seen["entered"] = since_t0()
        timings: dict[str, float] = {}
        result = real(*args, **{**kwargs, "timings": timings})
        seen["left"] = since_t0()
        seen["timings"] = timings
        seen["accepted"], seen["rejected"] = result.accepted, result.rejected
        return result

    collate_module.collate = timed_collate
    run_main(cli.main, ["s11", "collate", returns, "--out", out, "--jobs", str(jobs)])
    t = seen["timings"]
    emit(
        {
            "startup": seen["entered"],
            "read": t.get("read"),
            "validate": t.get("validate"),
            "reading_wall": t.get("reading (wall)"),
            "rules": t.get("rules"),
            "write": t.get("write"),
            "collate": seen["left"] - seen["entered"],
            "accepted": seen["accepted"],
            "rejected": seen["rejected"],
        }
    )


# -- naive: openpyxl only ----------------------------------------------------------------------------------
def run_naive(returns: str, out: str) -> None:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    ready = since_t0()
    names = ("Agency", "Sector")
    read_s = write_s = 0.0
    target = openpyxl.Workbook()
    ws_out = target.active
    ws_out.title = "Returns"
    ws_out.append(RETURNS_HEADERS)
    n_rows = 0
    for path in return_files(returns):
        t = time.perf_counter()
        wb = openpyxl.load_workbook(path)
        details = {}
        for name in names:
            for sheet, cell in wb.defined_names[name].destinations:
                details[name] = wb[sheet][cell.replace("$", "")].value
        table_rows = []
        for ws in wb.worksheets:
            if "Assessment" in ws.tables:
                c1, r1, c2, r2 = range_boundaries(ws.tables["Assessment"].ref)
                cells = [[c.value for c in row] for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2)]
                headers = [str(h) for h in cells[0]]
                table_rows = [dict(zip(headers, row, strict=False)) for row in cells[1:]]
        t2 = time.perf_counter()
        read_s += t2 - t
        for row in table_rows:
            ws_out.append(
                [
                    details["Agency"],
                    details["Sector"],
                    row["Ref"],
                    row["Rating"],
                    SCORES.get(row["Rating"]),
                    row["Evidence"],
                    row["Action"],
                    row["Owner"],
                    row["Due"],
                    None,
                    None,
                    None,
                    path.name,
                ]
            )
            n_rows += 1
        write_s += time.perf_counter() - t2
    t = time.perf_counter()
    target.save(out)
    write_s += time.perf_counter() - t
    emit(
        {
            "startup": ready,
            "read": read_s,
            "validate": None,
            "reading_wall": None,
            "rules": None,
            "write": write_s,
            "rows": n_rows,
        }
    )


# -- floor: python-calamine + XlsxWriter constant_memory ---------------------------------------------------
def run_floor(returns: str, out: str) -> None:
    import io
    import re
    import zipfile

    import python_calamine as pc
    import xlsxwriter

    ready = since_t0()
    name_re = re.compile(rb'<definedName name="(Agency|Sector)"[^>]*>\'?([^\'!<]+)\'?!\$([A-Z]+)\$([0-9]+)<')
    read_s = write_s = 0.0
    wb_out = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws_out = wb_out.add_worksheet("Returns")
    date_format = wb_out.add_format({"num_format": "dd/mm/yyyy"})
    ws_out.write_row(0, 0, RETURNS_HEADERS)
    r = 0
    for path in return_files(returns):
        t = time.perf_counter()
        data = path.read_bytes()
        workbook_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data), load_tables=True)
        rows = wb.get_table_by_name("Assessment").to_python()
        details, grids = {}, {}
        for m in name_re.finditer(workbook_xml):
            sheet = m.group(2).decode()
            if sheet not in grids:
                grids[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            col = 0
            for ch in m.group(3).decode():
                col = col * 26 + ord(ch) - 64
            details[m.group(1).decode()] = grids[sheet][int(m.group(4)) - 1][col - 1]
        t2 = time.perf_counter()
        read_s += t2 - t
        for ref, _standard, rating, evidence, action, owner, due in rows:
            r += 1
            ws_out.write_row(
                r, 0, (details["Agency"], details["Sector"], ref, rating, SCORES.get(rating), evidence, action, owner)
            )
            if due not in (None, ""):
                ws_out.write_datetime(r, 8, due, date_format)
            ws_out.write_string(r, 12, path.name)
        write_s += time.perf_counter() - t2
    t = time.perf_counter()
    wb_out.close()
    write_s += time.perf_counter() - t
    emit(
        {
            "startup": ready,
            "read": read_s,
            "validate": None,
            "reading_wall": None,
            "rules": None,
            "write": write_s,
            "rows": r,
        }
    )


# -- fills -------------------------------------------------------------------------------------------------
def run_cli(args: list[str]) -> None:
    import boardbook.cli as cli

    if args and args[0] != "--version":  # what every fill imports lazily belongs to start-up too
        import openpyxl  # noqa: F401
        import python_calamine  # noqa: F401
    ready = since_t0()
    run_main(cli.main, args)
    emit({"startup": ready, "command": since_t0() - ready})


def run_roundtrip(workbook: str, out: str) -> None:
    import openpyxl

    ready = since_t0()
    t = time.perf_counter()
    wb = openpyxl.load_workbook(workbook)
    t2 = time.perf_counter()
    wb.save(out)
    emit({"startup": ready, "read": t2 - t, "write": time.perf_counter() - t2, "command": since_t0() - ready})


def main(argv: list[str]) -> None:
    variant, args = argv[0], argv[1:]
    if variant == "boardbook":
        jobs = int(args[args.index("--jobs") + 1]) if "--jobs" in args else 1
        run_boardbook(args[0], args[1], jobs)
    elif variant == "naive":
        run_naive(args[0], args[1])
    elif variant == "floor":
        run_floor(args[0], args[1])
    elif variant == "cli":
        run_cli(args)
    elif variant == "roundtrip":
        run_roundtrip(args[0], args[1])
    else:
        raise SystemExit(f"unknown variant {variant!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
