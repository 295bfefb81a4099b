"""Study menu dialogs: review options (daily limits, retention, card kinds), suspended cards brought back, and
FSRS parameters optimised from the learner's own log (in a job)."""

from __future__ import annotations

from pathlib import Path

from ..library import Library
from ..study.review import Kind, Reviewer, ReviewSettings, load_settings, optimise, save_settings
from .ops import run_job
from .qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

KIND_LABELS = {Kind.RECOGNITION: "Recognition (hanzi → pinyin and meaning)",
               Kind.RECALL: "Recall (meaning and pinyin → hanzi)",
               Kind.CLOZE: "Cloze (the word blanked in its clause, with your translation)"}


class ReviewOptionsDialog(QDialog):
    """The learner's review options, kept in the library (where ``studyapp review`` and exports read them)."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review options"))
        self.library = library
        settings = load_settings(library)
        self.new_per_day = QSpinBox(self)
        self.new_per_day.setRange(0, 9999)
        self.new_per_day.setValue(settings.new_per_day)
        self.reviews_per_day = QSpinBox(self)
        self.reviews_per_day.setRange(0, 99999)
        self.reviews_per_day.setValue(settings.reviews_per_day)
        self.retention = QDoubleSpinBox(self)
        self.retention.setRange(0.70, 0.99)
        self.retention.setSingleStep(0.01)
        self.retention.setValue(settings.desired_retention)
        self.kinds = {kind: QCheckBox(self.tr(label), self) for kind, label in KIND_LABELS.items()}
        for kind, box in self.kinds.items():
            box.setChecked(kind in settings.kinds)
        form = QFormLayout(self)
        form.addRow(self.tr("New cards a day"), self.new_per_day)
        form.addRow(self.tr("Reviews a day at most"), self.reviews_per_day)
        form.addRow(self.tr("Desired retention"), self.retention)
        for box in self.kinds.values():
            form.addRow(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        kinds = tuple(kind for kind, box in self.kinds.items() if box.isChecked())
        if not kinds:
            QMessageBox.warning(self, self.tr("Review options"), self.tr("Choose at least one kind of card."))
            return
        save_settings(self.library, ReviewSettings(
            new_per_day=self.new_per_day.value(), reviews_per_day=self.reviews_per_day.value(),
            desired_retention=round(self.retention.value(), 2), kinds=kinds))
        super().accept()


class SuspendedDialog(QDialog):
    """Leeches and other suspended cards, brought back by selecting them."""

    def __init__(self, reviewer: Reviewer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Suspended cards"))
        self.reviewer = reviewer
        self.list = QListWidget(self)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.cards = reviewer.suspended()
        for card in self.cards:
            label = f"{card.word}  ·  {card.kind.value}" + (self.tr("  ·  leech") if card.leech else "")
            self.list.addItem(QListWidgetItem(label))
        restore = QPushButton(self.tr("Bring Back the Selected Cards"), self)
        restore.clicked.connect(self.unsuspend_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(restore)

    def unsuspend_selected(self) -> None:
        rows = sorted({index.row() for index in self.list.selectedIndexes()}, reverse=True)
        self.reviewer.unsuspend([self.cards[row].id for row in rows])
        for row in rows:
            self.list.takeItem(row)
            del self.cards[row]


def optimise_in_background(library_path: Path, parent: QWidget) -> None:
    """Fit FSRS's parameters to the learner's log off the GUI thread, then say what changed. The job gets the
    library's path and makes its own core objects: nothing of the window runs on its thread."""

    def work(_report, _cancelled):
        with Library.connect(library_path) as library:
            return optimise(Reviewer(library))

    def done(result) -> None:
        QMessageBox.information(parent, parent.tr("Scheduling optimised"), parent.tr(
            "Fitted to your {0:,} reviews.\nLog loss before: {1:.4f}\nLog loss after: {2:.4f}\n"
            "(lower fits your memory better; parameters that fit worse are not kept)").format(
            result.reviews, result.log_loss_before, result.log_loss_after))

    def failed(message: str) -> None:
        QMessageBox.information(parent, parent.tr("Optimise scheduling"), message)

    run_job(work, done, failed, name="optimise", writes=True)
