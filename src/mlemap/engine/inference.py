"""What follows a point estimate: the Fisher information and standard errors, and the
exact bias, as verified steps of the derivation."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..catalog.symbols import hat, n
from .bias import TRANSFORM, Bias, exact_bias
from .derivation import Step
from .efficiency import Efficiency, efficiency
from .information import Information, fisher_information
from .notation import Bias as BiasOf
from .notation import (
    Expectation,
    Family,
    LogLikelihood,
    SampleInformation,
    StandardError,
    Variance,
)
from .notation import Information as InformationOf
from .problem import Problem
from .verify import DEFINITION, Check, equivalent

#: The terms g(xᵢ), h(xᵢ) of two sums, in the words of an expectation by linearity.
TERMS = (sp.Symbol("g"), sp.Symbol("h"))

__all__ = ["TERMS", "bias_steps", "efficiency_steps", "information_step", "weakest"]


def weakest(checks: list[Check]) -> Check:
    """A chain of checks is as strong as its weakest link: numeric if any is numeric."""
    return next((c for c in checks if c.method == "numeric"), checks[-1])


def _scalar(matrix: sp.Matrix) -> sp.Basic:
    return matrix[0, 0] if matrix.shape == (1, 1) else matrix


def information_step(
    problem: Problem, at_estimate: sp.Matrix | None, rng: np.random.Generator
) -> tuple[Step, Information] | None:
    """I(θ), n I(θ), the Cramér–Rao bound and the standard errors at θ̂; None where a
    moment is out of reach."""
    information = fisher_information(problem, rng)
    if information is None:
        return None
    parameters = problem.parameters
    hats = {p: hat(p) for p in parameters}
    per = information.per_observation
    inverse = information.inverse
    product = per * inverse
    checks = [information.check]
    checks += [
        equivalent(product[a, b], int(a == b), problem, rng, "the inverse information")
        for a, b in np.ndindex(*product.shape)
    ]
    lines: list[sp.Basic] = [
        sp.Eq(InformationOf(*parameters), _scalar(per), evaluate=False),
        sp.Eq(SampleInformation(n, *parameters), _scalar(n * per), evaluate=False),
    ]
    observed_equal = False
    if at_estimate is not None:
        observed = -at_estimate
        expected_at = (n * per).xreplace(hats)
        observed_equal = all(
            sp.simplify(o - e) == 0 for o, e in zip(observed, expected_at, strict=True)
        )
        function = LogLikelihood(*parameters)
        if len(parameters) == 1:
            left = -sp.Subs(
                sp.Derivative(function, (parameters[0], 2)), parameters[0], hats[parameters[0]]
            )
        else:
            left = -sp.Subs(sp.Symbol("H"), parameters, tuple(hats.values()))
        lines.append(sp.Eq(left, _scalar(observed), evaluate=False))
    for index, p in enumerate(parameters):
        variance = sp.factor(inverse[index, index] / n)
        lines.append(sp.GreaterThan(Variance(hat(p)), variance, evaluate=False))
    for index, p in enumerate(parameters):
        error = sp.sqrt(sp.factor(inverse[index, index] / n)).xreplace(hats)
        lines.append(sp.Eq(StandardError(hat(p)), error, evaluate=False))
    words: list[object] = [
        "The Fisher information of one observation is minus the expected second derivative "
        "of its log-density, ",
        InformationOf(*parameters),
        ".",
    ]
    if information.moments:
        words.append(" It needs the model's moments ")
        for number, (g, value) in enumerate(information.moments.items()):
            words += [", " if number else "", sp.Eq(Expectation(g), value, evaluate=False)]
        if set(information.moments) <= set(information.from_score):
            words.append(", which follow from the expected score being zero")
        else:
            words.append(", from the expected score being zero and integration over the support")
        words.append(".")
    else:
        words.append(" The second derivative does not involve the data, so no moment is needed.")
    words.append(" For n observations the information is n times that.")
    if at_estimate is not None:
        words += [
            " The observed information, minus the second derivative at the estimate, "
            + ("equals" if observed_equal else "differs from")
            + " the expected information at the estimate."
        ]
    words += [
        " For large n the MLE is approximately normal with variance ",
        sp.Pow(SampleInformation(n, *parameters), -1),
        " (the diagonal of the inverse matrix, for several parameters); that is also the "
        "Cramér–Rao lower bound on the variance of any unbiased estimator. The standard "
        "error evaluates it at the estimate.",
    ]
    step = Step("information", "Fisher information", tuple(lines), tuple(words), weakest(checks))
    return step, information


def bias_steps(
    problem: Problem, estimates: dict[sp.Symbol, sp.Expr], rng: np.random.Generator
) -> tuple[list[Step], dict[sp.Symbol, Bias | None]]:
    """One step per estimated parameter: E[θ̂], its bias and the unbiased correction, or
    that the bias is not derived."""
    steps, found = [], {}
    for p in problem.parameters:
        result = exact_bias(problem, estimates[p], p, rng) if p in estimates else None
        found[p] = result
        steps.append(_bias_step(p, result))
    return steps, found


def _bias_step(p: sp.Symbol, result: Bias | None) -> Step:
    estimate = hat(p)
    if result is None:
        words = (
            "Bias not derived: the estimate is neither a polynomial in sums of the data nor "
            "the reciprocal of a sum whose distribution the engine recognises, so its exact "
            "expectation for finite n is out of reach here.",
        )
        return Step("bias", "Bias", (), words, DEFINITION, subject=p)
    lines: list[sp.Basic] = [
        sp.Eq(Expectation(estimate), result.expectation, evaluate=False),
        sp.Eq(BiasOf(estimate), result.bias, evaluate=False),
    ]
    if result.route == "linearity":
        g, h = TERMS
        words: list[object] = [
            "By linearity of expectation and independence of the observations: the expectation "
            "of a sum over the data is n times the expectation of one term, and of a product "
            "of two sums of terms ",
            g,
            " and ",
            h,
            ", ",
            n * Expectation(g * h) + n * (n - 1) * Expectation(g) * Expectation(h),
            ".",
        ]
    else:
        a, beta = result.family
        words = [
            "Each term of the sum in the denominator has Laplace transform ",
            (beta / (beta + TRANSFORM)) ** a,
            ", so the sum is ",
            Family(sp.Symbol("Gamma"), n * a, beta),
            " and the expectation of its reciprocal is ",
            beta / (n * a - 1),
            " (for ",
            sp.StrictGreaterThan(n * a, 1),
            ").",
        ]
    if result.unbiased:
        words.append(" The estimate is unbiased.")
    elif result.correction is not None:
        corrected = sp.Mul(result.correction, estimate, evaluate=False)
        lines.append(sp.Eq(Expectation(corrected), p, evaluate=False))
        words += [
            " The estimate is biased, by a constant factor, so multiplying by ",
            result.correction,
            " gives the unbiased estimator.",
        ]
    else:
        words.append(" The estimate is biased, and the bias is not a constant factor.")
    return Step("bias", "Bias", tuple(lines), tuple(words), result.check, subject=p)


def efficiency_steps(
    problem: Problem,
    estimates: dict[sp.Symbol, sp.Expr],
    biases: dict[sp.Symbol, Bias | None],
    information: Information | None,
    rng: np.random.Generator,
) -> tuple[list[Step], dict[sp.Symbol, Efficiency | None]]:
    """One step per estimated parameter: the efficiency, or why it is not derived."""
    steps, found = [], {}
    for index, p in enumerate(problem.parameters):
        result, reason = efficiency(
            problem, index, estimates.get(p), biases.get(p), information, rng
        )
        found[p] = result
        steps.append(_efficiency_step(p, result, reason))
    return steps, found


def _efficiency_step(p: sp.Symbol, result: Efficiency | None, reason: str | None) -> Step:
    if result is None:
        words = (f"Efficiency not derived: {reason}.",)
        return Step("efficiency", "Efficiency", (), words, DEFINITION, subject=p)
    estimator, variance = result.estimator, result.variance
    lines: list[sp.Basic] = [sp.Eq(Variance(estimator), variance, evaluate=False)]
    words: list[object] = [
        "The estimator ",
        estimator,
        " is unbiased, so the Cramér–Rao bound applies to it. Its exact variance is its "
        "expected square, by the same route as its expectation, minus the square of ",
        p,
    ]
    if result.from_size is not sp.true:
        words += [" (finite for ", result.from_size, ")"]
    words += [
        "; the bound, from the Fisher information, is ",
        result.bound,
        ".",
    ]
    if result.attains:
        words.append(" The variance equals the bound for every n: the estimator is efficient.")
    else:
        lines.append(sp.StrictGreaterThan(Variance(estimator), result.bound, evaluate=False))
        words += [" The variance is ", result.ratio, " times the bound"]
        if result.exceeds:
            words.append(", larger for every n where it is finite, so the bound is not attained")
        if result.limit == 1:
            words.append(
                "; the ratio tends to 1 as n grows: the estimator is asymptotically efficient"
            )
        words.append(".")
    return Step(
        "efficiency",
        "Efficiency",
        tuple(lines),
        tuple(words),
        weakest(list(result.checks)),
        subject=p,
    )
