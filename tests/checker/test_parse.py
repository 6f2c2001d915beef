"""Reading claims: plain syntax and LaTeX map to the problem's symbols; hostile text is refused."""

from __future__ import annotations

import builtins
import contextlib
import functools
import time

import pytest
import sympy as sp
import sympy.parsing.sympy_parser as sympy_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlemap
from mlemap.catalog.symbols import hat, i, n
from mlemap.checker.claims import parse_claims, read_steps, split_relation
from mlemap.checker.parse import Vocabulary, parse_expression, read_expression
from mlemap.errors import MlemapError, ParseError, UnknownNameError


@functools.cache
def problem(model: str, prior: object = None, estimate: str | None = None) -> mlemap.Derivation:
    return mlemap.derive(
        model, prior=dict(prior) if isinstance(prior, tuple) else prior, estimate=estimate
    )


@functools.cache
def vocabulary(model: str, prior: object = None, estimate: str | None = None) -> Vocabulary:
    return Vocabulary.of(problem(model, prior, estimate).problem)


def symbol(model: str, name: str, prior: object = None, estimate: str | None = None) -> sp.Symbol:
    declared = problem(model, prior, estimate).problem.declarations
    return next(s for s in declared if s.name == name)


def read(text: str, model: str = "bernoulli", prior: object = None, estimate: str | None = None):
    return parse_expression(text, vocabulary(model, prior, estimate))


def total(model: str, f=lambda x: x) -> sp.Sum:
    x = mlemap.models()[model].x
    return sp.Sum(f(x[i]), (i, 1, n))


# -- names --------------------------------------------------------------------------------------
def test_map_estimate_reads_hyperparameters_and_the_named_statistic():
    theta, alpha, beta = (symbol("bernoulli", s, "beta") for s in ("theta", "alpha", "beta"))
    k = total("bernoulli")
    claimed = read("(k + alpha - 1)/(n + alpha + beta - 2)", "bernoulli", "beta")
    assert claimed == (k + alpha - 1) / (n + alpha + beta - 2)
    assert read("theta", "bernoulli", "beta") == theta
    assert theta.is_positive and alpha.is_positive  # the declared symbols, with assumptions


def test_data_names_mean_and_sums():
    k = total("normal")
    assert read("xbar", "normal") == k / n
    assert read("x_bar", "normal") == k / n
    for text in ("sum(x_i)", "sum(x[i])", "Sum(x_i)"):
        assert read(text, "normal") == k
    assert read("sum(1)", "normal") == sp.Sum(1, (i, 1, n))


def test_variance_names_sigma_squared_is_sigma2():
    sigma2 = symbol("normal", "sigma2")
    for text in ("sigma2", "sigma^2", "sigma**2", "σ^2", "σ²", "sigma_2"):
        assert read(text, "normal") == sigma2, text
    assert read("sigma", "normal") == sp.sqrt(sigma2)
    assert read("sigma^4", "normal") == sigma2**2


def test_aliases_lam_and_numbered_hyperparameters():
    lam = symbol("poisson", "lambda")
    assert read("lam", "poisson") == lam
    assert read("λ", "poisson") == lam
    prior, estimate = (("mu", "normal"),), "mu"
    mu0, tau2 = symbol("normal", "mu0", prior, estimate), symbol("normal", "tau2", prior, estimate)
    assert read("mu_0 + tau^2", "normal", prior, estimate) == mu0 + tau2
    assert read(r"\mu_0 + \tau^2", "normal", prior, estimate) == mu0 + tau2


def test_hats_name_the_estimates():
    theta = symbol("bernoulli", "theta")
    assert read("theta_hat") == hat(theta)
    assert read(r"\hat\theta") == hat(theta)
    assert read("θ̂") == hat(theta)
    sigma2 = symbol("normal", "sigma2")
    assert read(r"\hat\sigma^2", "normal") == hat(sigma2)


@pytest.mark.parametrize(
    "written", [r"\hat{\theta}_{1}", r"\hat\theta_1", r"\hat{\theta_1}", "θ̂₁", "theta1_hat"]
)
def test_a_hat_with_an_index_names_that_parameters_estimate(written):
    theta1 = symbol("categorical", "theta1")
    assert read(written, "categorical") == hat(theta1)


