"""Checking matrix claims for linear regression against the regression engine's derivation.

A claim names the estimate (``ŵ = (XᵀX + λI)⁻¹Xᵀy``, or OLS's ``σ̂² = ‖y − Xŵ‖²/n``), is a
gradient in w (``∇_w ℓ(w) = Xᵀ(y − Xw)/σ²``, or ``= 0`` at the estimate), or is an equation
in ``w`` (the normal equations ``(XᵀX + λI)w = Xᵀy``), which must hold at the engine's
estimate. A line
may chain sides (``a = b = c``) and a line opening with ``=`` continues the one before. Both
sides are computed in full at random sizes and matrices of exact rationals, as the
regression engine checks its own steps (:mod:`mlemap.regression.matrix`): a gradient against
the objective written out entry by entry and differentiated entry by entry. A
counterexample names the sizes and both values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from ..engine.verify import SEED
from ..errors import ParseError
from ..regression.matrix import L1Norm, MatrixPoint, entrywise_gradient, evaluate, random_point
from ..regression.record import RegressionDerivation
from .claims import Source, read_steps, split_relation
from .handout import is_prose
from .matrices import LOG_LIKELIHOOD, LOG_POSTERIOR, Gradient, read_matrix
from .parse import GREEK
from .plain import to_claim
from .report import CheckReport, StepResult

__all__ = ["check_regression"]

TRIALS = 6
KINDS = {None: "OLS", "normal": "ridge", "laplace": "lasso"}
#: A trailing remark, "(Ridge regression!)", "(where λ = σ²/τ²)": words first, not maths.
REMARK = re.compile(r"\s*\((?P<first>[A-Za-z]{3,})\b[^()]*\)\s*$")
MATHS_WORDS = {"log", "ln", "grad", "nabla", *GREEK.values()}

#: A side's value at one random point, as an explicit matrix.
Value = Callable[[MatrixPoint], sp.Matrix]


@dataclass(frozen=True)
class _Context:
    """What every claim of one check is judged against."""

    derivation: RegressionDerivation
    names: dict[str, sp.Basic | None]
    w: sp.MatrixSymbol
    points: list[MatrixPoint]

    @property
    def estimate(self) -> sp.MatrixExpr | None:
        return self.derivation.estimates.get(self.w)

    @property
    def scalar_estimates(self) -> dict[sp.Symbol, sp.Symbol]:
        """σ̂² (the name a claim writes) for σ², each scalar the derivation estimates."""
        return {self.names[f"{p.name}_hat"]: p for p in self.derivation.estimates if p != self.w}

    @property
    def at_estimate(self) -> dict[sp.Basic, sp.Basic]:
        """w and ŵ as the engine's estimate, σ̂² as the engine's; λ as σ²/τ²."""
        estimates = self.derivation.estimates
        return {
            self.w: self.estimate,
            self.names["w_hat"]: self.estimate,
            **{hat: estimates[p] for hat, p in self.scalar_estimates.items()},
            **self.derivation.definitions,
        }

    def needs_estimate(self, line: int) -> sp.MatrixExpr:
        if self.estimate is None:
            kind = KINDS[self.derivation.prior]
            raise ParseError(
                f"line {line}: the {kind} estimate has no closed form, so a claim about it "
                "cannot be compared; check OLS (no prior) or ridge (--prior normal), or a "
                "gradient of the log-likelihood"
            )
        return self.estimate


def _names(derivation: RegressionDerivation) -> tuple[dict[str, sp.Basic | None], sp.MatrixSymbol]:
    functions = [
        derivation.log_likelihood,
        derivation.log_posterior,
        *derivation.estimates.values(),
    ]
    functions += [*derivation.definitions, *derivation.definitions.values()]
    atoms = set().union(*(f.atoms(sp.Symbol, sp.MatrixSymbol) for f in functions if f is not None))
    matrices = {m.name: m for m in atoms if isinstance(m, sp.MatrixSymbol)}
    symbols = {s.name: s for s in atoms if not isinstance(s, sp.MatrixSymbol)}
    w = matrices["w"]
    d = w.shape[0]
    names: dict[str, sp.Basic | None] = {**matrices, **symbols, "I": sp.Identity(d)}
    names.update({s.name: s for s in d.free_symbols | matrices["X"].shape[0].free_symbols})
    estimate = sp.MatrixSymbol("w_hat", *w.shape)
    names.update({"w_hat": estimate, "what": estimate})
    names["sigma2_hat"] = None  # known, with a prior on w
    for parameter in derivation.estimates:  # σ̂² of OLS: a scalar estimate beside ŵ
        if parameter != w:
            names[f"{parameter.name}_hat"] = sp.Symbol(f"{parameter.name}_hat", positive=True)
    names[LOG_LIKELIHOOD] = derivation.log_likelihood
    names[LOG_POSTERIOR] = derivation.log_posterior
    if "lambda" in symbols:
        names["lam"] = symbols["lambda"]
    for root in ("sigma", "tau"):
        if f"{root}2" in symbols:
            names[root] = sp.sqrt(symbols[f"{root}2"])
    return names, w


def _points(names: dict[str, sp.Basic | None], rng: np.random.Generator) -> list[MatrixPoint]:
    X, y, w = names["X"], names["y"], names["w"]
    n_size, d_size = X.shape
    scalars = [s for s in names.values() if isinstance(s, sp.Symbol) and s not in (n_size, d_size)]
    return [random_point([X, y, w], (n_size, d_size), scalars, rng) for _ in range(TRIALS)]


def _matrix(value: sp.Basic) -> sp.Matrix:
    return sp.Matrix(value) if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])


def _at(expr: sp.Basic) -> Value:
    return lambda point: _matrix(evaluate(expr, point))


def _differ(a: sp.Matrix, b: sp.Matrix) -> bool:
    if a.shape != b.shape:
        return True
    return any(sp.simplify(x - y) != 0 for x, y in zip(a, b, strict=True))


def _shown(value: sp.Matrix, shape: bool) -> str:
    size = f"{value.shape[0]}×{value.shape[1]} " if shape else ""
    return size + "[" + ", ".join(f"{float(v):.6g}" for v in value) + "]"


def _values(yours: Value, engine: Value, points: list[MatrixPoint]) -> list[tuple]:
    return [(yours(point), engine(point)) for point in points]


def _counterexample(values: list[tuple], points: list[MatrixPoint], at_w: bool = False) -> str:
    """ "" if the two sides are equal at every point; else the first counterexample in words
    (with the random w where ``at_w``)."""
    for (a, b), point in zip(values, points, strict=True):
        if _differ(a, b):
            sizes = ", ".join(f"{s} = {v}" for s, v in sorted(point.sizes.items(), key=str))
            n_size, d_size = (point.sizes[s] for s in sorted(point.sizes, key=str)[::-1])
            shapes = f"X {n_size}×{d_size}, y {n_size}×1"
            if at_w:
                shapes += f", w = {_shown(point.matrices['w'], False)}"
            shape = a.shape != b.shape
            return f"at {sizes} ({shapes}): yours = {_shown(a, shape)}, engine = {_shown(b, shape)}"
    return ""


@dataclass(frozen=True)
class _Claim:
    """One side compared with the engine: what it is, both sides' values, how it is shown."""

    what: str
    yours: Value
    engine: Value
    claimed: str
    expected: str
    detail: str
    diagnose: Callable[[list[tuple]], str] = lambda values: ""
    at_w: bool = False  # both sides depend on w, drawn at random


