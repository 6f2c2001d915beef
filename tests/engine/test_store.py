"""The store of catalog outcomes: what a fresh check reads instead of deriving again."""

from __future__ import annotations

import os

import pytest
import sympy as sp

import mlemap
from mlemap.engine import store
from mlemap.engine.derive import derive
from mlemap.engine.outcome import Outcome
from mlemap.regression.record import RegressionDerivation

#: Requests whose outcomes hold what a store must give back exactly: an unevaluated
#: −(a + b) (binomial with a beta prior, lognormal), a posterior, a simplex with a joint
#: prior, a kink's anchors, a boundary estimate, a numeric derivation.
REQUESTS = [
    ("bernoulli", None, None),
    ("binomial", "beta", None),
    ("lognormal", None, None),
    ("poisson", "gamma", None),
    ("categorical", {"theta1": "dirichlet"}, None),
    ("normal", {"mu": "laplace"}, "mu"),
    ("uniform", None, None),
    ("gamma2", None, None),
]


def _forms(outcome: Outcome) -> list[str]:
    roots = (r.value for r in outcome.rejected)
    exprs = (outcome.objective, outcome.log_likelihood, *outcome.estimates.values(), *roots)
    mle = (sp.srepr(v) for v in outcome.mle.values())
    return [*map(sp.srepr, exprs), *mle, repr(outcome.posterior), repr(outcome.problem.anchors)]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MLEMAP_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("MLEMAP_NO_CACHE", raising=False)
    return tmp_path


def _files(folder) -> list:
    return sorted(folder.glob("outcomes-*/*.pickle"))


@pytest.mark.parametrize(("model", "prior", "estimate"), REQUESTS)
def test_an_outcome_read_back_is_the_one_derived_in_every_form(folder, model, prior, estimate):
    derived = derive(model, prior, estimate, inference=False).outcome
    assert store.outcome_of(model, prior, estimate) == derived  # derived, then written
    assert len(_files(folder)) == 1
    read = store.outcome_of(model, prior, estimate)
    assert read is not derived and read == derived
    assert _forms(read) == _forms(derived)
    assert (
        read.problem.model is derived.problem.model or read.problem.model == derived.problem.model
    )
    assert read.problem.priors.keys() == derived.problem.priors.keys()


def test_a_stored_outcome_is_read_without_deriving(folder, monkeypatch):
    store.outcome_of("poisson")

    def refuse(*args, **kwargs):
        raise AssertionError("derived again")

    monkeypatch.setattr("mlemap.engine.derive.derive", refuse)
    assert store.outcome_of("poisson").estimates == derive("poisson").estimates


def test_a_check_says_the_same_from_the_store_and_without_it(folder, monkeypatch):
    claim = "theta = (k + alpha)/(n + alpha + beta)"  # the posterior mean: a diagnosis
    first = mlemap.check("bernoulli", claim, prior="beta")
    assert _files(folder)
    second = mlemap.check("bernoulli", claim, prior="beta")
    monkeypatch.setenv("MLEMAP_NO_CACHE", "1")
    third = mlemap.check("bernoulli", claim, prior="beta")
    assert first == second == third
    assert "posterior mean" in str(second)


def test_an_unreadable_file_is_derived_again_and_rewritten(folder):
    store.outcome_of("exponential")
    (path,) = _files(folder)
    path.write_bytes(b"not a pickle")
    assert store.outcome_of("exponential") == derive("exponential", inference=False).outcome
    assert path.read_bytes() != b"not a pickle"


def test_another_engine_reads_another_folder(folder, monkeypatch):
    store.outcome_of("bernoulli")
    monkeypatch.setattr(store, "fingerprint", lambda: "another-engine")
    assert store.folder() == folder / "outcomes-another-engine"
    store.outcome_of("bernoulli")
    assert len(_files(folder)) == 2


def test_the_fingerprint_follows_the_source_and_the_versions(monkeypatch):
    assert store.fingerprint() == store.fingerprint.__wrapped__()
    assert len(store.fingerprint()) == 20
    monkeypatch.setattr(sp, "__version__", "0.0-another")
    assert store.fingerprint.__wrapped__() != store.fingerprint()


def test_a_source_file_changed_is_another_engine(tmp_path, monkeypatch):
    package = tmp_path / "mlemap"
    (package / "engine").mkdir(parents=True)
    (package / "engine" / "store.py").write_text("x = 1\n")
    monkeypatch.setattr(store, "__file__", str(package / "engine" / "store.py"))
    before = store.fingerprint.__wrapped__()
    (package / "engine" / "store.py").write_text("x = 2\n")
    assert store.fingerprint.__wrapped__() != before


def test_a_model_a_user_registers_is_derived_each_time(folder, monkeypatch):
    registered = mlemap.Model(
        "store_test_halfnormal",
        (mlemap.Parameter("s2", mlemap.POSITIVE),),
        mlemap.Support(0, sp.oo),
        lambda x, s2: sp.sqrt(2 / (sp.pi * s2)) * sp.exp(-(x**2) / (2 * s2)),
    )
    from mlemap.catalog.registry import MODELS

    # registered for this test only: other tests go through the whole catalog
    monkeypatch.setattr(MODELS, "_entries", dict(MODELS._entries))
    mlemap.register_model(registered)
    outcome = store.outcome_of("store_test_halfnormal")
    assert outcome.problem.model == registered and outcome.estimates
    assert not _files(folder)  # another process may register another density by this name
    with pytest.raises(store._Unstorable, match="a user's"):
        store._dumps(outcome)


def test_a_derivation_in_which_a_limit_ran_out_is_not_stored(folder, monkeypatch):
    counts = iter([0, 1])
    monkeypatch.setattr(store, "expirations", lambda: next(counts))
    assert store.outcome_of("geometric").estimates
    assert not _files(folder)


def test_old_engines_folders_are_pruned(folder):
    for age in range(store.KEPT_FINGERPRINTS + 2):
        old = folder / f"outcomes-old{age}"
        old.mkdir()
        (old / "x.pickle").write_bytes(b"")
        os.utime(old, (age, age))
    store.outcome_of("bernoulli")
    kept = sorted(p.name for p in folder.iterdir() if p != store.folder())
    assert kept == [f"outcomes-old{age}" for age in (2, 3, 4)]


def test_turned_off_the_store_writes_nothing(folder, monkeypatch):
    monkeypatch.setenv("MLEMAP_NO_CACHE", "1")
    assert store.folder() is None
    assert store.outcome_of("bernoulli").estimates
    assert not any(folder.iterdir())


def test_a_folder_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("MLEMAP_CACHE_DIR", str(blocked / "below"))  # below a file
    assert store.outcome_of("bernoulli") == derive("bernoulli", inference=False).outcome


def test_models_from_outside_the_catalog_are_not_stored(folder):
    coin = mlemap.Model(
        "bernoulli",  # a catalog name, another density
        (mlemap.Parameter("theta", mlemap.UNIT_INTERVAL),),
        mlemap.Support(0, 1, integer=True),
        lambda x, theta: theta**x * (1 - theta) ** (1 - x) * 1,
    )
    outcome = store.outcome_of(coin)
    assert outcome.problem.model is coin
    assert not _files(folder)
    with pytest.raises(store._Unstorable, match="not the catalog's"):
        store._dumps(outcome)


def test_linear_regression_gives_its_derivation(folder):
    found = store.outcome_of("linear_regression")
    assert isinstance(found, RegressionDerivation) and found.name == "linear_regression"
    assert not _files(folder)