def test_a_numbered_count_reads_with_its_index_as_a_subscript():
    counts = mlemap.models()["categorical"].statistic_sums()
    n1 = next(total for symbol, total in counts.items() if symbol.name == "n1")
    for written in ("n1", "n_1", "n₁", r"n_{1}"):
        assert read(written, "categorical") == n1
    assert read(r"\frac{n_2}{n}", "categorical") == read("n2/n", "categorical")


def test_a_label_after_a_hat_is_still_a_label():
    theta = symbol("bernoulli", "theta")
    assert read(r"\hat{\theta}_{\text{MLE}}") == read(r"\hat\theta_{MLE}") == hat(theta)


def test_implicit_products_and_factorials():
    theta = symbol("bernoulli", "theta")
    k = total("bernoulli")
    assert read("2n") == 2 * n
    assert read("k log(theta)") == k * sp.log(theta)
    assert read("(n - k)(1 - theta)") == (n - k) * (1 - theta)
    assert read("n(1 - theta)") == n * (1 - theta)
    assert read("sum(log(x_i!))", "poisson") == total("poisson", lambda x: sp.log(sp.factorial(x)))
    assert read("(n-1)!") == sp.factorial(n - 1)


def test_numbers_are_exact():
    assert read("0.1") == sp.Rational(1, 10)
    assert read("1e-3") == sp.Rational(1, 1000)
    assert read("2^10") == 1024


@pytest.mark.parametrize(
    ("plain", "latex"),
    [
        ("k*log(theta) + (n - k)*log(1 - theta)", r"k\log(\theta) + (n-k)\log(1-\theta)"),
        ("k*log(theta) + (n - k)*log(1 - theta)", r"k \log \theta + (n-k) \log (1-\theta)"),
        ("(k + alpha - 1)/(n + alpha + beta - 2)", r"\frac{k+\alpha-1}{n+\alpha+\beta-2}"),
        ("k/theta - (n - k)/(1 - theta)", r"\frac{k}{\theta} - \frac{n-k}{1-\theta}"),
        ("theta^k*(1 - theta)^(n - k)", r"\theta^{k}(1-\theta)^{n-k}"),
        ("sum(x_i)/n", r"\frac{1}{n}\sum_{i=1}^{n} x_i"),
        ("sum(x_i)", r"\sum_{j=1}^{n} x_j"),
        ("sum(x_i) + 1", r"\sum_i x_i + 1"),
        ("1/2*n^2*3", r"\frac12 n^23"),
        ("theta_hat", r"\hat{\theta}"),
    ],
)
def test_latex_reads_as_the_plain_syntax(plain, latex):
    prior = "beta" if "alpha" in plain else None
    assert read(latex, "bernoulli", prior) == read(plain, "bernoulli", prior)


@pytest.mark.parametrize(
    ("plain", "latex"),
    [
        ("sum((x_i - xbar)^2)/(n - 1)", r"\frac{1}{n-1}\sum_{i=1}^{n}(x_i-\bar x)^2"),
        ("sum((x_i - xbar)^2)", "Σ(x_i - x̄)²"),
        (
            "-n/2*log(2*pi*sigma2) - sum((x_i - mu)^2)/(2*sigma2)",
            r"-\frac{n}{2}\log 2\pi\sigma^2 - \frac{1}{2\sigma^2}\sum_{i=1}^n (x_i-\mu)^2",
        ),
        ("exp(-mu)", r"e^{-\mu}"),
        ("sqrt(sigma2)", r"\sqrt{\sigma^2}"),
    ],
)
def test_latex_normal_model(plain, latex):
    assert read(latex, "normal") == read(plain, "normal")


def test_latex_poisson_log_likelihood():
    lam = symbol("poisson", "lambda")
    expected = (
        -n * lam
        + sp.log(lam) * total("poisson")
        - total("poisson", lambda x: sp.log(sp.factorial(x)))
    )
    text = r"-n\lambda + \log(\lambda) \sum_{i=1}^{n} x_i - \sum_{i=1}^{n} \log x_i!"
    assert read(text, "poisson") == expected


