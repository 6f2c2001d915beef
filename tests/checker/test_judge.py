"""Checking hand algebra: results, log-likelihoods, scores, second derivatives and chains."""

from __future__ import annotations

import functools
import re
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlemap
from mlemap.catalog.symbols import i, n
from mlemap.checker.judge import CheckReport, check
from mlemap.errors import MlemapError, ParseError


@functools.cache
def derivation(model: str, prior: str | None = None) -> mlemap.Derivation:
    return mlemap.derive(model, prior=prior)


def run(model: str, claim: str, prior: str | None = None) -> CheckReport:
    return check(derivation(model, prior), claim)


def declared(model: str, name: str, prior: str | None = None) -> sp.Symbol:
    return next(s for s in derivation(model, prior).problem.declarations if s.name == name)


def value(point, model: str, name: str, prior: str | None = None) -> float:
    return float(point.values[declared(model, name, prior)])


# -- results ------------------------------------------------------------------------------------
def test_bernoulli_mle_is_correct():
    report = run("bernoulli", "theta = k/n")
    assert report.verdict == "correct"
    assert report.exit_code == 0
    assert report.method == "symbolic"
    x = mlemap.models()["bernoulli"].x
    assert report.expected == sp.Sum(x[i], (i, 1, n)) / n
    assert report.counterexample is None


def test_bernoulli_map_is_correct_in_plain_and_latex():
    for claim in (
        "theta = (k + alpha - 1)/(n + alpha + beta - 2)",
        r"\hat\theta = \frac{k+\alpha-1}{n+\alpha+\beta-2}",
        "θ̂ = (k + α − 1)/(n + α + β − 2)",
    ):
        report = run("bernoulli", claim, "beta")
        assert report.verdict == "correct", claim
        assert report.steps[0].what == "estimate of theta"
    alpha, beta = declared("bernoulli", "alpha", "beta"), declared("bernoulli", "beta", "beta")
    x = mlemap.models()["bernoulli"].x
    assert report.expected == (alpha + sp.Sum(x[i], (i, 1, n)) - 1) / (alpha + beta + n - 2)


def test_the_mle_given_for_the_map_estimate_is_wrong_with_a_counterexample():
    report = run("bernoulli", "theta = k/n", "beta")
    assert report.verdict == "wrong"
    assert report.exit_code == 1
    assert report.method == "numeric"
    assert report.diagnosis == "this is the MLE: it leaves out the prior"
    found = report.counterexample
    k, size = sum(int(v) for v in found.point.data), found.point.size
    alpha = value(found.point, "bernoulli", "alpha", "beta")
    beta = value(found.point, "bernoulli", "beta", "beta")
    assert found.left.real == pytest.approx(k / size)
    assert found.right.real == pytest.approx((alpha + k - 1) / (alpha + beta + size - 2))
    assert f"k = {k}" in report.steps[0].where
    assert report.steps[0].engine == "(alpha + k - 1)/(alpha + beta + n - 2)"


def test_variance_with_n_minus_1_is_wrong_and_diagnosed():
    report = run("normal", "sigma2 = sum((x_i - xbar)^2)/(n - 1)")
    step = report.steps[0]
    assert report.verdict == "wrong"
    assert step.what == "estimate of sigma2"
    assert "n versus n - 1" in report.diagnosis
    assert step.engine == "sum((x_i - xbar)**2)/n"
    assert step.claimed == "sum((x_i - xbar)**2)/(n - 1)"
    found = report.counterexample
    data = [float(v) for v in found.point.data]
    mean = sum(data) / len(data)
    squares = sum((v - mean) ** 2 for v in data)
    assert found.left.real == pytest.approx(squares / (len(data) - 1))
    assert found.right.real == pytest.approx(squares / len(data))
    assert "Verdict: wrong; the first wrong step is line 1." in str(report)


def test_variance_given_mu_reads_mu_as_its_estimate():
    report = run("normal", "sigma^2 = sum((x_i - mu)^2)/n")
    assert report.verdict == "correct"
    assert report.steps[0].notes == ("reads mu as mu_hat",)


