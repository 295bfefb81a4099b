"""Flashcard review on a fixed clock: FSRS's own intervals, undo, the 4 a.m. day across DST, leeches, limits."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from studyapp.library import Library, StudyEntry
from studyapp.study.review import Counts, Kind, Reviewer, ReviewSettings, day_start, study_day

from ...conftest import REPO

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def study(library, words):
    library.add_to_study([StudyEntry(word, "x", f"{word}的句子。", "") for word in words])


def reviewer(library, clock, kinds=(Kind.RECOGNITION,), **settings):
    made = Reviewer(library, ReviewSettings(kinds=kinds, fuzz=False, **settings), zone=BERLIN, clock=clock)
    made.sync_cards()
    return made


def test_a_simulated_month_gives_the_intervals_fsrs_computes(library):
    clock = Clock(START)
    study(library, ["双方"])
    ours = reviewer(library, clock)
    theirs, reference = Scheduler(enable_fuzzing=False), None
    ratings = [Rating.Good, Rating.Good, Rating.Good, Rating.Again, Rating.Good, Rating.Hard, Rating.Good,
               Rating.Easy, Rating.Good]
    card = ours.queue()[0]
    reference = FsrsCard(due=START)
    for rating in ratings:
        clock.now = max(clock.now, card.fsrs.due)
        assert [c.id for c in ours.queue()] == [card.id]  # it is due, and the only card
        card = ours.rate(card.id, rating)
        reference, _log = theirs.review_card(reference, rating, clock.now)
        assert card.fsrs.due == reference.due and card.fsrs.stability == pytest.approx(reference.stability)
    assert clock.now - START > timedelta(days=30)
    assert card.reps == len(ratings) and card.lapses == 1


def test_undo_restores_the_card_and_the_log_exactly(library):
    clock = Clock(START)
    study(library, ["双方"])
    ours = reviewer(library, clock)
    card = ours.rate(ours.queue()[0].id, Rating.Good)
    before = library._query("SELECT * FROM cards"), library._query("SELECT * FROM review_log")
    clock.now += timedelta(minutes=11)
    ours.rate(card.id, Rating.Again)
    ours.undo_last()
    assert (library._query("SELECT * FROM cards"), library._query("SELECT * FROM review_log")) == before


def test_the_day_turns_at_4_am_local_time_across_daylight_saving(library):
    # summer time begins in Berlin on 2026-03-29 (02:00 -> 03:00); it ends on 2026-10-25 (03:00 -> 02:00)
    assert day_start(date(2026, 3, 28), BERLIN) == datetime(2026, 3, 28, 3, 0, tzinfo=UTC)  # 04:00 CET
    assert day_start(date(2026, 3, 29), BERLIN) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # 04:00 CEST
    assert study_day(datetime(2026, 3, 29, 1, 59, tzinfo=UTC), BERLIN) == date(2026, 3, 28)
    assert study_day(datetime(2026, 3, 29, 2, 1, tzinfo=UTC), BERLIN) == date(2026, 3, 29)
    assert day_start(date(2026, 10, 25), BERLIN) == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)  # 04:00 CET again
    assert study_day(datetime(2026, 10, 25, 2, 30, tzinfo=UTC), BERLIN) == date(2026, 10, 24)
    # a review card due at 02:30 UTC on the 29th (04:30 CEST) belongs to the 29th: at 03:45 CEST it is not due
    # yet (a fixed +1 offset would end that study day at 03:00 UTC and show it), at 04:05 CEST it is
    study(library, ["双方"])
    clock = Clock(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    ours = reviewer(library, clock)
    card = ours.queue()[0]
    for rating in (Rating.Good, Rating.Good):
        clock.now = max(clock.now, card.fsrs.due)
        card = ours.rate(card.id, rating)
    library._connection.execute("UPDATE cards SET due = ?, fsrs = json_set(fsrs, '$.due', ?)",
                                ("2026-03-29T02:30:00+00:00", "2026-03-29T02:30:00+00:00"))
    clock.now = datetime(2026, 3, 29, 1, 45, tzinfo=UTC)  # 03:45 CEST: still the 28th's study day
    assert ours.queue() == []
    clock.now = datetime(2026, 3, 29, 2, 5, tzinfo=UTC)  # 04:05 CEST: the 29th
    assert [c.word for c in ours.queue()] == ["双方"]


def test_the_eighth_lapse_suspends_the_card_as_a_leech(library):
    clock = Clock(START)
    study(library, ["难词"])
    ours = reviewer(library, clock)
    card = ours.queue()[0]
    while card.lapses < 8:
        clock.now = max(clock.now, card.fsrs.due)
        rating = Rating.Again if card.fsrs.state.name == "Review" else Rating.Good
        card = ours.rate(card.id, rating)
        assert card.suspended == (card.lapses >= 8)
    assert card.leech and ours.suspended()[0].id == card.id
    clock.now += timedelta(days=400)
    assert ours.queue() == []
    ours.unsuspend([card.id])
    assert [c.id for c in ours.queue()] == [card.id]


def test_new_cards_keep_the_daily_limit_and_siblings_wait(library):
    clock = Clock(START)
    study(library, [f"词{n}" for n in range(30)])
    ours = reviewer(library, clock, kinds=tuple(Kind), new_per_day=20)
    assert library._query("SELECT COUNT(*) FROM cards") == [(90,)]
    queue = ours.queue()
    assert len(queue) == 20 and len({card.word for card in queue}) == 20
    ours.rate(queue[0].id, Rating.Easy)
    assert queue[0].word not in {card.word for card in ours.queue()}  # its other cards wait for tomorrow
    counts = ours.counts()
    assert counts.new == 19 and counts.due == 0
    clock.now += timedelta(days=1)
    assert len(ours.queue()) == 20


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from studyapp.study.review import Reviewer, ReviewSettings, Rating
    from studyapp.library import Library
    library = Library.open(sys.argv[1])
    reviewer = Reviewer(library, ReviewSettings(fuzz=False))
    card = reviewer.queue()[0]
    reviewer.rate(card.id, Rating.Good)
    print("RATED", flush=True)
    time.sleep(60)
    reviewer.rate(reviewer.queue()[0].id, Rating.Good)
""")