# -- refusals -------------------------------------------------------------------------------------
def test_unknown_name_lists_the_names_the_model_knows():
    with pytest.raises(UnknownNameError) as caught:
        read("thetaa + 1", "bernoulli", "beta")
    message = str(caught.value)
    assert "unknown name 'thetaa' in model 'bernoulli'" in message
    assert "did you mean 'theta'?" in message
    assert {"alpha", "beta", "k", "n", "theta", "theta_hat", "x_i", "xbar"} <= set(
        caught.value.known
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('echo hi')", "unexpected character"),
        ("os.system('ls')", "unexpected character '.'"),
        ("theta.__class__.__mro__", "unexpected character '.'"),
        ("lambda: 1", "unexpected character ':'"),
        ("[c for c in ()]", "not allowed"),
        ("9**9**9**9", "exponent above 1000"),
        ("2^(2^(2^(2^10)))", "exponent above 1000"),
        ("factorial(100000)", "above 1000"),
        ("(" * 300 + "1" + ")" * 300, "nested more than"),
        ("1/0", "undefined"),
        ("log(0)", "undefined"),
        ("9" * 100, "too long"),
        ("x", "is the data set"),
        ("x_i + 1", "inside sum"),
        ("[1, 2]", "not allowed"),
        ("x[0]", "only the data can be indexed"),
        ("theta < 1", "unexpected character '<'"),
        (r"\input{/etc/passwd}", r"unsupported command \input"),
        (r"\sum_{i=0}^{n} x_i", "must start at 1"),
        ("", "empty"),
        ("theta " * 500, "longer than 2000"),
    ],
)
def test_hostile_or_malformed_text_is_refused(text, message):
    with pytest.raises(ParseError) as caught:
        read(text)
    assert message in str(caught.value)


def test_foreign_functions_are_unknown():
    with pytest.raises(UnknownNameError, match="unknown name 'system'"):
        read("system(1)")
    with pytest.raises(UnknownNameError, match="unknown name 'if'"):
        read("theta if k else n")


