"""How well `mlemap check` reads and judges hand algebra: 188 claims and chains with truth labels.

Each case is one quantity written three ways (plain syntax, Unicode as a handout writes it,
LaTeX), once right and once with a usual mistake, so half of the claims are correct. Chains are
the seed handout's, as written, and each with one line made wrong. Prints the share read, the
false alarms (a correct claim called wrong or undecided), the misses (a wrong claim called
correct or undecided), the chains whose first wrong line was named, the diagnoses given and
right, and the median time per check. Targets: at least 97 % read, no false alarm, no miss,
every first wrong line named.

    python benchmarks/bench_check.py [--verbose]
"""

# ruff: noqa: E501  (the cases are a table: one claim in three notations a row)

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import mlemap
from mlemap.errors import MlemapError

SEED = Path(__file__).parents[1] / "tests" / "checker" / "seed-handout.txt"


@dataclass(frozen=True)
class Case:
    """One quantity, right and wrong, in three notations; ``diagnosis`` is a phrase the
    wrong one's diagnosis must hold ("" where none is expected)."""

    model: str
    prior: str | None
    right: tuple[str, str, str]
    wrong: tuple[str, str, str]
    diagnosis: str = ""


CASES = [
    Case("bernoulli", None,
         ("theta = k/n", "θ̂ = k/n", r"\hat\theta = \frac{k}{n}"),
         ("theta = k/(n - 1)", "θ̂ = k/(n − 1)", r"\hat\theta = \frac{k}{n-1}"), "n versus n - 1"),
    Case("bernoulli", None,
         ("l(theta) = k*log(theta) + (n - k)*log(1 - theta)", "ℓ(θ) = k log θ + (n−k) log(1−θ)",
          r"\ell(\theta) = k\log\theta + (n-k)\log(1-\theta)"),
         ("l(theta) = k*log(theta) + (n + k)*log(1 - theta)", "ℓ(θ) = k log θ + (n+k) log(1−θ)",
          r"\ell(\theta) = k\log\theta + (n+k)\log(1-\theta)")),
    Case("bernoulli", None,
         ("dl/dtheta = k/theta - (n - k)/(1 - theta)", "dℓ/dθ = k/θ − (n−k)/(1−θ)",
          r"\frac{d\ell}{d\theta} = \frac{k}{\theta} - \frac{n-k}{1-\theta}"),
         ("dl/dtheta = k/theta + (n - k)/(1 - theta)", "dℓ/dθ = k/θ + (n−k)/(1−θ)",
          r"\frac{d\ell}{d\theta} = \frac{k}{\theta} + \frac{n-k}{1-\theta}"), "is flipped"),
    Case("bernoulli", None,
         ("d2l/dtheta2 = -k/theta^2 - (n - k)/(1 - theta)^2", "d²ℓ/dθ² = −k/θ² − (n−k)/(1−θ)²",
          r"\frac{d^2\ell}{d\theta^2} = -\frac{k}{\theta^2} - \frac{n-k}{(1-\theta)^2}"),
         ("d2l/dtheta2 = -k/theta^2", "d²ℓ/dθ² = −k/θ²", r"\frac{d^2\ell}{d\theta^2} = -\frac{k}{\theta^2}"),
         "is missing"),
    Case("bernoulli", None,
         ("L(theta) = theta^k*(1 - theta)^(n - k)", "L(θ) = θᵏ × (1-θ)ⁿ⁻ᵏ",
          r"L(\theta) = \theta^{k}(1-\theta)^{n-k}"),
         ("L(theta) = theta^k*(1 - theta)^n", "L(θ) = θᵏ × (1-θ)ⁿ", r"L(\theta) = \theta^{k}(1-\theta)^{n}")),
    Case("bernoulli", "beta",
         ("theta = (k + alpha - 1)/(n + alpha + beta - 2)", "θ̂_MAP = (k + α − 1)/(n + α + β − 2)",
          r"\hat\theta_{\text{MAP}} = \frac{k+\alpha-1}{n+\alpha+\beta-2}"),
         ("theta = (k + alpha)/(n + alpha + beta)", "θ̂_MAP = (k + α)/(n + α + β)",
          r"\hat\theta_{\text{MAP}} = \frac{k+\alpha}{n+\alpha+\beta}"), "posterior mean"),
    Case("bernoulli", "beta",
         ("theta = (k + alpha - 1)/(n + alpha + beta - 2)", "θ̂ = (k+α−1)/(n+α+β−2)",
          r"\hat{\theta} = \dfrac{k + \alpha - 1}{n + \alpha + \beta - 2}"),
         ("theta = k/n", "θ̂_MAP = k/n", r"\hat\theta_{MAP} = \frac{k}{n}"), "this is the MLE"),
    Case("bernoulli", "beta",
         ("theta = (k + alpha - 1)/(n + alpha + beta - 2)", "θ = (k + α - 1) / (n + α + β - 2)",
          r"\theta = \frac{k+\alpha-1}{n+\alpha+\beta-2}"),
         ("theta = (k + alpha - 1)/(n + alpha - beta - 2)", "θ = (k + α - 1) / (n + α - β - 2)",
          r"\theta = \frac{k+\alpha-1}{n+\alpha-\beta-2}"), "the sign of the term beta"),
    Case("bernoulli", "beta",
         ("theta = (k + alpha - 1)/(n + alpha + beta - 2)", "θ̂ = (Σᵢxᵢ + α − 1)/(n + α + β − 2)",
          r"\hat\theta = \frac{\sum_{i=1}^n x_i + \alpha - 1}{n + \alpha + \beta - 2}"),
         ("theta = (k + alpha - 1)/(n + alpha + beta)", "θ̂ = (Σᵢxᵢ + α − 1)/(n + α + β)",
          r"\hat\theta = \frac{\sum_{i=1}^n x_i + \alpha - 1}{n + \alpha + \beta}"), "the term -2"),
    Case("poisson", None,
         ("lambda = xbar", "λ̂ = x̄", r"\hat\lambda = \bar{x}"),
         ("lambda = 1/xbar", "λ̂ = 1/x̄", r"\hat\lambda = \frac{1}{\bar x}"), "reciprocal"),
    Case("poisson", None,
         ("lambda = sum(x_i)/n", "λ̂ = Σᵢxᵢ/n", r"\hat\lambda = \frac{1}{n}\sum_{i=1}^n x_i"),
         ("lambda = 2*sum(x_i)/n", "λ̂ = 2Σᵢxᵢ/n", r"\hat\lambda = \frac{2}{n}\sum_{i=1}^n x_i"), "2 times"),
    Case("poisson", None,
         ("dl/dlambda = sum(x_i)/lambda - n", "dℓ/dλ = Σᵢxᵢ/λ − n",
          r"\frac{\partial \ell}{\partial \lambda} = \frac{\sum_i x_i}{\lambda} - n"),
         ("dl/dlambda = sum(x_i)/lambda + n", "dℓ/dλ = Σᵢxᵢ/λ + n",
          r"\frac{\partial \ell}{\partial \lambda} = \frac{\sum_i x_i}{\lambda} + n"), "is flipped"),
    Case("poisson", None,
         ("l(lambda) = log(lambda)*sum(x_i) - n*lambda", "ℓ(λ) = log λ Σᵢxᵢ − nλ + const",
          r"\ell(\lambda) = \log\lambda \sum_{i=1}^n x_i - n\lambda"),
         ("l(lambda) = log(lambda)*sum(x_i) - lambda", "ℓ(λ) = log λ Σᵢxᵢ − λ + const",
          r"\ell(\lambda) = \log\lambda \sum_{i=1}^n x_i - \lambda")),
    Case("poisson", None,
         ("d2l/dlambda2 = -sum(x_i)/lambda^2", "d²ℓ/dλ² = −Σᵢ₌₁ⁿ xᵢ/λ²",
          r"\frac{d^2\ell}{d\lambda^2} = -\frac{\sum_{i=1}^n x_i}{\lambda^2}"),
         ("d2l/dlambda2 = sum(x_i)/lambda^2", "d²ℓ/dλ² = Σᵢ₌₁ⁿ xᵢ/λ²",
          r"\frac{d^2\ell}{d\lambda^2} = \frac{\sum_{i=1}^n x_i}{\lambda^2}"), "sign is wrong"),
    Case("poisson", "gamma",
         ("lambda = (alpha + sum(x_i) - 1)/(beta + n)", "λ̂_MAP = (α + Σᵢxᵢ − 1)/(β + n)",
          r"\hat\lambda_{\text{MAP}} = \frac{\alpha + \sum_i x_i - 1}{\beta + n}"),
         ("lambda = (alpha + sum(x_i))/(beta + n)", "λ̂_MAP = (α + Σᵢxᵢ)/(β + n)",
          r"\hat\lambda_{\text{MAP}} = \frac{\alpha + \sum_i x_i}{\beta + n}"), "posterior mean"),
    Case("exponential", None,
         ("lambda = n/sum(x_i)", "λ̂ = n/Σᵢxᵢ", r"\hat\lambda = \frac{n}{\sum_{i=1}^n x_i}"),
         ("lambda = sum(x_i)/n", "λ̂ = Σᵢxᵢ/n", r"\hat\lambda = \frac{\sum_{i=1}^n x_i}{n}"), "reciprocal"),
    Case("exponential", None,
         ("dl/dlambda = n/lambda - sum(x_i)", "ℓ'(λ) = n/λ − Σᵢxᵢ",
          r"\ell'(\lambda) = \frac{n}{\lambda} - \sum_{i=1}^n x_i"),
         ("dl/dlambda = n/lambda", "ℓ'(λ) = n/λ", r"\ell'(\lambda) = \frac{n}{\lambda}"), "is missing"),
    Case("exponential", None,
         ("l(lambda) = n*log(lambda) - lambda*sum(x_i)", "ℓ(λ) = n log λ − λΣᵢxᵢ",
          r"\ell(\lambda) = n\log\lambda - \lambda\sum_{i=1}^n x_i"),
         ("l(lambda) = n*log(lambda) + lambda*sum(x_i)", "ℓ(λ) = n log λ + λΣᵢxᵢ",
          r"\ell(\lambda) = n\log\lambda + \lambda\sum_{i=1}^n x_i")),
    Case("normal", None,
         ("mu = xbar", "μ̂ = x̄", r"\hat\mu = \bar{x}"),
         ("mu = sum(x_i)/(n - 1)", "μ̂ = Σᵢxᵢ/(n−1)", r"\hat\mu = \frac{\sum_i x_i}{n-1}"), "n versus n - 1"),
    Case("normal", None,
         ("sigma2 = sum((x_i - xbar)^2)/n", "σ̂² = Σᵢ(xᵢ − x̄)²/n", r"\hat\sigma^2 = \frac{1}{n}\sum_{i=1}^n (x_i - \bar x)^2"),
         ("sigma2 = sum((x_i - xbar)^2)/(n - 1)", "σ̂² = Σᵢ(xᵢ − x̄)²/(n − 1)",
          r"\hat\sigma^2 = \frac{1}{n-1}\sum_{i=1}^n (x_i - \bar x)^2"), "n versus n - 1"),
    Case("normal", None,
         ("sigma2 = sum((x_i - xbar)^2)/n", "σ̂²_MLE = (1/n) Σᵢ(xᵢ-μ̂)²", r"\hat\sigma^2_{\text{MLE}} = \frac{1}{n}\sum_i (x_i - \hat\mu)^2"),
         ("sigma2 = sqrt(sum((x_i - xbar)^2)/n)", "σ̂² = √(Σᵢ(xᵢ-x̄)²/n)",
          r"\hat\sigma^2 = \sqrt{\frac{1}{n}\sum_i (x_i - \bar x)^2}"), "square root"),
    Case("normal", None,
         ("dl/dmu = sum(x_i - mu)/sigma2", "∂ℓ/∂μ = Σᵢ(xᵢ − μ)/σ²",
          r"\frac{\partial\ell}{\partial\mu} = \frac{1}{\sigma^2}\sum_{i=1}^n (x_i - \mu)"),
         ("dl/dmu = sum(x_i - mu)/(2*sigma2)", "∂ℓ/∂μ = Σᵢ(xᵢ − μ)/(2σ²)",
          r"\frac{\partial\ell}{\partial\mu} = \frac{1}{2\sigma^2}\sum_{i=1}^n (x_i - \mu)"), "1/2 times"),
    Case("normal", None,
         ("dl/dsigma2 = -n/(2*sigma2) + sum((x_i - mu)^2)/(2*sigma2^2)", "∂ℓ/∂σ² = −n/(2σ²) + Σᵢ(xᵢ−μ)²/(2σ⁴)",
          r"\frac{\partial\ell}{\partial\sigma^2} = -\frac{n}{2\sigma^2} + \frac{\sum_i (x_i-\mu)^2}{2\sigma^4}"),
         ("dl/dsigma2 = -n/(2*sigma2) - sum((x_i - mu)^2)/(2*sigma2^2)", "∂ℓ/∂σ² = −n/(2σ²) − Σᵢ(xᵢ−μ)²/(2σ⁴)",
          r"\frac{\partial\ell}{\partial\sigma^2} = -\frac{n}{2\sigma^2} - \frac{\sum_i (x_i-\mu)^2}{2\sigma^4}"), "is flipped"),
    Case("normal", None,
         ("dl/dsigma = -n/sigma + sum((x_i - mu)^2)/sigma^3", "∂ℓ/∂σ = −n/σ + Σᵢ(xᵢ−μ)²/σ³",
          r"\frac{\partial\ell}{\partial\sigma} = -\frac{n}{\sigma} + \frac{\sum_i (x_i-\mu)^2}{\sigma^3}"),
         ("dl/dsigma = -n/(2*sigma^2) + sum((x_i - mu)^2)/(2*sigma^4)", "∂ℓ/∂σ = −n/(2σ²) + Σᵢ(xᵢ−μ)²/(2σ⁴)",
          r"\frac{\partial\ell}{\partial\sigma} = -\frac{n}{2\sigma^2} + \frac{\sum_i (x_i-\mu)^2}{2\sigma^4}")),
    Case("normal", None,
         ("l(mu, sigma2) = -n/2*log(2*pi*sigma2) - sum((x_i - mu)^2)/(2*sigma2)",
          "log L(μ, σ²) = -n/2 log(2πσ²) - Σᵢ(xᵢ-μ)²/(2σ²)",
          r"\log L(\mu, \sigma^2) = -\frac{n}{2}\log(2\pi\sigma^2) - \frac{\sum_i (x_i-\mu)^2}{2\sigma^2}"),
         ("l(mu, sigma2) = -n/2*log(2*pi*sigma2) - sum((x_i - mu)^2)/sigma2",
          "log L(μ, σ²) = -n/2 log(2πσ²) - Σᵢ(xᵢ-μ)²/σ²",
          r"\log L(\mu, \sigma^2) = -\frac{n}{2}\log(2\pi\sigma^2) - \frac{\sum_i (x_i-\mu)^2}{\sigma^2}")),
    Case("geometric", None,
         ("p = 1/xbar", "p̂ = 1/x̄", r"\hat p = \frac{1}{\bar x}"),
         ("p = xbar", "p̂ = x̄", r"\hat p = \bar x"), "reciprocal"),
    Case("rayleigh", None,
         ("sigma2 = sum(x_i^2)/(2*n)", "σ̂² = Σᵢxᵢ²/(2n)", r"\hat\sigma^2 = \frac{\sum_{i=1}^n x_i^2}{2n}"),
         ("sigma2 = sum(x_i^2)/n", "σ̂² = Σᵢxᵢ²/n", r"\hat\sigma^2 = \frac{\sum_{i=1}^n x_i^2}{n}"), "2 times"),
    Case("linear_regression", None,
         ("w = (X^T X)^{-1} X^T y", "ŵ_MLE = (XᵀX)⁻¹Xᵀy", r"\hat{w} = (\mathbf{X}^\top\mathbf{X})^{-1}\mathbf{X}^\top y"),
         ("w = (X X^T)^{-1} X^T y".replace("X X^T", "X^T X + I"), "ŵ_MLE = (XᵀX + I)⁻¹Xᵀy",
          r"\hat{w} = (\mathbf{X}^\top\mathbf{X} + I)^{-1}\mathbf{X}^\top y")),
    Case("linear_regression", "normal",
         ("w = (X^T X + lambda I)^{-1} X^T y", "ŵ_MAP = (XᵀX + λI)⁻¹Xᵀy",
          r"\hat{w}_{\text{MAP}} = (X^\top X + \lambda I)^{-1} X^\top y"),
         ("w = (X^T X)^{-1} X^T y", "ŵ_MAP = (XᵀX)⁻¹Xᵀy", r"\hat{w}_{\text{MAP}} = (X^\top X)^{-1} X^\top y"),
         "OLS estimate"),
    Case("linear_regression", None,
         ("sigma2_hat = ||y - X w_hat||^2/n", "σ̂² = ‖y − Xŵ‖²/n",
          r"\hat\sigma^2 = \frac{\lVert y - X\hat{w} \rVert^2}{n}"),
         ("sigma2_hat = ||y - X w_hat||^2/(n - d)", "σ̂² = ‖y − Xŵ‖²/(n − d)",
          r"\hat\sigma^2 = \frac{\lVert y - X\hat{w} \rVert^2}{n - d}"), "unbiased s²"),
    Case("linear_regression", "normal",
         ("(X^T X + lambda I) w = X^T y", "(XᵀX + λI)w = Xᵀy", r"(X^\top X + \lambda I) w = X^\top y"),
         ("(X^T X - lambda I) w = X^T y", "(XᵀX − λI)w = Xᵀy", r"(X^\top X - \lambda I) w = X^\top y")),
    Case("linear_regression", None,
         ("grad_w l(w) = X^T (y - X w)/sigma2", "∇_w ℓ(w) = Xᵀ(y − Xw)/σ²",
          r"\nabla_{\mathbf{w}} \ell(\mathbf{w}) = \frac{1}{\sigma^2} \mathbf{X}^\top (y - \mathbf{X} w)"),
         ("grad_w l(w) = -X^T (y - X w)/sigma2", "∇_w ℓ(w) = −Xᵀ(y − Xw)/σ²",
          r"\nabla_{\mathbf{w}} \ell(\mathbf{w}) = -\frac{1}{\sigma^2} \mathbf{X}^\top (y - \mathbf{X} w)"),
         "sign is flipped"),
    Case("linear_regression", None,
         ("grad_w ||y - X w||^2 = -2 X^T (y - X w)", "∇_w ‖y − Xw‖² = −2Xᵀ(y − Xw)",
          r"\nabla_w \lVert y - Xw \rVert^2 = -2X^\top(y - Xw)"),
         ("grad_w ||y - X w||^2 = -X^T (y - X w)", "∇_w ‖y − Xw‖² = −Xᵀ(y − Xw)",
          r"\nabla_w \lVert y - Xw \rVert^2 = -X^\top(y - Xw)"), "1/2 times"),
    Case("linear_regression", "normal",
         ("grad_w [l(w) - lambda ||w||^2/2] = X^T (y - X w)/sigma2 - lambda w",
          "∇_w [ℓ(w) − λ‖w‖²/2] = Xᵀ(y − Xw)/σ² − λw",
          r"\nabla_w \left[\ell(w) - \frac{\lambda}{2}\|w\|^2\right] = \frac{X^\top(y - Xw)}{\sigma^2} - \lambda w"),
         ("grad_w [l(w) - lambda ||w||^2/2] = X^T (y - X w)/sigma2 - 2 lambda w",
          "∇_w [ℓ(w) − λ‖w‖²/2] = Xᵀ(y − Xw)/σ² − 2λw",
          r"\nabla_w \left[\ell(w) - \frac{\lambda}{2}\|w\|^2\right] = \frac{X^\top(y - Xw)}{\sigma^2} - 2\lambda w")),
    Case("linear_regression", "normal",
         ("grad_w log p(w|y) = X^T (y - X w)/sigma2 - w/tau2", "∇_w log p(w | y) = Xᵀ(y − Xw)/σ² − w/τ²",
          r"\nabla_w \log p(w \mid y) = \frac{1}{\sigma^2}X^\top(y - Xw) - \frac{w}{\tau^2}"),
         ("grad_w log p(w|y) = X^T (y - X w)/sigma2", "∇_w log p(w | y) = Xᵀ(y − Xw)/σ²",
          r"\nabla_w \log p(w \mid y) = \frac{1}{\sigma^2}X^\top(y - Xw)"), "log-prior is missing"),
]  # fmt: skip

