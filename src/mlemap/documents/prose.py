"""Variables in prose typeset as maths: "for $n$ observations", "$x = 1$ (success)".

Explanations and model descriptions are text written by the engine or by a user; a run of
the problem's own one-letter names, numbers and operators in them (``n``, ``x = 1``,
``n − 1``) is maths, and is rebuilt as a SymPy object so that it is printed and read back
like every other piece of maths. Words are left alone: "a" and "I" are never variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy as sp

__all__ = ["maths_runs"]

_OPERATORS = {"=": "=", "+": "+", "−": "-", "-": "-"}
_NEVER = {"a", "A", "I"}


def _pattern(letters: Iterable[str]) -> re.Pattern[str] | None:
    usable = sorted(set(letters) - _NEVER)
    if not usable:
        return None
    atom = rf"(?:[{''.join(usable)}]|\d+)"
    operator = "[" + re.escape("".join(_OPERATORS)) + "]"
    # Bounded by spaces, line ends or punctuation: never inside a word, a bracket or a call.
    return re.compile(
        rf"(?<![\w(\[\\$.'’]){atom}(?:[ ]{operator}[ ]{atom})*(?![\w(\[’'])(?=[\s,.;:)]|$)"
    )


def _build(run: str, symbols: dict[str, sp.Basic]) -> sp.Basic | None:
    """The run as a SymPy object (one relation at most), or None if it holds no letter."""
    parts = run.split(" ")
    if not any(p in symbols for p in parts):
        return None
    sides: list[list[str]] = [[]]
    for part in parts:
        if part == "=":
            sides.append([])
        else:
            sides[-1].append(part)
    if len(sides) > 2:
        return None
    built = [_side(side, symbols) for side in sides]
    if any(b is None for b in built):
        return None
    return built[0] if len(built) == 1 else sp.Eq(*built, evaluate=False)


def _side(parts: list[str], symbols: dict[str, sp.Basic]) -> sp.Basic | None:
    values = [symbols.get(p) if p in symbols else sp.Integer(p) for p in parts[::2]]
    result = values[0]
    for operator, value in zip(parts[1::2], values[1:], strict=True):
        op = _OPERATORS[operator]
        if op == "-":
            value = sp.Mul(-1, value, evaluate=False)
        result = sp.Add(result, value, evaluate=False)
    return result


def maths_runs(text: str, symbols: dict[str, sp.Basic]) -> list[str | sp.Basic]:
    """``text`` cut into words and maths: each run of ``symbols``' one-letter names, numbers
    and operators becomes its SymPy object; everything else stays text."""
    pattern = _pattern(name for name in symbols if len(name) == 1)
    if pattern is None:
        return [text]
    out: list[str | sp.Basic] = []
    start = 0
    for match in pattern.finditer(text):
        built = _build(match.group(), symbols)
        if built is None:
            continue
        if match.start() > start:
            out.append(text[start : match.start()])
        out.append(built)
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out
