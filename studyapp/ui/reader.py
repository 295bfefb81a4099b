"""The reading view: one row per clause, words painted by a delegate, hover and click on words.

Rows are measured lazily: a row's height is estimated from its length until it is first shown, so nothing
measures every row before the first paint and a 100,000-clause novel shows its first page as fast as a note.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add, mul

from .. import timings
from ..reading.analysis import Token
from ..reading.pinyin import as_spoken, join_word, tone_of
from ..settings import Settings
from .fonts import text_font
from .qt import (
    QAbstractItemView,
    QApplication,
    QColor,
    QCursor,
    QEvent,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QItemSelection,
    QKeyEvent,
    QModelIndex,
    QMouseEvent,
    QPainter,
    QPalette,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QRegion,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
    QTimer,
    QWidget,
    Signal,
)

#: Pleco's tone colours (red, green, blue, purple, grey), chosen per theme so each reads at WCAG AA contrast
#: (4.5:1) on the page: the bright light-theme hues fell to 2.5:1 on the dark page.
TONE_COLORS_BY_THEME = {
    "light": {1: QColor("#c62828"), 2: QColor("#2e7d32"), 3: QColor("#1565c0"), 4: QColor("#6a1b9a"),
              5: QColor("#616161")},
    "dark": {1: QColor("#ff8a80"), 2: QColor("#81c784"), 3: QColor("#90caf9"), 4: QColor("#ce93d8"),
             5: QColor("#bdbdbd")},
}


def tone_colors(theme: str) -> dict[int, QColor]:
    return TONE_COLORS_BY_THEME.get(theme, TONE_COLORS_BY_THEME["light"])
#: Untranslated, draft, done: the bar at the left of each translation cell.
STATUS_COLORS = {0: QColor(150, 150, 150, 90), 1: QColor("#fb8c00"), 2: QColor("#43a047")}
MARGIN = 56  # clause numbers live here (wider when the numbers have more digits than fit)
SPEAKER = "▶"  # the row's speak control, at the left of its margin (a glyph the CJK font has: no emoji font needed)
PARAGRAPH_GAP = 14
ESTIMATED_DIGITS = range(3, 8)  # row counts whose numbers' width an estimate knows (up to 9,999,999 rows)
ROW_PADDING = 4
#: Rows beyond which a change of width estimates them again in a job: a novel's 111,000 held the GUI thread
#: 15-40 ms when the Vocabulary panel was shown beside it
ESTIMATE_IN_JOB_ROWS = 5000


@dataclass(frozen=True, slots=True)
class PlacedToken:
    token: Token
    rect: QRectF  # relative to the row's top-left corner


@dataclass(frozen=True, slots=True)
class ClauseLayout:
    tokens: tuple[PlacedToken, ...]
    height: int
    target_rect: QRectF | None = None  # the translation cell, relative to the row; None when the pane is hidden

    def token_at(self, point: QPoint) -> Token | None:
        for placed in self.tokens:
            if placed.rect.adjusted(-1, -2, 1, 2).contains(point.toPointF()):
                return placed.token
        return None

    def rect_of(self, token: Token) -> QRectF | None:
        for placed in self.tokens:
            if placed.token == token:
                return placed.rect
        return None


@dataclass(frozen=True, slots=True)
class RowEstimate:
    """A row's height from its length alone (see ``ClauseDelegate.estimator``): numbers only, no Qt object."""

    per_character: float  # a character's width (with its pinyin)
    available: tuple[float, ...]  # a line's width, by the digits of the row count (``ESTIMATED_DIGITS``)
    line: float
    base: int

    def heights(self, lengths: list[int], starts: list[bool]) -> list[int]:
        """It runs over every row of a novel before the first paint, so each distinct length is worked out once
        and rows only look it up."""
        digits = min(max(len(str(len(lengths))), ESTIMATED_DIGITS.start), ESTIMATED_DIGITS.stop - 1)
        per_line = self.per_character / self.available[digits - ESTIMATED_DIGITS.start]
        by_length = {length: int(self.base + max(1, -int(-length * per_line // 1)) * self.line)
                     for length in set(lengths)}
        assert len(starts) == len(lengths)
        # at C speed, a row at a time (a comprehension took 15-30 ms over a novel's rows before its first paint)
        heights = list(map(add, map(by_length.__getitem__, lengths), map(mul, starts, repeat(PARAGRAPH_GAP))))
        if heights and starts[0]:
            heights[0] -= PARAGRAPH_GAP  # the first row has no rule above it
        return heights


@dataclass(frozen=True, slots=True)
class WordStyle:
    """How one word is marked beyond its text (the deck tints words by status through this)."""

    background: QColor | None = None
    underline: QColor | None = None


#: The delegate's per-word style hook: (row, token) -> a style, or None for plain.
WordStyler = Callable[[int, Token], "WordStyle | None"]


MATCH_COLOR = QColor(255, 213, 79, 150)  # Find's marks, in the text and in the translations


def _spans(text: str, term: str) -> list[tuple[int, int]]:
    """Where ``term`` occurs in ``text``, as (start, end) pairs."""
    spans, start = [], text.find(term)
    while start >= 0:
        spans.append((start, start + len(term)))
        start = text.find(term, start + 1)
    return spans


class ClauseDelegate(QStyledItemDelegate):
    """Lays out a clause's words in wrapped lines, pinyin above each word when ruby is on."""

    def __init__(self, settings: Settings, cjk_family: str, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.cjk_family = cjk_family
        self.hovered: tuple[int, Token] | None = None
        self.search_term = ""  # Find in the text: matched characters of the clauses are marked
        self.target_search_term = ""  # Find in translations (and Replace): marked in the translation cells
        self.rows = 0  # how many rows the view shows: the margin fits their numbers
        self.word_style: WordStyler | None = None
        self.show_pinyin: Callable[[Token], bool] | None = None  # None: pinyin over every word (when ruby is on)
        self.margin_note: Callable[[int], str | None] | None = None  # e.g. a subtitle cue's start, by row
        self.speaker = False  # a speak control in the margin of the current row and of the row under the pointer
        self.pointer_row = -1  # the row under the pointer, which shows its speak control
        self.headings: set[int] = set()  # rows that begin a chapter of a book, painted as headings
        self._layouts: OrderedDict[tuple[int, int], ClauseLayout] = OrderedDict()
        self.apply_settings()

    def set_word_style(self, styler: WordStyler | None) -> None:
        """Mark words by a rule of the caller's (e.g. status in the deck); the view repaints on its next update."""
        self.word_style = styler

    def apply_settings(self) -> None:
        self.hanzi_font = text_font(self.cjk_family, self.settings.font_size)
        self.heading_font = QFont(self.hanzi_font)  # a chapter's heading: bold, the same width per character
        self.heading_font.setBold(True)
        self.pinyin_font = QFont(self.hanzi_font)
        self.pinyin_font.setPointSizeF(max(7.0, self.settings.font_size * 0.5))
        self.number_font = QFont(self.pinyin_font)
        self.speaker_width = int(QFontMetricsF(self.number_font).horizontalAdvance(SPEAKER)) + 4 if self.speaker else 0
        self.margin = self.margin_for(self.rows)
        self.target_font = QFont()
        self.target_font.setPointSizeF(max(9.0, self.settings.font_size * 0.62))
        self.target_metrics = QFontMetrics(self.target_font)
        self.hanzi_metrics = QFontMetricsF(self.hanzi_font)
        self.pinyin_metrics = QFontMetricsF(self.pinyin_font)
        self._layouts.clear()
        self._hanzi_widths: dict[str, float] = {}
        self._pinyin_widths: dict[tuple[str, ...], float] = {}

    def margin_for(self, rows: int) -> int:
        """The margin's width when the view shows ``rows`` rows: their numbers fit (a novel's six-digit numbers
        were clipped at the left)."""
        widest = "8" * max(3, len(str(rows)))
        if self.margin_note is not None:
            widest = max(widest, "00:00:00", key=len)  # a subtitle cue's start time, under its number
        digits = QFontMetricsF(self.number_font).horizontalAdvance(widest)
        return max(MARGIN, int(digits) + 16 + self.speaker_width)

    def forget_row(self, row: int) -> None:
        """Lay a row out again next time (its tokens changed)."""
        for key in [key for key in self._layouts if key[0] == row]:
            del self._layouts[key]

    def _hanzi_width(self, text: str) -> float:
        width = self._hanzi_widths.get(text)
        if width is None:
            width = self._hanzi_widths[text] = self.hanzi_metrics.horizontalAdvance(text)
        return width

    def _pinyin_width(self, syllables: tuple[str, ...]) -> float:
        width = self._pinyin_widths.get(syllables)
        if width is None:
            width = self._pinyin_widths[syllables] = self.pinyin_metrics.horizontalAdvance(join_word(syllables))
        return width

    # --- layout -------------------------------------------------------------------------------------------
    def line_height(self) -> float:
        height = self.hanzi_metrics.height()
        if self.settings.ruby:
            height += self.pinyin_metrics.height()
        return height + 2

    def columns(self, width: int, margin: int | None = None) -> tuple[float, float, float]:
        """Source width, and translation cell x and width (0 when the pane is hidden), with the current margin
        unless told another."""
        usable = max(120.0, width - (self.margin if margin is None else margin) - 12)
        if not self.settings.translation_pane:
            return usable, 0.0, 0.0
        source = usable * 0.56
        return source, self.margin + source + 18, usable - source - 18

    def target_height(self, target: str, width: float) -> float:
        shown = target or "—"
        box = self.target_metrics.boundingRect(QRect(0, 0, max(40, int(width) - 12), 1_000_000),
                                               int(Qt.TextFlag.TextWordWrap), shown)
        return box.height() + 10

    def layout(self, row: int, tokens: tuple[Token, ...], width: int, paragraph_start: bool,
               target: str = "") -> ClauseLayout:
        key = (row, width, target)
        cached = self._layouts.get(key)
        if cached is not None:
            self._layouts.move_to_end(key)
            return cached
        top = ROW_PADDING + (PARAGRAPH_GAP if paragraph_start and row > 0 else 0)
        available, target_x, target_width = self.columns(width)
        line_height = self.line_height()
        ruby_height = self.pinyin_metrics.height() if self.settings.ruby else 0.0
        space = self.hanzi_metrics.horizontalAdvance(" ")
        gap = space * 0.6 if self.settings.ruby else 0.0
        x, y = 0.0, float(top)
        placed = []
        previous_end = None
        for token in tokens:
            text_width = self._hanzi_width(token.text)
            pinyin_width = self._pinyin_width(token.pinyin) if self.settings.ruby and token.pinyin else 0.0
            width_here = max(text_width, pinyin_width)
            if previous_end is not None and token.start > previous_end:
                x += space
            elif previous_end is not None and token.kind == "word":
                x += gap
            # closing punctuation never starts a line (Chinese typesetting): it may hang into the gutter
            if x > 0 and x + width_here > available and token.kind != "punct":
                x, y = 0.0, y + line_height
            rect = QRectF(self.margin + x, y, width_here, ruby_height + self.hanzi_metrics.height())
            placed.append(PlacedToken(token, rect))
            x += width_here
            previous_end = token.end
        height = int(y + line_height + ROW_PADDING + 1)
        target_rect = None
        if target_width:
            cell_height = max(line_height, self.target_height(target, target_width))
            target_rect = QRectF(target_x, top, target_width, max(cell_height, height - top - ROW_PADDING))
            height = max(height, int(target_rect.bottom() + ROW_PADDING + 1))
        result = ClauseLayout(tuple(placed), height, target_rect)
        self._layouts[key] = result
        if len(self._layouts) > 4000:
            self._layouts.popitem(last=False)
        return result

    def layout_for(self, index: QModelIndex, width: int) -> ClauseLayout:
        model = index.model()
        row = index.row()
        target = model.target(row) if self.settings.translation_pane else ""
        return self.layout(row, model.tokens(row), width, model.starts_paragraph(row), target)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        width = option.rect.width() if option.rect.width() > 0 else 800
        return QSize(width, self.layout_for(index, width).height)

    def estimator(self, width: int) -> RowEstimate:
        """How rows are estimated at ``width`` with the current settings: plain numbers, so a job can estimate a
        restructured document's rows before they reach the view."""
        per_character = self._hanzi_width("中") * (1.35 if self.settings.ruby else 1.0)
        # the margin widens with the row numbers' digits, and a restructuring changes how many rows there are
        available = tuple(self.columns(width, self.margin_for(10 ** (digits - 1)))[0]
                          for digits in range(ESTIMATED_DIGITS.start, ESTIMATED_DIGITS.stop))
        return RowEstimate(per_character, available, self.line_height(), 2 * ROW_PADDING + 1)

    def estimate_heights(self, model, width: int) -> tuple[list[int], list[int] | None]:
        """Every row's height from its length alone, close to what ``layout`` will measure (words wrap whole),
        and where each starts when known already: estimated in the job that restructured the rows when it
        estimated as the view does now (a novel's 111,000 rows: 15-20 ms on the GUI thread as the rows arrived)."""
        estimate = self.estimator(width)
        model.estimate = estimate  # the next restructuring's job estimates its rows so
        ready = model.estimated(estimate)
        return ready if ready is not None else (estimate.heights(model.lengths(), model.paragraph_starts()), None)

    # --- painting -----------------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        rect = option.rect
        layout = self.layout_for(index, rect.width())
        palette = option.palette
        paragraph_start = index.model().starts_paragraph(index.row()) and index.row() > 0
        body = QRect(rect.left(), rect.top() + (PARAGRAPH_GAP if paragraph_start else 0), rect.width(),
                     rect.height() - (PARAGRAPH_GAP if paragraph_start else 0))
        if option.state & QStyle.StateFlag.State_Selected:
            highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
            highlight.setAlpha(45)
            painter.fillRect(body, highlight)
            accent = QRect(body.left(), body.top(), 4, body.height())
            painter.fillRect(accent, palette.color(QPalette.ColorRole.Highlight))
        if paragraph_start:
            line = QColor(palette.color(QPalette.ColorRole.Mid))
            painter.setPen(line)
            y = rect.top() + PARAGRAPH_GAP // 2
            painter.drawLine(rect.left() + self.margin, y, rect.right() - 12, y)
        # clause number in the margin
        painter.setFont(self.number_font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        number_rect = self._number_rect(rect, layout)
        painter.drawText(number_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, str(index.row() + 1))
        if self.speaker and (index.row() == self.pointer_row or option.state & QStyle.StateFlag.State_HasFocus):
            painter.drawText(self.speaker_rect(rect, layout),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, SPEAKER)
        note = self.margin_note(index.row()) if self.margin_note is not None else None
        if note:
            painter.drawText(self.note_rect(rect, layout), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             note)
        text_color = palette.color(QPalette.ColorRole.Text)
        hovered = self.hovered[1] if self.hovered and self.hovered[0] == index.row() else None
        clause_text = index.data(Qt.ItemDataRole.DisplayRole)
        matches = self._search_spans(clause_text)
        ruby_height = self.pinyin_metrics.height() if self.settings.ruby else 0.0
        shown = self.shown_tokens([placed.token for placed in layout.tokens])
        for placed, shown_token in zip(layout.tokens, shown, strict=True):
            token = placed.token
            box = placed.rect.translated(rect.left(), rect.top())
            style = self.word_style(index.row(), token) if self.word_style is not None else None
            if style is not None and style.background is not None:
                painter.fillRect(box, style.background)
            for start, end in matches:  # only the matched characters, not the whole word holding them
                if start < token.end and token.start < end:
                    first, last = max(start, token.start) - token.start, min(end, token.end) - token.start
                    offset = (box.width() - self._hanzi_width(token.text)) / 2
                    left = box.left() + offset + self._hanzi_width(token.text[:first])
                    painter.fillRect(QRectF(left, box.top(), self._hanzi_width(token.text[first:last]), box.height()),
                                     MATCH_COLOR)
            if token == hovered:
                hover = QColor(palette.color(QPalette.ColorRole.Highlight))
                hover.setAlpha(70)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(hover)
                painter.drawRoundedRect(box.adjusted(-2, 0, 2, 0), 4, 4)
            hanzi_box = QRectF(box.left(), box.top() + ruby_height, box.width(), self.hanzi_metrics.height())
            self._paint_word(painter, shown_token, hanzi_box, text_color, index.row() in self.headings)
            if style is not None and style.underline is not None:
                painter.fillRect(QRectF(hanzi_box.left(), hanzi_box.bottom() - 2, hanzi_box.width(), 2),
                                 style.underline)
            if ruby_height and token.pinyin and (self.show_pinyin is None or self.show_pinyin(token)):
                self._paint_pinyin(painter, shown_token, QRectF(box.left(), box.top(), box.width(), ruby_height),
                                   palette.color(QPalette.ColorRole.PlaceholderText))
        if layout.target_rect is not None:
            model = index.model()
            self._paint_target(painter, layout.target_rect.translated(rect.left(), rect.top()),
                               model.target(index.row()), model.status(index.row()), palette)
        painter.restore()

    def _number_rect(self, rect: QRect, layout: ClauseLayout) -> QRectF:
        """Where a row's number is written: in the margin, level with its first line of hanzi."""
        return QRectF(rect.left(), rect.top() + layout.tokens[0].rect.top() if layout.tokens else rect.top(),
                      self.margin - 10, self.line_height())

    def note_rect(self, rect: QRect, layout: ClauseLayout) -> QRectF:
        """Where a row's margin note (a cue's time) is written: above its number, in the pinyin's band, so a
        one-line row holds it and a click on it is that row's; under the number when there is no pinyin."""
        number = self._number_rect(rect, layout)
        if self.settings.ruby:
            return QRectF(number.left(), number.top(), number.width(), self.pinyin_metrics.height())
        return number.translated(0, number.height())

    def speaker_rect(self, rect: QRect, layout: ClauseLayout) -> QRectF:
        """The speak control of the row in ``rect``: the left of its margin, level with its number."""
        number = self._number_rect(rect, layout)
        return QRectF(rect.left() + 2, number.top(), self.speaker_width, number.height())

    def shown_tokens(self, tokens: list[Token]) -> list[Token]:
        """The tokens as painted: with View > Tones > As Spoken, their syllables as said (一个 yí gè); the hover
        popup keeps the written tones."""
        if not self.settings.spoken_tones:
            return tokens
        spoken = as_spoken([(token.text, token.pinyin) for token in tokens])
        return [token._replace(pinyin=syllables) if syllables and syllables != token.pinyin else token
                for token, syllables in zip(tokens, spoken, strict=True)]

    def _paint_target(self, painter: QPainter, cell: QRectF, target: str, status: int, palette: QPalette) -> None:
        background = QColor(palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(cell, 4, 4)
        painter.fillRect(QRectF(cell.left(), cell.top(), 4, cell.height()), STATUS_COLORS[status])
        painter.setFont(self.target_font)
        text_box = cell.adjusted(10, 5, -4, -3)
        if target and self.target_search_term and self.target_search_term in target:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            self._paint_marked_target(painter, text_box, target)
        elif target:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(text_box, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop), target)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(text_box, int(Qt.AlignmentFlag.AlignTop), "—")

    def _paint_marked_target(self, painter: QPainter, box: QRectF, target: str) -> None:
        """A translation with the matches of Find marked: laid out line by line as ``drawText`` wraps it (at
        word boundaries), so the marks fall on the characters they belong to."""
        layout = QTextLayout(target, self.target_font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        top = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(box.width())
            line.setPosition(QPointF(0, top))
            top += line.height()
        layout.endLayout()
        marks = []
        for start, end in _spans(target, self.target_search_term):
            mark = QTextLayout.FormatRange()
            mark.start, mark.length = start, end - start
            mark.format = QTextCharFormat()
            mark.format.setBackground(MATCH_COLOR)
            marks.append(mark)
        painter.save()
        painter.setClipRect(box)
        layout.draw(painter, box.topLeft(), marks)
        painter.restore()

    def _search_spans(self, clause_text: str) -> list[tuple[int, int]]:
        return _spans(clause_text, self.search_term) if self.search_term else []

    def _paint_word(self, painter: QPainter, token: Token, box: QRectF, default: QColor,
                    heading: bool = False) -> None:
        painter.setFont(self.heading_font if heading else self.hanzi_font)
        if not (self.settings.tone_colors and token.pinyin):
            painter.setPen(default)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, token.text)
            return
        x = box.left() + (box.width() - self.hanzi_metrics.horizontalAdvance(token.text)) / 2
        for character, syllable in zip(token.text, token.pinyin, strict=False):
            painter.setPen(tone_colors(self.settings.theme).get(tone_of(syllable), default))
            advance = self.hanzi_metrics.horizontalAdvance(character)
            painter.drawText(QRectF(x, box.top(), advance, box.height()), Qt.AlignmentFlag.AlignCenter, character)
            x += advance

    def _paint_pinyin(self, painter: QPainter, token: Token, box: QRectF, default: QColor) -> None:
        painter.setFont(self.pinyin_font)
        written = join_word(token.pinyin)
        if not self.settings.tone_colors:
            painter.setPen(default)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignBottom, written)
            return
        x = box.left() + (box.width() - self.pinyin_metrics.horizontalAdvance(written)) / 2
        pieces = written.split("'")
        for number, syllable in enumerate(pieces):
            shown = ("'" if number else "") + syllable
            # an apostrophe-free word still holds several syllables: colour each by its own tone
            for part in _split_syllables(shown, token.pinyin):
                painter.setPen(tone_colors(self.settings.theme).get(tone_of(part), default))
                advance = self.pinyin_metrics.horizontalAdvance(part)
                painter.drawText(QRectF(x, box.top(), advance + 1, box.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, part)
                x += advance


def _split_syllables(written: str, syllables: tuple[str, ...]) -> list[str]:
    """Cut a written piece back into the syllables it was joined from (for per-syllable colour)."""
    parts, rest = [], written
    for syllable in syllables:
        bare = rest.lstrip("'")
        if bare.startswith(syllable):
            cut = len(rest) - len(bare) + len(syllable)
            parts.append(rest[:cut])
            rest = rest[cut:]
    if rest:
        parts.append(rest)
    return parts


class RowHeights:
    """Row heights, estimated until a row is measured: where each row starts is the running sum of the estimates
    (made at C speed when the rows are set) plus the changes measuring made above it, kept in a Fenwick tree.

    Why not QListView: in batched layout it paints nothing and answers no ``indexAt`` until every row has
    been measured (20 s for a novel); in single-pass layout it measures every row before the first paint.
    Code editors estimate what they have not laid out; so do we. Measuring a row updates the sums in
    O(log n), so a paint's cost does not grow with the document (a flat list of tops was rebuilt in O(n)
    after every measured row: about ten 3.8 ms rebuilds per paint on a novel). The tree starts empty, as no row
    is measured yet: building a tree of the heights themselves took 40-50 ms of a novel's first paint.
    """

    def __init__(self) -> None:
        self.heights: list[int] = []
        self.measured = bytearray()
        self._estimated_tops: list[int] = [0]  # the running sum of the estimates: row i starts there, unmeasured
        self._changes: list[int] = [0]  # Fenwick tree of measured height minus estimate, by row
        self._total = 0

    def reset(self, estimates: list[int], tops: list[int] | None = None) -> None:
        """``tops``: the running sum of ``estimates`` when made already (by a job)."""
        self.heights = estimates
        self.measured = bytearray(len(estimates))
        self._estimated_tops = tops if tops is not None else [0, *accumulate(estimates)]
        self._changes = [0] * (len(estimates) + 1)
        self._total = self._estimated_tops[-1]

    def set(self, row: int, height: int) -> int:
        """Record a measured height; returns by how much it moved every row below."""
        self.measured[row] = 1
        delta = height - self.heights[row]
        if delta:
            self.heights[row] = height
            self._total += delta
            tree, size, index = self._changes, len(self.heights), row + 1
            while index <= size:
                tree[index] += delta
                index += index & -index
        return delta

    def top(self, row: int) -> int:
        """Where a row starts: the sum of the heights above it."""
        tree, total, index = self._changes, self._estimated_tops[row], row
        while index > 0:
            total += tree[index]
            index -= index & -index
        return total

    def total(self) -> int:
        return self._total

    def row_at(self, y: int) -> int:
        """The row covering content coordinate ``y`` (-1 outside every row): the last row starting at or above
        it, by bisection (rows have a height, so their tops rise)."""
        if not self.heights or y < 0 or y >= self._total:
            return -1
        low, high = 0, len(self.heights) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.top(middle) <= y:
                low = middle
            else:
                high = middle - 1
        return low


class ReaderView(QAbstractItemView):
    """Clause rows of any count, measured lazily; word hover (``wordHovered``) and click (``wordClicked``);
    J/K move like Down/Up."""

    wordHovered = Signal(int, object, QRect)  # row, Token or None, the word's rectangle in global coordinates
    wordClicked = Signal(int, object, QRect)
    targetClicked = Signal(int)  # the translation cell of a row was clicked
    editRequested = Signal()  # Enter: translate the current segment
    speakClicked = Signal(int)  # a row's speak control was clicked
    marginClicked = Signal(int)  # a row's margin was clicked elsewhere (its number, a subtitle cue's time)

    def __init__(self, delegate: ClauseDelegate, parent=None) -> None:
        super().__init__(parent)
        self.clause_delegate = delegate
        self.rows = RowHeights()
        self.editor: QWidget | None = None  # the translation editor, placed over the cell being edited
        self.pinned: tuple[int, Token] | None = None  # the word last clicked (its entry is in the Dictionary panel)
        self.editing_row = -1
        self.setItemDelegate(delegate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._width = 0
        self._reading_ahead = QTimer(self)  # the next pages analysed once the paint's events are handled
        self._reading_ahead.setSingleShot(True)
        self._reading_ahead.setInterval(0)
        self._reading_ahead.timeout.connect(self._read_ahead)

    # --- heights ------------------------------------------------------------------------------------------
    def setModel(self, model) -> None:
        self.pinned = None
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self.relayout)
            model.layoutChanged.connect(self.relayout)
        self.relayout()

    def options_changed(self, relayout: bool) -> None:
        """A view option changed: heights too (zoom, ruby) or only how words are painted (tint, tones)."""
        if relayout:
            self.relayout()
        else:
            self.viewport().update()

    def relayout(self) -> None:
        """Heights changed (new text, zoom, ruby, width): estimate again, keeping the current clause in view."""
        model = self.model()
        self.clause_delegate.rows = model.rowCount() if model is not None else 0
        self.clause_delegate.apply_settings()
        self._width = self.viewport().width()
        if model is None:
            self.rows.reset([])
        else:
            self.rows.reset(*self.clause_delegate.estimate_heights(model, self._width))
        self.updateGeometries()
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.viewport().update()

    def _measure(self, row: int) -> int:
        index = self.model().index(row, 0)
        layout = self.clause_delegate.layout_for(index, self._width)
        return self.rows.set(row, layout.height)

    def _measure_visible(self) -> None:
        """Measure the rows about to be shown; a change above the first one moves the scroll bar with it, so
        the text under the reader's eyes stays put."""
        if not self.rows.heights:
            return
        bar = self.verticalScrollBar()
        first = max(0, self.rows.row_at(bar.value()))
        self._prepare(max(0, first - 2), bar.value() + self.viewport().height())
        shift = sum(self._measure(row) for row in range(max(0, first - 2), first))
        row = first
        while row < len(self.rows.heights):
            self._measure(row)
            if self.rows.top(row + 1) > bar.value() + shift + self.viewport().height():
                break
            row += 1
        self.updateGeometries()
        if shift:
            bar.blockSignals(True)
            bar.setValue(bar.value() + shift)
            bar.blockSignals(False)

    def _prepare(self, first: int, bottom: int) -> None:
        """Have the model analyse rows ``first`` down to content coordinate ``bottom`` (by their heights as known
        now) in one batch before they are laid out: a page of clauses read one call each cost twice as much."""
        prepare = getattr(self.model(), "prepare", None)
        if prepare is None or not self.rows.heights:
            return
        last = self.rows.row_at(bottom)
        prepare(range(first, (last if last >= 0 else len(self.rows.heights) - 1) + 1))

    def _read_ahead(self) -> None:
        """After a paint, when the window is idle: the page below and the page above analysed (a batch each), so
        the next Page Down or Page Up paints from the cache instead of analysing on the way."""
        if self.model() is None or not self.rows.heights:
            return
        value, page = self.verticalScrollBar().value(), self.viewport().height()
        below = self.rows.row_at(value + page)
        if below >= 0:
            self._prepare(below, value + 2 * page)
        above = self.rows.row_at(max(0, value - page))
        if above >= 0 and value > 0:
            self._prepare(above, value)

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setRange(0, max(0, self.rows.total() - page))
        bar.setPageStep(page)
        bar.setSingleStep(max(12, int(self.clause_delegate.line_height() / 2)))
        super().updateGeometries()

    # --- QAbstractItemView ---------------------------------------------------------------------------------
    def visualRect(self, index) -> QRect:
        if not index.isValid() or index.row() >= len(self.rows.heights):
            return QRect()
        row = index.row()
        top = self.rows.top(row) - self.verticalScrollBar().value()
        return QRect(0, top, self.viewport().width(), self.rows.heights[row])

    def indexAt(self, point: QPoint):
        row = self.rows.row_at(point.y() + self.verticalScrollBar().value())
        model = self.model()
        return model.index(row, 0) if model is not None and row >= 0 else QModelIndex()

    def visible_rows(self) -> range:
        """The rows wholly or partly on screen."""
        value = self.verticalScrollBar().value()
        first = self.rows.row_at(value)
        if first < 0:
            return range(0)
        last = self.rows.row_at(value + self.viewport().height() - 1)
        return range(first, (last if last >= 0 else len(self.rows.heights) - 1) + 1)

    def row_at(self, position: QPoint) -> int:
        return self.indexAt(position).row() if self.viewport().rect().contains(position) else -1

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if not index.isValid():
            return
        row = index.row()
        self._measure(row)
        self.updateGeometries()
        bar = self.verticalScrollBar()
        top, height, page = self.rows.top(row), self.rows.heights[row], self.viewport().height()
        if hint == QAbstractItemView.ScrollHint.PositionAtTop:
            value = top
        elif hint == QAbstractItemView.ScrollHint.PositionAtBottom:
            value = top + height - page
        elif hint == QAbstractItemView.ScrollHint.PositionAtCenter:
            value = top - (page - height) // 2
        elif top < bar.value():
            value = top
        elif top + height > bar.value() + page:
            value = top + height - page
        else:
            return
        bar.setValue(max(0, value))
        self.viewport().update()

    def moveCursor(self, action, modifiers):
        model = self.model()
        if model is None or model.rowCount() == 0:
            return QModelIndex()
        current = self.currentIndex().row() if self.currentIndex().isValid() else 0
        last = model.rowCount() - 1
        page_rows = max(1, self.viewport().height() // max(1, self.rows.heights[current] if self.rows.heights else 1))
        Action = QAbstractItemView.CursorAction
        target = {
            Action.MoveUp: current - 1, Action.MovePrevious: current - 1,
            Action.MoveDown: current + 1, Action.MoveNext: current + 1,
            Action.MovePageUp: current - page_rows, Action.MovePageDown: current + page_rows,
            Action.MoveHome: 0, Action.MoveEnd: last,
        }.get(action, current)
        return model.index(max(0, min(last, target)), 0)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index) -> bool:
        return False

    def setSelection(self, rect: QRect, flags) -> None:
        model = self.model()
        if model is None:
            return
        top = self.rows.row_at(rect.top() + self.verticalScrollBar().value())
        bottom = self.rows.row_at(rect.bottom() + self.verticalScrollBar().value())
        if top < 0:
            return
        bottom = top if bottom < 0 else bottom
        selection = QItemSelection(model.index(top, 0), model.index(bottom, 0))
        self.selectionModel().select(selection, flags)

    def visualRegionForSelection(self, selection) -> QRegion:
        region = QRegion()
        for selected in selection.indexes():
            region += self.visualRect(selected)
        return region

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()
        self.place_editor()

    def dataChanged(self, top_left, bottom_right, roles=()) -> None:
        """A translation changed, or a row's words (a pinned reading): its row may have grown, so measure it
        again now."""
        if Qt.ItemDataRole.DisplayRole in roles:
            for row in range(top_left.row(), bottom_right.row() + 1):
                self.clause_delegate.forget_row(row)
        if self.model() is not None and self.rows.heights:
            for row in range(top_left.row(), min(bottom_right.row() + 1, len(self.rows.heights))):
                self._measure(row)
            self.updateGeometries()
        self.viewport().update()
        self.place_editor()

    def target_rect(self, row: int) -> QRect:
        """The translation cell of a row, in viewport coordinates (empty when the pane is hidden)."""
        if row < 0 or self.model() is None or row >= self.model().rowCount():
            return QRect()
        index = self.model().index(row, 0)
        layout = self.clause_delegate.layout_for(index, self._width or self.viewport().width())
        if layout.target_rect is None:
            return QRect()
        return layout.target_rect.toAlignedRect().translated(self.visualRect(index).topLeft())

    def place_editor(self) -> None:
        if self.editor is None or not self.editor.isVisible():
            return
        rect = self.target_rect(self.editing_row)
        if rect.isEmpty():
            self.editor.hide()
            return
        self.editor.setGeometry(rect.adjusted(4, 0, 0, 0))

    # --- painting -----------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        model = self.model()
        if model is None or not self.rows.heights:
            return
        if self.viewport().width() != self._width:
            self.relayout()
        self._measure_visible()
        painter = QPainter(self.viewport())
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        value = self.verticalScrollBar().value()
        bottom = value + self.viewport().height()
        row = max(0, self.rows.row_at(value))
        top = self.rows.top(row)
        selection = self.selectionModel()
        current = self.currentIndex()
        width = self.viewport().width()
        while row < len(self.rows.heights) and top < bottom:
            index = model.index(row, 0)
            option.rect = QRect(0, top - value, width, self.rows.heights[row])
            top += self.rows.heights[row]
            option.state = QStyle.StateFlag.State_Enabled
            if selection is not None and selection.isSelected(index):
                option.state |= QStyle.StateFlag.State_Selected
            if index == current:
                option.state |= QStyle.StateFlag.State_HasFocus
            self.clause_delegate.paint(painter, option, index)
            row += 1
        painter.end()
        self.place_editor()
        self._reading_ahead.start()
        timings.mark("first paint")
        timings.mark("page analysed")  # painting analysed every clause on the page

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.viewport().width() == self._width:
            return
        model = self.model()
        if model is not None and model.rowCount() > ESTIMATE_IN_JOB_ROWS and self.rows.heights:
            self._relayout_later(model)
        else:
            self.relayout()

    def estimate_now(self) -> RowEstimate | None:
        """How rows are estimated at the view's width now, for a job to estimate a text's rows so; None while it
        is hidden (its width not known yet: it estimates the rows itself then)."""
        return self.clause_delegate.estimator(self.viewport().width()) if self.isVisible() else None

    def _relayout_later(self, model) -> None:
        """The width changed beside a long text: its rows are estimated again in a job. Meanwhile they keep
        their estimates, and those shown are measured at the new width as they are painted, so the page under
        the reader's eyes stays put; when the estimates arrive, the current clause is kept in view as
        ``relayout`` keeps it."""
        from .ops import run_job
        from .segment_model import estimated_rows

        width = self._width = self.viewport().width()
        estimate = model.estimate = self.clause_delegate.estimator(width)  # visible: being resized
        segments = model.segments

        def done(estimated) -> None:
            if self.model() is not model or model.segments is not segments or model.estimate is not estimate \
                    or len(estimated[1]) != len(self.rows.heights):
                return  # another text, other rows, width or settings since: that change estimated them
            self.rows.reset(*estimated[1:])
            self.updateGeometries()
            current = self.currentIndex()
            if current.isValid():
                self.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)
            self.viewport().update()

        run_job(lambda _report, _cancelled: estimated_rows(estimate, model.lengths(), model.paragraph_starts()),
                done, name="row heights")
        self.updateGeometries()
        self.viewport().update()

    # --- words --------------------------------------------------------------------------------------------
    def token_at(self, position: QPoint) -> tuple[int, Token | None, QRect]:
        row = self.row_at(position)
        if row < 0:
            return -1, None, QRect()
        index = self.model().index(row, 0)
        rect = self.visualRect(index)
        layout = self.clause_delegate.layout_for(index, rect.width())
        token = layout.token_at(position - rect.topLeft())
        if token is None or token.kind == "punct":
            return row, None, QRect()
        box = layout.rect_of(token).toAlignedRect().translated(rect.topLeft())
        global_box = QRect(self.viewport().mapToGlobal(box.topLeft()), box.size())
        return row, token, global_box

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self._set_pointer_row(self.row_at(event.position().toPoint()))
        row, token, box = self.token_at(event.position().toPoint())
        hovered = (row, token) if token is not None else None
        if hovered != self.clause_delegate.hovered:
            self.clause_delegate.hovered = hovered
            self.viewport().update()
            self.wordHovered.emit(row, token, box)

    def _set_pointer_row(self, row: int) -> None:
        """The row under the pointer shows its speak control: repaint the row it leaves and the one it enters."""
        delegate = self.clause_delegate
        if delegate.speaker and row != delegate.pointer_row:
            model = self.model()
            for changed in (delegate.pointer_row, row):
                if model is not None and 0 <= changed < model.rowCount():
                    self.viewport().update(self.visualRect(model.index(changed, 0)))
            delegate.pointer_row = row

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        row = self.row_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and row >= 0 \
                and event.position().x() < self.clause_delegate.margin:
            index = self.model().index(row, 0)
            rect = self.visualRect(index)
            speaker = self.clause_delegate.speaker_rect(rect, self.clause_delegate.layout_for(index, rect.width()))
            if self.clause_delegate.speaker and speaker.contains(event.position()):
                self.speakClicked.emit(row)
            else:
                self.marginClicked.emit(row)
            return
        if event.button() == Qt.MouseButton.LeftButton and self.target_rect(row).contains(event.position().toPoint()):
            self.targetClicked.emit(row)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            row, token, box = self.token_at(event.position().toPoint())
            if token is not None:
                self.pinned = (row, token)
                self.wordClicked.emit(row, token, box)

    def word_for_action(self) -> tuple[int, Token] | None:
        """The word an action by key or menu is about: the one under the pointer, else the one last clicked."""
        hovered = self.clause_delegate.hovered
        if hovered is not None and hovered[1].kind == "word":
            return hovered
        return self.pinned

    def forget_hovered(self, *_args) -> None:
        """The text moved under the pointer (a scroll): no word is under it until the pointer moves."""
        self.clause_delegate.hovered = None
        self.wordHovered.emit(-1, None, QRect())

    def follow_still_pointer(self, *_args) -> None:
        """The text under the pointer changed while the pointer stood still (a join or split, a merge, their
        undo): hover the word now there (after a join, the joined word) as if the pointer had just moved."""
        viewport, pointer = self.viewport(), QCursor.pos()
        if QApplication.widgetAt(pointer) is not viewport:
            self.forget_hovered()
            return
        QApplication.sendEvent(viewport, QMouseEvent(
            QMouseEvent.Type.MouseMove, QPointF(viewport.mapFromGlobal(pointer)), QPointF(pointer),
            Qt.MouseButton.NoButton, QApplication.mouseButtons(), QApplication.keyboardModifiers()))

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._set_pointer_row(-1)
        if self.clause_delegate.hovered is not None:
            self.clause_delegate.hovered = None
            self.viewport().update()
            self.wordHovered.emit(-1, None, QRect())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            step = {Qt.Key.Key_J: 1, Qt.Key.Key_K: -1}.get(Qt.Key(event.key()))
            if step:
                self.move_current(step)
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.editRequested.emit()
                return
        super().keyPressEvent(event)

    def move_current(self, step: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        row = self.currentIndex().row() if self.currentIndex().isValid() else -1
        self.go_to(max(0, min(model.rowCount() - 1, row + step)))

    def go_to(self, row: int, center: bool = False) -> None:
        """Make ``row`` current; with ``center``, a row not already wholly on screen comes to the middle (its
        visibility is judged before selecting it, which already scrolls it just into view)."""
        index = self.model().index(row, 0)
        visible = self.viewport().rect().contains(self.visualRect(index))
        self.setCurrentIndex(index)
        hint = QAbstractItemView.ScrollHint
        self.scrollTo(index, hint.PositionAtCenter if center and not visible else hint.EnsureVisible)
