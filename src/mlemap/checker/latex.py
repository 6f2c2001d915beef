"""Handout notation (LaTeX, Unicode, plain calls) to mlemap's plain syntax, for one allow-list.

A small recursive-descent reader for the LaTeX a handout uses: ``\\frac``, ``\\sum_{i=1}^{n}``,
``\\log``, ``\\exp``, ``\\sqrt``, ``\\hat``, ``\\bar``, Greek letters, sub- and superscripts and
implicit products. SymPy's Lark LaTeX parser was the first choice but misreads exactly this
material: ``k\\log(\\theta) + (n-k)\\log(1-\\theta)`` comes back as ``k·log(1−θ)·log(θ+n−k)``,
and it knows neither ``\\sigma``, ``\\pi``, ``\\hat`` nor ``\\bar``. A checker that misreads a
correct line would call it wrong, so the conventions are fixed here instead:

- ``\\log x`` without brackets takes the product of simple factors that follows
  (``\\log 2\\pi\\sigma^2`` is log(2πσ²)); it stops at ``+``, ``-``, a bracket, a fraction, a
  sum or another function. ``\\log(…)`` takes the bracket only.
- ``\\sum`` takes the product term that follows (``\\sum_i x_i + 1`` is (Σxᵢ) + 1) and runs
  over i = 1..n; another index letter is renamed to i.
- A run of letters is one name when the problem knows it (``xbar``, ``theta``), otherwise a
  product of the names it splits into (``ktheta`` is k·θ, ``nk`` is n·k, as in TeX); each
  split is noted, so the report can say so. A run that splits into no known names stays whole
  (and is then an unknown name).
- Plain calls read as in plain syntax: ``log(…)``, ``sum(…)``, ``sqrt(…)``, ``binomial(n, k)``;
  ``\\deriv{θ}[f]`` (from ``d/dθ [f]``) is ``diff(f, θ)``; a subscript ``_MLE`` or ``_MAP``
  is a label and is dropped; ``x[i]`` is ``x_i``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import ParseError

__all__ = ["reading", "to_plain"]

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega",
}  # fmt: skip
VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho"}
FUNCTIONS = {"log": "log", "ln": "log", "exp": "exp", "max": "max", "min": "min"}
FRACTIONS = {"frac", "dfrac", "tfrac"}
HATS = {"hat", "widehat"}
BARS = {"bar", "overline"}
WORDS = {"mathrm", "mathit", "text", "operatorname", "mathbf"}
#: Plain-syntax functions, read as calls: name, number of arguments.
CALLS = {"factorial": 1, "gamma": 1, "binomial": 2, "binom": 2, "diff": 2}
LABELS = {"mle", "map", "ml"}  # θ̂_MLE: a subscript that names the estimate, not an index
CONSTRUCTS = {"sqrt", "sum", "prod", "binom", "Gamma"}
#: Spacing and sizing commands and alignment marks: no mathematical content.
IGNORED = re.compile(
    r"\\(?:left|right|[bB]igg?[lr]?|displaystyle|limits|nonumber|quad|qquad|[,;:! ])(?![A-Za-z])"
    r"|\\label\{[^{}]*\}|&|\$"
)
TOKEN = re.compile(
    r"\s*(?:(?P<command>\\[A-Za-z]+|\\[{}|])"
    r"|(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)|(?P<word>[A-Za-z]+)"
    r"|(?P<symbol>[-+*/^_=(){}\[\],!']))"
)
MAX_DEPTH = 60


def _tokens(text: str) -> list[tuple[str, str]]:
    text = IGNORED.sub(" ", text)
    found, position = [], 0
    while position < len(text):
        if text[position:].isspace():
            break
        match = TOKEN.match(text, position)
        if match is None:
            raise ParseError(f"cannot read {text[position : position + 12]!r} in LaTeX {text!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class TokenCursor:
    """A position in a list of (kind, text) tokens, for the checker's small readers."""

    tokens: list[tuple[str, str]]
    position: int

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.position += 1
        return token


