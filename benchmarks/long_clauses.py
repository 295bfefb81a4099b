"""`studyapp analyze FILE --json` on a text holding one clause of 1k, 10k and 100k characters: time and peak memory.

    python benchmarks/long_clauses.py [LENGTHS ...]      (default: 1000 10000 100000 5MB)

A length ending in MB is a line of that many megabytes of UTF-8 (5 MB: about 1.8 million characters), as OCR
output or a paste without punctuation gives: before clauses were bounded it was one clause, and peaked at 2.5 GB.

Each file is 300 ordinary clauses of 呐喊 (../shared/corpus) with one clause of the given length in the middle: OCR
output or text pasted without punctuation, hanzi of 呐喊 mixed with Latin words, figures and spaces, and no
punctuation at all. The ordinary clauses matter: the context model reads clauses in batches, and a batch padded to
its longest clause is what took 6.2 GB for a 33,000-character one. A fresh `studyapp` process analyses each file
to /dev/null; the peak is its maximum resident set (wait4). Memory should grow with the file, not the clause's square.
Beside each, in the same run, the fastest peer doing part of the same work: a fresh process cutting the same file
with rjieba (jieba-rs), so the ratios say what our analysis costs over the word cutting alone.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analyze_json import measure  # the same measurement as the file-size benchmark: run from benchmarks/

from studyapp.text import HANZI_CHARACTER

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "呐喊.txt"
ORDINARY_CLAUSES = 300


def unpunctuated(length: int, hanzi: str, seed: int = 1) -> str:
    """``length`` characters without sentence punctuation: runs of hanzi, Latin words, figures and spaces."""
    chooser = random.Random(seed)
    pieces, size, at = [], 0, 0
    while size < length:
        roll = chooser.random()
        if roll < 0.8:
            count = chooser.randint(5, 40)
            piece = hanzi[at % len(hanzi):at % len(hanzi) + count]
            at += count
        elif roll < 0.9:
            piece = f" OCR scan {chooser.randint(0, 9999)} "
        else:
            piece = " "
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)[:length]


def sample(length: int | str, folder: Path) -> Path:
    """The file for one clause length (or a line of ``"5MB"``): ordinary clauses, the long clause, ordinary
    clauses, one paragraph a line."""
    novel = NOVEL.read_text(encoding="utf-8")
    hanzi = "".join(HANZI_CHARACTER.findall(novel))
    clauses = re.findall(r"[^，。！？；\s]{4,30}[，。！？；]", novel)[:ORDINARY_CLAUSES]
    half = len(clauses) // 2
    if isinstance(length, str):  # megabytes of UTF-8: about 2.8 bytes a character in this mix
        wanted = int(float(length.removesuffix("MB")) * 1024 * 1024)
        line = unpunctuated(wanted * 10 // 25, hanzi).encode("utf-8")[:wanted].decode("utf-8", "ignore")
    else:
        line = unpunctuated(length, hanzi)
    text = "".join(clauses[:half]) + "\n" + line + "\n" + "".join(clauses[half:]) + "\n"
    path = folder / f"clause-{length}.txt"
    path.write_text(text, encoding="utf-8")
    return path


PEER = "import sys, rjieba; [rjieba.cut(line) for line in open(sys.argv[1], encoding='utf-8')]"


def measure_peer(path: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of a process that only cuts the file's lines with rjieba."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", PEER, str(path)])
    _pid, _status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main(lengths: list[int | str]) -> None:
    if not NOVEL.exists():
        raise SystemExit("../shared/corpus/呐喊.txt is not beside the project")
    folder = Path(tempfile.mkdtemp(prefix="studyapp-long-clauses-"))
    library = folder / "library.sqlite"
    subprocess.run([sys.executable, "-m", "studyapp", "lookup", "中", "--library", str(library)],
                   capture_output=True, check=False)  # the dictionary index, built once per machine
    print(f"{'clause':>8} {'file KB':>8} {'seconds':>8} {'peak MB':>8} {'rjieba s':>9} {'rjieba MB':>9} "
          f"{'× time':>7} {'× memory':>8}")
    for length in lengths:
        path = sample(length, folder)
        seconds, peak = measure(path, library)
        peer_seconds, peer_peak = measure_peer(path)
        print(f"{length!s:>8} {path.stat().st_size / 1024:>8.0f} {seconds:>8.1f} {peak:>8.0f} {peer_seconds:>9.2f} "
              f"{peer_peak:>9.0f} {seconds / peer_seconds:>7.1f} {peak / peer_peak:>8.1f}", flush=True)
        path.unlink()


if __name__ == "__main__":
    main([arg if arg.endswith("MB") else int(arg) for arg in sys.argv[1:]] or [1000, 10_000, 100_000, "5MB"])
