"""The steps of a derivation, each built from the pipeline's results and verified first.

An explanation is a sequence of segments, text and SymPy objects, so that each output
typesets its maths (``$θ$`` in Markdown, ``\\(θ\\)`` in LaTeX, plain names in text).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy as sp

from ..catalog.domains import Support
from ..catalog.model import Model
from ..catalog.symbols import hat, i
from .conjugacy import Posterior
from .curvature import Curvature
from .derivation import Step
from .display import tidy
from .lagrange import CATEGORY
from .limits import attempt
from .notation import (
    Constant,
    Density,
    Family,
    Likelihood,
    LogLikelihood,
    LogPosterior,
    PosteriorDensity,
    PriorDensity,
    Tends,
)
from .problem import BoundPrior, Problem
from .solve import Solution, StationaryEquation, denominator_sign
from .sums import normalize
from .verify import DEFINITION, SIMPLIFY_SECONDS, Check, equivalent, vanishes

__all__ = [
    "flat_prior_step",
    "likelihood_step",
    "log_likelihood_step",
    "log_posterior_step",
    "model_step",
    "no_closed_form_step",
    "posterior_step",
    "prior_step",
    "result_step",
    "score_step",
    "second_order_step",
    "stationarity_steps",
]


def _member(symbol: sp.Basic, where: sp.Set) -> sp.Basic:
    return sp.Contains(symbol, where, evaluate=False)


def _weakest(checks: list[Check]) -> Check:
    """A chain of checks is as strong as its weakest link: numeric if any is numeric."""
    return next((c for c in checks if c.method == "numeric"), checks[-1])


def _chain(
    start: sp.Expr, forms: list[sp.Expr], problem: Problem, rng: np.random.Generator, what: str
) -> Check:
    """Verify start = forms[0] = forms[1] = …, each against the one before."""
    checks, previous = [], start
    for form in forms:
        checks.append(equivalent(previous, form, problem, rng, what))
        previous = form
    return _weakest(checks)


def _objective_function(problem: Problem) -> sp.Function:
    return LogPosterior if problem.is_map else LogLikelihood


# -- model, prior, likelihood ----------------------------------------------------------------
def model_step(problem: Problem, density: sp.Expr, rng: np.random.Generator) -> Step:
    model = problem.model
    x_i = model.x[i]
    described = model.description
    words: list[object] = [f"{described[:1].upper()}{described[1:]}. "] if described else []
    words += ["Each observation ", x_i, *_observation_words(model)]
    for p in model.estimated:
        words += ["; ", _member(p.symbol, p.domain.interval)]
    if model.fixed:
        words += ["; known: "]
        for number, p in enumerate(model.fixed):
            words += [", " if number else "", p.symbol]
    words.append(".")
    declared = model.declared_density()
    line = sp.Eq(Density(x_i, *problem.parameters), declared, evaluate=False)
    # The density is shown as declared; the engine works with SymPy's evaluated form.
    check = equivalent(declared, density, problem, rng, "the declared density")
    return Step("model", "Model", (line,), tuple(words), check)


def _observation_words(model: Model) -> list[object]:
    """Where one observation lies: " lies in {0, 1, …}", or for a vector of counts the
    counts, each in its range, and their total."""
    if model.components == 1:
        return [" lies in ", model.support]
    words: list[object] = [f" holds {model.components} counts "]
    for number, entry in enumerate(model.entries):
        words += [", " if number else "", entry]
    total = sp.Sum(model.x[i, CATEGORY], (CATEGORY, 1, model.components))
    each = Support(0, model.support.total, integer=True)
    return [*words, ", each in ", each, ", with ", sp.Eq(total, model.support.total)]


def _prior_words(bound: BoundPrior) -> list[object]:
    """ ": on (0, ∞), with shape α₀ and rate β.", from the bound prior's own (renamed) symbols."""
    words: list[object] = [": on ", bound.prior.domain.interval, ", with "]
    if len(bound.covers) > 1:
        words = [": on the simplex ", sp.Eq(sp.Add(*bound.covers), 1), ", with "]
    pairs = list(zip(bound.prior.hyperparameters, bound.symbols, strict=True))
    for number, (h, symbol) in enumerate(pairs):
        joint = "" if number == 0 else " and " if number == len(pairs) - 1 else ", "
        words += [joint, f"{h.description} ", symbol]
    return [*words, "."]


