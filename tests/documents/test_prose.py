"""Variables in prose become maths; words stay words."""

from __future__ import annotations

import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mlemap.documents.prose import maths_runs

N, X, K, A = sp.symbols("n x k a")
SYMBOLS = {"n": N, "x": X, "k": K, "a": A}


def test_runs_of_the_problems_letters_and_numbers_are_maths():
    assert maths_runs("one trial: x = 1 (success), else x = 0.", SYMBOLS) == [
        "one trial: ",
        sp.Eq(X, 1, evaluate=False),
        " (success), else ",
        sp.Eq(X, 0, evaluate=False),
        ".",
    ]
    assert maths_runs("For n observations", SYMBOLS) == ["For ", N, " observations"]
    (_, run, _) = maths_runs("divides by n − 1 instead", SYMBOLS)
    assert sp.expand(run) == N - 1


def test_words_brackets_and_calls_stay_text():
    for text in (
        "a product",  # the article, even where a is a name
        "index i and x_m",
        "n(n − 1) terms",
        "E[x] and (k)",
        "known",
        "with 7 heads in 10 flips",
    ):
        parts = maths_runs(text, SYMBOLS)
        assert all(not isinstance(p, sp.Basic) or p in (K,) for p in parts), text


@given(st.text(alphabet="nxk a=+−-() .,:E[]17", max_size=40))
def test_the_text_is_kept_whole(text):
    parts = maths_runs(text, SYMBOLS)
    at = 0
    for part in parts:  # the words come in order, as pieces of the text, none lost between
        if isinstance(part, str):
            found = text.find(part, at)
            assert found >= at
            at = found + len(part)
        else:
            assert part.free_symbols <= {N, X, K}
    if parts and isinstance(parts[-1], str):
        assert at == len(text)
