"""Read-back: every equation and every piece of inline maths a derivation shows is read from
its LaTeX and compared with its object; a printer that lies makes the document fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlemap import MODELS, PRIORS, VerificationError
from mlemap.documents import printing, view
from mlemap.engine.reach import fitting_priors

from conftest import derived

#: What no document may say: SymPy's booleans and names, or a parameter's ASCII name in prose.
UNTYPESET = re.compile(
    r"(?<!\\)\b(False|True|polygamma|loggamma|d/d\w+|lambda|sigma2|theta|mu|alpha|beta|tau2|mu0|xbar)\b"
)


def _prose(text: str) -> str:
    """``text`` without its maths: $$…$$, \\[…\\], $…$, \\(…\\) and aligned displays."""
    text = re.sub(
        r"\$\$.*?\$\$|\\\[.*?\\\]|\\begin\{aligned\}.*?\\end\{aligned\}", "", text, flags=re.S
    )
    return re.sub(r"\$[^$]*\$|\\\(.*?\\\)", "", text)


def _pairs():
    for model in MODELS:
        yield model.name, None
        if model.name in ("uniform", "laplace"):
            continue  # a prior there is refused (test_boundary.py, test_subgradient.py)
        if model.constraints:  # only a joint prior over the constrained parameters
            joint = [p for p in PRIORS if p.fits_all(model.parameters)]
            yield from ((model.name, {model.parameters[0].name: p.name}) for p in joint)
            continue
        for parameter in model.parameters:
            # the priors derive takes with every parameter estimated (as `mlemap models`)
            for prior in fitting_priors(model, parameter):
                yield model.name, {parameter.name: prior.name}


@pytest.mark.parametrize("model, prior", list(_pairs()), ids=str)
def test_every_catalog_derivation_reads_back(model, prior):
    d = derived(model, prior)
    shown = view.view(d)  # raises on the first piece that reads back differently
    text = d.to_markdown() + d.to_latex()
    for step in shown.steps:
        for row in step.rows:
            assert row.rhs in text  # what was read is what both formats print
    assert UNTYPESET.findall(_prose(text)) == []


def test_the_prose_check_finds_what_it_looks_for():
    assert UNTYPESET.findall(_prose("With $\\alpha = 1$, False; d/dtheta of lambda")) == [
        "False", "d/dtheta", "lambda"
    ]  # fmt: skip


def test_a_printer_that_drops_a_sign_is_caught(monkeypatch):
    d = derived("exponential")
    view.view(d)
    monkeypatch.setattr(
        printing._Negative, "_latex", lambda self, printer, exp=None: printer._print(self.args[0])
    )
    with pytest.raises(
        VerificationError, match=r"read-back of step 1 \(Model\).*x_\{i\} \\\\lambda"
    ):
        view.view(d)
    with pytest.raises(VerificationError):
        d.to_markdown()


def test_a_wrong_name_in_prose_is_caught(monkeypatch):
    d = derived("poisson", {"lambda": "gamma"})
    real = view.typesetter

    def swapped(derivation, extra=None):
        typeset = real(derivation, extra)
        return lambda obj: typeset(obj).replace(r"\alpha", r"\beta")

    monkeypatch.setattr(view, "typesetter", swapped)
    with pytest.raises(VerificationError, match="read-back of step 2 \\(Prior\\)"):
        view.view(d)


@pytest.mark.parametrize("prior", [None, "normal", "laplace"])
def test_regression_documents_and_the_seed_handout_typeset_their_names(prior):
    d = derived("linear_regression", prior)
    assert UNTYPESET.findall(_prose(d.to_markdown() + d.to_latex())) == []
    output = Path(__file__).resolve().parents[2] / "output"
    seed = (output / "handout.md").read_text() + (output / "handout.tex").read_text()
    assert UNTYPESET.findall(_prose(seed)) == []


@pytest.mark.parametrize("prior", [None, "normal", "laplace"])
def test_every_regression_equation_is_read_back_and_a_wrong_sign_is_caught(prior, monkeypatch):
    from mlemap.documents import regression
    from mlemap.regression.entry import derive_linear_regression

    d = derive_linear_regression(prior)
    regression.view(d)  # reads back every line, word and result: no error
    printed = regression.to_latex

    def flipped(obj, names):
        return printed(obj, names).replace("y - X w", "y + X w")

    monkeypatch.setattr(regression, "to_latex", flipped)
    with pytest.raises(VerificationError, match=r"read-back of step \d .*shows .y \+ X w"):
        regression.view(d)
