"""Arrays of other libraries (Dask, JAX, CuPy, PyTorch, …) through the array API standard.

An estimator takes any array that ``array_api_compat`` gives a namespace for and returns
estimates of the same library (0-d arrays), computed by the same generated code run against
that namespace instead of NumPy's. The observations are checked as they are for NumPy:

* an eager array (JAX, CuPy, PyTorch): by array expressions of its own library, reduced to
  one boolean on its device; only to write the message is the array copied to NumPy;
* a lazy Dask array: by a check of each chunk in the graph, so the check runs where the
  sums do, when they are computed, and raises :class:`~mlemap.DataError` there (naming the
  offending observation by its index in the whole array); the checks of the estimates (a
  finite value inside the domain) are one more node after the sums. Nothing is skipped.

``array_api_compat`` is imported only when such an array arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import UnsupportedModelError

__all__ = ["Namespace", "deferred", "namespace_of", "rebind", "to_numpy"]


class Namespace:
    """An array library's namespace in which ``float64`` is its widest real float (float32
    for JAX unless ``jax_enable_x64``), so generated ``numpy.sum(…, dtype=numpy.float64)``
    accumulates as precisely as the library can."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp
        self.float64 = _widest_float(xp)
        self.lazy = _is_dask_namespace(xp)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.xp, name)

    def __repr__(self) -> str:
        return f"<array namespace {self.xp.__name__}>"


def namespace_of(x: object) -> Namespace | None:
    """The array-API namespace of a non-NumPy array, or ``None`` if it has none."""
    kind = type(x)
    if not (
        hasattr(kind, "__array_namespace__")
        or hasattr(kind, "__array_function__")
        or hasattr(kind, "__cuda_array_interface__")
    ):
        return None
    import array_api_compat

    try:
        xp = array_api_compat.array_namespace(x)
    except TypeError:
        return None
    if array_api_compat.is_numpy_namespace(xp):
        return None  # a NumPy scalar or subclass: read by numpy.asarray
    return _namespace(xp)


_NAMESPACES: dict[int, Namespace] = {}


def _namespace(xp: Any) -> Namespace:
    if id(xp) not in _NAMESPACES:
        _NAMESPACES[id(xp)] = Namespace(xp)
    return _NAMESPACES[id(xp)]


def _widest_float(xp: Any) -> Any:
    info = getattr(xp, "__array_namespace_info__", None)
    if info is None:
        return xp.float64
    floats = info().dtypes(kind="real floating")
    return floats.get("float64", info().default_dtypes()["real floating"])


def _is_dask_namespace(xp: Any) -> bool:
    return xp.__name__.startswith(("array_api_compat.dask", "dask"))


def rebind(source: str, namespace: Namespace, what: str) -> Callable[..., Any]:
    """The generated function of ``source`` with ``numpy`` meaning ``namespace``."""
    if "scipy." in source:
        raise UnsupportedModelError(
            f"{what} uses scipy.special, which {namespace.xp.__name__} arrays lack; "
            "pass numpy.asarray(x) to estimate from a NumPy copy"
        )
    scope: dict[str, Any] = {"numpy": namespace}
    exec(compile(source, f"<mlemap {what}>", "exec"), scope)  # our own generated code
    return scope["_lambdifygenerated"]


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of an array of another library (from its device, if need be)."""
    if hasattr(x, "get") and hasattr(type(x), "__cuda_array_interface__"):
        return x.get()  # CuPy refuses an implicit copy to the host
    if hasattr(x, "cpu") and hasattr(x, "numpy"):
        return x.detach().cpu().numpy()  # PyTorch
    return np.asarray(x)


def deferred(
    values: Sequence[Any], extras: Sequence[Any], check: Callable[[list[float], list[Any]], None]
) -> list[Any]:
    """Lazy Dask 0-d estimates that run ``check`` (on the computed estimates and extras)
    before they yield their values: a refusal raises when the graph is computed."""
    import dask
    import dask.array as da

    checked = dask.delayed(_checked, pure=True)(list(values), list(extras), check)
    return [
        da.from_delayed(checked[j], shape=(), dtype=np.float64, meta=np.float64(0))
        for j in range(len(values))
    ]


def _checked(values: list[Any], extras: list[Any], check: Callable) -> tuple[float, ...]:
    numbers = [float(v) for v in values]
    check(numbers, extras)
    return tuple(numbers)


def checked_chunks(x: Any, check: Callable[[np.ndarray, int], None]) -> Any:
    """``x`` with ``check(chunk, offset)`` run on each chunk as it is computed."""

    def each(chunk: np.ndarray, block_info: dict | None = None) -> np.ndarray:
        offset = block_info[0]["array-location"][0][0] if block_info else 0
        check(chunk, offset)
        return chunk

    return x.map_blocks(each, dtype=x.dtype, meta=np.empty((0,), dtype=x.dtype))
