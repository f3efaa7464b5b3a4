"""Run work in worker processes so that an item which kills its process costs that item alone.

``concurrent.futures.ProcessPoolExecutor`` gives up on every item still to come when one worker dies
(``BrokenProcessPool``): a reader in native code that aborts the process, the system's out-of-memory killer,
a file that never finishes. Here each worker notes in shared memory which item it is on and since when (no
message is sent for it, so the normal path costs what a pool costs), and the parent watches the workers:
when one dies, or spends longer than ``timeout`` on one item (it is then killed), that item's result is a
``Lost`` saying why, the other items it held are handed out again, and a fresh worker takes its place.

    results = run_isolated(read, files, workers=2, timeout=60)    # [R | Lost], in the order of ``files``
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Chunk = list[tuple[int, Any]]
# A worker that dies this many times in a row before starting an item has a problem of its own (it cannot start).
MAX_BARREN_DEATHS = 3


@dataclass(frozen=True)
class Lost:
    """An item whose worker process died, or was stopped, while on it: ``reason`` in plain words."""

    reason: str


def run_isolated(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int,
    chunksize: int = 1,
    timeout: float | None = None,
    memory_limit: int | None = None,
    done: Callable[[int, R | Lost], None] | None = None,
) -> list[R | Lost]:
    """``fn`` over ``items`` in ``workers`` processes; each result, or ``Lost``, in the order of ``items``.

    Args:
        chunksize: items handed to a worker at a time (fewer messages; a death re-hands the rest of its chunk).
        timeout: seconds one item may take before its worker is killed and the item is ``Lost``.
        memory_limit: bytes of address space a worker may add to what it started with (Linux; an extra guard:
            an allocation beyond it fails at once, in that worker, instead of exhausting the machine).
        done: called in this process as each result arrives, with the item's index (progress bars).

    An exception ``fn`` raises is raised here, as a process pool would (workers are stopped first).
    """
    queue: deque[Chunk] = deque(
        list(enumerate(items))[i : i + max(1, chunksize)] for i in range(0, len(items), max(1, chunksize))
    )
    results: dict[int, R | Lost] = {}

    def record(index: int, result: R | Lost) -> None:
        results[index] = result
        if done:
            done(index, result)

    pool: list[_Worker[T, R]] = []
    barren = 0

    def hire() -> None:
        worker: _Worker[T, R] = _Worker(fn, memory_limit)
        pool.append(worker)
        hand(worker)

    def hand(worker: _Worker[T, R]) -> None:
        if queue:
            worker.give(queue.popleft())
        else:
            worker.stop()
            pool.remove(worker)

    def bury(worker: _Worker[T, R], reason: str) -> None:
        nonlocal barren
        worker.kill()
        pool.remove(worker)
        chunk, current = worker.chunk or [], worker.current()
        at = next((k for k, (index, _item) in enumerate(chunk) if index == current), None)
        if at is None:  # died between items: nothing to blame, hand the chunk out again
            barren += 1
            if barren >= MAX_BARREN_DEATHS:
                raise RuntimeError(f"worker processes keep stopping before they start any work ({reason})")
            rest = chunk
        else:
            barren = 0
            record(chunk[at][0], Lost(reason))
            rest = chunk[:at] + chunk[at + 1 :]  # those before were done, but their results died with it
        if rest:
            queue.appendleft(rest)
        if queue and len(pool) < workers:
            hire()

    try:
        for _ in range(min(workers, len(queue))):
            hire()
        poll = None if timeout is None else max(0.05, min(1.0, timeout / 4))
        while pool:
            ready = set(multiprocessing.connection.wait([w.conn for w in pool] + [w.sentinel for w in pool], poll))
            for worker in list(pool):
                if worker.conn not in ready and worker.sentinel not in ready:
                    continue
                answer = worker.receive()
                if answer is None:
                    bury(worker, _exit_reason(worker.process))
                    continue
                for index, ok, value in answer:
                    if ok is False:
                        raise value
                    record(index, value)  # a result, or Lost (ok is None)
                hand(worker)
            if timeout is not None:
                now = time.monotonic()
                for worker in list(pool):
                    if worker.current() >= 0 and now - worker.started() > timeout:
                        bury(worker, f"it took longer than {timeout:,.0f} s and was stopped")
    finally:
        for worker in pool:
            worker.kill()
    return [results[i] for i in range(len(items))]


class _Worker(Generic[T, R]):
    """One worker process, the pipe to it, and the shared slot where it notes the item it is on."""

    def __init__(self, fn: Callable[[T], R], memory_limit: int | None):
        ctx = multiprocessing.get_context()
        self.slot = ctx.RawArray("d", [-1.0, 0.0])  # index of the item in hand (-1: none), when it was started
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(fn, theirs, self.slot, memory_limit), name="boardbook-worker")
        self.process.start()
        theirs.close()
        self.sentinel = self.process.sentinel
        self.chunk: Chunk | None = None

    def give(self, chunk: Chunk) -> None:
        self.chunk = chunk
        with contextlib.suppress(OSError, ValueError):  # if it has died, its sentinel says so next
            self.conn.send(chunk)

    def receive(self) -> list[tuple[int, bool | None, Any]] | None:
        """The results of its chunk; None when it has died (or its pipe broke)."""
        try:
            return self.conn.recv() if self.conn.poll() else None
        except (EOFError, OSError):
            return None

    def current(self) -> int:
        return int(self.slot[0])

    def started(self) -> float:
        return float(self.slot[1])

    def stop(self) -> None:
        """No more work: let it finish, then make sure it has."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(5)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _serve(fn: Callable[[Any], Any], conn: Any, slot: Any, memory_limit: int | None) -> None:
    """A worker's life: take a chunk, note each item as it starts, send the chunk's results back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    if memory_limit:
        _limit_memory(memory_limit)
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        out: list[tuple[int, bool | None, Any]] = []
        for index, item in chunk:
            slot[1] = time.monotonic()
            slot[0] = index
            try:
                out.append((index, True, fn(item)))
            except MemoryError:  # over the allowance (or the machine's): this item's trouble, not the run's
                out.append((index, None, Lost("it ran out of memory")))
            except Exception as exc:  # raised again in the parent, as a pool would
                out.append((index, False, _portable(exc)))
        slot[0] = -1.0
        conn.send(out)


def _portable(exc: Exception) -> Exception:
    """The exception itself if it survives the pipe, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _limit_memory(extra: int) -> None:
    """Let this process's address space grow by at most ``extra`` bytes (Linux; elsewhere nothing)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError, AttributeError):
        pass


def _exit_reason(process: multiprocessing.process.BaseProcess) -> str:
    """Why a worker died, in plain words."""
    process.join(5)
    code = process.exitcode
    if code is None:
        return "it stopped answering"
    if code >= 0:
        return f"it stopped unexpectedly (exit status {code})"
    sig = -code
    if sig == signal.SIGABRT:
        return "the reader aborted the process (SIGABRT), as it does when it asks for more memory than there is"
    if sig == signal.SIGKILL:
        return "the process was killed (SIGKILL), most likely by the system for using too much memory"
    if sig == signal.SIGSEGV:
        return "the reader crashed (SIGSEGV)"
    try:
        name = signal.Signals(sig).name
    except ValueError:
        name = f"signal {sig}"
    return f"the process was stopped by {name}"
