"""Jupyter notebooks (``--format ipynb``): each derivation as Markdown cells, followed by code
cells that simulate data from the model, run the estimator (and ``fit``), and plot the
log-likelihood with the estimate marked.

The plot computes ℓ from the model's density directly (SymPy's ``lambdify``, one NumPy sum over
the data), not from the derivation, so the printed maximum on the grid checks the estimator.
Notebooks are written with nbformat without outputs or execution counts and with cell ids
numbered in order, so the same input gives the same file byte for byte.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from dataclasses import dataclass

import nbformat

from ..engine.derivation import Derivation
from ..errors import MlemapError
from ..regression.record import RegressionDerivation

__all__ = [
    "SEED",
    "SIMULATIONS",
    "Simulation",
    "code_cells",
    "handout_sections",
    "notebook",
]

Record = Derivation | RegressionDerivation

#: The random seed of every simulation cell, and the sample size.
SEED, SIZE = 20260101, 200


@dataclass(frozen=True)
class Simulation:
    """True values for a catalog model (its parameters and constants, by catalog name) and
    NumPy code drawing ``n`` observations from it with ``rng`` (keyword names spelled)."""

    values: dict[str, float]
    draw: str


#: How to draw from each catalog model, checked against the densities in the tests.
SIMULATIONS: dict[str, Simulation] = {
    "bernoulli": Simulation({"theta": 0.3}, "rng.binomial(1, theta, size=n)"),
    "binomial": Simulation({"theta": 0.3, "m": 10}, "rng.binomial(m, theta, size=n)"),
    "geometric": Simulation({"p": 0.3}, "rng.geometric(p, size=n)"),
    "poisson": Simulation({"lambda": 2.5}, "rng.poisson(lam, size=n)"),
    "exponential": Simulation({"lambda": 1.5}, "rng.exponential(1 / lam, size=n)"),
    "normal": Simulation({"mu": 1.0, "sigma2": 4.0}, "rng.normal(mu, np.sqrt(sigma2), size=n)"),
    "lognormal": Simulation(
        {"mu": 0.5, "sigma2": 0.25}, "rng.lognormal(mu, np.sqrt(sigma2), size=n)"
    ),
    "gamma": Simulation({"beta": 2.0, "alpha": 3.0}, "rng.gamma(alpha, 1 / beta, size=n)"),
    "rayleigh": Simulation({"sigma2": 2.0}, "rng.rayleigh(np.sqrt(sigma2), size=n)"),
    "pareto": Simulation({"alpha": 3.0, "x_m": 1.0}, "x_m * (1 + rng.pareto(alpha, size=n))"),
    "weibull": Simulation({"lambda": 2.0, "k": 1.5}, "lam * rng.weibull(k, size=n)"),
    "half_normal": Simulation({"sigma2": 2.0}, "np.abs(rng.normal(0, np.sqrt(sigma2), size=n))"),
    "negative_binomial": Simulation(
        {"theta": 0.4, "r": 3}, "rng.negative_binomial(r, theta, size=n)"
    ),
    "cauchy": Simulation({"mu": 1.0}, "mu + rng.standard_cauchy(size=n)"),
    "logistic": Simulation({"mu": 1.0}, "rng.logistic(mu, 1.0, size=n)"),
    "uniform": Simulation({"theta": 3.0}, "rng.uniform(0, theta, size=n)"),
    "laplace": Simulation({"mu": 1.0, "b": 2.0}, "rng.laplace(mu, b, size=n)"),
}

#: Hyperparameter values of each catalog prior, by the prior's own names.
HYPERPARAMETERS = {
    "beta": {"alpha": 2.0, "beta": 2.0},
    "gamma": {"alpha": 2.0, "beta": 1.0},
    "normal": {"mu0": 0.0, "tau2": 1.0},
    "inverse_gamma": {"alpha": 3.0, "beta": 2.0},
}

#: The plotted range of a parameter, by its domain's name, around the estimate ``hat``.
GRIDS = {
    "unit interval": "np.linspace(0.005, 0.995, 991)",
    "positive": "np.linspace(hat / 4, 3 * hat, 1101)",
    "real": "np.linspace(hat - 1.5, hat + 1.5, 1201)",
}


def spelled(name: str) -> str:
    """A name as the estimators spell it as a keyword argument (lambda → lam)."""
    return "lam" if name == "lambda" else f"{name}_" if keyword.iskeyword(name) else name


def _literal(values: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in values.items()) + "}"


def _derive_call(d: Derivation) -> str:
    arguments = [repr(d.model.name)]
    if d.problem.priors:
        priors = {str(p): b.prior.name for p, b in d.problem.priors.items()}
        arguments.append(f"prior={priors!r}")
    if len(d.parameters) < len(d.model.parameters):
        arguments.append(f"estimate={[str(p) for p in d.parameters]!r}")
    return f"mlemap.derive({', '.join(arguments)})"


def _scalar_cells(d: Derivation) -> list[str]:
    simulation = SIMULATIONS.get(d.model.name)
    if simulation is None:
        raise MlemapError(
            f"a notebook simulates data, and there is no simulation for model "
            f"{d.model.name!r}; notebooks are written for {', '.join(sorted(SIMULATIONS))}"
        )
    truth = dict(simulation.values)
    estimated = {str(p) for p in d.parameters}
    hyper: dict[str, float] = {}
    for bound in d.problem.priors.values():
        values = HYPERPARAMETERS.get(bound.prior.name, {})
        for declared, used in zip(bound.prior.hyperparameters, bound.hyperparameters, strict=True):
            hyper[used.name] = values.get(declared.name, 1.0)
    known = {spelled(k): v for k, v in {**truth, **hyper}.items() if k not in estimated}
    assignments = "\n".join(f"{spelled(k)} = {v!r}" for k, v in truth.items())
    setup = f"import numpy as np\nimport mlemap\n\nd = {_derive_call(d)}\nestimator = d.estimator()"
    simulate = (
        f"# {SIZE} observations drawn with a fixed seed, at these true values\n"
        f"rng = np.random.default_rng({SEED})\nn = {SIZE}\n{assignments}\n"
        f"x = {simulation.draw}\nknown = {_literal(known)}  # what the estimator is told"
    )
    estimate = (
        "estimate = estimator(x, **known)\n"
        "for name, value in estimate.items():\n"
        '    print(f"{name}_hat = {value:.6f}")'
    )
    cells = [setup, simulate, estimate]
    # A boundary or kink maximum has no Hessian there, so fit() has no standard errors.
    if not d.problem.is_map and not any(s.kind in ("boundary", "subgradient") for s in d.steps):
        cells.append("result = d.fit(x, **known)\nprint(result.summary())")
    cells.append(_plot(d, truth, hyper))
    return cells


def _plot(d: Derivation, truth: dict[str, float], hyper: dict[str, float]) -> str:
    p = d.parameters[0]
    grid = GRIDS.get(d.problem.domain(p).name, GRIDS["real"])
    what = "log-posterior (up to a constant)" if d.problem.is_map else "log-likelihood"
    lines = [
        "import matplotlib.pyplot as plt",
        "import sympy as sp",
        "from mlemap.catalog.symbols import i",
        "",
        f"# the {what} in {p}, from the model's density (not from the derivation),",
        "# the other parameters at their estimates and the known values as simulated",
        f"values = {{**{_literal(truth)}, **{_literal(hyper)}, **estimate}}",
        f"hat = estimate[{str(p)!r}]",
        f"grid = {grid}",
        'point = sp.Symbol("point")',
        "parameter = d.parameters[0]",
        "density = d.model.observation_density().xreplace({d.model.x[i]: point})",
        "fixed = {s: values[s.name] for s in density.free_symbols - {point, parameter}}",
        'log_density = sp.lambdify([point, parameter], sp.log(density.xreplace(fixed)), "scipy")',
        "curve = np.sum(log_density(x[:, None], grid[None, :]), axis=0)",
    ]
    support = d.model.support
    if (support.lower.free_symbols | support.upper.free_symbols) & {p}:
        lines += [
            "# the density is 0 outside its support, which moves with the parameter",
            "lower, upper = (",
            "    sp.lambdify([parameter], end.xreplace(fixed))(grid)",
            "    for end in (d.model.support.lower, d.model.support.upper)",
            ")",
            "curve = np.where((lower <= x.min()) & (x.max() <= upper), curve, -np.inf)",
        ]
    if d.problem.is_map:
        lines += [
            "prior = d.problem.priors[parameter].density()",
            "fixed = {s: values[s.name] for s in prior.free_symbols - {parameter}}",
            'log_prior = sp.lambdify([parameter], sp.log(prior.xreplace(fixed)), "scipy")',
            "curve = curve + log_prior(grid)",
        ]
    lines += [
        f'print(f"maximum on the grid at {p} = {{grid[np.argmax(curve)]:.4f}}")',
        "figure, axes = plt.subplots(figsize=(6, 3.5))",
        f'axes.plot(grid, curve, label="{what}")',
        f'axes.axvline(hat, color="black", linestyle="--", label="estimate of {p}")',
        f'axes.set_xlabel("{p}")',
        f'axes.set_ylabel("{what}")',
        "axes.legend()",
        "plt.show()",
    ]
    return "\n".join(lines)


def _regression_cells(d: RegressionDerivation) -> list[str]:
    kind = d.estimator_kind
    call = {"ols": "X, y", "ridge": "X, y, lam=1.0", "lasso": "X, y, lam=20.0"}[kind]
    setup = (
        "import numpy as np\nimport mlemap\n\n"
        "d = mlemap.derive('linear_regression'"
        + (f", prior={d.prior!r}" if d.prior else "")
        + ")\nestimator = d.estimator()"
    )
    simulate = (
        f"# a design of {SIZE} rows and 4 features, with a fixed seed; one true weight is 0\n"
        f"rng = np.random.default_rng({SEED})\n"
        f"X = rng.normal(size=({SIZE}, 4))\nw = np.array([1.5, -2.0, 0.0, 0.5])\n"
        "y = X @ w + rng.normal(0, 0.5, size=X.shape[0])"
    )
    estimate = (
        f"estimate = estimator({call})\n"
        'print("w_hat =", np.array2string(estimate["w"], precision=6, floatmode="fixed"))'
    )
    cells = [setup, simulate, estimate]
    shown = (
        'print("standard errors:", np.array2string(result.se, precision=6))\n'
        'print("95% intervals:\\n", np.array2string(result.conf_int(0.95), precision=6))'
    )
    if kind == "ols":
        cells.append(f"result = d.fit(X, y)\n{shown}")
    elif kind == "ridge":
        cells.append(f"result = d.fit(X, y, sigma2=0.25, tau2=0.25)\n{shown}")
    cells.append(
        "import matplotlib.pyplot as plt\n\n"
        "figure, axes = plt.subplots(figsize=(6, 3.5))\n"
        "positions = np.arange(w.size)\n"
        'axes.bar(positions - 0.2, w, width=0.4, label="true w")\n'
        'axes.bar(positions + 0.2, estimate["w"], width=0.4, label="estimate")\n'
        'axes.set_xticks(positions, [f"w{j + 1}" for j in positions])\n'
        "axes.legend()\nplt.show()"
    )
    return cells


def code_cells(record: Record) -> list[str]:
    """The code cells that follow a derivation: simulate, estimate (and fit), plot."""
    if isinstance(record, RegressionDerivation):
        return _regression_cells(record)
    return _scalar_cells(record)


def _markdown_cells(text: str) -> list[str]:
    """Markdown cut before each heading, one cell a section."""
    cells: list[list[str]] = []
    for line in text.strip("\n").split("\n"):
        if line.startswith("#") or not cells:
            cells.append([])
        cells[-1].append(line)
    return ["\n".join(cell).strip("\n") for cell in cells if "".join(cell).strip()]


def notebook(sections: Iterable[tuple[str, Record | None]]) -> str:
    """A notebook of ``sections``: each one's Markdown as cells, then its record's code cells."""
    cells = []
    for markdown, record in sections:
        cells += [nbformat.v4.new_markdown_cell(text) for text in _markdown_cells(markdown)]
        if record is not None:
            cells += [nbformat.v4.new_code_cell(code) for code in code_cells(record)]
    for number, cell in enumerate(cells, 1):
        cell["id"] = f"cell-{number}"
    book = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(book)
    return nbformat.writes(book)


def _name(record: Record) -> str:
    """ "MAP of bernoulli, prior theta ~ Beta(alpha, beta)", for a section heading."""
    if isinstance(record, RegressionDerivation):
        kind = {"ols": "OLS", "ridge": "ridge", "lasso": "lasso"}[record.estimator_kind]
        return f"{record.method} of linear regression ({kind})"
    priors = [f"{p} ~ {b.family_text()}" for p, b in record.problem.priors.items()]
    return f"{record.method} of {record.model.name}" + (
        f", prior {', '.join(priors)}" if priors else ""
    )


def handout_sections(markdown: str, records: Iterable[Record]) -> list[tuple[str, Record | None]]:
    """A whole handout's Markdown, then a section running each of its derivations."""
    intro = (
        "## Simulate, estimate, plot\n\n"
        "Each derivation above as code: data simulated with a fixed seed, the estimator "
        "mlemap compiled from the derivation, and the curve it maximises, computed from "
        "the model's density, with the estimate marked."
    )
    return [
        (markdown, None),
        (intro, None),
        *((f"### {_name(record)}", record) for record in records),
    ]
