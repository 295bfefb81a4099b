"""Review figures with a big collection: 20,000 cards and 200,000 review-log rows.

    python benchmarks/review.py

Times what the learner waits for between two cards (rating, then the next card chosen) and the day's counts.
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
from studyapp.review import Rating, Reviewer, ReviewSettings
from studyapp.review import statistics as gather_statistics

CARDS, LOG_ROWS = 20_000, 200_000


def build(library: Library, now: datetime) -> None:
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


def main() -> None:
    now = datetime.now(UTC)
    with Library.open(Path(tempfile.mkdtemp(prefix="studyapp-review-")) / "library.sqlite") as library:
        build(library, now)
        reviewer = Reviewer(library, ReviewSettings(fuzz=False))
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
    print(f"== {CARDS:,} cards, {LOG_ROWS:,} review-log rows; today {counts.due} due, {counts.new} new")
    print(f"today's counts:                      {counting * 1000:.0f} ms")
    print(f"rate a card and choose the next one: median {statistics.median(waits) * 1000:.0f} ms, "
          f"worst {max(waits) * 1000:.0f} ms")
    print(f"statistics: gathered in {gathering * 1000:.0f} ms ({sum(stats.reviews_per_day):,} reviews in 30 days), "
          f"window drawn in {drawing * 1000:.0f} ms (both together: what the learner waits for)")


if __name__ == "__main__":
    main()
