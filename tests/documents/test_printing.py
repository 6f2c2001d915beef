"""The printers: symbols from their declarations, handout conventions, no SymPy artefacts."""

from __future__ import annotations

import sympy as sp

from mlemap import models
from mlemap.catalog.symbols import hat, i, n
from mlemap.documents.printing import latex_names, to_latex
from mlemap.engine.notation import Constant, Density, Family, LogPosterior, to_text

NORMAL = models()["normal"]
MU, SIGMA2 = NORMAL.symbols["mu"], NORMAL.symbols["sigma2"]
NAMES = latex_names(NORMAL.parameters)
X = NORMAL.x


def test_declared_names_and_hats():
    assert to_latex(SIGMA2, NAMES) == r"\sigma^{2}"
    assert to_latex(hat(SIGMA2), NAMES) == r"\hat{\sigma}^{2}"
    assert to_latex(hat(MU), NAMES) == r"\hat{\mu}"
    assert "sigma_{2}" not in to_latex(SIGMA2 / MU, NAMES)


def test_sums_data_first_and_densities():
    assert to_latex(sp.Sum((X[i] - MU) ** 2, (i, 1, n)), NAMES) == (
        r"\sum_{i=1}^{n} \left(x_{i} - \mu\right)^{2}"
    )
    assert to_latex(sp.Sum(X[i], (i, 1, n)) - n * MU, NAMES, {MU}) == (
        r"\sum_{i=1}^{n} x_{i} - n \mu"
    )
    assert to_latex(Density(X[i], MU, SIGMA2), NAMES) == (
        r"p{\left(x_{i} \mid \mu, \sigma^{2}\right)}"
    )
    assert to_latex(LogPosterior(MU), NAMES) == r"\log p{\left(\mu \mid x\right)}"


def test_declared_density_prints_as_written():
    assert to_latex(NORMAL.declared_density(), NAMES) == (
        r"\frac{\exp\left(- \frac{\left(x_{i} - \mu\right)^{2}}{2 \sigma^{2}}\right)}"
        r"{\sqrt{2 \pi \sigma^{2}}}"
    )


def test_a_negative_factor_signs_the_whole_product():
    lam = sp.Symbol("lambda", positive=True)
    inner = sp.Mul(sp.Mul(-1, lam, evaluate=False), X[i], evaluate=False)  # (−λ)·xᵢ
    assert to_latex(lam * sp.exp(inner, evaluate=False), {}, {lam}) == (
        r"\lambda e^{- x_{i} \lambda}"
    )
    assert to_latex(sp.Mul(X[i], sp.Mul(-2, lam, evaluate=False), evaluate=False), {}, {lam}) == (
        r"- 2 x_{i} \lambda"
    )
    # Where a minus cannot lead, it is bracketed: never x − λ for x·(−λ).
    assert to_latex(sp.Pow(sp.Mul(-1, MU, evaluate=False), 3, evaluate=False), NAMES) == (
        r"\left(- \mu\right)^{3}"
    )


def test_supports_logs_constants_and_families():
    assert to_latex(models()["bernoulli"].support) == r"\lbrace 0, 1 \rbrace"
    assert to_latex(models()["binomial"].support) == r"\lbrace 0, 1, \ldots, m \rbrace"
    assert to_latex(models()["poisson"].support) == r"\lbrace 0, 1, \ldots \rbrace"
    assert to_latex(sp.log(MU) + sp.log(1 + MU)) == r"\log \mu + \log{\left(1 + \mu \right)}"
    # a negated argument keeps its brackets: \log - x_{(1)} would read as log − x₍₁₎
    from mlemap.engine.order import Smallest

    assert to_latex(sp.log(-Smallest(X, n))) == r"\log{\left(- x_{(1)} \right)}"
    assert to_latex(sp.log(-MU)) == r"\log{\left(- \mu \right)}"
    assert to_latex(Constant() + MU) == r"\mu + \text{const}"
    alpha, beta = sp.symbols("alpha beta", positive=True)
    assert to_latex(sp.beta(alpha, beta), {alpha: r"\alpha", beta: r"\beta"}) == (
        r"\operatorname{B}{\left(\alpha, \beta\right)}"
    )
    assert to_text(Family(sp.Symbol("Beta"), alpha + 1, beta)) == "Beta(alpha + 1, beta)"


def test_plain_text():
    assert to_text(sp.Contains(MU, sp.Interval.open(0, sp.oo), evaluate=False)) == "mu ∈ (0, ∞)"
    assert to_text(sp.Eq(MU, 1)) == "mu = 1"
    assert to_text(models()["bernoulli"].support) == "{0, 1}"


def test_square_roots_share_one_radical():
    theta = sp.Symbol("theta", positive=True)
    se = sp.sqrt(theta) * sp.sqrt(1 - theta) / sp.sqrt(n)  # SymPy splits √(θ(1 − θ)/n)
    assert to_latex(se, {theta: r"\theta"}) == (r"\sqrt{\frac{\theta \left(1 - \theta\right)}{n}}")
    assert to_latex(sp.sqrt(theta) / 2, {theta: r"\theta"}) == r"\frac{\sqrt{\theta}}{2}"


def test_an_exponent_with_a_fraction_is_written_exp():
    density = sp.exp(-((X[i] - MU) ** 2) / (2 * SIGMA2))
    assert to_latex(density, NAMES).startswith(r"\exp\left(- \frac{")
    assert to_latex(sp.exp(-MU), NAMES) == r"e^{- \mu}"  # a short exponent stays a superscript


def test_matrix_cells_are_set_in_display_style():
    shown = to_latex(sp.ImmutableMatrix([[MU / SIGMA2, 0], [0, 1]]), NAMES)
    assert shown.count(r"{\displaystyle ") == 4
    assert r"{\displaystyle \frac{\mu}{\sigma^{2}}}" in shown
