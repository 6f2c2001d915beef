"""Time limits on SymPy calls."""

from __future__ import annotations

import time

import pytest

from mlemap.engine.limits import TimeLimitExceeded, attempt, time_limit


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
