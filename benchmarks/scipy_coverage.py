"""How far mlemap reaches, measured against the continuous families scipy.stats fits itself.

Run as ``python benchmarks/scipy_coverage.py`` (with mlemap installed). Every family whose
``scipy.stats.X`` overrides ``fit`` is listed. Each one mlemap can state is declared with the
public constructors (``Model``, ``Parameter``, ``Support``), location fixed at 0 where
scipy has one the density does not need; then it is derived and estimated on random data
and compared with ``scipy.stats.X.fit`` holding the same parameters fixed. Columns:

* how: closed form, boundary (a support that moves with a parameter: an order statistic),
  subgradient (a kink at every observation: the median),
  numeric (no closed form; the numeric method), boundary, numeric (order statistics, then
  the numeric method on the profile log-likelihood of the rest), unsupported (an
  ``UnsupportedModelError``: the feature out of reach is printed), or not declared;
* derive: seconds for ``mlemap.derive``, wall clock and the process's CPU time (the
  machine is shared: CPU time is the one to read under load);
* rel. diff: the largest relative difference from scipy's fit over the parameters and
  three data sets; "ll ≥" when mlemap's log-likelihood is at least scipy's there (scipy's
  own optimiser stops near 1e-5 for several families).

This is a report, not a test: nothing here asserts.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy import stats
from scipy.stats._continuous_distns import rv_continuous

import mlemap
from mlemap import POSITIVE, POSITIVE_INTEGER, REAL, Model, Parameter, Support

SIZE = 400
POSITIVE_DATA = Support(0, sp.oo, lower_open=True)
LINE = Support(-sp.oo, sp.oo, lower_open=True)


def _p(name: str, domain: mlemap.Domain = POSITIVE) -> Parameter:
    return Parameter(name, domain)


@dataclass(frozen=True)
class Family:
    """One scipy family as mlemap states it, and how to read scipy's fit in its parameters."""

    model: Model
    sample: Callable[[np.random.Generator], np.ndarray]
    fit: Callable[[np.ndarray], tuple[float, ...]]  # scipy's estimate, in the model's order
    log_likelihood: Callable[[np.ndarray, tuple[float, ...]], float]
    known: tuple[tuple[str, float], ...] = ()  # constants given to the estimator


def _z(x: sp.Expr, mu: sp.Expr, s: sp.Expr) -> sp.Expr:
    return (x - mu) / s


def _location_scale(name: str, density: Callable, loc: float, scale: float) -> Family:
    """A family whose parameters are scipy's own location and scale, both estimated."""
    family = getattr(stats, name)
    return Family(
        Model(name, (_p("mu", REAL), _p("s")), LINE, density),
        lambda r: family.rvs(loc, scale, size=SIZE, random_state=r),
        lambda x: family.fit(x),
        lambda x, t: family.logpdf(x, t[0], t[1]).sum(),
    )


def _scale(name: str, density: Callable, squared: bool = False) -> Family:
    """A family on (0, ∞) with location fixed at 0 and its scale s (or s² as sigma2)
    estimated."""
    family = getattr(stats, name)
    power = 2 if squared else 1
    return Family(
        Model(name, (_p("sigma2" if squared else "s"),), POSITIVE_DATA, density),
        lambda r: family.rvs(scale=2, size=SIZE, random_state=r),
        lambda x: (family.fit(x, floc=0)[1] ** power,),
        lambda x, t: family.logpdf(x, scale=t[0] ** (1 / power)).sum(),
    )


def _shape(
    name: str, parameter: Parameter, support: Support, density: Callable, shape: float
) -> Family:
    """A family with location 0 and scale 1 fixed and its one shape parameter estimated."""
    family = getattr(stats, name)
    return Family(
        Model(name, (parameter,), support, density),
        lambda r: family.rvs(shape, size=SIZE, random_state=r),
        lambda x: family.fit(x, floc=0, fscale=1)[:1],
        lambda x, t: family.logpdf(x, t[0]).sum(),
    )


def _shape_scale(
    name: str,
    parameters: tuple[Parameter, Parameter],
    support: Support,
    density: Callable,
    true: tuple[float, float],
) -> Family:
    """A family with location 0 fixed and a shape and a scale (scipy's) estimated."""
    family = getattr(stats, name)
    return Family(
        Model(name, parameters, support, density),
        lambda r: family.rvs(true[0], scale=true[1], size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0], f[2]))(family.fit(x, floc=0)),
        lambda x, t: family.logpdf(x, t[0], scale=t[1]).sum(),
    )


