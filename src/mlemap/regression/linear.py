"""Linear regression by matrix calculus: OLS as the MLE, ridge as the MAP estimate under a
Gaussian prior, lasso as the MAP estimate under a Laplace prior.

The model is y = Xw + ε with ε ~ N(0, σ²I), in ``MatrixSymbol``s (X: n×d, y: n×1, w: d×1).
Gradients come from SymPy's matrix calculus (``sp.diff(expr, w)``), the stationarity
equation is collected into ``A w = b`` by :func:`.matrix.collect_linear`, and every displayed
step is checked (:func:`.matrix.matrix_equivalent`) before it is recorded.
Derivatives are also checked independently of SymPy's matrix rules: at concrete sizes the
objective is written out entry by entry and differentiated entry by entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

from ..engine.derivation import Step
from ..engine.notation import (
    Constant,
    Distributed,
    Family,
    Gradient,
    Likelihood,
    LogLikelihood,
    PriorDensity,
    Tends,
)
from ..engine.verify import DEFINITION, Check, VerificationError
from .matrix import (
    LinearSystem,
    MatrixPoint,
    SquaredNorm,
    collect_linear,
    entrywise_gradient,
    evaluate,
    matrix_equivalent,
    random_point,
    written_out,
)
from .record import RegressionDerivation

__all__ = ["NAMES", "SEED", "ols_derivation", "ridge_derivation"]

SEED = 20_261_125

n, d = sp.symbols("n d", integer=True, positive=True)
X = sp.MatrixSymbol("X", n, d)
y = sp.MatrixSymbol("y", n, 1)
w = sp.MatrixSymbol("w", d, 1)
v = sp.MatrixSymbol("v", d, 1)
epsilon = sp.MatrixSymbol("epsilon", n, 1)
w_hat = sp.MatrixSymbol("w_hat", d, 1)
sigma2, tau2, lam, b = sp.symbols("sigma2 tau2 lambda b", positive=True)
sigma2_hat = sp.Symbol("sigma2_hat", positive=True)
I_d = sp.Identity(d)
#: The j-th coefficient and column, and the partial residual, as the words name them.
w_j = sp.Symbol("w_j", real=True)
x_j = sp.MatrixSymbol("x_j", n, 1)
r_j = sp.MatrixSymbol("r_j", n, 1)
NORMAL = sp.Symbol("N")


def normal(mean: sp.Basic, variance: sp.Basic) -> Family:
    """N(mean, variance), as the words write a Gaussian."""
    return Family(NORMAL, mean, variance)


NAMES: dict[sp.Basic, str] = {
    sigma2: r"\sigma^{2}",
    tau2: r"\tau^{2}",
    lam: r"\lambda",
    sigma2_hat: r"\hat{\sigma}^{2}",
    w_hat: r"\hat{w}",
    epsilon: r"\varepsilon",
    w_j: "w_{j}",
    x_j: "x_{j}",
    r_j: "r_{j}",
}

_residual = y - X * w


class ArgMin(sp.Function):
    """arg min over w of an objective, for display."""

    def _latex(self, printer: object) -> str:
        target, over = self.args
        inside = printer._print(target)  # type: ignore[attr-defined]
        return rf"\operatorname{{arg\,min}}_{{{printer._print(over)}}} {inside}"  # type: ignore[attr-defined]


class LogPosterior(sp.Function):
    """log p(w | y), for display."""

    def _latex(self, printer: object) -> str:
        inside = ", ".join(printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return rf"\log p{{\left({inside} \mid y\right)}}"


def _points(
    rng: np.random.Generator, count: int = 6, columns: int | None = None
) -> list[MatrixPoint]:
    points: list[MatrixPoint] = []
    while len(points) < count:
        point = random_point([X, y, w, v], [n, d], [sigma2, tau2, lam, b], rng, columns=columns)
        gram = point.matrices["X"].T * point.matrices["X"]
        if gram.det() != 0:  # the checks of the solution divide by XᵀX
            points.append(point)
    return points


# -- independent checks of derivatives --------------------------------------------------------
def _gradient_check(
    scalar: sp.Expr, gradient: sp.MatrixExpr, points: Sequence[MatrixPoint], what: str
) -> Check:
    """SymPy's matrix gradient against the gradient of the objective written entry by entry."""
    for point in points:
        expected = entrywise_gradient(scalar, point, w)
        found = evaluate(gradient, point)
        if sp.simplify(sp.Matrix(found) - expected) != sp.zeros(*expected.shape):
            raise VerificationError(
                f"engine self-check failed for {what}: the matrix-calculus gradient differs "
                f"from the entry-by-entry gradient at sizes {point.sizes}. This is a bug in mlemap."
            )
    return Check(
        "numeric",
        f"equal at {len(points)} random sizes and matrices to the gradient of the objective "
        "written out entry by entry and differentiated entry by entry",
    )


