"""Matrix claims for linear regression, judged at random matrices against the regression engine."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

import mlemap
from mlemap.checker.judge import check
from mlemap.errors import MlemapError

SEED = Path(__file__).with_name("seed-handout.txt")


@functools.cache
def derivation(prior: str | None) -> object:
    return mlemap.derive("linear_regression", prior=prior)


@pytest.mark.parametrize(
    ("prior", "claim"),
    [
        (None, "w = (X^T X)^{-1} X^T y"),
        (None, "ŵ_MLE = (XᵀX)⁻¹Xᵀy"),
        (None, "XᵀXw = Xᵀy"),
        ("normal", "ŵ_MAP = (XᵀX + λI)⁻¹Xᵀy"),
        ("normal", r"\hat{w} = (\mathbf{X}^\top \mathbf{X} + \lambda I)^{-1} \mathbf{X}^\top y"),
        ("normal", "(XᵀX + λI)w = Xᵀy"),
        ("normal", "Xᵀy - XᵀXw = λw"),  # the seed handout's step
        ("normal", "w = (XᵀX + σ²/τ² I)⁻¹Xᵀy"),  # λ written out as σ²/τ²
    ],
)
def test_textbook_forms_are_correct(prior, claim):
    report = check(derivation(prior), claim)
    assert report.verdict == "correct", str(report)


def test_a_wrong_claim_names_the_sizes_and_both_values():
    report = check(derivation("normal"), "w = (XᵀX + 2λI)⁻¹Xᵀy")
    assert report.verdict == "wrong"
    where = report.steps[0].where
    assert "(X " in where and "yours = [" in where and "engine = [" in where


GRADIENTS = [
    (None, "∇_w ℓ(w) = X^T(y - Xw)/σ²"),
    (None, r"\nabla_{\mathbf{w}} \ell(\mathbf{w}) = \frac{1}{\sigma^2} X^\top (y - X w)"),
    (None, "grad_w l(w) = (X^T y - X^T X w)/sigma2"),
    (None, "dl/dw = Xᵀy/σ² − XᵀXw/σ²"),
    (None, "∇_w ℓ(w) = 0"),  # at the estimate
    (None, "∇_w ‖y − Xw‖² = −2Xᵀ(y − Xw)"),
    (None, "∇_w (y − Xw)ᵀ(y − Xw) = 2XᵀXw − 2Xᵀy"),
    ("normal", "∇_w [ℓ(w) − λ‖w‖²/2] = Xᵀ(y − Xw)/σ² − λw"),
    ("normal", "∇_w log p(w | y) = Xᵀ(y − Xw)/σ² − w/τ²"),
    ("normal", r"\nabla_w \log p(w \mid y) = 0"),
    ("normal", "∂/∂w [‖y − Xw‖² + λ wᵀw] = 2(XᵀX + λI)w − 2Xᵀy"),
    ("laplace", "∇_w ℓ(w) = Xᵀ(y − Xw)/σ²"),  # the lasso's smooth part
]


@pytest.mark.parametrize(("prior", "claim"), GRADIENTS)
def test_gradients_are_correct(prior, claim):
    report = check(derivation(prior), claim)
    assert report.verdict == "correct", str(report)
    assert report.steps[0].what.startswith("gradient of")


@pytest.mark.parametrize(
    ("prior", "claim", "diagnosis"),
    [
        (None, "∇_w ℓ(w) = −Xᵀ(y − Xw)/σ²", "sign is flipped"),
        (None, "∇_w ℓ(w) = Xᵀ(y − Xw)", "σ² times the engine's"),
        (None, "∇_w ‖y − Xw‖² = −Xᵀ(y − Xw)", "1/2 times"),
        (None, "∇_w ℓ(w) = XᵀXw/σ² − Xᵀy/σ²", "sign is flipped"),
        ("normal", "∇_w log p(w|y) = Xᵀ(y − Xw)/σ²", "the log-prior is missing"),
        ("normal", "∇_w ℓ(w) = Xᵀ(y − Xw)/σ² − w/τ²", "includes the log-prior"),
        ("normal", "∇_w ℓ(w) = 0", "the OLS estimate"),
        ("normal", "∇_w [ℓ(w) − λ‖w‖²/2] = Xᵀ(y − Xw)/σ² − 2λw", ""),
    ],
)
def test_wrong_gradients_are_caught_and_named(prior, claim, diagnosis):
    report = check(derivation(prior), claim)
    assert report.verdict == "wrong", str(report)
    step = report.steps[0]
    assert diagnosis in step.diagnosis and bool(diagnosis) == bool(step.diagnosis)
    assert "yours = [" in step.where and "engine = [" in step.where


def test_a_gradient_counterexample_is_the_entrywise_derivative():
    """The engine's side of the counterexample is the derivative of ℓ written out by entries,
    recomputed here with NumPy at the sizes and w the counterexample names."""
    report = check(derivation(None), "∇_w ℓ(w) = Xᵀ(y − Xw)")
    where = report.steps[0].where
    assert "w = [" in where
    yours, engine = (
        np.array([float(v) for v in part.split("[")[1].split("]")[0].split(",")])
        for part in where.split("yours = ")[1].split(", engine = ")
    )
    # Xᵀ(y − Xw) is σ² times the gradient, and the diagnosis recovers σ² the same way.
    ratio = yours / engine
    assert np.allclose(ratio, ratio[0]) and ratio[0] > 0


def test_a_gradient_of_the_wrong_size_names_both_sizes():
    report = check(derivation(None), "∇_w ℓ(w) = (y − Xw)/σ²")  # Xᵀ forgotten: n×1
    assert report.verdict == "wrong"
    assert "yours = 4×1 [" in report.steps[0].where or "×1 [" in report.steps[0].where


def test_a_chain_of_gradient_lines_continues_the_quantity():
    text = "∇_w ℓ(w) = Xᵀy/σ² − XᵀXw/σ²\n= Xᵀ(y − Xw)/σ²\n= Xᵀ(y + Xw)/σ²"
    report = check(derivation(None), text)
    assert [s.verdict for s in report.steps] == ["correct", "correct", "wrong"]
    assert report.first_wrong.line == 3


@pytest.mark.parametrize(
    ("prior", "claim", "message"),
    [
        (None, "∇_w log p(w|y) = Xᵀy", "needs a prior on w"),
        ("laplace", "∇_w log p(w|y) = Xᵀy", "subgradient"),
        ("laplace", "w = (XᵀX)⁻¹Xᵀy", "no closed form"),
        (None, "Xᵀy = ∇_w ℓ(w)", "gradient on the left"),
        (None, "∇_w X = X", "scalar function of w"),
        (None, "∇_w ‖w‖ = w", "squared norm"),
        (None, "= Xᵀy", "continues the line before"),
    ],
)
def test_gradient_claims_out_of_reach_are_refused(prior, claim, message):
    with pytest.raises(MlemapError) as caught:
        check(derivation(prior), claim)
    assert message in str(caught.value)


def test_ols_given_for_ridge_is_named():
    report = check(derivation("normal"), "ŵ_MAP = (XᵀX)⁻¹Xᵀy")
    assert report.verdict == "wrong"
    assert "OLS estimate" in report.diagnosis


def test_an_equation_set_to_zero_compares_with_the_zero_vector():
    assert check(derivation("normal"), "Xᵀ(y − Xw) − λw = 0").verdict == "correct"
    assert check(derivation("normal"), "0 = Xᵀ(y − Xw)/σ² − w/τ²").verdict == "correct"
    assert check(derivation("normal"), "Xᵀ(y − Xw) + λw = 0").verdict == "wrong"


def test_the_seed_handouts_ridge_chain_has_its_sign_error_named():
    """The seed handout's ridge gradient flips the sign of the likelihood's term, and the
    three lines after it inherit the error; from Xᵀy = (XᵀX + λI)w on it is right again."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    begin = lines.index(
        "Step 4: Maximize", lines.index("Example 2: MAP for Linear Regression with Gaussian Prior")
    )
    end = lines.index("ŵ_MAP = (XᵀX + λI)⁻¹Xᵀy (Ridge regression!)", begin)
    report = check(derivation("normal"), "\n".join(lines[begin : end + 1]))
    verdicts = [s.verdict for s in report.steps]
    assert verdicts == ["wrong"] * 4 + ["correct"] * 3, str(report)
    first = report.first_wrong
    assert (
        first.text.startswith("∂/∂w [log P(w|D)]") and first.what == "gradient of the log-posterior"
    )
    assert first.diagnosis.startswith("the sign of the term") and "Xᵀ(y - Xw)" in first.diagnosis
    assert report.steps[-1].notes == ("the remark (Ridge regression!) is words, not checked",)