def prior_step(problem: Problem) -> Step:
    lines, words = [], []
    for parameter, bound in problem.priors.items():
        covers = bound.covers
        lines.append(sp.Eq(PriorDensity(*covers), bound.declared_density(), evaluate=False))
        if words:
            words.append(" ")
        if bound.hyperparameters:
            family = Family(sp.Symbol(bound.prior.family), *bound.symbols)
            shown = parameter if len(covers) == 1 else sp.Tuple(*covers)
            words += [shown, " ∼ ", family, *_prior_words(bound)]
        elif not bound.is_flat:
            words += [
                parameter,
                f" has a prior without hyperparameters: {bound.prior.description}.",
            ]
        else:
            words += [
                "A flat prior on ",
                parameter,
                ": ",
                PriorDensity(parameter),
                " is constant (improper where the domain is unbounded).",
            ]
    covered = {q for b in problem.priors.values() for q in b.covers}
    flat = [p for p in problem.parameters if p not in covered]
    for p in flat:
        words += [" No prior on ", p, " (flat)."]
    return Step("prior", "Prior", tuple(lines), tuple(words), DEFINITION)


def likelihood_step(problem: Problem, likelihood: sp.Expr) -> Step:
    line = sp.Eq(Likelihood(*problem.parameters), likelihood, evaluate=False)
    words = (
        "Why a product? The observations are independent, so the probability of all of "
        "them is the product of the probability of each.",
    )
    return Step("likelihood", "Likelihood", (line,), words, DEFINITION)


def log_likelihood_step(
    problem: Problem,
    likelihood: sp.Expr,
    log_sum: sp.Expr,
    log_likelihood: sp.Expr,
    rng: np.random.Generator,
) -> Step:
    lhs = LogLikelihood(*problem.parameters)
    lines = (
        sp.Eq(lhs, sp.log(Likelihood(*problem.parameters)), evaluate=False),
        sp.Eq(lhs, log_sum, evaluate=False),
        sp.Eq(lhs, log_likelihood, evaluate=False),
    )
    words = (
        "The log is monotonic, so maximising log L maximises L, and the log turns the "
        "product into a sum. Factors that do not depend on the observation come out of "
        "the sum, so the data enter only through sums of the data: the sufficient "
        "statistics.",
    )
    check = _chain(
        sp.log(likelihood), [log_sum, log_likelihood], problem, rng, "the log-likelihood"
    )
    return Step("log-likelihood", "Log-likelihood", lines, words, check)


