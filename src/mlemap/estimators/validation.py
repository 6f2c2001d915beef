"""Input checks shared by every estimator: the observations and the keyword values.

Every message names the argument, what was wrong, and what is allowed. The checks are
whole-array NumPy reductions (``min``, ``max``; ``rint`` for integer supports given as
floats), never a Python loop over the data; the slower element-by-element search for the
first offending observation runs only to write an error message.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp

from ..catalog.domains import Counts, Domain, Support
from ..errors import DataError, DomainError, MlemapError, UnknownNameError
from .arrays import Namespace, checked_chunks, namespace_of, to_numpy

__all__ = [
    "Interval",
    "Keyword",
    "Observations",
    "check_keywords",
    "check_observations",
]

#: dtype kinds accepted as real data: bool, signed and unsigned integers, floats.
REAL_KINDS = frozenset("biuf")


@dataclass(frozen=True)
class Interval:
    """A numeric interval with open or closed ends, checked without SymPy (fast)."""

    lower: float
    upper: float
    lower_open: bool
    upper_open: bool
    integer: bool = False

    @classmethod
    def of(cls, domain: Domain) -> Interval:
        interval = domain.interval
        if isinstance(interval, sp.Range):
            return cls(float(interval.inf), float(interval.sup), False, False, True)
        return cls(
            float(interval.inf),
            float(interval.sup),
            bool(interval.left_open),
            bool(interval.right_open),
            domain.integer,
        )

    def admits(self, value: float) -> bool:
        if not math.isfinite(value) or (self.integer and value != round(value)):
            return False
        above = value > self.lower if self.lower_open else value >= self.lower
        below = value < self.upper if self.upper_open else value <= self.upper
        return above and below

    def closure_admits(self, value: float) -> bool:
        """Membership in the closed interval: a degenerate estimate on the boundary of the
        domain (θ̂ = 1 from all heads) is still an answer."""
        return math.isfinite(value) and self.lower <= value <= self.upper


@dataclass(frozen=True)
class Keyword:
    """One keyword argument of an estimator: a known constant or a hyperparameter."""

    spelling: str  # the Python name the caller uses (``lam`` for ``lambda``)
    name: str  # the catalog name
    domain: Domain
    role: str  # "hyperparameter of the Beta prior on theta", "known constant of …"

    @cached_property
    def interval(self) -> Interval:
        return Interval.of(self.domain)

    def describe(self) -> str:
        return f"{self.spelling} ({self.role}, in {self.domain.describe()})"


def check_keywords(
    given: Mapping[str, object],
    expected: Sequence[Keyword],
    where: str,
    spellings: Mapping[str, str],
) -> tuple[float, ...]:
    """The keyword values in ``expected`` order, each a float inside its domain."""
    by_spelling = {k.spelling: k for k in expected}
    for name in given:
        if name not in by_spelling:
            if spellings.get(name) in by_spelling:
                raise UnknownNameError(
                    "keyword",
                    name,
                    by_spelling,
                    f"{where} ({name!r} is a Python keyword; pass it as {spellings[name]}=…)",
                )
            raise UnknownNameError("keyword", name, by_spelling, where)
    missing = [k for k in expected if k.spelling not in given]
    if missing:
        raise MlemapError(
            f"missing keyword argument{'s' if len(missing) > 1 else ''} {where}: "
            + "; ".join(k.describe() for k in missing)
        )
    return tuple(_value(given[k.spelling], k) for k in expected)


def _value(value: object, keyword: Keyword) -> float:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise DomainError(
            f"{keyword.spelling} must be a real number in {keyword.domain.describe()} "
            f"({keyword.role}); got {value!r} of type {type(value).__name__}"
        )
    number = float(value)
    if not keyword.interval.admits(number):
        raise DomainError(
            f"{keyword.spelling} must be in {keyword.domain.describe()} ({keyword.role}); "
            f"got {value!r}"
        )
    return number


@dataclass(frozen=True)
class Observations:
    """Checked data: the array to reduce over, its length, whether it is lazy (Dask: its
    checks run when it is computed), and the array-API namespace of an array of another
    library (``None`` for NumPy)."""

    values: object
    size: int
    lazy: bool
    raw: object = None  # the values before the float64 conversion (for error messages)
    xp: Namespace | None = None


class SupportCheck:
    """Membership of whole arrays in a model's support, with the bounds compiled once from
    the known constants (the binomial's m, the Pareto scale)."""

    def __init__(self, support: Support, constants: Sequence[sp.Symbol], model: str) -> None:
        self.support = support
        self.model = model
        self.constants = tuple(constants)
        self._bounds: Callable[..., tuple[float, float]] = sp.lambdify(
            self.constants, (support.lower, support.upper), "math"
        )

    def bounds(self, constants: Sequence[float]) -> tuple[float, float]:
        lower, upper = self._bounds(*constants)
        return float(lower), float(upper)

    def check(
        self,
        values: np.ndarray,
        constants: Sequence[float],
        name: str,
        witnessed: bool = False,
        offset: int = 0,
    ) -> None:
        """Raise :class:`DataError` unless every value is finite and inside the support.

        Each bound costs one reduction (``min``, ``max``) and is skipped where it is
        infinite; so is finiteness when ``witnessed`` (the caller then checks a sum that is
        finite only if every value is, with :meth:`confirm_finite`).
        """
        if isinstance(self.support, Counts):
            self._check_counts(values, constants, name, offset)
            return
        lower, upper = self.bounds(constants)
        support = self.support
        floating = values.dtype.kind == "f"
        both = floating and not witnessed  # min and max together see every NaN and ±inf
        if both or lower > -np.inf:
            low = values.min()
            if (floating and np.isnan(low)) or (
                low <= lower if support.lower_open else low < lower
            ):
                self._fail(values, constants, name, offset)
        if both or upper < np.inf:
            high = values.max()
            upper_open = support.upper_open and not support.integer
            above = high >= upper if upper_open else high > upper
            if above or (floating and np.isnan(high)):
                self._fail(values, constants, name, offset)
        if both and not (np.isfinite(low) and np.isfinite(high)):
            self._fail(values, constants, name, offset)
        if support.integer and floating and not _integral(values):
            self._fail(values, constants, name, offset)

    def _check_counts(
        self, values: np.ndarray, constants: Sequence[float], name: str, offset: int = 0
    ) -> None:
        """Every entry a non-negative integer and every row adding up to the total (m)."""
        support = self.support
        assert isinstance(support, Counts)
        _, total = self.bounds(constants)
        counts = values.astype(np.float64, copy=False)
        with np.errstate(invalid="ignore"):
            bad = ~(np.isfinite(counts) & (counts >= 0) & (counts == np.rint(counts)))
        if bad.any():
            row, column = (int(k) for k in np.argwhere(bad)[0])
            value = values[row, column].item()
            reason = (
                "is NaN (a missing value?)"
                if np.isnan(value)
                else "is not finite"
                if np.isinf(value)
                else "is negative"
                if value < 0
                else "is not an integer"
            )
            raise DataError(
                f"{name}[{row + offset}, {column}] = {value!r} {reason}; each of the "
                f"{support.components} counts of an observation of model {self.model!r} is a "
                f"non-negative integer"
            )
        sums = counts.sum(axis=1)
        wrong = np.flatnonzero(sums != total)
        if wrong.size:
            row = int(wrong[0])
            raise DataError(
                f"the counts of {name}[{row + offset}] add up to {sums[row]:g}, not to the "
                f"number of trials {support.total} = {total:g}; each observation of model "
                f"{self.model!r} is {support.components} counts adding up to {support.total}"
            )

    def confirm_finite(
        self, witness: float, values: np.ndarray, constants: Sequence[float], name: str
    ) -> None:
        """Finish a ``witnessed`` check: a non-finite witness sum means a non-finite value
        (found and reported) or a sum that overflowed float64."""
        if not np.isfinite(witness):
            self._fail(values, constants, name)
            raise DataError(
                f"a sum over {name} overflowed float64 ({witness}); rescale the observations"
            )

    def refuse(
        self, values: np.ndarray, constants: Sequence[float], name: str, offset: int = 0
    ) -> None:
        """Raise :class:`DataError` for values known to hold one outside the support (or
        NaN, ±inf, a non-integer for a count model), naming the first."""
        self._fail(values, constants, name, offset)
        raise DataError(
            f"{name} holds a value outside the support of model {self.model!r}, "
            f"{self.support.describe()}"
        )

    def check_array(
        self, xp: Namespace, values: object, constants: Sequence[float], name: str
    ) -> None:
        """:meth:`check` for an eager array of another library, in its own array functions
        (on its device); the array is copied to NumPy only to write a refusal."""
        lower, upper = self.bounds(constants)
        support = self.support
        inside = xp.isfinite(values) if xp.isdtype(values.dtype, "real floating") else None
        tests = []
        if lower > -np.inf:
            tests.append(values > lower if support.lower_open else values >= lower)
        if upper < np.inf:
            upper_open = support.upper_open and not support.integer
            tests.append(values < upper if upper_open else values <= upper)
        if support.integer and inside is not None:
            tests.append(values == xp.round(values))
        for test in tests:
            inside = test if inside is None else inside & test
        if inside is not None and not bool(xp.all(inside)):
            self.refuse(to_numpy(values), constants, name)

    def _fail(
        self, values: np.ndarray, constants: Sequence[float], name: str, offset: int = 0
    ) -> None:
        """Report the first value outside the support (if there is one); ``offset`` is the
        index of ``values[0]`` in the whole array (a chunk of a Dask array)."""
        known = dict(zip(self.constants, constants, strict=True))
        outside = np.flatnonzero(~self.support.contains(values, known))
        if not outside.size:
            return
        where = int(outside[0])
        value = values[where].item()
        where += offset
        if np.isnan(value):
            reason = "is NaN (a missing value?); every observation must be a finite number"
        elif np.isinf(value):
            reason = "is infinite; every observation must be finite"
        elif self.support.integer and value != round(value):
            reason = "is not an integer"
        else:
            reason = "is outside the support"
        bounds = (self.support.lower, self.support.upper)
        given = ", ".join(f"{s} = {v:g}" for s, v in known.items() if any(b.has(s) for b in bounds))
        support = self.support.describe() + (f" with {given}" if given else "")
        raise DataError(
            f"{name}[{where}] = {value!r} {reason}; observations of model {self.model!r} "
            f"lie in {support}"
        )


def _integral(values: np.ndarray) -> bool:
    return bool(np.array_equal(np.rint(values), values))


def check_observations(
    x: object,
    support: SupportCheck,
    constants: Sequence[float],
    *,
    name: str = "x",
    float64: bool = True,
    check_values: bool = True,
    witnessed: bool = False,
    materialize: bool = False,
    deferred: bool = False,
) -> Observations:
    """Check ``x`` as i.i.d. observations of a model and return it ready for reduction.

    Lists and NumPy arrays of any real dtype (bool, integers, floats) are checked in full:
    one-dimensional, not empty, finite, inside the support. Arrays of other libraries with
    an array-API namespace (Dask, JAX, CuPy, PyTorch) keep their type and are checked the
    same in their own terms: eagerly on their device, or for Dask in each chunk when the
    graph is computed (:mod:`.arrays`); ``materialize`` asks for a NumPy copy instead (the
    numeric method needs one). With ``float64`` the result is converted once to
    float64; otherwise it keeps its dtype and each sum accumulates in float64. ``deferred``
    leaves the value checks and the conversion of a NumPy array to the caller, which makes
    them in its one pass over the data (:mod:`.fused`).
    """
    values, xp = _as_array(x, name)
    if xp is not None and materialize:
        values, xp = to_numpy(values), None
    dtype = _dtype(values, xp)
    if dtype.kind not in REAL_KINDS:
        hint = " (does the list hold None, strings or other objects?)" if dtype.kind == "O" else ""
        raise DataError(
            f"{name} must hold real numbers (bool, integer or float); got dtype {dtype}{hint}"
        )
    shape = tuple(values.shape)
    components = support.support.components if isinstance(support.support, Counts) else 0
    if components:
        _counts_shape(shape, components, name, support.model)
    elif len(shape) != 1:
        hint = "; flatten it with x.ravel()" if len(shape) == 2 and 1 in shape else ""
        raise DataError(
            f"{name} must be one-dimensional, one observation per entry; got shape {shape}{hint}"
        )
    size = shape[0]
    if not isinstance(size, int | numbers.Integral):  # int first: the common case, fast
        raise DataError(
            f"{name} has unknown length {size}; give it known chunk sizes "
            "(for Dask: x.compute_chunk_sizes())"
        )
    if size == 0:
        raise DataError(f"{name} is empty; an estimate needs at least one observation")
    if xp is not None and components:
        raise DataError(
            f"{name} is a {type(values).__name__}; the counts of model {support.model!r} are "
            "checked and reduced as a NumPy array: pass numpy.asarray(x)"
        )
    if xp is not None:
        return _other_library(
            values, int(size), xp, support, constants, name, check_values, float64
        )
    if deferred:
        return Observations(values, int(size), False, values)
    if check_values:
        support.check(values, constants, name, witnessed)
    raw = values
    if float64 and dtype != np.float64:
        values = values.astype(np.float64)
    return Observations(values, int(size), False, raw)


def _counts_shape(shape: tuple, components: int, name: str, model: str) -> None:
    if len(shape) != 2 or shape[1] != components:
        raise DataError(
            f"{name} must be an (n, {components}) array, one row of {components} counts per "
            f"observation of model {model!r}; got shape {shape}"
        )


def _other_library(
    values: object,
    size: int,
    xp: Namespace,
    support: SupportCheck,
    constants: Sequence[float],
    name: str,
    check_values: bool,
    float64: bool,
) -> Observations:
    """Observations of an array of another library, checked in its own terms (see
    :mod:`.arrays`); converted to its widest float where the sums need it."""
    raw = values
    if check_values and xp.lazy:
        constants = tuple(constants)
        values = checked_chunks(
            values, lambda chunk, offset: support.check(chunk, constants, name, offset=offset)
        )
    elif check_values:
        support.check_array(xp, values, constants, name)
    if float64 and values.dtype != xp.float64:  # type: ignore[attr-defined]
        values = xp.astype(values, xp.float64)
    return Observations(values, size, xp.lazy, raw, xp)


def _dtype(values: object, xp: Namespace | None) -> np.dtype:
    """The NumPy dtype of the values (a library's own dtype, such as PyTorch's, by kind)."""
    try:
        return np.dtype(values.dtype)  # type: ignore[attr-defined]
    except TypeError:
        assert xp is not None
        for kind, example in (("bool", np.bool_), ("integral", np.int64)):
            if xp.isdtype(values.dtype, kind):  # type: ignore[attr-defined]
                return np.dtype(example)
        if xp.isdtype(values.dtype, "real floating"):  # type: ignore[attr-defined]
            return np.dtype(np.float64)
        return np.dtype(object)


def refuse_masked(x: object, name: str, instead: str) -> None:
    """Refuse a masked array, whose masked entries NumPy would read as data: one rule for the
    scalar and the regression estimators."""
    if isinstance(x, np.ma.MaskedArray):
        raise DataError(
            f"{name} is a masked array; masked entries would be used as data. {instead}"
        )


def _as_array(x: object, name: str) -> tuple[object, Namespace | None]:
    refuse_masked(x, name, "Pass x.compressed() (the unmasked observations) instead")
    if isinstance(x, np.ndarray):
        return x, None
    if hasattr(x, "dtype") and hasattr(x, "shape"):
        xp = namespace_of(x)
        if xp is not None:
            return x, xp
    if isinstance(x, str | bytes):
        raise DataError(f"{name} must be a sequence of real numbers, not a {type(x).__name__}")
    try:
        return np.asarray(x), None
    except (TypeError, ValueError) as error:
        raise DataError(
            f"{name} must be a sequence of real numbers that NumPy can read as a "
            f"one-dimensional array; {error}"
        ) from None
