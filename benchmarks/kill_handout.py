"""Interrupt `mlemap handout` at random moments and check what it leaves behind.

Each run starts from an output folder holding an old, marked set (handout.md/.tex/.pdf), sends
SIGKILL, SIGINT or SIGTERM at a moment drawn uniformly over one uninterrupted run's duration,
and then checks: every file is whole (the old one or the new one, never a part); the set is
consistent (all old or all new); after SIGINT and SIGTERM no temporary file or scratch folder is
left; after SIGKILL the next run leaves none. Not a timed test: it prints counts.

    python benchmarks/kill_handout.py [--runs 30] [--no-pdf] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIGNALS = (signal.SIGKILL, signal.SIGINT, signal.SIGTERM)
OLD = "old set, marked\n"


def command(folder: Path, pdf: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mlemap",
        "handout",
        "-o",
        str(folder),
        *([] if pdf else ["--no-pdf"]),
    ]


def seed(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).write_text(OLD)


def state(folder: Path, names: list[str], reference: dict[str, bytes]) -> tuple[str, list[str]]:
    """("old" | "new" | "mixed" | "broken", leftovers)."""
    kinds = set()
    for name in names:
        data = (folder / name).read_bytes()
        kinds.add("old" if data == OLD.encode() else "new" if data == reference[name] else "broken")
    leftovers = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    if "broken" in kinds:
        return "broken", leftovers
    return (kinds.pop() if len(kinds) == 1 else "mixed"), leftovers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    pdf = not options.no_pdf
    names = ["handout.md", "handout.tex", *(["handout.pdf"] if pdf else [])]
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "reference"
        start = time.perf_counter()
        subprocess.run(command(base, pdf), check=True, capture_output=True)
        duration = time.perf_counter() - start
        reference = {name: (base / name).read_bytes() for name in names}
        counts: dict[str, int] = {}
        failures = []
        for run in range(options.runs):
            folder = Path(scratch) / f"run{run}"
            folder.mkdir()
            seed(folder, names)
            which = SIGNALS[run % len(SIGNALS)]
            moment = rng.uniform(0, duration)
            process = subprocess.Popen(
                command(folder, pdf), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(moment)
            process.send_signal(which)
            process.wait(timeout=600)
            outcome, leftovers = state(folder, names, reference)
            if which == signal.SIGKILL and leftovers:
                subprocess.run(command(folder, pdf), check=True, capture_output=True)
                _, leftovers = state(folder, names, reference)
            key = f"{which.name} -> {outcome}"
            counts[key] = counts.get(key, 0) + 1
            if outcome in ("broken", "mixed") or leftovers:
                failures.append(
                    f"run {run}: {which.name} at {moment:.2f} s: {outcome}, left {leftovers}"
                )
    print(
        f"{options.runs} interrupted runs of `mlemap handout`{'' if pdf else ' --no-pdf'} "
        f"(one run takes {duration:.1f} s)"
    )
    for key, count in sorted(counts.items()):
        print(f"  {key:<24}{count:>4}")
    print(f"failures: {len(failures)}")
    for line in failures:
        print("  " + line)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
