"""What the derivative test can reach: a model outside it is refused up front, by name.

The pipeline maximises by setting a smooth score to zero, or (a support that depends on a
parameter, :mod:`.boundary`) by the score's sign on a feasible set. A density that is not
differentiable in an estimated parameter (|xᵢ − μ| of the Laplace, a Heaviside step, a
Piecewise definition, a min or max) can put the maximum at a kink, where neither applies,
and the engine says so before it starts rather than showing a wrong "no closed form" or
failing in the numeric method. One kink is in reach: |xᵢ − μ| in the density, whose maximum
the subgradient condition finds (:mod:`.subgradient`).
"""

from __future__ import annotations

import sympy as sp

from ..errors import UnsupportedModelError
from .prior_kink import kink_location
from .problem import Problem
from .subgradient import kink_parameter

__all__ = ["NON_SMOOTH", "check_in_scope"]

#: Functions with a kink or a jump: their derivative is not a score the solver can use.
NON_SMOOTH: dict[type, str] = {
    sp.Abs: "an absolute value |·|",
    sp.sign: "a sign function",
    sp.Heaviside: "a Heaviside step",
    sp.Piecewise: "a Piecewise definition",
    sp.Min: "a minimum",
    sp.Max: "a maximum",
    sp.floor: "a floor",
    sp.ceiling: "a ceiling",
    sp.DiracDelta: "a Dirac delta",
}


def check_in_scope(problem: Problem) -> None:
    """Raise :class:`~mlemap.UnsupportedModelError` naming the first feature out of reach."""
    model = problem.model
    for expr, what in (
        (model.observation_density(), "density"),
        *((b.density(), f"prior on {s}") for s, b in problem.priors.items()),
    ):
        for kind, words in NON_SMOOTH.items():
            for found in sorted(expr.atoms(kind), key=sp.default_sort_key):
                if (
                    what == "density"
                    and kind is sp.Abs
                    and kink_parameter(found, model.x, problem.parameters)
                ):
                    continue  # |xᵢ − μ|: the subgradient condition's case
                if (
                    what != "density"
                    and kind is sp.Abs
                    and any(kink_location(found, p) is not None for p in problem.parameters)
                ):
                    continue  # |θ − θ₀| of a Laplace prior: soft-thresholding's case
                parameter = next((p for p in problem.parameters if found.has(p)), None)
                if parameter is not None:
                    raise UnsupportedModelError(
                        f"the {what} of model {model.name!r} holds {words}, {found}, that is "
                        f"not differentiable in {parameter}: the maximum can sit at a kink, "
                        "where no score vanishes, and mlemap derives only maxima where a "
                        "smooth score is zero"
                    )
