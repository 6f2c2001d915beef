"""What a line of hand algebra claims, and the steps of a document.

A line is ``lhs = rhs [= …]``. Its left side may name a quantity: an estimate
(``theta``, ``theta_hat``, ``\\hat\\sigma^2``, ``sigma_hat^2``, with an optional ``_MLE`` or
``_MAP``), a likelihood ``L(θ)``, a log-likelihood (``l``, ``ell``, ``log L``, ``loglik``), a
log-posterior (``Q``, ``log p(θ | x)``), a posterior (``P(θ|D) ∝ …``), a derivative
(``d/dθ [log L(θ)]``, ``∂ℓ/∂σ²``, ``dl/dsigma`` through the chain rule when the parameter is
σ²), a derivative (``dl/dθ``, ``∂ℓ/∂θ``, ``l'(θ)``,
``diff(l, θ)``, ``score``, ``U``) or a second derivative (``d2l/dθ2``, ``d^2l/dμ dσ^2``,
``l''(θ)``); with ``θ̂`` in its arguments, the quantity at the estimate. Otherwise the
line is an equation, or (``= …``, ``∝ …``) continues the line before. A document holds one
step a line, or Markdown/LaTeX mathematics (``$…$``, ``$$…$$``, ``\\[…\\]``, align
environments). A line of words ("Set to zero:") is skipped, and the next step notes it and
the step it names; a trailing remark in words ("(sample mean)") is dropped, and noted.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

import sympy as sp

from ..errors import ParseError, UnknownNameError
from .bounds import bound_document, bound_steps
from .handout import is_prose, prose_step, strip_remark
from .parse import Vocabulary, ascii_math, is_latex, parse_expression, read_expression

__all__ = ["Label", "Line", "Source", "parse_claims", "parse_line", "read_steps", "split_relation"]


@dataclass(frozen=True)
class Label:
    """What a line's left-hand side says its right-hand side is.

    ``kind`` is "estimate", "likelihood", "log-likelihood", "log-posterior", "score" or
    "second derivative"; for the last two ``of`` names the function differentiated
    ("log-likelihood", "log-posterior", or "objective" for whichever the problem maximises).
    """

    kind: str
    parameters: tuple[sp.Symbol, ...] = ()
    of: str = ""
    form: sp.Expr | None = None  # an estimate's left side in the parameter: θ, σ², √σ²
    at_estimate: bool = False  # l(θ̂), l''(θ̂): the quantity at the estimate
    by: sp.Expr | None = None  # a score in σ where the parameter is σ²: σ as √σ²

    def describe(self) -> str:
        ps = [str(p) for p in self.parameters]
        if self.kind == "estimate":
            return f"estimate of {self.form}"
        if self.kind == "score":
            if self.by is not None:
                ps = [f"{_spelled(self.by)} (by the chain rule through {ps[0]})"]
            return f"derivative of the {self.of} in {ps[0]}" + (
                " at the estimate" * self.at_estimate
            )
        if self.kind == "second derivative":
            where = f"in {ps[0]} twice" if ps[0] == ps[1] else f"in {ps[0]} and {ps[1]}"
            return f"second derivative of the {self.of} {where}" + (
                " at the estimate" * self.at_estimate
            )
        return self.kind + (" at the estimate" * self.at_estimate)


def _spelled(variable: sp.Expr) -> str:
    """σ for √σ²: the name a student differentiates by."""
    if (
        isinstance(variable, sp.Pow)
        and variable.exp == sp.S.Half
        and str(variable.base)[-1:] == "2"
    ):
        return str(variable.base)[:-1]
    return str(variable)


FUNCTIONS_OF_DATA = {
    "log-likelihood": [
        "loglikelihood", "log_likelihood", "loglik", "log(L)", "logL", "lnL", "ell", "l",
    ],
    "log-posterior": ["logposterior", "log_posterior", "logp", "lnp", "Q"],
    "likelihood": ["likelihood", "L"],
    "posterior": ["posterior"],
}  # fmt: skip
SUFFIX = re.compile(r"(?:_|\^)\{?(?:\\(?:text|mathrm|rm)\s*)?\{?(?:MLE|MAP|ML)\}?\}?", re.I)


def _canonical(text: str) -> str:
    text = ascii_math(text, latex=True, keep_arguments=True)
    text = re.sub(r"([_^])\{(\w+)\}", r"\1\2", text).replace("[", "").replace("]", "")
    for _ in range(2):  # \frac{a}{b} → a/b, with one level of groups inside
        text = re.sub(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", text)
    text = re.sub(r"\\(left|right|mathrm|mathit|text|operatorname|displaystyle|mid)\b", "", text)
    text = re.sub(r"[\s{}\\$&]|\\[,;:!]", "", text).replace("**", "^")
    return text.replace("partial", "d")


def _spellings(vocabulary: Vocabulary) -> dict[str, tuple[sp.Symbol, sp.Expr | None]]:
    """How a derivative's variable may be written: the parameter, and what it stands for
    when it is not the parameter itself (σ for σ², differentiated by the chain rule)."""
    found: dict[str, tuple[sp.Symbol, sp.Expr | None]] = {}
    for name, value in vocabulary.names.items():
        for p in vocabulary.parameters:
            if value == p:
                found[name] = (p, None)
            elif value == sp.sqrt(p):
                found.update({f"{name}^2": (p, None), f"({name}^2)": (p, None)})
                found.setdefault(name, (p, value))
    return found


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _label_patterns(vocabulary: Vocabulary) -> list[tuple[str, re.Pattern[str]]]:
    P = _alternatives(list(_spellings(vocabulary)))
    F = _alternatives([w for ws in FUNCTIONS_OF_DATA.values() for w in ws])
    A = r"(?:\((?P<a>[^()]*)\))?"
    second = [
        rf"d\^?2(?P<f>{F}){A}/d\(?(?P<p>{P})\)?\^?2",
        rf"d\^?2(?P<f>{F}){A}/d(?P<p>{P})d(?P<q>{P})",
        rf"d\^?2/d\(?(?P<p>{P})\)?\^?2(?P<f>{F}){A}",
        rf"(?P<f>{F})''{A}",
        rf"diff\((?P<f>{F}){A},(?P<p>{P}),(?:(?P<q>{P})|2)\)",
    ]
    score = [
        rf"d(?P<f>{F}){A}/d(?P<p>{P})",
        rf"d/d(?P<p>{P})(?P<f>{F}){A}",
        rf"(?P<f>{F})'{A}",
        rf"diff\((?P<f>{F}){A},(?P<p>{P})\)",
        rf"(?:score|U|S)(?:_(?P<p>{P}))?{A}",
    ]
    return [
        *(("second derivative", re.compile(s)) for s in second),
        *(("score", re.compile(s)) for s in score),
        ("function", re.compile(rf"(?P<f>{F}){A}")),
    ]


def _function_label(text: str, vocabulary: Vocabulary) -> Label | None:
    canonical = _canonical(text)
    spellings = _spellings(vocabulary)
    for kind, pattern in _label_patterns(vocabulary):
        match = pattern.fullmatch(canonical)
        if match is None:
            continue
        groups = match.groupdict()
        of = next((k for k, ws in FUNCTIONS_OF_DATA.items() if groups.get("f") in ws), "objective")
        at_estimate = "hat" in (groups.get("a") or "")
        if kind == "function":
            return Label(of, at_estimate=at_estimate)
        if of in ("likelihood", "posterior"):
            raise ParseError(f"{text.strip()!r}: differentiate the log-likelihood l, not L")
        if groups.get("p") is None and len(vocabulary.parameters) != 1:
            names = ", ".join(map(str, vocabulary.parameters))
            raise ParseError(
                f"{text.strip()!r}: name the parameter ({names}), as in dl/d{names.split(',')[0]}"
            )
        p, by = spellings[groups["p"]] if groups.get("p") else (vocabulary.parameters[0], None)
        q, by_q = spellings[groups["q"]] if groups.get("q") else (p, by)
        if kind == "second derivative" and (by is not None or by_q is not None):
            raise ParseError(f"{text.strip()!r}: take second derivatives in {p}, the parameter")
        parameters = (p,) if kind == "score" else (p, q)
        return Label(kind, parameters, of, at_estimate=at_estimate, by=by)
    return None


def _estimate_label(lhs: sp.Expr, vocabulary: Vocabulary) -> Label | None:
    form = lhs.xreplace(dict(vocabulary.hats))
    symbols = form.free_symbols
    if len(symbols) != 1 or not symbols <= set(vocabulary.parameters):
        return None
    (p,) = symbols
    if form == p or (form.is_Pow and form.base == p and form.exp.is_Number):
        return Label("estimate", (p,), form=form)
    return None


# -- lines and documents ---------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One step as it stands in the input: its line number and text."""

    number: int
    text: str


