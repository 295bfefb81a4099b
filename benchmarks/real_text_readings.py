"""Polyphones read in real text: the hand-labelled clauses of tests/data/readings_in_real_text.tsv, scored.

    python benchmarks/real_text_readings.py [--errors]

Each line of the data file is a clause from a corpus book (../shared/corpus: 呐喊, 朝花夕拾, 水浒传, 三国演义),
with one polyphone between ▁ marks and its reading in context as a teacher would give it, tone-marked (de for the
particle 得, xi for 东西 "thing"). Occurrences were drawn at random, per character and book: a fair share of
dictionary words (觉得, 地方); a second draw of occurrences the dictionary leaves open (得 or 地 alone); a third
of such open 得 地 还 着 只 长 为 in 朝花夕拾, 呐喊 and 水浒传. Clauses whose reading is in doubt (a name, a garbled
line) were left out.
Lines are split into "tune" (rules were adjusted looking at its errors) and "held-out" (never looked at while
tuning). Prints the share read right (same syllable, same tone) per split and per character.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "readings_in_real_text.tsv"
MARK = "\u2581"


def cases() -> list[tuple[str, str, str, int, str]]:
    """(split, book, clause, index of the polyphone, reading) of every labelled line."""
    found = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        split, book, marked, reading = line.split("\t")
        index = marked.index(MARK)
        clause = marked.replace(MARK, "")
        found.append((split, book, clause, index, reading))
    return found


def readings(analyzer, clauses: list[str], indexes: list[int]) -> list[str]:
    """The syllable the analyzer shows over each clause's character at the index ("?" for none)."""
    shown = []
    for tokens, index in zip(analyzer.analyze_many(clauses), indexes, strict=True):
        token = next((t for t in tokens if t.start <= index < t.end), None)
        shown.append(token.pinyin[index - token.start] if token is not None and token.pinyin else "?")
    return shown


def score(analyzer) -> dict[str, list[tuple[str, str, str, str, int]]]:
    """Per split, every case as (book, clause, character, shown, labelled, right)."""
    labelled = cases()
    shown = readings(analyzer, [c[2] for c in labelled], [c[3] for c in labelled])
    by_split: dict[str, list] = defaultdict(list)
    for (split, book, clause, index, reading), got in zip(labelled, shown, strict=True):
        by_split[split].append((book, clause, clause[index], got, reading, got == reading))
    return by_split


def main(show_errors: bool) -> None:
    from studyapp.reading.analysis import Analyzer
    from studyapp.reading.dictionary import Dictionary

    by_split = score(Analyzer(Dictionary.open()))
    everything = [case for split in by_split.values() for case in split]
    for name, split in (*sorted(by_split.items(), key=lambda item: item[0] != "tune"), ("all", everything)):
        print(f"{name:9s} {sum(c[-1] for c in split) / len(split):7.2%} of {len(split)}")
    per_character: dict[str, list[bool]] = defaultdict(list)
    for case in everything:
        per_character[case[2]].append(case[-1])
    print("  ".join(f"{ch} {sum(ok)}/{len(ok)}" for ch, ok in sorted(per_character.items(), key=lambda i: -len(i[1]))))
    if show_errors:
        for name, split in by_split.items():
            for book, clause, character, got, reading, right in split:
                if not right:
                    print(f"  {name:8s} {book}  {clause}  {character}: shown {got}, labelled {reading}")


if __name__ == "__main__":
    main("--errors" in sys.argv[1:])
