"""The seed handout's plots, computed like the rest: every curve is an engine expression
evaluated at the data, every marked point an estimator's answer (``d.estimator()``).

Each plot is computed first (a curve object, tested against scipy and scikit-learn) and
drawn second (:func:`figures.draw`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import n
from ..engine.derivation import Derivation
from ..regression.record import RegressionDerivation
from .figures import Figure, draw, plots_available

__all__ = [
    "CoinCurves",
    "LogLikelihoodCurve",
    "PathCurves",
    "coin_curves",
    "coin_figure",
    "log_likelihood_curve",
    "log_likelihood_figure",
    "path_curves",
    "paths_figure",
    "synthetic_design",
]

#: Points on a curve: enough that a maximum drawn between two of them is off by < 0.1 %.
POINTS = 801
#: The seed of the synthetic regression design.
SEED = 0


def at_data(expr: sp.Expr, d: Derivation, data: Sequence[float]) -> sp.Expr:
    """``expr`` with n and every xᵢ replaced by the data: an expression in the parameters."""
    exact = expr.xreplace({n: len(data)}).doit()
    return exact.xreplace({d.model.x[j + 1]: sp.nsimplify(v) for j, v in enumerate(data)})


def _curve(expr: sp.Expr, variable: sp.Symbol, grid: np.ndarray) -> np.ndarray:
    values = sp.lambdify(variable, expr, "numpy")(grid)
    return np.broadcast_to(np.asarray(values, dtype=float), grid.shape).copy()


def _interior(domain_low: float, domain_high: float) -> np.ndarray:
    """A grid inside an open interval, without its ends (where a log-density is infinite)."""
    return np.linspace(domain_low, domain_high, POINTS + 2)[1:-1]


# -- the log-likelihood of a worked example ---------------------------------------------------
@dataclass(frozen=True)
class LogLikelihoodCurve:
    parameter: str
    grid: np.ndarray
    values: np.ndarray
    estimate: float  # the estimator's θ̂
    at_estimate: float  # ℓ(θ̂)


def log_likelihood_curve(d: Derivation, data: Sequence[float]) -> LogLikelihoodCurve:
    """ℓ(θ) of a one-parameter MLE on (0, 1) at ``data``, with the estimator's θ̂."""
    (parameter,) = d.parameters
    objective = at_data(d.objective, d, data)
    grid = _interior(0.0, 1.0)
    estimate = float(d.estimator()(list(data))[parameter.name])
    at_estimate = float(objective.xreplace({parameter: sp.nsimplify(estimate)}))
    return LogLikelihoodCurve(
        parameter.name, grid, _curve(objective, parameter, grid), estimate, at_estimate
    )


def log_likelihood_figure(d: Derivation, data: Sequence[float]) -> Figure:
    heads = int(sum(data))
    curve = log_likelihood_curve(d, data) if plots_available() else None

    def plot(figure) -> None:
        axes = figure.subplots()
        axes.plot(curve.grid, curve.values, color="C0", label=r"$\ell(\theta)$")
        axes.axvline(curve.estimate, color="C3", linestyle="--", linewidth=1)
        axes.plot([curve.estimate], [curve.at_estimate], "o", color="C3")
        axes.annotate(
            rf"$\hat{{\theta}} = {curve.estimate:g}$",
            (curve.estimate, curve.at_estimate),
            textcoords="offset points",
            xytext=(8, 6),
            color="C3",
        )
        axes.set_ylim(max(curve.values.min(), curve.at_estimate - 12), curve.at_estimate + 1.5)
        axes.set_xlabel(r"$\theta$")
        axes.set_ylabel("log-likelihood")
        axes.legend(loc="lower center")

    return draw(
        "log-likelihood",
        f"The Bernoulli log-likelihood at {heads} heads in {len(data)} flips, with the MLE marked.",
        f"The log-likelihood as a function of θ, highest at the MLE, {heads}/{len(data)}.",
        plot,
    )


# -- prior, likelihood and posterior of the coin -----------------------------------------------
@dataclass(frozen=True)
class CoinCurves:
    alpha: int
    beta: int
    grid: np.ndarray
    prior: np.ndarray
    likelihood: np.ndarray  # scaled to unit area, to share the densities' axis
    posterior: np.ndarray
    posterior_family: str  # e.g. Beta(5, 2)
    mle: float
    map: float
    posterior_mean: float


def _posterior_mean(d: Derivation) -> sp.Expr:
    """E[θ | x] from the engine's posterior-summary step."""
    for step in d.steps:
        if step.kind == "posterior-summary":
            return step.lines[0].rhs
    raise ValueError(f"{d!r} has no posterior summary")


def coin_curves(
    mle: Derivation, beta: Derivation, flips: Sequence[int], alpha: int, beta_: int
) -> CoinCurves:
    """The Beta(α, β) prior, the likelihood and the posterior at ``flips``; MLE, MAP and the
    posterior mean, each from the engine."""
    (theta,) = beta.parameters
    bound = beta.problem.priors[theta]
    hyper = dict(zip(bound.symbols, (alpha, beta_), strict=True))
    grid = _interior(0.0, 1.0)
    prior = _curve(bound.density().xreplace(hyper), theta, grid)
    likelihood_at_data = sp.exp(at_data(mle.objective, mle, flips))
    area = sp.integrate(likelihood_at_data, (theta, 0, 1))  # exact, for these few flips
    likelihood = _curve(likelihood_at_data / area, theta, grid)
    arguments = tuple(
        sp.nsimplify(at_data(h, beta, flips).xreplace(hyper))
        for h in beta.posterior.hyperparameters
    )
    posterior_density = beta.posterior.prior.density(theta, *arguments)
    posterior = _curve(sp.sympify(posterior_density, strict=True), theta, grid)
    mean = at_data(_posterior_mean(beta), beta, flips).xreplace(hyper)
    return CoinCurves(
        alpha,
        beta_,
        grid,
        prior,
        likelihood,
        posterior,
        f"{beta.posterior.family}({', '.join(map(str, arguments))})",
        float(mle.estimator()(list(flips))[theta.name]),
        float(beta.estimator()(list(flips), alpha=alpha, beta=beta_)[theta.name]),
        float(mean),
    )


