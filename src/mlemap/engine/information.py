"""Fisher information from the model's moments, and the asymptotic variance it gives.

The expected information of one observation is I(θ) = −E[∂²/∂θ∂θᵀ log p(x | θ)]. The second
derivatives are sums of terms c(θ)·g(x); the moments E[g(x)] come from the identity
E[score] = 0 where it determines them (E[x] = θ for the Bernoulli), else by SymPy
integration or summation over the support, under a time limit. The result is checked
against numeric quadrature (or summation) of the same expectation at random parameter values.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.model import Model
from .limits import attempt
from .problem import Problem
from .verify import Check, VerificationError

__all__ = [
    "Information",
    "data_terms",
    "fisher_information",
    "moments",
    "numeric_expectation",
    "observation_symbol",
    "quadrature_check",
    "random_values",
]

#: Time limit on each SymPy integral or sum over the support: a guard against a hang, not a
#: judge of what is derived, so it is far above a cold first integral on a loaded machine
#: (over 4 s), else the documents would depend on the machine's speed.
MOMENT_SECONDS = 12.0
#: Parameter points at which the information is compared with numeric quadrature.
QUADRATURE_TRIALS = 3
QUADRATURE_TOLERANCE = 1e-7
#: Terms of a discrete expectation summed numerically (the tail beyond is negligible for
#: the parameter values the verifier draws).
DISCRETE_TERMS = 4000


@dataclass(frozen=True)
class Information:
    """The Fisher information of one observation and the moments it was computed from."""

    parameters: tuple[sp.Symbol, ...]
    per_observation: sp.Matrix
    moments: dict[sp.Expr, sp.Expr]  # g(x) → E[g(x)], each as used
    from_score: tuple[sp.Expr, ...]  # the moments that E[score] = 0 determined
    check: Check

    @property
    def inverse(self) -> sp.Matrix:
        """I(θ)⁻¹: n times the asymptotic covariance of the MLE."""
        return _tidy(self.per_observation.inv())


def observation_symbol(model: Model) -> sp.Symbol:
    """One observation x as a plain symbol, with the support's assumptions."""
    return sp.Symbol(model.data, **model.support.assumptions())


def _log_density(model: Model, x: sp.Symbol) -> sp.Expr:
    arguments = [p.symbol for p in (*model.parameters, *model.constants)]
    density = sp.sympify(model.density(x, *arguments), strict=True)
    return sp.expand(sp.expand_log(sp.log(density), force=True))


def data_terms(expr: sp.Expr, x: sp.Symbol) -> dict[sp.Expr, sp.Expr]:
    """``expr`` as Σ c·g(x): data function g → its coefficient c (g = 1 for the rest)."""
    found: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        coefficient, data = term.as_independent(x, as_Add=False)
        found[data] = found.get(data, sp.Integer(0)) + coefficient
    return found


def as_powers(expr: sp.Expr) -> sp.Expr:
    """Each exp(Σ cₖ log uₖ + r) as Π uₖ^cₖ · exp(r): the same function (u^c is defined as
    exp(c log u)), in the form SymPy's integrator handles at once rather than in seconds
    (the Pareto's E[(x/m)^(−t)] takes 0.02 s as powers and over 12 s as exp of logs)."""

    def split(argument: sp.Expr) -> sp.Expr:
        powers, rest = [], sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(argument)):
            coefficient, factor = term.as_independent(sp.log, as_Add=False)
            if isinstance(factor, sp.log):
                powers.append(sp.Pow(factor.args[0], coefficient))
            else:
                rest += term
        return sp.Mul(*powers) * sp.exp(rest)

    return expr.replace(lambda e: isinstance(e, sp.exp), lambda e: split(e.args[0]))


def _integral(g: sp.Expr, model: Model, x: sp.Symbol, log_density: sp.Expr) -> sp.Expr | None:
    support = model.support
    summand = as_powers(g * sp.exp(log_density))
    if support.integer:
        value = attempt(MOMENT_SECONDS, sp.summation, summand, (x, support.lower, support.upper))
    else:
        value = attempt(
            MOMENT_SECONDS,
            sp.integrate,
            summand,
            (x, support.lower, support.upper),
            conds="none",
        )
    if value is None or value.has(sp.Integral, sp.Sum, sp.nan, sp.zoo):
        return None
    return sp.simplify(value)