def _hessian_check(
    gradient: sp.MatrixExpr, hessian: sp.MatrixExpr, points: Sequence[MatrixPoint]
) -> Check:
    for point in points:
        g, unknowns = written_out(gradient, point, w)
        expected = sp.Matrix(g).jacobian(unknowns)
        found = sp.Matrix(evaluate(hessian, point))
        if sp.simplify(found - expected) != sp.zeros(*expected.shape):
            raise VerificationError(
                f"engine self-check failed for the Hessian at sizes {point.sizes}: the matrix "
                "derivative differs from the Jacobian of the gradient. This is a bug in mlemap."
            )
    return Check(
        "numeric",
        f"equal at {len(points)} random sizes and matrices to the Jacobian of the gradient "
        "written out entry by entry",
    )


def _normal_log_density_check(
    matrix_form: sp.Expr,
    points: Sequence[MatrixPoint],
    value: Callable[[MatrixPoint], sp.Expr],
    what: str,
) -> Check:
    """A matrix-form log-density against the sum of the log-densities of its entries."""
    for point in points:
        expected = value(point)
        found = evaluate(matrix_form, point)
        if abs(sp.N(found - expected, 30)) > sp.Float(10) ** -20 * max(1, abs(sp.N(expected))):
            raise VerificationError(
                f"engine self-check failed for {what} at sizes {point.sizes}: "
                f"{found} versus {expected}. This is a bug in mlemap; please report it."
            )
    return Check(
        "numeric",
        f"equal at {len(points)} random sizes and matrices to the sum over the entries of the "
        "log of each one's density, to 20 significant digits",
    )


def _log_likelihood_by_observation(point: MatrixPoint) -> sp.Expr:
    mean = point.matrices["X"] * point.matrices["w"]
    s2 = point.scalars[sigma2]
    return sum(
        (
            sp.log(1 / sp.sqrt(2 * sp.pi * s2)) - (yi - mi) ** 2 / (2 * s2)
            for yi, mi in zip(point.matrices["y"], mean, strict=True)
        ),
        sp.Integer(0),
    )


def _log_normal_prior_by_entry(point: MatrixPoint) -> sp.Expr:
    t2 = point.scalars[tau2]
    return sum(
        (sp.log(1 / sp.sqrt(2 * sp.pi * t2)) - wj**2 / (2 * t2) for wj in point.matrices["w"]),
        sp.Integer(0),
    )


def _log_laplace_prior_by_entry(point: MatrixPoint) -> sp.Expr:
    scale = point.scalars[b]
    return sum(
        (sp.log(1 / (2 * scale)) - sp.Abs(wj) / scale for wj in point.matrices["w"]),
        sp.Integer(0),
    )


