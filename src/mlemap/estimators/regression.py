"""Numeric estimators for linear regression: OLS, ridge and the lasso.

>>> r = mlemap.derive("linear_regression", prior="normal").estimator()
>>> r(X, y, lam=0.5)                      # or sigma2=…, tau2=… (λ = σ²/τ²)
{'w': array([...])}

OLS and ridge solve the (penalised) normal equations by a Cholesky factorisation of XᵀX
(+ λI), never by forming an inverse. The lasso has no closed form: it is minimised by
coordinate descent on ½‖y − Xw‖² + λ‖w‖₁ (λ = σ²/b), each update the derived one-feature
soft-thresholding, until the duality gap is at most ``tol``·‖y‖² (scikit-learn's criterion);
the result reports the iterations and the final gap.

Bad input raises :class:`mlemap.DataError` (shapes, dtypes, non-finite values, a
rank-deficient XᵀX for OLS) or :class:`mlemap.DomainError` / :class:`mlemap.MlemapError`
(keyword values and combinations).
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg, stats

from ..errors import ConvergenceWarning, DataError, DomainError, MlemapError
from . import descent
from .descent import gram_sweep, residual_sweep
from .table import table
from .validation import refuse_masked

__all__ = ["RegressionEstimator"]

KINDS = ("ols", "ridge", "lasso")
#: Keywords each estimator accepts; the penalty is λ, or the variances it is derived from.
KEYWORDS = {
    "ols": (),
    "ridge": ("lam", "sigma2", "tau2"),
    "lasso": ("lam", "sigma2", "b", "tol", "max_iter"),
}
_PRIOR_SCALE = {"ridge": "tau2", "lasso": "b"}


class RegressionEstimator:
    """``f(X, y, **known) -> {"w": …}``: X of shape (n, d), y of shape (n,)."""

    def __init__(self, kind: str) -> None:
        if kind not in KINDS:
            raise MlemapError(f"unknown regression estimator {kind!r}; known: {', '.join(KINDS)}")
        self.kind = kind
        self.keywords = KEYWORDS[kind]
        self.method = "numeric" if kind == "lasso" else "closed form"

    def __repr__(self) -> str:
        return f"<RegressionEstimator {self.kind} ({self.method}); keywords {self.keywords}>"

    def __call__(self, X: Any, y: Any, **known: Any) -> dict[str, Any]:
        unknown = set(known) - set(self.keywords)
        if unknown:
            allowed = ", ".join(self.keywords) or "none"
            raise MlemapError(
                f"unknown keyword {sorted(unknown)[0]!r} for the {self.kind} estimator; "
                f"allowed: {allowed}"
            )
        design, response = _data(X, y)
        if self.kind == "ols":
            return _ols(design, response)
        penalty = _penalty(self.kind, known)
        if self.kind == "ridge":
            return {"w": _ridge(design, response, penalty)}
        tol = _positive(known.get("tol", 1e-4), "tol")
        max_iter = known.get("max_iter", 1000)
        if not isinstance(max_iter, numbers.Integral) or isinstance(max_iter, bool) or max_iter < 1:
            raise DomainError(f"max_iter must be a positive integer, got {max_iter!r}")
        return _lasso(design, response, penalty, tol, int(max_iter))


# -- input -----------------------------------------------------------------------------------
def _array(value: Any, name: str) -> np.ndarray:
    refuse_masked(value, name, "Drop the observations (rows of X, entries of y) that are masked")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise DataError(f"{name} must be an array of real numbers: {error}") from None
    if array.dtype.kind not in "biuf":
        raise DataError(
            f"{name} must hold real numbers (bool, integer or float), not dtype {array.dtype}"
        )
    return array.astype(np.float64, copy=False)


def _data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    design, response = _array(X, "X"), _array(y, "y")
    if design.ndim != 2:
        raise DataError(
            f"X must be two-dimensional (n observations × d features), got shape {design.shape}"
        )
    if response.ndim != 1:
        raise DataError(f"y must be one-dimensional (n responses), got shape {response.shape}")
    rows, cols = design.shape
    if rows == 0 or cols == 0:
        raise DataError(f"X must have at least one observation and one feature, got {design.shape}")
    if response.shape[0] != rows:
        raise DataError(
            f"X and y do not match: X has {rows} rows (observations) but y has "
            f"{response.shape[0]} entries"
        )
    if not np.isfinite(response).all():
        raise DataError("y contains NaN or ±inf; every response must be finite")
    return design, response


def _gram(design: np.ndarray, response: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """XᵀX and Xᵀy. A NaN or ±inf in X makes a diagonal entry of XᵀX (Σ xᵢⱼ²) non-finite, so
    checking the d diagonal entries checks all n·d entries of X at no extra pass."""
    gram = design.T @ design
    correlation = design.T @ response
    if not (np.isfinite(np.diagonal(gram)).all() and np.isfinite(correlation).all()):
        if not np.isfinite(design).all():
            raise DataError("X contains NaN or ±inf; every entry must be finite")
        raise DataError("XᵀX overflows float64: rescale the features")
    return gram, correlation


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DomainError(f"{name} must be a positive real number, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise DomainError(f"{name} must be a positive finite number, got {value!r}")
    return number


def _penalty(kind: str, known: dict[str, Any]) -> float:
    """λ given directly, or derived as σ² over the prior's scale (τ² for ridge, b for lasso)."""
    scale = _PRIOR_SCALE[kind]
    given = [k for k in ("sigma2", scale) if k in known]
    if "lam" in known:
        if given:
            raise MlemapError(f"give either lam or sigma2 and {scale} (λ = σ²/{scale}), not both")
        return _positive(known["lam"], "lam")
    if len(given) != 2:
        raise MlemapError(
            f"the {kind} estimator needs the penalty: lam=…, or sigma2=… and {scale}=… "
            f"(λ = σ²/{scale})"
        )
    return _positive(known["sigma2"], "sigma2") / _positive(known[scale], scale)