def test_user_text_never_reaches_eval_sympify_or_parse_expr(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("user text reached eval/parse_expr")

    monkeypatch.setattr(sympy_parser, "parse_expr", refuse)
    monkeypatch.setattr(sympy_parser, "eval_expr", refuse)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    texts = [
        "k*log(theta) + (n - k)*log(1 - theta)",
        r"\hat\theta = \frac{k+\alpha-1}{n+\alpha+\beta-2}",
        "dl/dtheta = k/theta - (n-k)/(1-theta) = 0",
        "__import__('os').system('echo hi')",
        "exec(theta)",
    ]
    for text in texts:
        with contextlib.suppress(MlemapError):
            parse_claims(text, vocabulary("bernoulli", "beta"))


# -- lines, labels and documents -----------------------------------------------------------------
def test_split_relation_ignores_equals_inside_braces():
    assert split_relation("a = b = c") == ["a ", " b ", " c"]
    assert split_relation(r"\sum_{i=1}^n x_i = k") == [r"\sum_{i=1}^n x_i ", " k"]
    assert split_relation("a == b") == ["a ", " b"]


@pytest.mark.parametrize(
    ("text", "kind", "parameters", "of"),
    [
        ("l(mu, sigma2) = 0", "log-likelihood", (), ""),
        (r"\log L(\mu, \sigma^2) = 0", "log-likelihood", (), ""),
        ("dl/dmu = 0", "score", ("mu",), "log-likelihood"),
        ("dl/dsigma^2 = 0", "score", ("sigma2",), "log-likelihood"),
        (r"\frac{\partial \ell}{\partial \sigma^2} = 0", "score", ("sigma2",), "log-likelihood"),
        ("∂ℓ/∂μ = 0", "score", ("mu",), "log-likelihood"),
        ("score_mu = 0", "score", ("mu",), "objective"),
        ("d2l/dmu2 = 0", "second derivative", ("mu", "mu"), "log-likelihood"),
        (
            r"\frac{\partial^2 \ell}{\partial \mu \partial \sigma^2} = 0",
            "second derivative",
            ("mu", "sigma2"),
            "log-likelihood",
        ),
        ("diff(l, mu, sigma2) = 0", "second derivative", ("mu", "sigma2"), "log-likelihood"),
        (r"\hat\sigma^2 = 1", "estimate", ("sigma2",), ""),
        ("sigma_hat^2 = 1", "estimate", ("sigma2",), ""),
        (r"\hat{\mu}_{\text{MLE}} = 1", "estimate", ("mu",), ""),
        ("mu = 1", "estimate", ("mu",), ""),
    ],
)
def test_left_hand_sides_name_the_quantity(text, kind, parameters, of):
    (line,) = parse_claims(text, vocabulary("normal"))
    assert line.label is not None
    assert line.label.kind == kind
    assert tuple(str(p) for p in line.label.parameters) == parameters
    assert line.label.of == of


def test_an_equation_has_no_label_and_keeps_both_sides():
    (line,) = parse_claims("k(1 - theta) = (n - k)*theta", vocabulary("bernoulli"))
    theta, k = symbol("bernoulli", "theta"), total("bernoulli")
    assert line.label is None
    assert line.parts == (k * (1 - theta), (n - k) * theta)


def test_prime_needs_a_parameter_when_there_are_several():
    with pytest.raises(ParseError, match="name the parameter"):
        parse_claims("l'(mu) = 0", vocabulary("normal"))


def test_read_steps_markdown_and_latex_keep_line_numbers():
    text = (
        "# Bernoulli\n"  # 1
        "The log-likelihood, with $k$ successes:\n"  # 2
        "$$\n"  # 3
        "\\begin{aligned}\n"  # 4
        "\\ell(\\theta) &= k\\log\\theta + (n-k)\\log(1-\\theta) \\\\\n"  # 5
        "&= k\\log\\theta + (n-k)\\log(1-\\theta)\n"  # 6
        "\\end{aligned}\n"  # 7
        "$$\n"  # 8
        "1. $\\hat\\theta = k/n$.\n"  # 9
    )
    steps = read_steps(text)
    assert [s.number for s in steps] == [5, 6, 9]
    assert steps[0].text == r"\ell(\theta) &= k\log\theta + (n-k)\log(1-\theta)"
    assert steps[2].text == r"\hat\theta = k/n"


def test_read_steps_plain_lines_skip_markers_comments_and_prose_labels():
    text = "# heading\n\n- l(theta) = k*log(theta)\n2. theta = k/n; n = n\nScore: dl/dtheta = 0\n"
    steps = read_steps(text)
    assert [(s.number, s.text) for s in steps] == [
        (3, "l(theta) = k*log(theta)"),
        (4, "theta = k/n"),
        (4, "n = n"),
        (5, "dl/dtheta = 0"),
    ]


def test_a_bad_line_is_named_in_the_error():
    with pytest.raises(ParseError, match="line 2:"):
        parse_claims("theta = k/n\ntheta = k/'n'\n", vocabulary("bernoulli"))
    with pytest.raises(UnknownNameError, match="line 3"):
        parse_claims("theta = k/n\n\ntheta = q\n", vocabulary("bernoulli"))


# -- fuzzing -------------------------------------------------------------------------------------
PIECES = [
    *"()[]{}+-*/^=,._!'\"$\\&|<>:; \n", "**", "x_i", "x[i]", "sum(", "Sum(", "prod(", "log(",
    "exp(", "sqrt(", "factorial(", "theta", "alpha", "beta", "k", "n", "xbar", "lambda", "lam",
    "theta_hat", "θ", "σ²", "Σ", "x̄", "θ̂", "9", "0", "1e400", "0.5", "99999999", "__import__",
    "os", "system", "eval", "exec", "lambda:", "import", "__class__", "__mro__", "open",
    r"\frac", r"\frac{", r"\sum", r"\sum_{i=1}^{n}", r"\sum_i", r"\log", r"\ln", r"\exp",
    r"\sqrt", r"\hat", r"\bar", r"\theta", r"\alpha", r"\sigma", r"\pi", r"\input", r"\def",
    r"\left(", r"\right)", r"\cdot", r"\partial", r"\ell", r"\mathrm{", r"\text{MLE}", "$$",
    "\\\\", "dl/dtheta", "l(theta)", "l''(theta)", "= 0", "^{", "_{", "}",
]  # fmt: skip
HOSTILE = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
FUZZ_SECONDS = 3.0


def reads_or_refuses(text: str, words: Vocabulary) -> None:
    """Every input parses, or raises the documented mlemap errors, and does so quickly."""
    start = time.perf_counter()
    try:
        lines = parse_claims(text, words)
        assert all(isinstance(p, sp.Basic) for line in lines for p in line.parts)
    except (ParseError, UnknownNameError):
        pass
    elapsed = time.perf_counter() - start
    assert elapsed < FUZZ_SECONDS, f"reading {text!r} took {elapsed:.1f} s"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_fuzz_token_soup_parses_or_raises_mlemap_errors(text):
    reads_or_refuses(text, vocabulary("bernoulli", "beta"))


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_random_text_parses_or_raises_mlemap_errors(text):
    reads_or_refuses(text, vocabulary("normal"))


# -- handout notation: one reader for plain, Unicode and LaTeX mixed -----------------------------
def test_unicode_scripts_roots_and_bare_logs_read_as_the_plain_syntax():
    theta, k = symbol("bernoulli", "theta"), vocabulary("bernoulli").names["k"]
    assert read("θᵏ × (1-θ)ⁿ⁻ᵏ") == theta**k * (1 - theta) ** (n - k)
    assert read("k log θ + (n-k) log(1-θ)") == k * sp.log(theta) + (n - k) * sp.log(1 - theta)
    assert read("k ln theta") == k * sp.log(theta)
    assert read("log[θᵏ × (1-θ)ⁿ⁻ᵏ]") == sp.log(theta**k * (1 - theta) ** (n - k))
    sigma2, mu = symbol("normal", "sigma2"), symbol("normal", "mu")
    assert read("√(2πσ²)", "normal") == sp.sqrt(2 * sp.pi * sigma2)
    assert read("σ⁴", "normal") == sigma2**2
    x = mlemap.models()["normal"].x
    assert read("Σᵢ₌₁ⁿ (xᵢ - μ)²", "normal") == sp.Sum((x[i] - mu) ** 2, (i, 1, n))
    assert read("Σᵢxᵢ - nμ", "normal") == total("normal") - n * mu
    assert read("(1/n) Σᵢ xᵢ", "normal") == total("normal") / n


def test_mixed_lines_read_plain_calls_inside_unicode():
    mu = symbol("normal", "mu")
    x = mlemap.models()["normal"].x
    assert read("Σᵢ log(xᵢ) + exp(μ)", "normal") == sp.Sum(sp.log(x[i]), (i, 1, n)) + sp.exp(mu)
    assert read(r"\sum_{i=1}^n (x_i - mu)^2 + sum(x_i)", "normal") == sp.Sum(
        (x[i] - mu) ** 2, (i, 1, n)
    ) + total("normal")


def test_names_written_together_are_split_and_said_so():
    theta, k = symbol("bernoulli", "theta"), vocabulary("bernoulli").names["k"]
    reading = read_expression("ktheta + nk", vocabulary("bernoulli"))
    assert reading.expr == k * theta + n * k
    assert "read 'ktheta' as k·theta" in reading.notes
    assert read("kθ") == k * theta


def test_hat_labels_are_the_estimate():
    theta = symbol("bernoulli", "theta")
    for text in ("θ̂_MLE", r"\hat\theta_{\text{MLE}}", "θ̂_MAP", "theta_hat"):
        assert read(text) == hat(theta), text


def test_derivative_operators_differentiate_and_sigma_goes_through_the_chain_rule():
    theta, k = symbol("bernoulli", "theta"), vocabulary("bernoulli").names["k"]
    assert read("d/dθ [k log θ + (n-k) log(1-θ)]") == k / theta - (n - k) / (1 - theta)
    assert read("d/dtheta (theta^2)") == 2 * theta
    sigma2 = symbol("normal", "sigma2")
    reading = read_expression("∂/∂σ [log σ²]", vocabulary("normal"))
    assert sp.simplify(reading.expr - 2 / sp.sqrt(sigma2)) == 0  # d(2 log σ)/dσ = 2/σ
    assert any("chain rule" in note for note in reading.notes)
    assert read("∂/∂σ² [log σ²]", "normal") == 1 / sigma2


def test_named_functions_are_the_engines_likelihood_and_prior():
    theta = symbol("bernoulli", "theta")
    likelihood = read("L(θ)")
    assert isinstance(likelihood, sp.Product)
    prior = read("P(θ)", "bernoulli", "beta")
    alpha, beta = symbol("bernoulli", "alpha", "beta"), symbol("bernoulli", "beta", "beta")
    assert (
        sp.simplify(
            prior * sp.beta(alpha, beta) / (theta ** (alpha - 1) * (1 - theta) ** (beta - 1))
        )
        == 1
    )
    with pytest.raises(ParseError, match="up to a factor"):
        read("P(θ|D)")
