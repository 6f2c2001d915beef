"""Matrix claims for linear regression, judged at random matrices against the regression engine."""

from __future__ import annotations

import functools

import pytest

import mlemap
from mlemap.checker.judge import check


@functools.cache
def derivation(prior: str | None) -> object:
    return mlemap.derive("linear_regression", prior=prior)


@pytest.mark.parametrize(
    ("prior", "claim"),
    [
        (None, "w = (X^T X)^{-1} X^T y"),
        (None, "ŵ_MLE = (XᵀX)⁻¹Xᵀy"),
        (None, "XᵀXw = Xᵀy"),
        ("normal", "ŵ_MAP = (XᵀX + λI)⁻¹Xᵀy"),
        ("normal", r"\hat{w} = (\mathbf{X}^\top \mathbf{X} + \lambda I)^{-1} \mathbf{X}^\top y"),
        ("normal", "(XᵀX + λI)w = Xᵀy"),
        ("normal", "Xᵀy - XᵀXw = λw"),  # the seed handout's step
        ("normal", "w = (XᵀX + σ²/τ² I)⁻¹Xᵀy"),  # λ written out as σ²/τ²
    ],
)
def test_textbook_forms_are_correct(prior, claim):
    report = check(derivation(prior), claim)
    assert report.verdict == "correct", str(report)


def test_a_wrong_claim_names_the_sizes_and_both_values():
    report = check(derivation("normal"), "w = (XᵀX + 2λI)⁻¹Xᵀy")
    assert report.verdict == "wrong"
    where = report.steps[0].where
    assert "(X " in where and "yours = [" in where and "engine = [" in where


def test_ols_given_for_ridge_is_named():
    report = check(derivation("normal"), "ŵ_MAP = (XᵀX)⁻¹Xᵀy")
    assert report.verdict == "wrong"
    assert "OLS estimate" in report.diagnosis
