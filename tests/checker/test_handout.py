"""Handout notation: the seed handout's chains read and accepted line by line, as it writes them."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import mlemap
from mlemap.checker.handout import is_prose, named_functions, prose_step, scripts, strip_remark

SEED = (Path(__file__).with_name("seed-handout.txt")).read_text(encoding="utf-8").splitlines()


def chain(first: str, last: str, after: str = "") -> str:
    """The seed handout's lines from ``first`` to ``last`` (the first such after ``after``)."""
    start = SEED.index(after) if after else 0
    begin = SEED.index(first, start)
    return "\n".join(SEED[begin : SEED.index(last, begin) + 1])


@functools.cache
def derivation(model: str, prior: str | None = None) -> mlemap.Derivation:
    return mlemap.derive(model, prior=prior)


CHAINS = [
    # Bernoulli MLE, from the likelihood (with its "Why?" lines) to θ = k/n
    ("bernoulli", None, "Step 1: Likelihood", "θ = k/n",
     "Example 1: MLE for Coin Flip (Bernoulli)"),
    # the normal μ chain, with its "Set to zero:" line, to μ = (1/n) Σᵢ xᵢ = x̄
    ("normal", None, "log L(μ, σ²) = -n/2 log(2πσ²) - Σᵢ(xᵢ-μ)²/(2σ²)", "μ = (1/n) Σᵢ xᵢ = x̄", ""),
    # the normal σ² chain, to its result "(sample variance, biased)"
    ("normal", None, "Step 4: Maximize with respect to σ²", "σ̂²_MLE = (1/n) Σᵢ(xᵢ-μ̂)² "
     "(sample variance, biased)", ""),
    # the Beta-Bernoulli MAP: the posterior up to "This is Beta(k+α, n-k+β)!", then θ̂_MAP
    # (the line between, θ_mode = (α' - 1)/(α' + β' - 2), is the Beta mode in other symbols)
    ("bernoulli", "beta", "Step 3: Posterior", "This is Beta(k+α, n-k+β)!",
     "Example 1: MAP for Coin Flip with Beta Prior"),
    ("bernoulli", "beta", "So:", "θ̂_MAP = (k + α - 1) / (n + α + β - 2)",
     "Example 1: MAP for Coin Flip with Beta Prior"),
]  # fmt: skip


@pytest.mark.parametrize(("model", "prior", "first", "last", "after"), CHAINS)
def test_seed_handout_chains_are_read_and_accepted_line_by_line(model, prior, first, last, after):
    text = chain(first, last, after)
    report = mlemap.check(derivation(model, prior), text)
    assert report.verdict == "correct", str(report)
    maths = {line for line in text.splitlines() if "=" in line or "∝" in line}
    checked = {step.text for step in report.steps}
    # every line with a relation sign was checked (the Σ… prose lines around them were skipped)
    assert {m.removeprefix("- ").strip() for m in maths} <= checked | {
        m for m in maths if ":" in m.split("=")[0]
    }
    assert len(report.steps) >= len(maths) - 1


def test_the_seed_chains_checked_lines_are_the_whole_derivation():
    report = mlemap.check(derivation("bernoulli"), chain(*CHAINS[0][2:4], CHAINS[0][4]))
    kinds = [s.what for s in report.steps]
    assert kinds[:3] == ["likelihood", "log-likelihood", "log-likelihood"]
    assert kinds[3:5] == ["derivative of the log-likelihood in theta"] * 2
    assert kinds[-1] == "estimate of theta"


def test_set_to_zero_is_noted_on_the_step_after_it():
    report = mlemap.check(derivation("normal"), chain(*CHAINS[1][2:4]))
    after = next(s for s in report.steps if s.text == "1/σ² × Σᵢ(xᵢ-μ) = 0")
    assert any("(the step: set the derivative to zero)" in note for note in after.notes)


def test_a_wrong_line_in_a_seed_chain_is_named():
    text = chain(*CHAINS[0][2:4], CHAINS[0][4]).replace("k(1-θ) = (n-k)θ", "k(1-θ) = (n+k)θ")
    report = mlemap.check(derivation("bernoulli"), text)
    assert report.verdict == "wrong"
    assert report.first_wrong.text == "k(1-θ) = (n+k)θ"


# -- the pieces ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("θᵏ × (1-θ)ⁿ⁻ᵏ", "θ^{k} × (1-θ)^{n-k}"),
        ("Σᵢ₌₁ⁿ xᵢ", "Σ_{i=1}^{n} x_{i}"),
        ("(XᵀX)⁻¹", "(X^{T}X)^{-1}"),
        ("σ⁴ + μ₀", "σ^{4} + μ_{0}"),
        ("xₘ", "x_{m}"),
    ],
)
def test_unicode_scripts_become_groups(text, expected):
    assert scripts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L(θ) × P(θ)", "likelihood × prior"),
        ("P(D|θ)", "likelihood"),
        ("P(x₁, x₂, ..., xₙ | θ)", "likelihood"),
        ("P(xᵢ|θ)", "density"),
        ("P(θ|D)", "posterior"),
        ("P(D)", "evidence"),
        ("p(1 - p)", "p(1 - p)"),  # a product, not a density
    ],
)
def test_named_functions(text, expected):
    assert named_functions(text) == expected


def test_prose_lines_and_the_steps_they_name():
    names = frozenset({"theta", "k", "n"})
    assert is_prose("Set to zero:", names) and prose_step("Set to zero:") == (
        "set the derivative to zero"
    )
    assert prose_step("Solve for θ:") == "solve"
    assert is_prose("Why?", names)
    assert not is_prose("k log theta", names)
    assert not is_prose("theta = k/n", names)
    assert strip_remark(" x̄ (sample mean)", names) == (" x̄", "sample mean")
    assert strip_remark(" k (theta n)", names) == (" k (theta n)", None)
