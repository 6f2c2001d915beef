"""Derivations in worker processes: the same results in the same order as a serial run."""

from __future__ import annotations

import os

import pytest

import mlemap
from mlemap.documents.handout import custom_handout
from mlemap.documents.parallel import cores, run_all
from mlemap.documents.render import Renderer


def _square(x: int) -> int:
    return x * x


def _pid(_: int) -> int:
    return os.getpid()


def _fails(x: int) -> int:
    raise mlemap.UnknownNameError("model", f"m{x}", ["bernoulli"], "in the catalog")


def test_results_come_back_in_order_whichever_finishes_first():
    tasks = [(_square, (x,)) for x in range(12)]
    finished: list[int] = []
    assert run_all(tasks, finished.append, workers=2) == [x * x for x in range(12)]
    assert sorted(finished) == list(range(12))
    assert run_all(tasks, workers=1) == run_all(tasks, workers=2)


def test_one_core_runs_here_and_several_run_in_workers():
    tasks = [(_pid, (x,)) for x in range(4)]
    assert set(run_all(tasks, workers=1)) == {os.getpid()}
    assert os.getpid() not in run_all(tasks, workers=2)
    assert cores() >= 1


def test_an_error_in_a_worker_is_the_error_a_serial_run_raises():
    with pytest.raises(mlemap.UnknownNameError, match="unknown model 'm1'"):
        run_all([(_square, (1,)), (_fails, (1,))], workers=2)


def test_a_parallel_handout_is_byte_identical_to_a_serial_one():
    # (models whose every step is decided within its time limit on a loaded machine: an
    # exact bias by SymPy integration, the exponential's, can run out of time in either run)
    specs = [("bernoulli", None, None), ("poisson", "gamma", None), ("normal", None, ["mu"])]
    renderer = Renderer(None)
    documents = []
    for workers in (2, 1):  # the workers first: they start with nothing derived
        views = custom_handout(specs, workers=workers)
        documents.append(
            [renderer.render("collection", f, title="T", derivations=views) for f in ("md", "tex")]
        )
    assert documents[0] == documents[1]
    assert "Poisson" in documents[0][0]
