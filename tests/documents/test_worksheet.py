"""Worksheets: the chosen steps blank with a prompt, the solutions filled in with the engine's
right sides, and the marker that tells the checker which derivation and step it is."""

from __future__ import annotations

import re

import pytest

from mlemap.documents.render import Renderer
from mlemap.documents.view import view
from mlemap.documents.worksheet import EXERCISE_STEPS, exercise_steps, worksheet
from mlemap.errors import MlemapError

from conftest import derived


def _sheet(model, prior=None, kinds=EXERCISE_STEPS, solved=False, fmt="md"):
    d = derived(model, prior)
    return d, Renderer().render("derivation", fmt, d=worksheet(d, view(d), kinds, solved))


def _section(text: str, heading: str) -> str:
    """The Markdown of one step, from its heading to the next."""
    start = text.index(heading)
    following = text.find("\n## ", start + 1)
    return text[start : following if following != -1 else None]


def test_the_default_exercises_are_the_score_the_root_and_the_result():
    d = derived("normal")
    shown = worksheet(d, view(d), EXERCISE_STEPS, solved=False)
    blank = [s.kind for s in shown.steps if s.exercise is not None]
    assert blank == ["score", "stationarity", "stationarity", "result"]
    score = shown.steps[3].exercise
    assert [a.lhs for a in score.answers] == [
        r"\frac{\partial}{\partial \mu} \ell{\left(\mu, \sigma^{2}\right)}",
        r"\frac{\partial}{\partial \sigma^{2}} \ell{\left(\mu, \sigma^{2}\right)}",
    ]
    assert all(a.rhs == "" for a in score.answers)
    result = shown.steps[7].exercise  # x̄ = Σxᵢ/n is a definition, not an answer
    assert [a.lhs for a in result.answers] == [r"\hat{\mu}", r"\hat{\sigma}^{2}"]


def test_a_blank_step_shows_its_prompt_and_hides_the_engine_answer():
    _, text = _sheet("bernoulli")
    score = _section(text, "## 4. Score")
    assert "**Exercise.** Differentiate the log-likelihood in $\\theta$" in score
    assert r"\frac{k}{\theta}" not in score
    assert "<!-- mlemap answer: bernoulli; estimate theta; step 4, score -->" in score
    root = _section(text, "## 5. Stationarity")
    assert "solve for $\\theta$" in root and r"\frac{k}{n}" not in root
    assert "\\theta &=\n\\end{aligned}" in root
    result = _section(text, "## 7. Result")
    assert "\\hat{\\theta} &=\n" in result and r"\frac{k}{n}" not in result
    # the steps not chosen stay whole
    assert r"k \log \theta + \left(n - k\right) \log{\left(1 - \theta \right)}" in text


def test_the_solutions_fill_each_blank_with_what_the_derivation_shows():
    d, text = _sheet("bernoulli", "beta", solved=True)
    assert r"\hat{\theta} &= \frac{k + \alpha - 1}{\alpha + \beta + n - 2}" in text
    marker = "<!-- mlemap answer: bernoulli; prior theta=beta; estimate theta; step 6, score -->"
    assert marker in text
    # every row the derivation shows is still there, after the answer block
    whole = d.to_markdown()
    for row in re.findall(r"^.* & = .*$", whole, flags=re.M):
        assert row in text


def test_the_steps_to_leave_blank_can_be_chosen():
    d = derived("poisson")
    shown = worksheet(d, view(d), exercise_steps("result"), solved=False)
    assert [s.kind for s in shown.steps if s.exercise] == ["result"]
    assert exercise_steps(None) == EXERCISE_STEPS
    assert exercise_steps("score, score,result") == ("score", "result")
    with pytest.raises(MlemapError, match="among score, stationarity, result"):
        exercise_steps("likelihood")


def test_a_root_without_closed_form_is_no_exercise():
    d = derived("cauchy")
    shown = worksheet(d, view(d), EXERCISE_STEPS, solved=False)
    assert all(s.kind == "score" for s in shown.steps if s.exercise)


def test_the_latex_worksheet_leaves_a_line_to_write_on():
    _, text = _sheet("exponential", fmt="tex")
    assert r"\hat{\lambda} &= \rule[-0.5ex]{5cm}{0.4pt}" in text
    _, solved = _sheet("exponential", fmt="tex", solved=True)
    assert r"\hat{\lambda} &= \frac{1}{\bar{x}}" in solved