def test_an_equal_form_symbolic_rules_cannot_reach_is_decided_numerically():
    report = run("normal", "sigma2 = sum(x_i^2)/n - xbar^2")
    assert report.verdict == "correct"
    assert report.method == "numeric"
    assert re.match(r"equal at \d+ random data sets of distinct sizes", report.steps[0].detail)


def test_off_by_a_constant_factor_and_by_an_additive_constant():
    assert run("bernoulli", "theta = 2*k/n").diagnosis == (
        "off by a constant factor: yours is 2 times the engine's"
    )
    assert run("bernoulli", "theta = k/n + 1").diagnosis == (
        "off by an additive constant: yours - engine = 1"
    )
    assert run("poisson", "lambda = -xbar").diagnosis == (
        "the sign is wrong: yours is minus the engine's"
    )


def test_a_bare_expression_for_a_one_parameter_model_is_its_estimate():
    report = run("poisson", "sum(x_i)/n")
    assert report.verdict == "correct"
    assert report.steps[0].what == "estimate of lambda"
    with pytest.raises(ParseError, match="does not say what it is"):
        run("normal", "sum(x_i)/n")


# -- log-likelihoods, scores, second derivatives ------------------------------------------------
def test_poisson_log_likelihood_up_to_a_constant():
    report = run("poisson", "l(lambda) = -n*lambda + log(lambda)*sum(x_i)")
    step = report.steps[0]
    assert report.verdict == "correct"
    assert step.what == "log-likelihood"
    assert step.notes == (
        "equal up to an additive constant that does not depend on the parameters: "
        "yours - engine = sum(log(factorial(x_i)))",
    )


def test_a_log_likelihood_that_differs_by_more_than_a_constant_is_wrong():
    report = run("poisson", "l(lambda) = -lambda + log(lambda)*sum(x_i)")
    assert report.verdict == "wrong"
    found = report.counterexample
    lam, total = value(found.point, "poisson", "lambda"), sum(float(v) for v in found.point.data)
    assert found.left.real == pytest.approx(-1 + total / lam)  # the slopes in lambda differ
    assert found.right.real == pytest.approx(-found.point.size + total / lam)
    assert "d/dlambda of yours" in report.steps[0].where


def test_likelihood_and_log_posterior():
    assert run("bernoulli", r"L(\theta) = \theta^k (1-\theta)^{n-k}").verdict == "correct"
    prior = "beta"
    good = "Q(theta) = (k + alpha - 1)*log(theta) + (n - k + beta - 1)*log(1 - theta)"
    assert run("bernoulli", good, prior).verdict == "correct"
    bad = run("bernoulli", "Q(theta) = k*log(theta) + (n - k)*log(1 - theta)", prior)
    assert bad.verdict == "wrong"
    assert bad.diagnosis == "this is the log-likelihood: the log-prior is missing"
    with pytest.raises(ParseError, match="needs a prior"):
        run("bernoulli", "Q(theta) = k*log(theta)")


def test_scores_and_second_derivatives():
    assert run("poisson", "dl/dlambda = -n + sum(x_i)/lambda").verdict == "correct"
    assert run("poisson", r"\frac{d\ell}{d\lambda} = \frac{\sum_i x_i}{\lambda} - n").verdict == (
        "correct"
    )
    wrong = run("poisson", "dl/dlambda = -n + sum(x_i)/lambda^2")
    assert wrong.verdict == "wrong"
    assert wrong.steps[0].engine == "n*xbar/lambda - n"
    assert run("poisson", "d2l/dlambda2 = -sum(x_i)/lambda^2").verdict == "correct"
    assert run("poisson", "d2l/dlambda2 = sum(x_i)/lambda^2").diagnosis == (
        "the sign is wrong: yours is minus the engine's"
    )
    assert run("normal", "d2l/dmu dsigma2 = -(sum(x_i) - n*mu)/sigma2^2").verdict == "correct"


def test_the_map_score_of_the_likelihood_is_diagnosed():
    report = run("bernoulli", "score = k/theta - (n - k)/(1 - theta)", "beta")
    assert report.steps[0].what == "derivative of the log-posterior in theta"
    assert report.diagnosis == (
        "this is the derivative of the log-likelihood in theta: the log-prior is missing"
    )