# -- steps shared by every prior --------------------------------------------------------------
def _model_step() -> Step:
    model = sp.Eq(y, X * w + epsilon, evaluate=False)
    words = (
        "Each response is a linear function of its d features plus independent Gaussian "
        "noise of variance ",
        sigma2,
        ": in matrix form ",
        X,
        " is the design matrix, with n rows and d columns, ",
        y,
        " the n responses and ",
        w,
        " the d coefficients, and ",
        model,
        " with the entries of ",
        epsilon,
        " independent ",
        normal(0, sigma2),
        ", so that ",
        Distributed(y, normal(X * w, sigma2 * sp.Identity(n))),
        ".",
    )
    return Step("model", "Model", (model,), words, DEFINITION)


def _log_likelihood() -> sp.Expr:
    return -n / 2 * sp.log(2 * sp.pi * sigma2) - SquaredNorm(_residual) / (2 * sigma2)


def _likelihood_step(points: Sequence[MatrixPoint]) -> Step:
    likelihood = (2 * sp.pi * sigma2) ** (-n / 2) * sp.exp(-SquaredNorm(_residual) / (2 * sigma2))
    log_likelihood = _log_likelihood()
    lines = (
        sp.Eq(Likelihood(w, sigma2), likelihood, evaluate=False),
        sp.Eq(LogLikelihood(w, sigma2), log_likelihood, evaluate=False),
    )
    words = (
        "The responses are independent, so the likelihood is the product of n normal "
        "densities; their exponents add up to the squared norm of the residual vector ",
        _residual,
        ". The log is monotonic and turns the product into a sum.",
    )
    first = matrix_equivalent(sp.log(likelihood), log_likelihood, points, "the log-likelihood")
    check = _normal_log_density_check(
        log_likelihood, points, _log_likelihood_by_observation, "the log-likelihood"
    )
    return Step(
        "log-likelihood", "Likelihood and log-likelihood", lines, words, _weaker(first, check)
    )


def _weaker(*checks: Check) -> Check:
    """Several checks of one step: as strong as the weakest, and each one's detail shown."""
    method = "numeric" if any(c.method == "numeric" for c in checks) else checks[-1].method
    details = list(dict.fromkeys(c.detail for c in checks))
    return Check(method, "; ".join(details))


def _argmin_step(objective: sp.Expr, kept: sp.Expr, scale: sp.Expr, points: Sequence) -> Step:
    """argmax objective = argmin kept, where objective = −kept/scale + (terms free of w)."""
    rest = sp.Add(*[term for term in sp.Add.make_args(objective) if not term.has(w)])
    if sp.expand(objective - rest + kept / scale).has(w) or not scale.is_positive:
        raise VerificationError(f"the objective is not −({kept})/{scale} + const in w")
    check = matrix_equivalent(objective, -kept / scale + rest, points, "the objective")
    words = (
        "The terms ",
        rest,
        " do not depend on ",
        w,
        ", and ",
        sp.StrictGreaterThan(scale, 0, evaluate=False),
        ", so maximising over ",
        w,
        " is minimising:",
    )
    line = sp.Eq(w_hat, ArgMin(kept, w), evaluate=False)
    detail = Check(check.method, f"the remaining terms are free of w; {check.detail}")
    return Step("objective", "What is minimised", (line,), words, detail)


def _gradient_step(
    name: sp.Expr, scalar: sp.Expr, matrix_scalar: sp.MatrixExpr, points: Sequence
) -> tuple[Step, sp.MatrixExpr]:
    gradient = sp.diff(matrix_scalar, w)
    check = _gradient_check(scalar, gradient, points, "the gradient")
    line = sp.Eq(Gradient("w")(name), gradient, evaluate=False)
    words = (
        "By SymPy's matrix calculus: the gradient of ",
        SquaredNorm(_residual),
        " with respect to ",
        w,
        " is ",
        -2 * X.T * _residual,
        ", and that of ",
        SquaredNorm(w),
        " is ",
        2 * w,
        ".",
    )
    return Step("score", "Gradient", (line,), words, check), gradient


