"""The pipeline: model → likelihood → log → Σ-rules → score → solve → second order → result.

Every step is verified before it is recorded (see :mod:`mlemap.verify`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import sympy as sp

from .catalog import MODELS, PRIORS
from .conjugacy import recognise
from .curvature import second_order
from .derivation import Derivation, Step
from .display import tidy
from .errors import DomainError, MlemapError, UnknownNameError
from .model import Model, Parameter, Prior
from .problem import BoundPrior, Problem
from .solve import Solution, StationaryEquation, denominator_sign, stationary_points
from .sums import collect_parameters, normalize
from .symbols import hat, i, n
from .verify import DEFINITION, Check, equivalent, vanishes

__all__ = ["derive"]

#: Fixed seed: the engine's random checks, and so its output, are reproducible.
SEED = 20_261_125

L = sp.Function("L")
ELL = sp.Function("ell")
P = sp.Function("p")

PriorSpec = str | Prior | Mapping[str, str | Prior] | None


# -- resolving what the user asked for -------------------------------------------------------
def _model(model: str | Model) -> Model:
    if isinstance(model, Model):
        return model
    if isinstance(model, str):
        return MODELS.get(model)
    raise MlemapError(
        f"model must be a catalog name ({', '.join(MODELS.names())}) or an mlemap.Model, "
        f"not {type(model).__name__}"
    )


def _estimated(model: Model, estimate: str | Iterable[str] | None) -> Model:
    if estimate is None:
        return model
    names = [estimate] if isinstance(estimate, str) else list(estimate)
    if not names:
        raise MlemapError(
            f"estimate names no parameter; model {model.name!r} has {model.parameter_names}"
        )
    for name in names:
        if name not in model.parameter_names:
            raise UnknownNameError(
                "parameter", name, model.parameter_names, f"to estimate in model {model.name!r}"
            )
    return model.with_known(set(model.parameter_names) - set(names))


def _prior(spec: str | Prior) -> Prior:
    if isinstance(spec, Prior):
        return spec
    if isinstance(spec, str):
        return PRIORS.get(spec)
    raise MlemapError(
        f"a prior must be a catalog name ({', '.join(PRIORS.names())}) or an mlemap.Prior, "
        f"not {type(spec).__name__}"
    )


def _priors(model: Model, spec: PriorSpec) -> dict[sp.Symbol, BoundPrior]:
    if spec is None:
        return {}
    estimated = {p.name: p for p in model.estimated}
    if isinstance(spec, str | Prior):
        if len(estimated) != 1:
            raise MlemapError(
                f"a prior given as one name applies to a model's single estimated parameter, "
                f"but model {model.name!r} estimates {', '.join(estimated)}; name the parameter: "
                f"prior={{{next(iter(estimated))!r}: ...}}"
            )
        spec = {next(iter(estimated)): spec}
    if not isinstance(spec, Mapping):
        raise MlemapError(
            f"prior must be a name, an mlemap.Prior, or a dict from parameter name to one; "
            f"got {type(spec).__name__}"
        )
    taken = {
        *(p.name for p in (*model.parameters, *model.constants)),
        *model.statistics,
        model.data,
        "n",
        "i",
    }
    bound: dict[sp.Symbol, BoundPrior] = {}
    for name, entry in spec.items():
        if name not in estimated:
            if name in model.parameter_names:
                raise MlemapError(
                    f"parameter {name!r} of model {model.name!r} is known (not estimated), so it "
                    f"takes no prior; estimated parameters: {', '.join(estimated)}"
                )
            raise UnknownNameError(
                "parameter", name, estimated, f"for a prior in model {model.name!r}"
            )
        prior = _prior(entry)
        parameter = estimated[name]
        if not prior.fits(parameter):
            fitting = [p.name for p in PRIORS if p.fits(parameter)]
            try:
                prior.check_fits(parameter, model.name)
            except DomainError as error:
                raise DomainError(f"{error}; priors that fit: {', '.join(fitting)}") from None
        hypers = []
        for h in prior.hyperparameters:
            renamed = h
            if h.name in taken:
                for candidate in (f"{h.name}0", f"{h.name}_{name}"):
                    if candidate not in taken:
                        renamed = Parameter(candidate, h.domain, f"{h.latex}_{{0}}", h.description)
                        break
            taken.add(renamed.name)
            hypers.append(renamed)
        bound[parameter.symbol] = BoundPrior(prior, parameter, tuple(hypers))
    return bound


def derive(
    model: str | Model,
    prior: PriorSpec = None,
    estimate: str | Iterable[str] | None = None,
) -> Derivation:
    """Derive the MLE (no prior) or the MAP estimator (with a prior), step by step.

    ``model`` is a catalog name (see :func:`mlemap.models`) or an :class:`mlemap.Model`;
    ``prior`` is a prior name for the single estimated parameter, or a dict from parameter
    name to prior name; ``estimate`` names the parameters to estimate (the others are known).
    """
    resolved = _estimated(_model(model), estimate)
    return derive_problem(Problem(resolved, _priors(resolved, prior)))


# -- the pipeline ----------------------------------------------------------------------------
def derive_problem(problem: Problem) -> Derivation:
    """Run the whole pipeline on an assembled problem."""
    rng = np.random.default_rng(SEED)
    model, parameters = problem.model, problem.parameters
    x_i = model.x[i]
    density = model.observation_density()
    steps = [_model_step(problem, density)]
    if problem.is_map:
        steps.append(_prior_step(problem))
    likelihood = sp.Product(density, (i, 1, n))
    steps.append(
        Step(
            "likelihood",
            "Likelihood",
            (sp.Eq(L(*parameters), likelihood, evaluate=False),),
            "Why a product? The observations are independent, so the probability of all of them "
            "is the product of the probability of each.",
            DEFINITION,
        )
    )
    log_sum = sp.Sum(sp.log(density), (i, 1, n))
    log_likelihood = collect_parameters(normalize(log_sum), parameters)
    steps.append(
        Step(
            "log-likelihood",
            "Log-likelihood",
            (
                sp.Eq(ELL(*parameters), log_sum, evaluate=False),
                sp.Eq(ELL(*parameters), log_likelihood, evaluate=False),
            ),
            "log is monotonic, so maximising log L maximises L; the log turns the product into "
            "a sum. Constant factors come out of the sum and the data enter only through sums "
            "of the data (sufficient statistics).",
            _chain(sp.log(likelihood), [log_sum, log_likelihood], problem, rng, "log-likelihood"),
        )
    )
    objective = log_likelihood
    if problem.is_map:
        objective, step = _log_posterior_step(problem, likelihood, log_likelihood, rng)
        steps.append(step)
    solution = stationary_points(objective, problem, rng)
    steps += _score_steps(objective, solution, problem, rng)
    steps += _stationarity_steps(solution, problem, rng)
    assumptions = _assumptions(problem)
    curvature = None
    if solution.closed_form:
        scores = [e.score for e in solution.equations]
        curvature = second_order(objective, solution.estimates, scores, problem, rng)
        steps.append(_second_order_step(curvature, problem))
        assumptions += ("the estimate lies in the interior of its domain",)
        assumptions += tuple(str(c) for c in curvature.conditions)
    posterior = mle = None
    if problem.is_map:
        families = [b.prior for b in problem.priors.values()]
        families += [p for p in PRIORS if p not in families]
        posterior = recognise(objective, problem, families)
        if posterior is not None:
            steps.append(_posterior_step(posterior, problem))
        mle_derivation = derive_problem(Problem(model, {}))
        mle = mle_derivation.estimates
        if solution.closed_form and mle_derivation.closed_form:
            steps += _flat_prior_steps(solution, mle, problem, rng)
    derivation = Derivation(
        problem, objective, tuple(steps), solution, curvature, posterior, mle or {}, assumptions
    )
    if solution.closed_form:
        derivation = _with_result(derivation, rng)
    del x_i
    return derivation


def _chain(
    start: sp.Expr, forms: list[sp.Expr], problem: Problem, rng: np.random.Generator, what: str
) -> Check:
    """Verify start = forms[0] = forms[1] = …; report the weakest method used."""
    checks = []
    previous = start
    for form in forms:
        checks.append(equivalent(previous, form, problem, rng, what))
        previous = form
    numeric = [c for c in checks if c.method == "numeric"]
    return numeric[0] if numeric else checks[-1]


def _model_step(problem: Problem, density: sp.Expr) -> Step:
    model = problem.model
    parameters = problem.parameters
    known = ", ".join(p.name for p in model.fixed)
    text = (
        f"{model.description[:1].upper()}{model.description[1:]}. Each observation "
        f"{model.data}_i lies in {model.support.describe()}; "
        + "; ".join(f"{p.name} ∈ {p.domain.describe()}" for p in model.estimated)
        + (f"; known: {known}" if known else "")
        + "."
    )
    return Step(
        "model",
        "Model",
        (sp.Eq(P(model.x[i], *parameters), density, evaluate=False),),
        text,
        DEFINITION,
    )


def _prior_step(problem: Problem) -> Step:
    lines, texts = [], []
    for parameter, bound in problem.priors.items():
        lines.append(sp.Eq(P(parameter), bound.density(), evaluate=False))
        texts.append(
            f"{parameter} ~ {bound.family_text()}: {bound.prior.description}"
            if bound.hyperparameters
            else f"a flat prior on {parameter}: p({parameter}) is constant"
        )
    flat = [str(p) for p in problem.parameters if p not in problem.priors]
    if flat:
        texts.append(f"no prior on {', '.join(flat)} (flat)")
    return Step("prior", "Prior", tuple(lines), "; ".join(texts) + ".", DEFINITION)


def _log_prior(problem: Problem) -> sp.Expr:
    return sp.Add(
        *(sp.expand_log(sp.log(b.density()), force=True) for b in problem.priors.values())
    )


def _log_posterior_step(
    problem: Problem, likelihood: sp.Expr, log_likelihood: sp.Expr, rng: np.random.Generator
) -> tuple[sp.Expr, Step]:
    parameters = problem.parameters
    log_prior = _log_prior(problem)
    objective = collect_parameters(normalize(log_likelihood + log_prior), parameters)
    priors = sp.Mul(*(P(p) for p in problem.priors))
    check = _chain(
        sp.log(likelihood * sp.Mul(*(b.density() for b in problem.priors.values()))),
        [log_likelihood + log_prior, objective],
        problem,
        rng,
        "log-posterior",
    )
    step = Step(
        "log-posterior",
        "Log-posterior",
        (
            sp.Eq(sp.Symbol("Q"), ELL(*parameters) + sp.log(priors), evaluate=False),
            sp.Eq(sp.Symbol("Q"), objective, evaluate=False),
        ),
        "Bayes: p(θ | data) = p(data | θ) p(θ) / p(data), and p(data) does not depend on θ, so "
        "the posterior is proportional to likelihood × prior and its log is "
        "Q = log L + log p(θ), up to the constant −log p(data).",
        check,
    )
    return objective, step


def _score_steps(
    objective: sp.Expr, solution: Solution, problem: Problem, rng: np.random.Generator
) -> list[Step]:
    lines, checks = [], []
    for equation in solution.equations:
        p = equation.parameter
        lines.append(
            sp.Eq(sp.Derivative(ELL(*problem.parameters), p), equation.score, evaluate=False)
        )
        checks.append(
            equivalent(sp.diff(objective, p), equation.score, problem, rng, f"the score in {p}")
        )
    kind = "gradient" if len(lines) > 1 else "derivative"
    return [
        Step(
            "score",
            "Score",
            tuple(lines),
            f"Differentiate with respect to the parameter{'s' if len(lines) > 1 else ''} (the "
            f"{kind} is the score); sums of data are constants here.",
            next((c for c in checks if c.method == "numeric"), checks[0]),
        )
    ]


def _stationarity_steps(
    solution: Solution, problem: Problem, rng: np.random.Generator
) -> list[Step]:
    steps = []
    order = solution.order or tuple(e.parameter for e in solution.equations)
    by_parameter = {e.parameter: e for e in solution.equations}
    for p in order:
        equation = by_parameter[p]
        steps.append(_stationarity_step(equation, problem, rng, solution))
    return steps


def _stationarity_step(
    equation: StationaryEquation, problem: Problem, rng: np.random.Generator, solution: Solution
) -> Step:
    p = equation.parameter
    lines: list[sp.Basic] = [sp.Eq(equation.score, 0)]
    text = [f"Set the score in {p} to zero."]
    cleared_check = None
    if equation.cleared and equation.denominator != 1:
        s = denominator_sign(equation, problem)
        if s is not None:
            lines += [sp.Eq(c, 0) for c in dict.fromkeys(equation.cleared)]
            text.append(
                f"Multiply by {equation.denominator}, which is "
                f"{'positive' if s > 0 else 'negative'} (so non-zero) on the domain."
            )
            cleared_check = equivalent(
                equation.score * equation.denominator,
                equation.cleared[-1],
                problem,
                rng,
                f"clearing denominators in the equation for {p}",
            )
    value = equation.value if solution.method != "solving the equations jointly" else None
    if value is None and solution.closed_form:
        value = solution.estimates[p]
    if value is not None:
        lines.append(sp.Eq(p, value))
        others = value.free_symbols & set(problem.parameters)
        if others:
            text.append(
                f"The root depends on {', '.join(map(str, sorted(others, key=str)))}, "
                "which is replaced by its own estimate."
            )
        for root in equation.roots:
            verdict = "kept" if root.accepted else "rejected"
            text.append(f"Root {p} = {root.value}: {root.reason}; {verdict}.")
        check = vanishes(
            equation.score.xreplace({p: value}), problem, rng, f"the root of the equation for {p}"
        )
    else:
        text.append(solution.note or f"SymPy finds no closed form for {p}.")
        check = cleared_check or DEFINITION
    if cleared_check is not None and cleared_check.method == "numeric":
        check = cleared_check if check.method != "numeric" else check
    return Step("stationarity", f"Stationarity in {p}", tuple(lines), " ".join(text), check)


def _second_order_step(curvature, problem: Problem) -> Step:
    parameters = problem.parameters
    one = len(parameters) == 1
    hats = {p: hat(p) for p in parameters}
    lines: list[sp.Basic] = []
    if one:
        second = sp.Derivative(ELL(*parameters), (parameters[0], 2))
        lines.append(sp.Eq(second, curvature.hessian[0, 0], evaluate=False))
        if curvature.at_estimate is not None:
            lines.append(sp.Eq(second.xreplace(hats), curvature.at_estimate[0, 0], evaluate=False))
    else:
        lines.append(sp.Eq(sp.Symbol("H"), curvature.hessian, evaluate=False))
        if curvature.at_estimate is not None:
            lines.append(sp.Eq(sp.Symbol("H_hat"), curvature.at_estimate, evaluate=False))
    text = (
        "The stationary point is a maximum when the second derivative there is negative"
        if one
        else "The stationary point is a maximum when the Hessian there is negative definite "
        "(its leading principal minors alternate in sign, starting negative)"
    )
    text += "; written in terms of the estimate, assuming it lies inside the parameter's domain."
    if curvature.conditions:
        text += " This holds provided " + " and ".join(map(str, curvature.conditions)) + "."
    if not curvature.proved:
        text += " SymPy could not prove the sign, so it was checked numerically."
    return Step("second-order", "Second-order check", tuple(lines), text, curvature.check)


def _posterior_step(posterior, problem: Problem) -> Step:
    p = posterior.parameter
    bound = problem.priors.get(p)
    conjugate = bound is not None and bound.prior is posterior.prior
    text = (
        f"log p({p} | data) differs from the log-density of {posterior} by a constant in "
        f"{p}, so the posterior is {posterior}."
    )
    if conjugate:
        text += f" The {posterior.family} prior is conjugate to this likelihood."
    line = sp.Eq(P(p), sp.Function(posterior.family)(*posterior.hyperparameters), evaluate=False)
    return Step("posterior", "Posterior distribution", (line,), text, posterior.check)


def _flat_prior_steps(
    solution: Solution,
    mle: Mapping[sp.Symbol, sp.Expr],
    problem: Problem,
    rng: np.random.Generator,
) -> list[Step]:
    lines, texts, checks = [], [], []
    for p, bound in problem.priors.items():
        values = bound.flat_values()
        if bound.hyperparameters and not values:
            continue
        estimate = solution.estimates[p]
        for symbol, value in values.items():
            estimate = _at(estimate, symbol, value)
        estimate = tidy(normalize(sp.simplify(estimate)))
        lines.append(sp.Eq(hat(p), estimate))
        checks.append(
            equivalent(
                estimate, mle[p], problem, rng, f"the flat-prior limit of the MAP estimate of {p}"
            )
        )
        if bound.hyperparameters:
            at = ", ".join(
                f"{s} → {v}" if not v.is_finite else f"{s} = {v}" for s, v in values.items()
            )
            texts.append(
                f"With {at} the {bound.prior.family} prior is flat and the MAP "
                f"estimate of {p} reduces to the MLE."
            )
        else:
            texts.append(
                f"With a flat prior, log p({p}) is a constant, so the log-posterior is "
                f"the log-likelihood plus a constant and the MAP estimate of {p} is the "
                f"MLE."
            )
    if not lines:
        return []
    check = next((c for c in checks if c.method == "numeric"), checks[0])
    return [Step("flat-prior", "Flat prior: MAP = MLE", tuple(lines), " ".join(texts), check)]


def _at(expr: sp.Expr, symbol: sp.Symbol, value: sp.Expr) -> sp.Expr:
    """``expr`` at ``symbol = value``, as a limit where plain substitution is undefined
    (τ² → ∞, or β → 0 where β divides)."""
    substituted = expr.subs(symbol, value)
    if substituted.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return sp.limit(expr, symbol, value)
    return substituted


def _assumptions(problem: Problem) -> tuple[str, ...]:
    model = problem.model
    found = [
        f"{model.data}_1, …, {model.data}_n are independent, each in {model.support.describe()}"
    ]
    found += [f"{p.name} ∈ {p.domain.describe()}" for p in model.estimated]
    found += [f"{p.name} is known, in {p.domain.describe()}" for p in model.fixed]
    for bound in problem.priors.values():
        found += [f"{h.name} ∈ {h.domain.describe()}" for h in bound.hyperparameters]
    return tuple(found)


def _with_result(derivation: Derivation, rng: np.random.Generator) -> Derivation:
    problem = derivation.problem
    estimates = derivation.estimates
    residual = sp.Add(
        *(sp.Abs(normalize(e.score.xreplace(estimates))) for e in derivation.solution.equations)
    )
    check = vanishes(residual, problem, rng, "the joint stationary point")
    definitions = [sp.Eq(s, d) for s, d in derivation.statistics.items()]
    lines = (*derivation.results, *definitions)
    text = f"The {derivation.method} estimate" + ("s" if len(derivation.results) > 1 else "")
    text += " (every score vanishes here at once)."
    step = Step("result", "Result", lines, text, check)
    return Derivation(
        problem,
        derivation.objective,
        (*derivation.steps, step),
        derivation.solution,
        derivation.curvature,
        derivation.posterior,
        derivation.mle,
        derivation.assumptions,
    )