class _Reader(TokenCursor):
    """Reads one LaTeX expression and writes it in plain syntax."""

    def __init__(self, text: str, words: frozenset[str]) -> None:
        self.text = text
        self.tex = any(c in text for c in "\\{}")  # TeX conventions: x^23 is x²·3
        self.tokens = _tokens(text.replace("**", "^"))
        self.notes: list[str] = []
        self.position = 0
        self.words = words
        self.suffix = ""  # "_hat" inside \hat{…}, "bar" inside \bar{…}
        self.index: str | None = None  # the index letter of the sum being read
        self.depth = 0

    # -- tokens -----------------------------------------------------------------------------
    def expect(self, value: str) -> None:
        found = self.take()[1]
        if found != value:
            shown = found or "the end"
            raise ParseError(f"expected {value!r} but found {shown!r} in LaTeX {self.text!r}")

    def fail(self, what: str) -> ParseError:
        return ParseError(f"{what} in LaTeX {self.text!r}")

    # -- grammar ----------------------------------------------------------------------------
    def read(self) -> str:
        result = self.expression()
        if self.peek()[0] != "end":
            raise self.fail(f"unexpected {self.peek()[1]!r}")
        return result

    def expression(self) -> str:
        text = ""
        if self.peek() in (("symbol", "+"), ("symbol", "-")):
            text = "-" if self.take()[1] == "-" else ""
        text += self.term()
        while self.peek() in (("symbol", "+"), ("symbol", "-")):
            text += f" {self.take()[1]} {self.term()}"
        return text

    def term(self) -> str:
        text = self.factor()
        while True:
            kind, value = self.peek()
            if (kind, value) in (("symbol", "*"), ("command", r"\cdot"), ("command", r"\times")):
                self.take()
                text += f"*{self.signed_factor()}"
            elif (kind, value) in (("symbol", "/"), ("command", r"\div")):
                self.take()
                text += f"/{self.signed_factor()}"
            elif self.starts_factor():
                text += f"*{self.factor()}"
            else:
                return text

    def signed_factor(self) -> str:
        if self.peek() in (("symbol", "-"), ("symbol", "+")):
            sign = self.take()[1]
            return f"({sign}{self.factor()})"
        return self.factor()

    def starts_factor(self, simple: bool = False) -> bool:
        kind, value = self.peek()
        if kind in ("number", "word"):
            return True
        if kind == "symbol":
            return value in ("(", "[", "{") and not simple
        if kind != "command":
            return False
        name = value[1:]
        atoms = GREEK | set(VARIANTS) | HATS | BARS | WORDS | {"ell"}
        if simple:
            return name in atoms
        return name in atoms | FRACTIONS | set(FUNCTIONS) | CONSTRUCTS | {"deriv"}

    def factor(self) -> str:
        base = self.primary()
        while True:
            kind, value = self.peek()
            if (kind, value) == ("symbol", "^"):
                self.take()
                base = f"{_wrap(base)}**{_wrap(self.exponent())}"
            elif (kind, value) == ("symbol", "!"):
                self.take()
                base = f"factorial({base})"
            elif (kind, value) == ("symbol", "_") and self.label_follows():
                self.position += 2 if self.tokens[self.position + 1][0] == "word" else 4
            elif (kind, value) == ("symbol", "_"):
                raise self.fail("a subscript must follow a letter")
            else:
                return base

    def label_follows(self) -> bool:
        """Whether ``_MLE``, ``_{MAP}`` (a label, not an index) follows, as in θ̂_MLE."""
        ahead = [v for _, v in self.tokens[self.position + 1 : self.position + 4]]
        if ahead[:1] and ahead[0].lower() in LABELS:
            return True
        return (
            len(ahead) == 3 and ahead[0] == "{" and ahead[1].lower() in LABELS and ahead[2] == "}"
        )

    def exponent(self) -> str:
        """What follows ``^``: a group or one token in TeX; in plain syntax a signed power,
        right-associative as in Python (``2^-1``, ``a^b^c``)."""
        if self.peek() in (("symbol", "-"), ("symbol", "+")):
            sign = self.take()[1]
            return f"({sign}{_wrap(self.exponent())})"
        if self.tex:
            return self.argument(single_digit=True)
        return self.factor()

    def argument(self, single_digit: bool = False) -> str:
        """A ``{group}`` or a single token, as after ``^`` or ``\\frac``."""
        kind, value = self.peek()
        if (kind, value) == ("symbol", "{"):
            self.take()
            inner = self.expression()
            self.expect("}")
            return inner
        if kind == "number" and single_digit and len(value) > 1:
            self.tokens[self.position] = ("number", value[1:])  # TeX: x^23 is x²·3
            return value[0]
        if kind == "word" and len(value) > 1:
            self.tokens[self.position] = ("word", value[1:])
            return self.name(value[0])
        return self.primary()

    def primary(self) -> str:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("nested too deeply")
        try:
            return self.atom()
        finally:
            self.depth -= 1

    def atom(self) -> str:
        kind, value = self.take()
        if kind == "number":
            return value
        if kind == "word":
            return self.word(value)
        if kind == "symbol" and value in ("(", "[", "{"):
            inner = self.expression()
            self.expect({"(": ")", "[": "]", "{": "}"}[value])
            return f"({inner})"
        if kind == "command":
            return self.command(value[1:])
        raise self.fail(f"unexpected {value or 'end of input'!r}")

    def word(self, letters: str) -> str:
        if letters in FUNCTIONS:
            return self.function(FUNCTIONS[letters])
        if letters in ("sum", "Sum", "prod"):
            name = "prod" if letters == "prod" else "sum"
            if self.peek() != ("symbol", "("):
                return self.big_operator(name)
            outer, self.index = self.index, "i"
            body = self.primary()  # a call: sum(x_i)^2 squares the sum
            self.index = outer
            return f"{name}{body}"
        if letters == "sqrt":
            return f"sqrt({self.argument()})" if self.peek()[1] != "(" else f"sqrt{self.bracket()}"
        if letters in CALLS:
            return self.call(letters)
        if letters in self.words or len(letters) == 1:
            return self.name(letters)
        parts = _split(letters, self.words | set(FUNCTIONS) | {"sum", "sqrt", "prod"}, self.tex)
        if parts is None:
            return self.name(letters)  # an unknown name, reported as one
        self.notes.append(f"read {letters!r} as {'·'.join(parts)}")
        self.tokens[self.position : self.position] = [("word", p) for p in parts[1:]]
        return self.word(parts[0])

    def call(self, name: str) -> str:
        """A plain-syntax call with its arguments in brackets: ``binomial(n, k)``."""
        self.expect("(")
        arguments = [self.expression()]
        while self.peek() == ("symbol", ","):
            self.take()
            arguments.append(self.expression())
        self.expect(")")
        if len(arguments) != CALLS[name]:
            raise self.fail(f"{name} takes {CALLS[name]} argument(s)")
        return f"{name}({', '.join(arguments)})"

    def name(self, name: str) -> str:
        if self.peek() == ("symbol", "_"):
            self.take()
            subscript = self.subscript()
            if subscript == self.index:
                subscript = "i"
            if subscript.lower() not in LABELS:
                name = f"{name}_{subscript}"
        elif name == self.index:
            name = "i"
        elif self.tokens[self.position : self.position + 3] == [
            ("symbol", "["),
            ("word", "i"),
            ("symbol", "]"),
        ]:
            self.position += 3
            name = f"{name}_i"
        return f"{name}{self.suffix}"

    def subscript(self) -> str:
        kind, value = self.take()
        if (kind, value) == ("symbol", "{"):
            parts = []
            depth = 0  # groups inside, as in _{\text{MLE}}
            while self.peek() != ("symbol", "}") or depth:
                kind, value = self.take()
                depth += (kind, value) == ("symbol", "{")
                depth -= (kind, value) == ("symbol", "}")
                if kind == "end":
                    raise self.fail("unclosed subscript")
                if kind in ("word", "number"):
                    parts.append(value)
                elif kind == "command" and value[1:] in GREEK:
                    parts.append(value[1:])
                elif not (kind == "command" and value[1:] in WORDS) and value not in "{}":
                    raise self.fail(f"cannot read {value!r} in a subscript")
            self.take()
            return "".join(parts)
        if kind == "number":
            if len(value) > 1:
                self.tokens.insert(self.position, ("number", value[1:]))
            return value[0]
        if kind == "word":
            if len(value) > 1 and self.tex and value.lower() not in LABELS | {"hat", "bar"}:
                self.tokens.insert(self.position, ("word", value[1:]))
                return value[0]
            return value
        if kind == "command" and value[1:] in GREEK:
            return value[1:]
        raise self.fail(f"cannot read {value!r} as a subscript")

    def command(self, name: str) -> str:
        if name in GREEK or name in VARIANTS or name == "ell":
            return self.name(VARIANTS.get(name, name))
        if name in FRACTIONS:
            numerator = self.argument(single_digit=True)
            denominator = self.argument(single_digit=True)
            return f"({numerator})/({denominator})"
        if name == "binom":
            top, bottom = self.argument(), self.argument()
            return f"binomial({top}, {bottom})"
        if name == "sqrt":
            if self.peek() == ("symbol", "["):
                self.take()
                degree = self.expression()
                self.expect("]")
                return f"({self.argument()})**(1/({degree}))"
            return f"sqrt({self.argument()})"
        if name in FUNCTIONS:
            return self.function(FUNCTIONS[name])
        if name == "deriv":
            self.expect("{")
            variable = self.expression()
            self.expect("}")
            return f"diff({self.primary()}, {variable})"
        if name == "Gamma":
            return f"gamma{self.bracket()}"
        if name in ("sum", "prod"):
            return self.big_operator(name)
        if name in HATS or name in BARS:
            return self.decorated("_hat" if name in HATS else "bar")
        if name in WORDS:
            self.expect("{")
            letters = []
            while self.peek()[0] in ("word", "number") or self.peek() == ("symbol", "_"):
                letters.append(self.take()[1])
            self.expect("}")
            word = "".join(letters)
            if word in FUNCTIONS:
                return self.function(FUNCTIONS[word])
            return self.name(word) if word else "1"
        raise self.fail(f"unsupported command \\{name}")

    def bracket(self) -> str:
        if self.peek() not in (("symbol", "("), ("symbol", "{"), ("symbol", "[")):
            raise self.fail("a function needs its argument in brackets here")
        return self.primary()

    def function(self, name: str) -> str:
        if self.peek() in (("symbol", "_"), ("symbol", "^")):
            raise self.fail(f"\\{name} with a base or a power is not supported; use brackets")
        if self.peek() in (("symbol", "("), ("symbol", "{"), ("symbol", "[")):
            return f"{name}{self.primary()}"
        if not self.starts_factor(simple=True) and self.peek()[0] != "number":
            raise self.fail(f"\\{name} needs an argument")
        argument = self.factor()
        while self.starts_factor(simple=True) or self.peek()[0] == "number":
            argument += f"*{self.factor()}"
        return f"{name}({argument})"

    def big_operator(self, name: str) -> str:
        index = "i"
        if self.peek() == ("symbol", "_"):
            self.take()
            index = self.bounds()
        if self.peek() == ("symbol", "^"):
            self.take()
            upper = self.argument()
            if upper != "n":
                raise self.fail(f"a \\{name} must run up to n, the number of observations")
        outer, self.index = self.index, index
        body = self.term()
        self.index = outer
        return f"{'sum' if name == 'sum' else 'prod'}({body})"

    def bounds(self) -> str:
        """The index of ``\\sum_{i=1}`` or ``\\sum_i``; the lower bound must be 1."""
        if self.peek() != ("symbol", "{"):
            kind, value = self.take()
            if kind != "word" or len(value) != 1:
                raise self.fail("a sum's index must be one letter")
            return value
        self.take()
        kind, index = self.take()
        if kind != "word" or len(index) != 1:
            raise self.fail("a sum's index must be one letter")
        if self.peek() == ("symbol", "="):
            self.take()
            if self.take() != ("number", "1"):
                raise self.fail("a sum must start at 1 (the first observation)")
        self.expect("}")
        return index

    def decorated(self, suffix: str) -> str:
        outer, self.suffix = self.suffix, suffix
        inner = self.argument()
        self.suffix = outer
        name = inner.removesuffix(suffix)
        if (
            self.peek() == ("symbol", "_") and inner.endswith(suffix) and name.isidentifier()
        ):  # \hat{\theta}_1 (θ̂₁) is \hat{\theta_1}: the index is the name's
            self.take()
            subscript = self.subscript()
            if subscript.lower() in LABELS:  # _{\text{MLE}}: a label, not an index
                return inner
            return f"{name}_{'i' if subscript == self.index else subscript}{suffix}"
        return inner


def _split(letters: str, names: set[str] | frozenset[str], tex: bool) -> list[str] | None:
    """``letters`` as a product of known names, longest names first (in TeX, single letters
    too); None if there is no such product."""
    if not letters:
        return []
    for end in range(len(letters), 0, -1):
        head = letters[:end]
        if head in names or (end == 1 and tex):
            rest = _split(letters[end:], names, tex)
            if rest is not None:
                return [head, *rest]
    return None


def _wrap(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*|\d+(\.\d+)?", text) else f"({text})"


def to_plain(text: str, words: Iterable[str] = ()) -> str:
    """The LaTeX ``text`` in mlemap's plain syntax; ``words`` are multi-letter names to keep."""
    return _Reader(text, frozenset(words)).read()


def reading(text: str, words: Iterable[str] = ()) -> tuple[str, tuple[str, ...]]:
    """``text`` in plain syntax, and the notes on how it was read (names split)."""
    reader = _Reader(text, frozenset(words))
    return reader.read(), tuple(dict.fromkeys(reader.notes))