#: The seed handout's chains as (model, prior, first line, last line, after), and a mutation
#: (old, new) of one line that makes it the first wrong one.
CHAINS = [
    ("bernoulli", None, "Step 1: Likelihood", "θ = k/n", "Example 1: MLE for Coin Flip (Bernoulli)",
     ("k(1-θ) = (n-k)θ", "k(1-θ) = (n+k)θ")),
    ("normal", None, "log L(μ, σ²) = -n/2 log(2πσ²) - Σᵢ(xᵢ-μ)²/(2σ²)", "μ = (1/n) Σᵢ xᵢ = x̄", "",
     ("= 1/σ² × Σᵢ(xᵢ-μ)", "= 2/σ² × Σᵢ(xᵢ-μ)")),
    ("normal", None, "Step 4: Maximize with respect to σ²",
     "σ̂²_MLE = (1/n) Σᵢ(xᵢ-μ̂)² (sample variance, biased)", "",
     ("σ² = (1/n) Σᵢ(xᵢ-μ)²", "σ² = (1/(n-1)) Σᵢ(xᵢ-μ)²")),
    ("bernoulli", "beta", "Step 3: Posterior", "This is Beta(k+α, n-k+β)!",
     "Example 1: MAP for Coin Flip with Beta Prior",
     ("∝ θ^(k+α-1) × (1-θ)^(n-k+β-1)", "∝ θ^(k+α) × (1-θ)^(n-k+β-1)")),
]  # fmt: skip


