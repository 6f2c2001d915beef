"""The handouts: the seed handout's arc (MLE, MAP, their connection, a worked comparison),
and custom ones from a list of derivations. Every formula and number here is computed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

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
from .figures import Figure
from .ipynb import handout_sections, notebook
from .parallel import Task, run_all
from .plots import coin_figure, log_likelihood_figure, paths_figure
from .printing import to_latex
from .record import view_of
from .view import DerivationView, EquationRow, typesetter, view
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

#: The worked example: 7 heads in 10 flips.
SEVEN_OF_TEN = [1] * 7 + [0] * 3
#: The Laplace example: an even sample, whose medians fill an interval.
EVEN_SAMPLE = [7, 1, 4, 2]


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
    figures: dict[str, Figure] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        """The figures' files, by path relative to the handout (figures/NAME.svg, .pdf)."""
        return {path: data for f in self.figures.values() for path, data in f.files().items()}


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
        ("7 heads in 10 flips", "MLE", mle, SEVEN_OF_TEN, {}),
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


def _even_sample(laplace: Derivation) -> dict[str, str]:
    """The Laplace estimates at an even sample, exactly, and the interval of medians they
    choose from: every point between the two middle observations is an MLE of μ."""
    mu, b = laplace.parameters
    ordered = sorted(EVEN_SAMPLE)
    low, high = ordered[len(ordered) // 2 - 1], ordered[len(ordered) // 2]
    location = _at_flips(laplace.estimates[mu], laplace, EVEN_SAMPLE, {})
    scale = _at_flips(laplace.estimates[b], laplace, EVEN_SAMPLE, {})
    if location != sp.Rational(low + high, 2):
        raise VerificationError(f"the Laplace location at {EVEN_SAMPLE} is {location}")
    latex = typesetter(laplace)
    return {
        "even_sample": ", ".join(str(v) for v in EVEN_SAMPLE),
        "median_interval": rf"\left[{low}, {high}\right]",
        "laplace_location": f"{latex(hat(mu))} = {latex(location)}",
        "laplace_scale": f"{latex(hat(b))} = {latex(scale)}",
    }


def _laplace_task() -> tuple[DerivationView, dict[str, str]]:
    laplace = derive("laplace")
    return view(laplace), _even_sample(laplace)


def _view_of(model: str, prior: object, estimate: object) -> DerivationView:
    """A task: one derivation's view."""
    return view_of(derive(model, prior=prior, estimate=estimate))


def _normal_task() -> tuple[DerivationView, dict[str, str]]:
    normal = derive("normal")
    return view(normal), _variance_bias(normal)


def _beta_bernoulli_task() -> tuple[DerivationView, tuple[CoinRow, ...], str, dict[str, str]]:
    beta = derive("bernoulli", prior="beta")
    coin = _coin_rows(derive("bernoulli"), beta)
    return view(beta), coin, _large_sample(beta), _coin_posterior(beta)


def _figures_task() -> dict[str, Figure]:
    """The seed handout's plots, from derivations of their own (a task runs apart)."""
    mle, beta = derive("bernoulli"), derive("bernoulli", prior="beta")
    return {
        "log_likelihood": log_likelihood_figure(mle, SEVEN_OF_TEN),
        "coin": coin_figure(mle, beta, [1, 1, 1], [(2, 2), (10, 10)]),
        "paths": paths_figure(
            derive("linear_regression", prior="normal"),
            derive("linear_regression", prior="laplace"),
        ),
    }


#: The seed handout's derivations: key, what the progress line says, and the task (a
#: module-level function of catalog names, so that a worker process can run it).
_SEED_TASKS: tuple[tuple[str, str, Task], ...] = (
    ("normal", "normal", (_normal_task, ())),
    ("beta_bernoulli", "bernoulli with a beta prior", (_beta_bernoulli_task, ())),
    ("ols", "linear_regression", (_view_of, ("linear_regression", None, None))),
    (
        "ridge",
        "linear_regression with a normal prior",
        (_view_of, ("linear_regression", "normal", None)),
    ),
    (
        "lasso",
        "linear_regression with a laplace prior",
        (_view_of, ("linear_regression", "laplace", None)),
    ),
    ("bernoulli", "bernoulli", (_view_of, ("bernoulli", None, None))),
    ("uniform", "uniform", (_view_of, ("uniform", None, None))),
    ("laplace", "laplace", (_laplace_task, ())),
    ("uniform_poisson", "poisson with a uniform prior", (_view_of, ("poisson", "uniform", None))),
    ("figures", "the plots", (_figures_task, ())),
)
#: The order the derivations appear in the handout.
_SEED_ORDER = (
    "bernoulli",
    "normal",
    "uniform",
    "laplace",
    "beta_bernoulli",
    "uniform_poisson",
    "ols",
    "ridge",
    "lasso",
)


def _progress(say: Progress, names: list[str]) -> Callable[[int], None]:
    """Tell ``say`` which derivations are done, as each one finishes."""
    finished: list[int] = []
    say(f"deriving {names[0]}" if len(names) == 1 else f"deriving {len(names)} derivations")

    def done(index: int) -> None:
        finished.append(index)
        say(f"derived {names[index]} ({len(finished)} of {len(names)})")

    return done


def seed_handout(progress: Progress | None = None, workers: int | None = None) -> SeedHandout:
    """The handout the project started from, with every result derived by the engine; the
    derivations run in parallel on ``workers`` processes (default: one per core)."""
    say = progress or (lambda message: None)
    names = [name for _, name, _ in _SEED_TASKS]
    results = run_all([task for _, _, task in _SEED_TASKS], _progress(say, names), workers)
    by_key = dict(zip((key for key, _, _ in _SEED_TASKS), results, strict=True))
    (normal, bias), (beta, coin, large_sample, posterior) = (
        by_key["normal"],
        by_key["beta_bernoulli"],
    )
    laplace, even_sample = by_key["laplace"]
    by_key.update(normal=normal, beta_bernoulli=beta, laplace=laplace)
    numbers = {
        "seven_of_ten": coin[0].value,
        "large_sample": large_sample,
        **bias,
        **posterior,
        **even_sample,
    }
    return SeedHandout(
        "MLE and MAP: derivations with intuitive explanations",
        _general_formulas(),
        {key: by_key[key] for key in _SEED_ORDER},
        coin,
        numbers,
        by_key["figures"],
    )


#: Seed derivations left as they are in the worksheets: their answers hold order statistics
#: and the median, which ``mlemap check`` does not read, so a student's could not be checked.
_NOT_EXERCISES = ("uniform", "laplace")


def seed_worksheets(
    kinds: Iterable[str], progress: Progress | None = None
) -> dict[str, SeedHandout]:
    """The seed handout as a worksheet with the steps of ``kinds`` blank, and its solutions."""
    handout = seed_handout(progress)
    records = seed_derivations(progress)
    derived = {
        k: d for k, d in records.items() if isinstance(d, Derivation) and k not in _NOT_EXERCISES
    }
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
    "uniform": ("uniform", None),
    "laplace": ("laplace", None),
    "beta_bernoulli": ("bernoulli", "beta"),
    "uniform_poisson": ("poisson", "uniform"),
    "ols": ("linear_regression", None),
    "ridge": ("linear_regression", "normal"),
    "lasso": ("linear_regression", "laplace"),
}


def seed_derivations(progress: Progress | None = None) -> dict[str, Record]:
    """The records behind the seed handout, in this process (the engine derives each once
    per process; the handout itself derives them in worker processes)."""
    say = progress or (lambda message: None)
    records = {}
    for key, (model, prior) in SEED_DERIVATIONS.items():
        say(f"deriving {model}" + (f" with a {prior} prior" if prior else ""))
        records[key] = derive(model, prior=prior)
    return records


def seed_notebook(markdown: str) -> str:
    """The seed handout as a notebook: its Markdown, then code running each derivation."""
    return notebook(handout_sections(markdown, seed_derivations().values()))


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
    specs: Iterable[tuple[str, object, object]],
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[DerivationView]:
    """Views of the derivations an instructor listed: (model, prior, estimate) each, derived
    in parallel on ``workers`` processes (default: one per core)."""
    say = progress or (lambda message: None)
    specs = list(specs)
    if not specs:
        return []
    names = [model + (f" with prior {prior}" if prior else "") for model, prior, _ in specs]
    tasks: list[Task] = [(_view_of, tuple(spec)) for spec in specs]
    return run_all(tasks, _progress(say, names), workers)


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
