"""Numeric estimators: a derivation as a fast, validated NumPy function.

>>> f = mlemap.derive("bernoulli", prior="beta").estimator()
>>> f([1, 1, 1, 0], alpha=2, beta=2)
{'theta': 0.6666666666666666}

The estimator takes the observations, then the model's known constants and the priors'
hyperparameters as keyword arguments named as in the catalog, and returns a dict from
parameter name (as in the catalog) to its estimate. A name that is a Python keyword is
spelled differently as a keyword argument (``lambda`` → ``lam``; see
:data:`KEYWORD_SPELLINGS`), but not as a result key: ``{"lambda": …}``.

Closed forms (``f.method == "closed form"``) are evaluated by generated NumPy code
(``f.source``) in which every sum over the data is one float64 reduction. Where SymPy
found no closed form (``f.method == "numeric"``) the objective is maximised by
``scipy.optimize`` with its symbolic gradient and Hessian, generated the same way.

What data work:

* lists, tuples and NumPy arrays of any real dtype (bool, int8 … uint64, float16 …
  float64): checked in full (one-dimensional, not empty, finite, inside the support);
* arrays of other libraries with an array-API namespace (Dask, JAX, CuPy, PyTorch; see
  :mod:`.arrays`): the same generated code runs against their namespace, so the result is
  a dict of 0-d arrays of that library, and their values are checked as NumPy's are
  (eagerly, or for Dask inside its graph, raising when it is computed). The numeric
  method (no closed form) needs concrete values and computes such arrays to NumPy.

Bad input raises :class:`mlemap.DataError` (the data: empty, NaN or ±inf, outside the
support, wrong shape or dtype; or data whose estimate is not finite or lies outside the
parameter's closed domain), :class:`mlemap.DomainError` (a known value outside its domain,
α ≤ 0) or :class:`mlemap.UnknownNameError` / :class:`mlemap.MlemapError` (an unknown or
missing keyword). With numba installed the checks of the observations and the sums of the
data alone are one compiled pass (:mod:`.fused`); without it each check is a whole-array
pass (``min``, ``max``, and ``rint`` for float data of an integer support), which
``f.unchecked(x, …)`` skips for data already checked, keeping every other check.

Building an estimator generates and compiles code (a few tenths of a second): build it
once and call it many times.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..catalog.domains import Support
from ..catalog.symbols import hat, n
from ..errors import DataError
from .arrays import Namespace, deferred, rebind
from .degenerate import degenerate_when_equal
from .fused import fuse
from .lambdify import Column, CompiledFunction, Reductions, compile_function, hoist_sums
from .validation import (
    Interval,
    Keyword,
    Observations,
    SupportCheck,
    check_keywords,
    check_observations,
)

if TYPE_CHECKING:
    from ..engine.derivation import Derivation
    from ..engine.problem import Problem

__all__ = ["KEYWORD_SPELLINGS", "Estimator", "keyword_spelling"]

#: How a catalog name that is a Python keyword is spelled as a keyword argument. Any other
#: Python keyword would get a trailing underscore (``class`` → ``class_``).
KEYWORD_SPELLINGS: Mapping[str, str] = MappingProxyType({"lambda": "lam"})


def keyword_spelling(name: str) -> str:
    """The keyword-argument spelling of a catalog name (``lambda`` → ``lam``)."""
    if name in KEYWORD_SPELLINGS:
        return KEYWORD_SPELLINGS[name]
    return f"{name}_" if keyword.iskeyword(name) else name


class Estimator:
    """A derivation's estimates as a function of data: ``f(x, **known) -> {name: value}``.

    Attributes: ``parameters`` (the result keys), ``keywords`` (the keyword arguments, in
    their Python spelling), ``method`` (``"closed form"`` or ``"numeric"``), ``source``
    (the generated Python source).
    """

    def __init__(self, derivation: Derivation) -> None:
        problem = derivation.problem
        model = problem.model
        self.derivation = derivation
        self.parameters: tuple[str, ...] = tuple(str(p) for p in problem.parameters)
        self._spelled = {
            s: sp.Symbol(keyword_spelling(s.name), **s.assumptions0) for s in problem.declarations
        }
        known = [s for s in problem.declarations if s not in problem.parameters]
        self._known = tuple(self._spelled[s] for s in known)
        self._keywords = tuple(
            Keyword(keyword_spelling(s.name), s.name, problem.domain(s), _role(s, problem))
            for s in known
        )
        self.keywords: tuple[str, ...] = tuple(k.spelling for k in self._keywords)
        self._where = f"for the {derivation.method} estimator of {model.name}"
        self._support = SupportCheck(_fixed_ends(model.support, problem), known, model.name)
        self._domains = {str(p): Interval.of(problem.domain(p)) for p in problem.parameters}
        self.method = "closed form" if derivation.closed_form else "numeric"
        if derivation.closed_form:
            self._plan = _ClosedForm(self)
        else:
            from .numeric import NumericMaximum

            self._plan = NumericMaximum(self)
        self.source: str = self._plan.source

    # -- pieces the plans use ----------------------------------------------------------------
    def spell(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every named symbol in its keyword spelling."""
        return sp.sympify(expr, strict=True).xreplace(self._spelled)

    def spelled(self, symbol: sp.Symbol) -> sp.Symbol:
        return self._spelled[symbol]

    @property
    def known_symbols(self) -> tuple[sp.Symbol, ...]:
        return self._known

    def reductions(self, exprs: list[sp.Expr]) -> Reductions:
        return hoist_sums(
            [self.spell(e) for e in exprs], self.derivation.model.x, n, reserved=self.keywords
        )

    # -- calling -----------------------------------------------------------------------------
    def __call__(self, x: object, /, **values: object) -> dict[str, object]:
        """Estimate the parameters from the observations ``x``; keyword arguments give the
        known constants and hyperparameters (see ``keywords``)."""
        return self._estimate(x, values, check_values=True)

    def unchecked(self, x: object, /, **values: object) -> dict[str, object]:
        """As a call, but without the checks of each observation (finite, in the support):
        for data already checked, where those whole-array passes would cost more than the
        estimate. The type, shape and length of ``x``, the keywords and the estimates are
        still checked; a value outside the support gives a wrong answer, not an error."""
        return self._estimate(x, values, check_values=False)

    def _estimate(
        self, x: object, values: Mapping[str, object], check_values: bool
    ) -> dict[str, object]:
        plan = self._plan
        constants = check_keywords(values, self._keywords, self._where, KEYWORD_SPELLINGS)
        fused = getattr(plan, "fused", None) is not None
        witnessed = check_values and plan.witness
        data = check_observations(
            x,
            self._support,
            constants,
            float64=plan.float64,
            check_values=check_values,
            witnessed=witnessed,
            materialize=plan.materialize,
            deferred=fused,
        )
        if data.xp is not None:
            return self._estimate_array(data, constants)
        if fused:
            estimates, witness = plan.estimate_fused(data, constants, check_values)
        else:
            estimates, witness = plan.estimate(data, constants)
        if witnessed and np.dtype(data.raw.dtype).kind == "f":  # type: ignore[attr-defined]
            self._support.confirm_finite(witness, data.raw, constants, "x")
        self.refuse_outside(estimates, data.size, constants)
        return estimates

    def _estimate_array(self, data: Observations, constants: tuple) -> dict[str, object]:
        """Estimates of an array of another library, as 0-d arrays of it (see :mod:`.arrays`);
        the estimates' checks run now, or, for Dask, when the result is computed."""
        values, extras = self._plan.estimate_array(data, constants)
        names = self.parameters

        def check(numbers: list[float], concrete: list[object]) -> None:
            result = dict(zip(names, numbers, strict=False))
            self._plan.refuse(result, data, constants, *concrete)
            self.refuse_outside(result, data.size, constants)

        if data.lazy:
            values = deferred(values, extras, check)
        else:
            check([float(v) for v in values], extras)
        return dict(zip(names, values, strict=False))

    def refuse_outside(self, estimates: Mapping[str, float], size: int, constants: tuple) -> None:
        """Refuse estimates that are not finite or outside the closed domain, and, for a
        continuous model, estimates on the domain's boundary: a density can grow without
        bound there (σ² → 0 when every observation is equal), so that is no maximum. A
        probability mass is at most 1, so a discrete model's boundary answer (θ̂ = 1 from
        all heads, λ̂ = 0 from all zeros) is kept. ``estimates`` may name only some of the
        parameters (the numeric method checks those it puts in before it maximises)."""
        continuous = not self.derivation.model.support.integer
        for name, value in estimates.items():
            interval = self._domains[name]
            if continuous and interval.closure_admits(value) and not interval.admits(value):
                domain = self.derivation.problem.domain(
                    next(p for p in self.derivation.problem.parameters if str(p) == name)
                )
                raise DataError(
                    f"the {_estimate(self.derivation)} of {name} is {value!r} for these data "
                    f"(n = {size}), on the boundary of {domain.describe()}: the density "
                    f"grows without bound there (are all observations equal?), so the "
                    f"{_objective(self.derivation)} has no maximum"
                )
            if not interval.closure_admits(value):
                domain = self.derivation.problem.domain(
                    next(p for p in self.derivation.problem.parameters if str(p) == name)
                )
                given = _given(self.keywords, constants)
                raise DataError(
                    f"the {_estimate(self.derivation)} of {name} is {value!r} for these "
                    f"data (n = {size}{given}), outside {domain.describe()}: the "
                    f"{_objective(self.derivation)} has no maximum inside the domain here"
                )

    def __repr__(self) -> str:
        arguments = ", ".join(["x", *(f"{k}=…" for k in self.keywords)])
        return (
            f"<Estimator {self.derivation.method} of {self.derivation.model.name} "
            f"({self.method}): f({arguments}) -> {{{', '.join(map(repr, self.parameters))}}}>"
        )


