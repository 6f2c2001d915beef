r"""Reading a document's LaTeX back into SymPy, to check what the printer made of each object.

A small recursive-descent reader for the LaTeX that derivations show, written apart from the
printer (:mod:`mlemap.documents.printing`) so that a printer bug cannot hide in both. It
knows the handout's notation (L(θ), ℓ(θ), p(xᵢ ∣ θ), log p(θ ∣ x), Σ and Π over i, d/dθ,
evaluation bars, \hat, \bar{x}, \operatorname{Beta}(…)) and builds SymPy objects directly:
no text ever reaches sympify. SymPy's own Lark LaTeX parser was tried first; it reads
``\lambda e^{- x_{i} \lambda}`` with ``e`` as a symbol and knows neither ``\sigma``,
``\Gamma``, ``\hat`` nor ``\bar``.

The names it knows come from the declarations (each parameter's LaTeX), not from the printer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp

from ..catalog.symbols import hat
from ..engine.display import MEAN
from ..engine.notation import (
    Bias,
    Constant,
    Density,
    Distributed,
    Expectation,
    Family,
    Gradient,
    Information,
    Lagrangian,
    Likelihood,
    LogLikelihood,
    LogPosterior,
    PosteriorDensity,
    PosteriorMean,
    PosteriorVariance,
    PriorDensity,
    SampleInformation,
    StandardError,
    Variance,
)
from ..engine.order import AtMost, Below
from ..errors import MlemapError
from ..regression.linear import ArgMin
from ..regression.matrix import L1Norm, SquaredNorm

__all__ = ["DATA", "ReadError", "read_latex"]

#: The key of ``names`` for the data that a posterior is conditioned on, where it is not x.
DATA = " data"


class ReadError(MlemapError):
    """LaTeX the reader cannot read."""


_TOKEN = re.compile(
    r"(?P<space>\s+|\\[,;:! ]|\\quad\b|\\displaystyle\b)"
    r"|(?P<command>\\[A-Za-z]+|\\[{}|.\\#])"
    r"|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<letter>[A-Za-z])"
    r"|(?P<symbol>[\^_{}()\[\]+\-=,|/!.&<>:])"
)
#: Tokens that end a product: what follows belongs to the sum, relation or bracket around it.
_STOP = {
    "+", "-", "=", ")", "}", "]", ",", "|", "&", "\\\\",
    r"\right", r"\mid", r"\to", r"\sim", r"\neq", r"\in", r"\end", r"\geq", r"\leq", ">", "<",
    r"\Rightarrow", None,
}  # fmt: skip
_FUNCTIONS = {"L": Likelihood, r"\ell": LogLikelihood}
_RELATIONS = {
    r"\geq": sp.GreaterThan,
    r"\leq": sp.LessThan,
    r"\neq": sp.Unequality,
    ">": sp.StrictGreaterThan,
    "<": sp.StrictLessThan,
}
#: The counts #{i : xᵢ < v} and #{i : xᵢ ≤ v}, by their relation.
_COUNTS = {sp.StrictLessThan: Below, sp.LessThan: AtMost}
#: Operators on one argument, without and with the condition on the data (… ∣ x).
_OPERATORS = {
    "E": (Expectation, PosteriorMean),
    "Var": (Variance, PosteriorVariance),
    "bias": (Bias, None),
    "SE": (StandardError, None),
}


class _Token:
    __slots__ = ("kind", "spaced", "text")

    def __init__(self, kind: str, text: str, spaced: bool) -> None:
        self.kind, self.text, self.spaced = kind, text, spaced


def _tokens(latex: str) -> list[_Token]:
    found, position, spaced = [], 0, False
    while position < len(latex):
        match = _TOKEN.match(latex, position)
        if match is None:
            raise ReadError(f"cannot read {latex[position : position + 12]!r} in {latex!r}")
        position = match.end()
        if match.lastgroup == "space":
            spaced = True
            continue
        found.append(_Token(match.lastgroup or "", match.group(), spaced))
        spaced = False
    return _unbraced_calls(found)


def _unbraced_calls(tokens: list[_Token]) -> list[_Token]:
    r"""L{\left(θ\right)} as L\left(θ\right): the braces only keep TeX from spacing a
    function's name from its bracket."""
    drop: set[int] = set()
    for start, token in enumerate(tokens):
        if token.text != "{" or start + 1 >= len(tokens) or tokens[start + 1].text != r"\left":
            continue
        if _is_argument(tokens, start):
            continue
        depth = 0
        for end in range(start, len(tokens)):
            depth += {"{": 1, "}": -1}.get(tokens[end].text, 0)
            if depth == 0:
                break
        closing = [t.text for t in tokens[end - 2 : end]]
        if depth == 0 and closing[:1] == [r"\right"] and _bracket_ends_at(tokens, start + 1, end):
            drop |= {start, end}
            tokens[start + 1].spaced = token.spaced
    return [t for k, t in enumerate(tokens) if k not in drop]


