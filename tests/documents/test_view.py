"""The view of a derivation: rows aligned at their relation."""

from __future__ import annotations

import mlemap
from mlemap.documents.view import view


def test_inequalities_align_at_their_relation_like_equations():
    shown = view(mlemap.derive("bernoulli"))
    information = next(s for s in shown.steps if s.kind == "information")
    bound = next(r for r in information.rows if r.relation == r"\geq")
    assert bound.lhs == r"\operatorname{Var}{\left(\hat{\theta}\right)}"
    assert bound.rhs == r"\frac{\theta \left(1 - \theta\right)}{n}"