def _log_uniform(name: str) -> Family:
    """The log-uniform on [a, b], both ends estimated: (x₍₁₎, x₍ₙ₎)."""
    family = getattr(stats, name)
    a, b = _p("a"), _p("b")
    return Family(
        Model(
            name,
            (a, b),
            Support(a.symbol, b.symbol),
            lambda x, a, b: 1 / (x * (sp.log(b) - sp.log(a))),
        ),
        lambda r: family.rvs(1, 10, size=SIZE, random_state=r),
        lambda x: family.fit(x, floc=0, fscale=1)[:2],
        lambda x, t: family.logpdf(x, t[0], t[1]).sum(),
    )


FAMILIES: dict[str, Family | None] = {
    "norm": Family(
        Model(
            "norm",
            (_p("mu", REAL), _p("sigma2")),
            LINE,
            lambda x, mu, v: sp.exp(-((x - mu) ** 2) / (2 * v)) / sp.sqrt(2 * sp.pi * v),
        ),
        lambda r: stats.norm.rvs(3, 2, size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0], f[1] ** 2))(stats.norm.fit(x)),
        lambda x, t: stats.norm.logpdf(x, t[0], np.sqrt(t[1])).sum(),
    ),
    "expon": Family(  # location free: the shifted exponential, a boundary estimate
        Model(
            "expon",
            (_p("loc", REAL), _p("lam")),
            Support(_p("loc", REAL).symbol, sp.oo),
            lambda x, loc, lam: lam * sp.exp(-lam * (x - loc)),
        ),
        lambda r: stats.expon.rvs(1, 2, size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0], 1 / f[1]))(stats.expon.fit(x)),
        lambda x, t: stats.expon.logpdf(x, t[0], 1 / t[1]).sum(),
    ),
    "uniform": Family(  # both ends free: (x₍₁₎, x₍ₙ₎)
        Model(
            "uniform",
            (_p("a", REAL), _p("b", REAL)),
            Support(_p("a", REAL).symbol, _p("b", REAL).symbol),
            lambda x, a, b: 1 / (b - a),
        ),
        lambda r: stats.uniform.rvs(-1, 3, size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0], f[0] + f[1]))(stats.uniform.fit(x)),
        lambda x, t: stats.uniform.logpdf(x, t[0], t[1] - t[0]).sum(),
    ),
    "laplace": _location_scale(
        "laplace", lambda x, mu, s: sp.exp(-sp.Abs(x - mu) / s) / (2 * s), 1, 2
    ),
    "lognorm": Family(
        Model(
            "lognorm",
            (_p("mu", REAL), _p("sigma2")),
            POSITIVE_DATA,
            lambda x, mu, v: (
                sp.exp(-((sp.log(x) - mu) ** 2) / (2 * v)) / (x * sp.sqrt(2 * sp.pi * v))
            ),
        ),
        lambda r: stats.lognorm.rvs(0.7, scale=2, size=SIZE, random_state=r),
        lambda x: (lambda f: (np.log(f[2]), f[0] ** 2))(stats.lognorm.fit(x, floc=0)),
        lambda x, t: stats.lognorm.logpdf(x, np.sqrt(t[1]), scale=np.exp(t[0])).sum(),
    ),
    "pareto": _shape_scale(
        "pareto",
        (_p("alpha"), _p("x_m")),
        Support(_p("x_m").symbol, sp.oo),
        lambda x, a, m: a * m**a / x ** (a + 1),
        (3, 1.5),
    ),
    "rayleigh": _scale("rayleigh", lambda x, v: x / v * sp.exp(-(x**2) / (2 * v)), squared=True),
    "halfnorm": _scale(
        "halfnorm",
        lambda x, v: sp.sqrt(2 / (sp.pi * v)) * sp.exp(-(x**2) / (2 * v)),
        squared=True,
    ),
    "invgauss": Family(
        Model(
            "invgauss",
            (_p("m"), _p("lam")),
            POSITIVE_DATA,
            lambda x, m, lam: (
                sp.sqrt(lam / (2 * sp.pi * x**3)) * sp.exp(-lam * (x - m) ** 2 / (2 * m**2 * x))
            ),
        ),
        lambda r: stats.invgauss.rvs(0.5, scale=3, size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0] * f[2], f[2]))(stats.invgauss.fit(x, floc=0)),
        lambda x, t: stats.invgauss.logpdf(x, t[0] / t[1], scale=t[1]).sum(),
    ),
    "gamma": Family(
        Model(
            "gamma",
            (_p("a"), _p("b")),
            POSITIVE_DATA,
            lambda x, a, b: b**a * x ** (a - 1) * sp.exp(-b * x) / sp.gamma(a),
        ),
        lambda r: stats.gamma.rvs(2.5, scale=2, size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0], 1 / f[2]))(stats.gamma.fit(x, floc=0)),
        lambda x, t: stats.gamma.logpdf(x, t[0], scale=1 / t[1]).sum(),
    ),
    # The integer shape k estimated, the numeric method refuses (it maximises over reals
    # only); scipy's erlang.fit is gamma's, with k real. Here k is known, as scipy's f0.
    "erlang": Family(
        Model(
            "erlang",
            (_p("lam"),),
            POSITIVE_DATA,
            lambda x, lam, k: lam**k * x ** (k - 1) * sp.exp(-lam * x) / sp.factorial(k - 1),
            constants=(_p("k", POSITIVE_INTEGER),),
        ),
        lambda r: stats.erlang.rvs(3, scale=2, size=SIZE, random_state=r),
        lambda x: (1 / stats.erlang.fit(x, 3, floc=0, f0=3)[2],),
        lambda x, t: stats.erlang.logpdf(x, 3, scale=1 / t[0]).sum(),
        (("k", 3),),
    ),
    "weibull_min": _shape_scale(
        "weibull_min",
        (_p("k"), _p("lam")),
        POSITIVE_DATA,
        lambda x, k, lam: k / lam * (x / lam) ** (k - 1) * sp.exp(-((x / lam) ** k)),
        (1.7, 3),
    ),
    "beta": Family(
        Model(
            "beta",
            (_p("a"), _p("b")),
            Support(0, 1, lower_open=True, upper_open=True),
            lambda x, a, b: x ** (a - 1) * (1 - x) ** (b - 1) / sp.beta(a, b),
        ),
        lambda r: stats.beta.rvs(2, 5, size=SIZE, random_state=r),
        lambda x: stats.beta.fit(x, floc=0, fscale=1)[:2],
        lambda x, t: stats.beta.logpdf(x, t[0], t[1]).sum(),
    ),
    "gumbel_r": _location_scale(
        "gumbel_r", lambda x, mu, s: sp.exp(-(_z(x, mu, s) + sp.exp(-_z(x, mu, s)))) / s, 1, 2
    ),
    "gumbel_l": _location_scale(
        "gumbel_l", lambda x, mu, s: sp.exp(_z(x, mu, s) - sp.exp(_z(x, mu, s))) / s, 1, 2
    ),
    "logistic": _location_scale(
        "logistic",
        lambda x, mu, s: sp.exp(-_z(x, mu, s)) / (s * (1 + sp.exp(-_z(x, mu, s))) ** 2),
        -2,
        1.5,
    ),
    "powerlaw": _shape(
        "powerlaw",
        _p("a"),
        Support(0, 1, lower_open=True, upper_open=True),
        lambda x, a: a * x ** (a - 1),
        2.5,
    ),
    "halflogistic": _scale(
        "halflogistic", lambda x, s: 2 * sp.exp(-x / s) / (s * (1 + sp.exp(-x / s)) ** 2)
    ),
    "halfcauchy": _scale("halfcauchy", lambda x, s: 2 / (sp.pi * s * (1 + (x / s) ** 2))),
    "loglaplace": _shape(
        "loglaplace",
        _p("c"),
        POSITIVE_DATA,
        lambda x, c: c / 2 * sp.exp(-c * sp.Abs(sp.log(x))) / x,
        3,
    ),
    "loguniform": _log_uniform("loguniform"),
    "reciprocal": _log_uniform("reciprocal"),  # scipy's other name for the log-uniform
    # an integer number of summands and a piecewise-polynomial density; scipy's own fit
    # raises NotImplementedError
    "irwinhall": None,
    # skew γ > 0: the support (−2/γ, ∞) bounds γ by −2/x₍₁₎ only where x₍₁₎ < 0; the
    # maximum lies inside that feasible set
    "pearson3": _shape(
        "pearson3",
        _p("gamma"),
        Support(-2 / _p("gamma").symbol, sp.oo),
        lambda x, g: (
            (2 / g)
            / sp.gamma(4 / g**2)
            * ((2 / g) * (x + 2 / g)) ** (4 / g**2 - 1)
            * sp.exp(-(2 / g) * (x + 2 / g))
        ),
        1.5,
    ),
    "rel_breitwigner": _shape(
        "rel_breitwigner",
        _p("rho"),
        POSITIVE_DATA,
        lambda x, r: (
            2
            * sp.sqrt(2)
            * r**2
            * sp.sqrt(r**2 + 1)
            / (sp.pi * sp.sqrt(r**2 + r * sp.sqrt(r**2 + 1)))
            / ((x**2 - r**2) ** 2 + r**2)
        ),
        2,
    ),
    "skewnorm": _shape(
        "skewnorm",
        _p("a", REAL),
        LINE,
        lambda x, a: sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi) * (1 + sp.erf(a * x / sp.sqrt(2))),
        3,
    ),
    # both ends of the support held, by x_m and by u = x_m·c; the shape b then by the
    # numeric method on the profile log-likelihood
    "truncpareto": Family(
        Model(
            "truncpareto",
            (_p("b"), _p("x_m"), _p("u")),
            Support(_p("x_m").symbol, _p("u").symbol),
            lambda x, b, m, u: b * m**b * x ** (-b - 1) / (1 - (m / u) ** b),
        ),
        lambda r: stats.truncpareto.rvs(2, 4, scale=1.5, size=SIZE, random_state=r),
        lambda x: (lambda f: (f[0], f[3], f[3] * f[1]))(stats.truncpareto.fit(x, floc=0)),
        lambda x, t: stats.truncpareto.logpdf(x, t[0], t[2] / t[1], scale=t[1]).sum(),
    ),
    "vonmises": _shape(
        "vonmises",
        _p("kappa"),
        Support(-sp.pi, sp.pi, lower_open=True),
        lambda x, k: sp.exp(k * sp.cos(x)) / (2 * sp.pi * sp.besseli(0, k)),
        2,
    ),
    "vonmises_line": _shape(
        "vonmises_line",
        _p("kappa"),
        Support(-sp.pi, sp.pi, lower_open=True),
        lambda x, k: sp.exp(k * sp.cos(x)) / (2 * sp.pi * sp.besseli(0, k)),
        2,
    ),
}