_TAKES_ARGUMENTS = {r"\frac", r"\sqrt", r"\binom", "^", "_"}


def _is_argument(tokens: list[_Token], start: int) -> bool:
    """The group at ``start`` is an argument (\\frac{…}{…}, x^{…}), not a call's braces."""
    if start == 0:
        return False
    previous = tokens[start - 1].text
    if previous in _TAKES_ARGUMENTS:
        return True
    if previous != "}":
        return False
    depth = 0
    for k in range(start - 1, -1, -1):  # the group just before: \frac's first argument?
        depth += {"}": 1, "{": -1}.get(tokens[k].text, 0)
        if depth == 0:
            return k > 0 and tokens[k - 1].text in (r"\frac", r"\binom")
    return False


def _bracket_ends_at(tokens: list[_Token], left: int, end: int) -> bool:
    """The \\left at ``left`` is closed by the \\right just before ``end``."""
    depth = 0
    for k in range(left, end):
        depth += {r"\left": 1, r"\right": -1}.get(tokens[k].text, 0)
        if depth == 0:
            return k == end - 2
    return False


class _Reader:
    def __init__(self, latex: str, names: Mapping[str, sp.Basic]) -> None:
        self.latex, self.tokens, self.at, self.names = latex, _tokens(latex), 0, names

    # -- tokens ------------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> str | None:
        at = self.at + ahead
        return self.tokens[at].text if at < len(self.tokens) else None

    def next(self) -> str:
        if self.at >= len(self.tokens):
            raise ReadError(f"{self.latex!r} ends too soon")
        self.at += 1
        return self.tokens[self.at - 1].text

    def expect(self, text: str) -> None:
        found = self.next()
        if found != text:
            raise ReadError(f"expected {text!r}, found {found!r} in {self.latex!r}")

    def raw_group(self) -> str:
        """The text of a braced group, unread: names and limits are looked up as written."""
        self.expect("{")
        depth, parts = 1, []
        while True:
            token = self.tokens[self.at] if self.at < len(self.tokens) else None
            if token is None:
                raise ReadError(f"unbalanced braces in {self.latex!r}")
            self.at += 1
            depth += {"{": 1, "}": -1}.get(token.text, 0)
            if depth == 0:
                return "".join(parts).strip()
            parts.append((" " if token.spaced and parts else "") + token.text)

    # -- grammar -----------------------------------------------------------------------------
    def relation(self) -> sp.Basic:
        left = self.sum()
        if self.peek() == "=":
            self.next()
            return sp.Eq(left, self.sum(), evaluate=False)
        if self.peek() in _RELATIONS:
            relation = _RELATIONS[self.next()]
            return relation(left, self.sum(), evaluate=False)
        if self.peek() == r"\to":  # the limit β → 0, as the pair (β, 0)
            self.next()
            return sp.Tuple(left, self.sum())
        if self.peek() == r"\sim":  # y ∼ N(Xw, σ²I)
            self.next()
            return Distributed(left, self.sum())
        return left

    def whole(self) -> sp.Basic:
        found = self.relation()
        if self.peek() == r"\Rightarrow":  # x₍₁₎ < 0 ⇒ γ ≤ −2/x₍₁₎
            self.next()
            found = sp.Implies(found, self.relation(), evaluate=False)
        if self.peek() is not None:
            raise ReadError(f"unexpected {self.peek()!r} in {self.latex!r}")
        return found

    def sum(self) -> sp.Expr:
        terms = []
        sign = 1
        if self.peek() in ("+", "-"):
            sign = -1 if self.next() == "-" else 1
        terms.append(sign * self.product())
        while self.peek() in ("+", "-"):
            sign = -1 if self.next() == "-" else 1
            terms.append(sign * self.product())
        return sp.Add(*terms)

    def product(self) -> sp.Expr:
        factors = [self.power()]
        while True:
            following = self.peek()
            if following in (r"\cdot", r"\times"):
                self.next()
                factors.append(self.power())
            elif following == "/":
                self.next()
                factors.append(1 / self.power())
            elif following in _STOP:
                return sp.Mul(*factors)
            else:
                factors.append(self.power())

    def power(self) -> sp.Expr:
        base = self.primary()
        while self.peek() in ("^", "!"):
            if self.next() == "!":
                base = sp.factorial(base)
            elif isinstance(base, sp.MatrixExpr) and self._transposed():
                base = base.T
            else:
                base = base ** self.argument()
        return base

    def _transposed(self) -> bool:
        """After a ^: the superscript is T, the transpose of a matrix."""
        if self.peek() == "T":
            self.next()
            return True
        if (self.peek(), self.peek(1), self.peek(2)) == ("{", "T", "}"):
            self.at += 3
            return True
        return False

    def argument(self) -> sp.Expr:
        """A superscript or a command's argument: a braced group or one token."""
        if self.peek() == "{":
            self.next()
            found = self.sum()
            self.expect("}")
            return found
        if self.peek() == r"\left":  # ^{\left[…\right]} with its braces dropped
            return self.bracketed()
        token = self.next()
        if token.isdigit():
            return sp.Integer(token)
        return self._name(token)

    def bracketed(self) -> sp.Expr:
        r"""(…), \left(…\right) or {…}."""
        opening = self.next()
        if opening == "{":
            found = self.sum()
            self.expect("}")
            return found
        if opening == r"\left":
            opening = self.next()
            if opening == "[" and self.peek() == r"\begin":
                return self.matrix()
        closing = {"(": ")", "[": "]", "|": "|", r"\{": r"\}", r"\lVert": r"\rVert"}.get(opening)
        if closing is None:
            raise ReadError(f"unexpected {opening!r} in {self.latex!r}")
        found = self.sum()
        if opening == "[" and self.peek() == "=":  # the Iverson bracket [xᵢ = j]
            self.next()
            found = sp.KroneckerDelta(found, self.sum())
        if self.peek() == r"\right":
            self.next()
        self.expect(closing)
        if opening == r"\lVert":
            return self.norm(found)
        return sp.Abs(found) if opening == "|" else found

    def norm(self, vector: sp.Expr) -> sp.Expr:
        r"""\lVert v \rVert^{2} (the squared norm), \lVert v \rVert_{1}, or \lVert v \rVert."""
        if self.peek() == "_":
            self.next()
            if self.argument() != 1:
                raise ReadError(f"only the 1-norm has a subscript in {self.latex!r}")
            return L1Norm(vector)
        if (self.peek(), self.peek(1), self.peek(2), self.peek(3)) == ("^", "{", "2", "}"):
            self.at += 4
            return SquaredNorm(vector)
        return sp.sqrt(SquaredNorm(vector))

    def matrix(self) -> sp.Expr:
        r"""\begin{matrix} a & b \\ c & d \end{matrix}\right], as an immutable matrix."""
        self.expect(r"\begin")
        self.raw_group()
        rows: list[list[sp.Expr]] = [[]]
        while True:
            rows[-1].append(self.sum())
            separator = self.next()
            if separator == "\\\\":
                rows.append([])
            elif separator == r"\end":
                break
            elif separator != "&":
                raise ReadError(f"unexpected {separator!r} in a matrix in {self.latex!r}")
        self.raw_group()
        self.expect(r"\right")
        self.expect("]")
        if len({len(r) for r in rows}) != 1:
            raise ReadError(f"ragged matrix in {self.latex!r}")
        return sp.ImmutableMatrix(rows)

    def arguments(self) -> list[sp.Expr]:
        r"""\left(a, b \mid c\right) as a list, with None where \mid stands."""
        self.expect(r"\left")
        self.expect("(")
        found: list[sp.Expr | None] = [self.sum()]
        while self.peek() in (",", r"\mid"):
            if self.next() == r"\mid":
                found.append(None)
            found.append(self.sum())
        self.expect(r"\right")
        self.expect(")")
        return found

    def applied(self) -> bool:
        """A function's bracket follows at once, with no space: L\\left(θ\\right)."""
        return self.peek() == r"\left" and self.peek(1) == "(" and not self.tokens[self.at].spaced

    def primary(self) -> sp.Expr:
        token = self.tokens[self.at] if self.at < len(self.tokens) else None
        if token is None:
            raise ReadError(f"{self.latex!r} ends too soon")
        text = token.text
        if token.kind == "number":
            self.next()
            whole, _, fraction = text.partition(".")
            return sp.Rational(int(whole + fraction), 10 ** len(fraction))
        if text in ("{", "(", r"\left") and self.peek(1) != ".":
            return self.bracketed()
        if text == r"\left":
            return self.evaluated_at()
        if text in (r"\lvert", r"\rvert"):
            self.next()
            found = self.sum()
            self.expect(r"\rvert")
            return sp.Abs(found)
        if token.kind == "command":
            self.next()
            return self.command(text)
        if token.kind == "letter":
            self.next()
            return self.letter(text)
        raise ReadError(f"unexpected {text!r} in {self.latex!r}")

    def evaluated_at(self) -> sp.Expr:
        r"""\left. f \right|_{\substack{ θ=θ̂ }}: f with θ replaced by θ̂, as SymPy's Subs."""
        self.expect(r"\left")
        self.expect(".")
        inner = self.sum()
        self.expect(r"\right")
        self.expect("|")
        self.expect("_")
        self.expect("{")
        if self.peek() == r"\substack":
            self.next()
            self.expect("{")
        variables, values = [], []
        while True:
            variables.append(self.sum())
            self.expect("=")
            values.append(self.sum())
            if self.peek() not in (",", "\\\\"):
                break
            self.next()
        while self.peek() == "}":
            self.next()
        return sp.Subs(inner, tuple(variables), tuple(values))

    def command(self, name: str) -> sp.Expr:
        if name == r"\frac":
            return self.fraction()
        if name == r"\sqrt":
            return sp.sqrt(self.argument())
        if name == r"\binom":
            top = self.argument()
            return sp.binomial(top, self.argument())
        if name in (r"\log", r"\ln"):
            return self.logarithm()
        if name in (r"\sum", r"\prod"):
            return self.big_operator(sp.Sum if name == r"\sum" else sp.Product)
        if name == r"\Gamma" and self.applied():
            return sp.gamma(*self.arguments())
        if name == r"\psi":  # ψ(α), or ψ^{(k)}(α) for the k-th derivative
            order: sp.Expr = sp.Integer(0)
            if self.peek() == "^":
                self.next()
                order = self.argument()
            if not self.applied():
                raise ReadError(f"ψ without its argument in {self.latex!r}")
            return sp.polygamma(order, *self.arguments())
        if name == r"\operatorname":
            return self.operator(self.raw_group())
        if name == r"\nabla":  # \nabla_{w}\left(f\right): the gradient in w of f
            self.expect("_")
            over = self.raw_group()
            return Gradient(over)(*self.arguments())
        if name == r"\lim":
            return self.limit()
        if name == r"\exp" and self.applied():
            return sp.exp(*self.arguments())
        if name in (r"\max", r"\min") and self.applied():
            return (sp.Max if name == r"\max" else sp.Min)(*self.arguments())
        if name == r"\mathcal":
            return self.information()
        if name == r"\text":
            word = self.raw_group()
            if word != "const":
                raise ReadError(f"unknown text {word!r} in {self.latex!r}")
            return Constant()
        if name == r"\infty":
            return sp.oo
        if name == r"\pi":
            return sp.pi
        if name == r"\hat":
            return self.estimate()
        if name == r"\tilde":  # the sample median x̃
            return self._known(rf"\tilde{{{self.raw_group()}}}")
        if name == r"\#":
            return self.count()
        if name == r"\bar":
            if self.raw_group() != "x":
                raise ReadError(f"only x̄ is known in {self.latex!r}")
            return MEAN
        if name in _FUNCTIONS and self.applied():
            return _FUNCTIONS[name](*self.arguments())
        return self._name(name)

    def count(self) -> sp.Expr:
        r"""\#\left\lbrace i : x_{i} < v\right\rbrace (or \leq): how many observations."""
        self.expect(r"\left")
        self.expect(r"\lbrace")
        index = self.primary()
        self.expect(":")
        relation = self.relation()
        self.expect(r"\right")
        self.expect(r"\rbrace")
        kind = _COUNTS.get(type(relation))
        data = relation.lhs if isinstance(relation, sp.core.relational.Relational) else None
        if kind is None or not isinstance(data, sp.Indexed) or data.indices != (index,):
            raise ReadError(f"a count other than #{{i : x_i < v}} in {self.latex!r}")
        return kind(data.base, self._known("n"), relation.rhs)

    def fraction(self) -> sp.Expr:
        top_text = self._peek_group_text()
        derivative = re.fullmatch(r"(d|\\partial)(?:\^\{?(\d+)\}?)?", top_text or "")
        if derivative:
            self.raw_group()
            return self.derivative(int(derivative.group(2) or 1))
        top = self.argument()
        return top / self.argument()

    def _peek_group_text(self) -> str | None:
        start = self.at
        try:
            return self.raw_group().replace(" ", "")
        except ReadError:
            return None
        finally:
            self.at = start

    def derivative(self, order: int) -> sp.Expr:
        r"""\frac{d^{2}}{d θ^{2}} f (or ∂): the denominator names the variables and orders."""
        self.expect("{")
        variables = []
        while self.peek() in ("d", r"\partial"):
            self.next()
            found = self.power()
            if found.is_Pow and found.exp.is_Integer and found.base in self.names.values():
                variables.append((found.base, int(found.exp)))
            else:
                variables.append((found, 1))
        self.expect("}")
        if sum(k for _, k in variables) != order:
            raise ReadError(f"derivative orders do not add up in {self.latex!r}")
        return sp.Derivative(self.product(), *variables)

    def logarithm(self) -> sp.Expr:
        power: sp.Expr = sp.Integer(1)
        if self.peek() == "^":  # \log^{2} θ is (log θ)²
            self.next()
            power = self.argument()
        bracket = self.peek() in ("{", r"\left", "(")
        argument = self.bracketed() if bracket else self.primary()
        while self.peek() == "!":  # \log x_{i}! is log(xᵢ!): the factorial binds first
            self.next()
            argument = sp.factorial(argument)
        if isinstance(argument, PosteriorDensity):
            return LogPosterior(*argument.args) ** power
        return sp.log(argument) ** power

    def big_operator(self, kind: type) -> sp.Expr:
        self.expect("_")
        self.expect("{")
        index = self.primary()
        self.expect("=")
        lower = self.sum()
        self.expect("}")
        self.expect("^")
        upper = self.argument()
        sign = 1
        if self.peek() == "-":  # \sum - xᵢ is Σ(−xᵢ): nothing else can follow the limits
            self.next()
            sign = -1
        return kind(sign * self.product(), (index, lower, upper))

    def limit(self) -> sp.Expr:
        r"""\lim_{τ \to ∞} f, as SymPy's Limit from below where the point is ∞."""
        self.expect("_")
        self.expect("{")
        variable = self.sum()
        self.expect(r"\to")
        point = self.sum()
        self.expect("}")
        return sp.Limit(self.product(), variable, point, "-" if point == sp.oo else "+-")

    def operator(self, name: str) -> sp.Expr:
        if name in _OPERATORS:
            return self.moment(name)
        if name == "arg min":  # \operatorname{arg\,min}_{w} f: what minimises f over w
            self.expect("_")
            over = self.argument()
            return ArgMin(self.sum(), over)
        arguments = self.arguments()
        if None in arguments:
            raise ReadError(f"unexpected \\mid in {self.latex!r}")
        if name == "B":
            return sp.beta(*arguments)
        if name == "sign":
            return sp.sign(*arguments)
        return Family(sp.Symbol(name), *arguments)

    def moment(self, name: str) -> sp.Expr:
        r"""\operatorname{E}\left[X\right], \operatorname{Var}\left(X \mid x\right), bias, SE."""
        square = name == "E"
        self.expect(r"\left")
        self.expect("[" if square else "(")
        inside = self.sum()
        given = self.peek() == r"\mid"
        if given:
            self.next()
            if self.names.get(DATA, self.names.get("x")) != self.sum():
                raise ReadError(f"a condition other than the data in {self.latex!r}")
        self.expect(r"\right")
        self.expect("]" if square else ")")
        return _OPERATORS[name][given](inside)

    def information(self) -> sp.Expr:
        r"""\mathcal{I}\left(θ\right), or \mathcal{I}_{n}\left(θ\right) for n observations;
        \mathcal{L}\left(θ, λ\right), the Lagrangian."""
        letter = self.raw_group()
        if letter == "L":
            return Lagrangian(*self.arguments())
        if letter != "I":
            raise ReadError(f"only \\mathcal{{I}} and \\mathcal{{L}} are known in {self.latex!r}")
        if self.peek() == "_":
            self.next()
            size = self.argument()
            return SampleInformation(size, *self.arguments())
        return Information(*self.arguments())

    def estimate(self) -> sp.Expr:
        inner = self.raw_group()
        if rf"\hat{{{inner}}}" in self.names and self.peek() not in ("_", "^"):
            return self.names[rf"\hat{{{inner}}}"]  # an estimate declared as such: ŵ
        if self.peek() == "_":  # \hat{x}_{m}: the estimate of x_{m}
            self.next()
            inner = f"{inner}_{{{self.raw_group()}}}"
        if self.peek() == "^" and self.peek(1) == "{":
            start = self.at
            self.next()
            power = self.raw_group()
            declared = rf"\hat{{{inner}}}^{{{power}}}"  # an estimate declared as such: σ̂²
            if declared in self.names:
                return self.names[declared]
            combined = f"{inner}^{{{power}}}"
            if combined in self.names:
                return hat(self.names[combined])
            self.at = start
        return hat(self._known(inner))

    def letter(self, letter: str) -> sp.Expr:
        if letter == "p" and self.applied():
            return self.density()
        if letter in _FUNCTIONS and self.applied():
            return _FUNCTIONS[letter](*self.arguments())
        declared = self.names.get(letter)
        if isinstance(declared, sp.FunctionClass) and self.applied():
            return declared(*self.arguments())
        if letter == "e" and "e" not in self.names and self.peek() == "^":
            self.next()
            return sp.exp(self.argument())
        if letter == "e" and "e" not in self.names:
            return sp.E
        return self._name(letter)

    def density(self) -> sp.Expr:
        """p(θ), p(xᵢ ∣ θ) or p(θ ∣ x)."""
        arguments = self.arguments()
        if None not in arguments:
            return PriorDensity(*arguments)
        cut = arguments.index(None)
        before, after = arguments[:cut], arguments[cut + 1 :]
        if after == [self.names.get(DATA, self.names.get("x"))]:
            return PosteriorDensity(*before)
        if len(before) != 1:
            raise ReadError(f"a density of one observation expected in {self.latex!r}")
        return Density(before[0], *after)

    def _name(self, name: str) -> sp.Expr:
        """A name, with its subscript and (where declared so) its superscript: σ², α₀, x_{m}."""
        if self.peek() == "_":
            self.next()
            name = f"{name}_{{{self.raw_group()}}}"
        if self.peek() == "^" and self.peek(1) == "{":
            start = self.at
            self.next()
            combined = f"{name}^{{{self.raw_group()}}}"
            if combined in self.names:
                return self.names[combined]
            self.at = start
        return self._known(name)

    def _known(self, name: str) -> sp.Expr:
        try:
            return self.names[name]
        except KeyError:
            raise ReadError(f"unknown name {name!r} in {self.latex!r}") from None


def read_latex(latex: str, names: Mapping[str, sp.Basic]) -> sp.Basic:
    """The SymPy object that ``latex`` writes; ``names`` maps each name's LaTeX to its symbol."""
    return _Reader(latex, names).whole()
