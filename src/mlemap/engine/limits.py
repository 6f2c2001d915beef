"""A wall-clock limit for SymPy calls that can run for a very long time, on any thread.

One watchdog thread keeps, for each thread inside a limit, a stack of deadlines; when the
innermost one passes it raises :class:`TimeLimitExceeded` in that thread (CPython's
``PyThreadState_SetAsyncExc``), and again every :data:`REPEAT` seconds until the block has
ended, since SymPy catches broad exceptions in places (solve's checksol) and would swallow
a limit raised there once. No signal is used, so a limit works off the main thread and
leaves a host program's own ``SIGALRM`` alone. The exception arrives between two Python
bytecodes: one long C call (a power of huge integers) is not cut short, which is why
readers cap numbers before SymPy builds them. Cost: a lock on entry and exit, a few
microseconds; a limit fires within :data:`REPEAT` seconds of its deadline.
"""

from __future__ import annotations

import ctypes
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

__all__ = ["TimeLimitExceeded", "attempt", "expirations", "remaining", "time_limit"]

T = TypeVar("T")

#: Seconds between repeats of an expired limit, until the block has stopped.
REPEAT = 0.05


class TimeLimitExceeded(Exception):
    """A SymPy call ran past its time limit; callers fall back to another method."""


_SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc
_SET_ASYNC_EXC.argtypes = (ctypes.c_ulong, ctypes.c_void_p)


def _raise_in(ident: int, kind: type[BaseException]) -> None:
    """Make thread ``ident`` raise ``kind`` at its next bytecode (replacing one not yet
    raised)."""
    _SET_ASYNC_EXC(ident, id(kind))


class _Withdrawn(BaseException):
    """Takes the place of a limit not yet raised, and is caught at once (:func:`_withdraw`)."""


def _withdraw() -> None:
    """Withdraw a limit not yet raised in the calling thread. CPython's own way, passing NULL
    to ``PyThreadState_SetAsyncExc``, leaves the interpreter's flag for pending work set, and
    under a profiler or tracer (cProfile, pdb, coverage) CPython 3.11 then loops for ever at
    the next call; so a private exception takes the limit's place and is raised here, where
    the loop's next bytecode delivers it."""
    try:
        _raise_in(threading.get_ident(), _Withdrawn)
        while True:
            pass
    except _Withdrawn:
        pass


@dataclass(frozen=True)
class _Deadline:
    """When a limit expires: a wall-clock time, and for a limit on CPU time the thread's
    CPU clock and the reading at which it expires."""

    wall: float
    clock: int | None = None
    cpu: float = math.inf

    def expired(self, now: float) -> bool:
        return self.wall <= now or (
            self.clock is not None and time.clock_gettime(self.clock) >= self.cpu
        )


class _Watchdog:
    """The deadlines of every thread inside a limit, and the thread that enforces them.

    The lock is a plain C lock taken with ``with``: the exception this watchdog raises can
    land at any bytecode, and a Python-level lock (``threading.Condition``) interrupted
    between acquiring and its ``with`` block is never released, which deadlocked every
    thread inside a limit. For the same reason the watchdog polls every :data:`REPEAT`
    seconds instead of being notified."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deadlines: dict[int, list[_Deadline]] = {}
        self.thread: threading.Thread | None = None

    def push(self, seconds: float, cpu: bool) -> int:
        """Enter a limit on the calling thread; an enclosing limit keeps its deadline, so
        the block gets the shorter of its own time and what the enclosing one has left.
        Returns the depth to :meth:`pop` back to."""
        if self.thread is None:
            self._start()
        ident = threading.get_ident()
        clock = time.pthread_getcpuclockid(ident) if cpu else None
        with self.lock:
            stack = self.deadlines.setdefault(ident, [])
            depth = len(stack)
            outer = stack[-1].wall if stack else math.inf
            if clock is not None:
                deadline = _Deadline(outer, clock, time.clock_gettime(clock) + seconds)
            else:
                deadline = _Deadline(min(time.monotonic() + seconds, outer))
            stack.append(deadline)
            return depth

    def _start(self) -> None:
        with self.lock:
            if self.thread is not None:
                return  # started, or being started by another thread
            thread = threading.Thread(target=self.run, name="mlemap-limits", daemon=True)
            self.thread = thread
        thread.start()

    def pop(self, depth: int) -> None:
        """Leave the limits entered at ``depth`` and inside it; safe to repeat."""
        ident = threading.get_ident()
        with self.lock:
            stack = self.deadlines.get(ident, [])
            del stack[depth:]
            if not stack:
                self.deadlines.pop(ident, None)
            # withdraw a repeat not yet delivered; if an enclosing limit has expired too,
            # the watchdog raises again within REPEAT
            _withdraw()

    def left(self) -> float | None:
        with self.lock:
            stack = self.deadlines.get(threading.get_ident())
            return stack[-1].wall - time.monotonic() if stack else None

    def run(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                for ident, stack in self.deadlines.items():
                    if any(d.expired(now) for d in stack):
                        _raise_in(ident, TimeLimitExceeded)
            time.sleep(REPEAT)


_WATCHDOG = _Watchdog()


class time_limit:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` (none if ``seconds``
    is not positive), on whatever thread runs it; with ``cpu``, seconds of the thread's
    CPU time, which a loaded machine does not use up (checked every :data:`REPEAT` s)."""

    def __init__(self, seconds: float, cpu: bool = False) -> None:
        self.seconds = seconds
        self.cpu = cpu
        self.depth: int | None = None

    def __enter__(self) -> time_limit:
        if self.seconds > 0:
            self.depth = _WATCHDOG.push(self.seconds, self.cpu)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.depth is None:
            return
        while True:  # a repeat may land here, before the deadline is withdrawn
            try:
                _WATCHDOG.pop(self.depth)
                break
            except TimeLimitExceeded:
                continue
        self.depth = None


def remaining() -> float | None:
    """Seconds left before the innermost limit around the caller expires; None outside one."""
    return _WATCHDOG.left()


_EXPIRED = [0]  # attempts ended by their own limit, in this process


def expirations() -> int:
    """How many attempts have ended by their own time limit in this process: a derivation
    during which this grows shows something that a faster machine might not."""
    return _EXPIRED[0]


def attempt(
    seconds: float, function: Callable[..., T], *args: object, **kwargs: object
) -> T | None:
    """``function(*args, **kwargs)`` within ``seconds`` of the thread's CPU time, or None if
    SymPy gives up. CPU time, not wall time: what a derivation shows must not depend on how
    loaded the machine is (an enclosing wall-clock limit still applies).

    Giving up covers the time limit, SymPy's NotImplementedError and PolynomialError, and
    the assorted internal errors SymPy raises on inputs its rules were not written for
    (simplify's sum rules raise StopIteration on some sums of logs, for one); for the
    engine each means "not decided this way", and another method is tried.
    """
    start = time.thread_time()
    try:
        with time_limit(seconds, cpu=True):
            return function(*args, **kwargs)
    except TimeLimitExceeded:
        if time.thread_time() - start >= seconds:  # its own limit, not an enclosing one
            _EXPIRED[0] += 1
        return None
    except Exception:
        return None