# -- OLS and ridge ---------------------------------------------------------------------------
def _factor(gram: np.ndarray) -> tuple[tuple[np.ndarray, bool], float]:
    """Cholesky factor of a symmetric matrix and its reciprocal condition number (LAPACK
    pocon, from the factor: O(d²)); a matrix that is not positive definite gives rcond 0."""
    norm = float(np.abs(gram).sum(axis=0).max())
    try:
        factor = linalg.cho_factor(gram, lower=False, overwrite_a=True, check_finite=False)
    except linalg.LinAlgError:
        return (gram, False), 0.0
    pocon = linalg.get_lapack_funcs("pocon", (factor[0],))
    rcond, info = pocon(factor[0], norm, uplo="U")
    return factor, float(rcond) if info == 0 else 0.0


def _ols(design: np.ndarray, response: np.ndarray) -> dict[str, Any]:
    rows, cols = design.shape
    gram, correlation = _gram(design, response)
    factor, rcond = _factor(gram)
    if rcond < cols * np.finfo(np.float64).eps:
        reason = (
            f"there are fewer observations (n = {rows}) than features (d = {cols})"
            if rows < cols
            else "the columns of X are linearly dependent (collinear or constant features)"
        )
        raise DataError(
            f"XᵀX is singular or numerically singular (reciprocal condition number "
            f"{rcond:.1e}): {reason}, so least squares has no unique solution. Use ridge "
            "regression: mlemap.derive('linear_regression', prior='normal').estimator()"
            "(X, y, lam=…)"
        )
    if rows == cols:
        raise DataError(
            f"n = d = {rows}: the fit is exact, so σ̂² = ‖y − Xŵ‖²/n is 0 and the likelihood has "
            "no maximum in σ²; σ̂² needs more observations than features"
        )
    coef = linalg.cho_solve(factor, correlation, check_finite=False)
    return {"w": coef, "sigma2": _mean_square(response - design @ coef)}


def _mean_square(residual: np.ndarray) -> float:
    """‖r‖²/n without overflow where the answer is a float: (s·‖r/s‖/√n)² with s = max |rᵢ|."""
    scale = float(np.abs(residual).max())
    if scale == 0.0:
        return 0.0
    root = scale * (float(np.linalg.norm(residual / scale)) / math.sqrt(residual.size))
    if not math.isfinite(root * root):
        raise DataError("σ̂² overflows float64 (the residuals are too large): rescale y")
    return root * root


def _ridge(design: np.ndarray, response: np.ndarray, penalty: float) -> np.ndarray:
    gram, correlation = _gram(design, response)
    gram.flat[:: gram.shape[0] + 1] += penalty  # + λI in place: no d×d temporary
    factor, rcond = _factor(gram)
    if rcond == 0.0:
        raise DataError(
            f"XᵀX + λI is not numerically positive definite for λ = {penalty:g}: the features "
            "are too large for float64 at this λ; rescale X or increase λ"
        )
    return linalg.cho_solve(factor, correlation, check_finite=False)


