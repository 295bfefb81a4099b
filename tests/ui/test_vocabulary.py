"""The vocabulary in the window, driven as a learner drives it."""

from studyapp.library import Library
from studyapp.study.deck import TermStatus
from studyapp.ui.qt import QImage, QPoint, Qt

from .conftest import hover, keep_typing, opened, saved, word_point


def status_in_library(window, word):
    saved(window)
    with Library.open(window.library.path) as other:
        return other.term_statuses().get(word, TermStatus.NEW)


def test_the_panel_lists_the_words_of_the_text_most_frequent_first(window, qtbot):
    model = window.vocabulary.model
    assert model.rowCount() == len(window.session.terms) > 500
    assert model.data(model.index(0, 0)) == "的"
    window.vocabulary.panel.search.setText("shuang1fang")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=2000)
    assert model.data(model.index(0, 0)) == "双方" and model.data(model.index(0, 4)) == 18
    window.vocabulary.panel.search.setText("")
    qtbot.waitUntil(lambda: model.rowCount() > 500, timeout=2000)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    words = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert words == sorted(words)


def test_k_on_a_hovered_word_marks_it_known_everywhere_at_once(window, qtbot):
    _row, point = word_point(window, "双方")
    hover(window.view, point)
    before = window.status.coverage_label.text()
    assert "Known 0.0%" in before
    qtbot.keyClick(window.view, Qt.Key.Key_K)
    assert status_in_library(window, "双方") == TermStatus.KNOWN
    assert window.status.coverage_label.text() != before
    token = next(t for t in window.session.model.tokens(_row) if t.text == "双方")
    assert window.vocabulary.word_style(_row, token) is None  # known words are not tinted
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert status_in_library(window, "双方") == TermStatus.NEW


def test_k_without_a_word_under_the_pointer_still_moves_up(window, qtbot):
    window.view.go_to(5)
    hover(window.view, QPoint(5, 5))
    qtbot.keyClick(window.view, Qt.Key.Key_K)
    assert window.view.currentIndex().row() == 4


def test_marking_the_page_known_leaves_no_new_word_on_screen(window, qtbot):
    window.view.go_to(0)
    window.view.viewport().repaint()
    window.vocabulary.mark_page_known()
    statuses = window.vocabulary.statuses
    for row in window.view.visible_rows():
        for token in window.session.model.tokens(row):
            if token.kind == "word":
                assert statuses.get(token.text) == TermStatus.KNOWN
    assert "Known 0.0%" not in window.status.coverage_label.text()


def test_a_status_set_here_shows_in_another_document(window, qtbot, tmp_path):
    _row, point = word_point(window, "双方")
    hover(window.view, point)
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    other = tmp_path / "other.txt"
    other.write_text("双方都同意了。", encoding="utf-8")
    opened(window, other)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    model = window.vocabulary.model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == "双方")
    assert model.data(model.index(row, 6)) == "Ignored"


def test_pinyin_only_over_words_not_yet_known(window, qtbot):
    window.unknown_pinyin_action.setChecked(True)
    row, _point = word_point(window, "双方")
    token = next(t for t in window.session.model.tokens(row) if t.text == "双方")
    assert window.delegate.show_pinyin(token)
    window.vocabulary.set_status(["双方"], TermStatus.KNOWN)
    assert not window.delegate.show_pinyin(token)
    window.unknown_pinyin_action.setChecked(False)
    assert window.delegate.show_pinyin(token)


def test_new_words_are_tinted_and_the_tint_can_be_hidden(window, qtbot):
    def render():
        image = QImage(window.view.viewport().size(), QImage.Format.Format_RGB32)
        window.view.viewport().render(image)
        return image

    window.view.go_to(0)
    tinted = render()
    window.tint_action.setChecked(False)
    plain = render()
    changed = [(x, y) for x in range(0, plain.width(), 3) for y in range(0, plain.height(), 3)
               if tinted.pixelColor(x, y) != plain.pixelColor(x, y)]
    assert len(changed) > 500  # the new words' backgrounds
    toward_blue = sum(1 for x, y in changed if tinted.pixelColor(x, y).red() < plain.pixelColor(x, y).red())
    assert toward_blue > len(changed) / 2  # light blue over the page: less red, the blue stays


def test_double_click_goes_to_the_first_occurrence(window, qtbot):
    model = window.vocabulary.model
    window.vocabulary.panel.search.setText("俄方")
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=2000)
    term = model.term_at(0)
    window.view.go_to(100)
    window.vocabulary.go_to_first(term)
    row = window.view.currentIndex().row()
    assert term.word in window.session.model.source_text(row) and row == term.first_clause


def test_a_chosen_translation_comes_first_in_the_help_and_alt_1_inserts_it(window, qtbot, monkeypatch):
    from studyapp.ui.qt import QInputDialog

    from .test_translation import click_target

    row, point = word_point(window, "双方")
    hover(window.view, point)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("both sides", True))
    window.vocabulary.choose_translation()
    click_target(window, qtbot, row)
    help_text = window.help_label.text()
    assert "双方" in help_text and "both sides" in help_text
    assert 0 <= help_text.find("Chosen translations") < 60  # first in the panel
    qtbot.keyClicks(window.translator.editor, "The ")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.session.model.target(row) == "The both sides"