COMPUTED = f"{TRIALS} random sizes and matrices of exact rationals, computed in full"


def _estimate_claim(right: sp.Basic, context: _Context, line: int) -> _Claim:
    estimate = context.needs_estimate(line)
    claimed = right.xreplace(context.at_estimate).xreplace(context.derivation.definitions)
    expected = estimate.xreplace(context.derivation.definitions)

    def diagnose(values: list[tuple]) -> str:
        if context.derivation.prior is None:
            return ""
        X, y = context.names["X"], context.names["y"]
        ols = _values(_at(claimed), _at(sp.Inverse(X.T * X) * X.T * y), context.points)
        if _counterexample(ols, context.points):
            return ""
        return "this is the OLS estimate (the MLE): it leaves out the prior's λI"

    return _Claim(
        "estimate of w",
        _at(claimed),
        _at(expected),
        to_claim(claimed),
        f"w_hat = {to_claim(estimate)}",
        f"equal at {COMPUTED}",
        diagnose,
    )


def _scalar_estimate_claim(hat: sp.Symbol, right: sp.Basic, context: _Context) -> _Claim:
    """σ̂² = ‖y − Xŵ‖²/n: judged with ŵ as the engine's estimate; RSS/(n − d) is named."""
    parameter = context.scalar_estimates[hat]
    claimed = right.xreplace(context.at_estimate)
    expected = context.derivation.estimates[parameter]
    result = next(r for r in context.derivation.results if r.lhs.name == hat.name)
    X = context.names["X"]
    n_size, d_size = X.shape

    def diagnose(values: list[tuple]) -> str:
        unbiased = expected * n_size / (n_size - d_size)
        if _counterexample(_values(_at(claimed), _at(unbiased), context.points), context.points):
            return ""
        return (
            "this is the unbiased s² = RSS/(n − d), which fit() uses for standard errors; "
            "the MLE divides by n"
        )

    return _Claim(
        f"estimate of {parameter.name}",
        _at(claimed),
        _at(expected),
        to_claim(right),
        f"{hat.name} = {to_claim(result.rhs)}",
        f"equal at {COMPUTED}, with w_hat the engine's estimate",
        diagnose,
    )


