"""A wall-clock limit for SymPy calls that can run for a very long time (simplify, solve)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["TimeLimitExceeded", "attempt", "time_limit"]

T = TypeVar("T")

#: Seconds between repeats of an expired limit, until the block has stopped.
REPEAT = 0.05


class TimeLimitExceeded(Exception):
    """A SymPy call ran past its time limit; callers fall back to another method."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds``.

    Signals only reach the main thread; elsewhere the block runs without a limit.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    # An enclosing timer (ours or the host program's) keeps its deadline: this block gets
    # the shorter of its own time and what the enclosing one has left.
    # The timer repeats after it expires: SymPy catches broad exceptions in places (solve's
    # checksol), and a limit raised there once would be swallowed and never come again.
    remaining, interval = signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    if remaining and remaining < seconds:
        signal.setitimer(signal.ITIMER_REAL, remaining, REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:  # give the enclosing timer back what is left of its own time
            left = remaining - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), interval)


def attempt(
    seconds: float, function: Callable[..., T], *args: object, **kwargs: object
) -> T | None:
    """``function(*args, **kwargs)`` within ``seconds``, or None if SymPy gives up.

    Giving up covers the time limit, SymPy's NotImplementedError and PolynomialError, and
    the assorted internal errors SymPy raises on inputs its rules were not written for
    (simplify's sum rules raise StopIteration on some sums of logs, for one); for the
    engine each means "not decided this way", and another method is tried.
    """
    try:
        with time_limit(seconds):
            return function(*args, **kwargs)
    except Exception:
        return None
