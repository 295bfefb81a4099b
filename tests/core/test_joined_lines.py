"""Hard-wrapped books: lines joined within paragraphs, offsets still into the one decoded text, and stored
segments fitted to clauses cut anew without losing a translated character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp import text
from studyapp.segments import Segment, Status, realign
from studyapp.store import Library

from ..conftest import CORPUS

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
    loaded = text.load(path)
    with Library.open(tmp_path / "library.sqlite") as library:
        joined = library.split_document(loaded.text, loaded.encoding)
        assert joined.joined
        identifier, _ = library.open_document(joined, "呐喊", str(path))
        segments = library.segments(identifier)
        row = next(i for i, s in enumerate(segments) if "缅甸" in joined.span_text(s.start, s.end))
        library.save_translation(segments[row].id, "in Burma", Status.DONE)
        library.save_translation(segments[row + 1].id, "next", Status.DRAFT)
        memory = {target: source for _doc, source, target in library.translated_pairs()}
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
