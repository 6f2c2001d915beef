"""SymPy expressions with sums over the data → readable, vectorised NumPy source.

``sympy.lambdify`` alone turns ``Sum(f(x[i]), (i, 1, n))`` into a Python generator that
indexes from 1, wraps around on small integer dtypes, and is quadratic for nested sums.
Here every distinct sum becomes one reduction over the whole data array instead:

* sums are hoisted innermost first into locals (``S0 = numpy.sum(x, dtype=float64)``), so
  the normal σ̂² is the two-pass ``numpy.sum((x - S0/n)**2)``, not Σx² − (Σx)²/n;
* equal sums are computed once, and element-wise subexpressions shared by several sums
  (``log(x)`` in the lognormal) become one array local, deleted after its last use;
* ``log Γ``, ``log n!``, ``log C(m, x)`` and ``log B(a, b)`` are printed as ``gammaln``
  forms, which do not overflow;
* a root of a quadratic, A + c·√D, is computed without cancellation: D as A²/c² + R/c²
  with R = c²D − A² simplified symbolically, and R / (c√D − A) where A and c√D have
  opposite signs (the textbook stable quadratic formula).

The result is compiled by ``sympy.lambdify`` with a custom printer; its source is kept.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.printing.numpy import SciPyPrinter

from ..engine.order import Largest, OrderStatistic, SampleMedian, Smallest
from ..engine.soft_threshold import SoftThreshold
from ..errors import MlemapError

__all__ = [
    "Column",
    "CompiledFunction",
    "Greatest",
    "Least",
    "Middle",
    "Reduction",
    "Reductions",
    "Tally",
    "Total",
    "compile_function",
    "hoist_sums",
    "stable_logs",
    "stable_roots",
]


class Reduction(sp.Function):
    """One NumPy reduction over all observations of an element-wise array expression."""

    nargs = 1


class Total(Reduction):
    """Σ over all observations: ``numpy.sum`` with a float64 accumulator."""


class Least(Reduction):
    """The smallest observation, x₍₁₎: ``numpy.min``."""


class Greatest(Reduction):
    """The largest observation, x₍ₙ₎: ``numpy.max``."""


class Tally(Reduction):
    """How often each integer 0, …, length − 1 occurs among the observations:
    ``numpy.bincount``, so that the counts nⱼ = Σᵢ [xᵢ = j] of every category are one pass."""

    nargs = 2


class Column(sp.Function):
    """Count j of every observation of a vector of counts, ``x[:, j - 1]``: the array the
    summand xᵢⱼ of a sum over the observations stands for."""

    nargs = 2


class Middle(Reduction):
    """The sample median x̃: ``numpy.median``, the midpoint of the middle two for even n."""


#: The engine's order statistics and the reductions that compute them.
_ORDER_REDUCTIONS: dict[type, type] = {Smallest: Least, Largest: Greatest, SampleMedian: Middle}


@dataclass(frozen=True)
class Reductions:
    """Expressions rewritten so that every sum over the data is a named local.

    ``locals`` holds, in an order where each definition only uses earlier ones, the array
    temporaries (element-wise subexpressions used by several sums) and the statistics
    (``Total(summand)``); ``outputs`` are the original expressions in terms of those locals.
    """

    data: sp.Symbol
    locals: tuple[tuple[sp.Symbol, sp.Expr], ...]
    outputs: tuple[sp.Expr, ...]

    @property
    def statistics(self) -> dict[sp.Symbol, sp.Expr]:
        """Statistic symbol → its summand (in terms of the data array)."""
        return {s: e.args[0] for s, e in self.locals if isinstance(e, Total)}

    @property
    def elementwise(self) -> bool:
        """Whether any reduction needs more than the data themselves (Σ xᵢ alone needs only
        a float64 accumulator; anything else is computed on a float64 copy of the data)."""
        return any(e != self.data for e in self.statistics.values()) or any(
            not isinstance(e, Reduction) for _, e in self.locals
        )

    def split(
        self, parameters: Iterable[sp.Symbol], leading: int
    ) -> tuple[Reductions, Reductions, tuple[sp.Symbol, ...]]:
        """Two stages for a function evaluated at many parameter values (an optimiser's).

        The first stage computes, once, every local free of ``parameters`` and the first
        ``leading`` outputs (which must be free of them); the second computes the locals
        that depend on the parameters and the remaining outputs. The third item names the
        first-stage locals the second stage takes as arguments.
        """
        varying = set(parameters)
        for symbol, value in self.locals:
            if value.free_symbols & varying:
                varying.add(symbol)
        late = tuple(self.outputs[leading:])
        second = tuple((s, e) for s, e in self.locals if s in varying)
        used = set().union(*(e.free_symbols for e in late), *(e.free_symbols for _, e in second))
        passed = tuple(s for s, _ in self.locals if s in used and s not in varying)
        first = tuple((s, e) for s, e in self.locals if s not in varying)
        early = self.outputs[:leading]
        if any(e.free_symbols & varying for e in early):
            raise MlemapError("a first-stage output depends on the parameters")
        return (
            Reductions(self.data, first, (*early, *passed)),
            Reductions(self.data, second, late),
            passed,
        )


def stable_logs(expr: sp.Expr) -> sp.Expr:
    """``log`` of Γ, factorial, binomial and beta functions as log-gamma sums (no overflow:
    Γ(200) is not a float64, log Γ(200) is)."""
    lg = sp.loggamma

    def rewrite(arg: sp.Expr) -> sp.Expr | None:
        if isinstance(arg, sp.gamma):
            return lg(arg.args[0])
        if isinstance(arg, sp.factorial):
            return lg(arg.args[0] + 1)
        if isinstance(arg, sp.binomial):
            top, k = arg.args
            return lg(top + 1) - lg(k + 1) - lg(top - k + 1)
        if isinstance(arg, sp.beta):
            a, b = arg.args
            return lg(a) + lg(b) - lg(a + b)
        return None

    return sp.sympify(expr, strict=True).replace(
        lambda e: isinstance(e, sp.log) and rewrite(e.args[0]) is not None,
        lambda e: rewrite(e.args[0]),
    )


def stable_roots(expr: sp.Expr) -> sp.Expr:
    """Rewrite each A + c·√D (c a number) whose c²D − A² is simpler than c²D into a form
    without catastrophic cancellation (the MAP estimates under inverse-gamma priors)."""

    def rewrite(add: sp.Expr) -> sp.Expr | None:
        roots = [t for t in add.args if _root_term(t) is not None]
        if len(roots) != 1:
            return None
        coefficient, radicand = _root_term(roots[0])  # type: ignore[misc]
        rest = add - roots[0]
        if rest == 0:
            return None
        remainder = sp.expand(coefficient**2 * radicand - rest**2)
        if sp.count_ops(remainder) >= sp.count_ops(sp.expand(coefficient**2 * radicand)):
            return None
        root = sp.sqrt((rest**2 + remainder) / coefficient**2)
        return sp.Piecewise(
            (remainder / (coefficient * root - rest), rest * coefficient < 0),
            (rest + coefficient * root, True),
        )

    return sp.sympify(expr, strict=True).replace(
        lambda e: e.is_Add and rewrite(e) is not None, lambda e: rewrite(e)
    )


def _root_term(term: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    coefficient, factor = term.as_coeff_Mul()
    if factor.is_Pow and factor.exp == sp.S.Half and coefficient.is_Number:
        return coefficient, factor.base
    return None


def hoist_sums(
    exprs: Sequence[sp.Expr],
    x: sp.IndexedBase,
    count: sp.Symbol,
    reserved: Iterable[str] = (),
) -> Reductions:
    """Rewrite ``exprs`` so that each distinct ``Sum(f(x[k]), (k, 1, count))`` is a local.

    Inner sums are hoisted first, so an outer summand refers to the inner sum's local. A
    sum over anything but all observations, or an ``x[k]`` outside any sum, is an error:
    it cannot be one reduction.
    """
    taken = {str(s) for e in exprs for s in sp.sympify(e, strict=True).free_symbols} | set(reserved)
    data = sp.Symbol(str(x.label))
    names = _fresh_names(taken)
    totals: dict[sp.Expr, sp.Symbol] = {}
    definitions: list[tuple[sp.Symbol, sp.Expr]] = []

    def lift(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.Sum):
            return lift_sum(e)
        if isinstance(e, OrderStatistic):
            return lift_order(e)
        if isinstance(e, sp.Indexed):
            raise MlemapError(f"{e} appears outside a sum over the data; it cannot be vectorised")
        if not e.args:
            return e
        args = [lift(a) for a in e.args]
        return e.func(*args) if args != list(e.args) else e

    def lift_sum(s: sp.Sum) -> sp.Expr:
        if len(s.limits) != 1:
            raise MlemapError(f"{s} sums over several indices; only Σ over observations is allowed")
        index, lower, upper = s.limits[0]
        if lower != 1 or upper != count:
            raise MlemapError(
                f"{s} does not run over all observations ({index} = 1, …, {count}); "
                "it cannot be one reduction over the data"
            )
        summand = lift(_columns(s.function, x, index, data).xreplace({x[index]: data}))
        if summand.has(index):
            raise MlemapError(
                f"the summand of {s} uses the index {index} other than through {x}[{index}]"
            )
        if not summand.has(data):
            return count * summand
        category = _category(summand, data)
        if category is not None:
            return lift_count(category)
        if summand not in totals:
            symbol = sp.Symbol(next(names))
            totals[summand] = symbol
            definitions.append((symbol, Total(summand)))
        return totals[summand]

    def lift_order(e: OrderStatistic) -> sp.Symbol:
        if e.data != x or e.size != count:
            raise MlemapError(f"{e} is not an order statistic of all observations of {x}")
        reduction = _ORDER_REDUCTIONS[type(e)](data)
        if reduction not in totals:
            totals[reduction] = sp.Symbol(next(names))
            definitions.append((totals[reduction], reduction))
        return totals[reduction]

    tally: list[sp.Symbol] = []
    categories: set[int] = set()

    def lift_count(category: int) -> sp.Expr:
        if not tally:
            tally.append(sp.Symbol(next(names)))
        categories.add(category)
        return sp.Indexed(sp.IndexedBase(tally[0]), category)

    outputs = tuple(stable_roots(lift(stable_logs(e))) for e in exprs)
    if tally:
        definitions.append((tally[0], Tally(data, sp.Integer(max(categories) + 1))))
    return Reductions(data, _share_arrays(definitions, data, taken), outputs)


def _columns(summand: sp.Expr, x: sp.IndexedBase, index: sp.Symbol, data: sp.Symbol) -> sp.Expr:
    """Each count ``x[index, j]`` of a vector observation as the data's column j."""
    return summand.replace(
        lambda e: (
            isinstance(e, sp.Indexed)
            and e.base == x
            and len(e.indices) == 2
            and e.indices[0] == index
            and e.indices[1].is_Integer
        ),
        lambda e: Column(data, e.indices[1]),
    )


def _category(summand: sp.Expr, data: sp.Symbol) -> int | None:
    """j where the summand is the indicator [x = j] of a non-negative integer j."""
    if isinstance(summand, sp.KroneckerDelta) and data in summand.args:
        (other,) = [a for a in summand.args if a != data] or [None]
        if other is not None and other.is_Integer and other >= 0:
            return int(other)
    return None


def _fresh_names(taken: set[str], prefix: str = "S") -> Iterable[str]:
    number = 0
    while True:
        name = f"{prefix}{number}"
        number += 1
        if name not in taken:
            yield name


def _share_arrays(
    definitions: list[tuple[sp.Symbol, sp.Expr]], data: sp.Symbol, taken: set[str]
) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """Element-wise subexpressions used by several summands become array locals ``A0``, …;
    everything is then ordered so that each local is defined before it is used."""
    summands = [e.args[0] for _, e in definitions]
    replacements, reduced = sp.cse(
        summands, symbols=(sp.Symbol(s) for s in _fresh_names(taken, "A")), order="none"
    )
    arrays: list[tuple[sp.Symbol, sp.Expr]] = []
    inline: dict[sp.Symbol, sp.Expr] = {}
    for symbol, value in replacements:
        value = value.xreplace(inline)
        if value.has(data, *(a for a, _ in arrays)):
            arrays.append((symbol, value))
        else:  # a scalar such as S0/n: not worth a name of its own
            inline[symbol] = value
    statistics = [
        (s, e.func(r.xreplace(inline), *e.args[1:]))
        for (s, e), r in zip(definitions, reduced, strict=True)
    ]
    pending = arrays + statistics
    names = {s for s, _ in pending}
    ordered: list[tuple[sp.Symbol, sp.Expr]] = []
    done: set[sp.Symbol] = set()
    while pending:
        ready = next(d for d in pending if not (d[1].free_symbols & names) - done)
        ordered.append(ready)
        done.add(ready[0])
        pending.remove(ready)
    return tuple(ordered)


class ReductionPrinter(SciPyPrinter):
    """NumPy/SciPy printer that prints :class:`Total` as a float64 ``numpy.sum`` and keeps
    ``1/x`` readable."""

    def _print_Total(self, expr: Total) -> str:
        return (
            f"{self._module_format('numpy.sum')}({self._print(expr.args[0])}, "
            f"dtype={self._module_format('numpy.float64')})"
        )

    def _print_Least(self, expr: Least) -> str:
        return f"{self._module_format('numpy.min')}({self._print(expr.args[0])})"

    def _print_Greatest(self, expr: Greatest) -> str:
        return f"{self._module_format('numpy.max')}({self._print(expr.args[0])})"

    def _print_Tally(self, expr: Tally) -> str:
        data, length = (self._print(a) for a in expr.args)
        numpy = {name: self._module_format(f"numpy.{name}") for name in ("asarray", "intp")}
        integers = f"{numpy['asarray']}({data}).astype({numpy['intp']})"
        return f"{self._module_format('numpy.bincount')}({integers}, minlength={length})"

    def _print_Column(self, expr: Column) -> str:
        data, j = expr.args
        return f"{self._print(data)}[:, {int(j) - 1}]"

    def _print_Middle(self, expr: Middle) -> str:
        return f"{self._module_format('numpy.median')}({self._print(expr.args[0])})"

    def _print_SoftThreshold(self, expr: SoftThreshold) -> str:
        """S(z, λ) as sign(z)·maximum(|z| − λ, 0), element-wise."""
        z, penalty = (self._print(a) for a in expr.args)
        numpy = {f: self._module_format(f"numpy.{f}") for f in ("sign", "maximum", "abs")}
        return f"{numpy['sign']}({z})*{numpy['maximum']}({numpy['abs']}({z}) - ({penalty}), 0)"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.exp.is_Integer and expr.exp < 0:
            base = sp.Pow(expr.base, -expr.exp, evaluate=False) if expr.exp != -1 else expr.base
            return f"1/{self.parenthesize(base, sp.printing.precedence.PRECEDENCE['Mul'] + 1)}"
        return super()._print_Pow(expr, rational=rational)

    def _print_Pi(self, expr: sp.Expr) -> str:
        return self._module_format("numpy.pi")

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        """Two pieces, the last unconditional, as ``numpy.where`` (which array libraries
        such as Dask dispatch)."""
        if len(expr.args) == 2 and expr.args[1].cond == sp.true:
            (then, condition), (otherwise, _) = expr.args
            where = self._module_format("numpy.where")
            return (
                f"{where}({self._print(condition)}, {self._print(then)}, {self._print(otherwise)})"
            )
        return super()._print_Piecewise(expr)

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        """A⁻¹ B as ``solve(A, B)``: a linear solve, never an explicit inverse."""
        coefficient, matrices = expr.as_coeff_matrices()
        for k, matrix in enumerate(matrices):
            if isinstance(matrix, sp.Inverse) and k + 1 < len(matrices):
                solve = self._module_format("numpy.linalg.solve")
                rest = self._print(_product(matrices[k + 1 :]))
                text = f"{solve}({self._print(matrix.arg)}, {rest})"
                if k:
                    text = f"({self._print(_product(matrices[:k]))}).dot({text})"
                return text if coefficient == 1 else f"{self._print(coefficient)}*{text}"
        return super()._print_MatMul(expr)

    def _print_Inverse(self, expr: sp.Inverse) -> str:
        """A lone A⁻¹ as the solution of A Z = I (still no explicit inverse)."""
        matrix = self._print(expr.arg)
        eye = self._module_format("numpy.eye")
        return f"{self._module_format('numpy.linalg.solve')}({matrix}, {eye}({expr.arg.shape[0]}))"


def _product(matrices: Sequence[sp.MatrixExpr]) -> sp.MatrixExpr:
    return matrices[0] if len(matrices) == 1 else sp.MatMul(*matrices)


@dataclass(frozen=True)
class CompiledFunction:
    """A generated function and its source."""

    function: object
    source: str
    arguments: tuple[str, ...]

    def __call__(self, *args: object) -> tuple:
        return self.function(*args)  # type: ignore[operator]


def compile_function(
    arguments: Sequence[sp.Symbol], reductions: Reductions, name: str = ""
) -> CompiledFunction:
    """Compile ``reductions`` into ``f(*arguments) -> tuple(outputs)`` with ``sympy.lambdify``.

    The locals become assignments (array temporaries are deleted after their last use);
    the outputs are returned as a tuple, in order.
    """
    assignments = _with_deletions(reductions)

    def hoisted(_: object) -> tuple[list, list[sp.Expr]]:
        return assignments, list(reductions.outputs)

    printer = ReductionPrinter(
        {"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True}
    )
    function = sp.lambdify(
        list(arguments),
        list(reductions.outputs),
        modules=["scipy", "numpy"],
        printer=printer,
        cse=hoisted,
        docstring_limit=0,
    )
    source = inspect.getsource(function)
    if name:
        source = f"# {name}\n{source}"
    return CompiledFunction(function, source, tuple(str(a) for a in arguments))


def _with_deletions(reductions: Reductions) -> list[tuple[sp.Symbol, sp.Expr | None]]:
    """The assignments, each array temporary followed by ``del`` after its last use."""
    arrays = {s for s, e in reductions.locals if not isinstance(e, Reduction)}
    steps: list[tuple[sp.Symbol, sp.Expr | None]] = []
    uses = [e.free_symbols for _, e in reductions.locals]
    for position, (symbol, value) in enumerate(reductions.locals):
        steps.append((symbol, value))
        for array in sorted(arrays, key=str):
            used_here = array in uses[position] or array == symbol
            used_later = any(array in u for u in uses[position + 1 :]) or any(
                o.has(array) for o in reductions.outputs
            )
            if used_here and not used_later and array != symbol:
                steps.append((array, None))
    return steps