@dataclass(frozen=True)
class Line:
    """One step, read: what its left side names (None for an equation or a continuation)
    and the expressions between its ``=`` signs."""

    number: int
    text: str
    label: Label | None
    parts: tuple[sp.Expr, ...]
    continues: bool = False  # began with "=": continues the previous line
    proportional: bool = False  # its relation is ∝: equal up to a positive constant factor
    notes: tuple[str, ...] = ()  # how it was read: names split, a remark dropped, …


def split_relation(text: str) -> list[str]:
    """The sides of ``a = b = c``, splitting only at ``=`` outside brackets and braces."""
    sides, depth, start, position = [], 0, 0, 0
    while position < len(text):
        character = text[position]
        depth += character in "([{"
        depth -= character in ")]}"
        if character == "=" and depth == 0 and text[position - 1 : position] not in ("<", ">", "!"):
            sides.append(text[start:position])
            position += 2 if text[position + 1 : position + 2] == "=" else 1
            start = position
            continue
        position += 1
    sides.append(text[start:])
    return sides


def parse_line(source: Source, vocabulary: Vocabulary) -> Line:
    proportional = "∝" in source.text or "\\propto" in source.text
    text = source.text.replace("&", " ").replace("∝", "=").replace("\\propto", "=")
    sides = split_relation(text)  # & only aligns LaTeX rows
    continues = len(sides) > 1 and not sides[0].strip()
    if continues:
        sides = sides[1:]
    if any(not s.strip() for s in sides):
        raise ParseError(f"{source.text.strip()!r} has an empty side of '='")
    notes: list[str] = []
    names = frozenset(vocabulary.names)
    for position, side in enumerate(sides):
        sides[position], remark = strip_remark(side, names)
        if remark is not None:
            notes.append(f"the remark ({remark}) is words, not mathematics: skipped")
    label = None
    if len(sides) > 1 and not continues:
        lhs = SUFFIX.sub("", sides[0])
        label = _function_label(lhs, vocabulary)
        if label is None:
            label = _estimate_label(parse_expression(lhs, vocabulary), vocabulary)
        if label is not None:
            sides = sides[1:]
    readings = [read_expression(s, vocabulary) for s in sides]
    notes += [note for r in readings for note in r.notes]
    parts = tuple(r.expr for r in readings)
    notes = list(dict.fromkeys(notes))
    return Line(
        source.number, source.text.strip(), label, parts, continues, proportional, tuple(notes)
    )