def _equation_claim(left: sp.Basic, right: sp.Basic, context: _Context, line: int) -> _Claim:
    context.needs_estimate(line)
    if right == 0 and isinstance(left, sp.MatrixExpr):  # "… = 0": a zero vector
        right = sp.ZeroMatrix(*left.shape)
    if left == 0 and isinstance(right, sp.MatrixExpr):
        left = sp.ZeroMatrix(*right.shape)
    at = context.at_estimate
    claimed, expected = (
        e.xreplace(at).xreplace(context.derivation.definitions) for e in (left, right)
    )
    return _Claim(
        "equation",
        _at(claimed),
        _at(expected),
        to_claim(claimed),
        f"w_hat = {to_claim(context.estimate)}",
        f"it holds at the engine estimate, equal at {COMPUTED}",
    )


def _objective_text(objective: sp.Expr, text: str, context: _Context) -> str:
    """The objective as named or as written, with ℓ(w) and log p(w | y) shown as such."""
    derivation = context.derivation
    if objective == derivation.log_likelihood:
        return "the log-likelihood"
    if objective == derivation.log_posterior:
        return "the log-posterior"
    w = context.w
    shown = {
        LOG_LIKELIHOOD: sp.Function("ℓ")(w),
        LOG_POSTERIOR: sp.Function("log p")(sp.Symbol("w | y")),
    }
    written = read_matrix(text, {**context.names, **shown})
    return to_claim(written.objective) if isinstance(written, Gradient) else text


def _engine_gradient(objective: sp.Expr, shown: str, derivation: RegressionDerivation) -> str:
    """The score step's gradient where the claim is of the engine's own objective."""
    own = derivation.log_posterior if derivation.prior else derivation.log_likelihood
    if objective == own:
        score = next(s for s in derivation.steps if s.kind == "score")
        return to_claim(score.lines[0].rhs)
    return f"∇_w({shown}), entry by entry"


def _gradient_claim(
    left: Gradient, right: sp.Basic, context: _Context, line: int, text: str
) -> _Claim:
    derivation, w = context.derivation, context.w
    objective = left.objective.xreplace(derivation.definitions)
    if objective.has(L1Norm):
        raise ParseError(
            f"line {line}: ‖w‖₁ has no gradient where an entry of w is 0; the lasso's "
            "stationarity condition is a subgradient, which the checker does not read"
        )
    of = _objective_text(left.objective, text, context)
    written = "the gradient of the objective written out entry by entry and differentiated"
    if right == 0 or isinstance(right, sp.ZeroMatrix):
        estimate = context.needs_estimate(line).xreplace(derivation.definitions)

        def at_estimate(point: MatrixPoint) -> sp.Matrix:
            value = _matrix(evaluate(estimate, point))
            moved = MatrixPoint(point.sizes, {**point.matrices, w.name: value}, point.scalars)
            return entrywise_gradient(objective, moved, w)

        def mle(values: list[tuple]) -> str:
            if derivation.prior is None or left.objective != derivation.log_likelihood:
                return ""
            return (
                "the log-likelihood's gradient is 0 at the OLS estimate (the MLE); with a "
                "prior it is the log-posterior's gradient that is 0"
            )

        return _Claim(
            f"gradient of {of} at the engine estimate",
            lambda point: sp.zeros(int(w.shape[0].subs(point.sizes)), 1),
            at_estimate,
            "0",
            f"w_hat = {to_claim(context.estimate)}",
            f"{written} entry by entry is 0 at the engine estimate, at {COMPUTED}",
            mle,
        )
    claimed = right.xreplace(derivation.definitions)

    def diagnose(values: list[tuple]) -> str:
        found = _gradient_diagnosis(values, left.objective, context)
        return found or _flipped_term(claimed, values, context.points)

    return _Claim(
        f"gradient of {of}",
        _at(claimed),
        lambda point: entrywise_gradient(objective, point, w),
        to_claim(claimed),
        _engine_gradient(left.objective, of, derivation),
        f"equal to {written} entry by entry, at {COMPUTED}",
        diagnose,
        at_w=True,
    )


