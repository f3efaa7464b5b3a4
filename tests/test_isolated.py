"""run_isolated: an item that kills its worker process (abort, SIGKILL) or takes too long costs that item alone.

The workers are real processes and they really die: os.abort() is what python-calamine's failed allocation does.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from boardbook.isolated import Lost, run_isolated

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def square(n: int) -> int:
    return n * n


def abort_on_7(n: int) -> int:
    if n == 7:
        os.abort()  # what a Rust allocation failure does to the process
    return n * n


def killed_on_3(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    return n


def sleeps_on_2(n: int) -> int:
    if n == 2:
        time.sleep(60)
    return n


def raises_on_4(n: int) -> int:
    if n == 4:
        raise ValueError("four is not allowed")
    return n


def allocates(n: int) -> int:
    if n == 1:
        return len(bytearray(600 * 1024 * 1024))  # 600 MB: over the worker's allowance below
    return n


@pytest.mark.parametrize(("workers", "chunksize"), [(1, 1), (2, 1), (2, 3), (3, 4)])
def test_results_in_order(workers: int, chunksize: int) -> None:
    seen: list[int] = []
    results = run_isolated(
        square, list(range(20)), workers=workers, chunksize=chunksize, done=lambda i, _r: seen.append(i)
    )
    assert results == [n * n for n in range(20)]
    assert sorted(seen) == list(range(20))


@pytest.mark.parametrize(("workers", "chunksize"), [(1, 1), (2, 1), (2, 4)])
def test_an_abort_costs_its_item_alone(workers: int, chunksize: int) -> None:
    results = run_isolated(abort_on_7, list(range(16)), workers=workers, chunksize=chunksize)
    lost = results[7]
    assert isinstance(lost, Lost) and "SIGABRT" in lost.reason
    assert [r for i, r in enumerate(results) if i != 7] == [n * n for n in range(16) if n != 7]


def test_a_kill_costs_its_item_alone() -> None:
    results = run_isolated(killed_on_3, list(range(8)), workers=2, chunksize=2)
    lost = results[3]
    assert isinstance(lost, Lost) and "SIGKILL" in lost.reason and "memory" in lost.reason
    assert [r for i, r in enumerate(results) if i != 3] == [n for n in range(8) if n != 3]


def test_an_item_over_the_timeout_is_stopped() -> None:
    started = time.monotonic()
    results = run_isolated(sleeps_on_2, list(range(6)), workers=2, timeout=1.0)
    assert time.monotonic() - started < 20
    assert results[2] == Lost("it took longer than 1 s and was stopped")
    assert [r for i, r in enumerate(results) if i != 2] == [0, 1, 3, 4, 5]


def test_an_exception_is_raised_here_as_a_pool_would() -> None:
    with pytest.raises(ValueError, match="four is not allowed"):
        run_isolated(raises_on_4, list(range(8)), workers=2, chunksize=2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limit (RLIMIT_AS) is Linux's")
def test_memory_limit_stops_one_worker() -> None:
    results = run_isolated(allocates, [0, 1, 2], workers=1, memory_limit=200 * 1024 * 1024)
    assert results == [0, Lost("it ran out of memory"), 2]


def test_no_worker_is_left_behind() -> None:
    import multiprocessing

    run_isolated(abort_on_7, list(range(10)), workers=2)
    assert multiprocessing.active_children() == []