def log_posterior_step(
    problem: Problem,
    likelihood: sp.Expr,
    log_likelihood: sp.Expr,
    log_prior: sp.Expr,
    objective: sp.Expr,
    rng: np.random.Generator,
) -> Step:
    parameters = problem.parameters
    lhs = LogPosterior(*parameters)
    priors = sp.Add(*(sp.log(PriorDensity(*b.covers)) for b in problem.priors.values()))
    lines = [
        sp.Eq(lhs, LogLikelihood(*parameters) + priors + Constant(), evaluate=False),
        sp.Eq(lhs, objective + Constant(), evaluate=False),
    ]
    # Terms free of every parameter (log β^α, Σ log xᵢ!) go into the constant, as the words say.
    free = [t for t in sp.Add.make_args(objective) if not t.has(*parameters)]
    kept = sp.Add(*(t for t in sp.Add.make_args(objective) if t.has(*parameters)))
    absorbed: tuple[object, ...] = ()
    if free and kept != 0:
        lines.append(sp.Eq(lhs, kept + Constant(), evaluate=False))
        names = [w for number, p in enumerate(parameters) for w in ((" and " if number else ""), p)]
        absorbed = (" The terms free of ", *names, " then join the constant.")
    x = sp.Symbol("x")
    bayes = sp.Eq(
        PosteriorDensity(*parameters),
        Density(x, *parameters) * PriorDensity(*parameters) / PriorDensity(x),
        evaluate=False,
    )
    words = (
        "Bayes' theorem, ",
        bayes,
        ", where ",
        PriorDensity(x),
        " does not depend on the parameters: the posterior is proportional to likelihood × "
        "prior, and its log is the log-likelihood plus the log-prior, up to a constant.",
        *absorbed,
    )
    prior_density = sp.Mul(*(b.density() for b in problem.priors.values()))
    check = _chain(
        sp.log(likelihood * prior_density),
        [log_likelihood + log_prior, objective],
        problem,
        rng,
        "the log-posterior",
    )
    if absorbed:
        detail = f"{check.detail}; the terms gathered into the constant hold no parameter"
        check = Check(check.method, detail)
    return Step("log-posterior", "Log-posterior", tuple(lines), words, check)


# -- score and stationarity ------------------------------------------------------------------
def score_step(
    objective: sp.Expr, solution: Solution, problem: Problem, rng: np.random.Generator
) -> Step:
    function = _objective_function(problem)(*problem.parameters)
    lines, checks = [], []
    for equation in solution.equations:
        p = equation.parameter
        lines.append(sp.Eq(sp.Derivative(function, p), equation.score, evaluate=False))
        checks.append(
            equivalent(sp.diff(objective, p), equation.score, problem, rng, f"the score in {p}")
        )
    several = len(lines) > 1
    words = (
        f"Differentiate with respect to {'each parameter' if several else 'the parameter'} "
        f"(the {'gradient' if several else 'derivative'} is the score); the sums of the "
        "data are constants here.",
    )
    return Step("score", "Score", tuple(lines), words, _weakest(checks))


def stationarity_steps(
    solution: Solution, problem: Problem, rng: np.random.Generator
) -> list[Step]:
    by_parameter = {e.parameter: e for e in solution.equations}
    order = solution.order or tuple(by_parameter)
    return [_stationarity_step(by_parameter[p], problem, rng, solution) for p in order]


def _stationarity_step(
    equation: StationaryEquation, problem: Problem, rng: np.random.Generator, solution: Solution
) -> Step:
    p = equation.parameter
    lines: list[sp.Basic] = [sp.Eq(equation.score, 0)]
    words: list[object] = ["Set the score in ", p, " to zero."]
    checks: list[Check] = []
    if equation.cleared and equation.denominator != 1:
        sign = denominator_sign(equation, problem)
        if sign is not None:
            lines += [sp.Eq(c, 0) for c in dict.fromkeys(equation.cleared)]
            words += [
                " Multiply by ",
                equation.denominator,
                f", which is {'positive' if sign > 0 else 'negative'} on the domain "
                "(so not zero), and collect the terms in ",
                p,
                ".",
            ]
            checks.append(
                equivalent(
                    equation.score * equation.denominator,
                    equation.cleared[-1],
                    problem,
                    rng,
                    f"clearing denominators for {p}",
                )
            )
    joint = solution.method == "solving the equations jointly"
    value = solution.estimates.get(p) if joint else equation.value
    if value is None:
        words += [" ", solution.note] if solution.note else [" No closed form for ", p, "."]
        return Step(
            "stationarity",
            "Stationarity",
            tuple(lines),
            tuple(words),
            _weakest(checks) if checks else DEFINITION,
            subject=p,
        )
    lines.append(sp.Eq(p, value))
    others = sorted(value.free_symbols & set(problem.parameters), key=str)
    if others:
        words += [" The root depends on "]
        for number, other in enumerate(others):
            words += [", " if number else "", other]
        words += [", which is then replaced by its own estimate."]
    for root in equation.roots:
        verdict = "kept" if root.accepted else "rejected"
        words += [" Root ", sp.Eq(p, root.value), f": {root.reason}; {verdict}."]
    residual = equation.score.xreplace({p: value})
    if joint:
        residual = normalize(residual.xreplace(solution.estimates))
    checks.append(vanishes(residual, problem, rng, f"the root of the equation for {p}"))
    return Step(
        "stationarity", "Stationarity", tuple(lines), tuple(words), _weakest(checks), subject=p
    )


