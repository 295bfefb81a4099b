"""The Review window: today's counts, then one card at a time. Space or Enter shows the answer, 1-4 rate it
(each button says when the card comes back), Ctrl+Z undoes the last rating, E edits the definition, R says the
word, Shift+R the words selected in the context line (else the whole clause), A plays the clause's recorded span
(also on reveal, when the option is on and the clause is recorded), and the clause link opens it in the reader."""

from __future__ import annotations

import time
from datetime import timedelta
from html import escape

from ..library import Library
from ..study.deck import definition
from ..study.review import Kind, Rating, ReviewCard, Reviewer, blanked
from .ops import Job, run_job
from .qt import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QLabel,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

RATINGS = ((Rating.Again, "Again"), (Rating.Hard, "Hard"), (Rating.Good, "Good"), (Rating.Easy, "Easy"))


def interval_text(interval: timedelta) -> str:
    """As Anki writes it on the buttons: 1 min, 10 min, 3 h, 4 d, 2.5 mo, 1.2 y."""
    seconds = interval.total_seconds()
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)} d"
    if days < 365:
        return f"{days / 30:.1f} mo"
    return f"{days / 365:.1f} y"


class ReviewWindow(QDialog):
    openClause = Signal(str, str, int)  # document id, clause text, where it starts (-1: unknown): show it
    studied = Signal()  # ratings changed what the reader should show (statuses of mature words)
    speakRequested = Signal(str, str)  # the card's word and its reading: say it (on reveal, if asked, and on R)
    speakClauseRequested = Signal(str)  # the card's clause (its context line), or the words selected in it (Shift+R)
    clipRequested = Signal(object)  # the ReviewCard: play its clause's recorded span, if it has one (reveal, A)

    def __init__(self, reviewer: Reviewer, cjk_family: str, analyzer=None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review"))
        self.reviewer, self.analyzer = reviewer, analyzer
        self.cjk_family = cjk_family
        self.card: ReviewCard | None = None
        self.revealed = False
        self.speak_on_reveal = False  # as Anki's {{tts}}: the word is said when the answer shows
        self.play_clip_on_reveal = False  # the clause's recording plays when the answer shows
        self._shown_at = 0.0
        self.stack = QStackedWidget(self)
        self.start_page = QWidget(self)
        self.counts_label = QLabel(self.start_page)
        self.counts_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.start_button = QPushButton(self.tr("Study Now (Space)"), self.start_page)
        self.start_button.clicked.connect(self.start)
        start_layout = QVBoxLayout(self.start_page)
        start_layout.addStretch(1)
        start_layout.addWidget(self.counts_label)
        start_layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignCenter)
        start_layout.addStretch(1)

        self.card_page = QWidget(self)
        self.front = QLabel(self.card_page)
        self.back = QLabel(self.card_page)
        for label in (self.front, self.back):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        self.back.linkActivated.connect(self._link)
        # words of the context line can be selected to be said (Shift+R); the label still takes no keys
        self.back.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.progress = QLabel(self.card_page)
        self.show_button = QPushButton(self.tr("Show Answer (Space)"), self.card_page)
        self.show_button.clicked.connect(self.reveal)
        self.rating_buttons: dict[Rating, QPushButton] = {}
        buttons = QHBoxLayout()
        for rating, _name in RATINGS:
            button = QPushButton(self.card_page)
            button.clicked.connect(lambda _checked=False, r=rating: self.rate(r))
            self.rating_buttons[rating] = button
            buttons.addWidget(button)
        card_layout = QVBoxLayout(self.card_page)
        card_layout.addWidget(self.progress)
        card_layout.addWidget(self.front, 2)
        card_layout.addWidget(self.back, 3)
        card_layout.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignCenter)
        card_layout.addLayout(buttons)
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.card_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.message = QLabel(self)
        layout.addWidget(self.message)
        self.damaged = QLabel(self)  # cards left out because their stored schedule cannot be read, one per line
        self.damaged.setWordWrap(True)
        self.damaged.setStyleSheet("color: #e53935")
        self.damaged.hide()
        layout.addWidget(self.damaged)
        for button in (self.start_button, self.show_button, *self.rating_buttons.values()):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and the digits belong to the review, not a button
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.resize(640, 520)
        self._preparing: Job | None = None  # the job making the study list's missing cards
        self.refresh_counts()

    # --- pages ----------------------------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        """The cards the study list lacks are made in a job on the writer lane (on the GUI thread, a long study
        list's stalled the window a second under load); "Preparing cards…" until the counts can be read."""
        reviewer = self.reviewer
        library_path, settings, zone, clock = reviewer.library.path, reviewer.settings, reviewer.zone, reviewer.clock
        self.counts_label.setText(self.tr("Preparing cards…"))
        self.start_button.setEnabled(False)
        self.stack.setCurrentWidget(self.start_page)

        def work(_report, _cancelled) -> int:
            with Library.connect(library_path) as library:
                return Reviewer(library, settings, zone, clock).sync_cards()

        if self._preparing is not None:
            self._preparing.cancel()
        # bound methods: the jobs' delivery drops them once this window is deleted
        self._preparing = run_job(work, self._show_counts, self._not_prepared, name="review cards", writes=True)

    def _not_prepared(self, message: str) -> None:
        self._preparing = None
        self.counts_label.setText(self.tr("The cards could not be prepared: {0}").format(message))

    def ready(self) -> bool:
        """The study list's cards are made and counted: a session can start."""
        return self._preparing is None

    def _show_counts(self, _made: int) -> None:
        self._preparing = None
        counts = self.reviewer.counts(queue=self.reviewer.queue())
        self.counts_label.setText(self.tr(
            "<h2>Today</h2><p style='font-size:18px'><span style='color:#1e88e5'>{0} due</span> · "
            "<span style='color:#43a047'>{1} new</span> · <span style='color:#e53935'>{2} learning</span></p>"
        ).format(counts.due, counts.new, counts.learning))
        self.start_button.setEnabled(bool(counts.due + counts.new + counts.learning))
        self.stack.setCurrentWidget(self.start_page)
        self._show_damaged()

    def _show_damaged(self) -> None:
        """The line ``review`` prints for each damaged card, read after the queue was built (which finds them)."""
        self.damaged.setText("\n".join(self.reviewer.damaged.values()))
        self.damaged.setVisible(bool(self.reviewer.damaged))

    def start(self) -> None:
        if self.ready():  # the queue reads the cards being made
            self.next_card()

    def next_card(self) -> None:
        queue = self.reviewer.queue()
        if not queue:
            self.card = None
            self.refresh_counts()
            self.message.setText(self.tr("Congratulations: nothing more is due today."))
            return
        self._show_progress(queue)
        self._show_front(queue[0])
        self._show_damaged()

    def _show_progress(self, queue: list[ReviewCard] | None = None) -> None:
        """The header's counts, from the queue just built, else read again (after an undo)."""
        counts = self.reviewer.counts(queue=queue if queue is not None else self.reviewer.queue())
        self.progress.setText(self.tr("{0} due · {1} new · {2} learning").format(counts.due, counts.new,
                                                                                 counts.learning))

    def _show_front(self, card: ReviewCard) -> None:
        self.card = card
        self.revealed = False
        self.front.setText(self._front_html(card))
        self.back.setText("")
        self.show_button.show()
        for button in self.rating_buttons.values():
            button.hide()
        self.stack.setCurrentWidget(self.card_page)
        self._shown_at = time.monotonic()

    def reveal(self) -> None:
        if self.card is None or self.revealed:
            return
        self.revealed = True
        self.back.setText(self._back_html(self.card))
        if self.speak_on_reveal:
            self.speakRequested.emit(self.card.word, self.card.reading)
        if self.play_clip_on_reveal:
            self.clipRequested.emit(self.card)
        self.show_button.hide()
        intervals = self.reviewer.next_intervals(self.card)
        for rating, name in RATINGS:
            button = self.rating_buttons[rating]
            button.setText(f"{self.tr(name)}\n{interval_text(intervals[rating])}  ({int(rating)})")
            button.show()

    def rate(self, rating: Rating) -> None:
        if self.card is None or not self.revealed:
            return
        duration = int((time.monotonic() - self._shown_at) * 1000)
        rated = self.reviewer.rate(self.card.id, rating, duration_ms=min(duration, 60_000))
        self.message.setText("")
        if rated.leech and not self.card.leech:
            self.message.setText(self.tr("{0} is a leech: it lapsed 8 times and was suspended.").format(rated.word))
        self.studied.emit()
        self.next_card()

    def undo(self) -> None:
        card = self.reviewer.undo_last()
        if card is not None:
            self.message.setText(self.tr("Undid the last rating of {0}.").format(card.word))
            self.studied.emit()
            self._show_progress()
            self._show_front(card)

    def edit_definition(self) -> None:
        if self.card is None:
            return
        library = self.reviewer.library
        current = library.own_definitions().get(self.card.word) or self._definition(self.card)
        text, ok = QInputDialog.getText(self, self.tr("Definition"), self.tr("{0} means:").format(self.card.word),
                                        text=current)
        if ok:
            library.set_definition(self.card.word, text.strip() or None)
            if self.revealed:
                self.back.setText(self._back_html(self.card))

    # --- keys -----------------------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
            return
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.stack.currentWidget() is self.start_page:
                self.start()
            elif not self.revealed:
                self.reveal()
            else:
                self.rate(Rating.Good)
            return
        ratings = {Qt.Key.Key_1: Rating.Again, Qt.Key.Key_2: Rating.Hard, Qt.Key.Key_3: Rating.Good,
                   Qt.Key.Key_4: Rating.Easy}
        if key in ratings and self.revealed:
            self.rate(ratings[key])
            return
        if key == Qt.Key.Key_E and self.card is not None:
            self.edit_definition()
            return
        if key == Qt.Key.Key_R and event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.card is not None:
            # the context line aloud; a cloze card's only once it is revealed, or it would say the answer
            if self.card.context and (self.revealed or self.card.kind is not Kind.CLOZE):
                self.speakClauseRequested.emit(self._selected_in_context() or self.card.context)
            return
        if key == Qt.Key.Key_A and self.card is not None and self.revealed:  # the clause as recorded
            self.clipRequested.emit(self.card)
            return
        if key == Qt.Key.Key_R and self.card is not None:  # R replays, as in Anki
            self.speakRequested.emit(self.card.word, self.card.reading)
            return
        super().keyPressEvent(event)

    def _selected_in_context(self) -> str:
        """The words selected on the answer side, when they lie in the card's clause (not the definition)."""
        selected = self.back.selectedText().strip() if self.revealed else ""
        return selected if selected and self.card is not None and selected in self.card.context else ""

    # --- card faces -----------------------------------------------------------------------------------------
    def _definition(self, card: ReviewCard) -> str:
        library = self.reviewer.library
        own = library.own_definitions().get(card.word)
        if self.analyzer is None:
            return own or ""
        return definition(self.analyzer.dictionary, card.word, tuple(card.reading.split()), own,
                          sense=library.chosen_senses().get(card.word))

    def _hanzi(self, text: str, size: int = 56) -> str:
        return f"<span style='font-family:\"{self.cjk_family}\";font-size:{size}px'>{escape(text)}</span>"

    def _front_html(self, card: ReviewCard) -> str:
        if card.kind == Kind.RECOGNITION:
            return self._hanzi(card.word)
        if card.kind == Kind.RECALL:
            return (f"<p style='font-size:22px'>{escape(self._definition(card))}</p>"
                    f"<p style='color:#1e88e5;font-size:18px'>{escape(card.reading)}</p>")
        blank = blanked(card.context, card.word)
        translation = f"<p style='color:gray'>{escape(card.context_translation)}</p>" if card.context_translation \
            else ""
        return self._hanzi(blank, 28) + translation

    def _back_html(self, card: ReviewCard) -> str:
        context = escape(card.context).replace(escape(card.word), f"<b>{escape(card.word)}</b>")
        link = self.tr("open in the reader")
        return (self._hanzi(card.word, 40) + f"<p style='color:#1e88e5;font-size:20px'>{escape(card.reading)}</p>"
                f"<p style='font-size:18px'>{escape(self._definition(card))}</p>"
                f"<p style='font-family:\"{self.cjk_family}\";font-size:20px'>{context}</p>"
                + (f"<p style='color:gray'>{escape(card.context_translation)}</p>" if card.context_translation else "")
                + f"<p><a href='clause'>{link}</a></p>")

    def _link(self, _href: str) -> None:
        card = self.card
        if card is not None and card.document_id:
            self.openClause.emit(card.document_id, card.context, -1 if card.position is None else card.position)