def test_the_consistency_check_finds_a_planted_miss(window, qtbot):
    from studyapp.ui.consistency import ConsistencyDialog

    from .test_translation import click_target

    window.library.set_translation("双方", "both sides")
    rows = [row for row in range(window.session.model.rowCount()) if "双方" in window.session.model.source_text(row)]
    for row, words in zip(rows[:2], ["Both sides agreed", "The two parties agreed"], strict=True):
        click_target(window, qtbot, row)
        qtbot.keyClicks(window.translator.editor, words)
    window.translator.close_editor()
    dialog = ConsistencyDialog(window.session, window.view, window.library.chosen_translations(), window)
    qtbot.addWidget(dialog)
    assert [(miss.row, miss.word) for miss in dialog.misses] == [(rows[1], "双方")]
    dialog.list.setCurrentRow(0)
    assert window.view.currentIndex().row() == rows[1]


def test_the_word_list_narrows_while_the_search_is_still_being_typed(window, qtbot):
    model = window.vocabulary.model
    everything = model.rowCount()
    keys = keep_typing(window.vocabulary.panel.search, "shuang1fang")  # a key every 0.1 s, never a pause
    qtbot.waitUntil(lambda: model.rowCount() < everything, timeout=600)
    assert keys.isActive()  # narrowed before the typing ended
    qtbot.waitUntil(lambda: not keys.isActive() and model.rowCount() == 1, timeout=3000)
    assert model.data(model.index(0, 0)) == "双方"


def test_the_heat_strip_shows_unknown_words_along_the_text_and_follows_statuses(window, qtbot):
    strip = window.heat_strip
    qtbot.waitUntil(lambda: strip.unknown is not None, timeout=5000)
    before = [share for share in strip.bins() if share is not None]
    assert before and all(share == 1.0 for share in before)  # nothing known yet
    window.view.go_to(0)
    window.vocabulary.mark_page_known()
    qtbot.waitUntil(lambda: strip.unknown is not None and min(s for s in strip.bins() if s is not None) < 1.0,
                    timeout=5000)
    top = next(share for share in strip.bins() if share is not None)
    assert top < 0.5  # the first clauses are now mostly known
    clicked = []
    strip.clauseClicked.connect(clicked.append)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(6, strip.height() - 2))
    assert clicked and clicked[0] > 100
    assert window.view.currentIndex().row() > 100  # the reader went to the end of the text


def test_translated_segments_are_marked_on_the_strip(window, qtbot):
    from .test_translation import click_target

    click_target(window, qtbot, 40)
    keys = keep_typing(window.translator.editor, "forty, and on without a pause")  # a key every 0.1 s
    qtbot.waitUntil(lambda: window.heat_strip.translated_clauses == [40], timeout=1500)
    assert keys.isActive()  # ticked while the typing goes on
    keys.stop()


def test_joining_a_wrongly_cut_word_changes_every_view_and_can_be_undone(window, qtbot, tmp_path):
    row, point = word_point(window, "长")  # 长臂 is not a dictionary word: 长 | 臂 | 管辖
    words = [t.text for t in window.session.model.tokens(row)]
    assert "长" in words and "臂" in words
    hover(window.view, point)
    window.segmentation.join_with_next()
    joined = [t.text for t in window.session.model.tokens(row)]
    assert "长臂" in joined  # the learner's word stays whole
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    term = next(term for term in window.session.terms if term.word == "长臂")
    assert term.definition.startswith("长 ") and "臂 arm" in term.definition  # glossed from its parts
    with Library.open(window.library.path) as other:
        assert other.segmentation_fixes() == {"长臂": ("长臂",)}
    note = tmp_path / "note.txt"
    note.write_text("反对长臂管辖。", encoding="utf-8")
    opened(window, note)  # another document holding the string
    assert "长臂" in [t.text for t in window.session.model.tokens(0)]
    opened(window, None)
    row, _point = word_point(window, "长臂")
    window.segmentation.fix("长臂", ("长", "臂"))
    assert "长" in [t.text for t in window.session.model.tokens(row)]
    window.translator.undo_stack.undo()
    assert "长臂" in [t.text for t in window.session.model.tokens(row)]


def test_splitting_a_word_asks_where_to_cut(window, qtbot, monkeypatch):
    from studyapp.ui.qt import QInputDialog

    row, point = word_point(window, "国际社会")
    hover(window.view, point)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("国际 社会", True))
    window.segmentation.split_word()
    words = [t.text for t in window.session.model.tokens(row)]
    assert "国际" in words and "社会" in words and "国际社会" not in words


def test_a_hovered_word_goes_on_the_study_list_with_its_clause_and_translation(window, qtbot, tmp_path):
    from .test_translation import click_target

    row, _point = word_point(window, "双方")
    click_target(window, qtbot, row)
    qtbot.keyClicks(window.translator.editor, "Both sides state")
    window.translator.close_editor()
    _row, point = word_point(window, "双方")
    hover(window.view, point)
    window.vocabulary.add_to_study()
    saved(window)
    with Library.open(window.library.path) as other:
        [entry] = other.study_list()
    assert entry.word == "双方" and entry.reading == "shuāng fāng"
    assert "双方" in entry.context and entry.context_translation == "Both sides state"
    out = tmp_path / "study.apkg"
    window.vocabulary.export_to(out, "apkg")
    qtbot.waitUntil(out.exists, timeout=10000)
    qtbot.waitUntil(lambda: out.stat().st_size > 0, timeout=10000)
    from ..core.study.test_deck_export import anki_notes

    notes = anki_notes(out, tmp_path / "collection.anki2")
    assert list(notes) == ["双方"] and notes["双方"]["ContextTranslation"] == "Both sides state"


