"""Handout notation brought to the reader's: Unicode scripts, named functions, derivative
operators, ``+ const`` and prose.

Everything here rewrites text into text the reader (:mod:`mlemap.checker.latex`) and the
``ast`` allow-list (:mod:`mlemap.checker.parse`) already accept; nothing is evaluated.

- Runs of Unicode super- and subscripts become ``^{…}`` and ``_{…}``: ``θᵏ`` is ``θ^{k}``,
  ``(1-θ)ⁿ⁻ᵏ`` is ``(1-θ)^{n-k}``, ``Σᵢ₌₁ⁿ`` is ``Σ_{i=1}^{n}``, ``(XᵀX)⁻¹`` is ``(X^{T}X)^{-1}``.
- ``L(θ)``, ``P(D|θ)``, ``p(x₁, …, xₙ | θ)`` name the likelihood; ``P(θ)`` the prior
  density; ``P(xᵢ|θ)`` one observation's density; ``P(θ|D)`` the posterior.
- ``d/dθ [f]``, ``∂/∂μ [f]`` and ``d/dsigma2 (f)`` become ``\\deriv{θ}[f]``.
"""

from __future__ import annotations

import re

__all__ = [
    "CONSTANT_WORDS",
    "derivative_operators",
    "is_prose",
    "named_functions",
    "prose_step",
    "scripts",
    "strip_remark",
]

SUPERSCRIPTS = dict(
    zip(
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ",
        "0123456789+-=()niabcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ",
        strict=True,
    )
)
SUBSCRIPTS = dict(
    zip(
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥᵦᵧᵨᵩᵪ",
        "0123456789+-=()aeoxhklmnpstijruvβγρφχ",
        strict=True,
    )
)
#: Words that stand for an additive constant free of the parameters: ``+ const``.
CONSTANT_WORDS = ("constant", "const")


def scripts(text: str) -> str:
    """Every run of Unicode superscripts as ``^{…}`` and of subscripts as ``_{…}``."""
    for table, mark in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
        characters = re.escape("".join(table))
        text = re.sub(
            f"[{characters}]+",
            lambda m, t=table, k=mark: f"{k}{{{''.join(t[c] for c in m.group())}}}",
            text,
        )
    return text


DATA = re.compile(r"^(?:D|data|[xXy]\w*|[xy]_?\{?[i1n]\}?.*)$")
ONE = re.compile(r"^[xy](?:_\{?i\}?|ᵢ|\[i\])$")
NAMED = re.compile(r"(?<![A-Za-z\\])([LPp]|ℒ)\s*\(([^()]*)\)")


ARGUMENTS = re.compile(r"^\\?[^\W\d_][\w^{}\\]*(?:,\\?[^\W\d_][\w^{}\\]*)*$")


def _named(match: re.Match[str], keep: bool) -> str:
    function, inside = match.group(1), match.group(2).replace(" ", "")
    name = match.group()
    if "|" not in inside:
        if function == "p" or not ARGUMENTS.match(inside):  # p(1 - p) is a product
            return name
        name = "evidence" if DATA.match(inside) else "prior"
        name = "likelihood" if function in "Lℒ" else name
    else:
        left, right = inside.split("|", 1)
        if ONE.match(left):
            name = "density"
        elif DATA.match(left):
            name = "likelihood"
        elif DATA.match(right):
            name = "posterior"
        else:
            return name
    return f"{name}({match.group(2)})" if keep else name


def named_functions(text: str, keep_arguments: bool = False) -> str:
    """``L(θ)``, ``P(D|θ)`` as ``likelihood``, ``P(θ)`` as ``prior``, ``P(xᵢ|θ)`` as
    ``density``, ``P(θ|D)`` as ``posterior`` and ``P(D)`` as ``evidence`` (followed by their
    arguments with ``keep_arguments``)."""
    return NAMED.sub(lambda m: _named(m, keep_arguments), scripts(text))


VARIABLE = r"(?:\\[A-Za-z]+|[A-Za-zα-ωϑϕ]\w*)(?:\s*\^\s*\{?2\}?)?"
DERIVATIVE = re.compile(
    rf"(?:(?<![A-Za-z\\])d|∂|\\partial\b)\s*/\s*(?:d|∂|\\partial)\s*(?P<variable>{VARIABLE})\s*"
    r"(?=[\[({])"
)


def derivative_operators(text: str) -> str:
    """``d/dθ [f]`` and ``∂/∂σ² (f)`` as ``\\deriv{θ}[f]``, which the reader takes as
    the derivative of the bracket that follows."""
    return DERIVATIVE.sub(lambda m: rf"\deriv{{{m.group('variable')}}}", text)


# -- prose ---------------------------------------------------------------------------------------
STEPS = {
    "set to zero": "set the derivative to zero",
    "set derivative to zero": "set the derivative to zero",
    "set the derivative to zero": "set the derivative to zero",
    "solve for": "solve",
    "solve": "solve",
    "multiply by": "multiply both sides",
    "multiply": "multiply both sides",
    "take logs": "take logs",
    "take log": "take logs",
    "take the log": "take logs",
    "take derivative": "differentiate",
    "take the derivative": "differentiate",
    "differentiate": "differentiate",
    "simplify": "simplify",
    "rearrange": "rearrange",
}
WORD = re.compile(r"[A-Za-z]{3,}")


def prose_step(text: str) -> str | None:
    """The algebraic step a prose line names ("Set to zero:" → set the derivative to zero)."""
    words = " ".join(re.findall(r"[A-Za-z]+", text.lower()))
    for phrase in sorted(STEPS, key=len, reverse=True):
        if words.startswith(phrase):
            return STEPS[phrase]
    return None


def is_prose(text: str, names: frozenset[str]) -> bool:
    """Whether a line is words rather than mathematics: no relation sign, and two or more
    words of three letters or more that are not names the problem knows."""
    if re.search(r"[=∝]", text):
        return False
    words = [w for w in WORD.findall(text) if w not in names and w.lower() not in FUNCTION_WORDS]
    if re.fullmatch(r"[A-Za-z ,.;:?!'-]+", text.strip()):  # a heading: "Likelihood", "So:"
        short = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in names]
        return bool(short) and (bool(words) or text.rstrip()[-1:] in ":?.")
    return len(words) >= 2 or (bool(words) and text.rstrip()[-1:] in ":?.")


FUNCTION_WORDS = {"log", "exp", "sqrt", "sum", "prod", "frac", "hat", "bar", "partial", "cdot"}
REMARK = re.compile(r"\s*\((?P<words>[A-Za-z]{3,}(?:[ ,]+[A-Za-z]+)+)\)\s*$")


def strip_remark(text: str, names: frozenset[str]) -> tuple[str, str | None]:
    """A side of an equation without a trailing remark in words, "(sample mean)"; the remark."""
    match = REMARK.search(text)
    if match is None or not text[: match.start()].strip():
        return text, None
    words = re.findall(r"[A-Za-z]+", match.group("words"))
    if all(w in names for w in words):
        return text, None
    return text[: match.start()], match.group("words")
