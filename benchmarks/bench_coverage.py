"""Coverage of the 95 % Wald and profile-likelihood intervals of ``d.fit(x)``, by simulation.

For each model and sample size, data sets are drawn at fixed true values, fitted, and the
share of intervals that contain the truth is printed with its Monte Carlo standard error.
Profile intervals should be near 95 % from n = 30; Wald intervals are poorer at n = 10
where the likelihood is skewed (a Bernoulli data set of all zeros has no Wald interval at all
and counts as a miss).

    python benchmarks/bench_coverage.py [--replications 2000] [--seed 7]
"""

from __future__ import annotations

import argparse

import numpy as np

import mlemap
from mlemap import MlemapError

# model → (its true values, a sampler of n observations)
MODELS = {
    "bernoulli": ({"theta": 0.3}, lambda rng, n: rng.binomial(1, 0.3, n)),
    "poisson": ({"lambda": 2.0}, lambda rng, n: rng.poisson(2.0, n)),
    "exponential": ({"lambda": 1.5}, lambda rng, n: rng.exponential(1 / 1.5, n)),
    "normal": ({"mu": 1.0, "sigma2": 4.0}, lambda rng, n: rng.normal(1.0, 2.0, n)),
}
SIZES = (10, 30, 100)


def coverage(name: str, size: int, replications: int, rng: np.random.Generator) -> dict:
    """(parameter, method) → the share of data sets whose 95 % interval holds the truth."""
    truths, sample = MODELS[name]
    d = mlemap.derive(name)
    hits = {(p, m): 0 for p in truths for m in ("wald", "profile")}
    for _ in range(replications):
        x = sample(rng, size)
        try:
            fitted = d.fit(x)
        except MlemapError:  # no finite estimate or no information: no interval
            continue
        for method in ("wald", "profile"):
            for parameter, (lower, upper) in fitted.conf_int(0.95, method=method).items():
                hits[parameter, method] += lower <= truths[parameter] <= upper
    return {key: h / replications for key, h in hits.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    error = np.sqrt(0.95 * 0.05 / args.replications)
    print(f"95 % intervals, {args.replications} data sets each (Monte Carlo SE ≈ {error:.3f})")
    print(f"{'model':<12} {'parameter':<9} {'n':>4} {'Wald':>7} {'profile':>8}")
    for name, (truths, _) in MODELS.items():
        for size in SIZES:
            found = coverage(name, size, args.replications, rng)
            for parameter in truths:
                wald, profile = found[parameter, "wald"], found[parameter, "profile"]
                print(f"{name:<12} {parameter:<9} {size:>4} {wald:>7.3f} {profile:>8.3f}")


if __name__ == "__main__":
    main()
