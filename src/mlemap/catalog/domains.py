"""Parameter domains and data supports, declared once and used everywhere.

A declaration gives the SymPy assumptions of its symbols, the text a derivation states
("θ ∈ (0, 1)"), the check a value must pass, random points for the engine's numeric
verification, and a positive reparametrisation with which SymPy can prove signs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

__all__ = [
    "NONNEGATIVE_INTEGER",
    "POSITIVE",
    "POSITIVE_INTEGER",
    "REAL",
    "UNIT_INTERVAL",
    "Counts",
    "Domain",
    "Support",
]


@dataclass(frozen=True)
class Domain:
    """The set a parameter, constant or hyperparameter lives in."""

    name: str
    interval: sp.Set
    assumptions: Mapping[str, bool]
    sample_range: tuple[float, float]

    @property
    def integer(self) -> bool:
        return bool(self.assumptions.get("integer"))

    def symbol(self, name: str) -> sp.Symbol:
        return sp.Symbol(name, **self.assumptions)

    def describe(self) -> str:
        """Plain-text form such as '(0, 1)' or 'positive integers'."""
        if self.integer:
            return "positive integers" if self.interval.inf == 1 else "non-negative integers"
        return _interval_text(self.interval)

    def contains(self, value: float) -> bool:
        if not np.isfinite(value):
            return False
        if self.integer and float(value) != round(float(value)):
            return False
        interval = self.interval
        if isinstance(interval, sp.Interval):  # compared as floats: SymPy's contains is slow
            v, low, high = float(value), float(interval.inf), float(interval.sup)
            above = v > low or (v == low and not interval.left_open)
            return above and (v < high or (v == high and not interval.right_open))
        return bool(interval.contains(sp.Float(float(value))))

    def sample(self, rng: np.random.Generator) -> sp.Expr:
        """A random exact value inside the domain, for numeric verification; integers
        spread evenly on a log scale, so that large ones come up as often as small ones."""
        lo, hi = self.sample_range
        if self.integer:
            return sp.Integer(int(lo) + _log_uniform_integer(rng, int(hi) - int(lo)))
        return sp.Rational(round(float(rng.uniform(lo, hi)), 3)).limit_denominator(1000)

    def proof_form(self, symbol: sp.Symbol) -> tuple[sp.Expr, sp.Symbol]:
        """An expression for a value of this domain in terms of a fresh symbol whose SymPy
        assumptions alone imply membership; SymPy's sign inference can then decide signs."""
        if self is UNIT_INTERVAL or self.interval == sp.Interval.open(0, 1):
            u = sp.Dummy(f"{symbol.name}_u", positive=True)
            return u / (1 + u), u
        fresh = sp.Dummy(symbol.name, **self.assumptions)
        return fresh, fresh


def _log_uniform_integer(rng: np.random.Generator, top: int) -> int:
    """An integer in 0…top, evenly spread in log(1 + value)."""
    return min(top, int(np.expm1(rng.uniform(0.0, np.log1p(top + 1)))))


def _interval_text(interval: sp.Set) -> str:
    if isinstance(interval, sp.Interval):
        left = "(" if interval.left_open else "["
        right = ")" if interval.right_open else "]"
        return f"{left}{_bound(interval.inf)}, {_bound(interval.sup)}{right}"
    return str(interval)


def _bound(value: sp.Expr) -> str:
    return {sp.oo: "∞", -sp.oo: "−∞"}.get(value, str(value))


REAL = Domain("real", sp.Reals, {"real": True}, (-2.0, 2.0))
POSITIVE = Domain("positive", sp.Interval.open(0, sp.oo), {"positive": True}, (0.5, 3.0))
UNIT_INTERVAL = Domain("unit interval", sp.Interval.open(0, 1), {"positive": True}, (0.1, 0.9))
POSITIVE_INTEGER = Domain(
    "positive integer", sp.Range(1, sp.oo), {"integer": True, "positive": True}, (1, 200)
)
NONNEGATIVE_INTEGER = Domain(
    "non-negative integer", sp.Range(0, sp.oo), {"integer": True, "nonnegative": True}, (0, 200)
)


