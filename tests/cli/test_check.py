"""``mlemap check`` from the command line: the report, one-line errors, and exit codes 0/1/2."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mlemap
from mlemap.cli.check import main_check

WRONG_STEPS = """\
l(lambda) = log(lambda)*sum(x_i) - n*lambda
dl/dlambda = sum(x_i)/lambda - n
sum(x_i)/lambda - n = 0
sum(x_i) = (n - 1)*lambda
lambda = sum(x_i)/(n - 1)
"""


def test_a_correct_map_estimate_exits_0(capsys):
    claim = "theta = (k + alpha - 1)/(n + alpha + beta - 2)"
    assert main_check(["bernoulli", "--prior", "beta", claim]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(
        "Checking against the MAP derivation for bernoulli, prior theta ~ Beta(alpha, beta)."
    )
    assert "estimate of theta: correct (symbolic" in out
    assert out.rstrip().endswith("Verdict: correct.")
    assert err == ""


def test_a_wrong_variance_exits_1_with_the_engine_form_and_diagnosis(capsys):
    assert main_check(["normal", "sigma2 = sum((x_i - xbar)^2)/(n - 1)"]) == 1
    out, err = capsys.readouterr()
    assert "estimate of sigma2: WRONG (numeric" in out
    assert "  engine: sum((x_i - xbar)**2)/n" in out
    assert "  counterexample: n = " in out
    assert "  diagnosis: n versus n - 1" in out
    assert err == ""


def test_a_file_of_steps_names_the_first_wrong_line(tmp_path: Path, capsys):
    steps = tmp_path / "steps.md"
    steps.write_text(WRONG_STEPS, encoding="utf-8")
    assert main_check(["poisson", str(steps)]) == 1
    out, _ = capsys.readouterr()
    assert "line 4: sum(x_i) = (n - 1)*lambda\n  equation: WRONG" in out
    assert out.rstrip().endswith("Verdict: wrong; the first wrong step is line 4.")


def test_a_correct_file_exits_0(tmp_path: Path, capsys):
    steps = tmp_path / "steps.txt"
    steps.write_text("l(lambda) = log(lambda)*sum(x_i) - n*lambda\nlambda = xbar\n")
    assert main_check(["poisson", str(steps)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Verdict: all correct.")


def test_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("lambda = xbar\n"))
    assert main_check(["poisson", "-"]) == 0
    assert "Verdict: correct." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["poisson", "__import__('os').system('echo hi')"], 'unexpected character "\'"'),
        (["poisson", "lambda = foo"], "unknown name 'foo' in model 'poisson'; known names:"),
        (["poisson", "missing-steps.md"], "cannot read the file 'missing-steps.md'"),
        (["nosuchmodel", "x = 1"], "unknown model 'nosuchmodel'; known models: bernoulli"),
        (["poisson", "--prior", "beta", "lambda = xbar"], "a beta prior lives on (0, 1)"),
        (["normal", "sum(x_i)/n"], "does not say what it is"),
    ],
)
def test_unreadable_input_exits_2_with_one_line_on_stderr(argv, message, capsys):
    assert main_check(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("mlemap check: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_a_file_that_is_not_text_exits_2(tmp_path: Path, capsys):
    steps = tmp_path / "steps.md"
    steps.write_bytes(b"\xff\xfe\x00bad")
    assert main_check(["poisson", str(steps)]) == 2
    assert "cannot read the file" in capsys.readouterr().err


def test_usage_errors_exit_2_and_help_exits_0(capsys):
    assert main_check([]) == 2
    assert "required: model" in capsys.readouterr().err
    assert main_check(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit codes: 0 all correct, 1 a step is wrong or undecided, 2 the input" in out


def test_a_prior_per_parameter_and_known_parameters(capsys):
    argv = ["normal", "--prior", "mu=normal", "--estimate", "mu", "mu = xbar"]
    assert main_check(argv) == 1
    out, _ = capsys.readouterr()
    assert "MAP derivation for normal, prior mu ~ Normal(mu0, tau2)" in out
    assert "  engine: (mu0*sigma2 + n*tau2*xbar)/(n*tau2 + sigma2)" in out
    assert "  diagnosis: this is the MLE: it leaves out the prior" in out


def test_runs_as_a_module():
    environment = {**os.environ, "PYTHONPATH": str(Path(mlemap.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "mlemap.cli.check", "poisson", "lambda = sum(x_i)/(n - 1)"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "diagnosis: n versus n - 1" in done.stdout


@pytest.mark.parametrize("model", sorted(mlemap.models()))
def test_every_model_derive_accepts_is_checked_or_refused_with_exit_2(model, capsys):
    code = main_check([model, "n = n"])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in out + err
    if code == 2:
        assert err.startswith("mlemap check: error: ")
    else:
        assert out.rstrip().endswith("Verdict: correct.")


def _requests() -> list[list[str]]:
    """Every catalog model with no prior and with each prior that fits each parameter, as
    ``mlemap check`` arguments; linear regression with each of its priors."""
    from mlemap.catalog import MATRIX_MODELS, MODELS, PRIORS

    found = []
    for name in MODELS.names():
        found.append([name])
        for parameter in MODELS.get(name).estimated:
            fitting = [p.name for p in PRIORS if p.fits(parameter)]
            found += [[name, "--prior", f"{parameter.name}={p}"] for p in fitting]
    for name in MATRIX_MODELS.names():
        found.append([name])
        found += [[name, "--prior", p] for p in MATRIX_MODELS.get(name).priors]
    return found


def _claims(request: list[str]) -> tuple[str, str] | None:
    """A right claim, the engine's first result (else its log-likelihood), and a wrong one;
    None where derive refuses the request."""
    from mlemap.checker.plain import to_claim
    from mlemap.errors import MlemapError

    if request[0] == "linear_regression":
        return "∇_w ℓ(w) = Xᵀ(y − Xw)/σ²", "∇_w ℓ(w) = Xᵀ(y + Xw)/σ²"
    prior = dict([request[2].split("=")]) if len(request) > 1 else None
    try:
        derivation = mlemap.derive(request[0], prior=prior, inference=False)
    except MlemapError:
        return None
    lines = list(derivation.results) if derivation.closed_form else []
    if not lines:
        lines = [next(s for s in derivation.steps if s.kind == "log-likelihood").lines[-1]]
    lhs, rhs = to_claim(lines[0].lhs), to_claim(lines[0].rhs)
    return f"{lhs} = {rhs}", f"{lhs} = 2*({rhs}) + 1"


@pytest.mark.parametrize("request_", _requests(), ids=" ".join)
def test_every_model_and_prior_checks_right_and_wrong_claims_with_exits_0_and_1(request_, capsys):
    """The engine's own result pasted back is correct and twice it plus one is wrong, for
    every model and prior; a request derive refuses, and a name no model has, exit 2 with
    one line on stderr."""
    claims = _claims(request_)
    for claim, expected in zip(claims or (), (0, 1), strict=False):
        code = main_check([*request_, claim])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert code == expected, f"{request_} {claim!r}: {out}{err}"
    claim = "q = 1" if claims else "theta = 1"  # a name no model has; any claim, refused
    code = main_check([*request_, claim])
    out, err = capsys.readouterr()
    assert code == 2 and err.startswith("mlemap check: error: ") and not out
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ("theta = 10^999*10^999*10^999*10^999*10^999", "exact numbers may have at most 4,000"),
        ("theta = 0.9999999999999^1000", "a power of a number is too large"),
        ("theta = n^n^n^n", "too large to write at n = 1,000"),
    ],
)
def test_numbers_too_large_exit_2_in_one_line(claim, message, capsys):
    assert main_check(["bernoulli", claim]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlemap check: error: ") and message in err
    assert err.count("\n") == 1


def test_a_file_of_factorials_a_nested_product_and_a_bom_give_no_traceback(tmp_path, capsys):
    bangs = tmp_path / "bangs.txt"
    bangs.write_text("\n".join(["theta = k" + "!" * 200] * 5) + "\n")
    assert main_check(["bernoulli", str(bangs)]) == 2
    assert "nested more than 40 deep" in capsys.readouterr().err
    assert main_check(["bernoulli", "theta = prod(prod(x_i))"]) == 1
    out, err = capsys.readouterr()
    assert "WRONG" in out and err == ""
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufefftheta = k/n\n".encode())
    assert main_check(["bernoulli", str(bom)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Verdict: correct.")


def test_a_filled_in_worksheet_is_checked_alone_and_a_wrong_step_named(tmp_path, capsys):
    from mlemap.cli.main import main

    assert main(["derive", "bernoulli", "--exercises", "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    sheet = tmp_path / "bernoulli-mle-worksheet.md"
    assert main_check([str(sheet)]) == 2  # blank: nothing to check yet
    assert "no answer is filled in yet" in capsys.readouterr().err
    text = sheet.read_text()
    sheet.write_text(text.replace("\\theta &=\n", "\\theta &= k/n\n", 1))
    assert main_check([str(sheet)]) == 0
    assert "Verdict: all 1 answers correct; 2 left blank." in capsys.readouterr().out
    wrong = text.replace("\\hat{\\theta} &=\n", "\\hat{\\theta} &= k/(n - 1)\n")
    sheet.write_text(wrong)
    assert main_check([str(sheet)]) == 1
    line = wrong[: wrong.index("k/(n - 1)")].count("\n") + 1
    assert f"the first wrong step is line {line}" in capsys.readouterr().out
    assert main_check(["bernoulli", str(sheet)]) == 2  # a worksheet names its own models
    assert "check it alone" in capsys.readouterr().err
    assert main_check(["bernoulli"]) == 2
    assert "is not a worksheet" in capsys.readouterr().err
    solutions = tmp_path / "bernoulli-mle-solutions.md"
    assert main_check([str(solutions)]) == 0


@pytest.mark.parametrize(
    ("claim", "code"),
    [
        ("mu = mu0 + S(xbar - mu0, sigma2/(n*b))", 0),
        ("mu = mu0 + sign(xbar - mu0)*max(abs(xbar - mu0) - sigma2/(n*b), 0)", 2),
        # no threshold at all, and the threshold without its floor at 0: both wrong
        ("mu = xbar", 1),
        ("mu = mu0 + sign(xbar - mu0)*(abs(xbar - mu0) - sigma2/(n*b))", 1),
    ],
)
def test_a_laplace_prior_on_the_normal_mean_is_checked(claim, code, capsys):
    arguments = ["normal", "--prior", "mu=laplace", "--estimate", "mu", claim]
    assert main_check(arguments) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err


def test_a_laplace_prior_with_the_variance_estimated_too_is_refused_with_exit_2(capsys):
    assert main_check(["normal", "--prior", "mu=laplace", "mu = xbar"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlemap check: error: ") and "estimates mu, sigma2 together" in err
