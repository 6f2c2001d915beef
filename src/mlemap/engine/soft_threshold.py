"""One variable under an absolute-value penalty: min (c/2)t² − zt + λ|t| is soft-thresholding.

The objective is smooth on t > 0 and on t < 0 but has a kink at t = 0, so it is minimised
branch by branch (the subgradient condition): the stationary point of each smooth branch is
kept where it lies in the branch, and t = 0 where 0 is in the subdifferential −z + λ[−1, 1].
The result is t̂ = S(z, λ)/c. The lasso's one-feature case and a Laplace prior on a normal
mean are both this problem, and both derive it here.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .verify import Check, VerificationError

__all__ = ["Branch", "SoftThreshold", "check_soft_threshold", "soft_threshold_branches"]

#: (where, minimiser, condition under which it is the minimiser)
Branch = tuple[str, sp.Expr, sp.Basic]


class SoftThreshold(sp.Function):
    """S(z, λ) = sign(z)·max(|z| − λ, 0)."""

    nargs = 2

    @classmethod
    def eval(cls, z: sp.Basic, penalty: sp.Basic) -> sp.Expr | None:
        if z.is_number and penalty.is_number:  # at numbers, as the checks evaluate it
            return cls.explicit(z, penalty)
        return None

    def _eval_is_commutative(self) -> bool:
        return True  # a number, also of a 1 × 1 matrix such as xⱼᵀrⱼ

    def _latex(self, printer: object) -> str:
        z, t = (printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return rf"S{{\left({z}, {t}\right)}}"

    def doit(self, **hints: object) -> sp.Basic:
        z, t = (a.doit(**hints) for a in self.args)
        if z.is_number and t.is_number:
            return self.explicit(z, t)
        return self.func(z, t)

    @staticmethod
    def explicit(z: sp.Expr, penalty: sp.Expr) -> sp.Expr:
        """sign(z)·max(|z| − λ, 0), the definition written out."""
        return sp.sign(z) * sp.Max(sp.Abs(z) - penalty, 0)


def soft_threshold_branches(
    c: sp.Symbol, z: sp.Symbol, t: sp.Symbol, lam: sp.Symbol
) -> tuple[sp.Piecewise, list[Branch]]:
    """Minimise (c/2)t² − zt + λ|t| branch by branch: on t > 0 and t < 0 the objective is
    smooth and its stationary point is kept where it lies in the branch; t = 0 is optimal
    where 0 is in the subdifferential −z + λ[−1, 1]. Returns the minimiser and the branches
    as (where, minimiser, condition)."""
    branches: list[Branch] = []
    for sign, where in ((1, "t > 0"), (-1, "t < 0")):
        smooth = c / 2 * t**2 - z * t + lam * sign * t
        (root,) = sp.solve(sp.diff(smooth, t), t)
        inside = sp.simplify(sign * root > 0)  # the root lies in its branch
        branches.append((where, root, inside))
    zero_optimal = sp.And(-z + lam >= 0, -z - lam <= 0)  # 0 ∈ −z + λ[−1, 1]
    branches.append(("t = 0", sp.Integer(0), zero_optimal))
    minimiser = sp.Piecewise(*((root, cond) for _, root, cond in branches[:2]), (0, True))
    return minimiser, branches


def check_soft_threshold(
    minimiser: sp.Expr, c: sp.Symbol, z: sp.Symbol, lam: sp.Symbol, rng: np.random.Generator
) -> Check:
    """At exact random (c, λ) and z in each region: the branch minimiser equals S(z, λ)/c and
    satisfies the subgradient condition of the one-variable objective."""
    count = 0
    for _ in range(8):
        c_value = sp.Rational(int(rng.integers(10, 500)), 100)
        lam_value = sp.Rational(int(rng.integers(1, 300)), 100)
        for z_value in (lam_value * sp.Rational(3, 2), -lam_value * 2, lam_value / 3, lam_value):
            at = {c: c_value, lam: lam_value, z: z_value}
            found = minimiser.xreplace(at)
            expected = SoftThreshold(z, lam).xreplace(at).doit() / c_value
            if found != expected:
                raise VerificationError(f"soft-thresholding differs at {at}: {found}, {expected}")
            if found != 0:
                stationary = c_value * found - z_value + lam_value * sp.sign(found)
                ok = stationary == 0
            else:
                ok = abs(z_value) <= lam_value
            if not ok:
                raise VerificationError(f"the subgradient condition fails at {at}")
            count += 1
    return Check(
        "numeric",
        f"exact at {count} random (c, λ, z) covering every branch: equal to S(z, λ)/c and "
        "satisfying the subgradient condition",
    )
