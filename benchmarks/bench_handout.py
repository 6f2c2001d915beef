"""Wall time of `mlemap handout` (Markdown + LaTeX, no PDF) and of one `mlemap check`, cold,
against importing SymPy and mlemap.

Each is a fresh Python process, so all pay interpreter start-up; the minimum of several
runs is reported. Targets: the whole seed handout in under 3× the time of importing SymPy,
`import mlemap` under 1.2×, and a check at most 0.3 s more than `import mlemap`.

    python benchmarks/bench_handout.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time


def wall(command: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        handout = wall(
            [sys.executable, "-m", "mlemap", "handout", "--no-pdf", "-o", folder], repeat
        )
    sympy = wall([sys.executable, "-c", "import sympy"], repeat)
    mlemap = wall([sys.executable, "-c", "import mlemap"], repeat)
    check = wall([sys.executable, "-m", "mlemap", "check", "bernoulli", "theta = k/n"], repeat)
    print(f"{'what':<40}{'seconds':>10}{'× import sympy':>16}")
    for name, seconds in [
        ("python -c 'import sympy'", sympy),
        ("python -c 'import mlemap'", mlemap),
        ("mlemap check bernoulli 'theta = k/n'", check),
        ("mlemap handout (md + tex, cold)", handout),
    ]:
        print(f"{name:<40}{seconds:>10.2f}{seconds / sympy:>16.2f}")
    print(f"\ntarget: handout under 3.0 × import sympy; measured {handout / sympy:.1f} ×")
    print(f"target: import mlemap under 1.2 × import sympy; measured {mlemap / sympy:.2f} ×")
    print(f"target: check at most 0.3 s above import mlemap; measured {check - mlemap:.2f} s")


if __name__ == "__main__":
    main()
