"""Speed of mlemap's estimators against hand-written NumPy and scipy.stats fits.

Run as ``python benchmarks/bench_estimators.py`` (with ``src`` on ``PYTHONPATH`` or mlemap
installed). Every time is the minimum over several repeats of one run (timeit style), and
every ratio is taken within that run, so the machine's speed cancels out. Columns:

* checked / unchecked: ``f(x)`` (every observation checked: finite, in the support) and
  ``f.unchecked(x)`` (the same estimate without those whole-array checks);
* ratios are ours / the hand-written NumPy one-liner, and ours / ``scipy.stats.*.fit``
  where scipy has a closed-form fit;
* overhead: one checked call at n = 100, in microseconds.

The estimator's calls and the hand-written one alternate within each repeat (best of k), so
the ratios hold on a loaded machine. With numba installed (``mlemap[fast]``) the checks and
the sums share one compiled pass; without it, each check is a NumPy pass of its own.

This is a report, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

import mlemap

X_M = 1.5


@dataclass(frozen=True)
class Case:
    model: str
    dtype: str
    sample: Callable[[np.random.Generator, int], np.ndarray]
    hand: Callable[[np.ndarray], object]
    hand_text: str
    scipy_fit: Callable[[np.ndarray], object] | None = None
    known: tuple[tuple[str, float], ...] = ()


CASES = [
    Case(
        "bernoulli",
        "float64",
        lambda r, n: (r.random(n) < 0.3).astype(np.float64),
        lambda x: x.mean(),
        "x.mean()",
    ),
    Case(
        "bernoulli",
        "bool",
        lambda r, n: r.random(n) < 0.3,
        lambda x: x.mean(),
        "x.mean()",
    ),
    Case(
        "poisson",
        "int64",
        lambda r, n: r.poisson(3.0, n),
        lambda x: x.mean(),
        "x.mean()",
    ),
    Case(
        "poisson",
        "float64",
        lambda r, n: r.poisson(3.0, n).astype(np.float64),
        lambda x: x.mean(),
        "x.mean()",
    ),
    Case(
        "exponential",
        "float64",
        lambda r, n: r.exponential(2.0, n),
        lambda x: 1 / x.mean(),
        "1 / x.mean()",
        lambda x: stats.expon.fit(x, floc=0),
    ),
    Case(
        "normal",
        "float64",
        lambda r, n: r.normal(1.0, 2.0, n),
        lambda x: (x.mean(), x.var()),
        "x.mean(), x.var()",
        lambda x: stats.norm.fit(x),
    ),
    Case(
        "lognormal",
        "float64",
        lambda r, n: r.lognormal(0.5, 0.8, n),
        lambda x: (lambda y: (y.mean(), y.var()))(np.log(x)),
        "y = log(x); y.mean(), y.var()",
        lambda x: stats.lognorm.fit(x, floc=0),
    ),
    Case(
        "rayleigh",
        "float64",
        lambda r, n: r.rayleigh(1.5, n),
        lambda x: np.mean(x**2) / 2,
        "np.mean(x**2) / 2",
        lambda x: stats.rayleigh.fit(x, floc=0),
    ),
    Case(
        "pareto",
        "float64",
        lambda r, n: X_M * (1 + r.pareto(2.5, n)),
        lambda x: x.size / np.sum(np.log(x / X_M)),
        "n / np.sum(np.log(x / x_m))",
        lambda x: stats.pareto.fit(x, floc=0, fscale=X_M),
        (("x_m", X_M),),
    ),
]


def best(call: Callable[[], object], repeat: int, number: int = 1) -> float:
    """Seconds per call: the minimum over ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number


def interleaved(
    calls: dict[str, Callable[[], object]], repeat: int, number: int = 1
) -> dict[str, float]:
    """Seconds per call of each, the minimum over ``repeat`` rounds that each run every call
    once in turn, so a burst of load on a shared machine hits all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            times[name].append(timeit.timeit(call, number=number) / number)
    return {name: min(t) for name, t in times.items()}


def run(size: int, repeat: int, small: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(20_261_125)
    rows = []
    estimators: dict[str, mlemap.Estimator] = {}
    for case in CASES:
        f = estimators.setdefault(case.model, mlemap.derive(case.model).estimator())
        known = dict(case.known)
        x = case.sample(rng, size)
        tiny = case.sample(rng, small)
        f(x, **known), f.unchecked(x, **known), case.hand(x)  # warm up
        large = interleaved(
            {
                "hand": lambda x=x, case=case: case.hand(x),
                "checked": lambda x=x, f=f, known=known: f(x, **known),
                "unchecked": lambda x=x, f=f, known=known: f.unchecked(x, **known),
            },
            repeat,
        )
        hand, checked, unchecked = large["hand"], large["checked"], large["unchecked"]
        fit = None
        if case.scipy_fit is not None:
            fit = best(lambda x=x, case=case: case.scipy_fit(x), max(2, repeat // 2))
        at_small = interleaved(
            {
                "ours": lambda t=tiny, f=f, known=known: f(t, **known),
                "hand": lambda t=tiny, case=case: case.hand(t),
            },
            repeat,
            number=2000,
        )
        overhead, hand_small = at_small["ours"], at_small["hand"]
        rows.append(
            {
                "case": f"{case.model} ({case.dtype})",
                "hand": case.hand_text,
                "hand ms": hand * 1e3,
                "checked ms": checked * 1e3,
                "checked/hand": checked / hand,
                "unchecked/hand": unchecked / hand,
                "checked/scipy": None if fit is None else checked / fit,
                "scipy ms": None if fit is None else fit * 1e3,
                "overhead us": overhead * 1e6,
                "hand us": hand_small * 1e6,
            }
        )
    return rows


def table(rows: list[dict[str, object]], size: int, small: int) -> str:
    header = (
        f"{'estimator (data dtype)':<24} {'hand-written':<30} {'hand ms':>8} {'ours ms':>8} "
        f"{'ours/hand':>9} {'unchecked/hand':>14} {'ours/scipy':>10} {'scipy ms':>9} "
        f"{'µs @' + str(small):>8} {'hand µs':>8}"
    )
    lines = [f"n = {size:,}; times are the best of several repeats in this run", header]
    lines.append("-" * len(header))
    for row in rows:
        scipy_ratio = "—" if row["checked/scipy"] is None else f"{row['checked/scipy']:.3f}"
        scipy_ms = "—" if row["scipy ms"] is None else f"{row['scipy ms']:.1f}"
        lines.append(
            f"{row['case']:<24} {row['hand']:<30} {row['hand ms']:>8.2f} "
            f"{row['checked ms']:>8.2f} {row['checked/hand']:>9.2f} "
            f"{row['unchecked/hand']:>14.2f} {scipy_ratio:>10} {scipy_ms:>9} "
            f"{row['overhead us']:>8.1f} {row['hand us']:>8.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--small", type=int, default=100)
    arguments = parser.parse_args()
    rows = run(arguments.size, arguments.repeat, arguments.small)
    print(table(rows, arguments.size, arguments.small))


if __name__ == "__main__":
    main()
