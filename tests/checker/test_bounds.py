"""Bounded input: size limits before any scan, exact numbers capped before SymPy builds them,
and a check that ends in bounded time on any thread."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import mlemap
from mlemap.checker.bounds import MAX_STEPS
from mlemap.checker.claims import read_steps
from mlemap.checker.judge import CHECK_SECONDS, CheckReport
from mlemap.errors import ParseError

#: The slowest input the issue found: 99 characters that took a minute to judge.
POWERS = "theta = " + " = ".join(f"(k+n)^{e}" for e in range(300, 308))


@pytest.fixture(autouse=True, scope="module")
def _derived():
    mlemap.derive("bernoulli")  # the derivation is cached: time the check, not the engine


def _timed(function, *args):
    start = time.perf_counter()
    try:
        outcome = function(*args)
    except mlemap.MlemapError as error:
        outcome = error
    return outcome, time.perf_counter() - start


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\\[" * 500_000, "characters; at most 200,000 are read"),
        ("\\begin{align}" * 80_000, "characters; at most 200,000 are read"),
        ("theta = k/n\n" * 83_333, "characters; at most 200,000 are read"),
        ("x\n" * 5_000, "lines; at most 2,000 are read"),
        ("\\[" * 50_000, "line 1 has 100,000 characters; a line may have at most 4,000"),
        ("theta = k/n\n" * 1_500, f"1,500 steps; at most {MAX_STEPS} are checked"),
    ],
    ids=["1 MB of \\[", "1 MB of align", "83,333 lines", "5,000 lines", "a long line", "steps"],
)
def test_a_document_too_large_is_refused_at_once(text, message):
    outcome, took = _timed(mlemap.check, "bernoulli", text)
    assert isinstance(outcome, ParseError) and message in str(outcome)
    assert took < 2


@pytest.mark.parametrize("opener", ["\\[", "\\begin{align}", "$$", "$", "\\begin{equation*}"])
def test_openers_without_closers_are_scanned_in_linear_time(opener):
    # 100 KB of openers on short lines, inside every size limit: a regular expression that
    # searches for the closer from each opener took 33 s on this
    text = "\n".join([opener * (52 // len(opener) + 1)] * 1_900)
    assert len(text) > 100_000
    outcome, took = _timed(read_steps, text)
    assert took < 2
    # no mathematics, so one step a line: more than a check takes
    assert isinstance(outcome, ParseError) and "steps; at most" in str(outcome)


def test_mathematics_after_an_unclosed_opener_is_still_found():
    steps = read_steps("Text with \\[ never closed, then $theta = k/n$ and $$l = 1$$.")
    assert [s.text for s in steps] == ["theta = k/n", "l = 1"]
    lines = read_steps("a\n\\begin{align}\ntheta &= k/n \\\\\n\\end{align}\nb $x = 1$\n")
    assert [(s.number, s.text) for s in lines] == [(3, "theta &= k/n"), (5, "x = 1")]


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ("theta = 10^999*10^999*10^999*10^999*10^999", "a number of 4,995 digits"),
        ("theta = 0.9999999999999^1000", "a power of a number is too large"),
        ("theta = n^n^n", "exact numbers in n may have at most 100,000 digits"),
        ("theta = n^n^n^n", "too large to write at n = 1,000"),
        ("theta = gamma(n^n^n)", "too large to write at n = 1,000"),
        ("theta = factorial(n^2)", "exact numbers in n may have at most 100,000 digits"),
        ("theta = k" + "!" * 200, "nested more than 40 deep"),
        ("theta = k" + "!" * 300, "cannot read"),  # deeper than Python's parser goes
        ("theta = " + "log(" * 60 + "k" + ")" * 60, "nested more than 40 deep"),
    ],
)
def test_numbers_and_nesting_are_capped_before_sympy_builds_them(claim, message):
    outcome, took = _timed(mlemap.check, "bernoulli", claim)
    assert isinstance(outcome, ParseError), outcome
    assert message in str(outcome)
    assert took < 3


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("theta = k/n + factorial(n)", "wrong"),  # exact numbers in n up to the cap: judged
        ("theta = k/n + n^n - n^n", "correct"),
        ("theta = prod(prod(x_i))", "wrong"),  # the printer knows every product
    ],
)
def test_claims_inside_the_caps_are_judged(claim, verdict):
    assert mlemap.check("bernoulli", claim).verdict == verdict


def _in_worker_thread(claim: str) -> tuple[object, float]:
    outcome: list = []
    start = time.perf_counter()
    worker = threading.Thread(
        target=lambda: outcome.append(_timed(mlemap.check, "bernoulli", claim)[0]), daemon=True
    )
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), f"{claim!r} still runs after 30 s"
    return outcome[0], time.perf_counter() - start


@pytest.mark.parametrize("on_thread", [False, True], ids=["main thread", "worker thread"])
def test_a_slow_chain_ends_in_the_checks_time_with_a_verdict(on_thread):
    if on_thread:
        report, took = _in_worker_thread(POWERS)
    else:
        report, took = _timed(mlemap.check, "bernoulli", POWERS)
    assert took < 10
    assert isinstance(report, CheckReport)
    assert len(report.steps) == 8
    assert report.steps[0].verdict == "wrong"  # (k+n)^300 is not k/n, whatever else is decided


@pytest.mark.parametrize("claim", ["theta = gamma(n^n^n)", "theta = n^n^n^n"])
def test_towers_in_a_worker_thread_end_at_once(claim):
    outcome, took = _in_worker_thread(claim)
    assert isinstance(outcome, ParseError)
    assert took < 5


HOSTILE = [
    POWERS,
    "theta = gamma(n^n^n)",
    "theta = n^n^n^n",
    "theta = 10^999*10^999*10^999*10^999*10^999",
    "theta = k" + "!" * 200,
    "theta = (k+n)^999",
    "theta = prod(prod(x_i))",
    "theta = exp(exp(exp(k)))",
    "theta = k/n + 1e-13",
    "\\[" * 1_000,
]


def test_a_thread_pool_of_100_hostile_checks_ends_inside_its_budget(without_gc_callbacks):
    import resource

    threads = 20
    claims = HOSTILE * 10
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(lambda c: _timed(mlemap.check, "bernoulli", c), claims))
    took = time.perf_counter() - start
    for claim, (outcome, each) in zip(claims, outcomes, strict=True):
        assert isinstance(outcome, mlemap.MlemapError | CheckReport), claim
        # 20 threads share one interpreter lock on a small machine, and a long C call (an
        # exact power) holds it, so a check's wall time is its budget stretched by the
        # others' turns; bounded, where before a thread could freeze the process for 200 s
        assert each < 3 * CHECK_SECONDS, (claim[:40], each)
    # each check is bounded by its own deadline, so the pool by rounds of them
    assert took < (len(claims) / threads) * (CHECK_SECONDS + 4)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2_000_000  # KB: under 2 GB
