"""The handouts: the seed handout's arc (MLE, MAP, their connection, a worked comparison),
and custom ones from a list of derivations. Every formula and number here is computed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import sympy as sp

from ..catalog.symbols import hat, i, n
from ..engine.derivation import Derivation
from ..engine.derive import derive
from ..engine.display import present
from ..engine.notation import (
    Density,
    Expectation,
    Family,
    Likelihood,
    LogLikelihood,
    PosteriorDensity,
    PriorDensity,
)
from ..engine.posterior import SUMMARIES
from ..engine.verify import VerificationError
from ..regression.record import RegressionDerivation
from .ipynb import handout_sections, notebook
from .printing import to_latex
from .record import view_of
from .view import DerivationView, EquationRow, typesetter
from .worksheet import WORKSHEET_VERSIONS, worksheet, worksheet_of

__all__ = [
    "CoinRow",
    "SeedHandout",
    "custom_derivations",
    "custom_handout",
    "custom_worksheets",
    "seed_derivations",
    "seed_handout",
    "seed_notebook",
    "seed_worksheets",
]

Progress = Callable[[str], None]
Record = Derivation | RegressionDerivation


class ArgMax(sp.Function):
    """argmax over a variable, printed with the variable underneath."""

    def _latex(self, printer: object) -> str:
        expr, variable = self.args
        body = printer._print(expr)
        if isinstance(expr, sp.Add):  # argmax [ℓ(θ) + log p(θ)], not (argmax ℓ) + log p
            body = rf"\left[{body}\right]"
        return rf"\mathop{{\mathrm{{arg\,max}}}}_{{{printer._print(variable)}}} {body}"


@dataclass(frozen=True)
class CoinRow:
    """One row of the worked coin comparison."""

    data: str
    estimator: str
    formula: str  # LaTeX: the estimate's formula with the numbers put in
    value: str  # LaTeX: the exact value
    decimal: str


@dataclass(frozen=True)
class SeedHandout:
    title: str
    formulas: dict[str, tuple[EquationRow, ...]]
    derivations: dict[str, DerivationView]
    coin: tuple[CoinRow, ...]
    numbers: dict[str, str]


def _rows(*equations: sp.Basic) -> tuple[EquationRow, ...]:
    names = {
        sp.Symbol("theta_MLE"): r"\hat{\theta}_{\mathrm{MLE}}",
        sp.Symbol("theta_MAP"): r"\hat{\theta}_{\mathrm{MAP}}",
    }
    return tuple(
        EquationRow(
            to_latex(e.lhs, names) if isinstance(e, sp.Equality) else "",
            "=" if isinstance(e, sp.Equality) else "",
            to_latex(e.rhs if isinstance(e, sp.Equality) else e, names),
        )
        for e in equations
    )


def _general_formulas() -> dict[str, tuple[EquationRow, ...]]:
    """The definitions the handout starts from, for any model p(x | θ)."""
    theta, x = sp.Symbol("theta"), sp.IndexedBase("x")
    density = Density(x[i], theta)
    log_sum = sp.Sum(sp.log(density), (i, 1, n))
    likelihood = sp.Product(density, (i, 1, n))
    log_prior = sp.log(PriorDensity(theta))
    data = sp.Symbol("x")
    return {
        "likelihood": _rows(sp.Eq(Likelihood(theta), likelihood, evaluate=False)),
        "log_likelihood": _rows(sp.Eq(LogLikelihood(theta), log_sum, evaluate=False)),
        "mle": _rows(sp.Eq(sp.Symbol("theta_MLE"), ArgMax(log_sum, theta), evaluate=False)),
        "score": _rows(sp.Eq(sp.Derivative(log_sum, theta), 0, evaluate=False)),
        "bayes": _rows(
            sp.Eq(
                PosteriorDensity(theta),
                Density(data, theta) * PriorDensity(theta) / PriorDensity(data),
                evaluate=False,
            )
        ),
        "map": _rows(
            sp.Eq(
                sp.Symbol("theta_MAP"),
                ArgMax(LogLikelihood(theta) + log_prior, theta),
                evaluate=False,
            )
        ),
    }


def _at_flips(expr: sp.Expr, d: Derivation, flips: list[int], hyper: dict) -> sp.Rational:
    """``expr`` (in the data and hyperparameters) exactly, at the flips and ``hyper``."""
    exact = expr.xreplace({n: len(flips)}).doit()
    exact = exact.xreplace({d.model.x[j + 1]: v for j, v in enumerate(flips)})
    values = {s: hyper[s.name] for s in exact.free_symbols if s.name in hyper}
    return sp.nsimplify(exact.xreplace(values))


def _coin_posterior(beta: Derivation) -> dict[str, str]:
    """The posterior after 3 heads in 3 flips with a Beta(2, 2) prior, from the engine's
    posterior and its summary step: the family at numbers, mode, mean and the equal-tailed
    95 % credible interval (scipy.stats' quantiles)."""
    flips, hyper = [1, 1, 1], {"alpha": 2, "beta": 2}
    posterior = beta.posterior
    step = next((s for s in beta.steps if s.kind == "posterior-summary"), None)
    if posterior is None or step is None:
        raise VerificationError("the engine did not summarise the Beta posterior of the coin")
    arguments = [_at_flips(a, beta, flips, hyper) for a in posterior.hyperparameters]
    mean, mode = (_at_flips(line.rhs, beta, flips, hyper) for line in step.lines[:2])
    if mode != _at_flips(beta.estimates[posterior.parameter], beta, flips, hyper):
        raise VerificationError("the coin's posterior mode is not its MAP estimate")
    low, high = SUMMARIES[posterior.family].scipy(*map(float, arguments)).ppf([0.025, 0.975])
    return {
        "coin_posterior": to_latex(Family(sp.Symbol(posterior.family), *arguments)),
        "coin_mode": to_latex(mode),
        "coin_mean": to_latex(mean),
        "coin_mean_decimal": f"{float(mean):.3f}",
        "coin_mean_side": "below" if mean < mode else "above",
        "coin_interval": f"({low:.3f}, {high:.3f})",
    }


def _flips(d: Derivation, flips: list[int], **hyper: int) -> tuple[str, sp.Rational]:
    """The estimate at a sequence of coin flips: its formula with the numbers put in, and
    its exact value, computed from the engine's expression (and checked to agree)."""
    (parameter,) = d.parameters
    exact = _at_flips(d.estimates[parameter], d, flips, hyper)
    # The displayed formula with each symbol replaced by a stand-in printed as its value.
    shown = present(d.display_estimates[parameter], d.model)
    numbers = {
        sp.Symbol("k", real=True): sum(flips),
        n: len(flips),
        **{s: hyper[s.name] for s in shown.free_symbols if s.name in hyper},
    }
    stand_ins = {s: sp.Symbol(f"value_{s.name}") for s in numbers}
    names = {stand_ins[s]: str(v) for s, v in numbers.items()}
    formula = to_latex(shown.xreplace(stand_ins), names)
    if shown.xreplace(numbers) != exact:
        raise VerificationError(
            f"the coin example disagrees with the estimate: {shown} at "
            f"{numbers} is {shown.xreplace(numbers)}, not {exact}"
        )
    return formula, exact


def _coin_rows(mle: Derivation, beta: Derivation) -> tuple[CoinRow, ...]:
    cases = [
        ("7 heads in 10 flips", "MLE", mle, [1] * 7 + [0] * 3, {}),
        ("3 heads in 3 flips", "MLE", mle, [1, 1, 1], {}),
        (
            "3 heads in 3 flips",
            "MAP, Beta(1, 1) prior (flat)",
            beta,
            [1, 1, 1],
            {"alpha": 1, "beta": 1},
        ),
        ("3 heads in 3 flips", "MAP, Beta(2, 2) prior", beta, [1, 1, 1], {"alpha": 2, "beta": 2}),
        (
            "3 heads in 3 flips",
            "MAP, Beta(10, 10) prior",
            beta,
            [1, 1, 1],
            {"alpha": 10, "beta": 10},
        ),
    ]
    rows = []
    for data, estimator, d, flips, hyper in cases:
        formula, exact = _flips(d, flips, **hyper)
        decimal = f"{float(exact):.3f}".rstrip("0").rstrip(".")
        approximate = sp.Rational(decimal) != exact
        rows.append(
            CoinRow(
                data, estimator, formula, to_latex(exact), ("≈ " if approximate else "") + decimal
            )
        )
    return tuple(rows)


def _large_sample(beta: Derivation) -> str:
    """lim n→∞ of the Beta MAP estimate with the share of heads p = k/n held fixed: the MLE."""
    (parameter,) = beta.parameters
    shown = present(beta.display_estimates[parameter], beta.model)
    share = sp.Symbol("p", positive=True)
    fixed_share = shown.xreplace({sp.Symbol("k", real=True): n * share})
    equation = sp.Eq(sp.Limit(fixed_share, n, sp.oo), sp.limit(fixed_share, n, sp.oo))
    latex = typesetter(beta, {share: "p"})
    return f"{latex(equation.lhs)} = {latex(equation.rhs)}"


def _variance_bias(normal: Derivation) -> dict[str, str]:
    """E[σ̂²] and the divisor of the unbiased version, from the engine's bias step: the MLE
    divides its sum of squares by n, so its correction c divides it by n/c."""
    (sigma2,) = [p for p in normal.parameters if p.name == "sigma2"]
    bias = normal.biases.get(sigma2)
    if bias is None or bias.correction is None:
        raise VerificationError("the engine did not derive the bias of the normal variance")
    latex = typesetter(normal)
    return {
        "variance_expectation": f"{latex(Expectation(hat(sigma2)))} = {latex(bias.expectation)}",
        "unbiased_divisor": latex(sp.factor(n / bias.correction)),
    }


def seed_handout(progress: Progress | None = None) -> SeedHandout:
    """The handout the project started from, with every result derived by the engine."""
    return _seed(progress)[0]


def seed_worksheets(
    kinds: Iterable[str], progress: Progress | None = None
) -> dict[str, SeedHandout]:
    """The seed handout as a worksheet with the steps of ``kinds`` blank, and its solutions."""
    handout, derived = _seed(progress)
    return {
        version: replace(
            handout,
            derivations={
                **handout.derivations,
                **{
                    key: worksheet(d, handout.derivations[key], kinds, version == "solutions")
                    for key, d in derived.items()
                },
            },
        )
        for version in WORKSHEET_VERSIONS
    }


#: The seed handout's derivations, by the keys its templates use: (model, prior).
SEED_DERIVATIONS = {
    "bernoulli": ("bernoulli", None),
    "normal": ("normal", None),
    "beta_bernoulli": ("bernoulli", "beta"),
    "uniform_poisson": ("poisson", "uniform"),
    "ols": ("linear_regression", None),
    "ridge": ("linear_regression", "normal"),
    "lasso": ("linear_regression", "laplace"),
}


def seed_derivations(progress: Progress | None = None) -> dict[str, Record]:
    """The records behind the seed handout (the engine derives each once per process)."""
    say = progress or (lambda message: None)
    records = {}
    for key, (model, prior) in SEED_DERIVATIONS.items():
        say(f"deriving {model}" + (f" with a {prior} prior" if prior else ""))
        records[key] = derive(model, prior=prior)
    return records


def seed_notebook(markdown: str) -> str:
    """The seed handout as a notebook: its Markdown, then code running each derivation."""
    return notebook(handout_sections(markdown, seed_derivations().values()))


def _seed(progress: Progress | None) -> tuple[SeedHandout, dict[str, Derivation]]:
    say = progress or (lambda message: None)
    records = seed_derivations(progress)
    derived = {k: d for k, d in records.items() if isinstance(d, Derivation)}
    views = {key: view_of(d) for key, d in records.items()}
    say("computing the coin comparison")
    coin = _coin_rows(derived["bernoulli"], derived["beta_bernoulli"])
    seven = coin[0]
    numbers = {
        "seven_of_ten": seven.value,
        "large_sample": _large_sample(derived["beta_bernoulli"]),
        **_variance_bias(derived["normal"]),
        **_coin_posterior(derived["beta_bernoulli"]),
    }
    handout = SeedHandout(
        "MLE and MAP: derivations with intuitive explanations",
        _general_formulas(),
        views,
        coin,
        numbers,
    )
    return handout, derived


def custom_derivations(
    specs: Iterable[tuple[str, object, object]], progress: Progress | None = None
) -> list[Record]:
    """The records an instructor listed: (model, prior, estimate) each."""
    say = progress or (lambda message: None)
    records = []
    for model, prior, estimate in specs:
        say(f"deriving {model}" + (f" with prior {prior}" if prior else ""))
        records.append(derive(model, prior=prior, estimate=estimate))
    return records


def custom_handout(
    specs: Iterable[tuple[str, object, object]], progress: Progress | None = None
) -> list[DerivationView]:
    """Views of the derivations an instructor listed: (model, prior, estimate) each."""
    return [view_of(d) for d in custom_derivations(specs, progress)]


def custom_worksheets(
    specs: Iterable[tuple[str, object, object]],
    kinds: Iterable[str],
    progress: Progress | None = None,
) -> dict[str, list[DerivationView]]:
    """The listed derivations as a worksheet (the steps of ``kinds`` blank) and solutions."""
    records = custom_derivations(specs, progress)
    views = [view_of(d) for d in records]
    return {
        version: [
            worksheet_of(d, v, kinds, version == "solutions")
            for d, v in zip(records, views, strict=True)
        ]
        for version in WORKSHEET_VERSIONS
    }
