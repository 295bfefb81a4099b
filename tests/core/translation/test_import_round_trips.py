"""Translations that went out to OmegaT or Trados, or out as our own files, come back whole: a sentence unit
fills the clauses it is made of, and a file that carries an untranslated segment's Chinese in place of its
translation leaves that segment untranslated."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from studyapp import document as documents
from studyapp import text
from studyapp.cli import main
from studyapp.library import Library
from studyapp.text import loading
from studyapp.translation import exchange
from studyapp.translation.exchange import read_pairs
from studyapp.translation.segments import Status, regroup_by_sentence

from ...conftest import DEFAULT_TEXT

OMEGAT_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="3.6.0_10" segtype="sentence" srclang="zh-CN"/>
  <body>
{units}
  </body>
</tmx>
"""


def omegat_tmx(pairs: list[tuple[str, str]]) -> str:
    """A project memory as OmegaT 3.6 writes it: TMX 1.1, ``lang`` instead of ``xml:lang``."""
    return OMEGAT_TMX.format(units="\n".join(
        f'    <tu>\n      <tuv lang="zh-CN"><seg>{source}</seg></tuv>\n'
        f'      <tuv lang="en"><seg>{target}</seg></tuv>\n    </tu>' for source, target in pairs))


def stored(library_path: Path, text_path: Path = DEFAULT_TEXT) -> dict[str, str]:
    """Each segment's source with its translation, as the library holds them."""
    with Library.open(library_path) as library:
        opened = documents.open_in_library(library, text_path)
        return {opened.document.span_text(s.start, s.end): s.target for s in opened.segments}


def translate_everything(library_path: Path) -> list[str]:
    """Every clause of the default text translated (T0, T1 …); returns the clauses' sources."""
    with Library.open(library_path) as library:
        opened = documents.open_in_library(library, DEFAULT_TEXT)
        library.save_segments(s._replace(target=f"T{n}", status=Status.DRAFT) for n, s in enumerate(opened.segments))
        return [opened.document.span_text(s.start, s.end) for s in opened.segments]


def sentences_of_default_text(library) -> tuple[list[str], list[str]]:
    """The default text's sentences that span several clauses, and those that are one clause."""
    opened = documents.open_in_library(library, DEFAULT_TEXT)
    joined, _removed = regroup_by_sentence(opened.document, opened.segments)
    spans = [opened.document.span_text(s.start, s.end) for s in joined]
    clauses = {opened.document.span_text(s.start, s.end) for s in opened.segments}
    return [s for s in spans if s not in clauses], [s for s in spans if s in clauses]


def test_our_sentence_tmx_reimports_every_unit_into_a_text_grouped_by_clause(tmp_path, capsys):
    """Our own --units sentence export imported back 13 of its 45 units: only the one-clause sentences."""
    translated = tmp_path / "translated.sqlite"
    clauses = set(translate_everything(translated))
    out = tmp_path / "sentences.tmx"
    assert main(["export", str(DEFAULT_TEXT), "--format", "tmx", "--units", "sentence", "--out", str(out),
                 "--library", str(translated)]) == 0
    units = read_pairs(out)
    grouped = sum(source not in clauses for source, _target in units)
    assert grouped >= 10  # many sentences of the statement run over several clauses
    capsys.readouterr()
    fresh = tmp_path / "fresh.sqlite"
    assert main(["import", str(DEFAULT_TEXT), str(out), "--library", str(fresh)]) == 0
    said = capsys.readouterr().err
    assert f"Filled {len(units)} segments ({grouped} by grouping their clauses into a sentence)." in said
    assert "matched no segment" not in said
    segments = stored(fresh)
    assert [segments.get(source) for source, _target in units] == [target for _source, target in units]
    assert len(segments) == len({source for source, _target in units})  # a segment per sentence, none left over


def test_omegats_project_memory_of_sentences_fills_every_unit(library, tmp_path):
    """OmegaT's project_save.tmx filled 3 of its 6 units on a library grouped by clause; the others "matched no
    segment". Each is now the sentence it translates, its clauses grouped as Group by Sentence would."""
    several, single = sentences_of_default_text(library)
    sources = several[:3] + single[:3]
    memory = tmp_path / "project_save.tmx"
    memory.write_text(omegat_tmx([(source, f"Sentence {n}.") for n, source in enumerate(sources)]), encoding="utf-8")
    opened = documents.open_in_library(library, DEFAULT_TEXT)
    clauses = len(opened.segments)
    result = exchange.apply_import(library, opened, memory)
    assert exchange.import_summary(result) == "Filled 6 segments (3 by grouping their clauses into a sentence)."
    shown = {opened.document.span_text(s.start, s.end): s.target for s in opened.segments}
    assert [shown.get(source) for source in sources] == [f"Sentence {n}." for n in range(6)]
    joined_clauses = sum(source.count("，") + source.count("；") for source in several[:3])
    assert len(opened.segments) < clauses - 3 and len(opened.segments) >= clauses - joined_clauses