# -- lasso -----------------------------------------------------------------------------------
def _duality_gap(
    coef: np.ndarray, gradient: np.ndarray, correlation: np.ndarray, yy: float, penalty: float
) -> float:
    """Primal minus dual objective for ½‖r‖² + λ‖w‖₁ at w, with r = y − Xw and
    gradient = Xᵀr; the dual point is r scaled into the feasible set ‖Xᵀθ‖∞ ≤ λ."""
    wc = float(coef @ correlation)
    rr = max(yy - wc - float(coef @ gradient), 0.0)  # ‖r‖² = ‖y‖² − 2wᵀXᵀy + wᵀXᵀXw
    yr = yy - wc
    dual_norm = float(np.abs(gradient).max()) if gradient.size else 0.0
    scale = 1.0 if dual_norm <= penalty else penalty / dual_norm
    primal = 0.5 * rr + penalty * float(np.abs(coef).sum())
    dual = scale * yr - 0.5 * scale**2 * rr
    return primal - dual


def _lasso(
    design: np.ndarray, response: np.ndarray, penalty: float, tol: float, max_iter: int
) -> dict[str, Any]:
    """The lasso solved for y/c and λ/c, c = max |yᵢ|, then scaled back: the minimiser scales
    with c and the duality-gap test is scale-free, so this changes nothing but the range in
    which ‖y‖² and the gap stay finite (y near 1e154 would overflow to w = 0, gap = nan)."""
    scale = float(np.abs(response).max())
    if scale == 0.0:
        return {"w": np.zeros(design.shape[1]), "iterations": 0, "gap": 0.0}
    solve = _lasso_residual if design.shape[1] > design.shape[0] else _lasso_gram
    found = solve(design, response / scale, penalty / scale, tol, max_iter)
    gap, threshold = (found.pop(k) * scale * scale for k in ("gap", "threshold"))
    if not gap <= threshold:  # a NaN gap warns too
        _warn_unconverged(max_iter, gap, threshold)
    return {**found, "w": found["w"] * scale, "gap": gap}


def _warn_unconverged(max_iter: int, gap: float, threshold: float) -> None:
    warnings.warn(
        f"lasso coordinate descent stopped at max_iter = {max_iter} with duality gap "
        f"{gap:.3g} > tol·‖y‖² = {threshold:.3g}; increase max_iter or tol",
        ConvergenceWarning,
        stacklevel=4,
    )


def _lasso_residual(
    design: np.ndarray, response: np.ndarray, penalty: float, tol: float, max_iter: int
) -> dict[str, Any]:
    """Coordinate descent on the residual, for d > n, where XᵀX (d×d) would be larger than X:
    each update reads one column (of a Fortran-ordered copy, so columns are contiguous)."""
    columns = np.asfortranarray(design)
    if not np.isfinite(columns).all():
        raise DataError("X contains NaN or ±inf; every entry must be finite")
    cols = columns.shape[1]
    norms = np.einsum("ij,ij->j", columns, columns)
    correlation = columns.T @ response
    yy = float(response @ response)
    coef = np.zeros(cols)
    residual = response.copy()
    threshold = tol * yy
    gap = _duality_gap(coef, correlation, correlation, yy, penalty)
    iterations = 0
    sweep, gradient = residual_sweep(), descent.correlation()
    while gap > threshold and iterations < max_iter:
        iterations += 1
        sweep(columns, norms, residual, coef, penalty)
        gap = _duality_gap(coef, gradient(columns, residual), correlation, yy, penalty)
    return {"w": coef, "iterations": iterations, "gap": gap, "threshold": threshold}


def _lasso_gram(
    design: np.ndarray, response: np.ndarray, penalty: float, tol: float, max_iter: int
) -> dict[str, Any]:
    gram, correlation = _gram(design, response)
    cols = gram.shape[0]
    yy = float(response @ response)
    diagonal = np.diagonal(gram).copy()
    coef = np.zeros(cols)
    gradient = correlation.copy()  # Xᵀ(y − Xw), kept up to date in O(d) per update
    threshold = tol * yy
    gap = _duality_gap(coef, gradient, correlation, yy, penalty)
    iterations = 0
    sweep = gram_sweep()
    # Coordinate descent on the Gram matrix: each update is O(d), a sweep O(d²), so the data
    # are read once (for XᵀX) whatever the number of sweeps.
    while gap > threshold and iterations < max_iter:
        iterations += 1
        sweep(gram, diagonal, gradient, coef, penalty)
        gap = _duality_gap(coef, gradient, correlation, yy, penalty)
    return {"w": coef, "iterations": iterations, "gap": gap, "threshold": threshold}


