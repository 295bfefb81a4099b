"""Study > Statistics: reviews per day for the last 30 days, true retention, cards by state, and the due-card
forecast for the next 30 days, painted with Qt."""

from __future__ import annotations

from ..study.review import Reviewer, Statistics, statistics
from .qt import QColor, QDialog, QLabel, QPainter, QRectF, Qt, QVBoxLayout, QWidget

STATE_COLORS = {"new": "#1e88e5", "learning": "#e53935", "review": "#43a047", "relearning": "#fb8c00",
                "suspended": "#9e9e9e"}


class BarChart(QWidget):
    """Vertical bars with the largest value and the first and last labels written."""

    def __init__(self, values: list[int], labels: tuple[str, str], color: str, parent=None) -> None:
        super().__init__(parent)
        self.values, self.labels, self.color = values, labels, QColor(color)
        self.setMinimumHeight(140)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(36, 8, -8, -20)
        top = max(self.values, default=0) or 1
        text = self.palette().color(self.foregroundRole())
        painter.setPen(text)
        painter.drawText(QRectF(0, area.top() - 6, 32, 16), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(0, area.bottom() - 10, 32, 16), Qt.AlignmentFlag.AlignRight, "0")
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        width = area.width() / max(1, len(self.values))
        for index, value in enumerate(self.values):
            height = area.height() * value / top
            painter.fillRect(QRectF(area.left() + index * width + 1, area.bottom() - height, max(1.0, width - 2),
                                    height), self.color)
        painter.drawText(QRectF(area.left(), area.bottom() + 2, 120, 16), Qt.AlignmentFlag.AlignLeft, self.labels[0])
        painter.drawText(QRectF(area.right() - 120, area.bottom() + 2, 120, 16), Qt.AlignmentFlag.AlignRight,
                         self.labels[1])
        painter.end()


class StateBar(QWidget):
    """One horizontal bar split by card state, with a legend under it."""

    def __init__(self, counts: dict[str, int], parent=None) -> None:
        super().__init__(parent)
        self.counts = counts
        self.setMinimumHeight(46)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        total = sum(self.counts.values()) or 1
        x, width = 8.0, self.width() - 16
        for state, count in self.counts.items():
            part = width * count / total
            painter.fillRect(QRectF(x, 4, part, 16), QColor(STATE_COLORS[state]))
            x += part
        painter.setPen(self.palette().color(self.foregroundRole()))
        legend = "   ".join(f"{state} {count}" for state, count in self.counts.items())
        painter.drawText(QRectF(8, 24, width, 18), Qt.AlignmentFlag.AlignLeft, legend)
        painter.end()


class StatisticsWindow(QDialog):
    def __init__(self, reviewer: Reviewer, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Statistics"))
        self.stats: Statistics = statistics(reviewer)
        stats = self.stats
        retention = self.tr("no reviews of mature cards yet") if stats.true_retention is None \
            else f"{stats.true_retention:.1%}"
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Reviews per day</b>, last 30 days ({0} in all)").format(
            sum(stats.reviews_per_day)), self))
        self.reviews_chart = BarChart(stats.reviews_per_day, (stats.days[0].strftime("%d %b"), self.tr("today")),
                                      "#1e88e5", self)
        layout.addWidget(self.reviews_chart)
        layout.addWidget(QLabel(self.tr("<b>True retention</b> (reviews of cards in review, last 30 days): {0}")
                                .format(retention), self))
        layout.addWidget(QLabel(self.tr("<b>Cards by state</b>"), self))
        layout.addWidget(StateBar(stats.cards_by_state, self))
        layout.addWidget(QLabel(self.tr("<b>Forecast</b>: cards coming due, next 30 days ({0} in all)").format(
            sum(stats.forecast)), self))
        self.forecast_chart = BarChart(stats.forecast, (self.tr("today"), self.tr("in 30 days")), "#43a047", self)
        layout.addWidget(self.forecast_chart)
        self.resize(620, 560)
