"""One estimation problem: a model, which parameters are estimated, and the priors on them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from itertools import pairwise

import mpmath
import numpy as np
import sympy as sp

from ..catalog.domains import Domain
from ..catalog.model import Model, Parameter, Prior
from ..catalog.symbols import i, n
from .compiled import DIGITS, compiled
from .constraints import holds, place
from .limits import attempt
from .sums import collect_parameters, normalize

#: Time allowed to prove a prior's log-density constant in its parameter.
PROOF_SECONDS = 3.0

__all__ = ["BoundPrior", "Point", "Problem", "sample_sizes"]


@dataclass(frozen=True)
class BoundPrior:
    """A prior attached to one parameter, with its hyperparameters named for this problem."""

    prior: Prior
    parameter: Parameter
    hyperparameters: tuple[Parameter, ...]
    jointly: tuple[Parameter, ...] = ()  # the other parameters of a joint prior (Dirichlet)

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(h.symbol for h in self.hyperparameters)

    @property
    def covers(self) -> tuple[sp.Symbol, ...]:
        """The parameters the prior is a density of: one, or all of a joint prior's."""
        return tuple(p.symbol for p in (self.parameter, *self.jointly))

    def density(self) -> sp.Expr:
        return sp.sympify(self.prior.density(*self.covers, *self.symbols), strict=True)

    def declared_density(self) -> sp.Expr:
        """The density as declared, unevaluated, for display."""
        with sp.evaluate(False):
            return sp.sympify(self.prior.density(*self.covers, *self.symbols), strict=True)

    @cached_property
    def is_flat(self) -> bool:
        """True when the log-density is provably constant in the parameter: a prior without
        hyperparameters (Jeffreys' 1/θ, Beta(½, ½)) is not flat for want of them."""
        log_density = sp.expand_log(sp.log(self.density()), force=True)
        slopes = [sp.diff(log_density, theta) for theta in self.covers]
        return all(s == 0 or attempt(PROOF_SECONDS, sp.simplify, s) == 0 for s in slopes)

    def flat_values(self) -> dict[sp.Symbol, sp.Expr]:
        """Hyperparameter values (or limits) at which this prior is flat."""
        by_name = {h.name: h.symbol for h in self.prior.hyperparameters}
        renamed = dict(zip(by_name.values(), self.symbols, strict=True))
        return {renamed[by_name[k]]: v for k, v in self.prior.flat.items()}

    def family_text(self, values: tuple[sp.Expr, ...] | None = None) -> str:
        args = values if values is not None else self.symbols
        return f"{self.prior.family}({', '.join(map(str, args))})"


@dataclass
class Point:
    """Random values for every symbol of a problem and a random data set, exact rationals."""

    size: int
    values: dict[sp.Symbol, sp.Expr]
    data: list[sp.Expr] | list[tuple[sp.Expr, ...]]  # rows of counts for a vector observation

    def arguments(self, symbols: tuple[sp.Symbol, ...]) -> list[object]:
        """The arguments of a compiled function at this point: n, the data (from index 1;
        rows of counts as a table indexed ``x[i, j]`` from 1), and the values of
        ``symbols``, as mpmath numbers at the current precision."""
        if self.data and isinstance(self.data[0], tuple):
            data = np.full((self.size + 1, len(self.data[0]) + 1), mpmath.mpf(0), dtype=object)
            data[1:, 1:] = [[_mp_exact(v) for v in row] for row in self.data]
        else:
            data = [mpmath.mpf(0), *(_mp_exact(v) for v in self.data)]
        return [mpmath.mpf(self.size), data, *(_mp_exact(self.values[s]) for s in symbols)]

    def entries(self, x: sp.IndexedBase) -> dict[sp.Indexed, sp.Expr]:
        """Each datum at this point: ``x[i]`` (or ``x[i, j]`` of a row) → its value."""
        if self.data and isinstance(self.data[0], tuple):
            return {
                x[r + 1, c + 1]: v for r, row in enumerate(self.data) for c, v in enumerate(row)
            }
        return {x[j + 1]: v for j, v in enumerate(self.data)}


def _mp_exact(value: sp.Expr) -> mpmath.mpf:
    """An exact rational or a SymPy float as an mpmath number."""
    if isinstance(value, sp.Rational):
        return mpmath.mpf(value.p) / value.q
    return mpmath.mpf(sp.Float(value, DIGITS)._mpf_)


