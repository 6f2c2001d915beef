"""One pass over the data: the support checks fused with the sums, compiled by numba.

A validated estimate needs the sums of the data and the checks of every observation (finite,
inside the support, an integer for a count model, not all equal where that is degenerate).
As separate NumPy passes (``sum``, ``min``, ``max``, ``rint``) they read the data four or
five times; here one compiled loop reads each value once and does all of it:

* ``bad`` counts the values that fail a check (NaN, ±inf, outside a bound, not an integer);
* ``differs`` counts the values unequal to the first, where all-equal data are degenerate
  (0 otherwise);
* each sum of a polynomial in the observations alone (Σxᵢ, Σxᵢ²) is accumulated
  in blocks of :data:`BLOCK` values, vectorised within a block and added up across blocks
  with Neumaier's compensation, so it is as accurate as NumPy's pairwise sum.

Sums that need an earlier sum (Σ(xᵢ − x̄)²), and sums of log xᵢ, xᵢᵏ and other functions
(NumPy's vectorised ufuncs compute them faster than numba's scalar calls), stay in the
NumPy code that follows; the pass then makes only the checks. numba is optional
(``pip install mlemap[fast]``): without it :func:`fuse` returns ``None`` and the estimator
makes the separate passes. The kernel of one generated source is compiled once per process
and dtype, on its first call (about 0.5 s; numba's import, 0.36 s, comes with the first).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..catalog.domains import Counts, Support
from .lambdify import Reductions, Total

__all__ = ["BLOCK", "KERNEL_DTYPES", "FusedPass", "available", "fuse"]

#: Values per block: small enough to stay in L1 cache, large enough to amortise the call.
BLOCK = 2048
#: dtypes read by the kernel as they are; others are converted to float64 first (each dtype
#: compiles the kernel again, so the rare ones share the float64 one).
KERNEL_DTYPES = frozenset(np.dtype(t) for t in (np.float64, np.float32, np.int64, np.bool_))


def available() -> bool:
    """Whether numba is installed (checked without importing it)."""
    return importlib.util.find_spec("numba") is not None


@dataclass(frozen=True)
class FusedPass:
    """The kernel ``(x, lower, upper, *known) -> (bad, differs, *sums)`` (its ``source``),
    the statistics it computes, in order, and the rest of the reductions in terms of them."""

    statistics: tuple[sp.Symbol, ...]
    rest: Reductions
    source: str

    def __call__(self, x: np.ndarray, lower: float, upper: float, known: Sequence[float]):
        if x.dtype not in KERNEL_DTYPES:
            x = x.astype(np.float64)
        return _compiled(self.source)(x, lower, upper, *known)


def fuse(
    plan: Reductions, known: Sequence[sp.Symbol], support: Support, equality: bool
) -> FusedPass | None:
    """The one-pass kernel for ``plan``'s sums of the data alone and ``support``'s checks
    (and, with ``equality``, the count of values unequal to the first), or ``None`` where
    numba is missing."""
    if not available() or isinstance(support, Counts):  # the kernel reads one value a row
        return None
    arrays = {s: e for s, e in plan.locals if not isinstance(e, Total)}
    allowed = {plan.data, *known}
    fused: list[tuple[sp.Symbol, sp.Expr]] = []
    for symbol, value in plan.locals:
        if not isinstance(value, Total):
            continue
        summand = _inline(value.args[0], arrays)
        if summand.free_symbols <= allowed and _polynomial(summand, plan.data):
            fused.append((symbol, summand))
    source = _kernel_source(plan.data, fused, known, support, equality)
    names = {s for s, _ in fused}
    remaining = tuple((s, e) for s, e in plan.locals if s not in names)
    rest = Reductions(plan.data, _used(remaining, plan.outputs), plan.outputs)
    return FusedPass(tuple(s for s, _ in fused), rest, source)


def _inline(expr: sp.Expr, arrays: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    while expr.free_symbols & set(arrays):
        expr = expr.xreplace(arrays)
    return expr


def _polynomial(expr: sp.Expr, data: sp.Symbol) -> bool:
    """Whether a summand is a polynomial in the data: a few multiplications a value, which
    cost nothing beside reading it. log, exp and xᵏ are left to NumPy, whose vectorised
    ufuncs are faster than the scalar libm calls numba makes."""
    return not expr.atoms(sp.Function) and bool(expr.is_polynomial(data))


def _used(
    locals_: tuple[tuple[sp.Symbol, sp.Expr], ...], outputs: tuple[sp.Expr, ...]
) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """The locals still needed, latest first backwards: an array only the fused sums used
    is dropped."""
    needed = set().union(*(o.free_symbols for o in outputs))
    kept: list[tuple[sp.Symbol, sp.Expr]] = []
    for symbol, value in reversed(locals_):
        if symbol in needed:
            kept.append((symbol, value))
            needed |= value.free_symbols
    return tuple(reversed(kept))


def _bound_tests(support: Support) -> list[str]:
    """The per-value tests that flag an observation (each True means bad)."""
    tests = []
    bounded = support.lower != -sp.oo, support.upper != sp.oo
    if bounded[0]:
        tests.append("(v <= lower)" if support.lower_open else "(v < lower)")
    if bounded[1]:
        upper_open = support.upper_open and not support.integer
        tests.append("(v >= upper)" if upper_open else "(v > upper)")
    if support.integer:
        tests.append("(v != numpy.rint(v))")  # NaN too: NaN ≠ NaN
    else:
        tests.append("(v != v)")  # NaN, which no comparison with a bound catches
    if not all(bounded):  # a finite bound on each side would catch ±inf
        tests.append("(abs(v) > 1.7976931348623157e308)")
    return tests


def _kernel_source(
    data: sp.Symbol,
    fused: list[tuple[sp.Symbol, sp.Expr]],
    known: Sequence[sp.Symbol],
    support: Support,
    equality: bool,
) -> str:
    printer = NumPyPrinter({"fully_qualified_modules": True, "inline": True})
    value = sp.Symbol("v")
    # the kernel's own names (k, v, lower, …) cannot clash with a known constant's: those are
    # renamed K0, K1, … and the sums T0, T1, …
    constants = {s: sp.Symbol(f"K{j}") for j, s in enumerate(known)}
    summands = [printer.doprint(e.xreplace({data: value, **constants})) for _, e in fused]
    sums = [f"T{j}" for j in range(len(fused))]
    arguments = ", ".join(["x", "lower", "upper", *(str(c) for c in constants.values())])
    block_arguments = ", ".join(["x", "lower", "upper", "first", *map(str, constants.values())])
    lines = [
        f"def block({block_arguments}):",
        "    bad = 0",
        "    differs = 0",
        *(f"    {s} = 0.0" for s in sums),
        "    for k in range(x.shape[0]):",
        "        v = numpy.float64(x[k])",
        f"        bad += {' | '.join(_bound_tests(support))}",
        *(["        differs += v != first"] if equality else []),
        *(f"        {s} += {e}" for s, e in zip(sums, summands, strict=True)),
        f"    return bad, differs{''.join(', ' + s for s in sums)}",
        "",
        f"def kernel({arguments}):",
        "    first = numpy.float64(x[0])",
        "    bad = 0",
        "    differs = 0",
        *(f"    {s} = 0.0\n    C{s} = 0.0" for s in sums),
        f"    for start in range(0, x.shape[0], {BLOCK}):",
        f"        found = block(x[start:start + {BLOCK}], {block_arguments[3:]})",
        "        bad += found[0]",
        "        differs += found[1]",
        *(f"        {s}, C{s} = neumaier({s}, C{s}, found[{2 + j}])" for j, s in enumerate(sums)),
        f"    return bad, differs{''.join(f', {s} + C{s}' for s in sums)}",
    ]
    return "\n".join(lines) + "\n"


def _neumaier(total: float, compensation: float, term: float) -> tuple[float, float]:
    """Add ``term`` to a compensated sum (Neumaier's variant of Kahan's)."""
    t = total + term
    if not abs(t) <= 1.7976931348623157e308:
        return t, compensation  # overflowed (or NaN): inf − inf would make the sum NaN
    if abs(total) >= abs(term):
        compensation += (total - t) + term
    else:
        compensation += (term - t) + total
    return t, compensation


@cache
def _compiled(source: str) -> Callable[..., tuple]:
    """Compile a kernel source once per process; numba specialises it per dtype on call."""
    import numba

    # reassociation lets the block's sums vectorise; no flag assumes finite values, so the
    # NaN and ±inf tests keep their meaning
    flags = {"reassoc", "nsz", "contract"}
    namespace: dict[str, object] = {"numpy": np}
    exec(compile(source, "<mlemap fused kernel>", "exec"), namespace)  # our own generated code
    namespace["neumaier"] = numba.njit(_neumaier)
    namespace["block"] = numba.njit(fastmath=flags, error_model="numpy")(namespace["block"])
    return numba.njit(error_model="numpy")(namespace["kernel"])