def moments(
    model: Model, wanted: set[sp.Expr]
) -> tuple[dict[sp.Expr, sp.Expr], tuple[sp.Expr, ...]] | None:
    """E[g(x)] for each g in ``wanted``, and which came from E[score] = 0; None where one
    is out of reach. The score of every parameter, known or not, has expectation zero."""
    x = observation_symbol(model)
    log_density = _log_density(model, x)
    scores = [data_terms(sp.diff(log_density, p.symbol), x) for p in model.parameters]
    unknowns = sorted({g for s in scores for g in s if g != 1}, key=sp.default_sort_key)
    found: dict[sp.Expr, sp.Expr] = {}
    if unknowns:
        stand_ins = sp.symbols(f"m0:{len(unknowns)}")
        equations = [
            sp.Add(*(c * (1 if g == 1 else stand_ins[unknowns.index(g)]) for g, c in s.items()))
            for s in scores
        ]
        solved = sp.solve(equations, stand_ins, dict=True)
        if len(solved) == 1:
            found = {
                g: sp.factor(solved[0][m])
                for g, m in zip(unknowns, stand_ins, strict=True)
                if m in solved[0] and not solved[0][m].has(*stand_ins)
            }
    from_score = tuple(found)
    for g in sorted(wanted - set(found) - {sp.Integer(1)}, key=sp.default_sort_key):
        value = _by_differentiation(g, model, scores, found)
        if value is None:
            value = _integral(g, model, x, log_density)
        if value is None:
            return None
        found[g] = value
    return found, from_score


def _by_differentiation(
    g: sp.Expr, model: Model, scores: list[dict[sp.Expr, sp.Expr]], found: dict
) -> sp.Expr | None:
    """E[hᵏ] for a parameter whose score is a + b·h(x): differentiating E[hᵏ⁻¹] in it gives
    E[hᵏ⁻¹ · score] = a E[hᵏ⁻¹] + b E[hᵏ] (the support does not depend on the parameter),
    so E[hᵏ] = (∂E[hᵏ⁻¹] − a E[hᵏ⁻¹]) / b, from E[h] upwards. ``found`` gains each power."""
    base, power = g.as_base_exp()
    if not (power.is_Integer and power >= 2):
        return None
    for parameter, score in zip(model.parameters, scores, strict=True):
        if set(score) - {sp.Integer(1)} != {base}:
            continue
        a, b = score.get(sp.Integer(1), sp.Integer(0)), score[base]
        if base not in found:
            continue
        for k in range(2, int(power) + 1):
            if base**k not in found:
                below = found[base ** (k - 1)]
                found[base**k] = sp.factor(
                    sp.simplify((sp.diff(below, parameter.symbol) - a * below) / b)
                )
        return found[g]
    return None


def _tidy(matrix: sp.Matrix) -> sp.Matrix:
    return matrix.applyfunc(lambda e: sp.factor(sp.simplify(e)))


def fisher_information(problem: Problem, rng: np.random.Generator) -> Information | None:
    """I(θ) for one observation, verified by quadrature; None where a moment is out of reach."""
    model, parameters = problem.model, problem.parameters
    ends = model.support.lower.free_symbols | model.support.upper.free_symbols
    if ends & set(parameters):
        return None  # a support that moves with a parameter breaks the regularity conditions
    x = observation_symbol(model)
    log_density = _log_density(model, x)
    if any(a.has(*parameters) for a in log_density.atoms(sp.Abs)):
        return None  # a kink (Laplace): the second derivative is a Dirac delta, not a moment
    size = len(parameters)
    second = sp.Matrix(size, size, lambda a, b: -sp.diff(log_density, parameters[a], parameters[b]))
    by_entry = [[data_terms(e, x) for e in row] for row in second.tolist()]
    wanted = {g for row in by_entry for entry in row for g in entry}
    got = moments(model, wanted)
    if got is None:
        return None
    found, from_score = got
    expected = sp.Matrix(
        [
            [sp.Add(*(c * found.get(g, g) for g, c in entry.items())) for entry in row]
            for row in by_entry
        ]
    )
    information = _tidy(expected)
    used = {g: found[g] for g in sorted(wanted - {sp.Integer(1)}, key=sp.default_sort_key)}
    check = _quadrature_check(information, second, problem, x, rng)
    return Information(parameters, information, used, from_score, check)


