"""Reading matrix claims: transposes, inverses and products map to SymPy's matrix objects."""

from __future__ import annotations

import contextlib
import time

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mlemap.checker.matrices import read_matrix
from mlemap.errors import MlemapError, ParseError, UnknownNameError

n, d, lam = sp.symbols("n d lambda")
X, y, w = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("y", n, 1), sp.MatrixSymbol("w", d, 1)
NAMES = {"X": X, "y": y, "w": w, "I": sp.Identity(d), "lambda": lam, "n": n, "d": d}
RIDGE = sp.Inverse(X.T * X + lam * sp.Identity(d)) * X.T * y


@pytest.mark.parametrize(
    "text",
    [
        "(XᵀX + λI)⁻¹Xᵀy",
        "(X^T X + lambda I)^{-1} X^T y",
        "(X'X + λ I)^-1 X'y",
        r"(\mathbf{X}^\top \mathbf{X} + \lambda I)^{-1} \mathbf{X}^\top y",
        "(X^T*X + lambda*I)^(-1)*X^T*y".replace("^(-1)", "^{-1}"),
    ],
)
def test_ridge_in_every_notation(text):
    assert read_matrix(text, NAMES) == RIDGE


def test_normal_equations_and_written_together_names():
    assert read_matrix("XᵀXw", NAMES) == X.T * X * w
    assert read_matrix("Xᵀ(y - Xw)", NAMES) == X.T * (y - X * w)
    assert read_matrix("Xw/2", NAMES) == X * w / 2


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("X^3", ParseError, "not allowed"),
        ("y/X", ParseError, "divide by a scalar only"),
        ("__import__('os')", ParseError, "unexpected character"),
        ("Z w", UnknownNameError, "unknown name 'Z'"),
        ("X + y", ParseError, "sizes do not fit"),
        ("(" * 80 + "X" + ")" * 80, ParseError, "nested too deeply"),
    ],
)
def test_bad_matrix_claims_are_refused(text, error, message):
    with pytest.raises(error) as caught:
        read_matrix(text, NAMES)
    assert isinstance(caught.value, MlemapError)
    assert message in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="XywIλnd()ᵀ⁻¹^T{}-+*/' 0123456789\\", max_size=40))
def test_fuzz_matrix_text_reads_or_raises_mlemap_errors(text):
    start = time.perf_counter()
    with contextlib.suppress(MlemapError):
        read_matrix(text, NAMES)
    assert time.perf_counter() - start < 5


def test_latex_commands_run_into_names_and_text_labels():
    assert read_matrix(r"(\mathbf{X}^\top\mathbf{X})^{-1}\mathbf{X}^\top y", NAMES) == (
        sp.Inverse(X.T * X) * X.T * y
    )
    hat = {**NAMES, "w_hat": w}
    assert read_matrix(r"\hat{w}_{\text{MAP}}", hat) == w
