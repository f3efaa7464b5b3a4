"""Nothing lost: backups of replaced outputs, one writer at a time, zip bombs refused, interrupted writes."""

from __future__ import annotations

import io
import multiprocessing
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from boardbook.atomic import atomic_path, backup_path, output_lock
from boardbook.config import Config
from boardbook.errors import UsageError, WorkbookError
from boardbook.package import MAX_UNPACKED, open_package
from boardbook.section11.pipeline import collate, find_inputs
from tests.helpers import hashes


def test_replaced_summary_is_kept_as_backup_and_skipped_as_input(
    return_factory: Callable[..., Path], tmp_path: Path, config: Config
) -> None:
    folder = return_factory("Moorlands Police").parent
    out = folder.parent / "summary.xlsx"
    collate([folder], out, config)
    first = out.read_bytes()
    collate([folder], out, config)
    assert backup_path(out).read_bytes() == first and backup_path(out).name == "summary.backup.xlsx"
    # A backup (or our own temporary and lock files) inside a returns folder is never read as a return.
    (folder / "old.backup.xlsx").write_bytes(first)
    (folder / ".summary.xlsx.lock").write_text("")
    assert [p.name for p in find_inputs([folder])] == ["Moorlands Police.xlsx"]


def test_interrupted_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous summary")
    with pytest.raises(KeyboardInterrupt), atomic_path(target, backup=True) as tmp:
        tmp.write_bytes(b"half a new summ")
        raise KeyboardInterrupt  # the user pressed Ctrl-C midway
    assert target.read_bytes() == b"previous summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


@pytest.mark.skipif(os.name == "nt", reason="Windows files have no permission bits to compare")
def test_outputs_are_as_readable_as_any_file_the_user_writes(tmp_path: Path) -> None:
    """A temporary file is private (0600); the output it becomes is not: it takes the user's umask, like any file
    they save (a batch's out folder on a shared server is read by colleagues), or the mode of the file it
    replaces."""
    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "annual-report-data.xlsx"
        with atomic_path(fresh) as tmp:
            tmp.write_bytes(b"new")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "budget.xlsx"
        kept.write_bytes(b"old")
        kept.chmod(0o640)
        with atomic_path(kept) as tmp:
            tmp.write_bytes(b"new")
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_a_killed_runs_leftovers_are_swept_on_the_next_write(tmp_path: Path) -> None:
    """SIGKILL skips every clean-up: its temporary files go on the next successful write, once an hour old."""
    target = tmp_path / "out [2026].xlsx"  # glob characters in the name are taken literally
    old = tmp_path / f".{target.name}.abc123.tmp"
    old_raw = tmp_path / f".{target.name}.def456.tmp.raw"
    recent = tmp_path / f".{target.name}.ghi789.tmp"  # perhaps another run writing right now
    unrelated = tmp_path / ".other.xlsx.jkl012.tmp"
    for leftover in (old, old_raw, recent, unrelated):
        leftover.write_bytes(b"half a summary")
    two_hours_ago = time.time() - 2 * 3600
    for stale in (old, old_raw, unrelated):
        os.utime(stale, (two_hours_ago, two_hours_ago))
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new summary")
    assert target.read_bytes() == b"new summary"
    assert not old.exists() and not old_raw.exists()
    assert recent.exists() and unrelated.exists()


def _hold_lock(target: str, seconds: float, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    with output_lock(target, wait=0):
        ready.set()
        time.sleep(seconds)


def test_second_writer_waits_then_refuses(tmp_path: Path) -> None:
    target = tmp_path / "summary.xlsx"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(target), 3.0, ready))
    holder.start()
    try:
        assert ready.wait(10)
        held_since = started = time.monotonic()
        with (
            pytest.raises(UsageError, match=r"another boardbook run is writing summary\.xlsx"),
            output_lock(target, wait=0.5),
        ):
            pass
        assert time.monotonic() - started >= 0.5  # it waited before refusing
        with output_lock(target, wait=10):  # and gets the lock once the first run has let it go (3 s)
            assert time.monotonic() - held_since >= 2.5
    finally:
        holder.join()


def test_zip_bomb_is_refused_without_unpacking(
    tmp_path: Path, return_factory: Callable[..., Path], config: Config
) -> None:
    bomb = tmp_path / "returns" / "bomb.xlsx"
    return_factory("Moorlands Police")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"\0" * (1 << 20)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(MAX_UNPACKED // len(chunk) + 1):
                part.write(chunk)
    bomb.write_bytes(buf.getvalue())
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(WorkbookError, match="zip bomb"):
        open_package(bomb)
    before = hashes(tmp_path / "returns")
    result = collate([tmp_path / "returns"], tmp_path / "s.xlsx", config)
    assert result.accepted == 1 and result.rejected == 1
    assert any("zip bomb" in p.message for p in result.problems)
    assert hashes(tmp_path / "returns") == before
