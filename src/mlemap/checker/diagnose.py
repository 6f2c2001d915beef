"""The usual mistakes, as alternatives to the engine's answer that a wrong claim may equal.

Each alternative is an exact expression with the words that name the mistake; the judge
gives a diagnosis only when a claim equals one by the same test that decides correctness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import sympy as sp

from ..catalog.model import Model
from ..engine.conjugacy import Posterior
from ..engine.problem import Problem
from .plain import plain

__all__ = ["posterior_mean_matches", "term_slips", "transforms"]

Alternative = tuple[sp.Expr, str]


def transforms(expected: sp.Expr, form: sp.Expr | None) -> list[Alternative]:
    """The reciprocal (rate for scale), and the square or square root (σ for σ²)."""
    found = [(1 / expected, "yours is the reciprocal of the engine's (a rate for a scale?)")]
    name = str(form) if form is not None else "the estimate"
    found.append(
        (sp.sqrt(expected), f"yours is the square root of the engine's {name} (σ for σ²?)")
    )
    found.append((expected**2, f"yours is the square of the engine's {name} (σ² for σ?)"))
    return found


def _terms(expr: sp.Expr) -> Iterator[tuple[str, sp.Expr, Callable[[sp.Expr], sp.Expr]]]:
    """Each sum inside ``expr`` (the whole, a numerator, a denominator) with where it
    stands and how to put a changed sum back."""
    if isinstance(expr, sp.Add):  # k/θ - (n - k)/(1 - θ): the terms as a student writes them
        yield "", expr, lambda new: new
    numerator, denominator = sp.fraction(sp.together(expr))
    if denominator == 1:
        return
    yield " in the numerator", numerator, lambda new: new / denominator
    yield " in the denominator", denominator, lambda new: numerator / new


def term_slips(expected: sp.Expr, model: Model) -> list[Alternative]:
    """The engine's form with the sign of one term flipped, or one term dropped."""
    found: list[Alternative] = []
    for where, part, rebuild in _terms(expected):
        if not isinstance(part, sp.Add):
            continue
        terms = part.args
        for position, term in enumerate(terms):
            others = terms[:position] + terms[position + 1 :]
            shown = plain(term, model)
            found.append(
                (rebuild(sp.Add(*others) - term), f"the sign of the term {shown}{where} is flipped")
            )
            found.append((rebuild(sp.Add(*others)), f"the term {shown}{where} is missing"))
    return found


def posterior_mean_matches(
    claimed: sp.Expr, posterior: Posterior, problem: Problem, rng: np.random.Generator
) -> bool:
    """Whether ``claimed`` is the posterior mean (not its mode), at three random data sets:
    the mean by quadrature of θ·p(θ | x), which SymPy's integral gives too slowly."""
    from scipy import integrate  # loaded when first needed: slow to import

    theta = posterior.parameter
    interval = problem.domain(theta).interval
    names = sp.symbols(f"h0:{len(posterior.hyperparameters)}", positive=True)
    # through its log, with log Γ: Γ(α + Σxᵢ) of a few hundred observations overflows
    declared = sp.sympify(posterior.prior.density(theta, *names), strict=True)
    log_density = sp.expand_log(sp.log(declared), force=True).replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma | sp.beta),
        lambda e: (
            sp.loggamma(e.args[0].args[0])
            if isinstance(e.args[0], sp.gamma)
            else sp.loggamma(e.args[0].args[0])
            + sp.loggamma(e.args[0].args[1])
            - sp.loggamma(sp.Add(*e.args[0].args))
        ),
    )
    density = sp.lambdify((theta, *names), sp.exp(log_density), "scipy")
    for _ in range(3):
        point = problem.random_point(rng)
        values = [problem.number(h, point).real for h in posterior.hyperparameters]
        claim = problem.number(claimed, point)
        if not np.isfinite(claim) or abs(claim.imag) > 1e-12:
            return False
        low, high = float(interval.inf), float(interval.sup)
        # split at the claimed mean: a posterior of many data is a narrow peak, which
        # quadrature over a half-line would miss
        cut = min(max(claim.real, low), high)
        mean = sum(
            integrate.quad(lambda t, v=values: t * density(t, *v), a, b, limit=200)[0]
            for a, b in ((low, cut), (cut, high))
            if a < b
        )
        if not np.isclose(claim.real, mean, rtol=1e-7, atol=1e-10):
            return False
    return True
