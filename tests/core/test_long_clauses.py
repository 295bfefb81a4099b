"""A clause of 100,000 characters (OCR output, text pasted without punctuation) is read in bounded memory, with the
same readings as its pieces would have alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

#: 100,000 characters of an OCR scan without punctuation: Latin words and figures, with a Chinese sentence every
#: thousand characters or so whose polyphones the context model must read.
LONG_CLAUSE_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    # a guard for the machine: before windows, this batch asked numpy for 13 GB; now it needs a few hundred MB
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    from studyapp.analysis import Analyzer
    from studyapp.dictionary import Dictionary

    filler = " ".join(f"scan {n} page" for n in range(70))
    long_clause = (" 他跑得很快我还没还你钱 " + filler) * 120
    long_clause = long_clause[:100_000]
    assert len(long_clause) == 100_000
    ordinary = [f"第{n}回他还没回来" for n in range(255)]  # one batch of the model, padded to its longest clause
    tokens = Analyzer(Dictionary.open()).analyze_many([*ordinary, long_clause])[-1]
    readings = sorted({(t.text, t.pinyin) for t in tokens if t.text in ("得", "还")})
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"peak_mb": peak / 1024, "readings": readings}, ensure_ascii=False))
""")


def test_a_100k_character_clause_is_read_in_bounded_memory():
    completed = subprocess.run([sys.executable, "-c", LONG_CLAUSE_SCRIPT], capture_output=True, text=True,
                               check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["peak_mb"] < 1000, result
    assert result["readings"] == [["得", ["de"]], ["还", ["huán"]], ["还", ["hái"]]]


def test_a_polyphone_deep_in_a_long_clause_reads_as_in_a_short_one(analyzer):
    inside = "他还没回来我还没还你钱"
    alone = [(token.text, token.pinyin) for token in analyzer.analyze(inside)]
    long_clause = "x " * 20_000 + inside + " y" * 20_000
    tokens = analyzer.analyze(long_clause)
    start = long_clause.index(inside)
    deep = [(token.text, token.pinyin) for token in tokens if start <= token.start < start + len(inside)]
    assert deep == alone
