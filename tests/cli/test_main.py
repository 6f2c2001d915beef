"""The command line as a user runs it: output files, standard output, errors, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlemap.cli.main import main
from mlemap.cli.options import parse_spec
from mlemap.errors import MlemapError


def run(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlemap", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        check=False,
    )


def test_derive_to_standard_output(capsys):
    assert main(["derive", "bernoulli", "--prior", "beta", "--format", "md", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# MAP for the Bernoulli model with a Beta prior on $\\theta$")
    assert r"\hat{\theta} & = \frac{k + \alpha - 1}{\alpha + \beta + n - 2}" in out


def test_derive_writes_a_file_and_names_it(tmp_path, capsys):
    target = tmp_path / "normal.tex"
    assert main(["derive", "normal", "--format", "tex", "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    text = target.read_text()
    assert text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")


def test_derive_with_known_parameter_and_named_prior(capsys):
    assert (
        main(
            [
                "derive",
                "normal",
                "--estimate",
                "mu",
                "--prior",
                "mu=normal",
                "--format",
                "text",
                "-o",
                "-",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "MAP of normal, prior mu ~ Normal(mu0, tau2): "
        "mu_hat = (mu0*sigma2 + n*tau2*xbar)/(n*tau2 + sigma2)"
    )
    assert "[checked: " in out


def test_handout_writes_markdown_and_latex(tmp_path):
    result = run(
        "handout",
        "poisson:gamma",
        "exponential",
        "--title",
        "Rates",
        "-o",
        str(tmp_path),
        "--no-pdf",
    )
    assert result.returncode == 0, result.stderr
    # A custom handout does not overwrite the seed handout unless asked to (--name).
    assert result.stdout.split() == [
        str(tmp_path / "custom-handout.md"),
        str(tmp_path / "custom-handout.tex"),
        str(tmp_path / "custom-handout.html"),
        str(tmp_path / "custom-handout.ipynb"),
    ]
    notebook = json.loads((tmp_path / "custom-handout.ipynb").read_text())
    sources = ["".join(c["source"]) for c in notebook["cells"]]
    assert sources[0] == "# Rates"
    # each derivation's cells are followed by the code that runs it
    poisson = sources.index("# MAP for the Poisson model with a Gamma prior on $\\lambda$")
    code = "d = mlemap.derive('poisson', prior={'lambda': 'gamma'})"
    runs = next(j for j, text in enumerate(sources) if code in text)
    assert poisson < runs < sources.index("# MLE for the exponential model")
    markdown = (tmp_path / "custom-handout.md").read_text()
    assert markdown.startswith("# Rates\n")
    assert "## MAP for the Poisson model with a Gamma prior on $\\lambda$" in markdown
    assert "## MLE for the exponential model" in markdown
    assert result.stderr == ""  # no progress line when stderr is not a terminal


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["derive", "bernouli"], "unknown model 'bernouli'"),
        (["derive", "bernoulli", "--prior", "normal"], "priors that fit: beta, uniform"),
        (["derive", "normal", "--prior", "=x"], "cannot read --prior '=x'"),
        (["handout", "poisson:"], "cannot read 'poisson:'"),
        (["handout", "-o", "-"], "a handout is a set of files"),
        (["handout", "--prior", "beta"], "--prior and --estimate need a derivation listed"),
        (["handout", "poisson", "exponential", "--prior", "gamma"], "apply to one listed"),
        (["handout", "poisson:gamma", "--prior", "gamma"], "give them once"),
        (["derive", "bernoulli", "-o", "x.tex", "--format", "md"], "--format md disagrees"),
        (["derive", "bernoulli", "-o", "x.pdf"], "this command writes .md, .tex, .html, .txt"),
        (["handout", "poisson", "--templates", "/no/such/folder"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(arguments, message, capsys):
    assert main(arguments) == 2
    captured = capsys.readouterr()
    # the prefix argparse gives the same command's usage errors
    assert captured.err.startswith(f"mlemap {arguments[0]}: error: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_an_unwritable_folder_is_a_clear_error(tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    assert main(["derive", "poisson", "-o", str(folder / "p.md")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_an_output_path_under_a_file_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["derive", "poisson", "-o", str(blocker / "p.md")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_broken_user_template_is_one_line_naming_file_and_line(tmp_path, capsys):
    (tmp_path / "derivation.md.jinja2").write_text("fine\n{% bad %}\n")
    assert main(["derive", "poisson", "--templates", str(tmp_path), "-o", "-"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "derivation.md.jinja2, line 2: Encountered unknown tag 'bad'" in err
    (tmp_path / "derivation.md.jinja2").write_text("{{ nothing.here }}\n")
    assert main(["derive", "poisson", "--templates", str(tmp_path), "-o", "-"]) == 2
    assert "'nothing' is undefined" in capsys.readouterr().err


def test_handout_names_stay_inside_the_output_folder(tmp_path, capsys):
    assert main(["handout", "poisson", "-o", str(tmp_path), "--name", "../x"]) == 2
    assert "must be a plain file name" in capsys.readouterr().err
    assert not (tmp_path.parent / "x.md").exists()


def test_models_lists_the_catalog(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "bernoulli: one trial" in out
    assert "    priors for theta: beta, uniform" in out
    assert "  inverse_gamma: InverseGamma(α, β)" in out
    # a constrained model's parameters take a joint prior, listed with all of them
    assert "    priors for (theta1, theta2, theta3) jointly: dirichlet" in out
    assert "priors for theta1:" not in out
    assert "multinomial: counts of m trials among 3 categories" in out
    assert "    data in vectors of 3 counts in {0, 1, …, m} adding up to m; parameters: " in out


def test_spec_grammar():
    assert parse_spec("poisson") == ("poisson", None, None)
    assert parse_spec("poisson:gamma") == ("poisson", "gamma", None)
    assert parse_spec("normal[mu]:normal") == ("normal", "normal", ["mu"])
    assert parse_spec("normal:mu=normal,sigma2=inverse_gamma") == (
        "normal",
        {"mu": "normal", "sigma2": "inverse_gamma"},
        None,
    )
    for bad in ("", "normal[", "normal:mu=", "__import__('os')", "a:b:c", "x[]"):
        with pytest.raises(MlemapError, match="cannot read"):
            parse_spec(bad)


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("mlemap ")


def test_the_console_script_is_the_module():
    result = run("models")
    assert result.returncode == 0 and result.stdout.startswith("bernoulli:")


def test_a_bug_of_ours_is_one_line_with_the_version_and_not_exit_1(monkeypatch, capsys):
    from mlemap.cli import main as cli
    from mlemap.cli import models

    def broken(arguments):
        raise ValueError("something we did not expect")

    monkeypatch.setattr(models, "run", broken)
    assert main(["models"]) == cli.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("mlemap: internal error: ValueError: something we did not expect;")
    assert "please report it" in err and "mlemap " in err


def test_a_closed_pipe_ends_quietly():
    command = f"{sys.executable} -m mlemap derive normal --format text -o - | head -c 20"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    assert len(done.stdout) == 20
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_output_encodes_to_what_the_terminal_takes():
    environment = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for arguments in (["models"], ["derive", "normal", "--format", "text", "-o", "-"]):
        done = subprocess.run(
            [sys.executable, "-m", "mlemap", *arguments],
            capture_output=True,
            env=environment,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.isascii()
        assert b"\\u03b8" in done.stdout or b"\\u03bc" in done.stdout


@pytest.mark.parametrize("which", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_handout_leaves_the_old_set_and_no_leftovers(tmp_path, which):
    for name in ("handout.md", "handout.tex"):
        (tmp_path / name).write_text("old\n")
    # Signal once mlemap is imported (an interrupt during imports is Python's own), while the
    # derivations run: the files are written at the very end.
    script = (
        "import sys; from mlemap.cli.main import main; print('ready', flush=True); "
        f"sys.exit(main(['handout', '--no-pdf', '-o', {str(tmp_path)!r}]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout.readline() == "ready\n"
    time.sleep(0.5)
    process.send_signal(which)
    _, err = process.communicate(timeout=600)
    assert process.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[which], err
    assert "Traceback" not in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.md", "handout.tex"]
    assert {(tmp_path / n).read_text() for n in ("handout.md", "handout.tex")} == {"old\n"}


def test_the_format_follows_the_output_extension(tmp_path, capsys):
    for name, start in [
        ("a.tex", r"\documentclass"),
        ("a.md", "# MLE"),
        ("a.txt", "MLE of bernoulli: theta_hat = k/n"),
        ("a.html", "<!DOCTYPE html>"),
    ]:
        assert main(["derive", "bernoulli", "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_text().startswith(start)


def test_default_names_say_what_was_derived_so_a_map_does_not_overwrite_the_mle(tmp_path, capsys):
    for arguments in (
        ["bernoulli"],
        ["bernoulli", "--prior", "beta"],
        ["normal", "--estimate", "mu", "--prior", "mu=normal", "--format", "tex"],
    ):
        assert main(["derive", *arguments, "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bernoulli-beta-map.md",
        "bernoulli-mle.md",
        "normal-mu-mu_normal-map.tex",
    ]


def test_o_is_a_file_or_a_folder_for_every_subcommand(tmp_path, capsys):
    assert main(["derive", "poisson", "-o", str(tmp_path / "d")]) == 0
    assert (tmp_path / "d" / "poisson-mle.md").is_file()
    assert main(["handout", "poisson", "--no-pdf", "-o", str(tmp_path / "h" / "week1.md")]) == 0
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == [
        "week1.html",
        "week1.ipynb",
        "week1.md",
        "week1.tex",
    ]
    assert main(["handout", "poisson", "--no-pdf", "-o", str(tmp_path / "f")]) == 0
    assert (tmp_path / "f" / "custom-handout.md").is_file()


def test_name_is_taken_without_its_extension(tmp_path, capsys):
    assert main(["handout", "poisson", "--no-pdf", "--name", "week1.md", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "week1.html",
        "week1.ipynb",
        "week1.md",
        "week1.tex",
    ]


def test_handout_takes_prior_and_estimate_as_derive_does(tmp_path, capsys):
    arguments = ["handout", "normal", "--estimate", "mu", "--prior", "normal", "--no-pdf"]
    assert main([*arguments, "-o", str(tmp_path)]) == 0
    markdown = (tmp_path / "custom-handout.md").read_text()
    assert "MAP for the normal model with a Normal prior on $\\mu$" in markdown
    assert markdown.startswith("# Derivations: normal (mu), prior normal\n")
    # the same request in one spec gets the same title, not the spec's own text
    assert main(["handout", "normal[mu]:mu=normal", "--no-pdf", "-o", str(tmp_path)]) == 0
    markdown = (tmp_path / "custom-handout.md").read_text()
    assert markdown.startswith("# Derivations: normal (mu), prior mu ~ normal\n")


def test_the_seed_handout_takes_a_title(tmp_path, capsys):
    assert main(["handout", "--title", "Week 1", "--no-pdf", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "handout.md").read_text().startswith("# Week 1\n")
    assert r"\title{Week 1}" in (tmp_path / "handout.tex").read_text()
    assert "<title>Week 1</title>" in (tmp_path / "handout.html").read_text()
    # The plots beside it, as the Markdown (SVG) and the LaTeX (PDF) name them.
    figures = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert figures == [
        f"{name}.{suffix}"
        for name in ("coin-posterior", "log-likelihood", "regularisation-paths")
        for suffix in ("pdf", "svg")
    ]
    assert "![" in (tmp_path / "handout.md").read_text()
    assert (
        r"\includegraphics[width=\linewidth]{figures/log-likelihood.pdf}"
        in (tmp_path / "handout.tex").read_text()
    )


def test_models_lists_everything_derive_accepts_also_as_json(capsys):
    import json

    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "linear_regression: y = Xw + ε" in out and "    prior laplace: " in out
    assert main(["models", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    names = [m["name"] for m in found["models"]] + [m["name"] for m in found["matrix_models"]]
    import mlemap

    assert names == [*mlemap.models(), "linear_regression"]
    assert set(found["matrix_models"][0]["priors"]) == {"normal", "laplace"}
    bernoulli = found["models"][0]["parameters"][0]
    assert bernoulli == {
        "name": "theta",
        "domain": "(0, 1)",
        "priors": ["beta", "uniform"],
        "priors_alone": [],
    }
    normal = {p["name"]: p for p in found["models"][5]["parameters"]}
    assert found["models"][5]["name"] == "normal"
    assert normal["mu"]["priors"] == ["normal", "uniform"]
    assert normal["mu"]["priors_alone"] == ["laplace"]  # soft-thresholding needs σ² known
    assert "    priors for mu with the others known: laplace" in out


def test_a_missing_latex_is_said_in_one_line(tmp_path, monkeypatch, capsys):
    from mlemap.cli import handout

    monkeypatch.setattr(handout, "latex_available", lambda: False)
    assert main(["handout", "poisson", "-o", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert err == (
        "mlemap: PDF skipped: latexmk or pdflatex not found; install TeX Live "
        "(latexmk, texlive-latex-recommended) or use --no-pdf\n"
    )


def test_every_option_says_its_default(capsys):
    from mlemap.cli.main import _parser

    parser = _parser([])
    commands = next(a for a in parser._actions if a.dest == "command")
    for name in ("handout", "derive", "models"):
        for action in commands.choices[name]._actions:
            if action.option_strings and action.dest != "help":
                assert "default" in (action.help or ""), (name, action.option_strings)


def test_handout_exercises_write_a_worksheet_and_its_solutions(tmp_path, capsys):
    arguments = ["handout", "poisson", "--prior", "gamma", "-o", str(tmp_path / "week3.md")]
    assert main([*arguments, "--exercises", "score", "--no-pdf"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "week3-solutions.html",
        "week3-solutions.md",
        "week3-solutions.tex",
        "week3-worksheet.html",
        "week3-worksheet.md",
        "week3-worksheet.tex",
    ]
    sheet = (tmp_path / "week3-worksheet.md").read_text()
    assert sheet.count("<!-- mlemap answer: poisson; prior lambda=gamma") == 1  # the score only
    assert "step 6, score -->" in sheet
    capsys.readouterr()
    assert main(["handout", "--exercises", "likelihood", "--no-pdf", "-o", str(tmp_path)]) == 2
    assert "among score, stationarity, result" in capsys.readouterr().err


def test_derive_exercises_need_files_in_md_or_tex(tmp_path, capsys):
    assert main(["derive", "bernoulli", "--exercises", "-o", "-"]) == 2
    assert "--exercises writes two files" in capsys.readouterr().err
    assert main(["derive", "bernoulli", "--exercises", "-o", str(tmp_path / "sheet.tex")]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["sheet-solutions.tex", "sheet-worksheet.tex"]


def test_derive_writes_a_notebook_where_the_extension_says_so(tmp_path, capsys):
    assert main(["derive", "poisson", "-o", str(tmp_path / "week2.ipynb")]) == 0
    book = json.loads((tmp_path / "week2.ipynb").read_text())
    assert book["nbformat"] == 4 and book["cells"][0]["source"] == ["# MLE for the Poisson model"]
    assert main(["derive", "poisson", "--format", "md", "-o", str(tmp_path / "x.ipynb")]) == 2
    assert "--format md disagrees with -o" in capsys.readouterr().err


def test_plots_left_out_are_said_in_one_line(tmp_path, monkeypatch, capsys):
    from mlemap.cli import handout

    monkeypatch.setattr(handout, "plots_available", lambda: False)
    monkeypatch.setattr(
        handout, "_documents", lambda *_: ({"": {"md": "# Handout\n", "tex": "%\n"}}, {})
    )
    assert main(["handout", "--no-pdf", "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().err == (
        "mlemap: plots left out (the handout says where): matplotlib is not installed; "
        "pip install 'mlemap[plots]'\n"
    )
    assert (tmp_path / "handout.md").read_text() == "# Handout\n"
    monkeypatch.setattr(handout, "plots_available", lambda: True)
    assert main(["handout", "--no-pdf", "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""
