"""Flashcard review: cards for the words on the study list, scheduled by FSRS (the ``fsrs`` package), a daily
queue with Anki's limits and sibling burying, every rating logged so the schedule can be rebuilt, undo, leeches.

Time is stored in UTC; a study day runs from 4 a.m. local time to 4 a.m. the next day, as in Anki, computed in
the local time zone so it holds across daylight-saving changes. Worked example (Europe/Berlin, the night summer
time begins, 2026-03-29): a card due at 01:30 UTC on the 29th is due "today" when reviewing at 03:30 local on the
29th (the study day of the 28th, which ends at 04:00 CEST = 02:00 UTC), and a review at 05:00 local belongs to the
29th.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from ..bounded_cache import BoundedCache
from ..errors import StudyAppError
from ..files import write_atomically
from ..library import UNDERSTOOD, CardRow, Library, TermStatus
from ..library.cards import ReviewedSince

ROLLOVER_HOUR = 4
LEECH_LAPSES = 8
LEARN_AHEAD = timedelta(minutes=20)  # learning cards due this soon are shown now, as in Anki
MATURE = timedelta(days=21)  # Anki's mature interval: the word then counts as known in the reader

log = logging.getLogger(__name__)


class Kind(StrEnum):
    """Card types; each is scheduled on its own."""

    RECOGNITION = "recognition"  # hanzi -> pinyin and meaning
    RECALL = "recall"  # meaning and pinyin -> hanzi
    CLOZE = "cloze"  # the word's clause with the word blanked, the learner's translation under it


def blanked(context: str, word: str) -> str:
    """The front of a cloze card: the clause with the word blanked, one gap per character."""
    return context.replace(word, "［" + "＿" * len(word) + "］")


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """The learner's review options. They live in the library beside the FSRS parameters (``load_settings``,
    ``save_settings``), so the window, ``studyapp review`` and the Anki export all follow the same choice."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    desired_retention: float = 0.9
    kinds: tuple[Kind, ...] = (Kind.RECOGNITION, Kind.RECALL, Kind.CLOZE)
    #: spread due dates a little, as Anki does (tests turn it off; not a stored option)
    fuzz: bool = field(default=True, metadata={"stored": False})


#: The options kept in the library's ``review_settings`` table, each under its field name, as JSON.
STORED_OPTIONS = tuple(option.name for option in fields(ReviewSettings) if option.metadata.get("stored", True))
#: The names earlier versions gave these options in settings.json (``adopt_options`` carries them over once).
LEGACY_NAMES = {"new_cards_per_day": "new_per_day", "reviews_per_day": "reviews_per_day",
                "desired_retention": "desired_retention", "card_kinds": "kinds"}


def load_settings(library: Library) -> ReviewSettings:
    """The learner's review options from the library; a missing or unreadable one keeps its default."""
    stored = library.review_options(STORED_OPTIONS)
    defaults = ReviewSettings()
    chosen: dict[str, Any] = {}
    for name in STORED_OPTIONS:
        try:
            value = json.loads(stored[name])
        except (KeyError, ValueError):
            continue
        if name == "kinds":
            kinds = tuple(Kind(kind) for kind in value if kind in Kind._value2member_map_) \
                if isinstance(value, list) else ()
            if kinds:
                chosen[name] = kinds
        elif isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 \
                and (name != "desired_retention" or 0 < value < 1):
            chosen[name] = type(getattr(defaults, name))(value)
    return replace(defaults, **chosen)


def adopt_options(library: Library, saved_settings: dict) -> None:
    """The review options an earlier version kept in settings.json (``saved_settings``, the file's entries),
    carried into a library that holds none of its own yet (``load_settings`` checks each value)."""
    carried = {LEGACY_NAMES[name]: json.dumps(value) for name, value in saved_settings.items() if name in LEGACY_NAMES}
    if carried:
        library.adopt_review_options(carried, STORED_OPTIONS)


def save_settings(library: Library, settings: ReviewSettings) -> None:
    """Keep the learner's review options in the library, in one transaction."""
    values = {name: getattr(settings, name) for name in STORED_OPTIONS}
    values["kinds"] = [Kind(kind).value for kind in settings.kinds]
    library.set_review_options({name: json.dumps(value) for name, value in values.items()})


@dataclass(frozen=True, slots=True)
class ReviewCard:
    id: int
    word: str
    kind: Kind
    reading: str
    context: str
    context_translation: str
    fsrs: FsrsCard
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    document_id: str | None = None  # the document the word was met in
    position: int | None = None  # where its clause starts in that document's text, when known

    @property
    def is_new(self) -> bool:
        return self.reps == 0


