"""The reader of a document's LaTeX: it reads back what the printer writes, and only that."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlemap import models
from mlemap.catalog.symbols import hat, i, n
from mlemap.documents.printing import latex_names, to_latex
from mlemap.documents.reading import ReadError, read_latex
from mlemap.engine.display import MEAN
from mlemap.engine.notation import Constant, Density, Family, Likelihood, LogPosterior

NORMAL = models()["normal"]
MU, SIGMA2 = NORMAL.symbols["mu"], NORMAL.symbols["sigma2"]
X = NORMAL.x
LAM = sp.Symbol("lambda", positive=True)
NAMES = {r"\mu": MU, r"\sigma^{2}": SIGMA2, r"\lambda": LAM, "x_{i}": X[i], "n": n, "i": i}
NAMES.update({"x": X.label, r"\bar{x}": MEAN})


def read(latex: str) -> sp.Basic:
    return read_latex(latex, NAMES)


def test_a_sign_belongs_to_the_product_it_leads():
    assert read(r"\lambda e^{- x_{i} \lambda}") == LAM * sp.exp(-LAM * X[i])
    assert read(r"\lambda e^{x_{i} - \lambda}") == LAM * sp.exp(X[i] - LAM)
    assert read(r"- \frac{\left(x_{i} - \mu\right)^{2}}{2 \sigma^{2}}") == -((X[i] - MU) ** 2) / (
        2 * SIGMA2
    )


def test_sums_logs_roots_and_named_functions():
    assert read(r"\sum_{i=1}^{n} x_{i} - n \mu") == sp.Sum(X[i], (i, 1, n)) - n * MU
    assert read(r"\sum_{i=1}^{n} \log x_{i}!") == sp.Sum(sp.log(sp.factorial(X[i])), (i, 1, n))
    assert read(r"\log{\left(2 \pi \sigma^{2} \right)}") == sp.log(2 * sp.pi * SIGMA2)
    assert read(r"\log^{2} \lambda") == sp.log(LAM) ** 2
    assert read(r"\sqrt{2 \pi \sigma^{2}}") == sp.sqrt(2 * sp.pi * SIGMA2)
    assert read(r"\hat{\sigma}^{2} = \bar{x}") == sp.Eq(hat(SIGMA2), MEAN, evaluate=False)
    assert read(r"p\left(x_{i} \mid \mu, \sigma^{2}\right)") == Density(X[i], MU, SIGMA2)
    assert read(r"\log p\left(\mu \mid x\right)") == LogPosterior(MU)
    assert read(r"L\left(\lambda\right) + \text{const}") == Likelihood(LAM) + Constant()
    assert read(r"\operatorname{Gamma}\left(n + 1, \lambda\right)") == Family(
        sp.Symbol("Gamma"), n + 1, LAM
    )
    assert read(r"\Gamma\left(\lambda\right) \psi\left(\lambda\right)") == sp.gamma(
        LAM
    ) * sp.polygamma(0, LAM)


def test_digamma_prints_as_psi_and_reads_back():
    names = latex_names(NORMAL.parameters)
    assert to_latex(sp.polygamma(0, MU), names) == r"\psi{\left(\mu\right)}"
    assert to_latex(sp.polygamma(1, MU) + sp.loggamma(MU), names) == (
        r"\log \Gamma{\left(\mu\right)} + \psi^{(1)}{\left(\mu\right)}"
    )
    for expr in (sp.polygamma(0, MU), sp.polygamma(1, MU) ** 2, sp.loggamma(MU)):
        back = read(to_latex(expr, names))
        assert abs(sp.N((back - expr).subs(MU, sp.Rational(7, 3)), 30)) < 1e-25


def test_derivatives_evaluation_bars_and_matrices():
    shown = (
        r"\left. \frac{d^{2}}{d \lambda^{2}} L\left(\lambda\right) \right|"
        r"_{\substack{ \lambda=\hat{\lambda} }}"
    )
    assert read(shown) == sp.Subs(sp.Derivative(Likelihood(LAM), (LAM, 2)), LAM, hat(LAM))
    assert read(r"\frac{\partial}{\partial \mu} \mu^{2}") == sp.Derivative(MU**2, MU)
    matrix = r"\left[\begin{matrix}- \frac{n}{\sigma^{2}} & 0\\0 & 1\end{matrix}\right]"
    assert read(matrix) == sp.ImmutableMatrix([[-n / SIGMA2, 0], [0, 1]])


def test_what_it_cannot_read_is_an_error_not_a_guess():
    with pytest.raises(ReadError, match="unknown name"):
        read(r"\kappa + 1")
    with pytest.raises(ReadError, match="ends too soon"):
        read(r"\frac{1}")
    with pytest.raises(ReadError, match="unexpected"):
        read(r"\mu )")


_LEAVES = st.sampled_from([MU, SIGMA2, X[i], n, sp.Integer(2), sp.Rational(1, 3), sp.Integer(-1)])


def _expressions() -> st.SearchStrategy[sp.Expr]:
    def grow(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
        return st.one_of(
            st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
            st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
            st.tuples(children, children).map(lambda ab: ab[0] - ab[1]),
            st.tuples(children, st.integers(-3, 3)).map(lambda ae: ae[0] ** ae[1]),
            children.map(lambda a: sp.exp(-a * MU)),
            children.map(lambda a: sp.log(a**2 + 1)),
            children.map(lambda a: sp.Sum(a * X[i], (i, 1, n))),
        )

    return st.recursive(_LEAVES, grow, max_leaves=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions())
def test_what_the_printer_writes_reads_back_as_the_same_value(expr):
    names = latex_names(NORMAL.parameters)
    latex = to_latex(expr, names, {MU, SIGMA2})
    back = read_latex(latex, NAMES)
    rng = np.random.default_rng(0)
    values = {
        MU: sp.Rational(int(rng.integers(-9, 9)), 7),
        SIGMA2: sp.Rational(5, 3),
        n: sp.Integer(3),
    }
    data = {X[j]: sp.Rational(j + 2, 5) for j in range(1, 4)}

    def at(e: sp.Expr) -> complex:
        e = (
            sp.sympify(e, strict=True)
            .xreplace(values)
            .doit()
            .xreplace(data)
            .subs(i, 1)
            .xreplace(data)
        )
        return complex(e.evalf(30))

    left, right = at(expr), at(back)
    assert np.isclose(left, right, rtol=1e-10, equal_nan=True), (latex, back)


def test_matrices_read_as_matrix_expressions_with_transposes_norms_and_gradients():
    from mlemap.regression import linear
    from mlemap.regression.linear import ArgMin
    from mlemap.regression.matrix import L1Norm, SquaredNorm

    X, y, w = linear.X, linear.y, linear.w
    names = {"X": X, "y": y, "w": w, "I": sp.Identity(linear.d), r"\lambda": LAM, "n": n}
    names[r"\sigma^{2}"] = SIGMA2
    solution = read_latex(r"\left(X^{T} X + \lambda I\right)^{-1} X^{T} y", names)
    assert solution == sp.Inverse(X.T * X + LAM * sp.Identity(linear.d)) * X.T * y
    objective = read_latex(
        r"\frac{\left\lVert y - X w \right\rVert^{2}}{2} + \lambda \left\lVert w \right\rVert_{1}",
        names,
    )
    assert objective == SquaredNorm(y - X * w) / 2 + LAM * L1Norm(w)
    gradient = read_latex(r"\nabla_{w}{\left(\ell{\left(w, \sigma^{2}\right)} \right)}", names)
    assert gradient.func == sp.Function(r"\nabla_{w}")
    argmin = read_latex(r"\operatorname{arg\,min}_{w} \left\lVert y - X w \right\rVert^{2}", names)
    assert argmin == ArgMin(SquaredNorm(y - X * w), w)
    limit = read_latex(r"\lim_{\lambda \to \infty} \frac{n}{\lambda}", names)
    assert limit == sp.Limit(n / LAM, LAM, sp.oo, "-")
    with pytest.raises(ReadError, match="unknown name 'T'"):  # only a matrix has a transpose
        read_latex(r"\lambda^{T}", names)


def test_exp_of_a_bracket_reads_as_the_exponential():
    assert read(r"\exp\left(- \frac{\mu}{2}\right)") == sp.exp(-MU / 2)


def test_display_style_cells_of_a_matrix_read_as_their_entries():
    latex = to_latex(
        sp.ImmutableMatrix([[MU / SIGMA2, 0], [0, -n]]), latex_names(NORMAL.parameters)
    )
    assert read(latex) == sp.ImmutableMatrix([[MU / SIGMA2, 0], [0, -n]])


def test_an_implication_between_relations_reads_as_one():
    """A feasible set that holds for some data only: x₍₁₎ < 0 ⇒ λ ≤ −2/x₍₁₎."""
    from mlemap.engine.order import Smallest

    first = Smallest(X, n)
    shown = sp.Implies(first < 0, sp.Le(LAM, -2 / first), evaluate=False)
    latex = to_latex(shown, {LAM: r"\lambda"})
    assert latex == r"x_{(1)} < 0 \Rightarrow \lambda \leq - \frac{2}{x_{(1)}}"
    assert read(r"\mu < 0 \Rightarrow \lambda \leq - \frac{2}{\mu}") == sp.Implies(
        MU < 0, sp.Le(LAM, -2 / MU, evaluate=False), evaluate=False
    )
    with pytest.raises(ReadError):
        read(r"\mu < 0 \Rightarrow")