def seed_chain(first: str, last: str, after: str) -> str:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    begin = lines.index(first, lines.index(after) if after else 0)
    return "\n".join(lines[begin : lines.index(last, begin) + 1])


@dataclass
class Tally:
    claims: int = 0
    read: int = 0
    false_alarms: int = 0
    misses: int = 0
    chains: int = 0
    first_wrong_named: int = 0
    diagnoses_expected: int = 0
    diagnoses_right: int = 0


def judge(model: str, prior: str | None, text: str, times: list[float]):
    start = time.perf_counter()
    try:
        return mlemap.check(derivation(model, prior), text)
    except MlemapError as error:
        return error
    finally:
        times.append(time.perf_counter() - start)


_DERIVATIONS: dict[tuple[str, str | None], mlemap.Derivation] = {}


def derivation(model: str, prior: str | None) -> mlemap.Derivation:
    """The derivation for a model and prior, made once (a check's cost is then its own)."""
    key = (model, prior)
    if key not in _DERIVATIONS:
        _DERIVATIONS[key] = mlemap.derive(model, prior=prior, inference=False)
    return _DERIVATIONS[key]


#: Typical one-claim checks, as a user runs them from the shell.
COLD = [
    ["bernoulli", "theta = k/n"],
    ["normal", "mu = xbar"],
    ["normal", "sigma2 = sum((x_i - xbar)^2)/n"],
    ["poisson", "lambda = xbar"],
    ["bernoulli", "--prior", "beta", "theta = (k + alpha - 1)/(n + alpha + beta - 2)"],
    ["linear_regression", "w = (X^T X)^{-1} X^T y"],
]