def test_study_the_most_frequent_and_the_hsk_words_in_one_action(window, qtbot, monkeypatch):
    from studyapp.ui.qt import QInputDialog

    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (5, True))
    window.vocabulary.add_most_frequent_new()
    saved(window)
    with Library.open(window.library.path) as other:
        assert [entry.word for entry in other.study_list()][:1] and len(other.study_list()) == 5
    window.vocabulary.add_new_up_to_hsk()
    saved(window)
    with Library.open(window.library.path) as other:
        studied = {entry.word for entry in other.study_list()}
    assert len(studied) > 5
    model = window.vocabulary.model
    assert any(model.data(model.index(row, 8)) == "✓" for row in range(model.rowCount()))


def test_a_word_leaves_the_study_list_with_its_cards(window, qtbot):
    _row, point = word_point(window, "双方")
    hover(window.view, point)
    window.vocabulary.add_to_study()
    saved(window)
    reviewer = window.reviewer()
    reviewer.sync_cards()
    assert window.library._query("SELECT COUNT(*) FROM cards") == [(3,)]
    window.vocabulary.remove_from_study()
    assert window.library.study_list() == [] and window.library._query("SELECT COUNT(*) FROM cards") == [(0,)]
    model = window.vocabulary.model
    assert all(model.data(model.index(row, 8)) == "" for row in range(model.rowCount()))


def test_adding_a_word_marked_known_makes_it_learning_and_says_so(window, qtbot):
    _row, point = word_point(window, "本着")
    hover(window.view, point)
    qtbot.keyClick(window.view, Qt.Key.Key_K)  # the learner once marked it known
    window.vocabulary.add_to_study()
    saved(window)
    message = window.statusBar().currentMessage()
    assert "1 word added to the study list" in message and "本着 was marked known; it is now learning" in message
    assert status_in_library(window, "本着") == TermStatus.LEARNING
    reviewer = window.reviewer()
    reviewer.sync_cards()
    assert [card.word for card in reviewer.queue()] == ["本着"]  # its cards are shown


def test_f3_finds_a_word_a_hard_wrapped_book_breaks_across_lines(window, qtbot, tmp_path):
    from .test_reader import _hard_wrapped_book

    assert opened(window, _hard_wrapped_book(tmp_path))
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    model = window.vocabulary.model
    window.vocabulary.panel.search.setText("缅甸")
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and model.term_at(0).word == "缅甸", timeout=2000)
    window.vocabulary.panel.table.selectRow(0)
    session = window.session
    rows = [row for row in range(session.model.rowCount()) if "缅甸" in session.model.source_text(row)]
    assert len(rows) == 12
    window.view.go_to(rows[0])
    window.vocabulary.next_occurrence()
    assert window.view.currentIndex().row() == rows[1]


def test_f3_goes_to_each_clause_using_the_selected_word_then_wraps_to_the_first(window, qtbot):
    """Words > Next Occurrence (F3): clauses where 联合国 only sits inside a longer word are passed over."""
    model = window.vocabulary.model
    window.vocabulary.panel.search.setText("联合国")
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and model.term_at(0).word == "联合国", timeout=2000)
    window.vocabulary.panel.table.selectRow(0)
    rows = window.session.model
    holding = [row for row in range(rows.rowCount()) if any(token.text == "联合国" for token in rows.tokens(row))]
    inside_a_longer_word = [row for row in range(rows.rowCount())
                            if "联合国" in rows.source_text(row) and row not in holding]
    assert len(holding) >= 3 and any(holding[0] < row < holding[-1] for row in inside_a_longer_word)
    window.view.go_to(holding[0])
    visited = []
    for _ in holding:
        qtbot.keyClick(window.view, Qt.Key.Key_F3)
        visited.append(window.view.currentIndex().row())
    assert visited == holding[1:] + holding[:1]


def test_words_imported_from_a_list_are_known_in_the_panel_and_the_library(window, qtbot, tmp_path, monkeypatch):
    """Words > Import Known Words… with a Pleco export: each listed word is known at once and in the library; the
    message counts those the library's texts use. A list without Chinese gets a message and changes nothing."""
    from studyapp.ui.qt import QAction, QFileDialog

    listing = tmp_path / "pleco.txt"
    listing.write_text("联合国\tlian2he2guo2\tUnited Nations\n双方\tshuang1fang1\tboth sides\n"
                       "熊猫\txiong2mao1\tpanda\n", encoding="utf-8")
    chosen = [listing]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kwargs: (str(chosen[0]), ""))
    [action] = [action for action in window.findChildren(QAction) if action.text() == "&Import Known Words…"]
    model = window.vocabulary.model
    assert model.status(model.term_of("联合国")) == TermStatus.NEW
    action.trigger()
    assert model.status(model.term_of("联合国")) == model.status(model.term_of("双方")) == TermStatus.KNOWN
    assert [status_in_library(window, word) for word in ("联合国", "双方", "熊猫")] == [TermStatus.KNOWN] * 3
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() ==  # counted after the words are stored
                    "Marked 3 words known; 2 of them occur in your library's texts.", timeout=10000)
    chosen[0] = tmp_path / "english.txt"
    chosen[0].write_text("apple\nbanana\n", encoding="utf-8")
    action.trigger()
    assert "holds no Chinese words" in window.last_error


