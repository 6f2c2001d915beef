"""Estimators: symbolic results compiled to validated NumPy functions, or a numeric method.

Takes the engine's and regression's records; hands on ``f(data, **known) -> estimates``.
"""

from ..engine import hooks
from .fit import fit_of
from .record import estimator_of

hooks.provide("estimator", estimator_of)
hooks.provide("fit", fit_of)
