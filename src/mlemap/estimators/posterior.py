"""A fitted MAP: the conjugate posterior at the data, its mode (the MAP), mean, variance and
an equal-tailed credible interval.

>>> r = mlemap.derive("bernoulli", prior="beta").fit([1, 1, 1], alpha=2, beta=2)
>>> r.posterior, r.params, r.mean         # ('Beta', (5.0, 2.0)), {'theta': 0.8}, {'theta': 0.714…}
>>> r.credible_interval(0.95)             # {'theta': (0.359…, 0.957…)}

The posterior's hyperparameters are the derivation's expressions, generated as code in which
each sum over the data is one NumPy reduction; the data and the hyperparameters are
validated as the estimator validates them. Mean, variance and quantiles come from
``scipy.stats`` at the posterior's numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..catalog.symbols import n
from ..engine.posterior import SUMMARIES
from ..errors import MlemapError
from .estimator import KEYWORD_SPELLINGS, Estimator
from .lambdify import compile_function
from .table import table
from .validation import check_keywords, check_observations

if TYPE_CHECKING:
    from ..engine.derivation import Derivation

__all__ = ["JOINT", "PosteriorFit", "PosteriorFitter"]


def _dirichlet_marginals(*alpha: float) -> list[object]:
    """θⱼ of Dirichlet(α) is Beta(αⱼ, Σα − αⱼ) (Bishop, PRML, Section 2.2.1)."""
    from scipy import stats

    total = sum(alpha)
    return [stats.beta(a, total - a) for a in alpha]


#: Joint posteriors over several parameters: the marginal of each, as scipy distributions.
JOINT = {"Dirichlet": _dirichlet_marginals}


class PosteriorFitter:
    """The compiled posterior hyperparameters of a MAP derivation with a recognised posterior."""

    def __init__(self, derivation: Derivation) -> None:
        posterior = derivation.posterior
        where = f"the MAP derivation of {derivation.model.name}"
        if posterior is None:
            raise MlemapError(
                f"fit() of a MAP derivation needs a recognised conjugate posterior, and {where} "
                "has none; use estimator() for the MAP estimate"
            )
        joint = posterior.family in JOINT and len(posterior.parameters) > 1
        if not joint and (posterior.family not in SUMMARIES or len(derivation.parameters) != 1):
            raise MlemapError(
                f"fit() summarises a one-parameter posterior of a family with known moments "
                f"({', '.join(SUMMARIES)}); {where} has a {posterior.family} posterior on "
                f"{len(derivation.parameters)} parameters; use estimator() for the MAP estimate"
            )
        self.derivation = derivation
        self.estimator = Estimator(derivation)
        self.summary = None if joint else SUMMARIES[posterior.family]
        self.marginals = JOINT[posterior.family] if joint else None
        plan = self.estimator.reductions(list(posterior.hyperparameters))
        arguments = [plan.data, n, *self.estimator.known_symbols]
        self.function = compile_function(arguments, plan, "the posterior's hyperparameters")

    def __call__(self, x: object, /, **known: object) -> PosteriorFit:
        est = self.estimator
        mode = est(x, **known)
        constants = check_keywords(known, est._keywords, est._where, KEYWORD_SPELLINGS)
        data = check_observations(x, est._support, constants, materialize=True)
        values = np.asarray(data.values, dtype=float)
        with np.errstate(all="ignore"):
            numbers = tuple(float(v) for v in self.function(values, float(len(values)), *constants))
        if not all(map(math.isfinite, numbers)):
            raise MlemapError(
                f"the posterior's arguments {numbers} are not finite for these data "
                f"(n = {len(values)})"
            )
        given = dict(zip(est.keywords, map(float, constants), strict=True))
        return PosteriorFit(self, len(values), numbers, mode, given)


@dataclass(frozen=True)
class PosteriorFit:
    """A fitted MAP: the posterior family at numbers, with its summaries."""

    fitter: PosteriorFitter
    nobs: int
    arguments: tuple[float, ...]  # the posterior's hyperparameters at the data
    params: dict[str, float]  # the MAP estimate: the posterior's mode
    known: dict[str, float]  # the hyperparameters and known constants given

    @property
    def name(self) -> str:
        """The parameter of a one-parameter posterior."""
        (name,) = self.params
        return name

    @property
    def posterior(self) -> tuple[str, tuple[float, ...]]:
        """The family's name and its arguments, as the derivation writes them."""
        return self.fitter.derivation.posterior.family, self.arguments

    @property
    def distribution(self) -> object:
        """The posterior as a frozen ``scipy.stats`` distribution."""
        return self.fitter.summary.scipy(*self.arguments)

    @property
    def marginals(self) -> dict[str, object]:
        """Each parameter's posterior (its marginal, for a joint posterior), from scipy.stats."""
        if self.fitter.marginals is None:
            return {self.name: self.distribution}
        found = self.fitter.marginals(*self.arguments)
        return dict(zip(self.params, found, strict=True))

    @property
    def mean(self) -> dict[str, float]:
        return {k: float(m.mean()) for k, m in self.marginals.items()}

    @property
    def var(self) -> dict[str, float]:
        return {k: float(m.var()) for k, m in self.marginals.items()}

    @property
    def sd(self) -> dict[str, float]:
        return {k: float(m.std()) for k, m in self.marginals.items()}

    def credible_interval(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        """The equal-tailed interval: the posterior's (1 − level)/2 and (1 + level)/2 quantiles."""
        if not (isinstance(level, float | int) and 0 < level < 1):
            raise MlemapError(f"level must be a number strictly between 0 and 1; got {level!r}")
        found = {}
        for name, marginal in self.marginals.items():
            low, high = marginal.ppf([(1 - level) / 2, (1 + level) / 2])
            found[name] = (float(low), float(high))
        return found

    def summary(self, fmt: str = "text", level: float = 0.95) -> str:
        """The MAP, the posterior's mean, standard deviation and credible interval, as
        ``fmt`` "text", "markdown", "latex" or "html"."""
        d = self.fitter.derivation
        family, arguments = self.posterior
        prior = ", ".join(b.family_text() for b in d.problem.priors.values())
        given = ", ".join(f"{k} = {v:.6g}" for k, v in self.known.items())
        given = f" with {given}" if given else ""
        head = [
            f"MAP of the {d.model.label} model, prior {prior}{given}",
            f"observations: {self.nobs}",
            f"posterior: {family}({', '.join(f'{a:.6g}' for a in arguments)})",
        ]
        percent = f"{100 * level:g}%"
        columns = ["parameter", "MAP (mode)", "mean", "std. dev.", f"{percent} lower"]
        columns.append(f"{percent} upper")
        intervals, mean, sd = self.credible_interval(level), self.mean, self.sd
        rows = []
        for name in self.params:
            low, high = intervals[name]
            numbers = (self.params[name], mean[name], sd[name], low, high)
            rows.append([name, *(f"{v:.6g}" for v in numbers)])
        return table(head, columns, rows, fmt)

    def _repr_html_(self) -> str:
        return self.summary("html")

    def __repr__(self) -> str:
        family, arguments = self.posterior
        shown = ", ".join(f"{a:.6g}" for a in arguments)
        maps = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        means = ", ".join(f"{v:.6g}" for v in self.mean.values())
        return (
            f"<PosteriorFit {self.fitter.derivation.model.name}: {family}({shown}); "
            f"MAP {maps}, mean {means}; n = {self.nobs}>"
        )
