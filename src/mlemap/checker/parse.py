"""Reading hand-written mathematics without ever executing it.

User text never reaches ``eval``, ``sympify`` or ``parse_expr``. A lexer admits only numbers,
names, brackets, commas and ``+ - * / ^ **``; every name is replaced by a placeholder (so
Python keywords such as ``lambda`` are harmless); Python's ``ast`` parses the result; and a
walker builds SymPy objects from an allow-list of node types, function names and the names
the problem knows. LaTeX is first translated to this plain syntax by :mod:`mlemap.checker.latex`;
what a whole line claims, and the steps of a document, are read by :mod:`mlemap.checker.claims`.

Names: the model's parameters, known constants and the prior's hyperparameters by their
names (``lam`` for ``lambda``; ``mu_0`` for ``mu0``; for a positive parameter named like
``sigma2``, ``sigma`` is its square root, so ``sigma^2`` is ``sigma2``); ``n``; the model's
named statistics (bernoulli ``k`` = Σxᵢ); ``xbar`` = Σxᵢ/n; ``x_i`` or ``x[i]`` inside
``sum(…)``; ``theta_hat`` for the estimate of ``theta``; ``pi`` and ``e``; ``likelihood``
(``L(θ)``), ``prior`` (``P(θ)``) and ``density`` (``P(xᵢ|θ)``, inside a sum or product);
``const`` for an additive constant.

One reader for a line, whatever its mix: handout notation is first brought to the reader's
(:mod:`mlemap.checker.handout`); a line in plain ASCII goes through the plain lexer, and
anything else (LaTeX, Unicode, bare ``log x``, ``d/dθ [f]``, names written together as
``ktheta``) through :mod:`mlemap.checker.latex`, which writes the same plain syntax. A plain
line the lexer refuses is tried once more by that reader; if both refuse, the lexer's
message is the one given.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from ..catalog.symbols import hat, i, n
from ..engine.limits import TimeLimitExceeded, time_limit
from ..engine.order import Largest, OrderStatistic, SampleMedian, Smallest
from ..engine.problem import Problem
from ..engine.soft_threshold import SoftThreshold
from ..errors import MlemapError, ParseError, UnknownNameError
from .bounds import MAX_DIGITS, bound_expression
from .handout import CONSTANT_WORDS, derivative_operators, named_functions
from .latex import reading

__all__ = [
    "CONSTANT",
    "Reading",
    "Vocabulary",
    "ascii_math",
    "is_latex",
    "parse_expression",
    "read_expression",
]

#: What ``+ const`` stands for: a constant free of the parameters, dropped where allowed.
CONSTANT = sp.Symbol("const")

MAX_CHARACTERS = 2_000
MAX_DEPTH = 100
MAX_EXPONENT = 1_000
MAX_BITS = int(MAX_DIGITS / math.log10(2))  # a number written out: printable
MAX_ARGUMENT = 1_000  # largest number a factorial, gamma or binomial may be applied to
PARSE_SECONDS = 5.0

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega",
}  # fmt: skip
SIGNS = {"−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*", "∗": "*", "÷": "/"}
LATEX_SIGNS = {
    "Σ": r"\sum ", "∑": r"\sum ", "∏": r"\prod ", "ℓ": r"\ell ", "∂": r"\partial ",
    "√": r"\sqrt ",
}  # fmt: skip
MARKS = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar"}  # combining ^ and ¯


def _order_statistic(kind: type[OrderStatistic]) -> Callable[[sp.Expr], sp.Expr]:
    """``max(x_i)`` as x₍ₙ₎ and ``min(x_i)`` as x₍₁₎: of the observations only."""
    word = "median" if kind is SampleMedian else kind.pick.__name__.lower()

    def build(body: sp.Expr) -> sp.Expr:
        if not (isinstance(body, sp.Indexed) and body.indices == (i,)):
            raise ParseError(f"{word}(…) is the {kind.word} observation: write {word}(x_i)")
        return kind(body.base, n)

    return build


#: x₍ₙ₎, x_(n), x_{(n)} and x₍₁₎, x_(1), x_{(1)}: the largest and smallest observations.
ORDER = re.compile(r"([A-Za-z])\s*(?:_\s*\{?\s*\(\s*(n|1)\s*\)\s*\}?|₍(ₙ|₁)₎)")


def _order_words(text: str) -> str:
    def word(match: re.Match[str]) -> str:
        smallest = match.group(2) == "1" or match.group(3) == "₁"
        return f"{'min' if smallest else 'max'}({match.group(1)}_i)"

    return ORDER.sub(word, text)


FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int]] = {
    "max": (_order_statistic(Largest), 1),
    "min": (_order_statistic(Smallest), 1),
    "median": (_order_statistic(SampleMedian), 1),
    "log": (sp.log, 1),
    "ln": (sp.log, 1),
    "exp": (sp.exp, 1),
    "abs": (sp.Abs, 1),
    "Abs": (sp.Abs, 1),
    "sqrt": (sp.sqrt, 1),
    "factorial": (sp.factorial, 1),
    "gamma": (sp.gamma, 1),
    "B": (sp.beta, 2),  # the Beta function: "beta" is often a parameter's name
    "S": (SoftThreshold, 2),  # soft-thresholding S(z, λ) = sign(z)·max(|z| − λ, 0)
    "sign": (sp.sign, 1),
    "binomial": (sp.binomial, 2),
    "binom": (sp.binomial, 2),
    "sum": (lambda body: sp.Sum(body, (i, 1, n)), 1),
    "Sum": (lambda body: sp.Sum(body, (i, 1, n)), 1),
    "prod": (lambda body: sp.Product(body, (i, 1, n)), 1),
    "diff": (sp.diff, 2),  # built by _Builder.derivative
}
BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/^(),\[\]!]))"
)


def is_latex(text: str) -> bool:
    """Whether a line is LaTeX or Unicode mathematics (read by the same reader)."""
    return any(c in text for c in "\\{}") or not text.isascii()


def ascii_math(text: str, latex: bool, keep_arguments: bool = False) -> str:
    """Unicode mathematics (θ̂, x̄, σ², Σ, −) spelled in ASCII, as LaTeX or plain syntax;
    named functions (``L(θ)``) as words, with their arguments if ``keep_arguments``."""
    text = _order_words(text)
    for mark, word in MARKS.items():
        pattern = rf"([A-Za-z]|[{''.join(GREEK)}]){mark}"
        text = re.sub(pattern, (rf"\\{word}{{\1}}" if latex else rf"\1_{word}"), text)
    if not latex:
        text = text.replace("_bar", "bar")
    text = named_functions(text, keep_arguments)
    for sign, word in (LATEX_SIGNS if latex else {}).items():
        text = text.replace(sign, word)
    for sign, word in SIGNS.items():
        text = text.replace(sign, word)
    for letter, name in GREEK.items():
        text = text.replace(letter, rf"\{name} " if latex else name)
    return text


# -- names ----------------------------------------------------------------------------------
def _aliases(symbol: sp.Symbol) -> list[tuple[str, sp.Expr]]:
    found: list[tuple[str, sp.Expr]] = []
    if symbol.name == "lambda":
        found.append(("lam", symbol))
    square = re.fullmatch(r"([A-Za-z]+)2", symbol.name)
    if square and symbol.is_positive:
        found.append((square.group(1), sp.sqrt(symbol)))  # σ is √σ², so σ^2 reads as σ²
    found += [(alias, symbol) for alias in _numbered(symbol.name)]
    return found


def _numbered(name: str) -> list[str]:
    """theta_1 for theta1: a name ending in digits, written with its index as a subscript."""
    numbered = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return [f"{numbered.group(1)}_{numbered.group(2)}"] if numbered else []


@dataclass(frozen=True)
class Vocabulary:
    """The names a claim may use for one problem, and what each stands for."""

    model: str
    data: sp.IndexedBase
    names: Mapping[str, sp.Expr]
    parameters: tuple[sp.Symbol, ...]
    hats: Mapping[sp.Symbol, sp.Symbol] = field(default_factory=dict)  # θ̂ → θ

    @classmethod
    def of(cls, problem: Problem) -> Vocabulary:
        names: dict[str, sp.Expr] = {s.name: s for s in problem.declarations}
        names["n"] = n
        statistics = problem.model.statistic_sums()
        for symbol, total in statistics.items():
            names.setdefault(symbol.name, total)
        hats = {hat(p): p for p in problem.parameters}
        for estimate, p in hats.items():
            names.setdefault(estimate.name, estimate)
            for alias, value in _aliases(p):
                names.setdefault(f"{alias}_hat", value.xreplace({p: estimate}))
        for symbol in problem.declarations:  # aliases never shadow a declared name
            for alias, value in _aliases(symbol):
                names.setdefault(alias, value)
        for symbol, total in statistics.items():  # n_1 for the count n1
            for alias in _numbered(symbol.name):
                names.setdefault(alias, total)
        density = problem.model.observation_density()
        names.setdefault("likelihood", sp.Product(density, (i, 1, n)))
        names.setdefault("density", density)
        if problem.is_map:
            names.setdefault("prior", sp.Mul(*(b.density() for b in problem.priors.values())))
        for word in CONSTANT_WORDS:
            names.setdefault(word, CONSTANT)
        mean = sp.Sum(problem.x[i], (i, 1, n)) / n
        for alias, value in (("xbar", mean), ("x_bar", mean), ("pi", sp.pi), ("e", sp.E)):
            names.setdefault(alias, value)
        return cls(problem.model.name, problem.x, names, problem.parameters, hats)

    @property
    def data_name(self) -> str:
        return str(self.data.label)

    def known(self) -> list[str]:
        return sorted({*self.names, f"{self.data_name}_i"})

    def resolve(self, name: str, in_sum: bool) -> sp.Expr:
        if name in self.names:
            return self.names[name]
        if name in (f"{self.data_name}_i", "i"):
            if not in_sum:
                raise ParseError(f"{name} stands for one observation: use it inside sum(...)")
            return self.data[i] if name != "i" else i
        if name == self.data_name:
            raise ParseError(
                f"{name} is the data set: write {name}_i (or {name}[i]) inside sum(...)"
            )
        if name in FUNCTIONS:
            raise ParseError(f"write {name}(...): a function takes its argument in brackets")
        if name in ("posterior", "evidence"):
            raise ParseError(
                "P(θ|D) and P(D) are known only up to a factor: write the posterior on the left "
                "of ∝ (P(θ|D) ∝ L(θ) × P(θ)), or its log with + const"
            )
        if name == "prior":
            raise ParseError("P(θ) is the prior's density: give a prior (--prior in the CLI)")
        raise UnknownNameError("name", name, self.known(), f"in model {self.model!r}")


# -- plain syntax ---------------------------------------------------------------------------
def _lex(text: str) -> tuple[str, list[str]]:
    """The text with every name replaced by a placeholder, ``^`` by ``**`` and implicit
    products made explicit; and the names, in placeholder order."""
    tokens: list[tuple[str, str]] = []
    position, depth = 0, 0
    while position < len(text):
        if text[position:].isspace():
            break
        match = TOKEN.match(text, position)
        if match is None:
            character = text[position:].lstrip()[:1]
            raise ParseError(
                f"unexpected character {character!r} in {text!r}; plain syntax allows names, "
                "numbers, + - * / ^ ** ! ( ) [ ] and commas"
            )
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "number" and len(value) > 40:
            raise ParseError(f"the number {value[:12]}… is too long")
        depth += value in "([" and kind == "op"
        depth -= value in ")]" and kind == "op"
        if depth > MAX_DEPTH:
            raise ParseError(f"brackets nested more than {MAX_DEPTH} deep")
        if value == "!":
            _factorial(tokens)
        else:
            tokens.append((kind, "**" if value == "^" else value))
        position = match.end()
    names: list[str] = []
    pieces: list[str] = []
    previous: tuple[str, str] = ("", "")
    for kind, value in tokens:
        ends_value = previous[0] in ("number", "name") or previous[1] in (")", "]")
        starts_value = kind in ("number", "name") or value == "("
        if previous[0] == "name" and previous[1] in FUNCTIONS and value != "(":
            raise ParseError(f"write {previous[1]}(...): a function takes its argument in brackets")
        if ends_value and starts_value and not (previous[0] == "name" and previous[1] in FUNCTIONS):
            pieces.append("*")
        if kind == "name":
            pieces.append(f"_{len(names)}")
            names.append(value)
        else:
            pieces.append(value)
        previous = (kind, value)
    if previous[0] == "name" and previous[1] in FUNCTIONS:
        raise ParseError(f"write {previous[1]}(...): a function takes its argument in brackets")
    return " ".join(pieces), names


def _factorial(tokens: list[tuple[str, str]]) -> None:
    """Rewrite the operand that ends ``tokens`` as factorial(operand): ``x_i!``, ``(n-k)!``."""
    end = len(tokens)
    if not tokens or not (tokens[-1][0] in ("number", "name") or tokens[-1][1] in (")", "]")):
        raise ParseError("'!' must follow a name, a number or a bracket")
    start = end - 1
    if tokens[-1][1] in (")", "]"):
        depth = 0
        for start in range(end - 1, -1, -1):
            depth += tokens[start][1] in (")", "]")
            depth -= tokens[start][1] in ("(", "[")
            if depth == 0:
                break
        if start > 0 and tokens[start - 1][0] == "name":  # log(x)! or x[i]!
            start -= 1
    tokens[start:end] = [("name", "factorial"), ("op", "("), *tokens[start:end], ("op", ")")]


class _Builder:
    """Builds a SymPy expression from an ``ast`` tree, node by node, from an allow-list."""

    def __init__(self, names: list[str], vocabulary: Vocabulary) -> None:
        self.names = names
        self.vocabulary = vocabulary
        self.notes: list[str] = []

    def name(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and re.fullmatch(r"_\d+", node.id):
            return self.names[int(node.id[1:])]
        return None

    def build(self, node: ast.AST, in_sum: bool = False) -> sp.Expr:
        if isinstance(node, ast.Expression):
            return self.build(node.body, in_sum)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            if not math.isfinite(node.value):
                raise ParseError("a number is too large")
            value = (
                sp.Integer(node.value) if type(node.value) is int else sp.Rational(repr(node.value))
            )
            if not value.is_finite:
                raise ParseError("a number is too large")
            return value
        if isinstance(node, ast.Name):
            name = self.name(node)
            if name is not None:
                return self.vocabulary.resolve(name, in_sum)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.build(node.operand, in_sum)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            left, right = self.build(node.left, in_sum), self.build(node.right, in_sum)
            return BINARY[type(node.op)](left, right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return _power(self.build(node.left, in_sum), self.build(node.right, in_sum))
        if isinstance(node, ast.Call):
            return self.call(node, in_sum)
        if isinstance(node, ast.Subscript):
            data, index = self.name(node.value), self.name(node.slice)
            if data == self.vocabulary.data_name and index == "i":
                return self.vocabulary.resolve(f"{data}_i", in_sum)
            raise ParseError(f"only the data can be indexed, as {self.vocabulary.data_name}[i]")
        raise ParseError(f"{_describe(node)} is not allowed in a claim")

    def call(self, node: ast.Call, in_sum: bool) -> sp.Expr:
        name = self.name(node.func)
        if name not in FUNCTIONS:
            raise UnknownNameError("function", name or _describe(node.func), FUNCTIONS)
        function, arity = FUNCTIONS[name]
        if node.keywords or len(node.args) != arity:
            raise ParseError(f"{name} takes {arity} argument{'s' if arity > 1 else ''}")
        if name == "diff":
            return self.derivative(self.build(node.args[0], in_sum), self.build(node.args[1]))
        inner = in_sum or name in ("sum", "Sum", "prod", "max", "min", "median")
        arguments = [self.build(a, inner) for a in node.args]
        if name in ("factorial", "gamma", "binomial", "binom"):
            for argument in arguments:
                if argument.is_Number and abs(argument) > MAX_ARGUMENT:
                    raise ParseError(f"{name} of a number above {MAX_ARGUMENT} is not supported")
        return function(*arguments)

    def derivative(self, body: sp.Expr, variable: sp.Expr) -> sp.Expr:
        """d(body)/d(variable); a variable such as σ where the symbol is σ² by the chain rule."""
        symbols = variable.free_symbols & set(self.vocabulary.names.values())
        if isinstance(variable, sp.Symbol) and variable in symbols:
            return sp.diff(body, variable)
        if len(symbols) != 1 or variable.is_constant():
            raise ParseError(f"cannot differentiate by {variable}: name one parameter, as d/dθ")
        (symbol,) = symbols
        spelled = next((k for k, v in self.vocabulary.names.items() if v == variable), variable)
        self.notes.append(
            f"a derivative in {spelled}: by the chain rule, the derivative in {symbol} "
            f"divided by d{spelled}/d{symbol}"
        )
        return sp.diff(body, symbol) / sp.diff(variable, symbol)


def _describe(node: ast.AST) -> str:
    return {
        ast.Compare: "a comparison",
        ast.Tuple: "a tuple (a comma outside a function)",
        ast.Constant: "this constant",
    }.get(type(node), f"the construct {type(node).__name__}")


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    # Exact powers of numbers are computed at once; bound them so that 9^9^9 cannot hang.
    if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
        raise ParseError(f"an exponent above {MAX_EXPONENT} is not supported")
    if base.is_Rational and exponent.is_Number:
        bits = max(abs(base.p).bit_length(), abs(base.q).bit_length())
        if bits * abs(exponent) > MAX_BITS:
            raise ParseError("a power of a number is too large")
    return base**exponent


@dataclass(frozen=True)
class Reading:
    """An expression as read, and how: names split, derivatives taken by the chain rule."""

    expr: sp.Expr
    notes: tuple[str, ...] = ()


def parse_expression(text: str, vocabulary: Vocabulary, latex: bool | None = None) -> sp.Expr:
    """One expression in plain syntax or LaTeX (``latex=None``: decide from the text)."""
    return read_expression(text, vocabulary, latex).expr


def _build(plain: str, text: str, vocabulary: Vocabulary) -> tuple[sp.Expr, list[str]]:
    source, names = _lex(plain)
    if not source.strip():
        raise ParseError("an empty expression")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ParseError(f"cannot read {text.strip()!r} as an expression") from None
    builder = _Builder(names, vocabulary)
    return builder.build(tree), builder.notes


def _read(text: str, vocabulary: Vocabulary, latex: bool) -> Reading:
    words = [*vocabulary.names, *FUNCTIONS, f"{vocabulary.data_name}_i"]
    if not latex:
        plain = ascii_math(text, False)
        try:
            expr, notes = _build(plain, text, vocabulary)
            return Reading(expr, tuple(notes))
        except (ParseError, UnknownNameError) as error:
            try:  # bare log x, names written together (ktheta): the fuller reader
                converted, split = reading(derivative_operators(plain), words)
                expr, notes = _build(converted, text, vocabulary)
                return Reading(expr, (*split, *notes))
            except MlemapError:
                raise error from None
    converted, split = reading(derivative_operators(ascii_math(text, True)), words)
    expr, notes = _build(converted, text, vocabulary)
    return Reading(expr, (*split, *notes))


def read_expression(text: str, vocabulary: Vocabulary, latex: bool | None = None) -> Reading:
    """One expression, in any mix of plain syntax, Unicode and LaTeX, and notes on its reading."""
    if len(text) > MAX_CHARACTERS:
        raise ParseError(f"an expression longer than {MAX_CHARACTERS} characters")
    latex = is_latex(text) if latex is None else latex
    try:
        with time_limit(PARSE_SECONDS):
            read = _read(text, vocabulary, latex)
            expr = read.expr
            bound_expression(expr, text)
    except MlemapError:
        raise
    except TimeLimitExceeded:
        raise ParseError(f"reading {text[:40]!r} took longer than {PARSE_SECONDS:g} s") from None
    except Exception as error:  # SymPy's own errors on odd but allowed input end here
        raise ParseError(f"cannot read {text.strip()!r}: {error}") from None
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ParseError(f"{text.strip()!r} is undefined (a division by zero or log 0)")
    return read