def _normal_equations(
    gradient: sp.MatrixExpr, points: Sequence[MatrixPoint]
) -> tuple[LinearSystem, sp.Expr, Check]:
    """The stationarity equation as A w = b, divided by the scalar factor of b so that b is
    Xᵀy: the system, that factor, and the check that factor·(b − A w) is the gradient."""
    system = collect_linear(gradient, w)
    scale = sp.Integer(1)
    if isinstance(system.b, sp.MatMul):
        scale = sp.Mul(*[a for a in system.b.args if not isinstance(a, sp.MatrixExpr)])
    A = sp.MatAdd(*[t / scale for t in sp.MatAdd.make_args(system.A)]).doit()
    rhs = (system.b / scale).doit()
    check = matrix_equivalent(gradient, scale * (rhs - A * w), points, "the normal equations")
    return LinearSystem(A, rhs, w), scale, check


# -- OLS --------------------------------------------------------------------------------------
def ols_derivation(rng: np.random.Generator) -> RegressionDerivation:
    points = _points(rng)
    steps = [_model_step(), _likelihood_step(points)]
    objective = _log_likelihood()
    steps.append(_argmin_step(objective, SquaredNorm(_residual), 2 * sigma2, points))
    matrix_objective = -(_residual.T * _residual) / (2 * sigma2)
    step, gradient = _gradient_step(LogLikelihood(w, sigma2), objective, matrix_objective, points)
    steps.append(step)
    system, scale, collected = _normal_equations(gradient, points)
    steps.append(
        Step(
            "stationarity",
            "Normal equations",
            (system.equation,),
            (
                "Setting the gradient to zero, collecting the terms in ",
                w,
                " on the left and multiplying by ",
                1 / scale,
                " gives the normal equations:",
            ),
            collected,
        )
    )
    solution = system.solution
    solved = matrix_equivalent(system.A * solution, system.b, points, "the solution")
    steps.append(
        Step(
            "solution",
            "Solution",
            (sp.Eq(w_hat, solution, evaluate=False),),
            (
                X.T * X,
                " is invertible exactly when ",
                X,
                " has full column rank (rank d, which needs ",
                sp.GreaterThan(n, d, evaluate=False),
                "): ",
                sp.Eq(v.T * X.T * X * v, SquaredNorm(X * v), evaluate=False),
                " is zero only when ",
                sp.Eq(X * v, sp.ZeroMatrix(n, 1), evaluate=False),
                ". Then the normal equations have one solution.",
            ),
            solved,
        )
    )
    hessian = sp.diff(gradient, w)
    steps.append(
        Step(
            "second-order",
            "Second-order condition",
            (sp.Eq(sp.Function("H")(w), hessian, evaluate=False),),
            (
                "The Hessian does not depend on ",
                w,
                ", and ",
                sp.Eq(v.T * hessian * v, -SquaredNorm(X * v) / sigma2, evaluate=False),
                ", negative for every ",
                sp.Ne(v, sp.ZeroMatrix(d, 1), evaluate=False),
                " when X has full column rank: the log-likelihood is strictly concave, and the "
                "stationary point is its unique maximum.",
            ),
            _weaker(
                _hessian_check(gradient, hessian, points),
                matrix_equivalent(
                    v.T * hessian * v, -SquaredNorm(X * v) / sigma2, points, "the quadratic form"
                ),
            ),
        )
    )
    steps.append(_sigma2_step(points, solution))
    results = (
        sp.Eq(w_hat, solution, evaluate=False),
        sp.Eq(sigma2_hat, SquaredNorm(y - X * w_hat) / n, evaluate=False),
    )
    steps.append(
        Step("result", "Result", results, ("The MLE, ordinary least squares:",), DEFINITION)
    )
    return RegressionDerivation(
        "linear_regression",
        None,
        tuple(steps),
        {w: solution, sigma2: SquaredNorm(y - X * solution) / n},
        results,
        True,
        (
            "the rows of X are fixed and the noise terms independent N(0, σ²)",
            "X has full column rank (rank d ≤ n)",
        ),
        {},
    )


