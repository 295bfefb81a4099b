"""A thin strip beside the reader's scroll bar: every clause of the document as one mark, coloured by its share of
words not yet known, translated segments marked at its left edge; a click jumps there."""

from __future__ import annotations

import sys
from bisect import bisect_right

from ..study.deck import DocumentWords, heat_bins, unknown_per_clause
from .ops import Job, run_job
from .qt import QColor, QImage, QMouseEvent, QPainter, QRect, Qt, QWidget, Signal
from .throttle import Throttle

STRIP_WIDTH = 12
TRANSLATED = QColor("#43a047")


#: The colours of a run of clauses all known (a quiet green-grey) and all unknown (a strong orange-red).
KNOWN_RGB, UNKNOWN_RGB = (170, 200, 170), (230, 81, 0)


def heat_pixels(shares: list[float | None]) -> bytes:
    """Each share's colour as one ARGB32 pixel (transparent for None), worked out at C speed: the strip's first
    repaint after each status change made a QColor per pixel row (5-7 ms)."""
    import numpy

    present = numpy.array([share is not None for share in shares], bool)
    values = numpy.array([share or 0.0 for share in shares], numpy.float64)
    pixel = numpy.full(len(shares), 0xFF000000, numpy.uint32)
    for shift, known, unknown in zip((16, 8, 0), KNOWN_RGB, UNKNOWN_RGB, strict=True):
        pixel |= (known + (unknown - known) * values).astype(numpy.uint32) << numpy.uint32(shift)
    return numpy.where(present, pixel, numpy.uint32(0)).tobytes()  # in the machine's order, as QImage reads it


def heat_color(share: float) -> QColor:
    """The colour of one share (``heat_pixels``' rule)."""
    return QColor.fromRgba(int.from_bytes(heat_pixels([share]), sys.byteorder))


class HeatStrip(QWidget):
    """Reads the deck's per-clause words; the unknown counts are recomputed in a job after statuses change."""

    clauseClicked = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFixedWidth(STRIP_WIDTH)
        self.setToolTip(self.tr("Unknown words along the text (red: many); green ticks: translated. Click to go."))
        self.words: DocumentWords | None = None
        self.statuses: dict[str, int] = {}
        self.unknown = None
        self.translated_clauses: list[int] = []  # first clause of each translated segment
        self._bins: list[float | None] = []
        self._image: QImage | None = None  # the bins' colours (``heat_image``)
        self._job: Job | None = None
        self._throttle = Throttle(150, self._recount, self)  # statuses change in bursts: recount now and then

    def set_words(self, words: DocumentWords | None, statuses: dict[str, int], unknown=None) -> None:
        """``unknown``: the words' unknown counts when made already (with the deck, off the GUI thread), as
        ``statuses`` are now."""
        self.words, self.statuses, self.unknown, self._bins = words, statuses, None, []
        if words is None:
            self.update()
        elif unknown is not None:
            self._counted(unknown)
        else:
            self._recount()

    def statuses_changed(self) -> None:
        self._throttle.schedule()

    def set_translated(self, clause_indexes: list[int]) -> None:
        self.translated_clauses = clause_indexes
        self.update()

    def _recount(self) -> None:
        if self.words is None:
            return
        if self._job is not None:
            self._job.cancel()
        words, statuses = self.words, dict(self.statuses)
        self._job = run_job(lambda _report, _cancelled: unknown_per_clause(words, statuses), self._counted,
                            name="heat strip")

    def _counted(self, unknown) -> None:
        self._job = None
        self.unknown = unknown
        self._bins = []
        self.update()

    def bins(self) -> list[float | None]:
        if self.words is None or self.unknown is None:
            return []
        if len(self._bins) != self.height():
            self._bins = heat_bins(self.words, self.unknown, self.height())
            self._image = None
        return self._bins

    def heat_image(self) -> QImage | None:
        """The bins' colours, one pixel each, made once per count and height: a repaint (every status change,
        every time the window is painted) draws it scaled, not a colour and a rectangle per pixel row (15 ms)."""
        bins = self.bins()
        if not bins:
            return None
        if self._image is None:
            pixels = heat_pixels(bins)
            # a copy: the image must not point into ``pixels``, which Python frees
            self._image = QImage(pixels, 1, len(bins), 4, QImage.Format.Format_ARGB32).copy()
        return self._image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        image = self.heat_image()
        if image is not None:
            painter.drawImage(QRect(3, 0, STRIP_WIDTH - 3, image.height()), image)
        clauses = len(self.words.clause_offsets) - 1 if self.words is not None else 0
        if clauses:
            height = self.height()
            for clause in self.translated_clauses:
                painter.fillRect(QRect(0, clause * height // clauses, 3, 2), TRANSLATED)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.words is None:
            return
        clauses = len(self.words.clause_offsets) - 1
        y = max(0, min(self.height() - 1, int(event.position().y())))
        self.clauseClicked.emit(min(clauses - 1, y * clauses // max(1, self.height())))


def first_clauses_of(starts, clause_starts) -> list[int]:
    """The clause each of these segment starts falls in."""
    return [max(0, bisect_right(clause_starts, start) - 1) for start in starts]
