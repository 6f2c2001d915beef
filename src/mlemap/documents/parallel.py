"""Independent pieces of a document computed in a pool of worker processes, one per core.

Each task is a module-level function and its arguments, all picklable (catalog names, not
objects), and returns plain data (views of strings); results come back in the order the
tasks were given, so a document is byte for byte the one a serial run makes. With one core
or one task, or where a worker fails, the work is done here, serially, and an error is the
one a serial run raises.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

__all__ = ["Task", "cores", "run_all"]

#: A function and its arguments.
Task = tuple[Callable[..., Any], tuple[Any, ...]]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: only the parent handles it (and stops the
    # workers); a handler inherited from the parent (SIGTERM → clean-up) is the parent's.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_all(
    tasks: Sequence[Task], done: Callable[[int], None] | None = None, workers: int | None = None
) -> list[Any]:
    """Every task's result, in order; ``done(index)`` is told as each one finishes."""
    report = done or (lambda index: None)
    workers = min(len(tasks), cores() if workers is None else workers)
    if workers <= 1:
        return [_serial(task, index, report) for index, task in enumerate(tasks)]
    # fork: the workers start with everything this process has loaded (SymPy, the engine)
    pool = ProcessPoolExecutor(workers, get_context("fork"), initializer=_worker_start)
    try:
        futures = [pool.submit(function, *arguments) for function, arguments in tasks]
        for index, future in enumerate(futures):
            future.add_done_callback(lambda f, i=index: _finished(f, i, report))
        results = [_result(future, task) for future, task in zip(futures, tasks, strict=True)]
    except BaseException:  # an interrupt: stop the workers at once, leave nothing running
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _serial(task: Task, index: int, report: Callable[[int], None]) -> Any:
    function, arguments = task
    result = function(*arguments)
    report(index)
    return result


def _finished(future: Future, index: int, report: Callable[[int], None]) -> None:
    if not future.cancelled() and future.exception() is None:
        report(index)


def _result(future: Future, task: Task) -> Any:
    try:
        return future.result()
    except Exception:
        # an mlemap error does not always survive pickling; the task is deterministic,
        # so running it here raises the error a serial run raises
        function, arguments = task
        return function(*arguments)


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()