# -- second order, posterior, flat prior, result ---------------------------------------------
def second_order_step(curvature: Curvature, problem: Problem) -> Step:
    parameters = problem.parameters
    function = _objective_function(problem)(*parameters)
    hats = {p: hat(p) for p in parameters}
    lines: list[sp.Basic] = []
    if len(parameters) == 1:
        second = sp.Derivative(function, (parameters[0], 2))
        lines.append(sp.Eq(second, curvature.hessian[0, 0], evaluate=False))
        if curvature.at_estimate is not None:
            # ℓ''(θ) at θ = θ̂, with the data sums written through θ̂ (not a derivative in θ̂).
            at = sp.Subs(second, parameters[0], hats[parameters[0]])
            lines.append(sp.Eq(at, curvature.at_estimate[0, 0], evaluate=False))
        words: list[object] = [
            "The stationary point is a maximum where the second derivative is negative. "
            "Written in terms of the estimate, assuming it lies inside the parameter's domain:"
        ]
    else:
        lines.append(sp.Eq(sp.Symbol("H"), curvature.hessian, evaluate=False))
        if curvature.at_estimate is not None:
            at = sp.Subs(sp.Symbol("H"), parameters, tuple(hats.values()))
            lines.append(sp.Eq(at, curvature.at_estimate, evaluate=False))
        words = [
            "The stationary point is a maximum where the Hessian H is negative definite "
            "(its leading principal minors alternate in sign, starting negative). Written "
            "in terms of the estimates, assuming they lie inside the parameters' domains:"
        ]
    if curvature.proved:
        words.append(" SymPy proves it negative")
        for number, condition in enumerate(curvature.conditions):
            words += [" provided " if number == 0 else " and ", condition]
        words.append(".")
    else:
        words.append(" SymPy could not prove the sign, so it was checked numerically.")
    return Step("second-order", "Second-order check", tuple(lines), tuple(words), curvature.check)


def posterior_step(posterior: Posterior, problem: Problem) -> Step:
    p = posterior.parameter
    covers = posterior.parameters or (p,)
    bound = problem.priors.get(p)
    family = Family(sp.Symbol(posterior.family), *posterior.hyperparameters)
    words: list[object] = [
        "The log-posterior differs from the log-density of ",
        family,
        " by a term that does not depend on ",
        p if len(covers) == 1 else "the parameters",
        ", so that is the posterior.",
    ]
    if bound is not None and bound.prior is posterior.prior:
        words += [
            f" The {posterior.family} prior is conjugate to this likelihood: the "
            "posterior is in the prior's family, with updated hyperparameters."
        ]
    line = sp.Eq(PosteriorDensity(*covers), family, evaluate=False)
    return Step("posterior", "Posterior distribution", (line,), tuple(words), posterior.check)


def _at(expr: sp.Expr, symbol: sp.Symbol, value: sp.Expr) -> sp.Expr:
    """``expr`` at ``symbol = value``, as a limit where substitution is undefined
    (τ² → ∞, or β → 0 where β divides)."""
    substituted = expr.subs(symbol, value)
    if substituted.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return sp.limit(expr, symbol, value)
    return substituted


