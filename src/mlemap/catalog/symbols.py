"""The symbols every derivation shares: the sample size, the observation index, the data."""

from __future__ import annotations

import sympy as sp

__all__ = ["data_symbol", "hat", "i", "n"]

#: The number of observations.
n = sp.Symbol("n", integer=True, positive=True)
#: The observation index, running from 1 to n.
i = sp.Symbol("i", integer=True, positive=True)


def data_symbol(name: str, assumptions: dict[str, bool]) -> sp.IndexedBase:
    """The indexed data ``x[i]`` with the assumptions its support implies."""
    return sp.IndexedBase(name, **assumptions)


def hat(symbol: sp.Symbol) -> sp.Symbol:
    """The symbol for an estimate of ``symbol`` (θ → θ̂), with the same assumptions."""
    return sp.Symbol(f"{symbol.name}_hat", **symbol.assumptions0)