def _fixed_ends(support: Support, problem: Problem) -> Support:
    """The support with each end an estimated parameter holds made infinite: the data fix
    that parameter's feasible set (θ ≥ x₍ₙ₎), so they cannot be outside it."""
    held = set(problem.parameters)
    return replace(
        support,
        lower=-sp.oo if support.lower.free_symbols & held else support.lower,
        upper=sp.oo if support.upper.free_symbols & held else support.upper,
    )


def _role(symbol: sp.Symbol, problem: Problem) -> str:
    for parameter, bound in problem.priors.items():
        if symbol in bound.symbols:
            return f"hyperparameter of the {bound.prior.family} prior on {parameter}"
    description = problem.declarations[symbol].description
    return f"known constant of model {problem.model.name!r}: {description}"


def _estimate(derivation: Derivation) -> str:
    return "MAP estimate" if derivation.problem.is_map else "MLE"


def _objective(derivation: Derivation) -> str:
    return "log-posterior" if derivation.problem.is_map else "log-likelihood"


def _given(names: tuple[str, ...], constants: tuple) -> str:
    return "".join(f", {k} = {v:g}" for k, v in zip(names, constants, strict=True))


class _ClosedForm:
    """Evaluate closed-form estimates: one generated function of (x, n, known values)."""

    materialize = False

    def __init__(self, estimator: Estimator) -> None:
        derivation = estimator.derivation
        problem = derivation.problem
        self.estimator = estimator
        exprs = [derivation.estimates[p] for p in problem.parameters]
        plan = estimator.reductions(exprs)
        self.float64 = plan.elementwise
        witness = _finiteness_witness(plan)
        self.witness = witness is not None
        if witness is not None:
            plan = Reductions(plan.data, plan.locals, (*plan.outputs, witness))
        arguments = [plan.data, n, *estimator.known_symbols]
        self.function = compile_function(arguments, plan, f"{derivation!r}")
        self.conditions = _conditions(estimator, arguments)
        self.degenerate = degenerate_when_equal(derivation)
        self.source = self.function.source + (self.conditions.source if self.conditions else "")
        self.what = derivation.model.name
        self._rebinds: dict[tuple[str, int], object] = {}
        self.fused = fuse(
            plan, estimator.known_symbols, derivation.model.support, bool(self.degenerate)
        )
        self.rest: CompiledFunction | None = None
        self.rest_reads_data = False
        if self.fused is not None:
            rest = self.fused.rest
            self.rest = compile_function(
                [*arguments, *self.fused.statistics], rest, "after the fused pass"
            )
            self.rest_reads_data = any(
                e.has(plan.data) for e in (*(v for _, v in rest.locals), *rest.outputs)
            )

    def estimate(self, data: Observations, constants: tuple) -> tuple[dict[str, object], object]:
        size = float(data.size)
        with np.errstate(all="ignore"):
            values = self.function(data.values, size, *constants)
        equal = bool(self.degenerate) and _all_equal(data.values)
        return self._finish(values, data, constants, equal)

    def estimate_fused(
        self, data: Observations, constants: tuple, check_values: bool
    ) -> tuple[dict[str, object], object]:
        """As :meth:`estimate`, with the checks of each observation and the sums of the data
        alone made in one compiled pass (see :mod:`.fused`)."""
        fused = self.fused
        assert fused is not None and self.rest is not None
        support = self.estimator._support
        lower, upper = support.bounds(constants)
        bad, differs, *sums = fused(data.values, lower, upper, constants)  # type: ignore[arg-type]
        if check_values and bad:
            support.refuse(data.values, constants, "x")  # type: ignore[arg-type]
        x = data.values
        reads = self.rest_reads_data or self.conditions is not None
        if reads and x.dtype != np.float64:  # type: ignore[attr-defined]
            data = replace(data, values=x.astype(np.float64))  # type: ignore[attr-defined]
        with np.errstate(all="ignore"):
            # NumPy floats, so that n/Σxᵢ with Σxᵢ = 0 is inf (refused below), not an exception
            values = self.rest(data.values, float(data.size), *constants, *map(np.float64, sums))
        return self._finish(values, data, constants, bool(self.degenerate) and differs == 0)

    def estimate_array(self, data: Observations, constants: tuple) -> tuple[list, list]:
        """The estimates of an array of another library, as 0-d arrays of it, and what
        :meth:`refuse` needs: whether all observations are equal, and the conditions."""
        xp = data.xp
        assert xp is not None
        names = self.estimator.parameters
        size = float(data.size)
        function = self._rebound(self.function, xp)
        values = list(function(data.values, size, *constants))[: len(names)]
        x = data.values
        equal = xp.all(x == x[0]) if self.degenerate else False  # type: ignore[index]
        held = []
        if self.conditions is not None:
            held = list(self._rebound(self.conditions, xp)(x, size, *constants, *values))
        return values, [equal, held]

    def _rebound(self, function: CompiledFunction, xp: Namespace):
        key = (function.source, id(xp))
        if key not in self._rebinds:
            self._rebinds[key] = rebind(function.source, xp, f"the estimator of {self.what}")
        return self._rebinds[key]

    def refuse(
        self, result: dict[str, float], data: Observations, constants: tuple, equal, held
    ) -> None:
        """Refuse all-equal data where they are degenerate, and a stationary point where
        the second-order conditions fail (the estimates are the floats of ``result``)."""
        if bool(equal):
            self._refuse_equal(data, result)
        if self.conditions is not None and all(map(math.isfinite, result.values())):
            self._check_conditions(held, data.size, constants, result)

    def _finish(
        self, values: tuple, data: Observations, constants: tuple, equal: bool
    ) -> tuple[dict[str, object], object]:
        names = self.estimator.parameters
        held = None
        if self.conditions is not None:
            with np.errstate(all="ignore"):
                held = self.conditions(
                    data.values, float(data.size), *constants, *values[: len(names)]
                )
        witness = values[len(names)] if self.witness else None
        result = {k: float(v) for k, v in zip(names, values, strict=False)}
        self.refuse(result, data, constants, equal, held)
        return result, witness

    def _refuse_equal(self, data: Observations, result: dict) -> None:
        derivation = self.estimator.derivation
        problem = derivation.problem
        name, end = next(iter(self.degenerate.items()))
        domain = problem.domain(next(p for p in problem.parameters if str(p) == name))
        raise DataError(
            f"all {data.size} observations are equal, so the {_estimate(derivation)} of {name} "
            f"is {end} exactly (floating point gives {result[name]:.3g}), on the boundary of "
            f"{domain.describe()}: the density grows without bound there, so the "
            f"{_objective(derivation)} has no maximum; it needs at least two different values"
        )

    def _check_conditions(self, held: list, size: int, constants: tuple, result: dict) -> None:
        curvature = self.estimator.derivation.curvature
        assert curvature is not None
        for ok, condition in zip(held, curvature.conditions, strict=True):
            if not ok:
                given = _given(self.estimator.keywords, constants)
                raise DataError(
                    f"the stationary point {result} is not a maximum for these data "
                    f"(n = {size}{given}): it needs {condition}, which fails here"
                )