def test_a_joined_sentence_splits_back_into_its_clauses(library, tmp_path):
    """The grouping is Group by Sentence's: Group by Clause cuts it back, the translation on the first clause."""
    from studyapp.translation.segments import regroup_by_clause

    several, _single = sentences_of_default_text(library)
    memory = tmp_path / "project_save.tmx"
    memory.write_text(omegat_tmx([(several[0], "The whole sentence.")]), encoding="utf-8")
    opened = documents.open_in_library(library, DEFAULT_TEXT)
    clauses = len(opened.segments)
    exchange.apply_import(library, opened, memory)
    memos = library.merge_memos(opened.id)
    assert opened.segments[0].id in memos  # remembered as a merge, so splitting asks before it moves the text
    library.replace_segments(opened.id, regroup_by_clause(opened.document, opened.segments, memos), [])
    back = library.segments(opened.id)
    assert len(back) == clauses and back[0].target == "The whole sentence." and not back[1].target


def test_a_unit_over_a_paragraph_break_is_not_joined_and_the_summary_says_why(library, tmp_path):
    """OmegaT's text filter ends paragraphs at empty lines by default, so one of its units can hold the end of
    one paragraph and a sentence of the next; it "matched no segment" with no hint why."""
    opened = documents.open_in_library(library, DEFAULT_TEXT)
    document = opened.document
    first, second = document.paragraphs[0], document.paragraphs[1]
    last_of_first = document.text[first.start:first.end].split("。")[-1]  # "双方声明如下："
    first_of_second = document.text[second.start:second.end].split("。")[0] + "。"  # "一、当今世界…冲击。"
    memory = tmp_path / "project_save.tmx"
    memory.write_text(omegat_tmx([(f"{last_of_first}\n　　{first_of_second}", "Both sides declare: one.")]),
                      encoding="utf-8")
    result = exchange.apply_import(library, opened, memory)
    said = exchange.import_summary(result)
    assert said.startswith("Filled 0 segments. 1 unit matched no segment. 1 of them runs over a paragraph break")
    assert "“Line breaks”" in said
    assert len(opened.segments) == len(library.segments(opened.id))


def test_a_sentence_whose_clauses_are_translated_is_kept_unless_told(tmp_path, capsys):
    translated = tmp_path / "library.sqlite"
    with Library.open(translated) as library:
        several, _single = sentences_of_default_text(library)
        opened = documents.open_in_library(library, DEFAULT_TEXT)
        library.save_translation(opened.segments[0].id, "Mine")
    clauses = len(stored(translated))
    memory = tmp_path / "project_save.tmx"
    memory.write_text(omegat_tmx([(several[0], "Theirs.")]), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(DEFAULT_TEXT), str(memory), "--library", str(translated)]) == 0
    assert "Filled 0 segments. Kept 1 already written. Use --overwrite" in capsys.readouterr().err
    assert len(stored(translated)) == clauses
    assert main(["import", str(DEFAULT_TEXT), str(memory), "--library", str(translated), "--overwrite"]) == 0
    assert "Filled 1 segment (1 by grouping its clauses into a sentence)." in capsys.readouterr().err
    assert stored(translated)[several[0]] == "Theirs."


def test_the_import_summary_counts_in_words(tmp_path, capsys):
    with Library.open(tmp_path / "library.sqlite") as library:
        opened = documents.open_in_library(library, DEFAULT_TEXT)
        first = opened.document.span_text(opened.segments[0].start, opened.segments[0].end)
    tsv = tmp_path / "one.tsv"
    tsv.write_text(f"{first}\tIn the spirit\n不在文中的句子。\tNowhere\n", encoding="utf-8")
    assert main(["import", str(DEFAULT_TEXT), str(tsv), "--library", str(tmp_path / "library.sqlite")]) == 0
    assert "Filled 1 segment. 1 unit matched no segment." in capsys.readouterr().err


# --- a file that carries the source in place of a missing translation ----------------------------------------