def test_killing_the_app_between_two_ratings_keeps_the_first(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        study(library, ["双方", "声明"])
        Reviewer(library, ReviewSettings(fuzz=False)).sync_cards()
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(path)], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert process.stdout.readline().strip() == "RATED"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    with Library.open(path) as library:
        assert library._query("SELECT COUNT(*) FROM review_log") == [(1,)]
        assert library._query("SELECT SUM(reps) FROM cards") == [(1,)]


def test_review_command_counts_today_and_exports_the_log(tmp_path, capsys):
    import json

    from studyapp.cli import main

    with Library.open() as library:
        study(library, ["双方", "声明"])
    assert main(["review", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"due": 0, "new": 2, "learning": 0}
    with Library.open() as library:
        ours = Reviewer(library, ReviewSettings(fuzz=False))
        ours.sync_cards()  # as the window does: the command only reads
        ours.rate(ours.queue()[0].id, Rating.Good, duration_ms=3200)
    out = tmp_path / "log.csv"
    assert main(["review", "--export-log", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "card_id,review_time,review_rating,review_state,review_duration"
    card_id, when, rating, state, duration = lines[1].split(",")
    assert rating == "3" and state == "0" and duration == "3200" and int(when) > 1_700_000_000_000


def test_the_deck_and_the_reader_agree(library):
    from studyapp.study.deck import TermStatus

    clock = Clock(START)
    study(library, ["双方", "声明"])
    ours = reviewer(library, clock)
    library.set_term_status(["声明"], TermStatus.KNOWN)
    assert [card.word for card in ours.queue()] == ["双方"]  # a known word leaves the new-card queue
    card = ours.queue()[0]
    while card.fsrs.due - clock.now < timedelta(days=21):
        clock.now = max(clock.now, card.fsrs.due)
        card = ours.rate(card.id, Rating.Easy)
    assert library.term_statuses()["双方"] == TermStatus.KNOWN  # mature recognition: known in the reader


def test_statistics_count_reviews_retention_states_and_the_forecast(library):
    from studyapp.study.review import statistics

    clock = Clock(START)
    study(library, ["双方", "声明", "如下"])
    ours = reviewer(library, clock)
    cards = ours.queue()
    for card in cards[:2]:
        ours.rate(card.id, Rating.Easy)
    clock.now += timedelta(days=40)
    review = ours.queue()[0]
    ours.rate(review.id, Rating.Again)  # forgotten: a lapse in review
    stats = statistics(ours)
    assert sum(stats.reviews_per_day) == 1 and stats.reviews_per_day[-1] == 1  # the earlier ones are >30 days ago
    assert stats.true_retention == 0.0
    assert stats.cards_by_state == {"new": 1, "learning": 0, "review": 1, "relearning": 1, "suspended": 0}
    assert sum(stats.forecast) == 2 and len(stats.forecast) == 30


def test_the_forecast_leaves_out_cards_due_after_its_last_day(library):
    from studyapp.study.review import statistics

    clock = Clock(START)
    study(library, ["双方"])
    ours = reviewer(library, clock)
    card = ours.queue()[0]
    while card.fsrs.due - clock.now < timedelta(days=40):
        clock.now = max(clock.now, card.fsrs.due)
        card = ours.rate(card.id, Rating.Easy)
    assert sum(statistics(ours).forecast) == 0  # failed with an IndexError before


def test_optimising_from_the_learners_own_log_fits_it_better(library):
    import random

    from studyapp.errors import StudyAppError
    from studyapp.study.review import optimise

    clock = Clock(START)
    study(library, [f"词{n}" for n in range(60)])
    ours = reviewer(library, clock, new_per_day=60, reviews_per_day=1000)
    with pytest.raises(StudyAppError, match="needs 1,000 reviews"):
        optimise(ours)
    rng = random.Random(3)
    reviews = 0
    while reviews < 1100:  # a learner who forgets more than FSRS's defaults expect
        for card in ours.queue():
            ours.rate(card.id, rng.choices([Rating.Again, Rating.Hard, Rating.Good], [4, 2, 4])[0])
            reviews += 1
        clock.now += timedelta(days=1)
    default = ours.parameters()
    result = optimise(ours)
    assert result.reviews >= 1000 and result.log_loss_after <= result.log_loss_before
    assert ours.parameters() == result.parameters != default
    assert Reviewer(library, zone=BERLIN).scheduler.parameters == result.parameters  # kept in the library


def test_the_review_command_writes_nothing_to_the_library(tmp_path, capsys):
    import json
    import shutil

    from studyapp.cli import main

    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        study(library, ["双方", "声明", "合作"])
        library.set_term_status(["合作"], 2)  # known: its new cards are not shown
        backups = library.backup_folder()
    shutil.rmtree(backups)  # as on the first use of a new day
    before = path.read_bytes()
    assert main(["review", "--json", "--library", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"due": 0, "new": 2, "learning": 0}
    assert path.read_bytes() == before
    assert not backups.exists()  # not even the day's backup: reading is no use of the library
    with Library.open(path) as library:
        assert library._query("SELECT COUNT(*) FROM cards") == [(0,)]
        assert Reviewer(library).sync_cards() == 9  # the window makes them when it shows the review
        assert Reviewer(library).counts() == Counts(0, 2, 0)  # the same counts once they are made


def test_the_queue_takes_only_the_kinds_the_learner_chose(library):
    from studyapp.study.review import load_settings, save_settings

    clock = Clock(START)
    study(library, ["双方", "声明"])
    reviewer(library, clock, kinds=tuple(Kind))  # cards of all three kinds exist, from before
    save_settings(library, ReviewSettings(new_per_day=5, kinds=(Kind.RECOGNITION,)))
    assert load_settings(library) == ReviewSettings(new_per_day=5, kinds=(Kind.RECOGNITION,))
    ours = Reviewer(library, zone=BERLIN, clock=clock)  # the learner's options, from the library
    for _day in range(3):
        for card in ours.queue():
            assert card.kind == Kind.RECOGNITION
            ours.rate(card.id, Rating.Good)
        clock.now += timedelta(days=1)
    assert {kind for (kind,) in library._query("SELECT DISTINCT c.kind FROM review_log l JOIN cards c"
                                               " ON c.id = l.card_id")} == {"recognition"}


def test_cards_and_exports_show_the_clauses_translation_as_it_is_now(library, tmp_path):
    from studyapp import text
    from studyapp.study.deck_export import export_deck, study_cards

    from .test_deck_export import anki_notes

    document = text.split("中俄双方本着伙伴精神，声明如下：")
    identifier = library.add_document(document, "t", None)
    first = library.segments(identifier)[0]
    library.add_to_study([StudyEntry("本着", "běn zhe", document.clause_text(0), "", identifier, first.start)])
    library.save_translation(first.id, "In the spirit of partnership,")  # typed after the word was added
    ours = reviewer(library, Clock(START), kinds=(Kind.CLOZE,))
    assert ours.queue()[0].context_translation == "In the spirit of partnership,"
    made = study_cards(library.study_list(), {})
    assert made[0].context_translation == "In the spirit of partnership,"
    package = tmp_path / "study.apkg"
    package.write_bytes(export_deck(made, "apkg"))
    assert anki_notes(package, tmp_path / "c.anki2")["本着"]["ContextTranslation"] == "In the spirit of partnership,"


def test_a_card_with_a_damaged_schedule_is_named_in_one_line_and_the_rest_still_reviews(tmp_path, capsys):
    import json

    from studyapp.cli import main
    from studyapp.study.review import statistics

    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        study(library, ["双方", "声明", "合作"])
        Reviewer(library, ReviewSettings(fuzz=False)).sync_cards()
        with library.transaction() as db:  # as a hand edit, or a damaged page, leaves it
            db.execute("UPDATE cards SET fsrs = '{\"card_id\": 1, \"state\"' WHERE word = '声明' AND kind = 'recognition'")
    assert main(["review", "--json", "--library", str(path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"due": 0, "new": 3, "learning": 0}  # 声明's other cards stand in
    assert captured.err.count("\n") == 1 and captured.err.startswith("studyapp: ") and "声明" in captured.err
    assert "recognition" in captured.err
    assert "Traceback" not in captured.err
    with Library.open(path) as library:
        ours = Reviewer(library, ReviewSettings(fuzz=False), zone=BERLIN)
        queue = ours.queue()
        assert [card.word for card in queue] == ["双方", "声明", "合作"]
        assert queue[1].kind != Kind.RECOGNITION and len(ours.damaged) == 1
        ours.rate(queue[0].id, Rating.Good)
        assert statistics(ours).cards_by_state["learning"] == 1


def test_options_an_earlier_version_kept_in_settings_json_are_carried_into_the_library_once(library):
    from studyapp.study.review import adopt_options, load_settings

    old_file = {"new_cards_per_day": 5, "reviews_per_day": 50, "desired_retention": 0.85, "card_kinds": ["recall"],
                "font_size": 30, "kinds": ["cloze"]}  # the window's own settings, and a name no version gave them
    adopt_options(library, old_file)
    carried = ReviewSettings(new_per_day=5, reviews_per_day=50, desired_retention=0.85, kinds=(Kind.RECALL,))
    assert load_settings(library) == carried
    adopt_options(library, {"new_cards_per_day": 9})  # the library holds its own now: an old file never wins
    assert load_settings(library) == carried


def test_each_review_option_is_named_once_and_every_old_name_reaches_one():
    from studyapp.study.review import LEGACY_NAMES, STORED_OPTIONS

    assert STORED_OPTIONS == ("new_per_day", "reviews_per_day", "desired_retention", "kinds")  # fuzz is not kept
    assert set(LEGACY_NAMES.values()) == set(STORED_OPTIONS)


def test_the_queue_counts_todays_reviews_without_reading_their_logged_json(library, monkeypatch):
    """Before each card the queue tallies today's reviews: from the log's indexes, not by parsing every logged
    state (the wait between cards grew eightfold on a day of 900 reviews)."""
    import json

    from studyapp.library.cards import NEW_CARD_REVIEW

    clock = Clock(START)
    study(library, [f"词{n}" for n in range(12)])
    ours = reviewer(library, clock, new_per_day=10)
    for card in ours.queue()[:6]:
        ours.rate(card.id, Rating.Good if card.word != "词0" else Rating.Again)
    parsed: list[object] = []
    loads = json.loads
    monkeypatch.setattr("studyapp.study.review.json.loads", lambda text, **kw: parsed.append(loads(text)) or parsed[-1])
    queue = ours.queue()
    counts = ours.counts()
    assert not [value for value in parsed if isinstance(value, dict) and "reps" in value]  # no logged state read
    assert sum(card.is_new for card in queue) == 4 and counts.new == 4  # 6 of the 10 new cards were done today
    plan = library._query(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM review_log WHERE reviewed_at >= ? AND "
                          f"{NEW_CARD_REVIEW}", ("2026-03-01",))
    assert any("review_log_new_by_time" in row[-1] for row in plan)
    plan = library._query("EXPLAIN QUERY PLAN SELECT DISTINCT c.word FROM review_log l JOIN cards c ON c.id ="
                          " l.card_id WHERE l.reviewed_at >= ?", ("2026-03-01",))
    assert any("COVERING INDEX review_log_cards_by_time" in row[-1] for row in plan)  # no log row is read


def test_each_cards_stored_schedule_is_read_once_while_it_does_not_change(library, monkeypatch):
    """The queue is built again before every card from the day's candidates: each one's schedule is parsed the
    first time only, and again once a rating has changed it."""
    import json

    clock = Clock(START)
    study(library, [f"词{n}" for n in range(8)])
    ours = reviewer(library, clock)
    first = ours.queue()
    parsed: list[object] = []
    loads = json.loads
    monkeypatch.setattr("studyapp.study.review.json.loads", lambda text, **kw: parsed.append(text) or loads(text))
    assert [card.id for card in ours.queue()] == [card.id for card in first]
    assert parsed == []
    ours.rate(first[0].id, Rating.Good)
    ours.queue()
    assert parsed and all(f'"card_id": {first[0].fsrs.card_id}' in text for text in parsed)


def test_the_queue_reads_the_new_cards_the_days_limit_takes_not_every_one(library, monkeypatch):
    """A study list of 300 words holds 900 new cards; the day takes 20 (one per word): the queue reads a page
    of them, not all 900, before every card."""
    from studyapp.library import Library as Store

    clock = Clock(START)
    study(library, [f"词{n:03d}" for n in range(300)])
    ours = reviewer(library, clock, kinds=tuple(Kind), new_per_day=20)
    read: list[int] = []
    rows = Store.due_card_rows
    monkeypatch.setattr(Store, "due_card_rows", lambda *a, **k: read.append(len(found := rows(*a, **k))) or found)
    queue = ours.queue()
    assert [card.word for card in queue] == [f"词{n:03d}" for n in range(20)]
    assert sum(read) <= 100
    ours.rate(queue[0].id, Rating.Good)
    assert ours.counts().new == 19 and "词000" not in {card.word for card in ours.queue() if card.is_new}


def test_the_days_reviews_are_read_once_then_only_those_logged_since(library, monkeypatch):
    """Every word reviewed today was read again before each card (900 on a busy day: the wait between cards 1.8x
    a fresh day's). Now only the reviews logged since are read; an undo, another connection's review and the
    next study day are still seen."""
    from studyapp.library import Library as Store

    clock = Clock(START)
    study(library, [f"词{n}" for n in range(12)])
    ours = reviewer(library, clock, new_per_day=10)
    for card in ours.queue()[:3]:
        ours.rate(card.id, Rating.Good)
    full: list[str] = []
    everything = Store.reviewed_since
    monkeypatch.setattr(Store, "reviewed_since", lambda self, since: full.append(since) or everything(self, since))

    def today():
        return ours._reviewed_today(clock.now)

    def truth():
        found = everything(library, day_start(study_day(clock.now, BERLIN), BERLIN).astimezone(UTC).isoformat())
        return found.words, found.new, found.reviews

    assert today() == truth()
    for card in ours.queue()[:2]:
        ours.rate(card.id, Rating.Good)
        assert today() == truth()
    assert full == []  # each rating read as one more review, never the whole day again
    ours.undo_last()
    assert today() == truth() and today()[1] == 4 and len(full) == 1  # a review went away: the day read again
    with Store.open(library.path) as other:  # another window rates a card
        Reviewer(other, ReviewSettings(kinds=(Kind.RECOGNITION,), fuzz=False), zone=BERLIN, clock=clock).rate(
            ours.queue()[0].id, Rating.Good)
    assert today() == truth() and today()[1] == 5
    clock.now += timedelta(days=1)
    assert today() == (set(), 0, 0)