def test_a_reopened_text_fills_the_panel_from_its_stored_analysis(window, qtbot, tmp_path, monkeypatch):
    from studyapp.study import stored_deck
    from studyapp.ui import ops

    from .conftest import wait_for

    wait_for(lambda: not any(job.name == "store analysis" for job in ops.running_jobs()))
    model, strip = window.vocabulary.model, window.heat_strip
    qtbot.waitUntil(lambda: strip.unknown is not None, timeout=5000)

    def shown():
        return ([(t.word, t.pinyin, t.definition, t.count, t.first_clause) for t in model.terms],
                list(strip.unknown), window.status.coverage_label.text())

    first = shown()
    gathered = []
    gather = stored_deck.gather_deck  # the window's analysis (the deck and its senses)
    monkeypatch.setattr(stored_deck, "gather_deck", lambda document, *rest, **named: gathered.append(document.text)
                        or gather(document, *rest, **named))
    other = tmp_path / "other.txt"
    other.write_text("双方发表声明。", encoding="utf-8")
    assert opened(window, other)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    assert opened(window, None)
    qtbot.waitUntil(lambda: not window.analysis_running() and strip.unknown is not None, timeout=20000)
    assert gathered == ["双方发表声明。"]  # the default text's clauses were not analysed again
    assert shown() == first and model.rowCount() > 500


def test_a_status_changed_while_the_words_were_being_read_still_shows_on_the_heat_strip(window, qtbot, monkeypatch):
    import threading

    from studyapp.study import stored_deck
    from studyapp.study.deck import unknown_per_clause

    read, go_on = threading.Event(), threading.Event()
    library_counts = stored_deck.library_counts

    def held(*arguments):  # the job has read the statuses; hold it there while the learner marks a word
        read.set()
        go_on.wait(20)
        return library_counts(*arguments)

    monkeypatch.setattr(stored_deck, "library_counts", held)
    window.open_path(None)
    qtbot.waitUntil(read.is_set, timeout=20000)
    window.vocabulary.set_status(["双方"], TermStatus.KNOWN)
    go_on.set()
    strip = window.heat_strip
    qtbot.waitUntil(lambda: not window.analysis_running() and strip.unknown is not None, timeout=20000)
    expected = unknown_per_clause(window.session.words, {"双方": TermStatus.KNOWN})
    assert list(strip.unknown) == list(expected) != list(unknown_per_clause(window.session.words, {}))


def _standalone_model(words: list[str], statuses: dict[str, int]):
    from studyapp.study.deck import Term
    from studyapp.ui.qt import QFont
    from studyapp.ui.vocabulary import TermTableModel

    model = TermTableModel(statuses, QFont())
    model.set_terms([Term(word, ("x",), f"meaning {len(words) - n}", None, n % 3, n, TermStatus.NEW, n, 0, 1)
                     for n, word in enumerate(words)])
    return model


def test_sorting_and_the_status_filter_make_no_status_per_row(qtbot, monkeypatch):
    """A novel's 46,000 rows: a TermStatus made per row cost the status filter 600 ms on the GUI thread."""
    from studyapp.ui.vocabulary import TermTableModel

    words = [f"词{n}" for n in range(50)]
    model = _standalone_model(words, {"词3": TermStatus.KNOWN, "词7": TermStatus.KNOWN, "词9": TermStatus.LEARNING})
    made = []
    monkeypatch.setattr(TermTableModel, "status", lambda self, term: made.append(term) or TermStatus.NEW)
    model.set_filter(status=TermStatus.KNOWN)
    assert sorted(model.term_at(row).word for row in range(model.rowCount())) == ["词3", "词7"]
    model.set_filter(status=None)
    model.sort(6, Qt.SortOrder.DescendingOrder)
    assert {model.term_at(0).word, model.term_at(1).word} == {"词3", "词7"} and model.term_at(2).word == "词9"
    assert made == []


def test_each_column_sorts_as_a_python_sort_of_its_keys_would(qtbot):
    words = [f"词{n % 17}{n}" for n in range(60)]
    model = _standalone_model(words, {words[5]: TermStatus.KNOWN})
    model.studying = {words[8]}
    for column in range(9):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(4, Qt.SortOrder.AscendingOrder)  # ties keep the order before, as a stable sort does
            before = [model.term_at(row) for row in range(model.rowCount())]
            model.sort(column, order)
            def key(term, column=column):
                return (term.word, "x", term.definition.lower(), term.hsk or 99, term.count, term.library_count,
                        int(model.statuses.get(term.word, 0)), term.first_clause, term.word not in model.studying)[column]
            expected = sorted(before, key=key, reverse=order == Qt.SortOrder.DescendingOrder)
            assert [model.term_at(row) for row in range(model.rowCount())] == expected, (column, order)


def test_a_changed_definition_sorts_where_its_new_text_belongs(qtbot):
    words = [f"词{n}" for n in range(20)]
    model = _standalone_model(words, {})
    model.set_definition("词4", "aaa first")
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert model.term_at(0).word == "词4"
    model.set_definition("词4", "zzz last")
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert model.term_at(model.rowCount() - 1).word == "词4"