def scipy_fitting_families() -> list[str]:
    """Every continuous scipy.stats family whose class overrides ``fit``."""
    return sorted(
        name
        for name in dir(stats)
        if isinstance(getattr(stats, name), rv_continuous)
        and "fit" in type(getattr(stats, name)).__dict__
    )


def measure(family: Family) -> tuple[str, tuple[float, float], str]:
    """How the family derives, its derive time (wall, CPU) and its difference from scipy."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        d = mlemap.derive(family.model)
    except mlemap.UnsupportedModelError as error:
        seconds = (time.perf_counter() - start, time.process_time() - cpu)
        return "unsupported", seconds, str(error).split(":")[0]
    seconds = (time.perf_counter() - start, time.process_time() - cpu)
    how = "closed form" if d.closed_form else "numeric"
    kinds = {s.kind for s in d.steps}
    if "boundary" in kinds:
        how = "boundary" if d.closed_form else "boundary, numeric"
    elif "feasible-set" in kinds:
        how = "feasible set, numeric"  # the maximum inside a set that the data fix
    if d.closed_form and any(s.kind == "subgradient" for s in d.steps):
        how = "subgradient"
    f, worst, higher = d.estimator(), 0.0, True
    for seed in range(3):
        x = family.sample(np.random.default_rng(seed))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = tuple(f(x, **dict(family.known)).values())
            theirs = tuple(float(v) for v in family.fit(x))
        worst = max(worst, *(abs(a - b) / abs(b) for a, b in zip(ours, theirs, strict=True)))
        higher &= family.log_likelihood(x, ours) >= family.log_likelihood(x, theirs) - 1e-9
    return how, seconds, f"{worst:.1e}" + ("  ll ≥" if higher else "")


def main() -> None:
    names = scipy_fitting_families()
    print(f"{'family':<16}{'how':<19}{'wall':>8}{'CPU':>8}  rel. diff from scipy.stats.X.fit")
    for name in names:
        family = FAMILIES.get(name)
        if family is None:
            print(f"{name:<16}{'not declared':<19}")
            continue
        try:
            how, (wall, cpu), detail = measure(family)
        except mlemap.MlemapError as error:
            how, (wall, cpu), detail = "error", (float("nan"),) * 2, str(error)[:90]
        print(f"{name:<16}{how:<19}{wall:>7.2f}s{cpu:>7.2f}s  {detail}")


if __name__ == "__main__":
    main()
