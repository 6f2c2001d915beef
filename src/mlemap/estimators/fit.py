"""A fitted MLE: estimates with standard errors, covariance, intervals and a summary table.

>>> r = mlemap.derive("poisson").fit([2, 3, 1, 4])
>>> r.params, r.se                        # {'lambda': 2.5}, {'lambda': 0.790...}
>>> r.conf_int(0.95, method="profile")    # {'lambda': (lower, upper)}

The covariance is the inverse observed information, −H(θ̂)⁻¹, from the derivation's
symbolic Hessian (``information="expected"``: n I(θ̂)⁻¹ from its Fisher-information step).
The log-likelihood, score and Hessian are generated code in which each sum over the data
is one NumPy reduction, and the data are validated as the estimator validates them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp
from scipy import optimize, stats

from ..catalog.symbols import n
from ..engine.curvature import hessian
from ..errors import MlemapError
from ..regression.record import RegressionDerivation
from .estimator import KEYWORD_SPELLINGS, Estimator
from .lambdify import compile_function
from .numeric import Transform
from .posterior import PosteriorFit, PosteriorFitter
from .regression import RegressionFit, regression_fit
from .table import table
from .validation import Interval, check_keywords, check_observations

if TYPE_CHECKING:
    from ..engine.derivation import Derivation

__all__ = ["FitResult", "Fitter", "fit_of"]

METHODS = ("wald", "profile")
INFORMATION = ("observed", "expected")


class Fitter:
    """The compiled log-likelihood, score and Hessian of an MLE derivation."""

    def __init__(self, derivation: Derivation) -> None:
        if derivation.problem.is_map:
            raise MlemapError(
                "Fitter is for MLE derivations; a MAP derivation's fit() is a PosteriorFitter"
            )
        self.derivation = derivation
        problem = derivation.problem
        parameters = problem.parameters
        kinked = [p for p in parameters if _has_kink(derivation.objective, p)]
        if kinked:
            raise MlemapError(
                f"the log-likelihood of model {derivation.model.name!r} has a kink in "
                f"{kinked[0]} at every observation, so it has no Hessian there and fit() has no "
                "standard errors or intervals to give; d.estimator() gives the estimates"
            )
        held = [s.subject for s in derivation.steps if s.kind == "boundary"]
        if held:
            raise MlemapError(
                f"the MLE of {held[0]} in model {derivation.model.name!r} is an end of its "
                "feasible set (an order statistic), where the log-likelihood has no derivative "
                "in it: the regularity conditions of the observed information fail, so fit() "
                "has no standard errors or intervals to give; d.estimator() gives the estimates"
            )
        self.estimator = Estimator(derivation)
        self.names = self.estimator.parameters
        objective = derivation.objective
        scores = [sp.diff(objective, p) for p in parameters]
        plan = self.estimator.reductions([objective, *scores, *hessian(objective, problem)])
        spelled = [self.estimator.spelled(p) for p in parameters]
        known = list(self.estimator.known_symbols)
        self._arguments = [plan.data, n, *known, *spelled]
        self.function = compile_function(self._arguments, plan, "log-likelihood, score and Hessian")
        self.transforms = tuple(
            Transform.of(Interval.of(problem.domain(p)), p.name) for p in parameters
        )
        # Equality constraints (Σ θⱼ = 1): their gradients, to project the covariance onto them.
        gaps = [r.lhs - r.rhs for r in problem.constraints if isinstance(r, sp.Equality)]
        self.constraints = len(gaps)
        self.gradients = None
        if gaps:
            rows = sp.Matrix([[sp.diff(g, p) for p in parameters] for g in gaps])
            self.gradients = sp.lambdify([*known, *spelled], self.estimator.spell(rows), "numpy")
        self.expected = None
        if derivation.information is not None:
            info = derivation.information.per_observation
            self.expected = sp.lambdify(
                [*known, *spelled], self.estimator.spell(info), modules="numpy"
            )

    def evaluate(self, x: np.ndarray, constants: tuple, theta) -> tuple:
        k = len(self.names)
        with np.errstate(all="ignore"):
            out = self.function(x, float(len(x)), *constants, *theta)
        value = float(out[0])
        gradient = np.array(out[1 : 1 + k], dtype=float)
        matrix = np.array(out[1 + k :], dtype=float).reshape(k, k)
        return value, gradient, matrix

    def __call__(self, x: object, /, information: str = "observed", **known: object) -> FitResult:
        if information not in INFORMATION:
            raise MlemapError(
                f"information must be one of {', '.join(INFORMATION)}; got {information!r}"
            )
        if information == "expected" and self.expected is None:
            raise MlemapError(
                f"the expected information of {self.derivation.model.name} was not derived; "
                "use information='observed'"
            )
        estimates = self.estimator(x, **known)
        est = self.estimator
        constants = check_keywords(known, est._keywords, est._where, KEYWORD_SPELLINGS)
        data = check_observations(x, est._support, constants, materialize=True)
        values = np.asarray(data.values, dtype=float)
        theta = np.array([float(estimates[name]) for name in self.names])
        loglik, _, matrix = self.evaluate(values, constants, theta)
        if information == "observed":
            precision = -matrix
        else:
            precision = len(values) * np.atleast_2d(
                np.array(self.expected(*constants, *theta), dtype=float)
            )
        try:
            cov = np.linalg.inv(precision)
            if self.gradients is not None:
                cov = _on_the_constraints(cov, np.atleast_2d(self.gradients(*constants, *theta)))
        except np.linalg.LinAlgError:
            cov = np.full_like(precision, np.nan)
        if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
            raise MlemapError(
                f"the {information} information is singular or not positive definite at the "
                f"estimate for these data (n = {len(values)}): no standard errors"
            )
        return FitResult(self, values, constants, theta, cov, loglik, information)


def _on_the_constraints(cov: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    """The covariance of an MLE under equality constraints with these gradients G (rows):
    A⁻¹ − A⁻¹Gᵀ(GA⁻¹Gᵀ)⁻¹GA⁻¹ for A⁻¹ = ``cov`` (Aitchison & Silvey, 1958); for the simplex
    it gives Var θ̂ⱼ = θⱼ(1 − θⱼ)/n and Cov(θ̂ⱼ, θ̂ₖ) = −θⱼθₖ/n."""
    side = cov @ gradients.T
    return cov - side @ np.linalg.solve(gradients @ side, side.T)


def _has_kink(objective: sp.Expr, parameter: sp.Symbol) -> bool:
    return any(a.has(parameter) for a in objective.atoms(sp.Abs))


def fit_of(
    derivation: Derivation | RegressionDerivation, *data: object, **known: object
) -> FitResult | PosteriorFit | RegressionFit:
    """``d.fit(x, **known)`` (``d.fit(X, y, …)`` for regression; a posterior summary for a
    MAP derivation); a derivation's fitter is built once and cached."""
    if isinstance(derivation, RegressionDerivation):
        if len(data) != 2:
            raise MlemapError("a regression fit takes the design X and the responses y")
        return regression_fit(derivation.estimator_kind, *data, **known)
    if len(data) != 1:
        raise MlemapError(f"fit takes the observations x; got {len(data)} positional arguments")
    (x,) = data
    fitter = _FITTERS.get(id(derivation))
    if fitter is None or fitter.derivation is not derivation:
        fitter = PosteriorFitter(derivation) if derivation.problem.is_map else Fitter(derivation)
        _FITTERS[id(derivation)] = fitter
    return fitter(x, **known)


