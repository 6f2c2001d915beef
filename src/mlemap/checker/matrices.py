"""Reading matrix claims for linear regression: ``(XᵀX + λI)⁻¹Xᵀy``, ``X^T X w = X^T y``.

A recursive-descent reader over an allow-list of tokens, as for scalar claims; nothing is
evaluated. Names: the design ``X``, the response ``y``, the weights ``w`` (``ŵ``, ``w_hat``
for the estimate), the identity ``I``, and the scalars the derivation knows (``λ``, ``σ²``,
``τ²``, ``n``, ``d``). Postfix ``ᵀ``, ``^T``, ``^\\top`` or ``'`` transposes; ``⁻¹``,
``^{-1}`` inverts; products may be written together (``XᵀXw``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import sympy as sp

from ..errors import ParseError, UnknownNameError
from .handout import scripts
from .latex import TokenCursor
from .parse import GREEK, MARKS

__all__ = ["read_matrix"]

MAX_CHARACTERS = 1_000
MAX_DEPTH = 50
LATEX = [
    (r"\\(?:mathbf|boldsymbol|mathrm|bm|text)\s*\{([^{}]*)\}", r"\1"),
    (r"\\hat\s*\{?\s*w\s*\}?", "w_hat"),
    (r"\\(?:top|intercal|mathsf\{T\}|T)(?![a-z])", "T"),  # \topX after \mathbf{X}
    (r"\\(?:left|right|cdot|,|;|!|quad)", " "),
    (r"\\(lambda|sigma|tau)\b", r"\1"),
]
TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z]+(?:_[A-Za-z0-9]+)*)"
                   r"|(?P<symbol>[-+*/^(){}']))")  # fmt: skip
LABELS = re.compile(r"_(?:\{?\s*(?:MLE|MAP|OLS|ridge)\s*\}?)", re.I)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFD", text)  # ŵ as w and a combining hat
    for mark, word in MARKS.items():
        text = re.sub(rf"([A-Za-z]){mark}", rf"\1_{word}", text)
    text = scripts(text)
    for pattern, replacement in LATEX:
        text = re.sub(pattern, replacement, text)
    text = LABELS.sub("", text)  # after \text{MAP} is MAP
    for letter, name in GREEK.items():
        text = text.replace(letter, f" {name} ")
    return text.replace("−", "-").replace("·", "*").replace("×", "*").replace("⋅", "*")


class _Reader(TokenCursor):
    def __init__(self, text: str, names: Mapping[str, sp.Basic]) -> None:
        self.text = text
        self.names = names
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            if text[position:].isspace():
                break
            match = TOKEN.match(text, position)
            if match is None:
                shown = text[position:].lstrip()[:1]
                raise ParseError(
                    f"unexpected character {shown!r} in the matrix claim {text.strip()!r}; "
                    "allowed: X, y, w, I, scalars, + - * /, ᵀ (^T), ⁻¹ (^{-1}) and brackets"
                )
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.position = 0
        self.depth = 0

    def read(self) -> sp.Basic:
        value = self.expression()
        if self.peek()[0] != "end":
            raise ParseError(f"unexpected {self.peek()[1]!r} in {self.text.strip()!r}")
        return value

    def expression(self) -> sp.Basic:
        sign = 1
        if self.peek() in (("symbol", "-"), ("symbol", "+")):
            sign = -1 if self.take()[1] == "-" else 1
        value = sign * self.term()
        while self.peek() in (("symbol", "+"), ("symbol", "-")):
            operator = self.take()[1]
            right = self.term()
            shapes = [getattr(e, "shape", None) for e in (value, right)]
            if shapes[0] != shapes[1]:  # SymPy adds symbolic shapes that do not fit
                raise ParseError(f"the sizes do not fit in {self.text.strip()!r}: {shapes}")
            value = value + right if operator == "+" else value - right
        return value

    def term(self) -> sp.Basic:
        value = self.factor()
        while True:
            kind, token = self.peek()
            if (kind, token) == ("symbol", "*"):
                self.take()
                value = value * self.factor()
            elif (kind, token) == ("symbol", "/"):
                self.take()
                divisor = self.factor()
                if isinstance(divisor, sp.MatrixExpr):
                    raise ParseError("divide by a scalar only; write a matrix inverse as ⁻¹")
                value = value / divisor
            elif kind in ("number", "name") or token == "(":
                value = value * self.factor()
            else:
                return value

    def factor(self) -> sp.Basic:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("brackets nested too deeply")
        try:
            value = self.atom()
            while True:
                if self.peek() == ("symbol", "'"):
                    self.take()
                    value = _transpose(value)
                elif self.peek() == ("symbol", "^"):
                    self.take()
                    value = self.power(value)
                else:
                    return value
        finally:
            self.depth -= 1

    def power(self, base: sp.Basic) -> sp.Basic:
        parts = []
        if self.peek() == ("symbol", "{"):
            self.take()
            while self.peek() not in (("symbol", "}"), ("end", "")):
                parts.append(self.take()[1])
            if self.take() != ("symbol", "}"):
                raise ParseError("an unclosed { in an exponent")
        else:  # as in TeX, an exponent without braces is one character: X^TX is Xᵀ·X
            for _ in range(2):
                kind, token = self.take()
                if kind in ("name", "number") and len(token) > 1:
                    self.tokens.insert(self.position, (kind, token[1:]))
                    token = token[0]
                parts.append(token)
                if token != "-":
                    break
        exponent = "".join(parts)
        if exponent == "T":
            return _transpose(base)
        if exponent == "-1":
            return sp.Inverse(base) if isinstance(base, sp.MatrixExpr) else 1 / base
        if exponent.isdigit() and not isinstance(base, sp.MatrixExpr) and int(exponent) <= 10:
            return base ** int(exponent)
        raise ParseError(f"the exponent {exponent!r} is not allowed: use ᵀ (^T) or ⁻¹ (^{{-1}})")

    def atom(self) -> sp.Basic:
        kind, token = self.take()
        if kind == "number":
            return sp.Rational(token)
        if kind == "name":
            return self.name(token)
        if token == "(" or token == "{":
            value = self.expression()
            if self.take()[1] != {"(": ")", "{": "}"}[token]:
                raise ParseError(f"an unclosed bracket in {self.text.strip()!r}")
            return value
        raise ParseError(f"unexpected {token or 'end of input'!r} in {self.text.strip()!r}")

    def name(self, word: str) -> sp.Basic:
        if word in self.names:
            return self.names[word]
        parts = _split(word, self.names)
        if parts is None:
            raise UnknownNameError("name", word, self.names, "in a matrix claim")
        value = sp.Integer(1)
        for part in parts:
            value = value * self.names[part]
        return value


def _transpose(value: sp.Basic) -> sp.Basic:
    return value.T if isinstance(value, sp.MatrixExpr) else value


def _split(word: str, names: Mapping[str, sp.Basic]) -> list[str] | None:
    """``XTXw`` as X, T, X, w is not a product: only whole known names (``Xy``: X·y)."""
    if not word:
        return []
    for end in range(len(word), 0, -1):
        if word[:end] in names:
            rest = _split(word[end:], names)
            if rest is not None:
                return [word[:end], *rest]
    return None


def read_matrix(text: str, names: Mapping[str, sp.Basic]) -> sp.Basic:
    """One matrix (or scalar) expression in handout notation; ``names`` says what each
    name stands for."""
    if len(text) > MAX_CHARACTERS:
        raise ParseError(f"a matrix claim longer than {MAX_CHARACTERS} characters")
    try:
        return _Reader(_normal(text), names).read()
    except (ParseError, UnknownNameError):
        raise
    except (TypeError, ValueError, sp.ShapeError) as error:
        raise ParseError(f"the sizes do not fit in {text.strip()!r}: {error}") from None
