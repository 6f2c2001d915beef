"""The lasso as the MAP estimate of linear regression under a Laplace prior on w.

The objective ½‖y − Xw‖² + λ‖w‖₁ is not differentiable where a coefficient is zero, so the
optimality condition is a subgradient condition. It has a closed form for one feature and
for an orthonormal design (soft-thresholding, derived branch by branch here), and none in
general: the estimator is numeric (coordinate descent, see :mod:`mlemap.estimators.regression`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..engine.derivation import Step
from ..engine.notation import Family, Gradient
from ..engine.soft_threshold import SoftThreshold, check_soft_threshold, soft_threshold_branches
from ..engine.verify import DEFINITION, Check, VerificationError
from .linear import (
    ArgMin,
    X,
    _gradient_check,
    _log_laplace_prior_by_entry,
    _map_opening,
    _points,
    _residual,
    _weaker,
    b,
    d,
    lam,
    n,
    r_j,
    sigma2,
    w,
    w_hat,
    w_j,
    x_j,
    y,
)
from .matrix import L1Norm, MatrixPoint, SquaredNorm, matrix_equivalent
from .record import RegressionDerivation

__all__ = ["lasso_derivation"]

# One feature: c = ‖x‖² > 0, z = xᵀy, t the coefficient.
c = sp.Symbol("c", positive=True)
z = sp.Symbol("z", real=True)
t = sp.Symbol("t", real=True)
x = sp.MatrixSymbol("x", n, 1)


def laplace(location: sp.Basic, scale: sp.Basic) -> Family:
    """Laplace(location, scale), as the words write it."""
    return Family(sp.Symbol("Laplace"), location, scale)


def _log_laplace_prior() -> sp.Expr:
    return -d * sp.log(2 * b) - L1Norm(w) / b


def _check_orthonormal(rng: np.random.Generator) -> Check:
    """Soft-thresholding Xᵀy solves the lasso for random orthonormal designs (float check)."""
    for _ in range(6):
        rows, cols = int(rng.integers(3, 9)), int(rng.integers(1, 4))
        q, _ = np.linalg.qr(rng.normal(size=(rows, cols)))
        response = rng.normal(size=rows)
        penalty = float(rng.uniform(0.05, 1.5))
        score = q.T @ response
        coef = np.sign(score) * np.maximum(np.abs(score) - penalty, 0)
        correlation = q.T @ (response - q @ coef)
        active = coef != 0
        if not (
            np.allclose(correlation[active], penalty * np.sign(coef[active]), atol=1e-12)
            and np.all(np.abs(correlation[~active]) <= penalty + 1e-12)
        ):
            raise VerificationError("soft-thresholding fails the lasso condition for XᵀX = I")
    return Check(
        "numeric",
        "the subgradient condition holds to 1e-12 at 6 random orthonormal designs (floats)",
    )


def _points_one_feature(rng: np.random.Generator) -> list[MatrixPoint]:
    return _points(rng, columns=1)


def lasso_derivation(rng: np.random.Generator) -> RegressionDerivation:
    points = _points(rng)
    log_prior = _log_laplace_prior()
    steps, log_posterior = _map_opening(
        points,
        log_prior,
        _log_laplace_prior_by_entry,
        (
            "The coefficients are independent ",
            laplace(0, b),
            " a priori, each of density ",
            sp.exp(-sp.Abs(w_j) / b) / (2 * b),
            "; the log of the product of their d densities is:",
        ),
        ("The log-likelihood plus the log-prior, up to a constant free of ", w, "."),
    )
    # Multiply by −σ² < 0: maximising becomes minimising, and λ is the coefficient of ‖w‖₁.
    scaled = sp.expand(-sigma2 * log_posterior)
    half = scaled.coeff(SquaredNorm(_residual))
    derived = scaled.coeff(L1Norm(w))
    rest = sp.expand(scaled - half * SquaredNorm(_residual) - derived * L1Norm(w))
    if half != sp.Rational(1, 2) or rest.has(w) or derived.has(w):
        raise VerificationError("the lasso objective is not ½‖y − Xw‖² + λ‖w‖₁ + const")
    objective = SquaredNorm(_residual) / 2 + lam * L1Norm(w)
    check = matrix_equivalent(
        log_posterior,
        -(objective.xreplace({lam: derived}) + rest) / sigma2,
        points,
        "the lasso objective",
    )
    steps.append(
        Step(
            "objective",
            "What is minimised",
            (sp.Eq(w_hat, ArgMin(objective, w), evaluate=False), sp.Eq(lam, derived)),
            (
                "Multiplying the log-posterior by ",
                sp.StrictLessThan(-sigma2, 0, evaluate=False),
                " turns maximising into minimising; the constant terms of the "
                "log-posterior (times ",
                sigma2,
                ") do not depend on ",
                w,
                " and are dropped. The Laplace prior gives the ",
                L1Norm(w),
                " penalty of the lasso, with ",
                lam,
                " the noise variance over the prior scale.",
            ),
            Check(check.method, f"the remaining terms are free of w; {check.detail}"),
        )
    )
    smooth = SquaredNorm(_residual) / 2
    gradient = sp.diff((_residual.T * _residual) / 2, w)
    correlation = X.T * _residual
    steps.append(
        Step(
            "score",
            "Subgradient condition",
            (sp.Eq(Gradient("w")(smooth), gradient, evaluate=False),),
            (
                "The squared norm is differentiable (its gradient, above, is by SymPy's matrix "
                "calculus), but ",
                sp.Abs(w_j),
                " is not at 0: its subdifferential is the sign of ",
                w_j,
                " where ",
                sp.Ne(w_j, 0, evaluate=False),
                ", and every number from −1 to 1 at 0. The objective is convex, so ",
                w_hat,
                " minimises it exactly when 0 is in its subdifferential: for each feature, with ",
                x_j,
                " its column of X, ",
                sp.Eq(x_j.T * _residual, lam * sp.sign(w_j), evaluate=False),
                " where ",
                sp.Ne(w_j, 0, evaluate=False),
                ", and it lies between ",
                -lam,
                " and ",
                lam,
                " where ",
                sp.Eq(w_j, 0, evaluate=False),
                "; that is, every entry of ",
                correlation,
                " lies between ",
                -lam,
                " and ",
                lam,
                ", and is one of the two on the features in use.",
            ),
            _gradient_check(smooth, gradient, points, "the gradient of the squared norm"),
        )
    )
    minimiser, branches = soft_threshold_branches(c, z, t, lam)
    one = _points_one_feature(rng)
    reduction = matrix_equivalent(
        smooth,
        c / 2 * t**2 - z * t + SquaredNorm(y) / 2,
        [_with_one_feature(p) for p in one],
        "the one-feature objective",
    )
    lines = [sp.Eq(sp.Function("f")(t), _one_objective())]
    lines += [sp.Eq(t, root, evaluate=False) for _, root, _ in branches[:2]]
    lines.append(sp.Eq(w_hat, SoftThreshold(z, lam) / c, evaluate=False))
    steps.append(
        Step(
            "stationarity",
            "One feature: soft-thresholding",
            tuple(lines),
            (
                "With one feature, the column ",
                x,
                ", write ",
                sp.Eq(c, SquaredNorm(x), evaluate=False),
                ", ",
                sp.Eq(z, x.T * y, evaluate=False),
                " and t for the coefficient: up to a constant the objective is ",
                sp.Function("f")(t),
                " above. On ",
                sp.StrictGreaterThan(t, 0, evaluate=False),
                " it is smooth, and its stationary point ",
                branches[0][1],
                " lies in the branch when ",
                sp.StrictGreaterThan(z, lam, evaluate=False),
                "; on ",
                sp.StrictLessThan(t, 0, evaluate=False),
                " the point ",
                branches[1][1],
                " lies in it when ",
                sp.StrictLessThan(z, -lam, evaluate=False),
                "; ",
                sp.Eq(t, 0, evaluate=False),
                " is optimal when 0 is in the subdifferential there, that is when ",
                sp.LessThan(sp.Abs(z), lam, evaluate=False),
                ". Together: the soft-thresholding function ",
                sp.Eq(
                    SoftThreshold(z, lam),
                    sp.sign(z) * sp.Max(sp.Abs(z) - lam, 0),
                    evaluate=False,
                ),
                ", divided by c.",
            ),
            _weaker(reduction, check_soft_threshold(minimiser, c, z, lam, rng)),
        )
    )
    steps.append(
        Step(
            "solution",
            "Orthonormal design",
            (
                sp.Eq(X.T * X, sp.Identity(d), evaluate=False),
                sp.Eq(w_hat, SoftThreshold(X.T * y, lam), evaluate=False),
            ),
            (
                "When ",
                X.T * X,
                " is the identity, ",
                SquaredNorm(_residual),
                " is ",
                SquaredNorm(y),
                " minus twice ",
                w.T * X.T * y,
                " plus ",
                SquaredNorm(w),
                ", so the objective is a sum of one-feature objectives with ",
                sp.Eq(c, 1, evaluate=False),
                " and z the feature's entry of ",
                X.T * y,
                ", each minimised separately: ",
                w_hat,
                " is S applied to each entry of ",
                X.T * y,
                ".",
            ),
            _weaker(
                matrix_equivalent(
                    SquaredNorm(_residual),
                    SquaredNorm(y) - 2 * (w.T * X.T * y)[0, 0] + (w.T * X.T * X * w)[0, 0],
                    points,
                    "the expansion of the squared norm",
                ),
                _check_orthonormal(rng),
            ),
        )
    )
    steps.append(
        Step(
            "numeric",
            "In general: no closed form",
            (),
            (
                "With several correlated features the coordinates interact through ",
                X.T * X,
                " and the subgradient condition has no closed-form solution: the estimate is "
                "computed numerically, by coordinate descent. Each update is the one-feature "
                "result applied to the partial residual ",
                sp.Eq(r_j, _residual + x_j * w_j, evaluate=False),
                ": it sets ",
                w_j,
                " to ",
                SoftThreshold(x_j.T * r_j, lam) / SquaredNorm(x_j),
                ", repeated until the duality gap is below the tolerance.",
            ),
            DEFINITION,
        )
    )
    results = (
        sp.Eq(w_hat, ArgMin(objective, w), evaluate=False),
        sp.Eq(lam, derived, evaluate=False),
    )
    return RegressionDerivation(
        "linear_regression",
        "laplace",
        tuple(steps),
        {},
        results,
        False,
        ("the noise terms are independent N(0, σ²) with σ² known", "wⱼ ~ Laplace(0, b), b > 0"),
        {lam: derived},
    )


def _one_objective() -> sp.Expr:
    return c / 2 * t**2 - z * t + lam * sp.Abs(t)


def _with_one_feature(point: MatrixPoint) -> MatrixPoint:
    """A one-feature point with c, z and t set from its X, y and w."""
    x_column, response, coef = point.matrices["X"], point.matrices["y"], point.matrices["w"]
    scalars = {
        **point.scalars,
        c: (x_column.T * x_column)[0, 0],
        z: (x_column.T * response)[0, 0],
        t: coef[0, 0],
    }
    return MatrixPoint(point.sizes, point.matrices, scalars)
