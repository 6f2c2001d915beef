"""Time limits on SymPy calls."""

from __future__ import annotations

import time

import pytest

from mlemap.engine.limits import TimeLimitExceeded, attempt, expirations, time_limit


def test_time_limit_interrupts_a_long_call():
    start = time.perf_counter()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        while True:
            pass
    assert time.perf_counter() - start < 2


def test_nested_limits_restore_the_outer_one():
    with pytest.raises(TimeLimitExceeded), time_limit(0.5):
        with time_limit(0.1):
            pass
        while True:
            pass


def test_attempt_returns_none_when_the_call_gives_up():
    assert attempt(1, lambda: 1 / 0) is None
    assert attempt(1, lambda a, b: a + b, 2, b=3) == 5


def _spin_until_limit() -> float:
    start = time.perf_counter()
    try:
        while True:
            pass
    except TimeLimitExceeded:
        return time.perf_counter() - start


@pytest.mark.parametrize(("outer", "inner"), [(1.0, 0.6), (0.6, 1.5)])
def test_nested_limits_count_the_outer_deadline_from_its_own_start(outer, inner):
    start = time.perf_counter()
    with pytest.raises(TimeLimitExceeded), time_limit(outer):
        with time_limit(inner):
            pass  # returns at once: the outer limit must not be charged the inner's full time
        while True:
            pass
    assert outer - 0.05 < time.perf_counter() - start < outer + 0.3


def test_an_inner_limit_longer_than_the_outer_stops_at_the_outer_deadline():
    start = time.perf_counter()
    with pytest.raises(TimeLimitExceeded), time_limit(0.4):
        assert attempt(3.0, _spin_until_limit) is not None  # the inner block is cut at 0.4 s
        while True:
            pass
    assert time.perf_counter() - start < 1.0


def test_a_host_programs_own_alarm_keeps_its_time():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(time.perf_counter()))
    try:
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, 0.6)
        assert attempt(0.2, lambda: 1) == 1
        while not fired and time.perf_counter() - start < 3:
            pass
        assert fired and 0.55 < fired[0] - start < 0.9
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_quick_inner_limits_charge_the_outer_one_only_the_time_they_took():
    # five inner limits of 1 s that each end at once must leave the outer 2 s almost whole
    with time_limit(2):
        for _ in range(5):
            assert attempt(1, lambda: 1) == 1
        time.sleep(0.5)  # would be interrupted if the inner limits had used up 5 s


def test_a_limit_swallowed_by_a_broad_except_comes_again():
    def stubborn():  # as SymPy's checksol does: catch everything, carry on
        for _ in range(3):
            try:
                while True:
                    pass
            except Exception:
                continue
        while True:
            pass

    start = time.perf_counter()
    assert attempt(0.2, stubborn) is None
    assert time.perf_counter() - start < 2


def _in_thread(function):
    """``function()`` run on a worker thread: its result, or the exception it raised."""
    import threading

    out = []

    def run():
        try:
            out.append(function())
        except BaseException as error:
            out.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the limit did not stop the worker thread"
    return out[0]


def test_a_limit_interrupts_a_worker_thread():
    start = time.perf_counter()
    assert _in_thread(lambda: attempt(0.2, _spin_until_limit_or_forever)) is None
    assert time.perf_counter() - start < 2


def _spin_until_limit_or_forever() -> None:
    while True:
        pass


def test_nested_limits_in_a_worker_thread_keep_the_outer_deadline():
    def nested() -> float:
        start = time.perf_counter()
        try:
            with time_limit(0.6):
                assert attempt(0.1, _spin_until_limit_or_forever) is None
                assert attempt(5.0, lambda: 1) == 1
                _spin_until_limit_or_forever()
        except TimeLimitExceeded:
            return time.perf_counter() - start
        return -1.0

    assert 0.55 < _in_thread(nested) < 1.0


def test_threads_keep_their_own_limits():
    from concurrent.futures import ThreadPoolExecutor

    def spin(seconds: float) -> float:
        start = time.perf_counter()
        try:
            with time_limit(seconds):  # wall clock: four threads share one interpreter lock
                _spin_until_limit_or_forever()
        except TimeLimitExceeded:
            pass
        return time.perf_counter() - start

    with ThreadPoolExecutor(4) as pool:
        took = list(pool.map(spin, [0.2, 0.4, 0.6, 0.8]))
    for seconds, spent in zip([0.2, 0.4, 0.6, 0.8], took, strict=True):
        assert seconds - 0.02 < spent < seconds + 0.5


def test_a_finished_limit_leaves_nothing_pending():
    # a block that ends just as its limit expires must not carry the exception outside
    def spin(seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            pass

    for _ in range(20):
        try:
            with time_limit(0.01):
                spin(0.0099)
        except TimeLimitExceeded:
            pass  # inside the block: allowed
        spin(0.06)  # a stray repeat would land here, outside any limit


def test_a_cpu_limit_counts_the_threads_cpu_time_not_its_waiting():
    start = time.perf_counter()
    with time_limit(0.3, cpu=True):
        time.sleep(0.6)  # waiting uses no CPU time: the limit has not expired
    with pytest.raises(TimeLimitExceeded), time_limit(0.3, cpu=True):
        while True:
            pass
    assert time.perf_counter() - start < 3

    def spin_on_cpu_limit() -> bool:
        try:
            with time_limit(0.2, cpu=True):
                _spin_until_limit_or_forever()
        except TimeLimitExceeded:
            return True
        return False

    assert _in_thread(spin_on_cpu_limit) is True


def test_attempt_limits_cpu_time_not_wall_time():
    # Sleeping uses no CPU: an attempt of 0.1 s CPU lets a 0.3 s sleep finish, so what the
    # engine shows does not depend on how loaded the machine is.
    assert attempt(0.1, lambda: time.sleep(0.3) or "done") == "done"
    assert attempt(0.1, _spin_until_limit_or_forever) is None


def test_expirations_count_attempts_ended_by_their_own_limit_only():
    before = expirations()
    assert attempt(0.1, _spin_until_limit_or_forever) is None
    assert expirations() == before + 1
    assert attempt(1, lambda: 1 / 0) is None  # gave up, but not by the clock
    with pytest.raises(TimeLimitExceeded), time_limit(0.1, cpu=True):
        attempt(5, _spin_until_limit_or_forever)  # the enclosing limit ended it
        while True:
            pass
    assert expirations() == before + 1


def test_a_limit_left_under_a_profiler_or_tracer_does_not_hang_the_next_call():
    """Withdrawing a pending limit with CPython's NULL left its flag for pending work set, and
    under cProfile, pdb or coverage CPython 3.11 looped for ever at the next call: every
    `mlemap check` under cProfile hung. A subprocess, so that a regression fails, not hangs."""
    import subprocess
    import sys

    script = (
        "import sys, cProfile\n"
        "from mlemap.engine.limits import time_limit\n"
        "def f():\n    return 1\n"
        "for hook in (sys.setprofile, sys.settrace):\n"
        "    hook(lambda *a: None)\n"
        "    for _ in range(3):\n"
        "        with time_limit(5):\n            f()\n"
        "        f()\n"
        "    hook(None)\n"
        "profile = cProfile.Profile(); profile.enable()\n"
        "with time_limit(5):\n    f()\n"
        "f(); profile.disable(); print('done')\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert found.stdout == "done\n", found.stderr
