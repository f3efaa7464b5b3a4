"""Safe output: write beside the target, flush, rename over it; keep the previous file as a backup; and
let only one process write an output at a time.

A reader (or a crash) never sees half a workbook: either the old file or the new one is there.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from boardbook.errors import UsageError

BACKUP_MARK = ".backup"
STALE_AFTER_S = 3600  # a temporary file this old beside a target is a killed run's, not a running one's


def refuse_input_as_output(out: str | Path, *inputs: str | Path | None) -> None:
    """UsageError when ``out`` names one of ``inputs``: inputs are never modified."""
    target = Path(out).resolve()
    if any(p is not None and Path(p).resolve() == target for p in inputs):
        raise UsageError(f"the output {out} is also an input: choose another --out (inputs are never modified)")


def backup_path(target: Path) -> Path:
    """``summary.xlsx`` -> ``summary.backup.xlsx`` (readers of folders skip these)."""
    return target.with_name(f"{target.stem}{BACKUP_MARK}{target.suffix}")


def is_backup(path: Path) -> bool:
    return path.stem.endswith(BACKUP_MARK)


@contextlib.contextmanager
def atomic_path(target: str | Path, *, backup: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target``.

    With ``backup``, an existing target is first kept as ``<name>.backup<ext>`` (the one before it is dropped).
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp's file is private (0600); the output is not: the mode of the file it replaces, else what the
        # user's umask gives any file they save (colleagues read a batch's outputs on a shared server)
        os.chmod(tmp, stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask())
        if backup and target.exists():
            keep = backup_path(target)
            keep.unlink(missing_ok=True)
            try:
                os.link(target, keep)  # atomic, no copy; the target stays in place until the rename
            except OSError:
                shutil.copy2(target, keep)
        try:
            os.replace(tmp, target)
        except OSError as exc:  # on Windows, a file open in Excel or Word cannot be replaced
            raise UsageError(
                f"cannot replace {target}: {exc.strerror or exc}; if it is open (in Excel or Word), close it and "
                "run again (nothing was replaced)"
            ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sweep_stale(folder, target)


def _umask() -> int:
    """The process's umask (read by setting it and setting it straight back: Python has no other way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sweep_stale(folder: Path, target: Path) -> None:
    """Remove temporary files of earlier writes of ``target`` that a killed run left behind (an hour old)."""
    cutoff = time.time() - STALE_AFTER_S
    for leftover in folder.glob(f".{glob.escape(target.name)}.*.tmp*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


@contextlib.contextmanager
def output_lock(target: str | Path, *, wait: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``target`` for a read-modify-write (e.g. re-collating onto a summary).

    A second process waits up to ``wait`` seconds, then is refused with a clear message. The lock is a file
    beside the target, locked with the OS (so a crashed process never leaves it held).
    """
    target = Path(target)
    lock = target.with_name(f".{target.name}.lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a+")  # noqa: SIM115 - held for the duration of the context
    except OSError as exc:
        raise UsageError(f"cannot write to {lock.parent}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fh):
            if time.monotonic() >= deadline:
                raise UsageError(
                    f"another boardbook run is writing {target.name} (waited {wait:.0f} s); try again "
                    "when it has finished"
                )
            time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        fh.flush()
        yield
    finally:
        fh.close()  # releases the lock; the file stays (unlinking it would let two waiters both "win")


def _try_lock(fh: IO[str]) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