@pytest.mark.parametrize(
    "claim",
    [
        "sigma2_hat = ‖y - Xw_hat‖²/n",
        "σ̂² = ‖y − Xŵ‖²/n",
        r"\hat\sigma^2 = \frac{\lVert y - X\hat{w} \rVert^2}{n}",
        "σ̂² = (yᵀy − yᵀX(XᵀX)⁻¹Xᵀy)/n",  # the residual sum of squares written out
    ],
)
def test_the_ols_variance_estimate_is_judged_with_the_engines_w_hat(claim):
    report = check(derivation(None), claim)
    assert report.verdict == "correct", str(report)
    assert report.steps[0].what == "estimate of sigma2"


def test_the_unbiased_variance_for_the_mle_is_named():
    report = check(derivation(None), "σ̂² = ‖y − Xŵ‖²/(n − d)")
    step = report.steps[0]
    assert report.verdict == "wrong" and step.engine == "sigma2_hat = ‖y - Xw_hat‖²/n"
    assert step.diagnosis.startswith("this is the unbiased s² = RSS/(n − d)")
    other = check(derivation(None), "σ̂² = ‖y − Xŵ‖²/(n − 1)").steps[0]
    assert other.verdict == "wrong" and other.diagnosis == ""  # not the unbiased s²


@pytest.mark.parametrize("prior", ["normal", "laplace"])
def test_with_a_prior_there_is_no_variance_estimate_to_check(prior):
    with pytest.raises(MlemapError, match=r"σ² is known .* not estimated"):
        check(derivation(prior), "σ̂² = ‖y − Xŵ‖²/n")
