"""Documents: derivations printed (LaTeX, text), laid out as views, rendered through Jinja2.

Takes the engine's and regression's records; hands on Markdown, LaTeX and PDF files, handouts.
"""

from ..engine import hooks
from .notebook import display_latex
from .record import render, view_of

hooks.provide("view", view_of)
hooks.provide("render", render)
hooks.provide("display", display_latex)
