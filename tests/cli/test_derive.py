"""``mlemap derive --format text``: readable plain text, in the syntax ``mlemap check`` reads."""

from __future__ import annotations

import re

import pytest

import mlemap
from mlemap.cli.main import main

#: Lines of a derivation's text that claim something the checker judges.
CLAIMS = re.compile(r"^\s+((?:d2?(?:l|logp)/d\w+|(?:l|logp)\([\w, ]+\)|\w+_hat) = .*)$")


@pytest.mark.parametrize(
    ("model", "prior"),
    [
        ("bernoulli", None),
        ("bernoulli", "beta"),
        ("poisson", "gamma"),
        ("exponential", None),
        ("normal", None),
        ("geometric", None),
    ],
)
def test_every_claim_the_text_shows_is_one_the_checker_reads_and_accepts(model, prior, capsys):
    arguments = ["derive", model, "--format", "text", "-o", "-"]
    assert main([*arguments, *(["--prior", prior] if prior else [])]) == 0
    text = capsys.readouterr().out
    assert "Eq(" not in text and "Density(" not in text and "Sum(" not in text
    # The flat-prior step shows the MAP's limit (the MLE's form), which is no claim of the MAP.
    steps = re.split(r"^\d+\. ", text, flags=re.M)[1:]
    shown = [
        line for step in steps if not step.startswith("Flat prior") for line in step.split("\n")
    ]
    claims = [m[1] for line in shown if (m := CLAIMS.match(line))]
    assert any(c.startswith(("dl/d", "dlogp/d")) for c in claims) and any(
        "_hat = " in c for c in claims
    )
    for claim in claims:
        if " at " in claim or "L(" in claim or "const" in claim:
            continue  # the Hessian at θ̂, ℓ = log L and log p = ℓ + log p(θ) + const: definitions
        report = mlemap.check(model, claim, prior)
        assert report.verdict == "correct", (claim, str(report))


def test_the_text_opens_with_the_results_in_claim_syntax(capsys):
    assert main(["derive", "normal", "--format", "text", "-o", "-"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "MLE of normal: mu_hat = xbar; sigma2_hat = sum((x_i - mu_hat)**2)/n"


def test_the_categorical_derives_on_the_command_line_for_any_k(tmp_path, capsys):
    assert main(["derive", "categorical", "--format", "md", "-o", str(tmp_path)]) == 0
    markdown = (tmp_path / "categorical-mle.md").read_text()
    assert r"\mathcal{L}" in markdown and r"\hat{\theta}_{3} & = \frac{n_{3}}{n}" in markdown
    capsys.readouterr()
    arguments = ["derive", "categorical", "--K", "4", "--prior", "dirichlet", "--format", "text"]
    assert main([*arguments, "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("MAP of categorical4")
    assert "theta4_hat = (alpha4 + n4 - 1)/(alpha1 + alpha2 + alpha3 + alpha4 + n - 4)" in text
    assert main(["derive", "normal", "--K", "4", "-o", "-"]) == 2
    assert "--K sets the number of categories of categorical" in capsys.readouterr().err


def test_a_laplace_prior_on_the_normal_mean_derives_on_the_command_line(tmp_path, capsys):
    request = ["derive", "normal", "--prior", "mu=laplace", "--estimate", "mu"]
    assert main([*request, "--format", "text", "-o", "-"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    claim = "mu_hat = mu0 + S(xbar - mu0, sigma2/(b*n))"
    assert first == f"MAP of normal, prior mu ~ Laplace(mu0, b): {claim}"
    assert mlemap.check("normal", claim, {"mu": "laplace"}, estimate="mu").verdict == "correct"
    assert main([*request, "--format", "md", "-o", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("normal-*laplace*.md")
    markdown = written.read_text()
    assert r"\hat{\mu} & = \mu_{0} + S{\left(\bar{x} - \mu_{0}, \frac{\sigma^{2}}{b n}\right)}" in (
        markdown
    )


def test_the_multinomial_derives_on_the_command_line_for_any_k(tmp_path, capsys):
    assert main(["derive", "multinomial", "-o", str(tmp_path / "m.tex")]) == 0
    latex = (tmp_path / "m.tex").read_text()
    assert r"\hat{\theta}_{3} & = \frac{n_{3}}{m n}" in latex and "x_{i,3}" in latex
    capsys.readouterr()
    arguments = ["derive", "multinomial", "--K", "4", "--prior", "dirichlet", "--format", "text"]
    assert main([*arguments, "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("MAP of multinomial4")
    expected = "theta4_hat = (alpha4 + n4 - 1)/(alpha1 + alpha2 + alpha3 + alpha4 + m*n - 4)"
    assert expected in text
    assert "holds 4 counts x[i, 1], x[i, 2], x[i, 3], x[i, 4], each in {0, 1, …, m}" in text
    assert main(["derive", "multinomial", "--K", "1", "-o", "-"]) == 2
    assert "multinomial model needs an integer K ≥ 2" in capsys.readouterr().err


@pytest.mark.parametrize("model", ["normal", "multinomial", "categorical"])
def test_the_text_writes_domains_and_sums_over_categories_as_a_handout_does(model, capsys):
    assert main(["derive", model, "--format", "text", "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert "Contains(" not in text and "Interval" not in text and "Reals" not in text
    assert "Sum(" not in text
    if model == "normal":
        assert "mu ∈ (−∞, ∞); sigma2 ∈ (0, ∞)" in text
    if model == "multinomial":
        assert "with sum_{j=1}^{3}(x[i, j]) = m; theta1 ∈ (0, 1)" in text


def test_a_limit_in_the_words_reads_as_an_arrow(capsys):
    request = ["derive", "normal", "--estimate", "mu", "--prior", "mu=normal"]
    assert main([*request, "--format", "text", "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert "With tau2 → ∞ the Normal prior is flat" in text and "Tends(" not in text


def test_a_priors_domain_reads_as_an_interval(capsys):
    assert main(["derive", "bernoulli", "--prior", "beta", "--format", "text", "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert "theta ∼ Beta(alpha, beta): on (0, 1), with shape alpha and shape beta." in text
    assert "Interval" not in text


@pytest.mark.parametrize("prior", [None, "normal", "laplace"])
def test_the_regression_text_writes_its_claims_as_the_checker_reads_them(prior, capsys):
    """(XᵀX)⁻¹Xᵀy, ∇_w and the normal equations, not X.T, **(-1) or a LaTeX name; each
    gradient, normal equation and closed-form estimate pasted back is correct."""
    request = ["derive", "linear_regression", "--format", "text", "-o", "-"]
    assert main([*request, *(["--prior", prior] if prior else [])]) == 0
    text = capsys.readouterr().out
    assert "X.T" not in text and "\\nabla" not in text and "**(-1)" not in text
    assert "SquaredNorm" not in text and "Limit(" not in text
    lines = [line.strip() for line in text.splitlines() if line.startswith("     ")]
    starts = ("∇_w(", "w_hat = (", "sigma2_hat = ")
    claims = [line for line in lines if line.startswith(starts) or line.endswith("w = Xᵀy")]
    assert len(claims) == {None: 6, "normal": 4, "laplace": 1}[prior], claims
    for claim in claims:
        assert mlemap.check("linear_regression", claim, prior).verdict == "correct", claim
    if prior is None:
        assert "w_hat = (XᵀX)⁻¹Xᵀy" in lines and "∇_w(l(w, sigma2)) = Xᵀ(y - Xw)/sigma2" in lines
    if prior == "normal":
        assert "(XᵀX + lambda*I)w = Xᵀy" in lines and "lim(sigma2/tau2, tau2 → ∞) = 0" in lines