ENVIRONMENTS = "align|aligned|equation|eqnarray|gather|multline"
OPENER = re.compile(rf"\$\$|\\\[|\\begin\{{(?P<env>{ENVIRONMENTS})\*?\}}|\$")


@dataclass(frozen=True)
class _Math:
    """One piece of mathematics in a document: where its body starts, the body, its kind."""

    start: int
    body: str
    inline: bool


def _closer(opener: re.Match[str]) -> re.Pattern[str]:
    if opener.group("env"):
        return re.compile(rf"\\end\{{{opener.group('env')}\*?\}}")
    return re.compile(re.escape({"$$": "$$", "\\[": "\\]", "$": "$"}[opener.group()]))


def _mathematics(text: str) -> list[_Math]:
    """Every ``$…$``, ``$$…$$``, ``\\[…\\]`` and align environment, in one pass: an opener
    without a closer after it is remembered, so that no later opener of its kind searches
    the rest of the text again (a regular expression would, in quadratic time)."""
    found: list[_Math] = []
    unclosed: set[str] = set()
    position = 0
    while (opener := OPENER.search(text, position)) is not None:
        kind = opener.group("env") or opener.group()
        position = opener.end()
        if kind in unclosed:
            continue
        closer = _closer(opener).search(text, position)
        if closer is None:
            unclosed.add(kind)
            continue
        body = text[position : closer.start()]
        if not body.strip():
            continue
        found.append(_Math(position, body, kind == "$"))
        position = closer.end()
    return found