_FITTERS: dict[int, Fitter | PosteriorFitter] = {}


@dataclass(frozen=True)
class FitResult:
    """A fitted MLE, with the names statsmodels' results use where the meaning is the same."""

    fitter: Fitter
    data: np.ndarray
    constants: tuple
    theta: np.ndarray
    cov: np.ndarray
    loglik: float
    information: str

    @property
    def names(self) -> tuple[str, ...]:
        return self.fitter.names

    @property
    def params(self) -> dict[str, float]:
        return {k: float(v) for k, v in zip(self.names, self.theta, strict=True)}

    @property
    def se(self) -> dict[str, float]:
        errors = np.sqrt(np.diag(self.cov))
        return {k: float(v) for k, v in zip(self.names, errors, strict=True)}

    @property
    def nobs(self) -> int:
        return len(self.data)  # observations: rows of counts for a vector model

    @property
    def dof(self) -> int:
        """Free parameters: those estimated, less one for each equality constraint."""
        return len(self.names) - self.fitter.constraints

    @property
    def aic(self) -> float:
        return 2 * self.dof - 2 * self.loglik

    @property
    def bic(self) -> float:
        return self.dof * math.log(self.nobs) - 2 * self.loglik

    def conf_int(self, level: float = 0.95, method: str = "wald") -> dict[str, tuple[float, float]]:
        """Two-sided intervals: Wald (estimate ± z·SE) or profile likelihood (where twice
        the drop of the profile log-likelihood reaches the χ²₁ quantile)."""
        if not (isinstance(level, float | int) and 0 < level < 1):
            raise MlemapError(f"level must be a number strictly between 0 and 1; got {level!r}")
        if method not in METHODS:
            raise MlemapError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
        if method == "profile" and self.fitter.constraints:
            raise MlemapError(
                f"profile intervals of {self.fitter.derivation.model.name} would have to "
                "maximise on its constraint, which is not done; use method='wald'"
            )
        if method == "wald":
            z = stats.norm.ppf(0.5 + level / 2)
            return {
                k: (float(self.params[k] - z * s), float(self.params[k] + z * s))
                for k, s in self.se.items()
            }
        critical = stats.chi2.ppf(level, 1)
        return {
            name: (self._profile_end(j, critical, -1), self._profile_end(j, critical, +1))
            for j, name in enumerate(self.names)
        }

    # -- the profile likelihood ------------------------------------------------------------
    def _profile(self, j: int, value: float) -> float:
        """max over the other parameters of ℓ, with parameter j held at ``value``."""
        theta = self.theta.copy()
        theta[j] = value
        others = [k for k in range(len(theta)) if k != j]
        if not others:
            return self.fitter.evaluate(self.data, self.constants, theta)[0]
        transforms = [self.fitter.transforms[k] for k in others]

        def negative(u: np.ndarray) -> float:
            point = theta.copy()
            point[others] = [t.forward(v)[0] for t, v in zip(transforms, u, strict=True)]
            value_ = self.fitter.evaluate(self.data, self.constants, point)[0]
            return -value_ if np.isfinite(value_) else np.inf

        start = np.array(
            [t.inverse(self.theta[k]) for t, k in zip(transforms, others, strict=True)]
        )
        result = optimize.minimize(
            negative,
            start,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000},
        )
        return -float(result.fun)

    def _profile_end(self, j: int, critical: float, side: int) -> float:
        transform = self.fitter.transforms[j]
        u0 = transform.inverse(self.theta[j])
        _, slope, _ = transform.forward(u0)
        step = self.se[self.names[j]] / max(abs(slope), 1e-300)

        def excess(u: float) -> float:
            drop = 2 * (self.loglik - self._profile(j, transform.forward(u)[0]))
            return (drop if np.isfinite(drop) else np.inf) - critical

        for doubling in range(60):
            far = u0 + side * step * 2.0**doubling
            if excess(far) > 0:
                break
        else:
            return -math.inf if side < 0 else math.inf
        near = u0 if doubling == 0 else u0 + side * step * 2.0 ** (doubling - 1)
        u = optimize.brentq(excess, min(near, far), max(near, far), xtol=1e-12, rtol=1e-12)
        return float(transform.forward(u)[0])

    # -- the table -------------------------------------------------------------------------
    def _rows(self, level: float) -> list[tuple[str, float, float, float, float]]:
        intervals = self.conf_int(level)
        return [(k, self.params[k], self.se[k], *intervals[k]) for k in self.names]

    def summary(self, fmt: str = "text", level: float = 0.95) -> str:
        """The estimates, standard errors and Wald intervals, with the fit's statistics, as
        ``fmt`` "text", "markdown", "latex" or "html"."""
        d = self.fitter.derivation
        head = [
            f"MLE of the {d.model.label} model",
            f"observations: {self.nobs}",
            f"log-likelihood: {self.loglik:.6g}",
            f"AIC: {self.aic:.6g}",
            f"BIC: {self.bic:.6g}",
            f"covariance: inverse {self.information} information",
        ]
        percent = f"{100 * level:g}%"
        columns = ["parameter", "estimate", "std. error", f"{percent} lower", f"{percent} upper"]
        rows = [[k, *(f"{v:.6g}" for v in rest)] for k, *rest in self._rows(level)]
        return table(head, columns, rows, fmt)

    def _repr_html_(self) -> str:
        return self.summary("html")

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v:.6g} (SE {self.se[k]:.3g})" for k, v in self.params.items())
        return f"<FitResult {self.fitter.derivation.model.name}: {shown}; n = {self.nobs}>"
