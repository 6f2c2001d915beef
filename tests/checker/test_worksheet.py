"""A filled-in worksheet checked as it is: each answer block against the derivation its
marker names, blanks skipped, the first wrong step named by its line in the worksheet."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlemap.checker.worksheet import check_worksheet, is_worksheet
from mlemap.documents.render import Renderer
from mlemap.documents.view import view
from mlemap.documents.worksheet import EXERCISE_STEPS, worksheet
from mlemap.errors import ParseError

from conftest import derived


def _version(model, prior=None, solved=False):
    d = derived(model, prior)
    return Renderer().render("derivation", "md", d=worksheet(d, view(d), EXERCISE_STEPS, solved))


def _line_of(text: str, piece: str) -> int:
    return text[: text.index(piece)].count("\n") + 1


@pytest.mark.parametrize(("model", "prior"), [("normal", None), ("bernoulli", "beta")])
def test_the_solutions_pass(model, prior):
    report = check_worksheet(_version(model, prior, solved=True))
    assert report.verdict == "correct" and report.exit_code == 0
    assert len(report.filled) == len(report.answers) >= 3
    assert str(report).endswith(f"Verdict: all {len(report.answers)} answers correct.")


def test_the_categorical_solutions_pass_with_their_indexed_hats():
    solutions = _version("categorical", solved=True)
    assert r"\hat{\theta}_{1} &=" in solutions  # the index after the hat's group
    report = check_worksheet(solutions)
    assert report.verdict == "correct" and len(report.filled) == len(report.answers) == 1
    (answer,) = report.answers
    assert [s.what for s in answer.report.steps] == [f"estimate of theta{j}" for j in (1, 2, 3)]


def test_a_wrong_step_fails_at_its_line_and_the_others_still_pass():
    solutions = _version("normal", solved=True)
    right = r"\frac{n \bar{x} - n \mu}{\sigma^{2}}"
    assert right in solutions
    wrong = solutions.replace(right, r"\frac{n \bar{x} - \mu}{\sigma^{2}}", 1)
    report = check_worksheet(wrong)
    assert report.verdict == "wrong" and report.exit_code == 1
    line = _line_of(solutions, right)
    assert report.first_wrong.report.first_wrong.line == line
    assert "derivative of the log-likelihood in mu: WRONG" in str(report)
    assert str(report).endswith(f"Verdict: wrong; the first wrong step is line {line}.")
    verdicts = [a.report.verdict for a in report.answers]
    assert verdicts == ["wrong", "correct", "correct", "correct"]


def test_a_student_fills_in_plain_syntax_and_leaves_the_rest_blank():
    sheet = _version("bernoulli")
    filled = sheet.replace("\\theta &=\n", "\\theta &= k/n\n", 1)
    report = check_worksheet(filled)
    assert report.verdict == "correct"
    assert [a.report is not None for a in report.answers] == [False, True, False]
    assert str(report).endswith("Verdict: all 1 answers correct; 2 left blank.")
    assert "not filled in yet" in str(report)


def test_the_posterior_mean_for_the_mode_is_diagnosed():
    sheet = _version("bernoulli", "beta")
    mean = "\\hat{\\theta} &= (k + alpha)/(n + alpha + beta)\n"
    filled = sheet.replace("\\hat{\\theta} &=\n", mean)
    report = check_worksheet(filled)
    assert report.verdict == "wrong"
    assert "posterior mean of theta" in str(report)


def test_a_blank_worksheet_and_a_document_without_blocks_are_refused():
    with pytest.raises(ParseError, match="no answer is filled in yet: all 3 answer blocks"):
        check_worksheet(_version("bernoulli"))
    assert not is_worksheet(derived("bernoulli").to_markdown())
    with pytest.raises(ParseError, match="not a worksheet"):
        check_worksheet(derived("bernoulli").to_markdown())
    with pytest.raises(ParseError, match="cannot read the answer block's header"):
        check_worksheet("<!-- mlemap answer: bernoulli; red -->\n$$ x = 1 $$\n<!-- mlemap end -->")


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9))
def test_a_scaled_estimate_fails_unless_the_factor_is_one(top, bottom):
    sheet = _version("poisson")
    filled = sheet.replace("\\hat{\\lambda} &=\n", f"\\hat{{\\lambda}} &= {top}*xbar/{bottom}\n")
    report = check_worksheet(filled)
    assert report.verdict == ("correct" if top == bottom else "wrong")
