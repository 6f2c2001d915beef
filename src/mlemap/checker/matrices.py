"""Reading matrix claims for linear regression: ``(XᵀX + λI)⁻¹Xᵀy``, ``X^T X w = X^T y``,
``∇_w [ℓ(w) − λ‖w‖²/2]``.

A recursive-descent reader over an allow-list of tokens, as for scalar claims; nothing is
evaluated. Names: the design ``X``, the response ``y``, the weights ``w`` (``ŵ``, ``w_hat``
for the estimate), the identity ``I``, and the scalars the derivation knows (``λ``, ``σ²``,
``τ²``, ``n``, ``d``). Postfix ``ᵀ``, ``^T``, ``^\\top`` or ``'`` transposes; ``⁻¹``,
``^{-1}`` inverts; products may be written together (``XᵀXw``). ``‖v‖²`` is a squared norm
(a 1×1 product such as ``wᵀw`` counts as a scalar beside scalars); ``ℓ(w)``, ``log L(w)`` and
``log p(y | w)`` name the log-likelihood, ``log p(w | y)`` (``log P(w|D)``) the
log-posterior; ``σ²_prior`` is the prior variance τ². A side may open
with a gradient in w (``∇_w``, ``\\nabla_w``, ``grad_w``, ``∂/∂w``, ``dℓ/dw``), of all
that follows it: it reads as a :class:`Gradient`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from ..errors import ParseError, UnknownNameError
from ..regression.matrix import SquaredNorm
from .handout import scripts
from .latex import TokenCursor
from .parse import GREEK, MARKS

__all__ = ["LOG_LIKELIHOOD", "LOG_POSTERIOR", "Gradient", "read_matrix"]

MAX_CHARACTERS = 1_000
MAX_DEPTH = 50
LATEX = [
    (r"\\(?:mathbf|boldsymbol|mathrm|bm|text)\s*\{([^{}]*)\}", r"\1"),
    (r"\\hat\s*\{?\s*w\s*\}?", "w_hat"),
    # σ̂², \hat{\sigma}^2: the estimate of σ² (after the superscript reads as ^{2})
    (r"(?:\\hat\s*\{?\s*\\sigma\s*\}?|σ\u0302)\s*\^\s*\{?\s*2\s*\}?", "sigma2_hat"),
    (r"\\(?:top|intercal|mathsf\{T\}|T)(?![a-z])", "T"),  # \topX after \mathbf{X}
    (r"\\(?:left|right|cdot|,|;|!|quad)", " "),
    (r"\\(lambda|sigma|tau)\b", r"\1"),
    (r"\\(?:lVert|rVert|Vert|\|)|\|\|", "‖"),
]
#: The names the log-likelihood and the log-posterior are read as.
LOG_LIKELIHOOD, LOG_POSTERIOR = "loglik", "logpost"
_ARGUMENTS = r"(?:\s*\(\s*w\s*(?:,[^()]*)?\))"
_LOG = r"(?:\\?log|\\?ln)\s*"
_GIVEN = r"\s*(?:\||\\mid)\s*"
FUNCTIONS = [
    (rf"{_LOG}[pP]\s*\(\s*w{_GIVEN}(?:y|D|X\s*,\s*y)\s*\)", f" {LOG_POSTERIOR} "),
    (rf"{_LOG}[pP]\s*\(\s*(?:y|D){_GIVEN}w\s*(?:,[^()]*)?\)", f" {LOG_LIKELIHOOD} "),
    # logp(w), as a scalar claim (and plain text) writes the log-posterior
    (rf"(?<![A-Za-z\\])logp{_ARGUMENTS}", f" {LOG_POSTERIOR} "),
    # The prior variance as handouts write it: σ²_prior for τ².
    (r"(?:σ|(?<![A-Za-z])sigma)\s*\^\s*\{?\s*2\s*\}?\s*_\s*\{?\s*prior\s*\}?", " tau^{2} "),
    (
        rf"(?:ℓ|\\ell(?![A-Za-z])|{_LOG}L){_ARGUMENTS}?|(?<![A-Za-z\\])l{_ARGUMENTS}",
        f" {LOG_LIKELIHOOD} ",
    ),
]
_PARTIAL = r"(?:∂|\\partial\s*|(?<![A-Za-z\\])d)"
_BY_W = rf"{_PARTIAL}\s*w(?![A-Za-z_])"
_LOG_LIKELIHOOD = rf"\s*(?:{LOG_LIKELIHOOD}|l)\s*"
#: A gradient in w, as the one token ``grad``: ∇_w, \nabla_{w}, grad_w, ∂/∂w, dℓ/dw.
GRADIENTS = [
    (r"(?:∇|\\nabla|(?<![A-Za-z])grad)\s*(?:_\s*(?:\{\s*w\s*\}|w))?", " grad "),
    (rf"\\frac\s*\{{\s*{_PARTIAL}\s*\}}\s*\{{\s*{_BY_W}\s*\}}", " grad "),
    (
        rf"\\frac\s*\{{\s*{_PARTIAL}{_LOG_LIKELIHOOD}\}}\s*\{{\s*{_BY_W}\s*\}}",
        f" grad {LOG_LIKELIHOOD} ",
    ),
    (rf"{_PARTIAL}\s*/\s*{_BY_W}", " grad "),
    (rf"{_PARTIAL}{_LOG_LIKELIHOOD}/\s*{_BY_W}", f" grad {LOG_LIKELIHOOD} "),
]
# A name may end in digits (sigma2): read as sigma·2 it would silently be another claim.
TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z]+\d*(?:_[A-Za-z0-9]+)*)"
                   r"|(?P<symbol>[-+*/^(){}\[\]'‖]))")  # fmt: skip
LABELS = re.compile(r"_(?:\{?\s*(?:MLE|MAP|OLS|ridge)\s*\}?)", re.I)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFD", text)  # ŵ as w and a combining hat
    for mark, word in MARKS.items():
        text = re.sub(rf"([A-Za-z]){mark}", rf"\1_{word}", text)
    text = scripts(text)
    for pattern, replacement in LATEX:
        text = re.sub(pattern, replacement, text)
    text = LABELS.sub("", text)  # after \text{MAP} is MAP
    for pattern, replacement in FUNCTIONS + GRADIENTS:  # after \\mathbf{w} is w
        text = re.sub(pattern, replacement, text)
    text = _fractions(text)  # after \\frac{∂}{∂w} is a gradient
    for letter, name in GREEK.items():
        text = text.replace(letter, f" {name} ")
    return text.replace("−", "-").replace("·", "*").replace("×", "*").replace("⋅", "*")


FRACTION = re.compile(r"\\[dt]?frac\s*(?=\{)")


def _group(text: str, start: int) -> int:
    """The end of the brace group opening at ``start``; -1 if it is not closed."""
    depth = 0
    for position in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return position + 1
    return -1


def _fractions(text: str) -> str:
    """``\\frac{a}{b}`` as ``((a)/(b))``, innermost last; an unclosed one is left to the reader."""
    while (match := FRACTION.search(text)) is not None:
        middle = _group(text, match.end())
        end = _group(text, middle) if text[middle : middle + 1] == "{" else -1
        if middle < 0 or end < 0:
            raise ParseError(r"write a fraction as \frac{numerator}{denominator}")
        top, bottom = text[match.end() + 1 : middle - 1], text[middle + 1 : end - 1]
        text = f"{text[: match.start()]}(({top})/({bottom})){text[end:]}"
    return text


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
                    "allowed: X, y, w, I, scalars, + - * /, ᵀ (^T), ⁻¹ (^{-1}), ‖v‖², ∇_w "
                    "and brackets"
                )
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.position = 0
        self.depth = 0
        self.norms = 0  # inside ‖…‖, where ‖ closes rather than multiplies

    def read(self) -> sp.Basic | Gradient:
        gradient = self.peek() == ("name", "grad")
        if gradient:
            self.take()
        value = self.expression()
        if self.peek()[0] != "end":
            raise ParseError(f"unexpected {self.peek()[1]!r} in {self.text.strip()!r}")
        if not gradient:
            return value
        if _shape(value) not in (None, (1, 1)):
            raise ParseError(
                f"the gradient ∇_w is of a scalar function of w, not of a {_shape(value)} matrix, "
                f"in {self.text.strip()!r}"
            )
        return Gradient(value)

    def expression(self) -> sp.Basic:
        sign = 1
        if self.peek() in (("symbol", "-"), ("symbol", "+")):
            sign = -1 if self.take()[1] == "-" else 1
        value = sign * self.term()
        while self.peek() in (("symbol", "+"), ("symbol", "-")):
            operator = self.take()[1]
            right = self.term()
            value, right = _scalars(value, right)
            shapes = [_shape(e) for e in (value, right)]
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
            elif kind in ("number", "name") or token in ("(", "[") or self._opens_norm():
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

    def _opens_norm(self) -> bool:
        return self.peek() == ("symbol", "‖") and not self.norms

    def power(self, base: sp.Basic) -> sp.Basic:
        exponent = self.exponent()
        if exponent == "T":
            return _transpose(base)
        if exponent == "-1":
            return sp.Inverse(base) if isinstance(base, sp.MatrixExpr) else 1 / base
        if exponent.isdigit() and not isinstance(base, sp.MatrixExpr) and int(exponent) <= 10:
            return base ** int(exponent)
        raise ParseError(f"the exponent {exponent!r} is not allowed: use ᵀ (^T) or ⁻¹ (^{{-1}})")

    def exponent(self) -> str:
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
        return "".join(parts)

    def norm(self) -> sp.Basic:
        """``‖v‖²`` after its opening ``‖``: only the squared norm of a column vector."""
        self.norms += 1
        try:
            inside = self.expression()
        finally:
            self.norms -= 1
        if self.take() != ("symbol", "‖"):
            raise ParseError(f"an unclosed ‖ in {self.text.strip()!r}")
        if self.peek() != ("symbol", "^") or (self.take() and self.exponent() != "2"):
            raise ParseError(f"write a squared norm, ‖v‖², in {self.text.strip()!r}")
        if _shape(inside) is None or _shape(inside)[1] != 1:
            raise ParseError(
                f"‖v‖² is of a column vector, not of {inside} in {self.text.strip()!r}"
            )
        return SquaredNorm(inside)

    def atom(self) -> sp.Basic:
        kind, token = self.take()
        if kind == "number":
            return sp.Rational(token)
        if kind == "name":
            return self.name(token)
        if token in ("(", "{", "["):
            norms, self.norms = self.norms, 0  # ‖ inside brackets opens a norm again
            try:
                value = self.expression()
            finally:
                self.norms = norms
            if self.take()[1] != {"(": ")", "{": "}", "[": "]"}[token]:
                raise ParseError(f"an unclosed bracket in {self.text.strip()!r}")
            return value
        if token == "‖":
            return self.norm()
        raise ParseError(f"unexpected {token or 'end of input'!r} in {self.text.strip()!r}")

    def name(self, word: str) -> sp.Basic:
        if word == "grad":
            raise ParseError("a gradient ∇_w opens a side and is of all that follows it")
        if word in self.names and self.names[word] is None:
            raise ParseError(_MISSING.get(word, f"{word} is not defined for this derivation"))
        if word in self.names:
            return self.names[word]
        parts = _split(word, self.names)
        if parts is None:
            raise UnknownNameError("name", word, self.names, "in a matrix claim")
        value = sp.Integer(1)
        for part in parts:
            value = value * self.names[part]
        return value


_MISSING = {
    LOG_POSTERIOR: "log p(w | y), the log-posterior, needs a prior on w: pass --prior normal "
    "(prior= in Python)",
    "sigma2_hat": "with a prior on w, σ² is known (a hyperparameter), not estimated, so there "
    "is no σ̂² to check; the OLS derivation (no prior) estimates it",
}


@dataclass(frozen=True)
class Gradient:
    """A side that is the gradient in w of a scalar ``objective``."""

    objective: sp.Expr


def _shape(value: sp.Basic) -> tuple[sp.Expr, sp.Expr] | None:
    return value.shape if isinstance(value, sp.MatrixExpr) else None


def _scalars(a: sp.Basic, b: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
    """A 1×1 product beside a scalar (ℓ(w) − λwᵀw/2) as the scalar it stands for."""
    if _shape(a) == (1, 1) and _shape(b) is None:
        return sp.Trace(a), b
    if _shape(b) == (1, 1) and _shape(a) is None:
        return a, sp.Trace(b)
    return a, b


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


def read_matrix(text: str, names: Mapping[str, sp.Basic | None]) -> sp.Basic | Gradient:
    """One matrix (or scalar) expression in handout notation, or a gradient of one; ``names``
    says what each name stands for (None: a name this derivation does not define)."""
    if len(text) > MAX_CHARACTERS:
        raise ParseError(f"a matrix claim longer than {MAX_CHARACTERS} characters")
    try:
        return _Reader(_normal(text), names).read()
    except (ParseError, UnknownNameError):
        raise
    except (TypeError, ValueError, sp.ShapeError) as error:
        raise ParseError(f"the sizes do not fit in {text.strip()!r}: {error}") from None