def test_a_status_change_counts_only_the_changed_words_for_coverage(window, monkeypatch):
    """coverage_text walked every word of the novel at each status change (230 ms on the GUI thread)."""
    import studyapp.ui.vocabulary as vocabulary

    vocabulary_controller = window.vocabulary
    vocabulary_controller.update_coverage()
    walked = []
    for name in ("coverage", "new_words"):
        rule = getattr(vocabulary, name)
        monkeypatch.setattr(vocabulary, name, lambda *args, rule=rule: walked.append(rule) or rule(*args))
    vocabulary_controller.set_status(["双方"], TermStatus.KNOWN)
    assert walked == []
    text = window.status.coverage_label.text()
    monkeypatch.undo()
    vocabulary_controller._totals = None  # counted afresh from every word: the same figures
    assert vocabulary_controller.coverage_text() in text and "Known 0.0%" not in text


def test_sorting_reads_no_term_the_ranks_built_with_the_list_do(qtbot):
    """A key per row built at each sort cost the novel's panel 450-750 ms a click on the GUI thread."""
    from studyapp.study.deck import Term

    reads = []

    class WatchedTerm(Term):
        __slots__ = ()

        def __getattribute__(self, name):
            reads.append(name)
            return super().__getattribute__(name)

    model = _standalone_model([], {})
    model.set_terms([WatchedTerm(f"词{n}", ("x",), "m", None, n % 3, n, TermStatus.NEW, n, 0, 1)
                     for n in range(40)])
    reads.clear()
    for column in (0, 1, 2, 3, 4, 5, 7):
        model.sort(column, Qt.SortOrder.AscendingOrder)
    assert reads == []
    assert [model.term_at(row).first_clause for row in range(3)] == [0, 1, 2]


def _readings_model():
    """Terms with real readings and definitions, for the search."""
    from studyapp.study.deck import Term
    from studyapp.ui.qt import QFont
    from studyapp.ui.vocabulary import TermTableModel

    readings = [("中国", ("zhōng", "guó"), "China"), ("中", ("zhōng",), "middle; centre"),
                ("重", ("zhòng",), "heavy"), ("绿色", ("lǜ", "sè"), "green"), ("吗", ("ma",), "question particle"),
                ("西安", ("xī", "ān"), "Xi'an city"), ("先", ("xiān",), "first; Mr. Xian"),
                ("双方", ("shuāng", "fāng"), "both sides"), ("女", ("nǚ",), "female")] * 20
    model = TermTableModel({}, QFont())
    model.set_terms([Term(word, reading, meaning, None, 1, 1, TermStatus.NEW, n, 0, 1)
                     for n, (word, reading, meaning) in enumerate(readings)])
    return model


SEARCHES = {"": {"中国", "中", "重", "绿色", "吗", "西安", "先", "双方", "女"}, "中": {"中国", "中"},
            "zhong": {"中国", "中", "重"}, "zhōng": {"中国", "中"}, "zhong4": {"重"}, "zhong1guo2": {"中国"},
            "lv4se": {"绿色"}, "lü": {"绿色"}, "xi'an": {"西安", "先"}, "xi an": {"西安", "先"}, "GREEN": {"绿色"},
            "mr.": {"先"}, "shuang1 fang1": {"双方"}, "nv3": {"女"}, "zz": set()}


def test_the_panel_search_finds_words_by_hanzi_pinyin_tones_and_english():
    """What a learner types in the panel's search box: hanzi, pinyin with tone marks, digits or none, English."""
    model = _readings_model()
    for query, words in SEARCHES.items():
        model.set_filter(query=query)
        assert {model.terms[i].word for i in model.visible} == words, query


def test_typing_a_search_reads_the_query_once_not_once_per_row(monkeypatch):
    """Each row normalised and classified the query again: 150-450 ms a keystroke for the novel's panel."""
    import unicodedata

    model = _readings_model()
    normalize, calls = unicodedata.normalize, []
    monkeypatch.setattr(unicodedata, "normalize", lambda form, text: calls.append(text) or normalize(form, text))
    for query in ("zhong", "zhong1", "中"):  # (a tone-marked query compares each row's marks: that is the row's)
        calls.clear()
        model.set_filter(query=query)
        assert model.rowCount() > 0
        assert len(calls) <= 2 * len(query) + 2, query  # the query's own characters, not the 180 rows


def test_a_status_change_repaints_the_rows_of_its_words_not_every_row(qtbot):
    """Each status change told the table that all of the novel's rows changed."""
    words = [f"词{n}" for n in range(300)]
    model = _standalone_model(words, {})
    changed = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))
    rows = {model.term_at(row).word: row for row in range(model.rowCount())}
    model.statuses[words[7]] = model.statuses[words[9]] = TermStatus.KNOWN
    model.statuses_changed([words[7], words[9]])
    assert changed == [(min(rows[words[7]], rows[words[9]]), max(rows[words[7]], rows[words[9]]))]
    model.sort(0, Qt.SortOrder.DescendingOrder)  # the rows move: the signal follows them
    changed.clear()
    model.statuses_changed([words[7]])
    assert changed == [(model.rowCount() - 1 - sorted(words).index(words[7]),) * 2]