@dataclass(frozen=True, slots=True)
class Counts:
    due: int  # review cards due today
    new: int  # new cards that will be introduced today
    learning: int  # cards in (re)learning steps due today


def local_zone() -> tzinfo:
    """The machine's time zone with its DST rules where the system tells them, else the current offset."""
    try:
        from zoneinfo import ZoneInfo

        with open("/etc/localtime", "rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo or UTC


def study_day(moment: datetime, zone: tzinfo) -> date:
    """The study day a moment belongs to: days turn at 4 a.m. local time."""
    return (moment.astimezone(zone) - timedelta(hours=ROLLOVER_HOUR)).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """When a study day begins, in UTC (4 a.m. local on that date, whatever the offset is then)."""
    return datetime.combine(day, time(ROLLOVER_HOUR), tzinfo=zone).astimezone(UTC)


def day_end(moment: datetime, zone: tzinfo) -> datetime:
    return day_start(study_day(moment, zone) + timedelta(days=1), zone)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


#: A word the learner marked known (or ignored) in the reader leaves the new-card queue (UNDERSTOOD); a word
#: not marked yet, or marked learning, becomes known when its recognition card matures.
_PROMOTED_FROM = (TermStatus.NEW, TermStatus.LEARNING)


def _write_card(library: Library, card_id: int, state: dict) -> None:
    """A card's row from the state a review log keeps of it (after a rating, or before it for an undo)."""
    due = FsrsCard.from_dict(state["fsrs"]).due
    library.save_card(card_id, json.dumps(state["fsrs"]), _iso(due), state["reps"], state["lapses"],
                      state["suspended"], state["leech"])


class ReviewedToday:
    """What the study day's reviews are (their words, how many were of new cards and of the others), read in full
    once and then from the reviews logged since: before each card the queue asked for every word reviewed
    today, 900 of them on a busy day (the wait between cards 1.8x a fresh day's). Reviews logged meanwhile by
    anyone (another window, the command line) are read too; when the day's count says a review went away (undo,
    a card deleted) or the day changed, everything is read again."""

    def __init__(self) -> None:
        self.since: str | None = None
        self.last_id = 0
        self.found = ReviewedSince(set(), 0, 0)

    def read(self, library: Library, since: str) -> ReviewedSince:
        counted = library.reviews_counted_since(since)
        if since == self.since:
            added = library.reviewed_after(self.last_id, since)
            found = self.found
            if found.new + found.reviews + len(added) == counted:  # nothing went away: only these are new
                if added:
                    new = sum(1 for _id, _word, was_new in added if was_new)
                    self.found = ReviewedSince(found.words | {word for _id, word, _new in added},
                                               found.new + new, found.reviews + len(added) - new)
                    self.last_id = max(row_id for row_id, _word, _new in added)
                return self.found
        self.since, self.last_id = since, library.last_review_id()  # read before: a review after it is read again
        self.found = library.reviewed_since(since)
        return self.found


class Reviewer:
    """The review side of the library: one per thread, over the library's connection."""

    def __init__(self, library: Library, settings: ReviewSettings | None = None, zone: tzinfo | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.library = library
        self.settings = settings or load_settings(library)
        self.zone = zone or local_zone()
        self.clock = clock or (lambda: datetime.now(UTC))
        #: card id -> one line naming a card whose stored schedule cannot be read (a hand-edited or damaged
        #: library); such a card is left out and every other card still reviews
        self.damaged: dict[int, str] = {}
        self.scheduler = Scheduler(parameters=self.parameters(), desired_retention=self.settings.desired_retention,
                                   enable_fuzzing=self.settings.fuzz)
        #: stored schedule (JSON, with the card's id) -> its FSRS card: the queue is built before every card from
        #: the day's few hundred candidates, and parsing each again was most of the wait between cards (FSRS
        #: copies a card before changing it, so one parsed card is safely shared)
        self._parsed: BoundedCache[str, FsrsCard] = BoundedCache(
            lambda stored: FsrsCard.from_dict(json.loads(stored)), limit=50_000)
        self._today = ReviewedToday()

    def parameters(self) -> tuple[float, ...]:
        """FSRS's default parameters, or those optimised from this library's own log."""
        stored = self.library.review_options([FSRS_PARAMETERS]).get(FSRS_PARAMETERS)
        return tuple(json.loads(stored)) if stored else tuple(Scheduler().parameters)

    # --- cards ----------------------------------------------------------------------------------------------
    def sync_cards(self) -> int:
        """Make the chosen kinds of card for every word on the study list that lacks them (existing cards keep
        their history). Returns how many were made."""
        now = self.clock()
        with self.library.transaction():
            missing = self.library.missing_cards(self._kind_values())
            first_id = int(now.timestamp() * 1000)  # FSRS's own card ids are creation times in ms
            self.library.add_cards([(word, kind, json.dumps(FsrsCard(card_id=first_id + n, due=now).to_dict()),
                                     _iso(now)) for n, (word, kind) in enumerate(missing)], _iso(now))
        return len(missing)

    def _kind_values(self) -> list[str]:
        return [Kind(kind).value for kind in self.settings.kinds]

    def _unmade_cards(self, now: datetime) -> Iterator[ReviewCard]:
        """The new cards ``sync_cards`` would make now, without making them (what a read-only count needs), made
        one by one as the queue takes them: a library of 20,000 words may lack 40,000."""
        understood = {word for word, status in self.library.term_statuses().items() if status in UNDERSTOOD}
        for word, kind in self.library.missing_cards(self._kind_values()):
            if word not in understood:
                yield ReviewCard(0, word, Kind(kind), "", "", "", FsrsCard(card_id=0, due=now), 0, 0, False, False)

    def _cards(self, rows: Iterable[CardRow]) -> list[ReviewCard]:
        """The cards whose stored schedule can be read (each other one is named in ``damaged``)."""
        cards = []
        for row in rows:
            schedule = self._schedule(row.id, row.word, row.kind, row.fsrs)
            if schedule is not None:
                cards.append(ReviewCard(row.id, row.word, Kind(row.kind), row.reading, row.context,
                                        row.context_translation, schedule, row.reps, row.lapses, row.suspended,
                                        row.leech, row.document_id, row.position))
        return cards

    def _schedule(self, card_id: int, word: str, kind: str, stored: str) -> FsrsCard | None:
        """The card's FSRS state as stored, or None (and a line in ``damaged``) when it cannot be read."""
        try:
            return self._parsed(stored)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            if card_id not in self.damaged:
                log.warning("card %s (%s, %s) has an unreadable schedule %r: %s", card_id, word, kind, stored, error)
                self.damaged[card_id] = (f"The {kind} card {card_id} of {word} is damaged (its stored schedule "
                                         "cannot be read); it was left out of the review, the others are as usual.")
            return None

    def card(self, card_id: int) -> ReviewCard:
        row = self.library.card_row(card_id)
        found = self._cards([row] if row else [])
        if not found:
            raise StudyAppError("That card is no longer in the library.")
        return found[0]

    # --- the queue ------------------------------------------------------------------------------------------
    def _reviewed_today(self, now: datetime) -> tuple[set[str], int, int]:
        """Words reviewed this study day, and how many new cards and reviews were done today."""
        found = self._today.read(self.library, _iso(day_start(study_day(now, self.zone), self.zone)))
        return found.words, found.new, found.reviews

    def queue(self, now: datetime | None = None) -> list[ReviewCard]:
        """Today's cards in the order to show them: learning cards due now, then reviews due today, then new
        cards, within the daily limits, one card per word (siblings wait for another day, as in Anki), then
        learning cards due within 20 minutes."""
        now = now or self.clock()
        return self._chosen_for_today(*self._candidates(now), now)

    def _candidates(self, now: datetime) -> tuple[list[ReviewCard], Iterator[ReviewCard]]:
        """Cards of the chosen kinds due by the end of the study day, oldest due first: those reviewed before,
        and the new ones, read a page at a time as the day's limit takes them (a study list of 1,000 words holds
        3,000 new cards; reading each before every card was most of the wait between cards)."""
        before, kinds = _iso(day_end(now, self.zone)), self._kind_values()
        return self._cards(self.library.due_card_rows(before, kinds, UNDERSTOOD, new=False)), \
            self._new_cards(before, kinds)

    def _new_cards(self, before: str, kinds: list[str]) -> Iterator[ReviewCard]:
        page, offset = max(100, 4 * self.settings.new_per_day), 0
        while True:
            rows = self.library.due_card_rows(before, kinds, UNDERSTOOD, new=True, limit=page, offset=offset)
            yield from self._cards(rows)
            if len(rows) < page:
                return
            offset += page

    def _chosen_for_today(self, candidates: list[ReviewCard], new: Iterable[ReviewCard], now: datetime,
                          unmade: Iterable[ReviewCard] = ()) -> list[ReviewCard]:
        """``candidates``: the cards reviewed before, due today; ``new``: the new ones, oldest due first;
        ``unmade``: new cards not made yet, due after every card made (they would be made now)."""
        seen, new_done, reviews_done = self._reviewed_today(now)
        learning, ahead, reviews = [], [], []
        for card in candidates:
            if card.fsrs.state in (State.Learning, State.Relearning):
                if card.fsrs.due <= now:
                    learning.append(card)
                elif card.fsrs.due <= now + LEARN_AHEAD:
                    ahead.append(card)  # shown early only when nothing else is left, as in Anki
            else:
                reviews.append(card)
        chosen: list[ReviewCard] = list(learning)
        words = {card.word for card in learning + ahead} | seen
        for pool, limit in ((reviews, self.settings.reviews_per_day - reviews_done),
                            (chain(new, unmade), self.settings.new_per_day - new_done)):
            taken = 0
            for card in pool:
                if taken >= limit:
                    break
                if card.word in words:
                    continue
                words.add(card.word)
                chosen.append(card)
                taken += 1
        return chosen + ahead

    def counts(self, now: datetime | None = None, queue: list[ReviewCard] | None = None) -> Counts:
        """Today's counts, from ``queue`` when the caller has just built it. Without one, cards not made yet
        for words on the study list count as the new cards they will be, so counting writes nothing."""
        if queue is None:
            now = now or self.clock()
            queue = self._chosen_for_today(*self._candidates(now), now, self._unmade_cards(now))
        learning = sum(1 for card in queue if not card.is_new and card.fsrs.state != State.Review)
        new = sum(1 for card in queue if card.is_new)
        return Counts(len(queue) - learning - new, new, learning)

    def next_intervals(self, card: ReviewCard, now: datetime | None = None) -> dict[Rating, timedelta]:
        """When the card would come back after each rating (shown on the buttons)."""
        now = now or self.clock()
        preview = Scheduler(parameters=self.scheduler.parameters,
                            desired_retention=self.scheduler.desired_retention, enable_fuzzing=False)
        return {rating: preview.review_card(card.fsrs, rating, now)[0].due - now for rating in Rating}

    # --- rating ---------------------------------------------------------------------------------------------
    def rate(self, card_id: int, rating: Rating, duration_ms: int = 0, now: datetime | None = None) -> ReviewCard:
        """Schedule the card and log the review, in one transaction. The 8th lapse makes it a suspended leech."""
        now = now or self.clock()
        card = self.card(card_id)
        after, _log = self.scheduler.review_card(card.fsrs, rating, now, duration_ms)
        lapses = card.lapses + (1 if rating == Rating.Again and card.fsrs.state == State.Review else 0)
        leech = lapses >= LEECH_LAPSES
        before = {"fsrs": card.fsrs.to_dict(), "reps": card.reps, "lapses": card.lapses,
                  "suspended": card.suspended, "leech": card.leech}
        state_after = {"fsrs": after.to_dict(), "reps": card.reps + 1, "lapses": lapses,
                       "suspended": card.suspended or leech, "leech": card.leech or leech}
        with self.library.transaction():
            _write_card(self.library, card_id, state_after)
            self.library.log_review(card_id, _iso(now), int(rating), duration_ms, json.dumps(before),
                                    json.dumps(state_after))
            if card.kind == Kind.RECOGNITION and after.state == State.Review and after.due - now >= MATURE:
                # the reader agrees with the deck: a word whose recognition card is mature is known
                self.library.promote_term(card.word, TermStatus.KNOWN, _PROMOTED_FROM, _iso(now))
        return self.card(card_id)

    def undo_last(self) -> ReviewCard | None:
        """Put the last rated card back exactly as it was and forget that review."""
        last = self.library.last_review()
        if last is None:
            return None
        with self.library.transaction():
            _write_card(self.library, last.card_id, json.loads(last.state_before))
            self.library.forget_review(last.id)
        return self.card(last.card_id)

    def unsuspend(self, card_ids: Iterable[int]) -> None:
        self.library.unsuspend_cards(card_ids)

    def suspended(self) -> list[ReviewCard]:
        return self._cards(self.library.suspended_card_rows())

    # --- the log --------------------------------------------------------------------------------------------
    def export_log(self) -> str:
        """The review log as FSRS's optimiser reads it: card_id, review_time (ms since the epoch), review_rating,
        review_state (the card's state before the review: 0 new, 1 learning, 2 review, 3 relearning),
        review_duration (ms)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["card_id", "review_time", "review_rating", "review_state", "review_duration"])
        for review in self.library.reviews():
            state = json.loads(review.state_before)
            kind = 0 if state.get("reps", 0) == 0 else state["fsrs"]["state"]
            writer.writerow([review.card_id, int(_parse(review.reviewed_at).timestamp() * 1000), review.rating, kind,
                             review.duration_ms])
        return out.getvalue()


MIN_REVIEWS_TO_OPTIMISE = 1000
#: Where the parameters optimised from the learner's log are kept, beside the review options.
FSRS_PARAMETERS = "fsrs_parameters"


@dataclass(frozen=True, slots=True)
class Optimisation:
    reviews: int
    log_loss_before: float
    log_loss_after: float
    parameters: tuple[float, ...]


def _training_items(reviewer: Reviewer):
    """The log as FSRS's optimiser wants it: per card, its history of (rating, days since the previous review),
    one item per review after the first day."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    histories: dict[int, list[tuple[date, int]]] = {}
    for review in sorted(reviewer.library.reviews(), key=lambda review: review.card_id):  # stable: in log order
        histories.setdefault(review.card_id, []).append((study_day(_parse(review.reviewed_at), reviewer.zone),
                                                         review.rating))
    items = []
    for history in histories.values():
        reviews = []
        previous = history[0][0]
        for day, rating in history:
            elapsed = (day - previous).days
            reviews.append(FSRSReview(rating, elapsed))
            previous = day
            item = FSRSItem(reviews=list(reviews))
            if elapsed > 0 and item.long_term_review_cnt() > 0:
                items.append(item)
    return items


def optimise(reviewer: Reviewer) -> Optimisation:
    """New FSRS parameters from the learner's own reviews (fsrs-rs), kept when they fit the log better; the
    log loss before and after says by how much."""
    from fsrs_rs_python import FSRS

    reviews = reviewer.library.review_count()
    if reviews < MIN_REVIEWS_TO_OPTIMISE:
        raise StudyAppError(f"Optimising needs {MIN_REVIEWS_TO_OPTIMISE:,} reviews in the log; there are "
                            f"{reviews:,} so far.")
    items = _training_items(reviewer)
    if not items:
        raise StudyAppError("The log holds no reviews a day or more apart yet; keep reviewing for a few days.")
    current = list(reviewer.parameters())
    before = FSRS(parameters=current).evaluate(items).log_loss
    fitted = list(FSRS(parameters=current).compute_parameters(items))
    after = FSRS(parameters=fitted).evaluate(items).log_loss
    chosen = fitted if after <= before else current
    reviewer.library.set_review_options({FSRS_PARAMETERS: json.dumps(chosen)})
    reviewer.scheduler = Scheduler(parameters=chosen, desired_retention=reviewer.settings.desired_retention,
                                   enable_fuzzing=reviewer.settings.fuzz)
    return Optimisation(reviews, before, min(before, after), tuple(chosen))


@dataclass(frozen=True, slots=True)
class Statistics:
    days: list[date]  # the last 30 study days, oldest first
    reviews_per_day: list[int]
    true_retention: float | None  # share of reviews of cards in review that were not forgotten, last 30 days
    cards_by_state: dict[str, int]  # new, learning, review, relearning, suspended
    forecast: list[int]  # cards coming due on each of the next 30 study days (today first)


def statistics(reviewer: Reviewer, now: datetime | None = None, days: int = 30) -> Statistics:
    """What the Statistics window draws, from the cards and the log."""
    now = now or reviewer.clock()
    zone, library = reviewer.zone, reviewer.library
    today = study_day(now, zone)
    first = today - timedelta(days=days - 1)
    per_day = dict.fromkeys((first + timedelta(days=n) for n in range(days)), 0)
    remembered = recalled_total = 0
    for review in library.reviews(since=_iso(day_start(first, zone))):
        day = study_day(_parse(review.reviewed_at), zone)
        if day in per_day:
            per_day[day] += 1
        state = json.loads(review.state_before)
        if state.get("reps", 0) and state["fsrs"]["state"] == State.Review:
            recalled_total += 1
            remembered += review.rating != Rating.Again
    states = {"new": 0, "learning": 0, "review": 0, "relearning": 0, "suspended": 0}
    forecast = [0] * days
    for card_id, word, kind, due, reps, suspended, fsrs_text in library.card_schedules():
        if suspended:
            states["suspended"] += 1
            continue
        schedule = reviewer._schedule(card_id, word, kind, fsrs_text)
        if schedule is None:
            continue
        state = schedule.state
        states["new" if reps == 0 else state.name.lower()] += 1
        if reps:
            offset = (study_day(_parse(due), zone) - today).days
            if offset < days:
                forecast[max(0, offset)] += 1  # overdue cards count as due today
    return Statistics(list(per_day), list(per_day.values()),
                      remembered / recalled_total if recalled_total else None, states, forecast)


def export_log_file(reviewer: Reviewer, path: Path) -> int:
    text = reviewer.export_log()
    write_atomically(path, text.encode("utf-8"))
    return text.count("\n") - 1
