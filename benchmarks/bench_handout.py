"""Wall time of `mlemap handout` (Markdown + LaTeX, no PDF), cold, against importing SymPy.

Each is a fresh Python process, so both pay interpreter start-up; the minimum of several
runs is reported. Target: the whole seed handout in under 3× the time of importing SymPy.

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
    print(f"{'what':<40}{'seconds':>10}{'× import sympy':>16}")
    for name, seconds in [
        ("python -c 'import sympy'", sympy),
        ("python -c 'import mlemap'", mlemap),
        ("mlemap handout (md + tex, cold)", handout),
    ]:
        print(f"{name:<40}{seconds:>10.2f}{seconds / sympy:>16.1f}")
    print(f"\ntarget: handout under 3.0 × import sympy; measured {handout / sympy:.1f} ×")


if __name__ == "__main__":
    main()
