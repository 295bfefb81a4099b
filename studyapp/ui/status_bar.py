"""The status bar's live parts: where the reader is, how much is translated, and the analysis progress."""

from __future__ import annotations

from ..wording import counted
from .document_session import DocumentSession
from .qt import QLabel, QProgressBar, QStatusBar
from .reader import ReaderView


class DocumentStatus:
    """Reads totals the model keeps up to date per edit; never counts rows itself."""

    def __init__(self, bar: QStatusBar, session: DocumentSession, view: ReaderView) -> None:
        self.bar, self.session, self.view = bar, session, view
        self.position_label = QLabel(bar)
        self.translated_bar = QProgressBar(bar)
        self.translated_bar.setMinimumWidth(300)
        self.translated_bar.setTextVisible(True)
        self.progress = QProgressBar(bar)
        self.progress.setMaximumWidth(220)
        self.progress.setFormat(bar.tr("Analysing %p%"))
        self.progress.hide()
        self.coverage_label = QLabel(bar)
        self.coverage_label.setToolTip(bar.tr("Share of the text's running words you know or ignore, and words "
                                              "still new to you"))
        self.joined_label = QLabel(bar.tr("Lines joined"), bar)
        self.joined_label.setToolTip(bar.tr("This text is hard-wrapped, so the lines of each paragraph were joined "
                                            "before it was cut into clauses. View > Join Wrapped Lines turns it "
                                            "off for this document."))
        self.joined_label.hide()
        bar.addWidget(self.position_label, 1)
        bar.addPermanentWidget(self.joined_label)
        bar.addPermanentWidget(self.coverage_label)
        bar.addPermanentWidget(self.translated_bar)
        bar.addPermanentWidget(self.progress)
        session.progressChanged.connect(self.update_progress)
        session.analysisProgress.connect(self._analysis_progress)
        session.analysisFinished.connect(self._analysis_done)

    def document_opened(self) -> None:
        self.progress.setRange(0, max(1, len(self.session.document.clauses)))
        self.progress.setValue(0)
        self.progress.show()
        self.joined_label.setVisible(self.session.document.joined)
        self.update_position()
        self.update_progress()

    def _analysis_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _analysis_done(self, clauses: int) -> None:
        self.progress.hide()
        self.update_progress()
        self.bar.showMessage(
            counted(clauses, self.bar.tr("Analysed {0} clause."), self.bar.tr("Analysed {0} clauses.")), 4000)

    def update_position(self, *_args) -> None:
        document, model = self.session.document, self.session.model
        if document is None or model is None:
            return
        row = max(0, self.view.currentIndex().row())
        paragraph = model.paragraph_of(row) + 1 if model.rowCount() else 0
        self.position_label.setText(self.bar.tr("Segment {0} of {1} · paragraph {2} of {3} · {4}").format(
            row + 1, model.rowCount(), paragraph, len(document.paragraphs), document.encoding))

    def update_progress(self) -> None:
        model = self.session.model
        if model is None:
            return
        done, total = model.progress()
        self.translated_bar.setRange(0, max(1, total))
        self.translated_bar.setValue(done)
        label = self.bar.tr("Translated {0}/{1} segments").format(done, total)
        words = model.word_progress()
        if words is not None:
            label += self.bar.tr(" · {0}/{1} words").format(*words)
        self.translated_bar.setFormat(label)
        self.translated_bar.setToolTip(label)