def test_a_table_cell_is_read_without_building_its_whole_row(qtbot, monkeypatch):
    """``data`` built a tuple of all nine columns at each of the thousands of calls a repaint makes."""
    words = [f"词{n}" for n in range(5)]
    model = _standalone_model(words, {words[1]: TermStatus.KNOWN})
    model.studying = {words[2]}
    made = []
    monkeypatch.setattr("studyapp.ui.vocabulary._hsk_text", lambda level: made.append(level) or "")
    texts = [[model.data(model.index(row, column)) for column in range(9)] for row in range(5)]
    assert len(made) == 5  # the HSK column's text, made for that column only
    known = next(row for row in texts if row[0] == words[1])
    assert known[6] == "Known" and next(row for row in texts if row[0] == words[2])[8] == "✓"


def test_a_status_change_sums_no_word_count_of_the_text(window, monkeypatch):
    """The coverage summed the novel's 46,000 word counts again at each status change (8-20 ms a change)."""
    from studyapp.study.deck import DocumentWords

    window.vocabulary.update_coverage()
    summed = []
    total = DocumentWords.running_words.fget
    monkeypatch.setattr(DocumentWords, "running_words", property(lambda words: summed.append(1) or total(words)))
    window.vocabulary.set_status(["双方"], TermStatus.KNOWN)
    assert summed == [] and "Known" in window.status.coverage_label.text()


def test_the_heat_strip_repaints_without_a_colour_per_pixel_row(window, qtbot, monkeypatch):
    """Each repaint (every status change, every window paint) made a colour and a rectangle per pixel row."""
    import studyapp.ui.heat_strip as heat

    strip = window.heat_strip
    qtbot.waitUntil(lambda: strip.unknown is not None, timeout=5000)
    strip.grab()
    made = []
    colour = heat.heat_color
    monkeypatch.setattr(heat, "heat_color", lambda share: made.append(share) or colour(share))
    image = strip.grab().toImage()
    assert made == []
    y = next(y for y, share in enumerate(strip.bins()) if share is not None)
    assert image.pixelColor(6, y) == colour(strip.bins()[y])


def test_the_selected_words_are_read_from_the_selection_not_cell_by_cell(window):
    """``selectedRows`` asked the model's row and column counts for every cell of every selected row: 90 ms for
    the 1,000 words a learner selects to study."""
    import sys

    from studyapp.ui.qt import QItemSelection
    from studyapp.ui.vocabulary import TermTableModel

    vocabulary = window.vocabulary
    model, table = vocabulary.model, vocabulary.panel.table
    flags = type(table.selectionModel()).SelectionFlag
    last = min(model.rowCount(), 40) - 1
    table.selectionModel().select(QItemSelection(model.index(0, 0), model.index(last, 0)),
                                  flags.ClearAndSelect | flags.Rows)
    table.selectionModel().select(model.index(last + 2, 0), flags.Select | flags.Rows)
    counted = []  # Qt calls the model's overrides from C++: seen by a profile hook, not by patching the class
    sys.setprofile(lambda frame, event, _arg: counted.append(1) if event == "call"
                   and frame.f_code in (TermTableModel.rowCount.__code__, TermTableModel.columnCount.__code__) else None)
    try:
        terms = vocabulary.selected_terms()
    finally:
        sys.setprofile(None)
    assert terms == [model.term_at(row) for row in [*range(last + 1), last + 2]]
    assert len(counted) < 5
    assert vocabulary.current_word() == model.term_at(0).word


def test_a_word_list_marked_known_shows_at_once_and_is_written_off_the_gui_thread(window, qtbot, monkeypatch):
    """Issue 22: 5,000 words marked known wrote their transaction on the GUI thread (64 ms on a busy machine)."""
    import threading

    from studyapp.library.words import Words

    writers = []
    write = Words.set_term_status
    monkeypatch.setattr(Words, "set_term_status", lambda self, words, status: (
        writers.append(threading.get_ident()), write(self, words, status))[1])
    words = [term.word for term in window.vocabulary.model.terms[:300]]
    before = window.status.coverage_label.text()
    window.vocabulary.set_status(words, TermStatus.KNOWN)
    assert all(window.vocabulary.statuses.get(word) == TermStatus.KNOWN for word in words)  # shown at once
    assert window.status.coverage_label.text() != before
    saved(window)
    assert writers and threading.main_thread().ident not in writers
    with Library.open(window.library.path) as other:
        assert all(other.term_statuses().get(word) == TermStatus.KNOWN for word in words)


def test_statuses_read_again_while_some_are_being_written_keep_them(window, qtbot):
    """A review's statuses read again (``reload_statuses``) before the learner's last change is written must not
    take that change back."""
    window.vocabulary.set_status(["双方"], TermStatus.IGNORED)
    window.vocabulary.reload_statuses()
    assert window.vocabulary.statuses.get("双方") == TermStatus.IGNORED
    assert status_in_library(window, "双方") == TermStatus.IGNORED
    assert window.vocabulary.statuses.get("双方") == TermStatus.IGNORED


