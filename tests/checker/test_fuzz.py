"""Hostile and random text: only documented outcomes (a verdict or an mlemap error), each
inside its time budget and the process under a memory cap. Fixed seed: the same strings
on every run."""

from __future__ import annotations

import resource
import time

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

import mlemap
from mlemap.checker import judge
from mlemap.checker.claims import parse_claims
from mlemap.checker.judge import CheckReport
from mlemap.checker.parse import Vocabulary
from mlemap.errors import MlemapError

TOKENS = [
    "theta", "theta_hat", "k", "n", "x_i", "x", "xbar", "alpha", "lambda", "e", "pi",
    "sum(", "prod(", "gamma(", "log(", "ln ", "exp(", "sqrt(", "factorial(", "binomial(n,",
    "diff(", "!", "^", "**", "(", ")", "[", "]", "+", "-", "*", "/", "=", "==", "<", ",", ";",
    "1", "2", "9", "0.5", "1e-13", "1e308", "999", "10^999", ".", "'", "''", "_", "__",
    "\\frac{", "\\hat{", "\\sum_{i=1}^n", "\\prod", "\\log", "\\left(", "\\right)", "\\cdot",
    "\\input{", "\\[", "\\]", "\\begin{align}", "\\end{align}", "$", "$$", "{", "}", "&",
    "\\\\", "ℓ", "θ", "θ̂", "σ²", "μ₀", "∂", "√", "⁻¹", "ⁿ", "ᵢ", "Σᵢ", "∏", "∝", "−", "×",
    "d/dθ", "∂ℓ/∂θ", "L(θ)", "l(theta)", "dl/dtheta", "const", "Set to zero:", "\n", " ",
    "\ufeff", "\x00", "#", "%", "- ", "1. ", "__import__", "lambda:", "os.system",
]  # fmt: skip
STRINGS = st.lists(st.sampled_from(sorted(TOKENS)), max_size=30).map("".join) | st.text(max_size=60)
#: The memory cap, in KB of peak resident memory (n^n^n^n once took 3.4 GB).
MEMORY_CAP = 2_000_000
VOCABULARY = Vocabulary.of(mlemap.derive("bernoulli").problem)


def _under_memory_cap() -> None:
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < MEMORY_CAP


@seed(16)
@settings(max_examples=10_000, deadline=None, database=None)
@given(STRINGS)
def test_ten_thousand_strings_are_read_or_refused_with_an_mlemap_error(text):
    start = time.perf_counter()
    try:
        lines = parse_claims(text, VOCABULARY)
    except MlemapError:
        pass
    else:
        assert lines
    assert time.perf_counter() - start < 6  # each expression is read under a 5 s limit


@pytest.fixture(scope="module")
def _quick_checks():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(judge, "CHECK_SECONDS", 0.1)  # a budget per string keeps CI short
        yield


@seed(13)
@settings(max_examples=1_000, deadline=None, database=None)
@given(STRINGS)
def test_a_thousand_strings_checked_end_in_a_verdict_or_an_mlemap_error(_quick_checks, text):
    start = time.perf_counter()
    try:
        report = mlemap.check("bernoulli", text)
    except MlemapError:
        pass
    else:
        assert isinstance(report, CheckReport)
        assert report.verdict in ("correct", "wrong", "undecided")
    assert time.perf_counter() - start < 6
    _under_memory_cap()
