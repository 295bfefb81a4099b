"""Hard-wrapped books: lines joined within paragraphs, offsets still into the one decoded text, and stored
segments fitted to clauses cut anew without losing a translated character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp import text
from studyapp.library import Library
from studyapp.text import loading
from studyapp.translation.segments import Segment, Status, realign

from ...conftest import CORPUS

WRAPPED_ALPHABET = st.sampled_from(list("我在缅甸见过大海，。！？…“”《》ab \u3000\n"))


@settings(max_examples=200, deadline=None)
@given(st.text(WRAPPED_ALPHABET, min_size=1, max_size=120))
def test_every_shown_character_maps_back_into_the_decoded_text(source):
    document = text.split(source, join_lines=True)
    for index, clause in enumerate(document.clauses):
        shown = document.clause_text(index)
        for offset, ch in enumerate(shown):
            position = document.source_offset(clause.start, clause.end, offset)
            assert clause.start <= position < clause.end
            assert source[position] == ch or (ch == " " and source[position] in " \u3000\n")
        assert "\n" not in shown


def _segments_of(document: text.Document, translated: set[int]) -> list[Segment]:
    return [Segment(i + 1, c.start, c.end, f"t{i}" if i in translated else "",
                    Status.DRAFT if i in translated else Status.UNTRANSLATED) for i, c in enumerate(document.clauses)]


@settings(max_examples=200, deadline=None)
@given(st.text(WRAPPED_ALPHABET, min_size=1, max_size=160), st.sets(st.integers(0, 40)), st.booleans())
def test_realigned_segments_tile_the_new_clauses_and_keep_every_translation(source, translated, join_first):
    before = text.split(source, join_lines=join_first)
    after = text.split(source, join_lines=not join_first)
    segments = _segments_of(before, translated)
    changed, removed = realign(segments, after.clauses)
    by_id = {s.id: s for s in segments if s.id not in removed}
    new = [s for s in changed if s.id == 0]
    by_id.update({s.id: s for s in changed if s.id})
    result = sorted([*by_id.values(), *new], key=lambda s: s.start)
    starts = set(after.clause_starts)
    ends = set(after.clauses.ends)
    assert all(s.start in starts and s.end in ends for s in result)
    assert sorted(s.start for s in result) == sorted(set(s.start for s in result))
    assert " ".join(s.target for s in result if s.target).split() == \
        [f"t{i}" for i in sorted(translated) if i < len(before.clauses)]
    assert len(result) <= len(after.clauses)


def test_a_translated_book_keeps_its_work_when_the_reader_turns_joining_off_and_on(tmp_path):
    path = CORPUS / "呐喊.txt"
    if not path.exists():
        import pytest

        pytest.skip("../shared/corpus is not beside the project")
    loaded = loading.load(path)
    with Library.open(tmp_path / "library.sqlite") as library:
        joined = library.split_document(loaded.text, loaded.encoding)
        assert joined.joined
        identifier, _ = library.open_document(joined, "呐喊", str(path))
        segments = library.segments(identifier)
        row = next(i for i, s in enumerate(segments) if "缅甸" in joined.span_text(s.start, s.end))
        library.save_translation(segments[row].id, "in Burma", Status.DONE)
        library.save_translation(segments[row + 1].id, "next", Status.DRAFT)
        memory = {target: source for _segment, source, target in library.translated_pairs()}
        assert "缅甸" in memory["in Burma"] and "\n" not in memory["in Burma"]  # fuzzy matches see the shown text

        unjoined = library.set_join_lines(identifier, False)
        assert not unjoined.joined and library.join_choice(identifier) is False
        assert library.split_document(loaded.text, loaded.encoding).clauses == unjoined.clauses
        after = library.segments(identifier)
        kept = next(s for s in after if s.target == "in Burma")
        assert "缅" in unjoined.span_text(kept.start, kept.end) and "甸" in unjoined.span_text(kept.start, kept.end)
        assert kept.status == Status.DONE and any(s.target == "next" for s in after)

        rejoined = library.set_join_lines(identifier, True)
        again = library.segments(identifier)
        assert len(again) == len(rejoined.clauses) == len(joined.clauses)
        assert [s.target for s in again if s.target] == ["in Burma", "next"]
    with Library.open(tmp_path / "library.sqlite") as library:  # the choice is the document's, after reopening
        assert library.split_document(loaded.text, loaded.encoding).joined


def test_find_reads_across_a_break_with_spaces_left_at_the_line_end():
    """朝花夕拾 has 便吃　/ 冰。: the reader shows 便吃冰。, and Find must match 吃冰 there too."""
    source = "　　" + "他说起小时候的事，夏天的时候" * 2 + "便吃　\n冰。又说了许多别的话，" * 3 + "\n"
    document = text.split(source, join_lines=True)
    assert any("便吃冰。" in document.clause_text(i) for i in range(len(document.clauses)))
    assert document.count("吃冰") == 3
    found = document.find("吃冰")
    assert found == source.index("吃　\n冰") and document.rfind("吃冰") == source.rindex("吃　\n冰")


# --- collections: each story wrapped at its own width ---------------------------------------------------------

def _wrapped(title: str, paragraphs: list[str], width: int) -> str:
    """A story as a fixed-width screen shows it: its title, then each paragraph indented and cut every ``width``
    characters (the indent counted), as plain-text books from the web are."""
    lines = [title, ""]
    for paragraph in paragraphs:
        body = "\u3000\u3000" + paragraph
        lines.extend(body[i:i + width] for i in range(0, len(body), width))
    return "\n".join(lines)


def _unwrapped(title: str, paragraphs: list[str]) -> str:
    return "\n".join([title, "", *("\u3000\u3000" + paragraph for paragraph in paragraphs)])


def _shown(document: text.Document) -> list[str]:
    return [document.clause_text(i) for i in range(len(document.clauses))]


def _share_of_commonest_width(source: str) -> float:
    from collections import Counter

    lengths = Counter(len(line) for line in source.split("\n") if line.strip())
    return lengths.most_common(1)[0][1] / sum(lengths.values())


def _synthetic_stories(count: int) -> list[tuple[str, list[str]]]:
    """Stories made of everyday clauses in a fixed pseudo-random order (no corpus needed)."""
    import random

    rng = random.Random(18)
    subjects = ["他", "我们", "那个老人", "小孩子们", "村里的人", "她的母亲", "先生"]
    actions = ["沿着河边走了很久", "在门口等着", "说了许多别的话", "把东西都搬走了", "慢慢地抬起头来",
               "想起小时候的事情", "坐在窗前看书", "一直没有回来", "笑着摇了摇头", "听见外面有人叫他"]
    ends = ["，", "，", "；", "。", "。", "！", "？"]
    stories = []
    for number in range(count):
        paragraphs = []
        for _ in range(14):
            clauses = [rng.choice(subjects) + rng.choice(actions) + rng.choice(ends) for _ in range(rng.randint(2, 9))]
            paragraphs.append("".join(clauses)[:-1] + "。")
        stories.append((f"第{'一二三四五六七八'[number]}篇", paragraphs))
    return stories


def _corpus_stories() -> list[tuple[str, list[str]]]:
    """Chapters 1-4 of 水浒传 and of 三国演义 (a line per paragraph there), as stories of a collection."""
    stories = []
    for name in ("水浒传.txt", "三国演义.txt"):
        path = CORPUS / name
        if not path.exists():
            import pytest

            pytest.skip("../shared/corpus is not beside the project")
        chapter: list[str] = []
        for line in loading.load(path).text.split("\n"):
            stripped = line.strip()
            if stripped.startswith("第") and "回" in stripped[:6]:
                if len([story for story in stories if story[0].startswith(name[0])]) == 4:
                    break
                chapter = []
                stories.append((name[0] + stripped, chapter))
            elif stripped and stories:
                chapter.append(stripped)
    return stories


COLLECTION_WIDTHS = [30, 35, 37, 40, 32, 38, 33, 36]


def _assert_reads_like_the_unwrapped_stories(stories, widths) -> None:
    """Joined, the collection shows the clauses and paragraphs of its stories unwrapped, and Find counts a phrase
    as often as the unwrapped text has it, across the breaks of every story."""
    wrapped = "\n\n".join(_wrapped(title, paragraphs, width)
                          for (title, paragraphs), width in zip(stories, widths, strict=True))
    original = "\n\n".join(_unwrapped(title, paragraphs) for title, paragraphs in stories)
    assert _share_of_commonest_width(wrapped) <= 1 / 6  # no one width for the whole file
    document = text.split(wrapped)
    reference = text.split(original)
    assert document.joined
    assert _shown(document) == _shown(reference)
    assert len(document.paragraphs) == len(reference.paragraphs)
    for title, paragraphs in stories:
        phrase = max(paragraphs[:6], key=len)[26:34]  # across a line break at most widths
        assert document.count(phrase) == original.count(phrase) > 0, (title, phrase)


def test_a_collection_of_stories_each_wrapped_at_its_own_width_reads_like_the_unwrapped_stories():
    _assert_reads_like_the_unwrapped_stories(_synthetic_stories(6), [30, 35, 37, 40, 32, 38])


def test_chapters_of_two_novels_each_wrapped_at_its_own_width_read_like_the_novels():
    _assert_reads_like_the_unwrapped_stories(_corpus_stories(), COLLECTION_WIDTHS)


POEM = "再别康桥\n\n轻轻的我走了\n正如我轻轻的来\n我轻轻的招手\n作别西天的云彩\n\n那河畔的金柳\n是夕阳中的新娘\n"
DIALOGUE = "“你去哪儿？”\n“去河边。”\n“什么时候回来”\n“天黑以前”\n"
LIST = "要带的东西\n一、雨伞\n二、两本书和一支笔\n三、给母亲买的药\n"


def test_lines_that_are_short_on_purpose_are_not_joined():
    """Verse, dialogue and lists break their lines where they mean to: each line stays a clause of its own."""
    for source in (POEM, DIALOGUE, LIST, POEM + "\n" + DIALOGUE + "\n" + LIST):
        document = text.split(source)
        assert not document.joined
        assert _shown(document) == [line for line in source.split("\n") if line]


def test_verse_and_dialogue_between_wrapped_stories_keep_their_lines():
    """Only the stretches wrapped at a width are joined: the poem and the dialogue between two wrapped stories
    keep a clause per line, in the reader, in Find and after the library stores and reopens the text."""
    first, second = _synthetic_stories(2)
    source = "\n\n".join([_wrapped(*first, 30), POEM, DIALOGUE, _wrapped(*second, 37)])
    document = text.split(source)
    shown = _shown(document)
    assert document.joined
    assert shown == _shown(text.split("\n\n".join([_unwrapped(*first), POEM, DIALOGUE, _unwrapped(*second)])))
    assert "轻轻的我走了" in shown and "“什么时候回来”" in shown and "“天黑以前”" in shown
    assert document.count("走了正如") == 0 and document.find("回来”“天黑") == -1
    phrase = max(second[1], key=len)[26:34]
    assert document.count(phrase) == source.replace("\n", "").count(phrase) > 0


def test_a_collection_keeps_what_was_joined_through_the_library_and_the_join_lines_choice(tmp_path):
    first, second = _synthetic_stories(2)
    source = "\n\n".join([_wrapped(*first, 35), POEM, _wrapped(*second, 40)])
    with Library.open(tmp_path / "library.sqlite") as library:
        document = library.split_document(source, "utf-8")
        identifier = library.add_document(document, "collection", None)
    with Library.open(tmp_path / "library.sqlite") as library:  # offsets read back as stored
        stored = library.split_document(source, "utf-8")
        assert stored.joined and stored.clauses == document.clauses
        assert stored.count("走了正如") == 0 and _shown(stored) == _shown(document)
        poem = source.index("轻轻的我走了")
        assert stored.span_text(poem, poem + 13) == "轻轻的我走了\n正如我轻轻的"  # a merged segment's text
        assert not library.set_join_lines(identifier, False).joined
        again = library.set_join_lines(identifier, True)
        assert again.clauses == document.clauses and again.count("走了正如") == 0


def test_every_shown_character_of_a_partly_joined_text_maps_back_into_it():
    """Segments merged across the edge of a wrapped story (into the verse after it) show the story's breaks
    taken out and the verse's kept, and the reader's offsets land on the character shown."""
    first, second = _synthetic_stories(2)
    source = "\n\n".join([_wrapped(*first, 33), POEM.replace("\n\n", "\n"), _wrapped(*second, 39)])
    document = text.split(source)
    assert document.joined and len(document.joined_runs) == 2
    clauses = document.clauses
    for first_clause in range(len(clauses)):
        for last_clause in range(first_clause, min(first_clause + 4, len(clauses))):
            start, end = clauses[first_clause].start, clauses[last_clause].end
            shown = document.span_text(start, end)
            for offset, ch in enumerate(shown):
                assert source[document.source_offset(start, end, offset)] == ch
            kept = [line for line in POEM.split("\n") if line and line in shown]
            assert "\n".join(kept) in shown  # the verse's own breaks stay


def test_a_closing_quote_after_a_joined_break_stays_with_its_clause():
    """呐喊 has 迅哥儿。/ ”母亲高兴的说。: the line was full after the 。, and the ” began the next clause."""
    source = "　　“阿呀阿呀，真是愈有钱，便愈是一毫不肯放松，愈是一毫不肯放松，便愈有钱，迅哥儿。\n”母亲高兴的说。\n"
    shown = _shown(text.split(source, join_lines=True))
    assert "迅哥儿。”" in shown and "母亲高兴的说。" in shown


def test_fuzzy_matches_read_a_merged_verse_segment_of_a_partly_joined_text_as_the_reader_shows_it(tmp_path):
    """The translation memory's sources are the reader's text: in a collection, the breaks of a wrapped story are
    taken out, but two verse lines merged into one segment keep theirs (the memory ran them together)."""
    from studyapp.translation import segments as segment_rules

    first, second = _synthetic_stories(2)
    source = "\n\n".join([_wrapped(*first, 35), POEM, _wrapped(*second, 40)])
    with Library.open(tmp_path / "library.sqlite") as library:
        document = library.split_document(source, "utf-8")
        identifier = library.add_document(document, "collection", None)
        rows = list(library.segments(identifier))
        poem = source.index("轻轻的我走了")
        index = next(number for number, segment in enumerate(rows) if segment.start == poem)
        keep, removed = segment_rules.merge(rows, index)
        library.replace_segments(identifier, keep, removed)
        merged = next(segment for segment in library.segments(identifier) if segment.start == poem)
        library.save_translation(merged.id, "Softly I am leaving, as softly as I came")
        sources = {target: shown for _segment, shown, target in library.translated_pairs()}
    assert sources["Softly I am leaving, as softly as I came"] == "轻轻的我走了\n正如我轻轻的来"


class _CountingBreaks:
    """The joined-break pattern, counting each break any search of it visits."""

    def __init__(self, pattern) -> None:
        self.pattern, self.visited = pattern, 0

    def finditer(self, *args):
        for match in self.pattern.finditer(*args):
            self.visited += 1
            yield match


def test_mapping_offsets_of_a_long_joined_span_visits_each_break_a_bounded_number_of_times(monkeypatch):
    """Offsets of a span across 600 joined breaks (a merged segment, a wrapped paragraph without punctuation):
    walking the span's breaks again for each offset took 13 s on a 10,000-clause joined text."""
    story = _synthetic_stories(1)[0]
    source = _wrapped(story[0], ["".join(story[1]) * 4, "再见 hello world 再见" * 1500], 40)
    document = text.split(source)
    assert document.joined
    breaks = source.count("\n") - 2
    assert breaks > 600
    from studyapp.text import clauses

    counting = _CountingBreaks(clauses._WRAP_BREAK)
    monkeypatch.setattr(clauses, "_WRAP_BREAK", counting)
    start, end = document.clauses[0].start, document.clauses[-1].end
    shown = document.span_text(start, end)
    counting.visited = 0
    for offset in range(0, len(shown), 7):
        position = document.source_offset(start, end, offset)
        assert source[position] == shown[offset] or (shown[offset] == " " and source[position] == "\n")
    assert counting.visited <= breaks + 2, counting.visited