ENVIRONMENT = re.compile(r"\\(?:begin|end)\{\w+\*?\}")
MARKER = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|\\item\s*|[A-Za-z][\w ]*:\s+)")


def _math_rows(newlines: list[int], math: _Math) -> list[Source]:
    """The rows of one piece of mathematics; ``newlines`` are the offsets of the text's
    line ends, to number them."""
    if math.inline and "=" not in math.body:
        return []
    # blank out environment markers with spaces, so that offsets still give line numbers
    body = ENVIRONMENT.sub(lambda m: " " * len(m.group()), math.body)
    rows, offset = [], math.start
    for row in body.split("\\\\"):
        content = row.strip().rstrip(".,").strip()
        if content:
            first = offset + len(row) - len(row.lstrip())
            rows.append(Source(bisect.bisect_left(newlines, first) + 1, content))
        offset += len(row) + 2
    return rows


def read_steps(text: str) -> list[Source]:
    """The steps of a document: math in ``$…$``, ``$$…$$``, ``\\[…\\]`` or align environments
    if it has any (inline math only where it holds an ``=``; prose is skipped), otherwise
    one step a line (Markdown or LaTeX list markers and ``#`` or ``%`` lines skipped).
    A document larger than :mod:`mlemap.checker.bounds` allows is refused before any scan."""
    bound_document(text)
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors save UTF-8
    mathematics = _mathematics(text)
    if mathematics:
        newlines = [m.start() for m in re.finditer("\n", text)]
        steps = [row for math in mathematics for row in _math_rows(newlines, math)]
        bound_steps(len(steps))
        return steps
    steps = []
    for number, line in enumerate(text.splitlines(), 1):
        line = MARKER.sub("", line, count=1).strip()
        if not line or line[0] in "#%" or re.fullmatch(r"\\(begin|end)\{\w+\}", line):
            continue
        pieces = [line] if is_latex(line) else line.split(";")
        steps += [Source(number, p.strip().rstrip(".,")) for p in pieces if p.strip()]
    bound_steps(len(steps))
    return steps


def parse_claims(text: str, vocabulary: Vocabulary) -> list[Line]:
    """Every step of ``text`` (one claim, or a document of steps), read; a step that cannot
    be read raises :class:`ParseError` or :class:`UnknownNameError` naming its line."""
    sources = read_steps(text)
    if not sources:
        raise ParseError("no claim to check: the input holds no mathematics")
    lines: list[Line] = []
    names = frozenset(vocabulary.names)
    prose: list[str] = []
    for source in sources:
        if len(sources) > 1 and is_prose(source.text, names):
            step = prose_step(source.text)
            named = f" (the step: {step})" if step else ""
            prose.append(f"line {source.number} is words, skipped: {source.text!r}{named}")
            continue
        try:
            line = parse_line(source, vocabulary)
            lines.append(replace(line, notes=(*prose, *line.notes)))
            prose = []
        except UnknownNameError as error:
            if len(sources) == 1:
                raise
            where = f"in model {vocabulary.model!r}, line {source.number}"
            raise UnknownNameError(error.kind, error.name, error.known, where) from None
        except ParseError as error:
            if len(sources) == 1:
                raise
            raise ParseError(f"line {source.number}: {error}") from None
    if not lines:
        raise ParseError("no claim to check: the input holds only words")
    return lines
