"""Which priors ``derive`` takes on a parameter: the checks the pipeline makes before its
first step, run without deriving, so that a listing of the catalog tells the truth."""

from __future__ import annotations

from collections.abc import Iterator

import sympy as sp

from ..catalog import PRIORS
from ..catalog.model import Model, Parameter, Prior
from ..errors import MlemapError
from .boundary import feasible_set
from .lagrange import equality_constraint
from .prior_kink import find_prior_kink
from .problem import BoundPrior, Problem
from .scope import check_in_scope
from .subgradient import find_kink

__all__ = ["fitting_priors", "screen"]


def screen(problem: Problem) -> None:
    """Raise the error the pipeline raises before its first step where ``problem`` is out of
    its reach (a feature no method derives, a prior its method does not take)."""
    check_in_scope(problem)
    feasible_set(problem)
    equality_constraint(problem)
    density = problem.model.observation_density()
    kinked = any(b.prior.kinked for b in problem.priors.values())
    if not density.has(sp.Abs) and not kinked:
        return  # no kink: the log-likelihood is not needed
    find_kink(problem, problem.log_likelihood)
    find_prior_kink(problem, problem.log_likelihood, problem.log_prior)


def _taken(model: Model, parameter: Parameter, prior: Prior) -> bool:
    if not prior.fits(parameter):
        return False
    bound = BoundPrior(prior, parameter, prior.hyperparameters)
    try:
        screen(Problem(model, {parameter.symbol: bound}))
    except MlemapError:
        return False
    return True


def fitting_priors(model: Model, parameter: Parameter, alone: bool = False) -> Iterator[Prior]:
    """The catalog's priors ``derive`` takes on ``parameter`` of ``model``: with every
    parameter estimated, or (``alone``) with the others known."""
    if alone:
        model = model.with_known(p.name for p in model.parameters if p != parameter)
    return (prior for prior in PRIORS if _taken(model, parameter, prior))