@dataclass(frozen=True)
class Problem:
    """Everything the pipeline needs to know about what is being estimated."""

    model: Model
    priors: Mapping[sp.Symbol, BoundPrior]
    #: Values some random points give a symbol, in terms of the data and the other symbols:
    #: a kink's location placed around the data, so that checks visit each of its branches.
    anchors: tuple[tuple[sp.Symbol, tuple[sp.Expr, ...]], ...] = ()

    def __getstate__(self) -> dict[str, object]:
        # pickled as declared: what it computes (its cached properties, compiled functions
        # among them) is computed again where it is read
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def x(self) -> sp.IndexedBase:
        return self.model.x

    @cached_property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """The estimated parameters, in declaration order."""
        return tuple(p.symbol for p in self.model.estimated)

    @cached_property
    def declarations(self) -> dict[sp.Symbol, Parameter]:
        """Every named symbol: estimated parameters, known constants and hyperparameters."""
        found = {p.symbol: p for p in (*self.model.estimated, *self.model.fixed)}
        for bound in self.priors.values():
            found.update({h.symbol: h for h in bound.hyperparameters})
        return found

    def domain(self, symbol: sp.Symbol) -> Domain:
        return self.declarations[symbol].domain

    @property
    def is_map(self) -> bool:
        return bool(self.priors)

    @property
    def method(self) -> str:
        return "MAP" if self.is_map else "MLE"

    @cached_property
    def log_density(self) -> sp.Expr:
        """log p(xᵢ | θ) for one observation."""
        return sp.log(self.model.observation_density())

    @cached_property
    def log_likelihood(self) -> sp.Expr:
        """ℓ(θ) = Σ log p(xᵢ | θ), its sums reduced and grouped by parameter."""
        log_sum = self.sum_over_data(self.log_density)
        return collect_parameters(normalize(log_sum), self.parameters)

    @cached_property
    def log_prior(self) -> sp.Expr:
        """The log-density of every prior, its logarithms expanded."""
        return sp.Add(
            *(sp.expand_log(sp.log(b.density()), force=True) for b in self.priors.values())
        )

    def sum_over_data(self, summand: sp.Expr) -> sp.Sum:
        return sp.Sum(summand, (i, 1, n))

    def random_point(self, rng: np.random.Generator, size: int | None = None) -> Point:
        """Random parameter, constant and hyperparameter values and a data set from the support."""
        size = sample_sizes(rng, 1)[0] if size is None else size
        for _ in range(100):
            values = {symbol: p.domain.sample(rng) for symbol, p in self.declarations.items()}
            values = place(values, self.constraints)
            constants = {s: float(v) for s, v in values.items()}
            if self.admits(constants) and (not self.constraints or self.meets_constraints(values)):
                break
        data = self.model.support.sample(rng, size, constants)
        for symbol, choices in self.anchors:
            if rng.integers(0, 3):  # two points in three; the rest as drawn
                at = Point(size, values, data)
                choice = choices[int(rng.integers(0, len(choices)))]
                value = self.evaluate(choice, at).evalf(DIGITS)  # an exact rational near it
                values[symbol] = sp.nsimplify(value, rational=True)
        return Point(size, values, data)

    def admits(self, values: Mapping[sp.Symbol, float]) -> bool:
        """Whether ``values`` meet every constraint declared beyond the domains: a support
        whose ends they fix (uniform(a, b)) is not empty."""
        lower, upper = self.model.support.bounds(values)
        return lower < upper

    @cached_property
    def constraints(self) -> tuple[sp.Basic, ...]:
        """The relations the model declares between its parameters (Σ θⱼ = 1)."""
        return self.model.constraint_relations()

    def meets_constraints(self, values: Mapping[sp.Symbol, sp.Expr]) -> bool:
        """Whether exact ``values`` lie in their domains and meet every declared constraint."""
        return holds(values, self.constraints, lambda s, v: self.domain(s).contains(float(v)))

    def evaluate(self, expr: sp.Expr, point: Point, keep: tuple[sp.Symbol, ...] = ()) -> sp.Expr:
        """``expr`` at a point: n and the data set in, sums expanded, symbols replaced
        (except those in ``keep``)."""
        expr = sp.sympify(expr, strict=True).xreplace({n: sp.Integer(point.size)})
        expr = expr.doit()
        data = point.entries(self.x)
        values = {s: v for s, v in point.values.items() if s not in keep}
        return expr.xreplace(data).xreplace(values)

    def value(self, expr: sp.Expr, point: Point, digits: int = DIGITS) -> mpmath.mpc:
        """``expr`` at a point, working with ``digits`` digits (nan where undefined):
        compiled once per expression, else (a form the compiler cannot write) by SymPy's
        substitution."""
        expr = sp.sympify(expr, strict=True)
        symbols = tuple(point.values)
        function = compiled(expr, n, self.x, symbols)
        with mpmath.workdps(digits):
            if function is not None:
                try:
                    return mpmath.mpc(function(*point.arguments(symbols)))
                except (ArithmeticError, ValueError, TypeError, NameError, IndexError):
                    return mpmath.mpc(mpmath.nan)
            return _mp(self.evaluate(expr, point).evalf(digits), digits)

    def number(self, expr: sp.Expr, point: Point) -> complex:
        """``expr`` at a point as a complex number (nan where undefined)."""
        return complex(self.value(expr, point))


def _mp(value: sp.Basic, digits: int = DIGITS) -> mpmath.mpc:
    """A SymPy number as an mpmath one (nan where it is not a number)."""
    try:
        real, imaginary = (sp.Float(part, digits) for part in value.as_real_imag())
        return mpmath.mpc(mpmath.mpf(real._mpf_), mpmath.mpf(imaginary._mpf_))
    except (TypeError, ValueError, AttributeError):
        return mpmath.mpc(mpmath.nan)


#: The largest sample size of a random data set, unless more distinct sizes are needed.
LARGEST_SIZE = 300
SMALLEST_SIZE = 3


def sample_sizes(rng: np.random.Generator, count: int) -> list[int]:
    """``count`` distinct sample sizes in increasing order, one from each of ``count`` bands
    evenly spaced in log n from 3 to 300 (or 4·count): a polynomial in n of degree below
    ``count`` cannot vanish at all of them, and the first are small, so that a
    counterexample is as short as can be."""
    top = max(LARGEST_SIZE, 4 * count)
    edges = np.geomspace(SMALLEST_SIZE, top + 1, count + 1)
    sizes: list[int] = []
    for low, high in pairwise(edges):
        size = int(rng.integers(int(np.ceil(low)), max(int(np.ceil(high)), int(np.ceil(low)) + 1)))
        sizes.append(max(size, sizes[-1] + 1) if sizes else size)
    return sizes
