"""Declaring models and priors: the public constructor the catalog uses, and its checks."""

from __future__ import annotations

import pytest
import sympy as sp

import mlemap
from mlemap import POSITIVE, REAL, Model, ModelDefinitionError, Parameter, Support
from mlemap.catalog.model import _UNCHECKED, deferred_checks
from mlemap.catalog.symbols import hat, n

from conftest import sum_x

HALF_NORMAL = Model(
    "half_normal",
    (Parameter("s2", POSITIVE, r"s^{2}"),),
    Support(0, sp.oo),
    lambda x, s2: sp.sqrt(2 / (sp.pi * s2)) * sp.exp(-(x**2) / (2 * s2)),
    description="|Z| with Z normal",
    reference="Johnson, Kotz & Balakrishnan, ch. 13",
)


def test_a_user_model_derives_like_a_catalog_entry():
    d = mlemap.derive(HALF_NORMAL)
    (estimate,) = d.estimates.values()
    assert sp.simplify(estimate - sum_x(d.model, lambda t: t**2) / n) == 0
    kinds = [s.kind for s in d.steps]
    assert kinds[kinds.index("result") :] == ["result", "information", "bias", "efficiency"]
    assert d.curvature.proved


def test_a_user_model_with_a_catalog_prior():
    d = mlemap.derive(HALF_NORMAL, prior="inverse_gamma")
    assert str(d.posterior).startswith("InverseGamma(")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Model("m", (), Support(0, 1), lambda x: x), "declares no parameters"),
        (
            lambda: Model(
                "m", (Parameter("t", REAL),), Support(0, 1), lambda x, t: x * sp.Symbol("q")
            ),
            r"uses \['q'\]",
        ),
        (
            lambda: Model("m", (Parameter("n", REAL),), Support(0, 1), lambda x, n: x),
            "may not be 'n'",
        ),
        (
            lambda: Model("m", (Parameter("t", REAL),), Support(0, 1), lambda x: x),
            "takes 1 argument",
        ),
        (lambda: Parameter("not a name", REAL), "must be a Python identifier"),
        (lambda: mlemap.Prior("p", "P", (), None, lambda t: 1, flat={"a": 1}), "not among"),
    ],
)
def test_inconsistent_declarations_are_refused(build, message):
    with pytest.raises(mlemap.ModelDefinitionError, match=message):
        build()


def test_with_known_rejects_an_unknown_name():
    with pytest.raises(mlemap.UnknownNameError, match="known parameters: mu, sigma2"):
        mlemap.models()["normal"].with_known(["tau"])


@pytest.mark.parametrize(
    "latex",
    [r"\sigma^{2}", r"x_{m}", r"\alpha_{0}", r"\hat{\theta}", r"\mathrm{df}", "k", r"\lambda'"],
)
def test_a_latex_name_of_maths_is_taken(latex):
    assert Parameter("a", POSITIVE, latex).latex == latex


@pytest.mark.parametrize(
    ("latex", "named"),
    [
        (r"\input{/etc/passwd}", r"uses \\input"),
        (r"\include{x}", r"uses \\include"),
        (r"\immediate\write18{ls}", r"uses \\immediate"),
        (r"\openin5=x", r"uses \\openin"),
        (r"\catcode`\@=11", r"uses \\catcode"),
        (r"\def\x{y}", r"uses \\def"),
        (r"a\\b", r"uses \\\\"),
        ("a%b", "uses '%'"),
        ("a$b", r"uses '\$'"),
        ("a}{", "unbalanced braces"),
        ("{a", "unbalanced braces"),
    ],
)
def test_a_latex_name_that_could_run_tex_is_refused(latex, named):
    with pytest.raises(ModelDefinitionError, match=named):
        Parameter("a", POSITIVE, latex)


def test_an_estimate_symbol_prints_with_its_hat_in_sympys_own_printers():
    sigma2 = mlemap.models()["normal"].symbols["sigma2"]
    estimate = hat(sigma2)
    assert str(estimate) == "sigma2_hat"  # the name the checker reads
    assert sp.latex(estimate + 1) == r"\hat{\sigma}^{2} + 1"
    assert sp.pretty(estimate) == "σ̂²"
    assert estimate != sp.Symbol("sigma2_hat", **sigma2.assumptions0)  # its own kind
    assert hat(sigma2) == estimate and estimate.assumptions0 == sigma2.assumptions0


def test_the_catalog_is_a_read_only_mapping_shown_as_a_table():
    catalog = mlemap.models()
    assert catalog["bernoulli"].name == "bernoulli" and "bernoulli" in catalog
    assert list(catalog) == [m.name for m in catalog.values()]
    with pytest.raises(TypeError):
        catalog["x"] = None  # type: ignore[index]
    table = catalog._repr_markdown_().splitlines()
    assert table[0] == "| name | parameters | description |"
    assert len(table) == len(catalog) + 2


def _stray() -> Model:
    return Model("m", (Parameter("t", REAL),), Support(0, 1), lambda x, t: x * t * sp.Symbol("q"))


def test_a_model_declared_with_deferred_checks_is_checked_when_its_density_is_built():
    with pytest.raises(ModelDefinitionError, match=r"uses \['q'\]"):
        _stray()  # at once, outside deferred_checks
    with deferred_checks():
        model = _stray()
    with pytest.raises(ModelDefinitionError, match=r"uses \['q'\]"):
        model.observation_density()


def test_every_catalog_entry_passes_the_checks_it_deferred():
    for model in mlemap.MODELS:
        assert isinstance(model.observation_density(), sp.Expr)
        assert id(model) not in _UNCHECKED  # checked, and not again
        model.constraint_relations()