def coin_figure(
    mle: Derivation, beta: Derivation, flips: Sequence[int], priors: Sequence[tuple[int, int]]
) -> Figure:
    heads = int(sum(flips))
    panels = [coin_curves(mle, beta, flips, a, b) for a, b in priors] if plots_available() else []

    def plot(figure) -> None:
        figure.set_size_inches(6.4, 3.2)
        axes = figure.subplots(1, len(panels), sharey=True)
        for ax, c in zip(np.atleast_1d(axes), panels, strict=True):
            ax.plot(c.grid, c.prior, color="C0", label=f"prior Beta({c.alpha}, {c.beta})")
            ax.plot(c.grid, c.likelihood, color="C2", linestyle=":", label="likelihood (scaled)")
            ax.plot(c.grid, c.posterior, color="C1", label=f"posterior {c.posterior_family}")
            marks = (
                ("MLE", c.mle, "C2", "-"),
                ("MAP", c.map, "C3", "--"),
                ("posterior mean", c.posterior_mean, "k", "-."),
            )
            for label, where, colour, style in marks:
                ax.axvline(
                    where, color=colour, linestyle=style, linewidth=1, label=f"{label} {where:.3f}"
                )
            ax.set_title(f"Beta({c.alpha}, {c.beta}) prior", fontsize=10)
            ax.set_xlabel(r"$\theta$")
            ax.legend(fontsize=6.5, loc="upper left")
        np.atleast_1d(axes)[0].set_ylabel("density")

    return draw(
        "coin-posterior",
        f"Prior, likelihood and posterior after {heads} heads in {len(flips)} flips, with "
        "the MLE, the MAP estimate and the posterior mean marked.",
        "Two panels, one per Beta prior: the stronger prior keeps the posterior near one half.",
        plot,
    )


# -- ridge and lasso paths ---------------------------------------------------------------------
def synthetic_design(
    rows: int = 40, true_w: Sequence[float] = (3.0, -2.0, 1.0, 0.0, 0.5)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A small design with correlated features and a known w, from a fixed seed."""
    rng = np.random.default_rng(SEED)
    w = np.asarray(true_w)
    base = rng.standard_normal((rows, len(w)))
    X = base + 0.3 * base[:, [0]]  # correlated with the first feature
    y = X @ w + rng.standard_normal(rows)
    return X, y, w


@dataclass(frozen=True)
class PathCurves:
    ridge_lambdas: np.ndarray
    ridge: np.ndarray  # (len(lambdas), d)
    lasso_lambdas: np.ndarray
    lasso: np.ndarray


def path_curves(ridge: RegressionDerivation, lasso: RegressionDerivation) -> PathCurves:
    """ŵ(λ) of the ridge and lasso estimators on :func:`synthetic_design`. The lasso's grid
    ends at max|Xᵀy|, where its subgradient condition makes every coefficient zero."""
    X, y, _ = synthetic_design()
    ridge_lambdas = np.logspace(-2, 4, 61)
    lasso_lambdas = np.abs(X.T @ y).max() * np.logspace(-3, 0, 61)
    fit_ridge, fit_lasso = ridge.estimator(), lasso.estimator()
    return PathCurves(
        ridge_lambdas,
        np.array([fit_ridge(X, y, lam=lam)["w"] for lam in ridge_lambdas]),
        lasso_lambdas,
        np.array([fit_lasso(X, y, lam=lam, tol=1e-10)["w"] for lam in lasso_lambdas]),
    )


def paths_figure(ridge: RegressionDerivation, lasso: RegressionDerivation) -> Figure:
    curves = path_curves(ridge, lasso) if plots_available() else None

    def plot(figure) -> None:
        figure.set_size_inches(6.4, 3.0)
        left, right = figure.subplots(1, 2, sharey=True)
        for ax, lambdas, path, title in (
            (left, curves.ridge_lambdas, curves.ridge, "ridge (Gaussian prior)"),
            (right, curves.lasso_lambdas, curves.lasso, "lasso (Laplace prior)"),
        ):
            for j in range(path.shape[1]):
                ax.plot(lambdas, path[:, j], label=rf"$w_{{{j + 1}}}$")
            ax.axhline(0, color="k", linewidth=0.6)
            ax.set_xscale("log")
            ax.set_xlabel(r"$\lambda$")
            ax.set_title(title, fontsize=10)
        left.set_ylabel("coefficient")
        right.legend(fontsize=7, loc="upper right")

    return draw(
        "regularisation-paths",
        "Coefficient paths against the penalty on a synthetic design of 40 rows and 5 "
        "features: ridge shrinks every coefficient smoothly, the lasso sets them to exactly "
        "zero one by one.",
        "Ridge coefficients shrink towards zero; lasso coefficients reach zero and stay there.",
        plot,
    )
