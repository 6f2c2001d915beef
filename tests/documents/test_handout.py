"""The seed handout's numbers and limits come out of the engine."""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy import stats

import mlemap
from mlemap.documents.handout import EVEN_SAMPLE, _even_sample

from outputs import seed, seed_documents


def test_coin_comparison_is_computed():
    handout = seed()
    table = [(r.data, r.estimator, r.value, r.decimal) for r in handout.coin]
    assert table == [
        ("7 heads in 10 flips", "MLE", r"\frac{7}{10}", "0.7"),
        ("3 heads in 3 flips", "MLE", "1", "1"),
        ("3 heads in 3 flips", "MAP, Beta(1, 1) prior (flat)", "1", "1"),
        ("3 heads in 3 flips", "MAP, Beta(2, 2) prior", r"\frac{4}{5}", "0.8"),
        ("3 heads in 3 flips", "MAP, Beta(10, 10) prior", r"\frac{4}{7}", "≈ 0.571"),
    ]
    assert handout.coin[4].formula == r"\frac{10 + 3 - 1}{10 + 10 + 3 - 2}"
    assert handout.numbers["large_sample"].endswith("= p")


def test_coin_posterior_mean_versus_mode_is_computed():
    """3 heads in 3 flips, Beta(2, 2) prior: Beta(5, 2), mode 4/5, mean 5/7 (by hand)."""
    numbers = seed().numbers
    assert numbers["coin_posterior"] == r"\operatorname{Beta}{\left(5, 2\right)}"
    assert (numbers["coin_mode"], numbers["coin_mean"]) == (r"\frac{4}{5}", r"\frac{5}{7}")
    assert numbers["coin_mean_side"] == "below"
    low, high = stats.beta(5, 2).ppf([0.025, 0.975])
    assert numbers["coin_interval"] == f"({low:.3f}, {high:.3f})" == "(0.359, 0.957)"


def test_the_handout_follows_the_seeds_arc():
    markdown = seed_documents()["md"]
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Contents",
        "## Maximum likelihood estimation (MLE)",
        "## When the derivative test fails",
        "## Maximum a posteriori estimation (MAP)",
        "## The connection: MLE vs MAP",
        "## Worked comparison: coin flips",
        "## When to use each",
    ]
    for needle in (
        r"\hat{\sigma}^{2} & = \frac{\sum_{i=1}^{n} "
        r"\left(x_{i} - \hat{\mu}\right)^{2}}{n}",
        r"p{\left(\theta \mid x\right)} & = \operatorname{Beta}{\left(k + \alpha, "
        r"\beta + n - k\right)}",
        r"\hat{\theta} & = \frac{k}{n}",
        r"\hat{\theta} & = x_{(n)}",
        r"\hat{\mu} & = \tilde{x}",
        r"\frac{n}{2} & \leq \#\left\lbrace i : x_{i} \leq \mu\right\rbrace",
    ):
        assert needle in markdown


def test_markdown_and_latex_say_the_same_words():
    """The two templates hold the wording twice; their prose must not drift apart."""
    import re

    def words(text: str, fmt: str) -> list[str]:
        if fmt == "md":
            text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)
            text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # a figure: its alt text and file
        else:
            text = re.sub(r"\\\[.*?\\\]|\\\(.*?\\\)", " ", text, flags=re.S)
            text = re.sub(r"\[htbp\]|\\includegraphics\[[^\]]*\]\{[^}]*\}", " ", text)
            text = re.sub(r"\\(begin|end)\{[a-z*]+\}(\{[a-z]+\})?|\\[a-zA-Z]+\*?", " ", text)
        return [w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)]

    documents = seed_documents()
    md = words(documents["md"].split("### The idea", 1)[1], "md")
    tex = words(documents["tex"].split(r"\subsection*{The idea}", 1)[1], "tex")
    md = [w for w in md if w not in ("checked", "symbolic", "numeric")]
    tex = [w for w in tex if w not in ("checked", "symbolic", "numeric")]
    assert md == tex


def test_argmax_brackets_a_sum():
    markdown = seed_documents()["md"]
    assert (
        r"\mathop{\mathrm{arg\,max}}_{\theta} \left[\ell{\left(\theta\right)} + "
        r"\log p{\left(\theta\right)}\right]"
    ) in markdown


def test_the_even_sample_of_the_laplace_is_computed():
    found = _even_sample(mlemap.derive("laplace"))
    ordered = sorted(EVEN_SAMPLE)
    low, high = ordered[1], ordered[2]
    assert found["median_interval"] == rf"\left[{low}, {high}\right]"
    midpoint = np.median(EVEN_SAMPLE)
    spread = np.mean(np.abs(np.array(EVEN_SAMPLE) - midpoint))
    assert found["laplace_location"] == rf"\hat{{\mu}} = {midpoint:g}"
    assert found["laplace_scale"] == rf"\hat{{b}} = {sp.nsimplify(spread)}"
