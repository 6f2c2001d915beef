"""A model outside the derivative test's reach is refused up front, naming the feature."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import mlemap
from mlemap import POSITIVE, REAL, Model, Parameter, Prior, Support

THETA = Parameter("theta", POSITIVE)
REAL_THETA = Parameter("theta", REAL)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            Model(
                "uniform_symmetric",
                (THETA,),
                Support(-THETA.symbol, THETA.symbol),
                lambda x, t: 1 / (2 * t),
            ),
            r"support of model 'uniform_symmetric', \[-theta, theta\), depends on an "
            r"estimated parameter, and both of its ends hold theta",
        ),
        (
            Model(
                "two_in_one_end",
                (THETA, Parameter("phi", POSITIVE)),
                Support(0, THETA.symbol + Parameter("phi", POSITIVE).symbol),
                lambda x, t, p: 1 / (t + p),
            ),
            r"its upper end phi \+ theta holds theta and phi at once",
        ),
        (
            Model(
                "kink_at_a_square",
                (Parameter("mu", REAL),),
                Support(-sp.oo, sp.oo),
                lambda x, mu: sp.exp(-sp.Abs(x - mu**2)) / 2,
            ),
            r"holds an absolute value \|·\|, Abs\(mu\*\*2 - x\[i\]\), that is not "
            r"differentiable in mu",
        ),
        (
            Model(
                "uniform_heaviside",
                (THETA,),
                Support(0, sp.oo),
                lambda x, t: sp.Heaviside(t - x) / t,
            ),
            r"holds a Heaviside step",
        ),
        (
            Model(
                "uniform_piecewise",
                (THETA,),
                Support(0, sp.oo),
                lambda x, t: sp.Piecewise((1 / t, x <= t), (0, True)),
            ),
            r"holds a Piecewise definition",
        ),
    ],
    ids=lambda v: v.name if isinstance(v, Model) else "",
)
def test_out_of_reach_is_an_unsupported_model_error(model, message):
    with pytest.raises(mlemap.UnsupportedModelError, match=message):
        mlemap.derive(model)


def test_a_kink_in_a_prior_is_named_too():
    # |μ|³ is no multiple of |μ − μ₀|: soft-thresholding does not reach it
    cubed = Prior(
        "cubed", "Cubed", (), None, lambda mu: sp.exp(-sp.Abs(mu**3)), description="exp(−|μ|³)"
    )
    with pytest.raises(mlemap.UnsupportedModelError, match=r"log-density holds mu outside"):
        mlemap.derive("normal", prior={"mu": cubed}, estimate=["mu"])
    # a kink at a parameter's square root is no |μ − μ₀| either: refused up front
    root = Prior(
        "root", "Root", (), None, lambda mu: sp.exp(-sp.Abs(2 * mu + mu**2)), description="root"
    )
    with pytest.raises(mlemap.UnsupportedModelError, match=r"the prior on mu .* absolute value"):
        mlemap.derive("normal", prior={"mu": root}, estimate=["mu"])


def test_a_laplace_prior_of_ones_own_at_zero_soft_thresholds_the_mean():
    laplace = Prior(
        "laplace", "Laplace", (), None, lambda mu: sp.exp(-sp.Abs(mu)) / 2, description="Laplace"
    )
    d = mlemap.derive("normal", prior={"mu": laplace}, estimate=["mu"])
    x = np.array([0.9, 1.4, 0.2, 1.1])  # x̄ = 0.9, threshold σ²/n = 1/4
    assert d.estimator()(x, sigma2=1.0)["mu"] == pytest.approx(0.9 - 0.25, abs=1e-12)
    assert d.estimator()(x - 0.8, sigma2=1.0)["mu"] == 0.0


def test_a_support_that_holds_a_known_constant_is_fine():
    d = mlemap.derive("pareto")  # x ≥ x_m, with x_m known
    assert d.closed_form


def test_the_error_is_an_mlemap_error_and_not_implemented():
    assert issubclass(mlemap.UnsupportedModelError, mlemap.MlemapError)
    assert issubclass(mlemap.UnsupportedModelError, NotImplementedError)
