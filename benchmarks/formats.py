"""First paint of 水浒传 as an EPUB book (built here, a chapter per 回) next to the same text as .txt.

    python benchmarks/formats.py [RUNS]

Each figure is the median over RUNS (default 3) fresh `studyapp --timings --screenshot` processes, each with a
new library (cold: the text is decoded, converted, split and stored) — the app's own "first paint" milestone.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from studyapp.timings import PREFIX

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"


def build_epub(source: str, path: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("shuihu")
    book.set_title("水浒传")
    book.set_language("zh")
    book.add_author("施耐庵")
    parts = re.split(r"\n(?=第[一二三四五六七八九十百零]+回)", source)
    chapters = []
    for number, part in enumerate(parts, start=1):
        lines = [line.strip() for line in part.split("\n") if line.strip()]
        if not lines:
            continue
        chapter = epub.EpubHtml(title=lines[0][:30], file_name=f"c{number}.xhtml", lang="zh")
        body = "".join(f"<p>{line}</p>" for line in lines[1:])
        chapter.content = f"<html><body><h1>{lines[0]}</h1>{body}</body></html>"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(path), book)
    return path


def first_paint(path: Path, folder: Path, run: int) -> float:
    library = folder / f"library-{path.suffix[1:]}-{run}.sqlite"
    completed = subprocess.run(
        [sys.executable, "-m", "studyapp", "--timings", "--screenshot", str(folder / "shot.png"), "--library",
         str(library), str(path)], capture_output=True, text=True, timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    for line in completed.stderr.splitlines():
        if line.startswith(PREFIX) and line.endswith("first paint"):
            return float(line[len(PREFIX):].strip().split(" ms ", 1)[0])
    raise SystemExit(f"no first paint from {path.name}: {completed.stderr[-400:]}")


def main(runs: int) -> None:
    if not NOVEL.exists():
        raise SystemExit("../shared/corpus/水浒传.txt is not beside the project")
    folder = Path(tempfile.mkdtemp(prefix="studyapp-formats-"))
    source = NOVEL.read_text(encoding="utf-8").replace("\r\n", "\n")
    book = build_epub(source, folder / "水浒传.epub")
    print(f"水浒传.epub: {book.stat().st_size / 1024 / 1024:.1f} MB, built from the .txt")
    for path in (NOVEL, book):
        paints = [first_paint(path, folder, run) for run in range(runs)]
        print(f"  {path.suffix:6} first paint, median of {runs}: {statistics.median(paints):7.0f} ms  "
              f"(runs: {', '.join(f'{p:.0f}' for p in paints)})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