def test_selected_words_go_on_the_study_list_made_and_written_off_the_gui_thread(window, qtbot, monkeypatch):
    """Issue 22: 1,000 words added to study made each entry (its clause and translation) and wrote them on the
    GUI thread (77 ms)."""
    import threading

    from studyapp.library.words import Words
    from studyapp.ui import vocabulary
    from studyapp.ui.qt import QItemSelection

    threads = []
    make, write = vocabulary.study_entry, Words.add_to_study
    monkeypatch.setattr(vocabulary, "study_entry", lambda *args: (threads.append(threading.get_ident()),
                                                                   make(*args))[1])
    monkeypatch.setattr(Words, "add_to_study", lambda self, entries: (threads.append(threading.get_ident()),
                                                                      write(self, entries))[1])
    model, table = window.vocabulary.model, window.vocabulary.panel.table
    flags = type(table.selectionModel()).SelectionFlag
    table.selectionModel().select(QItemSelection(model.index(0, 0), model.index(19, 0)),
                                  flags.ClearAndSelect | flags.Rows)
    window.view.clause_delegate.hovered = None
    window.vocabulary.add_to_study()
    saved(window)
    assert len(threads) == 21 and threading.main_thread().ident not in threads  # 20 entries, one write
    assert "20 words added to the study list" in window.statusBar().currentMessage()
    assert all(model.data(model.index(row, 8)) == "✓" for row in range(20))
    with Library.open(window.library.path) as other:
        assert len(other.study_list()) == 20


def test_coverage_kept_by_status_changes_of_mixed_lists_equals_a_fresh_count(window):
    """The totals move by whole groups of words (by the status each had): a list mixing new, learning and
    ignored words, and words not in the text, counts as a fresh count over every word does."""
    vocabulary_controller = window.vocabulary
    words = [term.word for term in vocabulary_controller.model.terms[:60]]
    vocabulary_controller.update_coverage()
    vocabulary_controller.set_status(words[:20], TermStatus.LEARNING)
    vocabulary_controller.set_status(words[10:30], TermStatus.IGNORED)
    vocabulary_controller.set_status(words[5:50] + ["不在文中的词"], TermStatus.KNOWN)
    vocabulary_controller.set_status(words[0:8], TermStatus.NEW)
    kept = vocabulary_controller.coverage_text()
    vocabulary_controller._totals = None
    assert vocabulary_controller.coverage_text() == kept and "Known 0.0%" not in kept


def test_a_list_of_names_marked_ignored_reads_the_learner_s_definitions_once(window, monkeypatch):
    """Each name's definition was made with two reads of the library's definitions and senses and two scans of the
    panel's rows: a list of 5,000 names did 10,000 queries on the GUI thread."""
    from studyapp.library.words import Words

    reads = []
    for name in ("own_definitions", "chosen_senses"):
        read = getattr(Words, name)
        monkeypatch.setattr(Words, name, lambda self, read=read: reads.append(read) or read(self))
    model = window.vocabulary.model
    names = [term.word for term in model.terms[:40]]
    window.vocabulary.set_status(names, TermStatus.IGNORED)
    assert len(reads) == 2
    from studyapp.study.deck import definition

    dictionary = window.session.analyzer.dictionary
    for word in names[:10]:  # each row shows what a name's cards will
        term = model.term_of(word)
        assert term.definition == definition(dictionary, word, term.pinyin, None, True, None)


