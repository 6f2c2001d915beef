"""Read-back: every equation and every piece of inline maths a derivation shows is read from
its LaTeX and compared with its object; a printer that lies makes the document fail."""

from __future__ import annotations

import pytest

from mlemap import MODELS, PRIORS, VerificationError
from mlemap.documents import printing, view

from conftest import derived


def _pairs():
    for model in MODELS:
        yield model.name, None
        for parameter in model.parameters:
            for prior in PRIORS:
                if prior.fits(parameter):
                    yield model.name, {parameter.name: prior.name}


@pytest.mark.parametrize("model, prior", list(_pairs()), ids=str)
def test_every_catalog_derivation_reads_back(model, prior):
    d = derived(model, prior)
    shown = view.view(d)  # raises on the first piece that reads back differently
    text = d.to_markdown() + d.to_latex()
    for step in shown.steps:
        for row in step.rows:
            assert row.rhs in text  # what was read is what both formats print


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
