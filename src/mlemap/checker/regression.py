"""Checking matrix claims for linear regression against the regression engine's derivation.

A claim names the estimate (``ŵ = (XᵀX + λI)⁻¹Xᵀy``) or is an equation in ``w`` (the normal
equations ``(XᵀX + λI)w = Xᵀy``), which must hold at the engine's estimate. Both sides are
computed in full at random sizes and matrices of exact rationals, as the regression engine
checks its own steps (:mod:`mlemap.regression.matrix`); a counterexample names the sizes and
both values.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..engine.derive import SEED
from ..errors import ParseError
from ..regression.matrix import MatrixPoint, evaluate, random_point
from ..regression.record import RegressionDerivation
from .claims import read_steps, split_relation
from .handout import is_prose
from .matrices import read_matrix
from .report import CheckReport, StepResult

__all__ = ["check_regression"]

TRIALS = 6
KINDS = {None: "OLS", "normal": "ridge", "laplace": "lasso"}


def _names(derivation: RegressionDerivation) -> tuple[dict[str, sp.Basic], sp.MatrixSymbol]:
    (w,) = (k for k in derivation.estimates if isinstance(k, sp.MatrixSymbol))
    expr = derivation.estimates[w]
    matrices = {m.name: m for m in expr.atoms(sp.MatrixSymbol)}
    symbols = {s.name: s for s in expr.atoms(sp.Symbol) if not isinstance(s, sp.MatrixSymbol)}
    for definition, value in derivation.definitions.items():
        symbols.setdefault(definition.name, definition)
        symbols.update({s.name: s for s in value.free_symbols})
    d = w.shape[0]
    names: dict[str, sp.Basic] = {**matrices, **symbols, "w": w, "I": sp.Identity(d)}
    estimate = sp.MatrixSymbol("w_hat", *w.shape)
    names.update({"w_hat": estimate, "what": estimate})
    if "lambda" in symbols:
        names["lam"] = symbols["lambda"]
    for root in ("sigma", "tau"):
        if f"{root}2" in symbols:
            names[root] = sp.sqrt(symbols[f"{root}2"])
    return names, w


def _points(names: dict[str, sp.Basic], rng: np.random.Generator) -> list[MatrixPoint]:
    X, y = names["X"], names["y"]
    n_size, d_size = X.shape
    scalars = [s for s in names.values() if isinstance(s, sp.Symbol) and s not in (n_size, d_size)]
    return [random_point([X, y], (n_size, d_size), scalars, rng) for _ in range(TRIALS)]


def _value(expr: sp.Basic, point: MatrixPoint) -> sp.Matrix:
    value = evaluate(expr, point)
    return sp.Matrix(value) if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])


def _differ(a: sp.Matrix, b: sp.Matrix) -> bool:
    if a.shape != b.shape:
        return True
    return any(sp.simplify(x - y) != 0 for x, y in zip(a, b, strict=True))


def _shown(value: sp.Matrix) -> str:
    return "[" + ", ".join(f"{float(v):.6g}" for v in value) + "]"


def _compare(left: sp.Basic, right: sp.Basic, points: list[MatrixPoint]) -> str | None:
    """None if equal at every point; else the first counterexample in words."""
    for point in points:
        a, b = _value(left, point), _value(right, point)
        if _differ(a, b):
            n_size, d_size = (point.sizes[s] for s in sorted(point.sizes, key=str)[::-1])
            sizes = ", ".join(f"{s} = {v}" for s, v in sorted(point.sizes.items(), key=str))
            shapes = f"X {n_size}×{d_size}, y {n_size}×1"
            return f"at {sizes} ({shapes}): yours = {_shown(a)}, engine = {_shown(b)}"
    return None


def check_regression(derivation: RegressionDerivation, claim: str) -> CheckReport:
    """Check matrix claims (an estimate, or equations in w) for OLS or ridge regression."""
    kind = KINDS[derivation.prior]
    title = f"{derivation.method} derivation for {derivation.name} ({kind})"
    if not derivation.closed_form:
        raise ParseError(
            f"the {kind} estimate has no closed form, so a claim about it cannot be compared; "
            "check OLS (no prior) or ridge (--prior normal)"
        )
    names, w = _names(derivation)
    estimate = derivation.estimates[w]
    rng = np.random.default_rng(SEED)
    points = _points(names, rng)
    sources = [s for s in read_steps(claim) if not is_prose(s.text, frozenset(names))]
    if not sources:
        raise ParseError("no claim to check: the input holds no mathematics")
    results = []
    for source in sources:
        sides = split_relation(source.text)
        if len(sides) != 2 or not all(s.strip() for s in sides):
            raise ParseError(f"line {source.number}: write one '=': ŵ = … or an equation in w")
        left, right = (read_matrix(s, names) for s in sides)
        at = {w: estimate, names["w_hat"]: estimate, **derivation.definitions}  # λ = σ²/τ²
        if left in (w, names["w_hat"]):
            what, claimed, expected = "estimate of w", right.xreplace(at), estimate
        else:
            what, claimed, expected = "equation", left.xreplace(at), right.xreplace(at)
        claimed, expected = (e.xreplace(derivation.definitions) for e in (claimed, expected))
        where = _compare(claimed, expected, points)
        diagnosis = ""
        if where and what == "estimate of w" and derivation.prior is not None:
            ols = sp.Inverse(names["X"].T * names["X"]) * names["X"].T * names["y"]
            if _compare(claimed, ols, points) is None:
                diagnosis = "this is the OLS estimate (the MLE): it leaves out the prior's λI"
        detail = (
            f"{'equal' if what != 'equation' else 'it holds at the engine estimate, equal'} at "
            f"{TRIALS} random sizes and matrices of exact rationals, computed in full"
        )
        results.append(
            StepResult(
                source.number,
                source.text,
                what,
                "wrong" if where else "correct",
                "numeric",
                "the two sides differ at random matrices" if where else detail,
                claimed=str(claimed),
                engine=f"w_hat = {estimate}",
                where=where or "",
                diagnosis=diagnosis,
            )
        )
    return CheckReport(title, tuple(results))
