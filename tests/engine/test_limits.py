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


def test_quick_inner_limits_charge_the_outer_one_only_the_time_they_took():
    # five inner limits of 1 s that each end at once must leave the outer 2 s almost whole
    with time_limit(2):
        for _ in range(5):
            assert attempt(1, lambda: 1) == 1
        time.sleep(0.5)  # would be interrupted if the inner limits had used up 5 s