@pytest.mark.parametrize("fmt", ["tmx", "tsv", "html", "docx", "txt"])
def test_a_segment_whose_translation_is_its_own_source_stays_untranslated(tmp_path, fmt, capsys):
    """What a reviewer's tool hands back after copy-source-to-target (Trados), or OmegaT's target file: the
    Chinese of every segment not translated yet, in place of its translation. It filled them all, as if
    translated."""
    copied = tmp_path / "copied.sqlite"
    with Library.open(copied) as library:
        opened = documents.open_in_library(library, DEFAULT_TEXT)
        first_paragraph = exchange.paragraph_groups(opened.document, opened.segments)[0]
        translated = {s.id for s in first_paragraph}
        library.save_segments(
            s._replace(target=f"T{n}" if s.id in translated else opened.document.span_text(s.start, s.end),
                       status=Status.DRAFT) for n, s in enumerate(opened.segments))
    out = tmp_path / f"copied.{fmt}"
    assert main(["export", str(DEFAULT_TEXT), "--format", fmt, "--out", str(out), "--library", str(copied)]) == 0
    capsys.readouterr()
    fresh = tmp_path / "fresh.sqlite"
    assert main(["import", str(DEFAULT_TEXT), str(out), "--library", str(fresh)]) == 0
    said = capsys.readouterr().err
    segments = stored(fresh)
    filled = [source for source, target in segments.items() if target]
    assert filled == ([opened.document.span_text(first_paragraph[0].start, first_paragraph[0].end)] if fmt == "txt"
                      else [opened.document.span_text(s.start, s.end) for s in first_paragraph])
    assert "their Chinese source as their translation" in said


SUBTITLES = """1
00:00:01,000 --> 00:00:03,500
你好，世界！

2
00:00:04,000 --> 00:00:06,000
我们走吧。

3
00:00:07,250 --> 00:00:09,000
天快黑了。
"""


def test_our_subtitle_export_reimported_leaves_untranslated_cues_untranslated(tmp_path, capsys):
    """A cue not translated yet is exported with its own line, so the file plays; read back, that line filled
    the cue "Filled 2 segments" as if it were its translation."""
    drama = tmp_path / "drama.srt"
    drama.write_text(SUBTITLES, encoding="utf-8")
    library_path = tmp_path / "library.sqlite"
    with Library.open(library_path) as library:
        opened = documents.open_in_library(library, drama)
        library.save_translation(opened.segments[0].id, "Hello, world!")
        before = [s.target for s in library.segments(opened.id)]
    out = tmp_path / "translated.srt"
    assert main(["export", str(drama), "--format", "srt", "--out", str(out), "--library", str(library_path)]) == 0
    assert "我们走吧。" in loading.load(out).text  # the untranslated cue keeps its line in the file
    capsys.readouterr()
    assert main(["import", str(drama), str(out), "--library", str(library_path)]) == 0
    assert "Filled 0 segments." in capsys.readouterr().err
    with Library.open(library_path) as library:
        assert [s.target for s in library.segments(opened.id)] == before


# --- OmegaT itself ----------------------------------------------------------------------------------------------

OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>zh-CN</source_lang>
    <target_lang>en</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""

#: The README's advice, as OmegaT stores it in a project: Project > Properties > File Filters > Text files >
#: Options, "Segment source text into paragraphs on: Line breaks" (the default is "Empty lines").
LINE_BREAK_FILTER = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<filters>
  <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
    <files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}"/>
    <option name="segmentOn" value="BREAKS"/>
  </filter>