def numeric_expectation(g: sp.Expr, model: Model, x: sp.Symbol, values: dict) -> float:
    """E[g(x)] at numeric parameter ``values``, by quadrature or direct summation: shares
    nothing with SymPy's integration, so it checks it."""
    floats = {s: float(v) for s, v in values.items()}
    lower, upper = model.support.bounds(floats)
    # Floats, not the exact rationals: x_m**alpha with a rational alpha is a huge integer.
    at = {s: sp.Float(v) for s, v in floats.items()}
    log_density = _log_gamma_form(_log_density(model, x))
    from scipy import integrate, special  # loaded when first needed: slow to import

    modules = [{"gammaln": special.gammaln}, "scipy", "numpy"]
    # g and the log-density apart, each an array function: SymPy folds exp(k log x + …) into
    # x**k, which overflows a float (k = 199 at x = 40) where the density is tiny
    factor, log_p = (
        sp.lambdify(x, _indicators(e.xreplace(at)), modules=modules) for e in (g, log_density)
    )

    def integrand(t: float | np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)  # NumPy's float powers overflow to inf, Python's raise
        return factor(t) * np.exp(log_p(t))

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if model.support.integer:
            top = upper if np.isfinite(upper) else lower + DISCRETE_TERMS
            points = np.arange(lower, top + 1, dtype=float)
            return float(np.sum(np.nan_to_num(np.asarray(integrand(points), dtype=float))))
        return float(
            integrate.quad(lambda t: float(integrand(t)), lower, upper, limit=200, epsabs=0)[0]
        )


def _indicators(expr: sp.Expr) -> sp.Expr:
    """Each indicator [x = j] as a Piecewise, which NumPy evaluates element by element."""
    return expr.replace(sp.KroneckerDelta, lambda a, b: sp.Piecewise((1, sp.Eq(a, b)), (0, True)))


def _log_gamma_form(log_density: sp.Expr) -> sp.Expr:
    """Binomials, factorials and gammas as log Γ (scipy's gammaln): Γ(x + 8)/Γ(x + 1)
    overflows past x ≈ 170 in floats, giving nan terms; its log Γ difference does not.
    (SymPy's own loggamma of an integer argument turns back into log Γ, hence a name.)"""
    rewritten = sp.expand_log(log_density.rewrite(sp.gamma), force=True)
    return rewritten.replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
        lambda e: _GAMMALN(e.args[0].args[0]),
    )


_GAMMALN = sp.Function("gammaln")


def random_values(problem: Problem, rng: np.random.Generator) -> dict[sp.Symbol, sp.Expr]:
    return {s: p.domain.sample(rng) for s, p in problem.declarations.items()}


def _quadrature_check(
    information: sp.Matrix,
    second: sp.Matrix,
    problem: Problem,
    x: sp.Symbol,
    rng: np.random.Generator,
) -> Check:
    """Compare each entry of I(θ) with −E[∂²log p] computed numerically at random values."""
    model = problem.model
    for _ in range(QUADRATURE_TRIALS):
        values = random_values(problem, rng)
        for a, b in np.ndindex(*information.shape):
            numeric = numeric_expectation(second[a, b], model, x, values)
            exact = float(information[a, b].xreplace(values))
            if abs(exact - numeric) > QUADRATURE_TOLERANCE * max(1.0, abs(exact)):
                raise VerificationError(
                    f"engine self-check failed for the Fisher information of {model.name}: "
                    f"entry ({a}, {b}) is {exact} at {values} but numeric quadrature gives "
                    f"{numeric}. This is a bug in mlemap; please report it."
                )
    return quadrature_check(model)


def quadrature_check(model: Model) -> Check:
    how = "summation" if model.support.integer else "quadrature"
    return Check(
        "numeric",
        f"equal to the expectation computed by numeric {how} at {QUADRATURE_TRIALS} random "
        f"parameter values, to {QUADRATURE_TOLERANCE:g}",
    )