def _sigma2_step(points: Sequence[MatrixPoint], solution: sp.MatrixExpr) -> Step:
    rss = sp.Symbol("R", positive=True)  # ‖y − Xŵ‖², positive for data not fitted exactly
    profile = -n / 2 * sp.log(2 * sp.pi * sigma2) - rss / (2 * sigma2)
    score = sp.diff(profile, sigma2)
    (root,) = sp.solve(score, sigma2)
    curvature = sp.simplify(sp.diff(profile, sigma2, 2).subs(sigma2, root))
    if not (sp.simplify(score.subs(sigma2, root)) == 0 and curvature.is_negative):
        raise VerificationError("the MLE of σ² is not a maximum of the profile log-likelihood")
    residual_norm = SquaredNorm(y - X * w_hat)
    shown = root.subs(rss, residual_norm)
    lines = (
        sp.Eq(
            sp.Derivative(LogLikelihood(w_hat, sigma2), sigma2),
            score.subs(rss, residual_norm),
            evaluate=False,
        ),
        sp.Eq(sigma2_hat, shown, evaluate=False),
    )
    words = (
        "The estimate ",
        w_hat,
        " does not depend on ",
        sigma2,
        ", so ",
        sigma2,
        " is estimated at ",
        w_hat,
        ". Its derivative vanishes at one point, where the second derivative, ",
        curvature.subs(rss, residual_norm),
        ", is negative (for data not fitted exactly, ",
        sp.StrictGreaterThan(residual_norm, 0, evaluate=False),
        ").",
    )
    check = Check("symbolic", "SymPy solves the derivative and proves the second derivative < 0")
    return Step("stationarity", "The noise variance", lines, words, check)


# -- ridge ------------------------------------------------------------------------------------
def _log_normal_prior() -> sp.Expr:
    return -d / 2 * sp.log(2 * sp.pi * tau2) - SquaredNorm(w) / (2 * tau2)


def _map_opening(
    points: list[MatrixPoint],
    log_prior: sp.Expr,
    by_entry: Callable,
    prior_words: tuple[object, ...],
    posterior_words: tuple[object, ...],
) -> tuple[list[Step], sp.Expr]:
    """Model, prior (checked entry by entry), likelihood and log-posterior: how every MAP
    derivation of a matrix model begins. Returns the steps and the log-posterior."""
    prior = Step(
        "prior",
        "Prior",
        (sp.Eq(sp.log(PriorDensity(w)), log_prior, evaluate=False),),
        prior_words,
        _normal_log_density_check(log_prior, points, by_entry, "the log-prior"),
    )
    log_posterior = _log_likelihood() + log_prior
    posterior = Step(
        "log-posterior",
        "Log-posterior",
        (sp.Eq(LogPosterior(w), log_posterior + Constant(), evaluate=False),),
        posterior_words,
        DEFINITION,
    )
    return [_model_step(), prior, _likelihood_step(points), posterior], log_posterior


