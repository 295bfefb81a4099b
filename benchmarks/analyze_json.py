"""`studyapp analyze FILE --json` on texts of 1, 5 and 49 MB: wall time and peak memory of the command.

    python benchmarks/analyze_json.py [SIZES_MB ...]      (default: 1 5 49)

Each size is 水浒传.txt (../shared/corpus) repeated and cut to that many bytes of UTF-8, analysed by a fresh
`studyapp` process writing to /dev/null; the peak is that process's maximum resident set (wait4). Cold: a new
process each time, the dictionary index already built (it is built once per machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"


def sample(megabytes: float, folder: Path) -> Path:
    source = NOVEL.read_text(encoding="utf-8").replace("\r\n", "\n")
    wanted = int(megabytes * 1024 * 1024)
    encoded = source.encode("utf-8")
    data = (encoded * (wanted // len(encoded) + 1))[:wanted]
    path = folder / f"sample-{megabytes:g}mb.txt"
    path.write_bytes(data.decode("utf-8", errors="ignore").encode("utf-8"))
    return path


def measure(path: Path, library: Path | None = None) -> tuple[float, float]:
    """Seconds and peak resident MB of one `studyapp analyze PATH --json > /dev/null` (benchmarks/long_clauses.py
    measures with it too)."""
    command = [sys.executable, "-m", "studyapp", "analyze", str(path), "--json"]
    if library is not None:
        command += ["--library", str(library)]
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"analyze failed on {path}: {process.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024  # KB on Linux


def main(sizes: list[float]) -> None:
    if not NOVEL.exists():
        raise SystemExit("../shared/corpus/水浒传.txt is not beside the project")
    subprocess.run([sys.executable, "-m", "studyapp", "lookup", "中"], capture_output=True, check=False)
    folder = Path(tempfile.mkdtemp(prefix="studyapp-analyze-"))
    print(f"{'size':>8} {'seconds':>9} {'peak MB':>9}")
    for megabytes in sizes:
        path = sample(megabytes, folder)
        seconds, peak = measure(path)
        print(f"{megabytes:>6g} MB {seconds:>9.1f} {peak:>9.0f}", flush=True)
        path.unlink()


if __name__ == "__main__":
    main([float(arg) for arg in sys.argv[1:]] or [1, 5, 49])