def _all_equal(values: object) -> bool:
    """Whether every observation equals one finite value (all ±inf are refused as infinite,
    as the fused pass refuses them)."""
    flat = np.ravel(values)  # type: ignore[call-overload]
    return bool(flat.size) and bool(np.isfinite(flat[0])) and bool(np.all(flat == flat[0]))


def _finiteness_witness(plan: Reductions) -> sp.Symbol | None:
    """A statistic that is finite only if every observation is: Σ f(xᵢ) with f(NaN) and
    f(±∞) not finite (Σ xᵢ, Σ xᵢ², Σ log xᵢ). Checking it after the fact saves a pass."""
    probe = np.array([np.nan, np.inf, -np.inf])
    for symbol, summand in plan.statistics.items():
        if summand.free_symbols != {plan.data} or summand.has(Column):
            continue  # vectors of counts are checked in full, whatever the sums
        with np.errstate(all="ignore"):
            values = np.broadcast_to(sp.lambdify(plan.data, summand, "numpy")(probe), probe.shape)
        if not np.any(np.isfinite(values)):
            return symbol
    return None


def _conditions(estimator: Estimator, arguments: list[sp.Symbol]) -> CompiledFunction | None:
    """The conditions under which the second-order check proved a maximum, as a function of
    the data, the known values and the estimates."""
    curvature = estimator.derivation.curvature
    if curvature is None or not curvature.conditions:
        return None
    problem = estimator.derivation.problem
    hats = [sp.Symbol(f"{keyword_spelling(p.name)}_hat", real=True) for p in problem.parameters]
    renamed = {hat(p): h for p, h in zip(problem.parameters, hats, strict=True)}
    plan = estimator.reductions([c.xreplace(renamed) for c in curvature.conditions])
    return compile_function([*arguments, *hats], plan, "conditions for a maximum")
