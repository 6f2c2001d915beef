r"""Rendering views to Markdown, LaTeX and HTML with Jinja2 templates.

Templates are named ``KIND.FORMAT.jinja2`` (``derivation.md.jinja2``, ``handout.tex.jinja2``)
and found first in a user's folder, then in the templates shipped with mlemap. LaTeX
templates use ``<% … %>``, ``<< … >>`` and ``<# … #>``, which LaTeX never writes, so that
Jinja2's braces collide neither with LaTeX's nor with ``\(`` maths. Each renderer builds
its own environment; nothing is global. HTML is the Markdown document laid out as a web page
(:mod:`.page`) by ``page.html.jinja2``, autoescaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..errors import MlemapError
from .page import page
from .view import Math

__all__ = ["FORMATS", "Renderer", "template_folders"]

FORMATS = ("md", "tex", "html")

#: Where the templates are: inside an installed wheel, or at the top of a source checkout.
_SHIPPED = (
    resources.files("mlemap") / "templates",
    Path(__file__).resolve().parents[3] / "templates",
)

_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>$|#"})
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    # In OT1 text, ~ is an accent and | an em dash: both are maths in prose (w ~ N(0, τ²I)).
    "~": r"\(\sim\)",
    "|": r"\(\vert\)",
    "^": r"\textasciicircum{}",
    # Unicode that pdflatex cannot set in text: write it as LaTeX.
    "θ": r"\(\theta\)",
    "μ": r"\(\mu\)",
    "σ": r"\(\sigma\)",
    "λ": r"\(\lambda\)",
    "α": r"\(\alpha\)",
    "β": r"\(\beta\)",
    "τ": r"\(\tau\)",
    "Σ": r"\(\Sigma\)",
    "ℓ": r"\(\ell\)",
    "²": r"\(^2\)",
    "₀": r"\(_0\)",
    "ᵢ": r"\(_i\)",
    "×": r"\(\times\)",
    # In OT1 text, < and > print as ¡ and ¿.
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "−": r"\(-\)",
    "∼": r"\(\sim\)",
    "∞": r"\(\infty\)",
    "∈": r"\(\in\)",
    "→": r"\(\to\)",
    "…": r"\ldots{}",
    "∣": r"\(\mid\)",
    "±": r"\(\pm\)",
    "·": r"\(\cdot\)",
    "←": r"\(\leftarrow\)",
    "‖": r"\(\Vert\)",
    "≠": r"\(\neq\)",
    "ᵀ": r"\(^{T}\)",
    "ⱼ": r"\(_j\)",
    "≤": r"\(\leq\)",
    "≥": r"\(\geq\)",
    "≈": r"\(\approx\)",
    "“": "``",
    "”": "''",
    "’": "'",
    "–": "--",
    "—": "---",
}


def escape_markdown(text: str) -> str:
    """Prose for Markdown: characters Markdown or math would read as markup are escaped."""
    return str(text).translate(_MARKDOWN_SPECIAL)


def escape_latex(text: str) -> str:
    """Prose for LaTeX: special characters escaped, Unicode maths written as LaTeX."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in str(text))


def _words_markdown(words: tuple[object, ...]) -> str:
    return "".join(f"${w.latex}$" if isinstance(w, Math) else escape_markdown(w) for w in words)


def _words_latex(words: tuple[object, ...]) -> str:
    return "".join(rf"\({w.latex}\)" if isinstance(w, Math) else escape_latex(w) for w in words)


def template_folders(user: str | Path | None = None) -> list[Path]:
    """The folders searched for templates, the user's first."""
    folders = []
    if user is not None:
        user = Path(user)
        if not user.is_dir():
            raise MlemapError(f"template folder {str(user)!r} does not exist or is not a folder")
        folders.append(user)
    shipped = [Path(str(f)) for f in _SHIPPED if Path(str(f)).is_dir()]
    if not shipped:
        searched = ", ".join(str(f) for f in _SHIPPED)
        raise MlemapError(f"mlemap's templates are missing; searched: {searched}")
    return folders + shipped[:1]


class Renderer:
    """Renders views of derivations and handouts with one format's templates."""

    def __init__(self, templates: str | Path | None = None) -> None:
        self.folders = template_folders(templates)
        self._environments = {fmt: self._environment(fmt) for fmt in FORMATS}

    def _environment(self, fmt: str) -> jinja2.Environment:
        options = {}
        if fmt == "tex":
            options = dict(
                block_start_string="<%",
                block_end_string="%>",
                variable_start_string="<<",
                variable_end_string=">>",
                comment_start_string="<#",
                comment_end_string="#>",
            )
        environment = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=fmt == "html",
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            **options,
        )
        environment.filters["words"] = _words_latex if fmt == "tex" else _words_markdown
        environment.filters["prose"] = escape_latex if fmt == "tex" else escape_markdown
        return environment

    def render(
        self, kind: str, fmt: str, images: Mapping[str, bytes] | None = None, **context: object
    ) -> str:
        """Render template ``KIND.FORMAT.jinja2`` with ``context``; for HTML, the Markdown
        one as a page, with ``images`` (path → bytes, the figures it shows) inlined."""
        if fmt not in FORMATS:
            raise MlemapError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
        if fmt == "html":
            document = page(self.render(kind, "md", **context), images)
            return self._template("page.html.jinja2", "html", {"page": document})
        return self._template(f"{kind}.{fmt}.jinja2", fmt, context)

    def _template(self, name: str, fmt: str, context: Mapping[str, object]) -> str:
        try:
            return self._environments[fmt].get_template(name).render(**context)
        except jinja2.TemplateNotFound as missing:
            searched = ", ".join(str(f) for f in self.folders)
            raise MlemapError(f"no template {missing.name!r}; searched: {searched}") from None
        except jinja2.TemplateSyntaxError as error:  # a user's template, most likely
            where = error.filename or error.name or name
            raise MlemapError(f"template {where}, line {error.lineno}: {error.message}") from None
        except SecurityError as error:
            raise MlemapError(
                f"template {_where(error, name)}: {error} (templates run sandboxed: they lay out "
                "what mlemap computed and cannot reach Python's internals)"
            ) from None
        except jinja2.TemplateError as error:
            raise MlemapError(f"template {_where(error, name)}: {error}") from None
        except UnicodeDecodeError as error:
            raise MlemapError(f"template {name} (or one it uses) is not UTF-8: {error}") from None
        except RecursionError:
            raise MlemapError(f"template {name} includes or extends itself without end") from None
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
            raise MlemapError(
                f"template {_where(error, name)}: {type(error).__name__}: {error}"
            ) from None


def _where(error: BaseException, name: str) -> str:
    """The template file and line an error was raised in, from Jinja's rewritten traceback."""
    frame = error.__traceback__
    found = f"{name} (or one it uses)"
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith(".jinja2"):
            found = f"{filename}, line {frame.tb_lineno}"
        frame = frame.tb_next
    return found