def test_imported_known_words_are_counted_after_the_word_counts_still_being_stored(window, qtbot, tmp_path,
                                                                                    monkeypatch):
    """The count of listed words the library's texts use was read on the GUI thread at once, before a document's
    word counts still queued on the writer lane (its analysis just stored) were written: "0 of them occur"."""
    import threading

    from studyapp.ui.ops import run_job
    from studyapp.ui.qt import QAction, QFileDialog

    document_id, counts = window.session.document_id, {"联合国": 3, "双方": 18}
    window.library.save_document_words(document_id, {})  # as before the analysis is stored
    stored = threading.Event()

    def store(_report, _cancelled):  # the analysis's counts, written once the test lets them
        stored.wait(10)
        with Library.connect(window.library.path) as library:
            library.save_document_words(document_id, counts)

    run_job(store, name="store analysis", writes=True)
    listing = tmp_path / "list.txt"
    listing.write_text("联合国\n双方\n熊猫\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kwargs: (str(listing), ""))
    [action] = [action for action in window.findChildren(QAction) if action.text() == "&Import Known Words…"]
    action.trigger()
    stored.set()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Marked 3 words known"), timeout=10000)
    assert window.statusBar().currentMessage() == "Marked 3 words known; 2 of them occur in your library's texts."


def test_a_large_selection_costs_the_panel_s_repaint_nothing_per_selected_row(window, qtbot):
    """Issue 22: with 1,000 words selected to study, each repaint of the panel asked the model's row and column
    counts about 7,500 times: the column headers asked whether their whole column was selected, walking every
    selected row. Each ask enters Python from Qt's C++, and waits for the interpreter while a job runs (the study
    list being written): a 100-140 ms stall."""
    import sys

    from studyapp.ui.qt import QItemSelection
    from studyapp.ui.vocabulary import TermTableModel

    vocabulary = window.vocabulary
    model, table = vocabulary.model, vocabulary.panel.table
    vocabulary.dock.show()
    table.resize(600, 400)
    selected = min(model.rowCount(), 400)
    assert selected > 300
    flags = type(table.selectionModel()).SelectionFlag
    table.selectionModel().select(QItemSelection(model.index(0, 0), model.index(selected - 1, 0)),
                                  flags.ClearAndSelect | flags.Rows)
    counted = []
    sys.setprofile(lambda frame, event, _arg: counted.append(1) if event == "call"
                   and frame.f_code in (TermTableModel.rowCount.__code__, TermTableModel.columnCount.__code__) else None)
    try:
        table.grab()
    finally:
        sys.setprofile(None)
    assert 0 < len(counted) < selected  # the rows painted, not the rows selected
    assert vocabulary.selected_rows() == list(range(selected))
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the header still sorts
    assert table.horizontalHeader().sortIndicatorSection() == 0


def test_the_heat_strip_paints_new_counts_without_a_colour_per_pixel_row(window, qtbot, monkeypatch):
    """Issue 22: after each status change (5,000 words marked known) the strip's first repaint worked out every
    pixel row's share and colour in Python (10-20 ms of the GUI thread's stall)."""
    import studyapp.ui.heat_strip as heat

    strip = window.heat_strip
    strip.resize(strip.width(), 400)
    qtbot.waitUntil(lambda: strip.unknown is not None, timeout=5000)
    made = []
    colour = heat.heat_color
    monkeypatch.setattr(heat, "heat_color", lambda share: made.append(share) or colour(share))
    window.view.go_to(0)
    window.vocabulary.mark_page_known()
    qtbot.waitUntil(lambda: strip.unknown is not None and min(s for s in strip.bins() if s is not None) < 1.0,
                    timeout=5000)
    image = strip.grab().toImage()
    assert made == []
    shares = strip.bins()
    assert len(shares) == 400 and len({share for share in shares if share is not None}) > 1
    assert all(image.pixelColor(6, y) == colour(share) for y, share in enumerate(shares) if share is not None)


def test_statuses_read_again_recount_only_the_words_whose_status_changed(window, monkeypatch):
    """After each card rated, the statuses are read again (a mature card's word becomes known): the coverage, the
    table and the heat strip were recounted over every word each time (40-50 ms a card on the novel)."""
    import studyapp.ui.vocabulary as vocabulary

    controller, model = window.vocabulary, window.vocabulary.model
    controller.set_status(["双方"], TermStatus.KNOWN)
    saved(window)
    controller.update_coverage()
    walked, signalled, recounts = [], [], []
    for name in ("coverage", "new_words"):
        rule = getattr(vocabulary, name)
        monkeypatch.setattr(vocabulary, name, lambda *args, rule=rule: walked.append(rule) or rule(*args))
    model.dataChanged.connect(lambda top, bottom, *_: signalled.append((top.row(), bottom.row())))
    monkeypatch.setattr(window.heat_strip, "statuses_changed", lambda: recounts.append(1))
    controller.reload_statuses()  # a card rated that changed no status
    assert (walked, signalled, recounts) == ([], [], [])
    before = window.status.coverage_label.text()
    with Library.open(window.library.path) as other:  # as a mature card and an undo in review would
        other.set_term_status(["联合国"], TermStatus.KNOWN)
        other.set_term_status(["双方"], TermStatus.NEW)
    controller.reload_statuses()
    assert model.status(model.term_of("联合国")) == TermStatus.KNOWN
    assert model.status(model.term_of("双方")) == TermStatus.NEW
    assert walked == [] and recounts and window.status.coverage_label.text() != before
    rows = {model.visible.index(model._position[word]) for word in ("联合国", "双方")}
    assert all(any(top <= row <= bottom for top, bottom in signalled) for row in rows)
    monkeypatch.undo()
    controller._totals = None  # counted afresh from every word: the same figures
    assert controller.coverage_text() in window.status.coverage_label.text()


def test_statuses_set_here_are_held_as_the_plain_ints_the_library_gives(window, monkeypatch):
    """Held as enum members, every later hash and comparison of a status ran Python: a word list of 5,000 made
    new again spent 15-20 ms of the GUI thread on them (issue 22). A name's senses still follow its status."""
    vocabulary_controller = window.vocabulary
    named = []
    monkeypatch.setattr(vocabulary_controller, "definitions_changed", named.extend)
    vocabulary_controller.set_status(["双方", "中国"], TermStatus.IGNORED)
    vocabulary_controller.set_status(["双方"], TermStatus.KNOWN)
    assert {type(vocabulary_controller.statuses[word]) for word in ("双方", "中国")} == {int}
    assert vocabulary_controller.statuses["双方"] == TermStatus.KNOWN and named == ["双方", "中国", "双方"]


def test_a_status_change_after_a_sort_maps_no_shown_row(qtbot, monkeypatch):
    """A map of every shown row, made for the first status change after each sort (a novel's 46,000 rows:
    6-10 ms of the GUI thread, issue 22): the changed words' rows are found in the sort's own array, and the
    signal covers exactly their rows."""
    from studyapp.ui.vocabulary import TermTableModel

    words = [f"词{n}" for n in range(60)]
    model = _standalone_model(words, {})
    model.sort(0, Qt.SortOrder.DescendingOrder)
    mapped = []
    rows = TermTableModel._rows
    monkeypatch.setattr(TermTableModel, "_rows", lambda self: mapped.append(self) or rows(self))
    shown = [model.term_at(row).word for row in range(model.rowCount())]
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.statuses_changed(["词7", "词42", "not in the text"])
    top, bottom = changed.args[0], changed.args[1]
    expected = sorted(shown.index(word) for word in ("词7", "词42"))
    assert (top.row(), bottom.row(), top.column(), bottom.column()) == (expected[0], expected[-1], 6, 8)
    assert mapped == []
    with qtbot.assertNotEmitted(model.dataChanged):
        model.statuses_changed(["not in the text"])