# -- chains ------------------------------------------------------------------------------------
CORRECT_CHAIN = """\
# Poisson MLE by hand
l(lambda) = sum(x_i*log(lambda) - lambda - log(x_i!))
          = log(lambda)*sum(x_i) - n*lambda - sum(log(factorial(x_i)))
dl/dlambda = sum(x_i)/lambda - n = 0
sum(x_i) = n*lambda
lambda = xbar
"""

WRONG_CHAIN = """\
l(lambda) = log(lambda)*sum(x_i) - n*lambda
dl/dlambda = sum(x_i)/lambda - n
sum(x_i)/lambda - n = 0
sum(x_i) = (n - 1)*lambda
lambda = sum(x_i)/(n - 1)
"""


def test_a_correct_chain_of_steps():
    report = run("poisson", CORRECT_CHAIN)
    assert report.verdict == "correct"
    assert [s.line for s in report.steps] == [2, 3, 4, 4, 5, 6]
    assert [s.what for s in report.steps] == [
        "log-likelihood",
        "log-likelihood",
        "derivative of the log-likelihood in lambda",
        "equation",
        "equation",
        "estimate of lambda",
    ]
    assert report.steps[3].notes == ("sets it to zero",)
    assert "it holds at the engine's estimate (lambda_hat = xbar)" in report.steps[4].detail


def test_the_first_wrong_step_is_named_with_its_line():
    report = run("poisson", WRONG_CHAIN)
    assert report.verdict == "wrong"
    assert report.first_wrong.line == 4
    assert [s.verdict for s in report.steps] == ["correct", "correct", "correct", "wrong", "wrong"]
    step = report.first_wrong
    assert step.engine == "lambda_hat = xbar"
    found = step.counterexample
    total = sum(float(v) for v in found.point.data)
    assert found.left.real == pytest.approx(total)  # Σxᵢ, and (n − 1)λ̂ = (n − 1)x̄
    assert found.right.real == pytest.approx((found.point.size - 1) * total / found.point.size)
    assert "the first wrong step is line 4" in str(report)


MARKDOWN_CHAIN = r"""# Bernoulli MLE

$$
\begin{aligned}
\ell(\theta) &= \sum_{i=1}^{n} \left[x_i \log\theta + (1-x_i)\log(1-\theta)\right] \\
&= k\log\theta + (n-k)\log(1-\theta)
\end{aligned}
$$

Set the derivative to zero:
$\frac{d\ell}{d\theta} = \frac{k}{\theta} - \frac{n-k}{1-\theta} = 0$, so

1. $k(1-\theta) = (n-k)\theta$
2. $k = n\theta^2$
3. $\hat\theta = k/n$
"""


def test_a_markdown_latex_chain_names_its_first_wrong_line():
    report = run("bernoulli", MARKDOWN_CHAIN)
    assert [s.line for s in report.steps] == [5, 6, 11, 11, 13, 14, 15]
    assert report.first_wrong.line == 14
    assert report.first_wrong.text == r"k = n\theta^2"
    assert [s.verdict for s in report.steps[:4]] == ["correct"] * 4
    assert report.steps[-1].verdict == "correct"


def test_an_identity_between_two_forms_holds():
    claim = "k/theta - (n - k)/(1 - theta) = (k - n*theta)/(theta*(1 - theta))"
    report = run("bernoulli", claim)
    assert report.verdict == "correct"
    assert report.steps[0].detail.startswith("it holds identically")


# -- the API -----------------------------------------------------------------------------------
def test_check_derives_from_a_model_name():
    report = check("poisson", "lambda = xbar")
    assert report.verdict == "correct"
    assert report.problem == "MLE derivation for poisson"


def test_a_derivation_carries_its_own_prior():
    with pytest.raises(MlemapError, match="carries its own prior"):
        check(derivation("bernoulli"), "theta = k/n", prior="beta")


