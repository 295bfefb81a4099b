"""Review figures with a big collection: 20,000 cards and 200,000 review-log rows.

    python benchmarks/review.py

Times what the learner waits for between two cards (rating, then the next card chosen) and the day's counts,
first on a fresh study day, then on a day with 900 reviews already done (a daily limit of 1,000): the queue
tallies every review logged today before each card, so that is the day where the wait would grow (it did, 7.3x,
while the tally parsed each review's JSON; it counts from the log's indexes now).
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Card as FsrsCard
from fsrs import State

from studyapp.library import Library, StudyEntry
from studyapp.study.review import Counts, Rating, Reviewer, ReviewSettings, day_start, local_zone, study_day
from studyapp.study.review import statistics as gather_statistics

CARDS, LOG_ROWS, DONE_TODAY = 20_000, 200_000, 900


def build(library: Library, now: datetime, done_today: int = 0) -> None:
    """The collection; ``done_today`` more log rows fall between the start of this study day and now."""
    rng = random.Random(1)
    words = [f"词{number:05d}" for number in range(CARDS)]
    with library.transaction():  # one write: the library's calls inside join it
        library.add_to_study(StudyEntry(word, "cí", f"{word}的句子。", "") for word in words)
        schedules = []
        for word in words:
            due = now + timedelta(days=rng.uniform(-0.2, 60))
            card = FsrsCard(state=State.Review, step=None, stability=rng.uniform(1, 100), difficulty=5.0, due=due,
                            last_review=now - timedelta(days=3))
            schedules.append((word, "recognition", json.dumps(card.to_dict()), due.isoformat()))
        library.add_cards(schedules, now.isoformat())
        for card_id, (_word, _kind, fsrs, due) in enumerate(schedules, 1):  # ids in the order they were added
            library.save_card(card_id, fsrs, due, reps=5, lapses=0, suspended=False, leech=False)
        state = json.dumps({"fsrs": FsrsCard().to_dict(), "reps": 3, "lapses": 0, "suspended": False,
                            "leech": False})
        for _ in range(LOG_ROWS):
            card_id = rng.randrange(1, CARDS + 1)
            reviewed_at = now - timedelta(minutes=rng.uniform(60 * 24, 60 * 24 * 365))
            library.log_review(card_id, reviewed_at.isoformat(), 3, 4000, state, state)
        morning = day_start(study_day(now, local_zone()), local_zone())
        for _ in range(done_today):
            reviewed_at = morning + (now - morning) * rng.random()
            library.log_review(rng.randrange(1, CARDS + 1), reviewed_at.isoformat(), 3, 4000, state, state)


def between_cards(reviewer: Reviewer) -> tuple[Counts, float, list[float]]:
    """Today's counts and the seconds to count them, and for each of 50 cards the seconds to rate it and choose
    the next."""
    started = time.perf_counter()
    counts = reviewer.counts()
    counting = time.perf_counter() - started
    waits = []
    for _ in range(50):
        started = time.perf_counter()
        card = reviewer.queue()[0]
        reviewer.rate(card.id, Rating.Good)
        reviewer.queue()
        waits.append(time.perf_counter() - started)
    return counts, counting, waits


def busy_day(now: datetime) -> tuple[Counts, float, list[float]]:
    with Library.open(Path(tempfile.mkdtemp(prefix="studyapp-review-")) / "library.sqlite") as library:
        build(library, now, DONE_TODAY)
        return between_cards(Reviewer(library, ReviewSettings(fuzz=False, reviews_per_day=1_000)))


def main() -> None:
    now = datetime.now(UTC)
    with Library.open(Path(tempfile.mkdtemp(prefix="studyapp-review-")) / "library.sqlite") as library:
        build(library, now)
        reviewer = Reviewer(library, ReviewSettings(fuzz=False))
        counts, counting, waits = between_cards(reviewer)
        started = time.perf_counter()
        stats = gather_statistics(reviewer)
        gathering = time.perf_counter() - started
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from studyapp.ui.qt import QApplication
        from studyapp.ui.stats_view import StatisticsWindow

        app = QApplication.instance() or QApplication([])
        started = time.perf_counter()
        window = StatisticsWindow(reviewer)
        window.show()
        window.repaint()
        app.processEvents()
        drawing = time.perf_counter() - started
    busy_counts, busy_counting, busy_waits = busy_day(now)
    print(f"== {CARDS:,} cards, {LOG_ROWS:,} review-log rows; today {counts.due} due, {counts.new} new "
          f"(with {DONE_TODAY} done: {busy_counts.due} due)")
    for day, counted, waited in (("fresh day", counting, waits),
                                 (f"{DONE_TODAY} reviews done today", busy_counting, busy_waits)):
        print(f"{day + ':':<24} today's counts {counted * 1000:4.0f} ms ({counted / counting:.1f}x the fresh day); "
              f"rate a card and choose the next one: median {statistics.median(waited) * 1000:.0f} ms "
              f"({statistics.median(waited) / statistics.median(waits):.1f}x), worst {max(waited) * 1000:.0f} ms")
    print(f"statistics: gathered in {gathering * 1000:.0f} ms ({sum(stats.reviews_per_day):,} reviews in 30 days), "
          f"window drawn in {drawing * 1000:.0f} ms (both together: what the learner waits for)")


if __name__ == "__main__":
    main()