</filters>
"""


def omegat_project(folder: Path, memory: Path) -> Path:
    """An OmegaT project over the default text, with ``memory`` in tm/auto (filled in on loading) and the text
    filter segmenting on line breaks."""
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "omegat.project").write_text(OMEGAT_PROJECT, encoding="utf-8")
    (folder / "omegat" / "filters.xml").write_text(LINE_BREAK_FILTER, encoding="utf-8")
    shutil.copy(DEFAULT_TEXT, folder / "source" / "statement.txt")
    shutil.copy(memory, folder / "tm" / "auto" / memory.name)
    return folder


@pytest.mark.skipif(shutil.which("omegat") is None, reason="OmegaT is not installed")
def test_omegat_translates_the_whole_text_from_our_sentence_tmx_and_its_memory_comes_back_whole(tmp_path):
    """The round trip through OmegaT's own console mode: our sentence units fill every segment it makes (with
    the text filter on line breaks), and the memory OmegaT writes fills every sentence here again."""
    translated = tmp_path / "translated.sqlite"
    translate_everything(translated)
    ours = tmp_path / "sentences.tmx"
    assert main(["export", str(DEFAULT_TEXT), "--format", "tmx", "--units", "sentence", "--out", str(ours),
                 "--library", str(translated)]) == 0
    project = omegat_project(tmp_path / "project", ours)
    home = tmp_path / "home"  # OmegaT keeps its settings in ~/.omegat
    home.mkdir()
    run = subprocess.run(["omegat", "--mode=console-translate", str(project)], capture_output=True, text=True,
                         timeout=90, env={**os.environ, "HOME": str(home)})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    target = (project / "target" / "statement.txt").read_text(encoding="utf-8")
    untranslated = [line for line in target.split("\n") if any(map(text.is_cjk, line))]
    assert untranslated == [] and target.count("T127") == 1
    written = project / "project-omegat.tmx"  # OmegaT's own TMX 1.1 of the project, as project_save.tmx is written
    units = read_pairs(written)
    assert len(units) == len(read_pairs(ours))
    fresh = tmp_path / "fresh.sqlite"
    with Library.open(fresh) as library:
        result = exchange.apply_import(library, documents.open_in_library(library, DEFAULT_TEXT), written)
    assert len(result.filled) == len(units) and result.unmatched == 0


def test_a_one_clause_sentence_does_not_take_that_clause_from_a_longer_sentence(tmp_path, capsys):
    """水浒传's "但见：" is a sentence of its own in some places and ends a longer one in others ("偷眼看那大虫时，
    但见："): the short unit took every "但见：" first, and 536 of the novel's 33,158 sentence units matched nothing."""
    story = tmp_path / "story.txt"
    story.write_text("　　偷眼看那大虫时，但见：\n　　毛披一带黄金色。\n　　但见：\n　　天色已晚。\n", encoding="utf-8")
    tsv = tmp_path / "sentences.tsv"
    tsv.write_text("偷眼看那大虫时，但见：\tHe stole a look at the tiger and saw:\n但见：\tHe saw:\n", encoding="utf-8")
    library_path = tmp_path / "library.sqlite"
    assert main(["import", str(story), str(tsv), "--library", str(library_path)]) == 0
    assert "Filled 2 segments (1 by grouping its clauses into a sentence)." in capsys.readouterr().err
    with Library.open(library_path) as library:
        opened = documents.open_in_library(library, story)
        assert [(opened.document.span_text(s.start, s.end), s.target) for s in opened.segments] == [
            ("偷眼看那大虫时，但见：", "He stole a look at the tiger and saw:"), ("毛披一带黄金色。", ""),
            ("但见：", "He saw:"), ("天色已晚。", "")]


def test_a_sentence_inside_a_longer_one_leaves_the_longer_one_its_clauses(tmp_path, capsys):
    """"正是对手，不分胜败。" is a sentence in one place and the end of "二将交马，正是对手，不分胜败。" in another: read first,
    the shorter took the longer one's clauses, and the longer "matched no segment" (9 units of 水浒传)."""
    story = tmp_path / "story.txt"
    story.write_text("　　二将交马，正是对手，不分胜败。\n　　次日再战，正是对手，不分胜败。\n", encoding="utf-8")
    tsv = tmp_path / "sentences.tsv"
    tsv.write_text("正是对手，不分胜败。\tEvenly matched, neither won.\n"
                   "二将交马，正是对手，不分胜败。\tThe two met; evenly matched, neither won.\n", encoding="utf-8")
    library_path = tmp_path / "library.sqlite"
    assert main(["import", str(story), str(tsv), "--library", str(library_path)]) == 0
    assert "Filled 2 segments (2 by grouping their clauses into a sentence)." in capsys.readouterr().err
    with Library.open(library_path) as library:
        opened = documents.open_in_library(library, story)
        assert [(opened.document.span_text(s.start, s.end), s.target) for s in opened.segments] == [
            ("二将交马，正是对手，不分胜败。", "The two met; evenly matched, neither won."), ("次日再战，", ""),
            ("正是对手，不分胜败。", "Evenly matched, neither won.")]


@pytest.mark.parametrize("fmt", ["tmx", "docx"])
def test_a_clause_holding_a_control_character_gets_its_translation_back(tmp_path, fmt, capsys):
    """TMX and DOCX cannot carry U+0007; the clause came back without it and matched no segment."""
    source = tmp_path / "bell.txt"
    source.write_text("中国\x07和俄罗斯是邻国，\n两国友好。\n", encoding="utf-8")
    written = tmp_path / "written.sqlite"
    with Library.open(written) as library:
        opened = documents.open_in_library(library, source)
        library.save_segments(s._replace(target=f"T{n}", status=Status.DRAFT) for n, s in enumerate(opened.segments))
    out = tmp_path / f"bell.{fmt}"
    assert main(["export", str(source), "--format", fmt, "--out", str(out), "--library", str(written)]) == 0
    fresh = tmp_path / "fresh.sqlite"
    capsys.readouterr()
    assert main(["import", str(source), str(out), "--library", str(fresh)]) == 0
    assert "Filled 2 segments." in capsys.readouterr().err
    assert stored(fresh, source) == {"中国\x07和俄罗斯是邻国，": "T0", "两国友好。": "T1"}
