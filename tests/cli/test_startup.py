"""Starting up: ``import mlemap`` loads nothing heavy, a command loads only what it uses,
and an interrupt while the command line loads ends quietly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest

HEAVY = ("sympy", "scipy", "jinja2", "matplotlib", "numpy")


def _loaded(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_import_mlemap_loads_no_library_and_no_stage():
    loaded = _loaded("import mlemap")
    assert not loaded & set(HEAVY)
    assert not {m for m in loaded if m.startswith("mlemap.")} - {"mlemap.errors"}


def test_names_load_on_first_use():
    loaded = _loaded("import mlemap; mlemap.MlemapError; mlemap.Model")
    assert {"mlemap.errors", "mlemap.catalog.model"} <= loaded
    assert not {"scipy", "jinja2", "mlemap.engine.derive", "mlemap.documents"} & loaded
    import mlemap

    assert set(mlemap.__all__) <= set(dir(mlemap))
    with pytest.raises(AttributeError):
        mlemap.no_such_name  # noqa: B018


def test_check_loads_neither_documents_nor_estimators_nor_jinja2():
    code = "from mlemap.cli import command\nassert command(['check', 'bernoulli', 'k/n']) == 0"
    loaded = _loaded(code)
    assert "mlemap.checker.judge" in loaded
    assert not {"jinja2", "mlemap.documents", "mlemap.estimators"} & loaded


def test_the_record_loads_its_stages_when_asked():
    code = "import mlemap\nd = mlemap.derive('bernoulli')\nd.to_markdown(); d.estimator()"
    assert {"mlemap.documents", "mlemap.estimators", "jinja2"} <= _loaded(code)


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.4])
def test_an_interrupt_while_the_command_loads_ends_quietly(delay):
    """SIGINT while the command line, the engine and SymPy load: exit 130 and one line, no
    traceback. (Before the entry point's own small module is loaded, as in Python's own
    start, an interrupt is Python's.)"""
    script = (
        "import sys; from mlemap.cli import command; print('ready', flush=True); "
        "sys.exit(command(['check', 'bernoulli', 'theta = k/n']))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout.readline() == "ready\n"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    if "Traceback" in err:
        # only where the signal beat the script into command()'s try: Python checks for
        # signals as a function starts, before its first statement, so the last frame is the
        # script's line or command()'s `def` line, and the error is Python's own
        frames = re.findall(r'^  File "(.+)", line \d+, in (\S+)$', err, re.MULTILINE)
        assert frames[0] == ("<string>", "<module>") and len(frames) <= 2, err
        if len(frames) == 2:
            assert frames[1][0].endswith("mlemap/cli/__init__.py"), err
            assert frames[1][1] == "command" and "    def command(" in err, err
        assert err.rstrip().endswith("KeyboardInterrupt"), err
        assert out == "", out
        return
    if process.returncode == -signal.SIGINT:
        # it had finished, and the signal came in the interpreter's teardown, where Python
        # has put back the default handler (the `mlemap` program itself skips that teardown)
        assert out.endswith("Verdict: correct.\n") and not err, (out, err)
    elif process.returncode != 0:  # 0: it had finished
        assert process.returncode == 130, (process.returncode, err)
        assert err.count("\n") == 1 and err.startswith("mlemap: interrupted"), err


@pytest.mark.parametrize(
    ("claim", "status"), [("theta = k/n", 0), ("theta = k/(n - 1)", 1), ("theta = ", 2)]
)
def test_the_program_ends_with_the_commands_status_and_all_its_output(claim, status):
    arguments = ["check", "bernoulli", claim]
    program = subprocess.run(
        [sys.executable, "-m", "mlemap", *arguments], capture_output=True, text=True
    )
    script = f"import sys; from mlemap.cli import command; sys.exit(command({arguments!r}))"
    command = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert program.returncode == command.returncode == status
    assert (program.stdout, program.stderr) == (command.stdout, command.stderr)
    assert program.stdout or program.stderr


def test_the_program_skips_the_teardown_only_where_nothing_else_runs():
    script = """
import os, threading
import mlemap.cli as cli

class Ended(Exception):
    pass

def end(code):
    raise Ended(code)

cli.command = lambda: 3
os._exit = end
try:
    cli.program()
except Ended as ended:
    print("at once", ended.args[0], flush=True)
release = threading.Event()
threading.Thread(target=release.wait).start()  # not a daemon: the exit waits for it
try:
    cli.program()
except SystemExit as raised:
    print("by the interpreter", raised.code, flush=True)
release.set()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.splitlines() == ["at once 3", "by the interpreter 3"], done.stderr
