"""The symbols every derivation shares: the sample size, the observation index, the data."""

from __future__ import annotations

import sympy as sp

__all__ = ["Estimate", "data_symbol", "hat", "hat_latex", "i", "n", "register_latex"]

#: The number of observations.
n = sp.Symbol("n", integer=True, positive=True)
#: The observation index, running from 1 to n.
i = sp.Symbol("i", integer=True, positive=True)


def data_symbol(name: str, assumptions: dict[str, bool]) -> sp.IndexedBase:
    """The indexed data ``x[i]`` with the assumptions its support implies."""
    return sp.IndexedBase(name, **assumptions)


#: Each declared name's LaTeX (sigma2 → \\sigma^{2}), for SymPy's own printers of estimates.
_LATEX: dict[str, str] = {}


def register_latex(name: str, latex: str) -> None:
    """Record how the declared ``name`` is typeset, for :class:`Estimate`'s printing."""
    _LATEX[name] = latex


def hat_latex(latex: str) -> str:
    r"""\sigma^{2} → \hat{\sigma}^{2}; x_{m} → \hat{x}_{m}."""
    cut = min((latex.find(c) for c in "^_" if c in latex), default=len(latex))
    return rf"\hat{{{latex[:cut]}}}{latex[cut:]}"


class Estimate(sp.Symbol):
    """The symbol of an estimate, ``theta_hat``: SymPy's own printers show it as θ̂ (also
    after ``sympy.init_printing()``), while ``str`` keeps the name the checker reads."""

    @property
    def estimated(self) -> str:
        return self.name.removesuffix("_hat")

    def _latex(self, printer: object) -> str:
        # The printer's own names first: the registry keeps only the last model's LaTeX for a
        # name, and two models may typeset a parameter "a" differently.
        named = getattr(printer, "_settings", {}).get("symbol_names", {})
        if self in named:
            return named[self]
        base = self.estimated
        return hat_latex(_LATEX.get(base) or printer._print(sp.Symbol(base)))

    def _pretty(self, printer: object) -> object:
        from sympy.printing.pretty.stringpict import prettyForm

        base = self.estimated
        squared = _LATEX.get(base, "").endswith("^{2}") and base.endswith("2")
        shown = printer._print(sp.Symbol(base[:-1] if squared else base))
        text = str(shown)
        if "\n" in text or not text:
            return shown
        return prettyForm(text[0] + "\u0302" + text[1:] + ("²" if squared else ""))


def hat(symbol: sp.Symbol) -> sp.Symbol:
    """The symbol for an estimate of ``symbol`` (θ → θ̂), with the same assumptions."""
    return Estimate(f"{symbol.name}_hat", **symbol.assumptions0)
