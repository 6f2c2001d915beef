"""The pipeline: model → likelihood → log → Σ-rules → score → solve → second order → result.

Every step is verified before it is recorded (see :mod:`mlemap.engine.verify`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import lru_cache

import numpy as np
import sympy as sp

from ..catalog import MATRIX_MODELS, MODELS, PRIORS
from ..catalog.model import Model
from ..catalog.symbols import hat, i, n
from ..errors import UnknownNameError, UnsupportedModelError
from . import steps as steps_
from .boundary import (
    boundary_derivation,
    feasible_opening,
    feasible_set,
    inside_feasible_set,
    numeric_inside_step,
    split_bounds,
)
from .conjugacy import Posterior, recognise
from .curvature import second_order
from .derivation import Derivation, Record
from .display import signs_outside
from .inference import bias_steps, efficiency_steps, information_step
from .lagrange import equality_constraint, lagrange_derivation
from .limits import TimeLimitExceeded, time_limit
from .notation import to_text
from .posterior import posterior_summary_step
from .prior_kink import find_prior_kink, prior_kink_derivation
from .problem import Problem
from .request import PriorSpec, bound_priors, catalog_key, catalog_problem, with_estimated
from .scope import check_in_scope
from .solve import Solution, stationary_points
from .subgradient import Kink, find_kink, subgradient_derivation
from .sums import collect_parameters, normalize
from .verify import SEED

__all__ = ["derive"]

#: The CPU time a model from outside the catalog may take to derive, on any thread (CPU
#: time, so that a loaded machine does not refuse a model it would derive).
USER_MODEL_SECONDS = 8.0


# -- resolving what the user asked for -------------------------------------------------------
def derive(
    model: str | Model,
    prior: PriorSpec = None,
    estimate: str | Iterable[str] | None = None,
    *,
    inference: bool = True,
) -> Record:
    """Derive the MLE (no prior) or the MAP estimator (with a prior), step by step.

    ``model`` is a catalog name (see :func:`mlemap.models`) or an :class:`mlemap.Model`;
    ``prior`` is a prior name for the single estimated parameter, or a dict from parameter
    name to prior name; ``estimate`` names the parameters to estimate (the others are known).
    ``"linear_regression"`` (prior None, ``"normal"`` or ``"laplace"``) is derived by matrix
    calculus and gives a :class:`~mlemap.regression.record.RegressionDerivation`; both are
    records (:class:`~mlemap.engine.derivation.Record`). ``inference=False`` leaves out an
    MLE's Fisher information, standard errors, bias and efficiency (what checking a claim
    does not use); every step it does give is the same as in the full derivation.
    """
    if isinstance(model, str) and model in MATRIX_MODELS:
        if isinstance(prior, Mapping):
            prior = tuple(sorted(prior.items()))
        if estimate is not None and not isinstance(estimate, str):
            estimate = tuple(estimate)
        return _derive_matrix(model, prior, estimate)
    if isinstance(model, str) and model not in MODELS:
        raise UnknownNameError("model", model, [*MODELS.names(), *MATRIX_MODELS.names()])
    key = catalog_key(model, prior, estimate)
    if key is not None:
        return _derive_catalog(key, inference)
    resolved = with_estimated(MODELS.resolve(model), estimate)
    return _within_budget(Problem(resolved, bound_priors(resolved, prior)), inference)


def _within_budget(problem: Problem, inference: bool = True) -> Derivation:
    """A model from outside the catalog, derived in at most :data:`USER_MODEL_SECONDS`: its
    steps may defeat SymPy (a quartic's score has a cubic root whose check never ends)."""
    started = time.thread_time()
    try:
        with time_limit(USER_MODEL_SECONDS, cpu=True):
            return derive_problem(problem, inference)
    except (TimeLimitExceeded, UnsupportedModelError) as error:
        if isinstance(error, UnsupportedModelError) and (
            time.thread_time() - started < USER_MODEL_SECONDS
        ):
            raise
        raise UnsupportedModelError(
            f"deriving model {problem.model.name!r} took over {USER_MODEL_SECONDS:g} s, and "
            "mlemap shows no step it has not verified: its steps are out of reach of the "
            "engine's exact checks in that time"
        ) from None


#: Catalog derivations by request, with and without inference. Derivations are immutable and
#: deterministic, so one per request is enough: a MAP derivation asks for its MLE, a handout
#: may list a model twice. The catalog is finite, and so are these.
_DERIVED: dict[tuple, Derivation] = {}
_PIPELINES: dict[tuple, tuple[Derivation, bool, dict]] = {}


def _derive_catalog(key: tuple, inference: bool) -> Derivation:
    """A catalog request, with inference or without; a full derivation serves both."""
    for wanted in (True, False) if not inference else (True,):
        if (key, wanted) in _DERIVED:
            return _DERIVED[key, wanted]
    derivation, more, state = _catalog_pipeline(key)
    if inference and more:
        rng = np.random.default_rng()
        rng.bit_generator.state = state  # where the pipeline left it: output as before
        derivation = _with_inference(derivation, rng)
    _DERIVED[key, inference] = _presented(derivation)
    return _DERIVED[key, inference]


def _catalog_pipeline(key: tuple) -> tuple[Derivation, bool, dict]:
    """The pipeline up to inference for a catalog request, whether inference follows, and
    the generator's state then."""
    if key not in _PIPELINES:
        rng = np.random.default_rng(SEED)
        derivation, more = _stages(catalog_problem(key), rng)
        _PIPELINES[key] = derivation, more, rng.bit_generator.state
    return _PIPELINES[key]


@lru_cache(maxsize=16)
def _derive_matrix(model: str, prior: object, estimate: object) -> Record:
    """A model of the matrix catalog (linear regression), derived by matrix calculus."""
    prior = dict(prior) if isinstance(prior, tuple) else prior
    return MATRIX_MODELS.get(model).derive(prior, estimate)


# -- the pipeline ----------------------------------------------------------------------------
def derive_problem(problem: Problem, inference: bool = True) -> Derivation:
    """Run the whole pipeline on an assembled problem (an MLE goes on to its Fisher
    information and bias unless ``inference`` is False)."""
    return _presented(_pipeline(problem, inference))


def _pipeline(problem: Problem, inference: bool = True) -> Derivation:
    rng = np.random.default_rng(SEED)
    derivation, more = _stages(problem, rng)
    return _with_inference(derivation, rng) if inference and more else derivation


def _stages(problem: Problem, rng: np.random.Generator) -> tuple[Derivation, bool]:
    """Every stage up to inference, drawing the random checks from ``rng``; and whether
    inference follows (an MLE in closed form, inside its domain)."""
    check_in_scope(problem)
    bounds = feasible_set(problem)
    constraint = equality_constraint(problem)  # refused before any step where out of reach
    parameters = problem.parameters
    density = problem.model.observation_density()
    declared = problem.model.declared_density()  # shown as written: 1/√(2πσ²), not √2/(2√π√σ²)
    steps = [steps_.model_step(problem, density, rng)]
    if problem.is_map:
        steps.append(steps_.prior_step(problem))
    likelihood = sp.Product(declared, (i, 1, n))
    steps.append(steps_.likelihood_step(problem, likelihood))
    log_sum = sp.Sum(sp.log(declared), (i, 1, n))
    log_likelihood = problem.log_likelihood
    steps.append(steps_.log_likelihood_step(problem, likelihood, log_sum, log_likelihood, rng))
    inside: tuple = ()
    if bounds:
        ends, inside = split_bounds(problem, bounds, log_likelihood)
        if ends:
            return _derive_boundary(problem, bounds, steps, log_likelihood, rng), False
        steps = feasible_opening(problem, inside, steps, rng)
    kink = find_kink(problem, log_likelihood)
    if kink is not None:
        return _derive_kink(problem, kink, steps, log_likelihood, rng), False
    objective = log_likelihood
    if problem.is_map:
        log_prior = problem.log_prior
        prior_kink = find_prior_kink(problem, log_likelihood, log_prior)
        objective = collect_parameters(normalize(log_likelihood + log_prior), parameters)
        steps.append(
            steps_.log_posterior_step(
                problem, likelihood, log_likelihood, log_prior, objective, rng
            )
        )
        if prior_kink is not None:
            found = prior_kink_derivation(
                problem, prior_kink, steps, objective, _assumptions(problem), rng
            )
            return found, False
    if constraint is not None:
        found = lagrange_derivation(
            problem, constraint, steps, objective, _assumptions(problem), rng
        )
        if not problem.is_map:
            return found, False
        *body, result = found.steps
        more, posterior, mle = _bayes(problem, objective, found.solution, rng)
        return replace(found, steps=(*body, *more, result), posterior=posterior, mle=mle), False
    solution = stationary_points(objective, problem, rng)
    if inside:
        solution = inside_feasible_set(problem, inside, solution)
    steps.append(steps_.score_step(objective, solution, problem, rng))
    steps += steps_.stationarity_steps(solution, problem, rng)
    assumptions = _assumptions(problem)
    curvature = None
    if solution.closed_form:
        scores = [e.score for e in solution.equations]
        curvature = second_order(objective, solution.estimates, scores, problem, rng)
        steps.append(steps_.second_order_step(curvature, problem))
        assumptions += ("the estimate lies in the interior of its domain",)
        assumptions += tuple(to_text(c) for c in curvature.conditions)
    posterior, mle = None, {}
    if problem.is_map:
        more, posterior, mle = _bayes(problem, objective, solution, rng)
        steps += more
    derivation = Derivation(
        problem, objective, tuple(steps), solution, curvature, posterior, mle, assumptions
    )
    if not solution.closed_form:
        unsolved = (
            numeric_inside_step(inside, solution)
            if inside
            else steps_.no_closed_form_step(solution)
        )
        return replace(derivation, steps=(*derivation.steps, unsolved)), False
    result = steps_.result_step(
        derivation.method, derivation.results, derivation.statistics, solution, problem, rng
    )
    return replace(derivation, steps=(*derivation.steps, result)), not problem.is_map


def _bayes(
    problem: Problem, objective: sp.Expr, solution: Solution, rng: np.random.Generator
) -> tuple[list, Posterior | None, dict]:
    """A MAP derivation's further steps: the posterior recognised by its kernel (with its
    mean, mode and variance), and the flat-prior limit against the MLE derived without it."""
    steps: list = []
    families = [b.prior for b in problem.priors.values()]
    families += [p for p in PRIORS if p not in families]
    posterior = recognise(objective, problem, families)
    if posterior is not None:
        steps.append(steps_.posterior_step(posterior, problem))
        summary = None
        if solution.closed_form and posterior.parameter in solution.estimates:
            estimate = solution.estimates[posterior.parameter]
            summary = posterior_summary_step(posterior, estimate, problem, rng)
        if summary is not None:
            steps.append(summary)
    model = problem.model
    catalog = MODELS.get(model.name) if model.name in MODELS else None
    without_prior = (
        derive(model.name, estimate=[p.name for p in model.estimated], inference=False)
        if catalog is not None and catalog == replace(model, known=frozenset())
        else derive_problem(Problem(model, {}), False)
    )
    mle = without_prior.estimates
    if solution.closed_form and without_prior.closed_form:
        flat = steps_.flat_prior_step(solution, mle, problem, rng)
        if flat is not None:
            steps.append(flat)
    return steps, posterior, mle


def _derive_boundary(
    problem: Problem,
    bounds: tuple,
    opening: list,
    log_likelihood: sp.Expr,
    rng: np.random.Generator,
) -> Derivation:
    """A support held by parameters: their boundary estimates, then the rest as if known."""
    model = problem.model
    held = {str(b.parameter) for b in bounds}
    inner = None
    if len(held) < len(problem.parameters):
        inner = derive_problem(Problem(model.with_known(model.known | held), {}), False)
    assumptions = (*_assumptions(problem), "the ends of the support are taken as closed")
    return boundary_derivation(problem, bounds, opening, log_likelihood, inner, assumptions, rng)


def _derive_kink(
    problem: Problem, kink: Kink, opening: list, log_likelihood: sp.Expr, rng: np.random.Generator
) -> Derivation:
    """A kink at every observation: the location by the subgradient condition, then the
    rest as if it were known."""
    model = problem.model
    inner = None
    if len(problem.parameters) > 1:
        known = model.known | {str(kink.parameter)}
        inner = derive_problem(Problem(model.with_known(known), {}), False)
    return subgradient_derivation(
        problem, kink, opening, log_likelihood, inner, _assumptions(problem), rng
    )


def _with_inference(derivation: Derivation, rng: np.random.Generator) -> Derivation:
    """The MLE's Fisher information, standard errors, exact bias and efficiency, as further
    steps."""
    problem = derivation.problem
    at_estimate = derivation.curvature.at_estimate if derivation.curvature else None
    found = information_step(problem, at_estimate, rng)
    steps, information = list(derivation.steps), None
    if found is not None:
        step, information = found
        steps.append(step)
    more, biases = bias_steps(problem, derivation.estimates, rng)
    last, efficiencies = efficiency_steps(problem, derivation.estimates, biases, information, rng)
    return replace(
        derivation,
        steps=(*steps, *more, *last),
        information=information,
        biases=biases,
        efficiencies=efficiencies,
    )


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


def _presented(derivation: Derivation) -> Derivation:
    """Every step with its factors' signs outside (:func:`.display.signs_outside`):
    1/(θ(1 − θ)), not −1/(θ(θ − 1)); each rewritten line kept only where it is exactly the
    line it replaces, and the model's densities as they were declared."""
    problem = derivation.problem
    proof = {}
    for symbol in problem.declarations:
        domain = problem.domain(symbol)
        proof[symbol] = domain.proof_form(symbol)[0]
        proof[hat(symbol)] = domain.proof_form(hat(symbol))[0]

    declared = [problem.model.declared_density(), problem.model.observation_density()]
    declared += [b.density() for b in problem.priors.values()]

    def rewritten(obj: object, form: Callable = signs_outside) -> object:
        if not isinstance(obj, sp.Basic):
            return obj
        if any(obj.has(d) for d in declared):
            return obj  # a density stays as it was declared
        new = form(obj, proof)
        return new if new != obj and _same(new, obj) else obj

    steps = tuple(
        replace(
            step,
            # Signs only: the lines' terms stay as the engine wrote them, since the checker
            # and the numeric method show these same equations.
            lines=tuple(rewritten(line) for line in step.lines),
            words=tuple(rewritten(w) for w in step.words),
            problem=problem,
        )
        for step in derivation.steps
    )
    return replace(derivation, steps=steps)


def _same(a: sp.Basic, b: sp.Basic) -> bool:
    """Exactly equal as rational functions of their atoms (sums and functions held whole)."""
    if isinstance(a, sp.core.relational.Relational):
        return type(a) is type(b) and _same(a.lhs, b.lhs) and _same(a.rhs, b.rhs)
    if isinstance(a, sp.MatrixBase):
        return a.shape == b.shape and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return sp.cancel(sp.together(a - b)) == 0