def _gradient_diagnosis(values: list[tuple], objective: sp.Expr, context: _Context) -> str:
    """A wrong gradient that is the right one times a factor, or the other objective's."""
    sigma2 = context.names.get("sigma2")
    factors: list[tuple[str, Callable[[MatrixPoint], sp.Expr]]] = [
        ("the sign is flipped: this is the gradient of the negative, a loss", lambda _: -1),
        ("yours is 2 times the engine's", lambda _: 2),
        ("yours is 1/2 times the engine's", lambda _: sp.Rational(1, 2)),
    ]
    if sigma2 is not None:
        factors.append(
            (
                "yours is σ² times the engine's: the factor 1/σ² is left out",
                lambda point: point.scalars[sigma2],
            )
        )
    points = context.points
    for words, factor in factors:
        scaled = [(a, factor(p) * b) for (a, b), p in zip(values, points, strict=True)]
        if not _counterexample(scaled, points):
            return words
    derivation = context.derivation
    others = {
        derivation.log_likelihood: "the log-posterior's gradient: it includes the log-prior",
        derivation.log_posterior: "the log-likelihood's gradient: the log-prior is missing",
    }
    swapped = {derivation.log_likelihood: derivation.log_posterior}
    swapped[derivation.log_posterior] = derivation.log_likelihood
    other = swapped.get(objective)
    if other is None or derivation.prior is None or other.has(L1Norm):
        return ""
    w = context.w
    gradient = [
        (a, entrywise_gradient(other, p, w)) for (a, _), p in zip(values, points, strict=True)
    ]
    return f"this is {others[objective]}" if not _counterexample(gradient, points) else ""


def _flipped_term(claimed: sp.Basic, values: list[tuple], points: list[MatrixPoint]) -> str:
    """A claim right but for the sign of one of its terms: name the term."""
    terms = sp.MatAdd.make_args(claimed) if isinstance(claimed, sp.MatAdd) else ()
    for term in terms if len(terms) > 1 else ():
        flipped = [
            (a - 2 * _matrix(evaluate(term, point)), b)
            for (a, b), point in zip(values, points, strict=True)
        ]
        if not _counterexample(flipped, points):
            return f"the sign of the term {to_claim(term)} is flipped"
    return ""


def _claim(
    left: sp.Basic | Gradient, right: sp.Basic | Gradient, context: _Context, line: int, text: str
) -> _Claim:
    if isinstance(right, Gradient):
        raise ParseError(f"line {line}: write the gradient on the left: ∇_w ℓ(w) = …")
    if isinstance(left, Gradient):
        return _gradient_claim(left, right, context, line, text)
    if left in (context.w, context.names["w_hat"]):
        return _estimate_claim(right, context, line)
    if left in context.scalar_estimates:
        return _scalar_estimate_claim(left, right, context)
    return _equation_claim(left, right, context, line)


def _remark(text: str, names: dict[str, sp.Basic | None]) -> tuple[str, str | None]:
    """A line without its trailing remark in words, and the remark (None if it has none)."""
    match = REMARK.search(text)
    first = match and match.group("first")
    if not match or first in names or first.lower() in MATHS_WORDS:
        return text, None
    return text[: match.start()], text[match.start() :].strip()


def _judge(source: Source, left_text: str, rights: list[str], context: _Context) -> StepResult:
    """A line's result: its first side that differs from the engine's, else its last."""
    left = read_matrix(left_text, context.names)
    for number, text in enumerate(rights, 1):
        right = read_matrix(text, context.names)
        claim = _claim(left, right, context, source.number, left_text)
        values = _values(claim.yours, claim.engine, context.points)
        where = _counterexample(values, context.points, claim.at_w)
        if where or number == len(rights):
            return StepResult(
                source.number,
                source.text,
                claim.what,
                "wrong" if where else "correct",
                "numeric",
                "the two sides differ at random matrices" if where else claim.detail,
                claimed=claim.claimed,
                engine=claim.expected,
                where=where,
                diagnosis=claim.diagnose(values) if where else "",
            )
    raise AssertionError("a line has a right side")


def check_regression(derivation: RegressionDerivation, claim: str) -> CheckReport:
    """Check matrix claims (an estimate, a gradient, or equations in w) for linear regression."""
    kind = KINDS[derivation.prior]
    title = f"{derivation.method} derivation for {derivation.name} ({kind})"
    names, w = _names(derivation)
    context = _Context(derivation, names, w, _points(names, np.random.default_rng(SEED)))
    words = frozenset(n for n in names if n not in (LOG_LIKELIHOOD, LOG_POSTERIOR))
    sources = [s for s in read_steps(claim) if not is_prose(s.text, words)]
    if not sources:
        raise ParseError("no claim to check: the input holds no mathematics")
    results, previous = [], None
    for source in sources:
        text, remark = _remark(source.text, names)
        sides = split_relation(text)
        if len(sides) < 2 or not all(s.strip() for s in sides[1:]):
            raise ParseError(
                f"line {source.number}: write ŵ = …, ∇_w ℓ(w) = …, or an equation in w"
            )
        if not sides[0].strip():
            if previous is None:
                raise ParseError(
                    f"line {source.number}: a line opening with '=' continues the line before, "
                    "and there is none"
                )
            sides[0] = previous
        previous = sides[0]
        result = _judge(source, sides[0], sides[1:], context)
        if remark is not None:
            result = replace(result, notes=(f"the remark {remark} is words, not checked",))
        results.append(result)
    return CheckReport(title, tuple(results))
