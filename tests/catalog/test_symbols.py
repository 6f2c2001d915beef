"""The symbols of estimates: each document prints them with its own model's names."""

from __future__ import annotations

import sympy as sp

from mlemap import REAL, Parameter
from mlemap.catalog.symbols import hat
from mlemap.documents.printing import latex_names, to_latex


def test_an_estimate_prints_with_its_own_models_name_not_the_last_declared():
    plain = Parameter("a", REAL)
    primed = Parameter("a", REAL, r"\lambda'")  # a later model typesets its "a" otherwise
    assert to_latex(hat(plain.symbol), latex_names([plain])) == r"\hat{a}"
    assert to_latex(hat(primed.symbol), latex_names([primed])) == r"\hat{\lambda'}"
    assert sp.latex(hat(primed.symbol)) == r"\hat{\lambda'}"  # SymPy's printer: the registry