# -- fitted results: standard errors and the ridge posterior ---------------------------------
@dataclass(frozen=True)
class RegressionFit:
    """OLS with standard errors from s²(XᵀX)⁻¹, s² = RSS/(n − d) (the n − d correction makes
    s² unbiased; the MLE σ̂² = RSS/n is ``params["sigma2"]``), or ridge with its Gaussian
    posterior covariance σ²(XᵀX + λI)⁻¹, λ = σ²/τ²."""

    kind: str
    w: np.ndarray
    cov: np.ndarray
    nobs: int
    df_resid: int | None  # n − d for OLS; None for the ridge posterior
    sigma2: float
    penalty: float = 0.0  # λ = σ²/τ² of the ridge posterior

    @property
    def params(self) -> dict[str, Any]:
        return {"w": self.w, "sigma2": self.sigma2}

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diagonal(self.cov))

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """(d, 2) bounds: Student t with n − d degrees of freedom for OLS (σ² estimated),
        the normal posterior's equal-tailed credible interval for ridge."""
        if not (isinstance(level, numbers.Real) and 0 < level < 1):
            raise MlemapError(f"level must be a number strictly between 0 and 1; got {level!r}")
        tail = 0.5 + level / 2
        quantile = (
            stats.t.ppf(tail, self.df_resid) if self.df_resid is not None else stats.norm.ppf(tail)
        )
        return np.column_stack([self.w - quantile * self.se, self.w + quantile * self.se])

    def summary(self, fmt: str = "text", level: float = 0.95) -> str:
        """The coefficients w[0], w[1], … (as indexed in ``w``), their standard errors and
        intervals, with the fit's statistics, as ``fmt`` "text", "markdown", "latex" or
        "html"."""
        bounds = self.conf_int(level)  # checks the level first
        percent = f"{100 * level:g}%"
        if self.kind == "ols":
            head = [
                "OLS: the MLE of the linear-regression model",
                f"observations: {self.nobs}",
                f"residual degrees of freedom: {self.df_resid}",
                f"MLE sigma2 = RSS/n: {self.sigma2:.6g}",
                "covariance: s²(XᵀX)⁻¹, s² = RSS/(n − d); Student t intervals",
            ]
            spread = "std. error"
        else:
            head = [
                "ridge: the posterior mode (and mean) of w under a normal prior",
                f"observations: {self.nobs}",
                f"sigma2: {self.sigma2:.6g}, λ = sigma2/tau2: {self.penalty:.6g}",
                "covariance: sigma2 (XᵀX + λI)⁻¹; normal credible intervals",
            ]
            spread = "posterior sd"
        columns = ["coefficient", "estimate", spread, f"{percent} lower", f"{percent} upper"]
        rows = [
            [f"w[{j}]", *(f"{v:.6g}" for v in (w, se, *bounds[j]))]
            for j, (w, se) in enumerate(zip(self.w, self.se, strict=True))
        ]
        return table(head, columns, rows, fmt)

    def _repr_html_(self) -> str:
        return self.summary("html")

    def __repr__(self) -> str:
        name, spread = ("OLS", "SE") if self.kind == "ols" else ("ridge posterior", "sd")
        shown = ", ".join(
            f"{w:.6g} ({spread} {s:.3g})" for w, s in zip(self.w, self.se, strict=True)
        )
        return f"<RegressionFit {name}: w = [{shown}]; n = {self.nobs}>"


def regression_fit(kind: str, X: Any, y: Any, **known: Any) -> RegressionFit:
    """``d.fit(X, y, **known)`` for the OLS and ridge derivations."""
    design, response = _data(X, y)
    rows, cols = design.shape
    if kind == "ols":
        if known:
            raise MlemapError(f"the OLS fit takes no keywords; got {', '.join(sorted(known))}")
        if rows <= cols:
            raise DataError(
                f"standard errors need more observations than features (n = {rows}, d = {cols}): "
                "s² = RSS/(n − d) has no degrees of freedom left"
            )
        found = _ols(design, response)
        s2 = found["sigma2"] * rows / (rows - cols)  # RSS/(n − d), from the overflow-safe σ̂²
        cov = s2 * linalg.inv(design.T @ design)
        return RegressionFit(kind, found["w"], cov, rows, rows - cols, found["sigma2"])
    if kind == "ridge":
        if set(known) != {"sigma2", "tau2"}:
            raise MlemapError(
                "the ridge posterior covariance σ²(XᵀX + λI)⁻¹ needs sigma2=… and tau2=… "
                "(λ = σ²/τ²), and no other keyword"
            )
        sigma2 = _positive(known["sigma2"], "sigma2")
        penalty = _penalty(kind, known)
        w = _ridge(design, response, penalty)
        gram = design.T @ design
        gram.flat[:: cols + 1] += penalty
        return RegressionFit(kind, w, sigma2 * linalg.inv(gram), rows, None, sigma2, penalty)
    raise MlemapError(f"fit() is for the OLS and ridge derivations, not {kind}")
