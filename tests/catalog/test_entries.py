"""Every catalog entry against scipy.stats: the same density, and a well-formed declaration."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import mlemap
from mlemap.catalog import MODELS, PRIORS
from mlemap.catalog.registry import Registry

from conftest import LOG_DENSITY, LOG_PRIOR, SAMPLE, random_values


@pytest.mark.parametrize("model", list(MODELS), ids=lambda m: m.name)
def test_density_is_scipys(model):
    rng = np.random.default_rng(3)
    # Dummies in place of the symbols: lambdify puts every symbol of the expression into the
    # code's namespace by its name, so a parameter named beta would shadow the Beta function.
    symbols = [*model.entries, *model.symbols.values()]  # x[i], or a vector's x[i, j]
    dummies = [sp.Dummy() for _ in symbols]
    expr = sp.log(model.observation_density()).xreplace(dict(zip(symbols, dummies, strict=True)))
    density = sp.lambdify(dummies, expr, "scipy")
    for _ in range(5):
        values = random_values(rng, (*model.parameters, *model.constants))
        data = SAMPLE[model.name](rng, 5, values)
        arguments = [values[p.name] for p in (*model.parameters, *model.constants)]
        ours = [density(*np.atleast_1d(v).astype(float), *arguments) for v in data]
        np.testing.assert_allclose(ours, LOG_DENSITY[model.name](data, *arguments), rtol=1e-10)
        assert model.support.contains(
            data, {s: values[s.name] for s in model.symbols.values()}
        ).all()


@pytest.mark.parametrize("prior", [p for p in PRIORS if p.hyperparameters], ids=lambda p: p.name)
def test_prior_density_is_scipys(prior):
    rng = np.random.default_rng(4)
    t = sp.symbols(f"t1:{prior.over + 1}", positive=True)
    hypers = [sp.Dummy(h.name, **h.domain.assumptions) for h in prior.hyperparameters]
    density = sp.lambdify([*t, *hypers], sp.log(prior.density(*t, *hypers)), "scipy")
    for _ in range(5):
        values = [random_values(rng, [h])[h.name] for h in prior.hyperparameters]
        # a joint prior (Dirichlet) at a point of its simplex
        point = rng.dirichlet(np.ones(prior.over)) if prior.over > 1 else [rng.uniform(0.05, 0.95)]
        reference = LOG_PRIOR[prior.name](point if prior.over > 1 else point[0], *values)
        assert density(*point, *values) == pytest.approx(reference, rel=1e-10)


def test_every_entry_has_a_description_and_models_a_reference():
    for model in MODELS:
        assert model.description and model.reference, model.name
    for prior in PRIORS:
        assert prior.description, prior.name


def test_flat_values_make_the_prior_flat():
    for prior in PRIORS:
        t = sp.symbols(f"t1:{prior.over + 1}", positive=True)
        hypers = {h.name: h.symbol for h in prior.hyperparameters}
        density = sp.log(prior.density(*t, *hypers.values()))
        for each in t:
            derivative = sp.diff(density, each)
            if not prior.flat:
                assert derivative == 0
                continue
            for name, value in prior.flat.items():
                derivative = sp.limit(derivative, hypers[name], value)
            assert sp.simplify(derivative) == 0, prior.name


def test_registry_refuses_duplicates_and_names_the_known_entries():
    registry: Registry = Registry("model", mlemap.Model)
    registry.register(MODELS.get("bernoulli"))
    with pytest.raises(mlemap.ModelDefinitionError, match="already registered"):
        registry.register(MODELS.get("bernoulli"))
    with pytest.raises(mlemap.UnknownNameError, match="known models: bernoulli"):
        registry.get("poisson")


def test_a_dirichlet_prior_of_any_size_writes_its_last_index_as_a_subscript():
    from mlemap.catalog.priors import dirichlet

    assert dirichlet().description.startswith("Dirichlet(α₁, …, α₃) on the simplex θ₁ + … + θ₃ = 1")
    assert "α₁₂) on the simplex θ₁ + … + θ₁₂ = 1" in dirichlet(12).description
