"""Issue 22's figures in one run, idle and with a CPU-bound process beside each: the benchmarks that measure them,
one after the other, each with ``--busy`` (it measures idle first, then beside a busy loop in another process).

    python benchmarks/busy_machine.py [--quick] [--out FILE]

- novel.py: a whole novel's readings in context against ``jieba.lcut`` and ``rjieba.cut``;
- first_paint.py: first paint of the default text and the novel (first opening, reopened), a new user's first
  start;
- memory.py: the novel's memory, step by step (peak and current RSS, what the code mapped and the objects hold);
- reopen.py: the reopened novel's Vocabulary panel (its analysis read back from the library);
- stalls.py: the longest GUI-thread stall in each phase of a user's work on the novel;
- review.py: the wait between two cards on a fresh day and on a busy one.

Each prints its own table; this runs them in one sitting so the README's figures come from one machine state,
and writes everything to ``--out`` too. ``--quick``: one repeat where a benchmark repeats (a first look).
``--compare DIR``: novel.py, first_paint.py and memory.py measure that checkout too, alternating with this one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = (("novel.py", ["--busy"]), ("first_paint.py", ["--busy", "--no-memory"]), ("memory.py", []),
        ("reopen.py", ["--busy"]), ("stalls.py", []), ("stalls.py", ["--busy"]),  # stalls.py --busy: busy only
        ("review.py", []))
REPEATED = {"novel.py", "first_paint.py"}  # take --repeat
COMPARED = {"novel.py", "first_paint.py", "memory.py"}  # take --compare (before and after in the same run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat where a benchmark repeats")
    parser.add_argument("--out", type=Path, help="also write the whole output here")
    parser.add_argument("--compare", type=Path,
                        help="another checkout (e.g. a clone of the last release) measured alternately where a "
                             "benchmark can: the before and after of a change, in one run")
    args = parser.parse_args()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"# issue 22 figures, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the start")
    for script, flags in RUNS:
        command = [sys.executable, str(HERE / script), *flags]
        if args.quick and script in REPEATED:
            command += ["--repeat", "1"]
        if args.compare and script in COMPARED:
            command += ["--compare", str(args.compare)]
        say(f"\n## {script} {' '.join(flags)}")
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        say(done.stdout.rstrip())
        if done.returncode:
            say(f"(exit {done.returncode}) {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
        say(f"({script}: {time.perf_counter() - started:.0f} s)")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
