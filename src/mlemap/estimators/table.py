"""A fitted result's summary table as text, Markdown, LaTeX or HTML, in the spirit of
statsmodels' ``summary()``: a few lines about the fit, then one row per parameter."""

from __future__ import annotations

import html

from ..errors import MlemapError

__all__ = ["FORMATS", "table"]

FORMATS = ("text", "markdown", "latex", "html")


def table(head: list[str], columns: list[str], rows: list[list[str]], fmt: str) -> str:
    """``head`` (lines about the fit) and the rows under ``columns``, as ``fmt``; the first
    column is left-aligned text, the others numbers."""
    if fmt == "text":
        widths = [max(len(r[c]) for r in [columns, *rows]) for c in range(len(columns))]

        def line(r: list[str]) -> str:
            return "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True))

        rule = "-" * len(line(columns))
        return "\n".join([*head, rule, line(columns), rule, *map(line, rows), rule]) + "\n"
    if fmt == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(["; ".join(head), "", *lines]) + "\n"
    if fmt == "latex":
        names = [_tex(c) for c in columns]
        body = [" & ".join(_tex(c) for c in r) + r" \\" for r in rows]
        layout = "l" + "r" * (len(columns) - 1)
        rule = r"\hline"
        lines = [rf"\begin{{tabular}}{{{layout}}}", rule, " & ".join(names) + r" \\", rule]
        return "\n".join([*lines, *body, rule, r"\end{tabular}"]) + "\n"
    if fmt == "html":

        def cells(r: list[str], tag: str) -> str:
            return "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in r)

        body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
        caption = html.escape("; ".join(head))
        return (
            f"<table><caption>{caption}</caption><thead><tr>{cells(columns, 'th')}"
            f"</tr></thead><tbody>{body}</tbody></table>"
        )
    raise MlemapError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")


_TEX = {"\\": r"\textbackslash{}", "%": r"\%", "_": r"\_", "&": r"\&", "#": r"\#", "$": r"\$"}


def _tex(text: str) -> str:
    """Plain text safe inside a LaTeX tabular."""
    return "".join(_TEX.get(c, c) for c in text)