@dataclass(frozen=True)
class Support:
    """Where one observation lives: an interval of reals or a range of integers.

    Bounds are SymPy expressions and may name the model's known constants
    (the binomial's number of trials, the Pareto scale).
    """

    lower: sp.Expr
    upper: sp.Expr
    integer: bool = False
    lower_open: bool = False
    upper_open: bool = True
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lower", sp.sympify(self.lower, strict=True))
        object.__setattr__(self, "upper", sp.sympify(self.upper, strict=True))

    def set(self) -> sp.Set:
        if self.integer:
            return (
                sp.Range(self.lower, self.upper + 1)
                if self.upper.is_finite
                else sp.Range(self.lower, sp.oo)
            )
        return sp.Interval(self.lower, self.upper, self.lower_open, self.upper_open)

    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions that hold for every observation."""
        found: dict[str, bool] = {"integer": True} if self.integer else {"real": True}
        if self.lower.is_positive or (self.lower.is_nonnegative and self.lower_open):
            found["positive"] = True
        elif self.lower.is_nonnegative:
            found["nonnegative"] = True
        return found

    def describe(self) -> str:
        if self.name:
            return self.name
        if self.integer:
            upper = "…" if not self.upper.is_finite else str(self.upper)
            return f"{{{self.lower}, {self.lower + 1}, …, {upper}}}".replace(", …, …", ", …")
        return _interval_text(self.set())

    def bounds(self, constants: Mapping[sp.Symbol, float]) -> tuple[float, float]:
        """Numeric bounds once the known constants have values."""
        lower = float(self.lower.xreplace(dict(constants)))
        upper = float(self.upper.xreplace(dict(constants)))
        return lower, upper

    def contains(self, values: np.ndarray, constants: Mapping[sp.Symbol, float]) -> np.ndarray:
        """Element-wise membership of numeric observations."""
        lower, upper = self.bounds(constants)
        values = np.asarray(values, dtype=float)
        inside = np.isfinite(values)
        if self.integer:  # a range of integers includes both of its ends
            return inside & (values >= lower) & (values <= upper) & (values == np.round(values))
        inside &= values > lower if self.lower_open else values >= lower
        inside &= values < upper if self.upper_open else values <= upper
        return inside

    def sample(
        self, rng: np.random.Generator, size: int, constants: Mapping[sp.Symbol, float]
    ) -> list[sp.Expr]:
        """Random exact observations that are not all on one bound, and that take every
        value of a small fixed range of integers where there are enough of them (categories:
        none of them empty), so that estimates are interior; used by the engine's numeric
        checks, not as a model's sampler."""
        lower, upper = self.bounds(constants)
        every = self.integer and self.lower.is_Integer and self.upper.is_Integer
        every = every and 2 < upper - lower + 1 <= size
        for _ in range(100):
            draws = self._draws(rng, size, lower, upper)
            if every:  # one of each value, the rest as drawn, in a random order
                each = [sp.Integer(v) for v in range(int(lower), int(upper) + 1)]
                draws = [draws[k] for k in rng.permutation(size)[: size - len(each)]] + each
                draws = [draws[k] for k in rng.permutation(size)]
            inside = self.contains(np.array([float(v) for v in draws]), constants)
            distinct = len(set(draws)) > 1 or (lower < draws[0] < upper)
            if inside.all() and distinct:
                return draws
        raise RuntimeError("could not sample non-degenerate data from the support")

    def _draws(
        self, rng: np.random.Generator, size: int, lower: float, upper: float
    ) -> list[sp.Expr]:
        """Observations from a randomly chosen spread over the whole support: counts with a
        mean from 0.5 to 100 (every share of successes for a finite range), reals at scales
        from 0.1 to 10, so that the sufficient statistics cover their range too."""
        if self.integer:
            if np.isfinite(upper):
                draws = lower + rng.binomial(int(upper - lower), rng.uniform(), size=size)
            else:
                draws = lower + rng.poisson(np.exp(rng.uniform(np.log(0.5), np.log(100))), size)
            return [sp.Integer(int(v)) for v in draws]
        scale = float(np.exp(rng.uniform(np.log(0.1), np.log(10.0))))
        if np.isfinite(lower) and np.isfinite(upper):
            draws = rng.uniform(lower, upper, size=size)
        elif np.isfinite(lower):
            draws = lower + rng.gamma(float(rng.uniform(0.5, 4.0)), scale, size=size)
        else:
            draws = rng.normal(float(rng.uniform(-10.0, 10.0)), scale, size=size)
        # six significant digits, as exact decimals
        return [sp.Rational(f"{float(v):.6g}") for v in draws]


@dataclass(frozen=True)
class Counts(Support):
    """Where one vector observation of ``components`` counts lives: each an integer in
    {0, …, total}, the counts adding up to ``total`` (a known number of trials, the
    multinomial's m). The data are then ``x[i, j]``, observation i's count of category j."""

    components: int = 2
    total: sp.Expr = 1  # type: ignore[assignment]  # sympified on construction

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "total", sp.sympify(self.total, strict=True))

    def describe(self) -> str:
        if self.name:
            return self.name
        counts = f"{self.components} counts in {{0, 1, …, {self.total}}}"
        return f"vectors of {counts} adding up to {self.total}"

    def contains(self, values: np.ndarray, constants: Mapping[sp.Symbol, float]) -> np.ndarray:
        """Row-wise membership of an (n, components) array of counts."""
        total = float(self.total.xreplace(dict(constants)))
        values = np.asarray(values, dtype=float)
        inside = np.isfinite(values) & (values >= 0) & (values == np.round(values))
        return inside.all(axis=1) & (values.sum(axis=1) == total)

    def sample(
        self, rng: np.random.Generator, size: int, constants: Mapping[sp.Symbol, float]
    ) -> list[tuple[sp.Expr, ...]]:
        """Random rows of counts adding up to the total, every category seen somewhere (so
        that estimates are interior), from a randomly chosen share of the categories."""
        total = int(float(self.total.xreplace(dict(constants))))
        every = total * size >= self.components
        for _ in range(100):
            shares = rng.dirichlet(np.ones(self.components))
            rows = rng.multinomial(total, shares, size=size)
            if not every or (rows.sum(axis=0) > 0).all():
                break
        return [tuple(sp.Integer(int(v)) for v in row) for row in rows]
