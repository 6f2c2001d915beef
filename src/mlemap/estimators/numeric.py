"""The numeric method: maximise the objective where SymPy found no closed form.

The log-likelihood (or log-posterior), its score and its Hessian are generated as NumPy
code the same way as closed forms (every sum one reduction). Sums free of the parameters
(sufficient statistics) are computed once, in a first stage; the second stage, run at
each step of the optimiser, holds only the sums that depend on the parameters. Each
parameter is mapped to an unconstrained u (θ = exp u on (0, ∞), a logistic map on (0, 1),
θ = u on the real line) and ``scipy.optimize.minimize`` runs a trust-region Newton method
on −objective / n in u. The start is the MLE where it has a closed form (for a MAP
estimate), else the best few points of a grid from the data's quantiles and scale; when
the runs end at different maxima the highest is returned with a MultipleMaximaWarning.
Each end point is verified in θ (finite, the Newton step negligible relative to θ, the
Hessian negative definite); if none is, a ConvergenceError says so rather than returning
a number. Parameters the derivation estimates in closed form whatever the others' values (a
boundary estimate, x̂_m = x₍₁₎) are computed in the first stage, with ``numpy.min`` or
``numpy.max``, and put in: the optimiser maximises the profile objective in the rest.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import sympy as sp
from scipy.optimize import minimize
from scipy.special import expit

from ..catalog.symbols import n
from ..engine.curvature import hessian
from ..errors import ConvergenceError, DataError, MultipleMaximaWarning, UnsupportedModelError
from .lambdify import Reductions, compile_function
from .validation import Interval, Observations

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult

    from ..engine.derivation import Derivation

__all__ = ["NumericMaximum", "Transform"]


class Host(Protocol):
    """What the numeric method needs of the estimator that builds it (an :class:`Estimator`)."""

    derivation: Derivation
    keywords: tuple[str, ...]

    @property
    def known_symbols(self) -> tuple[sp.Symbol, ...]: ...

    def spelled(self, symbol: sp.Symbol) -> sp.Symbol: ...

    def reductions(self, exprs: list[sp.Expr]) -> Reductions: ...

    def refuse_outside(self, estimates: dict[str, float], size: int, constants: tuple) -> None: ...


#: Relative size of the last Newton step in θ below which the maximum is accepted.
STEP_TOLERANCE = 1e-6
#: How many of the best grid points the optimiser starts from.
GRID_STARTS = 4
#: Where the objective is probed towards a data-fixed end of the feasible set: at distances
#: 10⁻ᵏ of the feasible interval's width from the end.
END_DECADES = (2, 3, 4, 6, 8, 10, 11, 12)
#: A maximum found closer than this share of the interval to a data-fixed end is a run
#: towards the end, where rounding can make the Hessian look negative definite.
END_MARGIN = 1e-8


@dataclass(frozen=True)
class Transform:
    """θ as a smooth, increasing function of an unconstrained u, for one parameter domain."""

    lower: float
    upper: float

    def forward(self, u: float) -> tuple[float, float, float]:
        """θ(u), dθ/du and d²θ/du²."""
        low, high = self.lower, self.upper
        if np.isfinite(low) and np.isfinite(high):
            s = expit(u)
            width = high - low
            return low + width * s, width * s * (1 - s), width * s * (1 - s) * (1 - 2 * s)
        if np.isfinite(low):
            e = np.exp(u)
            return low + e, e, e
        if np.isfinite(high):
            e = np.exp(u)
            return high - e, -e, -e
        return u, 1.0, 0.0

    def inverse(self, theta: float) -> float:
        low, high = self.lower, self.upper
        if np.isfinite(low) and np.isfinite(high):
            p = (theta - low) / (high - low)
            return float(np.log(p) - np.log1p(-p))
        if np.isfinite(low):
            return float(np.log(theta - low))
        if np.isfinite(high):
            return float(np.log(high - theta))
        return float(theta)

    @classmethod
    def of(cls, interval: Interval, name: str = "θ") -> Transform:
        if interval.integer:
            raise UnsupportedModelError(
                f"parameter {name} is an integer: the numeric method maximises over real "
                f"parameters only; declare {name} a known constant of the model (Model("
                "constants=...)) and give its value to the estimator"
            )
        return cls(interval.lower, interval.upper)


class NumericMaximum:
    """Evaluate an estimate by maximising the objective numerically."""

    float64 = True
    materialize = True
    witness = False

    def __init__(self, estimator: Host) -> None:
        derivation = estimator.derivation
        problem = derivation.problem
        self.estimator = estimator
        # Parameters with a closed form whatever the others (a boundary estimate, x̂_m = x₍₁₎)
        # are computed with the statistics; the others maximise the profile objective.
        solved = derivation.solution.estimates
        self.parameters = problem.parameters
        free = tuple(p for p in self.parameters if p not in solved)
        self.names = tuple(str(p) for p in free)
        self.size = len(free)
        self.transforms = tuple(Transform.of(Interval.of(problem.domain(p)), p.name) for p in free)
        profile = derivation.objective.xreplace(solved)
        objective = sp.Add(*(t for t in sp.Add.make_args(profile) if t.has(*free)))
        by_parameter = {e.parameter: e.score for e in derivation.solution.equations}
        scores = [by_parameter[p] for p in free]
        curvature = list(hessian(objective, problem, free))
        # the ends of feasible intervals that the data fix (Pearson III's γ < −2/x₍₁₎)
        feasible = derivation.solution.feasible
        self.bounded = tuple(j for j, p in enumerate(free) if p in feasible)
        ends = [end for p in free if p in feasible for end in feasible[p]]
        starts = [derivation.mle[p] for p in free if p in derivation.mle]
        self.has_start = len(starts) == len(free) and bool(derivation.mle)
        if not self.has_start:
            starts = []
        fixed = [solved[p] for p in self.parameters if p in solved]
        plan = estimator.reductions([*starts, *fixed, *ends, objective, *scores, *curvature])
        spelled = [estimator.spelled(p) for p in free]
        first, second, passed = plan.split(spelled, len(starts) + len(fixed) + len(ends))
        known = [plan.data, n, *estimator.known_symbols]
        self.statistics = compile_function(known, first, "statistics, computed once")
        self.objective = compile_function(
            [*known, *spelled, *passed],
            second,
            f"{_name(derivation)}, score and Hessian, evaluated at each optimiser step",
        )
        self.starts, self.fixed, self.ends = len(starts), len(fixed), len(ends)
        self.solved = tuple(str(p) for p in self.parameters if p in solved)
        self.what = "profile " + _name(derivation) if solved else _name(derivation)
        self.source = self.statistics.source + "\n" + self.objective.source

    def estimate(self, data: Observations, constants: tuple) -> tuple[dict[str, float], None]:
        x, size = data.values, float(data.size)
        with np.errstate(all="ignore"):
            computed = self.statistics(x, size, *constants)
        leading = self.starts + self.fixed
        start, passed = computed[: self.starts], computed[leading + self.ends :]
        fixed = [float(v) for v in computed[self.starts : leading]]
        transforms = self._feasible(computed[leading : leading + self.ends])
        # x̂_m = x₍₁₎ ≤ 0 where x_m > 0: no profile to maximise
        self.estimator.refuse_outside(
            dict(zip(self.solved, fixed, strict=True)), data.size, constants
        )
        k = self.size

        def evaluate(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
            with np.errstate(all="ignore"):
                out = self.objective(x, size, *constants, *theta, *passed)
            value = float(out[0])
            gradient = np.array(out[1 : 1 + k], dtype=float)
            matrix = np.array(out[1 + k :], dtype=float).reshape(k, k)
            return value, gradient, matrix

        def in_u(u: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
            forms = [t.forward(v) for t, v in zip(transforms, u, strict=True)]
            theta = np.array([f[0] for f in forms])
            d1, d2 = np.array([f[1] for f in forms]), np.array([f[2] for f in forms])
            value, gradient, matrix = evaluate(theta)
            scale = -1.0 / size
            g = scale * gradient * d1
            h = scale * (matrix * np.outer(d1, d1) + np.diag(gradient * d2))
            f = scale * value
            if not (np.isfinite(f) and np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
                return theta, np.inf, np.zeros(k), np.eye(k)
            return theta, f, g, h

        cache: dict[bytes, tuple] = {}

        def at(u: np.ndarray) -> tuple:
            key = np.asarray(u, dtype=float).tobytes()
            if key not in cache:
                cache.clear()
                cache[key] = in_u(np.asarray(u, dtype=float))
            return cache[key]

        maxima = []
        with np.errstate(all="ignore"):  # overflow far from the maximum is expected
            for u0 in self._starts(start, x, in_u, transforms):
                result = minimize(
                    lambda u: at(u)[1],
                    u0,
                    jac=lambda u: at(u)[2],
                    hess=lambda u: at(u)[3],
                    method="trust-exact",
                    options={"gtol": 1e-10, "maxiter": 200},
                )
                theta = at(result.x)[0]
                if self._is_maximum(theta, evaluate):
                    maxima.append((at(result.x)[1], theta))
                last = theta, result
        maxima = [m for m in maxima if not self._at_an_end(m[1], transforms)]
        maxima.sort(key=lambda m: m[0])
        self._refuse_towards_ends(maxima[0][1] if maxima else None, last[0], transforms, evaluate)
        if not maxima:
            self._refuse(*last, data.size, constants, fixed, bool(np.ptp(x) == 0))
        theta = maxima[0][1]
        others = [t for _, t in maxima[1:] if not np.allclose(t, theta, rtol=1e-6, atol=1e-9)]
        names = self.names
        if others:
            warnings.warn(
                f"the {self.what} has more than one local maximum for "
                f"these data; returned the highest, at {_at(names, theta)}; another is at "
                f"{_at(names, others[0])}",
                MultipleMaximaWarning,
                stacklevel=4,
            )
        found = {
            **dict(zip(self.solved, fixed, strict=True)),
            **dict(zip(names, theta, strict=True)),
        }
        return {str(p): float(found[str(p)]) for p in self.parameters}, None

    def _feasible(self, ends: list) -> list[Transform]:
        """Each parameter's map to the line, on its domain cut to the feasible interval that
        these data fix."""
        transforms = list(self.transforms)
        for k, j in enumerate(self.bounded):
            low, high = (float(v) for v in ends[2 * k : 2 * k + 2])
            domain = self.transforms[j]
            transforms[j] = Transform(max(domain.lower, low), min(domain.upper, high))
        return transforms

    def _data_ends(self, transforms: list[Transform]) -> Iterator[tuple[int, float, Transform]]:
        """Each end that these data fix: the parameter's index, the end, and its interval."""
        for j in self.bounded:
            domain, cut = self.transforms[j], transforms[j]
            for end, inside in ((cut.lower, domain.lower), (cut.upper, domain.upper)):
                if end != inside and np.isfinite(end):
                    yield j, end, cut

    def _at_an_end(self, theta: np.ndarray, transforms: list[Transform]) -> bool:
        """Whether ``theta`` lies within :data:`END_MARGIN` of a data-fixed end."""
        return any(
            abs(theta[j] - end) <= END_MARGIN * _width(end, cut)
            for j, end, cut in self._data_ends(transforms)
        )

    def _refuse_towards_ends(
        self,
        best: np.ndarray | None,
        last: np.ndarray,
        transforms: list[Transform],
        evaluate: Callable,
    ) -> None:
        """Raise where the objective grows towards a data-fixed end of the feasible set beyond
        its value at ``best`` (the highest maximum found), or steadily, as the log of the
        distance to the end, which is growth without bound: there an observation meets the
        end of the support, where the density may be infinite. With no maximum found the
        probes start from the middle of the feasible interval, the others where the
        optimiser stopped (``last``)."""
        theta = np.array(best if best is not None else last, dtype=float)
        if best is None:
            for j in self.bounded:
                theta[j] = transforms[j].forward(0.0)[0]
        with np.errstate(all="ignore"):
            top = evaluate(best)[0] if best is not None else np.inf
        for j, end, cut in self._data_ends(transforms):
            probes = []
            for distance in _towards(end, cut):
                point = theta.copy()
                point[j] = end - distance
                with np.errstate(all="ignore"):
                    probes.append(evaluate(point)[0])
            steps = np.diff(probes) / np.diff(END_DECADES)  # growth per decade
            near = np.array(probes[len(probes) // 2 :])  # 10⁻⁸ of the way and closer
            higher = bool(np.any(np.isfinite(near) & (near > top)))
            steady = (
                np.all(np.isfinite(steps[-3:]))
                and np.all(steps[-3:] > 0)
                and np.ptp(steps[-3:]) <= 0.1 * np.min(steps[-3:])
            )
            if higher or steady:
                name = self.names[j]
                raise DataError(
                    f"the {self.what} has no maximum for these data: it grows without "
                    f"bound as {name} approaches {end:.6g}, the end of the feasible set "
                    f"that the data fix, where an observation meets the end of the "
                    f"support (the density is infinite there)"
                    if steady
                    else f"the {self.what} has no maximum inside the feasible set for "
                    f"these data: it is higher as {name} approaches {end:.6g}, the end "
                    "of the feasible set that the data fix, than anywhere inside"
                )

    def _starts(
        self, start: list, x: np.ndarray, in_u: Callable, transforms: list[Transform]
    ) -> list[np.ndarray]:
        """The MLE where it is known (for a MAP estimate), then the best points of a grid
        built from the data's quantiles and scale, since a likelihood such as the Cauchy's
        can have several maxima and a start at u = 0 may lie far from all of them; and the
        MLE of data near 1e-150 lies where a prior's terms overflow."""
        if start and self.has_start:
            u0 = self._start(start, transforms)
            if np.isfinite(in_u(u0)[1]):
                return [u0]
        return self._grid(x, in_u, transforms)

    def _grid(self, x: np.ndarray, in_u: Callable, transforms: list[Transform]) -> list[np.ndarray]:
        values = np.asarray(x, dtype=float)
        quantiles = np.quantile(values, [0.1, 0.3, 0.5, 0.7, 0.9])
        scale = float(np.mean(np.abs(values))) or 1.0
        spread = float(np.std(values)) or 1.0
        axes = []
        for transform in transforms:
            if np.isfinite(transform.lower) and np.isfinite(transform.upper):
                points = transform.lower + (transform.upper - transform.lower) * np.array(
                    [0.2, 0.5, 0.8]
                )
            elif np.isfinite(transform.lower) or np.isfinite(transform.upper):
                side = transform.lower if np.isfinite(transform.lower) else transform.upper
                sign = 1.0 if np.isfinite(transform.lower) else -1.0
                points = side + sign * np.array([1.0, scale, spread, 1.0 / scale])
            else:
                points = np.concatenate([[0.0], quantiles])
            with np.errstate(all="ignore"):
                axes.append(np.unique([transform.inverse(float(p)) for p in points]))
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, self.size)
        grid = grid[np.all(np.isfinite(grid), axis=1)]
        heights = np.array([in_u(u)[1] for u in grid])
        order = np.argsort(heights, kind="stable")
        return [grid[j] for j in order[:GRID_STARTS] if np.isfinite(heights[j])] or [
            np.zeros(self.size)
        ]

    def _start(self, start: list, transforms: list[Transform]) -> np.ndarray:
        u0 = np.zeros(self.size)
        for j, transform in enumerate(transforms):
            if start and np.isfinite(start[j]):
                with np.errstate(all="ignore"):
                    u = transform.inverse(float(start[j]))
                if np.isfinite(u):
                    u0[j] = u
        return u0

    @staticmethod
    def _is_maximum(
        theta: np.ndarray,
        evaluate: Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]],
    ) -> bool:
        """A maximum inside the domain: the Hessian is negative definite there and the Newton
        step in θ is negligible (a run towards the boundary has neither)."""
        value, gradient, matrix = evaluate(theta)
        # an overflow in the Hessian (-inf) would pass the Cholesky test and give a zero step
        finite = [theta, value, gradient, matrix]
        if not all(np.all(np.isfinite(part)) for part in finite):
            return False
        try:
            np.linalg.cholesky(-matrix)
            step = np.linalg.solve(matrix, gradient)
        except np.linalg.LinAlgError:
            return False
        return bool(np.all(np.abs(step) <= STEP_TOLERANCE * (np.abs(theta) + 1e-12)))

    def _refuse(
        self,
        theta: np.ndarray,
        result: OptimizeResult,
        size: int,
        constants: tuple,
        fixed: list[float],
        equal: bool = False,
    ) -> None:
        names = ", ".join(self.names)
        # the usual cause: a density can concentrate at the one value (beta's α, β → ∞)
        why = "; every observation is equal, which leaves most families none" if equal else ""
        put_in = f" (with {_at(self.solved, fixed)} put in)" if fixed else ""
        given = "".join(
            f", {k} = {v:g}" for k, v in zip(self.estimator.keywords, constants, strict=True)
        )
        raise ConvergenceError(
            f"numeric maximisation of the {self.what} over {names}{put_in} "
            f"found no maximum inside the domain for these data (n = {size}{given}): where "
            f"it stopped, at {_at(self.names, theta)}, the score is not zero "
            "relative to the parameters' scale, the Hessian is not negative definite, or "
            f"either overflows ({result.message}){why}"
        )


def _width(end: float, cut: Transform) -> float:
    """The width of the interval ``cut`` seen from its end ``end`` (|end| where unbounded)."""
    other = cut.lower if end == cut.upper else cut.upper
    return abs(end - other) if np.isfinite(other) else max(abs(end), 1.0)


def _towards(end: float, cut: Transform) -> np.ndarray:
    """Signed distances from ``end`` into the interval ``cut``, at 10⁻ᵏ of its width: probes
    that stay apart from the end in floating point."""
    inward = 1.0 if end == cut.upper else -1.0
    return inward * _width(end, cut) * 10.0 ** -np.asarray(END_DECADES, dtype=float)


def _at(names: tuple[str, ...], theta: np.ndarray) -> str:
    return ", ".join(f"{k} = {v:.6g}" for k, v in zip(names, theta, strict=True))


def _name(derivation: Derivation) -> str:
    return "log-posterior" if derivation.problem.is_map else "log-likelihood"
