"""How long each derivation takes: every catalog model, with each prior that fits it, from a
cold cache (each request derived afresh, with its steps verified), and the categorical and
the multinomial for several numbers of categories. Target: none over 10 s.

    python benchmarks/bench_derive.py [MODEL ...]
"""

from __future__ import annotations

import argparse
import time

import mlemap
from mlemap.catalog import MODELS, PRIORS
from mlemap.engine import derive as engine

LIMIT = 10.0


def requests(names: list[str]) -> list[tuple[str, object]]:
    """(model, prior) for each catalog model named (all by default) and each prior that fits."""
    found: list[tuple[str, object]] = []
    for model in MODELS:
        if names and model.name not in names:
            continue
        found.append((model.name, None))
        if len(model.estimated) == 1:
            found += [(model.name, p.name) for p in PRIORS if p.fits(model.estimated[0])]
        found += [(model.name, p.name) for p in PRIORS if p.fits_all(model.estimated)]
    return list(dict.fromkeys(found))  # a prior that fits one parameter may fit them all


def timed(model: object, prior: object) -> tuple[float, str]:
    engine._DERIVED.clear()  # the catalog's caches: each request derived afresh
    engine._PIPELINES.clear()
    start = time.perf_counter()
    try:
        d = mlemap.derive(model, prior=prior)
        outcome = "closed form" if d.closed_form else "numeric"
    except mlemap.MlemapError as error:
        outcome = f"refused: {type(error).__name__}"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="catalog models (default: all)")
    names = parser.parse_args().models
    rows = [(f"{m}{'' if p is None else ' + ' + str(p)}", *timed(m, p)) for m, p in requests(names)]
    for sized in (mlemap.categorical, mlemap.multinomial):
        name = sized.__name__
        if names and name not in names:
            continue
        for k in (2, 5, 8):
            rows.append((f"{name}, K = {k}", *timed(sized(k), None)))
            rows.append((f"{name} + dirichlet, K = {k}", *timed(sized(k), mlemap.dirichlet(k))))
    width = max(len(r[0]) for r in rows)
    for name, seconds, outcome in rows:
        flag = "  OVER" if seconds > LIMIT else ""
        print(f"{name:<{width}}  {seconds:6.2f} s  {outcome}{flag}")
    print(f"slowest: {max(r[1] for r in rows):.2f} s (limit {LIMIT:g} s)")


if __name__ == "__main__":
    main()