def _at_all(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``expr`` at every ``symbol = value``: plain substitutions first, limits last, since a
    limit taken while another hyperparameter is still free can hang on its sign (α → −1
    in (β − λn + √((β − λn)² + …))/(2(α + 1)) needs β = 0 first)."""
    pending = dict(values)
    while pending:
        clean = [
            s for s, v in pending.items() if not expr.subs(s, v).has(sp.nan, sp.zoo, sp.oo, -sp.oo)
        ]
        symbol = clean[0] if clean else next(iter(pending))
        expr = _at(expr, symbol, pending.pop(symbol))
    return expr


def flat_prior_step(
    solution: Solution,
    mle: Mapping[sp.Symbol, sp.Expr],
    problem: Problem,
    rng: np.random.Generator,
) -> Step | None:
    lines, words, checks = [], [], []
    for p, bound in problem.priors.items():
        values = bound.flat_values()
        if (bound.hyperparameters and not values) or not (bound.hyperparameters or bound.is_flat):
            continue
        for q in bound.covers:
            estimate = _at_all(solution.estimates[q], values)
            # SymPy's simplify can fail outright on sums (StopIteration in its sum rules).
            estimate = attempt(SIMPLIFY_SECONDS, sp.simplify, estimate) or estimate
            estimate = tidy(normalize(estimate))
            lines.append(sp.Eq(hat(q), estimate))
            checks.append(
                equivalent(
                    estimate,
                    mle[q],
                    problem,
                    rng,
                    f"the flat-prior limit of the MAP estimate of {q}",
                )
            )
        if words:
            words.append(" ")
        if bound.hyperparameters:
            words.append("With ")
            for number, (symbol, value) in enumerate(values.items()):
                words += [", " if number else "", _tends(symbol, value)]
            words += [
                f" the {bound.prior.family} prior is flat, and the MAP estimate of ",
                p if len(bound.covers) == 1 else sp.Tuple(*bound.covers),
                " reduces to the MLE.",
            ]
        else:
            words += [
                "With a flat prior the log-prior is a constant, so the log-posterior is the "
                "log-likelihood plus a constant, and the MAP estimate of ",
                p,
                " is the MLE.",
            ]
    if not lines:
        return None
    return Step("flat-prior", "Flat prior: MAP = MLE", tuple(lines), tuple(words), _weakest(checks))


def _tends(symbol: sp.Symbol, value: sp.Expr) -> sp.Basic:
    """α = 1 where the value is in the hyperparameter's domain, else the limit β → 0."""
    equal = sp.Eq(symbol, value)  # False where the symbol's assumptions exclude the value
    if value.is_finite and not isinstance(equal, sp.logic.boolalg.BooleanAtom):
        return equal
    return Tends(symbol, value)


def no_closed_form_step(solution: Solution) -> Step:
    """Says that, and why, the estimate is not in closed form: never a fake result."""
    lines = tuple(sp.Eq(e.score, 0) for e in solution.equations)
    words = (
        f"No closed form. {solution.note[:1].upper()}{solution.note[1:]} (by the numeric "
        "estimator, which maximises the objective with its score and Hessian).",
    )
    return Step("no-closed-form", "No closed form", lines, words, DEFINITION)


def result_step(
    method: str,
    results: tuple[sp.Eq, ...],
    definitions: Mapping[sp.Symbol, sp.Expr],
    solution: Solution,
    problem: Problem,
    rng: np.random.Generator,
) -> Step:
    residual = sp.Add(
        *(sp.Abs(normalize(e.score.xreplace(solution.estimates))) for e in solution.equations)
    )
    check = vanishes(residual, problem, rng, "the joint stationary point")
    lines = (*results, *(sp.Eq(s, d) for s, d in definitions.items()))
    several = len(results) > 1
    objective = "log-posterior" if problem.is_map else "log-likelihood"
    words = (
        f"The {method}: the stationary point of the {objective}"
        f"{', where every score vanishes at once' if several else ''}, which the "
        "second-order check shows is a maximum.",
    )
    return Step("result", "Result", lines, words, check)
