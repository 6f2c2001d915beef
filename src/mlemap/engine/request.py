"""A derivation request resolved: the model with its estimated parameters, its priors
bound to them, and a key for a request made of catalog names alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy as sp

from ..catalog import MODELS, PRIORS
from ..catalog.model import Model, Parameter, Prior
from ..errors import DomainError, MlemapError, UnknownNameError
from .problem import BoundPrior, Problem

__all__ = [
    "PriorSpec",
    "bound_priors",
    "catalog_key",
    "catalog_problem",
    "with_estimated",
]

PriorSpec = str | Prior | Mapping[str, str | Prior] | None


def with_estimated(model: Model, estimate: str | Iterable[str] | None) -> Model:
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


def bound_priors(model: Model, spec: PriorSpec) -> dict[sp.Symbol, BoundPrior]:
    if spec is None:
        return {}
    estimated = {p.name: p for p in model.estimated}
    if isinstance(spec, str | Prior):
        # a joint prior (Dirichlet) covers every estimated parameter
        if len(estimated) != 1 and PRIORS.resolve(spec).over == 1:
            raise MlemapError(
                f"a prior given as one name applies to a model's single estimated parameter, "
                f"but model {model.name!r} estimates {', '.join(estimated)}; name the parameter "
                f"(prior={{{next(iter(estimated))!r}: ...}} in Python, "
                f"--prior {next(iter(estimated))}=PRIOR on the command line)"
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
        prior = PRIORS.resolve(entry)
        parameter = estimated[name]
        jointly = _jointly(model, prior, parameter, len(spec))
        if not jointly and not prior.fits(parameter):
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
        bound[parameter.symbol] = BoundPrior(prior, parameter, tuple(hypers), jointly)
    return bound


def _jointly(model: Model, prior: Prior, parameter: Parameter, given: int) -> tuple:
    """The other parameters a joint prior covers: every estimated one, which must lie on the
    simplex the model declares (a Dirichlet density is one only there)."""
    if prior.over == 1:
        return ()
    estimated = model.estimated
    symbols = [p.symbol for p in estimated]
    simplex = sp.Eq(sp.Add(*symbols), 1)
    if (
        len(estimated) != prior.over
        or given != 1
        or not any(
            isinstance(r, sp.Equality) and sp.expand(r.lhs - r.rhs - simplex.lhs + 1) == 0
            for r in model.constraint_relations()
        )
    ):
        raise DomainError(
            f"a {prior.name} prior is a joint density of {prior.over} parameters on the "
            f"simplex (their sum is 1), given alone; model {model.name!r} estimates "
            f"{', '.join(p.name for p in estimated)}"
            + ("" if model.constraints else " and declares no constraint on them")
        )
    if not prior.fits_all(estimated):
        assert prior.domain is not None
        domains = ", ".join(f"{p.name} ∈ {p.domain.describe()}" for p in estimated)
        raise DomainError(
            f"a {prior.name} prior lives on {prior.domain.describe()} in each parameter, but "
            f"model {model.name!r} has {domains}"
        )
    return tuple(p for p in estimated if p != parameter)


def catalog_key(model: object, prior: object, estimate: object) -> tuple | None:
    """A hashable key for a request made only of catalog names, else None."""
    if not isinstance(model, str):
        return None
    if prior is None or isinstance(prior, str):
        priors: object = prior
    elif isinstance(prior, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in prior.items()
    ):
        priors = tuple(sorted(prior.items()))
    else:
        return None
    if estimate is None or isinstance(estimate, str):
        names: object = estimate
    else:
        estimate = list(estimate)
        if not all(isinstance(e, str) for e in estimate):
            return None
        names = tuple(estimate)
    every = model in MODELS and sorted(MODELS.get(model).parameter_names)
    if isinstance(names, tuple) and sorted(names) == every:
        names = None  # estimating every parameter is the default request
    return model, priors, names


def catalog_problem(key: tuple) -> Problem:
    """The problem a :func:`catalog_key` names."""
    model, prior, estimate = key
    prior = dict(prior) if isinstance(prior, tuple) else prior
    estimate = list(estimate) if isinstance(estimate, tuple) else estimate
    resolved = with_estimated(MODELS.resolve(model), estimate)
    return Problem(resolved, bound_priors(resolved, prior))