def test_check_and_report_are_exported():
    assert mlemap.check is check
    assert mlemap.CheckReport is CheckReport
    assert {"check", "CheckReport"} <= set(mlemap.__all__)


# -- fuzzing the whole check ---------------------------------------------------------------------
ATOMS = st.sampled_from(
    [
        *("theta", "k", "n", "alpha", "beta", "xbar", "theta_hat", "1", "2", "0", "0.5"),
        *("1000", "pi", "e", "sum(x_i)", "sum(log(x_i!))", "sum(x_i^2)"),
    ]
)


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    operators = st.sampled_from(["+", "-", "*", "/", "^"])
    functions = st.sampled_from(["log", "exp", "sqrt", "factorial", "gamma", "sum"])
    return st.one_of(
        st.tuples(children, operators, children).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(functions, children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"sum(x_i*({c}))"),
    )


EXPRESSIONS = st.recursive(ATOMS, _grow, max_leaves=8)
LEFT_SIDES = ["theta", "l(theta)", "Q(theta)", "dl/dtheta", "d2l/dtheta2", "L(theta)"]
CLAIMS = st.one_of(
    st.tuples(st.sampled_from(LEFT_SIDES), EXPRESSIONS).map(" = ".join),
    st.tuples(EXPRESSIONS, EXPRESSIONS).map(" = ".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CLAIMS)
def test_fuzz_any_claim_gets_a_verdict_or_an_mlemap_error_in_bounded_time(claim):
    start = time.perf_counter()
    try:
        report = run("bernoulli", claim, "beta")
        assert report.verdict in ("correct", "wrong", "undecided")
        assert report.exit_code == (0 if report.verdict == "correct" else 1)
        assert str(report).startswith("Checking against")
    except MlemapError:
        pass
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"checking {claim!r} took {elapsed:.0f} s"


# -- handout notation in claims -----------------------------------------------------------------
def test_a_score_in_sigma_is_checked_through_the_chain_rule():
    # d/dσ of -n log σ - Σ(xᵢ-μ)²/(2σ²): the textbook -n/σ + Σ(xᵢ-μ)²/σ³
    report = run("normal", "∂ℓ/∂σ = -n/σ + Σᵢ(xᵢ-μ)²/σ³")
    assert report.verdict == "correct"
    assert "chain rule" in report.steps[0].what
    wrong = run("normal", "dl/dsigma = -n/(2 sigma^2) + sum((x_i - mu)^2)/(2 sigma^4)")
    assert wrong.verdict == "wrong"  # that is the derivative in σ², not in σ


def test_plus_const_is_allowed_where_a_constant_is_free():
    report = run("normal", "ℓ(μ, σ²) = -n/2 log σ² - Σᵢ(xᵢ-μ)²/(2σ²) + const")
    assert report.verdict == "correct"
    assert any("'+ const'" in note for note in report.steps[0].notes)
    with pytest.raises(ParseError, match="log-likelihood or log-posterior only"):
        run("bernoulli", "θ = k/n + const")


def test_proportional_relates_densities_only():
    report = run("bernoulli", "P(θ|D) ∝ θ^(k+α-1) × (1-θ)^(n-k+β-1)", "beta")
    assert report.verdict == "correct"
    assert run("bernoulli", "P(θ|D) ∝ θ^(k+α) × (1-θ)^(n-k+β-1)", "beta").verdict == "wrong"
    with pytest.raises(ParseError, match="relates densities only"):
        run("bernoulli", "θ ∝ k/n")


def test_the_lasso_without_a_closed_form_is_refused_with_a_clear_error():
    with pytest.raises(MlemapError, match="no closed form"):
        check("linear_regression", "w = (X^T X)^{-1} X^T y", prior="laplace")


# -- named diagnoses: each given only when the alternative matches exactly ----------------------
@pytest.mark.parametrize(
    ("model", "prior", "claim", "diagnosis"),
    [
        # Beta(k + α, n − k + β): mean (k + α)/(n + α + β), mode (k + α − 1)/(n + α + β − 2)
        ("bernoulli", "beta", "θ̂_MAP = (k + α)/(n + α + β)", "posterior mean of theta"),
        ("poisson", "gamma", "lambda = (alpha + sum(x_i))/(beta + n)", "posterior mean"),
        ("bernoulli", "beta", "theta = k/n", "this is the MLE"),
        ("exponential", None, "lambda = xbar", "reciprocal"),  # the scale for the rate
        ("normal", None, "sigma2 = sqrt(sum((x_i - xbar)^2)/n)", "square root"),
        (
            "bernoulli",
            "beta",
            "theta = (k + alpha - 1)/(n + alpha - beta - 2)",
            "the sign of the term beta in the denominator is flipped",
        ),
        (
            "bernoulli",
            "beta",
            "theta = (k + alpha - 1)/(n + alpha + beta)",
            "the term -2 in the denominator is missing",
        ),
        ("bernoulli", None, "dl/dtheta = k/theta + (n-k)/(1-theta)", "is flipped"),
        ("bernoulli", None, "dl/dtheta = k/theta", "is missing"),
        ("normal", None, "sigma2 = sum((x_i - xbar)^2)/(n - 1)", "n versus n - 1"),
        ("poisson", None, "lambda = 2*xbar", "2 times the engine's"),
        ("poisson", None, "lambda = xbar + 1", "additive constant: yours - engine = 1"),
    ],
)
def test_the_usual_mistakes_are_named(model, prior, claim, diagnosis):
    report = run(model, claim, prior)
    assert report.verdict == "wrong"
    assert diagnosis in report.diagnosis


def test_no_diagnosis_without_an_exact_match():
    report = run("poisson", "lambda = 0")
    assert report.verdict == "wrong"
    assert "0 times" not in report.diagnosis
    assert run("poisson", "lambda = xbar^3 + 1/n").diagnosis == ""


def test_a_root_outside_the_domain_is_named_with_the_domain():
    # Poisson with an inverse-gamma prior: n λ² - (Σxᵢ - α - 1) λ - β = 0 has one root ≤ 0
    root = "(sum(x_i) - alpha - 1 {} sqrt((sum(x_i) - alpha - 1)^2 + 4*beta*n))/(2*n)"
    wrong = run("poisson", "lambda = " + root.format("-"), "inverse_gamma")
    assert wrong.verdict == "wrong"
    assert "outside the domain of lambda, (0, ∞)" in wrong.diagnosis
    assert run("poisson", "lambda = " + root.format("+"), "inverse_gamma").verdict == "correct"


@pytest.mark.parametrize(
    "claim",
    [
        "theta = max(x_i)",
        "θ̂ = x₍ₙ₎",
        "theta_hat = x_(n)",
        r"\hat\theta = x_{(n)}",
        r"\hat\theta = \max(x_i)",
    ],
)
def test_the_largest_observation_is_read_in_every_notation(claim):
    """The uniform model's MLE is the sample maximum, which the engine prints as max(x_i)
    (plain) and x_{(n)} (LaTeX): each reads back as the same order statistic."""
    assert check("uniform", claim).verdict == "correct"


@pytest.mark.parametrize(
    ("claim", "verdict"), [("theta = min(x_i)", "wrong"), ("theta = (n + 1)/n*max(x_i)", "wrong")]
)
def test_other_order_statistics_are_judged(claim, verdict):
    assert check("uniform", claim).verdict == verdict


def test_max_is_of_the_observations_only():
    with pytest.raises(ParseError, match=r"write max\(x_i\)"):
        check("uniform", "theta = max(n)")


def test_the_median_absolute_values_and_the_beta_function_are_read():
    assert run("laplace", "mu_hat = median(x_i)").verdict == "correct"
    assert run("laplace", "b_hat = sum(abs(x_i - median(x_i)))/n").verdict == "correct"
    assert run("laplace", "mu_hat = xbar").verdict == "wrong"  # the mean is not the median
    claim = "l(alpha, beta) = (alpha - 1)*sum(log(x_i)) + (beta - 1)*sum(log(1 - x_i))"
    assert run("beta", claim + " - n*log(B(alpha, beta))").verdict == "correct"
    assert run("beta", claim + " + n*log(B(alpha, beta))").verdict == "wrong"
