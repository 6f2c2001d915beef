"""Bad input gets an mlemap error that says what was wrong and what is allowed."""

from __future__ import annotations

import pytest

import mlemap


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: mlemap.derive("bernouli"),
            mlemap.UnknownNameError,
            r"unknown model 'bernouli'; known models: bernoulli, beta, binomial, "
            r".*did you mean 'bernoulli'",
        ),
        (
            lambda: mlemap.derive("bernoulli", prior="betta"),
            mlemap.UnknownNameError,
            r"unknown prior 'betta'; known priors: beta, dirichlet, gamma, inverse_gamma, laplace, "
            r"normal, uniform",
        ),
        (
            lambda: mlemap.derive("bernoulli", prior={"p": "beta"}),
            mlemap.UnknownNameError,
            r"unknown parameter 'p' for a prior in model 'bernoulli'; known parameters: theta",
        ),
        (
            lambda: mlemap.derive("bernoulli", prior="normal"),
            mlemap.DomainError,
            r"normal prior lives on \(−∞, ∞\), but parameter 'theta' .* lies in \(0, 1\).*"
            r"priors that fit: beta, uniform",
        ),
        (
            lambda: mlemap.derive("poisson", prior="beta"),
            mlemap.DomainError,
            r"priors that fit: gamma, inverse_gamma, uniform",
        ),
        (
            lambda: mlemap.derive("normal", estimate=["sigma"]),
            mlemap.UnknownNameError,
            r"unknown parameter 'sigma' to estimate in model 'normal'; "
            r"known parameters: mu, sigma2",
        ),
        (
            lambda: mlemap.derive("normal", estimate=[]),
            mlemap.MlemapError,
            r"estimate names no parameter; model 'normal' has \['mu', 'sigma2'\]",
        ),
        (
            lambda: mlemap.derive("normal", prior="normal"),
            mlemap.MlemapError,
            r"applies to a model's single estimated parameter.*estimates mu, sigma2",
        ),
        (
            lambda: mlemap.derive("normal", prior={"sigma2": "inverse_gamma"}, estimate=["mu"]),
            mlemap.MlemapError,
            r"parameter 'sigma2' of model 'normal' is known",
        ),
        (lambda: mlemap.derive(3), mlemap.MlemapError, r"model must be a catalog name"),
        (lambda: mlemap.derive("poisson", prior=3), mlemap.MlemapError, r"prior must be a name"),
        (
            lambda: mlemap.derive("poisson", prior={"lambda": 3}),
            mlemap.MlemapError,
            r"a prior must be a catalog name",
        ),
    ],
)
def test_bad_input_is_named_with_what_is_allowed(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_every_error_is_an_mlemap_error():
    for error in (
        mlemap.UnknownNameError,
        mlemap.DomainError,
        mlemap.ModelDefinitionError,
        mlemap.VerificationError,
    ):
        assert issubclass(error, mlemap.MlemapError)


def test_unknown_name_error_prints_its_message_without_key_error_quoting():
    try:
        mlemap.derive("nope")
    except mlemap.UnknownNameError as error:
        assert str(error).startswith("unknown model 'nope'")