def _wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, env=env)
    return time.perf_counter() - start


def cold(repeat: int) -> None:
    """Cold `mlemap check` against a cold `import mlemap`, alternating, in pairs: the first
    round with the engine's store of outcomes empty (each model derived), then filled."""
    with tempfile.TemporaryDirectory(prefix="mlemap-bench-store-") as folder:
        env = {**os.environ, "MLEMAP_CACHE_DIR": folder}
        env.pop("MLEMAP_NO_CACHE", None)
        for round_ in range(repeat + 1):
            imports, checks, differences = [], [], []
            for claim in COLD:
                imported = _wall([sys.executable, "-c", "import mlemap"], env)
                checked = _wall([sys.executable, "-m", "mlemap", "check", *claim], env)
                imports.append(imported)
                checks.append(checked)
                differences.append(checked - imported)
            store = "empty store, each model derived" if round_ == 0 else "store filled"
            print(f"cold round {round_} ({store}): {len(COLD)} claims")
            print(f"  median import mlemap:     {statistics.median(imports):.3f} s")
            print(f"  median mlemap check:      {statistics.median(checks):.3f} s")
            print(
                f"  median check − import:    {statistics.median(differences):.3f} s "
                f"(target < 0.5 s; each: {', '.join(f'{d:.2f}' for d in differences)})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every claim's outcome")
    parser.add_argument("--cold", type=int, default=0, metavar="K", help="time K cold runs")
    arguments = parser.parse_args()
    verbose = arguments.verbose
    tally, times = Tally(), []

    def record(text: str, truth: bool, outcome: object, diagnosis: str = "") -> None:
        tally.claims += 1
        if isinstance(outcome, MlemapError):
            shown = f"NOT READ: {outcome}"
        else:
            tally.read += 1
            tally.false_alarms += truth and outcome.verdict != "correct"
            tally.misses += not truth and outcome.verdict != "wrong"
            if not truth and diagnosis:
                tally.diagnoses_expected += 1
                tally.diagnoses_right += diagnosis in outcome.diagnosis
            shown = f"{outcome.verdict}; {outcome.diagnosis}"
        if verbose:
            print(f"{'right' if truth else 'wrong'} | {text!r} -> {shown}")

    for case in CASES:
        for right, wrong in zip(case.right, case.wrong, strict=True):
            record(right, True, judge(case.model, case.prior, right, times))
            record(wrong, False, judge(case.model, case.prior, wrong, times), case.diagnosis)
    for model, prior, first, last, after, (old, new) in CHAINS:
        text = seed_chain(first, last, after)
        record(text, True, judge(model, prior, text, times))
        mutated = text.replace(old, new, 1)
        outcome = judge(model, prior, mutated, times)
        record(mutated, False, outcome)
        tally.chains += 1
        named = not isinstance(outcome, MlemapError) and outcome.first_wrong is not None
        tally.first_wrong_named += named and outcome.first_wrong.text == new
    share = 100 * tally.read / tally.claims
    print(f"claims and chains:          {tally.claims} (half correct)")
    print(f"read:                       {tally.read} ({share:.1f} %; target ≥ 97 %)")
    print(f"false alarms:               {tally.false_alarms} (target 0)")
    print(f"misses:                     {tally.misses} (target 0)")
    print(f"first wrong line named:     {tally.first_wrong_named} of {tally.chains} chains")
    print(f"diagnoses right:            {tally.diagnoses_right} of {tally.diagnoses_expected}")
    print(f"median time per check:      {statistics.median(times):.3f} s (derivations cached)")
    if arguments.cold:
        cold(arguments.cold)


if __name__ == "__main__":
    main()
