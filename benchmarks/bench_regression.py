"""Speed of mlemap's linear-regression estimators: ridge against the direct NumPy solve and
scikit-learn's Ridge, the lasso against scikit-learn's Lasso at the same tolerance.

Run as ``python benchmarks/bench_regression.py`` (with ``src`` on ``PYTHONPATH`` or mlemap
installed; scikit-learn installed). Every time is the minimum over several repeats within
one run, and every ratio is taken within that run. Ratios below 1 mean mlemap is faster.

* ridge: ours / ``np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)`` and ours /
  ``Ridge(alpha=lam, fit_intercept=False).fit(X, y)``;
* lasso: ours / ``Lasso(alpha=lam / n, fit_intercept=False, tol=tol).fit(X, y)`` with the
  same tolerance (both stop when the duality gap is below tol·‖y‖²), the largest
  difference between the two coefficient vectors, and ours / ours with the sweeps as Python
  loops (what runs without numba).

The calls alternate within each repeat (best of k), so the ratios hold on a loaded machine.

This is a report, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np

try:
    from sklearn.linear_model import Lasso, Ridge
except ImportError:  # a peer of the comparison, from the test extras
    needed = "bench_regression.py compares with scikit-learn: pip install '.[test]'"
    raise SystemExit(needed) from None

import mlemap
from mlemap.estimators import descent


def interleaved(calls: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """The best time of each call over ``repeats`` rounds that run every call once in turn,
    so a burst of load on the shared machine hits all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def uncompiled(call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with the lasso's sweeps as the Python loops they are without numba."""

    def run() -> object:
        saved = descent.available
        descent.available = lambda: False
        try:
            return call()
        finally:
            descent.available = saved

    return run


def data(n: int, d: int, seed: int = 0, sparse: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    coef = rng.standard_normal(d)
    if sparse:
        coef[rng.random(d) < 0.7] = 0.0
    return X, X @ coef + rng.standard_normal(n)


def ridge_rows(sizes: list[tuple[int, int]], repeats: int) -> list[str]:
    f = mlemap.derive("linear_regression", prior="normal").estimator()
    lam = 0.5
    rows = []
    for n, d in sizes:
        X, y = data(n, d)
        times = interleaved(
            {
                "ours": lambda X=X, y=y: f(X, y, lam=lam),
                "direct": lambda X=X, y=y, d=d: np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y),
                "sklearn": lambda X=X, y=y: Ridge(alpha=lam, fit_intercept=False).fit(X, y),
            },
            repeats,
        )
        ours, direct, sk = times["ours"], times["direct"], times["sklearn"]
        rows.append(
            f"| ridge | {n:.0e} × {d} | {ours * 1e3:9.1f} | {ours / direct:5.2f} "
            f"| {ours / sk:5.2f} | |"
        )
    return rows


def lasso_rows(sizes: list[tuple[int, int, float]], repeats: int, tol: float) -> list[str]:
    f = mlemap.derive("linear_regression", prior="laplace").estimator()
    rows = []
    for n, d, fraction in sizes:
        X, y = data(n, d, sparse=True)
        lam = fraction * float(np.abs(X.T @ y).max())  # a fraction of the λ that zeroes all
        model = Lasso(alpha=lam / n, fit_intercept=False, tol=tol, max_iter=10_000)
        ours_call = lambda X=X, y=y, lam=lam: f(X, y, lam=lam, tol=tol)  # noqa: E731
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            times = interleaved(
                {
                    "ours": ours_call,
                    "python loops": uncompiled(ours_call),
                    "sklearn": lambda X=X, y=y, model=model: model.fit(X, y),
                },
                repeats,
            )
        ours, sk = times["ours"], times["sklearn"]
        result = f(X, y, lam=lam, tol=tol)
        difference = float(np.abs(result["w"] - model.coef_).max())
        rows.append(
            f"| lasso | {n:.0e} × {d} | {ours * 1e3:9.1f} | | {ours / sk:5.2f} "
            f"| {result['iterations']} sweeps, max diff {difference:.1e}; "
            f"ours / Python-loop sweeps {ours / times['python loops']:.2f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tol", type=float, default=1e-4, help="lasso tolerance (both)")
    parser.add_argument("--small", action="store_true", help="10× fewer rows (a quick run)")
    args = parser.parse_args()
    scale = 10 if args.small else 1
    print("| estimator | X | ours (ms) | ours / np.linalg.solve | ours / sklearn | notes |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for row in ridge_rows([(10**6 // scale, 50), (10**5 // scale, 500)], args.repeats):
        print(row, flush=True)
    lasso_sizes = [
        (10**5 // scale, 100, 0.1),
        (10**4 // scale, 500, 0.05),
        (10**6 // scale, 50, 0.1),
        (10**3 // scale, 2000, 0.1),  # d > n: coordinate descent on the residual
    ]
    for row in lasso_rows(lasso_sizes, args.repeats, args.tol):
        print(row, flush=True)


if __name__ == "__main__":
    main()
