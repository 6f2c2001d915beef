"""The notation's plain-text form: the names a derivation's lines are written with."""

from __future__ import annotations

import sympy as sp

from mlemap.engine.notation import Gradient, Tends, gradient_variable, to_text


def test_a_gradient_is_named_in_latex_and_reads_as_nabla_in_text():
    f = sp.Function("f")(sp.Symbol("w"))
    gradient = Gradient("w")(f)
    assert sp.latex(gradient).startswith(r"\nabla_{w}")
    assert gradient_variable(gradient) == "w" and gradient_variable(f) is None
    assert to_text(gradient) == "∇_w(f(w))"


def test_intervals_and_limits_read_as_a_handout_writes_them():
    assert to_text(sp.Interval.Lopen(0, sp.oo)) == "(0, ∞)"
    assert to_text(sp.S.Reals) == "(−∞, ∞)"
    assert to_text(Tends(sp.Symbol("tau2"), sp.oo)) == "tau2 → ∞"
