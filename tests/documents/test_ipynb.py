"""Notebooks: the derivation as Markdown cells, then code that simulates, estimates, fits and
plots; executed with nbclient, the printed estimate is the estimator's on the same data, and
the log-likelihood computed from the density peaks there."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import sympy as sp

import mlemap
from mlemap.catalog.domains import POSITIVE
from mlemap.catalog.model import Model, Parameter, Support
from mlemap.documents.ipynb import SEED, SIMULATIONS, SIZE, code_cells, notebook, spelled
from mlemap.errors import MlemapError
from mlemap.estimators.estimator import keyword_spelling

from conftest import derived
from outputs import seed_documents

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")


def _notebook(d) -> str:
    return notebook([(d.to_markdown(), d)])


def _execute(text: str):
    book = nbformat.reads(text, as_version=4)
    nbclient.NotebookClient(book, timeout=900, kernel_name="python3").execute()
    return book


def _printed(book) -> str:
    return "".join(
        o.text for c in book.cells if c.cell_type == "code" for o in c.outputs if "text" in o
    )


def _plots(book) -> list:
    outputs = [o for c in book.cells for o in c.get("outputs", [])]
    return [o for o in outputs if "image/png" in o.get("data", {})]


def _draw(model: str, size: int, seed: int) -> tuple[np.ndarray, dict]:
    """Data drawn as the notebook draws them."""
    simulation = SIMULATIONS[model]
    names = {spelled(k): v for k, v in simulation.values.items()}
    rng = np.random.default_rng(seed)
    return eval(simulation.draw, {"np": np, "rng": rng, "n": size, **names}), names


def test_the_file_is_deterministic_valid_and_carries_no_outputs():
    d = derived("bernoulli", "beta")
    text = _notebook(d)
    assert text == _notebook(d)
    book = nbformat.reads(text, as_version=4)
    nbformat.validate(book)
    assert [c.id for c in book.cells] == [f"cell-{j}" for j in range(1, len(book.cells) + 1)]
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert [c.source for c in code] == code_cells(d)
    markdown = [c.source for c in book.cells if c.cell_type == "markdown"]
    # the Markdown cells are the derivation's document, cut before each heading
    assert "\n\n".join(markdown) == d.to_markdown().strip()
    assert markdown[0].startswith("# MAP for the Bernoulli model")
    assert sum(m.startswith("## ") for m in markdown) == len(d.steps)
    assert json.loads(text)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize(("model", "prior"), [("normal", None), ("bernoulli", "beta")])
def test_the_executed_notebook_prints_the_estimators_values(model, prior):
    d = derived(model, prior)
    book = _execute(_notebook(d))
    printed = _printed(book)
    x, values = _draw(model, SIZE, SEED)
    known = {k: v for k, v in values.items() if k not in {spelled(str(p)) for p in d.parameters}}
    if prior == "beta":
        known.update(alpha=2.0, beta=2.0)
    expected = d.estimator()(x, **known)
    for name, value in expected.items():
        assert f"{name}_hat = {value:.6f}" in printed
    first = str(d.parameters[0])
    peak = float(re.search(rf"maximum on the grid at {first} = (\S+)", printed).group(1))
    step = 0.0025 if model == "normal" else 0.001  # the grid's spacing, and print rounding
    assert abs(peak - expected[first]) <= step
    plots = [
        o for c in book.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(plots) == 1
    if prior is None:  # an MLE also has fit()'s summary, with the standard errors
        r = d.fit(x)
        assert f"{r.se['mu']:.6g}" in printed and "std. error" in printed


def test_a_regression_notebook_runs_the_lasso_to_an_exact_zero():
    d = mlemap.derive("linear_regression", prior="laplace")
    printed = _printed(_execute(_notebook(d)))
    w = re.search(r"w_hat = \[([^\]]*)\]", printed).group(1).split()
    assert len(w) == 4 and float(w[2]) == 0.0 and abs(float(w[0]) - 1.5) < 0.2


def test_the_seed_handout_notebook_runs_every_derivation():
    text = seed_documents()["ipynb"]
    book = _execute(text)
    printed = _printed(book)
    assert len(_plots(book)) == 9  # six models and three regressions, one plot each
    for name in ("theta_hat", "mu_hat", "sigma2_hat", "lambda_hat", "b_hat"):
        assert f"{name} = " in printed
    assert printed.count("w_hat = [") == 3
    headings = [c.source for c in book.cells if c.source.startswith("### MAP of")]
    assert headings == [
        "### MAP of bernoulli, prior theta ~ Beta(alpha, beta)",
        "### MAP of poisson, prior lambda ~ Uniform()",
        "### MAP of linear regression (ridge)",
        "### MAP of linear regression (lasso)",
    ]


@pytest.mark.parametrize("model", sorted(SIMULATIONS))
def test_each_simulation_draws_from_the_model_as_the_density_reads(model):
    """The MLE on a large sample from the simulation is near the true value: the sampler's
    parameterisation is the density's."""
    x, values = _draw(model, 20_000, 1)
    d = derived(model)
    known = {spelled(c.name): values[spelled(c.name)] for c in d.model.constants}
    estimate = d.estimator()(x, **known)
    for name, value in estimate.items():
        truth = SIMULATIONS[model].values[name]
        assert value == pytest.approx(truth, rel=0.05, abs=0.05), (model, name)


def test_names_are_spelled_as_the_estimators_spell_them():
    for name in ("lambda", "theta", "mu0", "class", "x_m"):
        assert spelled(name) == keyword_spelling(name)


def test_a_model_without_a_simulation_is_refused_by_name():
    own = Model(
        "half_square",
        (Parameter("s", POSITIVE, "s"),),
        Support(0, sp.oo, lower_open=True),
        lambda x, s: 2 * x / s * sp.exp(-(x**2) / s),
    )
    with pytest.raises(MlemapError, match="no simulation for model 'half_square'"):
        code_cells(mlemap.derive(own))
