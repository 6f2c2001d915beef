"""One sweep of lasso coordinate descent: every coordinate updated once, in order.

Each update is the derived one-feature soft-thresholding (:mod:`mlemap.regression.lasso`).
The sweeps are plain loops, compiled by numba when it is installed (``mlemap[fast]``; a
compiled sweep is the inner loop scikit-learn writes in Cython) and run by Python and NumPy
otherwise, one coordinate at a time; both make the same updates in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np

from .fused import available

__all__ = ["correlation", "gram_sweep", "residual_sweep", "soft_threshold"]


def soft_threshold(value: float, penalty: float) -> float:
    """S(z, λ) = sign(z)·max(|z| − λ, 0): one coordinate's lasso update (lasso.py derives it)."""
    return math.copysign(max(abs(value) - penalty, 0.0), value)


def _residual_loops(
    columns: np.ndarray, norms: np.ndarray, residual: np.ndarray, coef: np.ndarray, penalty: float
) -> None:
    rows, cols = columns.shape
    for j in range(cols):
        if norms[j] == 0.0:
            continue
        old = coef[j]
        partial = 0.0
        for i in range(rows):
            partial += columns[i, j] * residual[i]
        new = soft_threshold(partial + norms[j] * old, penalty) / norms[j]
        if new != old:
            step = new - old
            for i in range(rows):
                residual[i] -= step * columns[i, j]
            coef[j] = new


def _residual_numpy(
    columns: np.ndarray, norms: np.ndarray, residual: np.ndarray, coef: np.ndarray, penalty: float
) -> None:
    for j in range(columns.shape[1]):
        if norms[j] == 0.0:
            continue
        column = columns[:, j]
        old = coef[j]
        partial = float(column @ residual) + norms[j] * old
        new = soft_threshold(partial, penalty) / norms[j]
        if new != old:
            residual -= (new - old) * column
            coef[j] = new


def _correlation_loops(columns: np.ndarray, residual: np.ndarray) -> np.ndarray:
    rows, cols = columns.shape
    out = np.empty(cols)
    for j in range(cols):
        total = 0.0
        for i in range(rows):
            total += columns[i, j] * residual[i]
        out[j] = total
    return out


def _correlation_numpy(columns: np.ndarray, residual: np.ndarray) -> np.ndarray:
    return columns.T @ residual


def _gram_loops(
    gram: np.ndarray, diagonal: np.ndarray, gradient: np.ndarray, coef: np.ndarray, penalty: float
) -> None:
    cols = gram.shape[0]
    for j in range(cols):
        if diagonal[j] == 0.0:
            continue  # an all-zero feature: its coefficient stays 0
        old = coef[j]
        new = soft_threshold(gradient[j] + diagonal[j] * old, penalty) / diagonal[j]
        if new != old:
            step = new - old
            for k in range(cols):
                gradient[k] -= gram[j, k] * step
            coef[j] = new


def _gram_numpy(
    gram: np.ndarray, diagonal: np.ndarray, gradient: np.ndarray, coef: np.ndarray, penalty: float
) -> None:
    for j in range(gram.shape[0]):
        if diagonal[j] == 0.0:
            continue  # an all-zero feature: its coefficient stays 0
        old = coef[j]
        partial = gradient[j] + diagonal[j] * old  # xⱼᵀrⱼ with rⱼ = y − Xw + xⱼwⱼ
        new = soft_threshold(partial, penalty) / diagonal[j]
        if new != old:
            gradient -= gram[j] * (new - old)
            coef[j] = new


@cache
def _compiled(loops: Callable) -> Callable:
    import numba

    threshold = numba.njit(soft_threshold)
    # the loops call soft_threshold by its global name; numba needs the compiled one there
    scope = {**loops.__globals__, "soft_threshold": threshold}
    function = type(loops)(loops.__code__, scope, loops.__name__)
    return numba.njit(fastmath={"reassoc", "contract"}, error_model="numpy")(function)


def residual_sweep(compiled: bool | None = None) -> Callable[..., None]:
    """``sweep(columns, norms, residual, coef, penalty)`` for X in Fortran order (d > n):
    updates ``coef`` and the residual y − Xw in place."""
    use = available() if compiled is None else compiled
    return _compiled(_residual_loops) if use else _residual_numpy


def correlation(compiled: bool | None = None) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``f(columns, residual) -> Xᵀr`` for X in Fortran order: the duality gap's gradient, a
    column at a time (a BLAS matrix-vector product fights the sweep's core for threads)."""
    use = available() if compiled is None else compiled
    return _compiled(_correlation_loops) if use else _correlation_numpy


def gram_sweep(compiled: bool | None = None) -> Callable[..., None]:
    """``sweep(gram, diagonal, gradient, coef, penalty)`` on XᵀX: updates ``coef`` and the
    gradient Xᵀ(y − Xw) in place."""
    use = available() if compiled is None else compiled
    return _compiled(_gram_loops) if use else _gram_numpy
