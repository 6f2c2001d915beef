"""Linear regression by matrix calculus: the linear solver, and OLS and ridge derived step by
step, against the textbook normal equations and numeric references (lstsq, a direct solve)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import mlemap
from mlemap.regression.linear import X, d, lam, n, sigma2, tau2, v, w, w_hat, y
from mlemap.regression.matrix import (
    SquaredNorm,
    collect_linear,
    evaluate,
    matrix_equivalent,
    random_point,
)

RESIDUAL = y - X * w


def _points(count=4, seed=0):
    rng = np.random.default_rng(seed)
    return [random_point([X, y, w, v], [n, d], [sigma2, tau2, lam], rng) for _ in range(count)]


def _exact(value: float) -> sp.Rational:
    return sp.Rational(repr(float(value)))


def _numeric(expr, X_value, y_value, **scalars):
    """A matrix expression at float data, through exact rationals."""
    rows, cols = X_value.shape
    point = mlemap.regression.matrix.MatrixPoint(
        {n: rows, d: cols},
        {
            "X": sp.Matrix(X_value.tolist()).applyfunc(_exact),
            "y": sp.Matrix(y_value.reshape(-1, 1).tolist()).applyfunc(_exact),
        },
        {sp.Symbol(k, positive=True): _exact(val) for k, val in scalars.items()},
    )
    value = evaluate(expr, point)
    value = value if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])
    return np.array(value.evalf(30).tolist(), dtype=float).ravel()


# -- the linear solver -----------------------------------------------------------------------
def test_collect_linear_reads_off_the_ridge_system():
    gradient = sp.diff(-(RESIDUAL.T * RESIDUAL) / (2 * sigma2) - (w.T * w) / (2 * tau2), w)
    system = collect_linear(gradient, w)
    assert (
        sp.simplify((system.A - (X.T * X / sigma2 + sp.Identity(d) / tau2)).doit())
        == (sp.ZeroMatrix(d, d))
        or (system.A - (X.T * X / sigma2 + sp.Identity(d) / tau2)).doit().expand() == 0
    )
    assert (system.b - X.T * y / sigma2).doit() == sp.ZeroMatrix(d, 1)
    # b − A w is the gradient again, at concrete matrices
    assert matrix_equivalent(gradient, system.b - system.A * w, _points(), "g").method in {
        "symbolic",
        "numeric",
    }


def test_collect_linear_refuses_what_is_not_linear_in_w():
    with pytest.raises(mlemap.MlemapError, match="not linear"):
        collect_linear(w * (w.T * w), w)
    with pytest.raises(mlemap.MlemapError, match="does not depend"):
        collect_linear(X.T * y, w)


def test_matrix_equivalent_catches_a_wrong_step():
    with pytest.raises(mlemap.VerificationError, match="differ"):
        matrix_equivalent(
            X.T * X * w,
            X * X.T * X * w - X * X.T * X * w + X.T * X * w * 2,
            _points(),
            "a wrong step",
        )
    with pytest.raises(mlemap.VerificationError):
        matrix_equivalent(
            SquaredNorm(RESIDUAL),
            SquaredNorm(y) + SquaredNorm(X * w),
            _points(),
            "a wrong expansion",
        )


# -- OLS -------------------------------------------------------------------------------------
def test_ols_derivation_shows_the_handout_steps():
    result = mlemap.derive("linear_regression")
    kinds = [s.kind for s in result.steps]
    assert kinds[:3] == ["model", "log-likelihood", "objective"]
    assert {"score", "stationarity", "solution", "second-order", "result"} <= set(kinds)
    titles = [s.title for s in result.steps]
    assert "Normal equations" in titles
    normal = next(s for s in result.steps if s.title == "Normal equations")
    assert normal.lines[0] == sp.Eq(sp.MatMul(X.T * X, w), X.T * y, evaluate=False)
    objective = next(s for s in result.steps if s.kind == "objective")
    assert objective.lines[0].rhs.args[0] == SquaredNorm(RESIDUAL)
    # every step is checked or a definition, never undecided
    assert all(s.check.method in {"symbolic", "numeric", "definition"} for s in result.steps)


def test_ols_estimate_is_the_textbook_normal_equations_and_matches_lstsq():
    result = mlemap.derive("linear_regression")
    assert result.estimates[w] == sp.MatMul(sp.Inverse(X.T * X), X.T, y)
    rng = np.random.default_rng(3)
    X_value, y_value = rng.normal(size=(7, 3)).round(3), rng.normal(size=7).round(3)
    found = _numeric(result.estimates[w], X_value, y_value)
    expected = np.linalg.lstsq(X_value, y_value, rcond=None)[0]
    np.testing.assert_allclose(found, expected, rtol=1e-10)
    rss = np.sum((y_value - X_value @ expected) ** 2)
    sigma = _numeric(result.estimates[sigma2], X_value, y_value)
    np.testing.assert_allclose(sigma, rss / 7, rtol=1e-10)


def test_ols_sigma2_is_derived_as_the_mean_squared_residual():
    result = mlemap.derive("linear_regression")
    (line,) = [r for r in result.results if r.lhs == sp.Symbol("sigma2_hat", positive=True)]
    assert line.rhs == SquaredNorm(y - X * w_hat) / n


# -- ridge -----------------------------------------------------------------------------------
def test_ridge_derives_lambda_as_noise_over_prior_variance():
    result = mlemap.derive("linear_regression", prior="normal")
    assert result.definitions == {lam: sigma2 / tau2}
    equations = next(s for s in result.steps if s.title == "Penalised normal equations")
    assert equations.lines[1] == sp.Eq(lam, sigma2 / tau2, evaluate=False)
    lhs = equations.lines[0].lhs
    assert sp.simplify((lhs - (X.T * X + lam * sp.Identity(d)) * w).doit().expand()) == 0 or (
        lhs.doit().expand() - ((X.T * X + lam * sp.Identity(d)) * w).doit().expand()
    ) == sp.ZeroMatrix(d, 1)
    kinds = [s.kind for s in result.steps]
    assert {"prior", "log-posterior", "score", "second-order", "flat-prior"} <= set(kinds)
    assert result.method == "MAP"


def test_ridge_estimate_matches_a_direct_solve():
    result = mlemap.derive("linear_regression", prior="normal")
    rng = np.random.default_rng(5)
    X_value, y_value = rng.normal(size=(6, 3)).round(3), rng.normal(size=6).round(3)
    found = _numeric(result.estimates[w], X_value, y_value, **{"lambda": 0.7})
    expected = np.linalg.solve(X_value.T @ X_value + 0.7 * np.eye(3), X_value.T @ y_value)
    np.testing.assert_allclose(found, expected, rtol=1e-10)


def test_ridge_estimate_maximises_the_log_posterior_numerically():
    from scipy import optimize

    rng = np.random.default_rng(6)
    X_value, y_value = rng.normal(size=(20, 3)), rng.normal(size=20)
    s2, t2 = 0.8, 0.5

    def negative_log_posterior(coef):
        return np.sum((y_value - X_value @ coef) ** 2) / (2 * s2) + coef @ coef / (2 * t2)

    best = optimize.minimize(negative_log_posterior, np.zeros(3), tol=1e-12).x
    lam_value = s2 / t2
    derived = np.linalg.solve(X_value.T @ X_value + lam_value * np.eye(3), X_value.T @ y_value)
    np.testing.assert_allclose(derived, best, atol=1e-6)


def test_linear_regression_request_errors():
    with pytest.raises(mlemap.UnknownNameError, match="laplace, normal"):
        mlemap.derive("linear_regression", prior="beta")
    with pytest.raises(mlemap.MlemapError, match="estimate"):
        mlemap.derive("linear_regression", estimate=["w"])
    with pytest.raises(mlemap.UnknownNameError, match="did you mean 'linear_regression'"):
        mlemap.derive("linear_regresion")
    assert mlemap.derive("linear_regression", prior={"w": "normal"}).prior == "normal"


# -- lasso -----------------------------------------------------------------------------------
def test_lasso_derivation_states_the_objective_and_that_there_is_no_closed_form():
    result = mlemap.derive("linear_regression", prior="laplace")
    assert result.method == "MAP" and not result.closed_form and result.estimates == {}
    b = sp.Symbol("b", positive=True)
    assert result.definitions == {lam: sigma2 / b}
    prior = next(s for s in result.steps if s.kind == "prior")
    assert prior.lines[0].rhs == -d * sp.log(2 * b) - mlemap.regression.matrix.L1Norm(w) / b
    titles = [s.title for s in result.steps]
    assert "Subgradient condition" in titles
    assert "In general: no closed form" in titles
    assert "coordinate descent" in result.steps[-1].explanation


def test_soft_thresholding_is_derived_branch_by_branch():
    from mlemap.engine.soft_threshold import soft_threshold_branches
    from mlemap.regression.lasso import c, t, z

    minimiser, branches = soft_threshold_branches(c, z, t, lam)
    assert [root for _, root, _ in branches] == [(z - lam) / c, (z + lam) / c, 0]
    # against a brute-force minimisation of the one-feature objective on a fine grid
    grid = np.linspace(-5, 5, 200_001)
    for c_value, lam_value, z_value in [(2.0, 0.5, 1.7), (0.7, 1.0, -3.1), (1.3, 2.0, 0.4)]:
        found = float(minimiser.subs({c: c_value, lam: lam_value, z: z_value}))
        f = c_value / 2 * grid**2 - z_value * grid + lam_value * np.abs(grid)
        assert found == pytest.approx(grid[np.argmin(f)], abs=1e-4)
    assert t not in minimiser.free_symbols


# -- rendering -------------------------------------------------------------------------------
@pytest.mark.parametrize("prior", [None, "normal", "laplace"])
def test_regression_derivations_render_to_markdown_and_latex(prior):
    result = mlemap.derive("linear_regression", prior=prior)
    markdown, latex = result.to_markdown(), result.to_latex()
    for text in (markdown, latex):
        assert r"\left\lVert y - X w \right\rVert^{2}" in text
        assert "X^{T}" in text and r"\mathbb{I}" not in text and "+ -" not in text
    assert all(ord(c) < 128 for c in latex)  # pdflatex sets no raw Unicode
    assert latex.startswith(r"\documentclass")
    expected = {
        None: r"\hat{w} & = \left(X^{T} X\right)^{-1} X^{T} y",
        "normal": r"\left(X^{T} X + \lambda I\right) w & = X^{T} y",
        "laplace": r"\hat{w} & = S{\left(X^{T} y, \lambda\right)}",
    }[prior]
    assert expected in markdown


@pytest.mark.skipif(not __import__("shutil").which("latexmk"), reason="latexmk is not installed")
def test_regression_latex_compiles_without_overfull_lines(tmp_path):
    import subprocess

    for prior in (None, "normal", "laplace"):
        source = tmp_path / f"regression_{prior}.tex"
        source.write_text(mlemap.derive("linear_regression", prior=prior).to_latex())
        run = subprocess.run(
            ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", source.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert run.returncode == 0, run.stdout[-2000:]
        assert "Overfull" not in source.with_suffix(".log").read_text(errors="replace")


def test_regression_joins_a_custom_handout_and_the_command_line(tmp_path, capsys):
    from mlemap.cli.main import main

    arguments = ["handout", "linear_regression", "linear_regression:normal"]
    arguments += ["linear_regression:laplace", "-o", str(tmp_path), "--no-pdf"]
    assert main(arguments) == 0
    markdown = (tmp_path / "custom-handout.md").read_text()
    assert "MLE for linear regression: ordinary least squares" in markdown
    assert "MAP for linear regression with a Gaussian prior: ridge" in markdown
    assert "MAP for linear regression with a Laplace prior: the lasso" in markdown
    capsys.readouterr()
    assert (
        main(["derive", "linear_regression", "--prior", "laplace", "--format", "md", "-o", "-"])
        == 0
    )
    assert "Subgradient condition" in capsys.readouterr().out