def ridge_derivation(rng: np.random.Generator) -> RegressionDerivation:
    points = _points(rng)
    log_prior = _log_normal_prior()
    steps, log_posterior = _map_opening(
        points,
        log_prior,
        _log_normal_prior_by_entry,
        (
            "The coefficients are independent ",
            normal(0, tau2),
            " a priori: ",
            Distributed(w, normal(0, tau2 * I_d)),
            "; the log of the product of their d densities is:",
        ),
        (
            "Bayes' rule: the log-posterior is the log-likelihood plus the log-prior, up to "
            "a constant free of ",
            w,
            "; ",
            sigma2,
            " is known.",
        ),
    )
    kept = SquaredNorm(_residual) + sigma2 / tau2 * SquaredNorm(w)
    steps.append(_argmin_step(log_posterior, kept, 2 * sigma2, points))
    matrix_objective = -(_residual.T * _residual) / (2 * sigma2) - (w.T * w) / (2 * tau2)
    step, gradient = _gradient_step(LogPosterior(w), log_posterior, matrix_objective, points)
    steps.append(step)
    system, scale, collected = _normal_equations(gradient, points)
    # λ is read off the system: the coefficient of the identity in A.
    identity_terms = [t for t in sp.MatAdd.make_args(system.A) if t.has(sp.Identity)]
    if len(identity_terms) != 1:
        raise VerificationError("the ridge system has no single identity term")
    (term,) = identity_terms
    derived = sp.Mul(*[a for a in term.args if not isinstance(a, sp.MatrixExpr)])
    penalised = X.T * X + lam * I_d
    at = {lam: derived}
    same = matrix_equivalent(penalised.xreplace(at), system.A, points, "the penalised Gram matrix")
    equation = sp.Eq(sp.MatMul(penalised, w), X.T * y, evaluate=False)
    steps.append(
        Step(
            "stationarity",
            "Penalised normal equations",
            (equation, sp.Eq(lam, derived, evaluate=False)),
            (
                "Setting the gradient to zero, collecting the terms in ",
                w,
                " and multiplying by ",
                1 / scale,
                ": the prior adds a multiple of the identity to ",
                X.T * X,
                ". Its coefficient is the ridge penalty ",
                lam,
                ", the noise variance over the prior variance.",
            ),
            _weaker(collected, same),
        )
    )
    solution = sp.MatMul(sp.Inverse(penalised), X.T, y)
    quadratic = v.T * penalised * v
    steps.append(
        Step(
            "second-order",
            "Positive definite, so unique and a maximum",
            (
                sp.Eq(quadratic, SquaredNorm(X * v) + lam * SquaredNorm(v), evaluate=False),
                sp.Eq(sp.Function("H")(w), sp.diff(gradient, w), evaluate=False),
                sp.Eq(w_hat, solution, evaluate=False),
            ),
            (
                "For ",
                sp.StrictGreaterThan(lam, 0, evaluate=False),
                " the quadratic form is positive for every ",
                sp.Ne(v, sp.ZeroMatrix(d, 1), evaluate=False),
                ", whatever X (even with ",
                sp.StrictLessThan(n, d, evaluate=False),
                " or collinear features): ",
                penalised,
                " is positive definite, hence invertible, and the Hessian ",
                sp.MatMul(-1 / sigma2, penalised),
                " is negative definite. The log-posterior is strictly concave and the "
                "solution is its unique maximum.",
            ),
            _weaker(
                matrix_equivalent(
                    quadratic.xreplace(at),
                    SquaredNorm(X * v) + derived * SquaredNorm(v),
                    points,
                    "the quadratic form",
                ),
                _hessian_check(gradient, sp.diff(gradient, w), points),
                matrix_equivalent(
                    sp.diff(gradient, w), -penalised.xreplace(at) / sigma2, points, "the Hessian"
                ),
                matrix_equivalent(
                    penalised.xreplace(at) * solution.xreplace(at), X.T * y, points, "ŵ"
                ),
            ),
        )
    )
    limit = sp.limit(derived, tau2, sp.oo)
    if limit != 0:
        raise VerificationError("the ridge penalty does not vanish for a flat prior")
    steps.append(
        Step(
            "flat-prior",
            "Flat-prior limit",
            (sp.Eq(sp.Limit(derived, tau2, sp.oo), limit, evaluate=False),),
            (
                "As the prior flattens (",
                Tends(tau2, sp.oo),
                ") the penalty vanishes and ridge becomes ordinary least squares, the MLE.",
            ),
            Check("symbolic", "SymPy computes the limit"),
        )
    )
    results = (sp.Eq(w_hat, solution, evaluate=False), sp.Eq(lam, derived, evaluate=False))
    steps.append(
        Step("result", "Result", results, ("The MAP estimate, ridge regression:",), DEFINITION)
    )
    return RegressionDerivation(
        "linear_regression",
        "normal",
        tuple(steps),
        {w: solution},
        results,
        True,
        ("the noise terms are independent N(0, σ²) with σ² known", "w ~ N(0, τ²I), τ² > 0"),
        {lam: derived},
    )
