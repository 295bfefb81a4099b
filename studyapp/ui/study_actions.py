"""The Study menu's windows and dialogs (flashcards, statistics, review options, suspended cards), and Words >
Import Known Words, which feeds what the cards leave out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StudyAppError
from .qt import QFileDialog, QObject

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .review_view import ReviewWindow
    from .stats_view import StatisticsWindow


class StudyActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def show_review(self) -> ReviewWindow:
        from .review_view import ReviewWindow

        window = self.window
        window.translator.save_now()  # cards show the clauses' translations as just typed
        window.hover.hide()  # the word's popup would stay on top of the cards
        review = ReviewWindow(window.reviewer(), window.delegate.cjk_family, window.analyzer, window)
        review.studied.connect(window.vocabulary.reload_statuses)
        review.openClause.connect(window.documents.show_clause)
        window.speech.attach_review(review)
        review.show()
        review.raise_()
        review.activateWindow()  # its keys (Space, 1-4) must reach it at once
        return review

    def show_statistics(self) -> StatisticsWindow:
        from .stats_view import StatisticsWindow

        statistics = StatisticsWindow(self.window.reviewer(), self.window)
        statistics.show()
        return statistics

    def optimise_scheduling(self) -> None:
        from .review_options import optimise_in_background

        optimise_in_background(self.window.library.path, self.window)

    def show_review_options(self) -> None:
        from .review_options import ReviewOptionsDialog

        ReviewOptionsDialog(self.window.library, self.window).exec()

    def show_suspended(self) -> None:
        from .review_options import SuspendedDialog

        SuspendedDialog(self.window.reviewer(), self.window).exec()

    def import_known_words(self) -> None:
        from ..study.deck import TermStatus, read_word_list

        file, _ = QFileDialog.getOpenFileName(self.window, self.tr("Import known words"), str(Path.home()), self.tr(
            "Word lists (*.txt *.csv *.tsv);;All files (*)"))
        if not file:
            return
        try:
            words = read_word_list(Path(file))
        except StudyAppError as error:
            self.window.show_error(str(error))
            return
        from ..library import Library
        from .ops import run_job

        self.window.vocabulary.set_status(words, TermStatus.KNOWN)
        library_path, bar = self.window.library.path, self.window.statusBar()

        def count(_report, _cancelled) -> int:
            with Library.connect(library_path) as library:
                return library.known_in_library(words)

        # counted on the writer lane, after the statuses and any document's word counts still being stored
        run_job(count, lambda used: bar.showMessage(self.tr(
            "Marked {0} words known; {1} of them occur in your library's texts.").format(len(words), used), 8000),
            name="known words in the library", writes=True)
