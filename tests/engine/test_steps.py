"""The steps of a derivation: what each shows and what it claims."""

from __future__ import annotations

import pytest
import sympy as sp

import mlemap
from mlemap.engine.notation import Constant


@pytest.mark.parametrize(
    ("model", "prior"), [("poisson", "gamma"), ("bernoulli", "beta"), ("exponential", "gamma")]
)
def test_the_log_posterior_gathers_the_terms_free_of_the_parameter_into_the_constant(model, prior):
    d = mlemap.derive(model, prior=prior)
    (step,) = [s for s in d.steps if s.kind == "log-posterior"]
    full, gathered = step.lines[-2].rhs, step.lines[-1].rhs
    (parameter,) = d.problem.parameters
    # The last line keeps every term that holds the parameter, and only those, plus const.
    assert gathered.has(Constant()) and full.has(Constant())
    dropped = sp.expand(full - gathered)
    assert dropped != 0 and not dropped.has(parameter)
    assert all(t.has(parameter) for t in sp.Add.make_args(gathered) if t != Constant())
    assert "join the constant" in "".join(w for w in step.words if isinstance(w, str))
    assert "hold no parameter" in str(step.check)


def test_a_model_with_no_description_opens_with_its_observations():
    theta = mlemap.Parameter("theta", mlemap.POSITIVE)
    model = mlemap.Model(
        "plain_exponential", (theta,), mlemap.Support(0, sp.oo), lambda x, t: t * sp.exp(-t * x)
    )
    step = mlemap.derive(model, inference=False).steps[0]
    assert step.words[0] == "Each observation "
    described = mlemap.derive("exponential", inference=False).steps[0]
    assert described.words[0].endswith(". ") and len(described.words[0]) > 2
