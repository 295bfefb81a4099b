"""The File menu's documents as the window shows them: choosing and opening one (asking a PDF's password), the
recent files, the library's list, joining wrapped lines, and going to a card's clause. The document's own life
(opening in the background, analysis, saving) is the session's; this puts its result in the window's widgets."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import settings as settings_store
from ..text.sources import open_filter
from ..wording import displayable
from .collector import Collector
from .ops import cancel_all
from .qt import QApplication, QDragEnterEvent, QDropEvent, QFileDialog, QInputDialog, QLineEdit, QObject, Qt, QTimer
from .qt_helpers import set_checked_quietly

if TYPE_CHECKING:
    from .main_window import MainWindow


class DocumentActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._cue_offsets: list[int] = []
        window.session.opened.connect(self._on_opened)
        self.collector = Collector(window.session, self)  # full collections stay short with a novel open
        window.setAcceptDrops(True)

    def drag_entered(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropped(self, event: QDropEvent) -> None:
        """A file dropped on the window opens (once the drop is over, so the file manager is not kept waiting)."""
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_path(files[0]))

    def choose_file(self) -> None:
        window = self.window
        start = str(window.session.path.parent) if window.session.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(window, self.tr("Open a Chinese text"), start,
                                              open_filter())  # every kind the core reads
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path | None, password: str | None = None,
                  then: Callable[[bool], None] | None = None) -> None:
        """Open a text (the bundled sample for None); on bad input say why and keep what is open. A PDF protected
        by a password asks for it, again when it was wrong, until it opens or the reader cancels. Returns at once:
        the text opens as a job, and ``then(opened)`` follows (a newer opening takes over, and this one's ``then``
        never runs)."""
        window, session = self.window, self.window.session
        self.leave_document()
        window.statusBar().showMessage(self.tr("Opening {0}…").format(Path(path).name if path
                                                                     else self.tr("the sample")))
        if not session.opening():
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

        def finished(opened: bool) -> None:
            QApplication.restoreOverrideCursor()
            window.statusBar().clearMessage()
            needed = session.password_needed
            if needed is not None and path:
                typed = self._ask_password(Path(path), needed.wrong)
                if typed is not None:
                    self.open_path(path, typed, then)
                    return
                window.show_error(needed.message)
            elif opened and path:
                window.settings.remember(str(Path(path)))
                settings_store.save(window.settings)
                self.refresh_recent_menu()
            if then is not None:
                then(opened)

        session.open_path(path, password, finished)

    def _ask_password(self, path: Path, wrong: bool) -> str | None:
        """The password of a protected PDF, as the reader types it (shown as dots); None when they cancel."""
        question = (self.tr("That is not the password of {0}. Try again:") if wrong
                    else self.tr("{0} is protected by a password. Password:")).format(path.name)
        password, ok = QInputDialog.getText(self.window, self.tr("Password"), question, QLineEdit.EchoMode.Password)
        return password if ok else None

    def refresh_recent_menu(self) -> None:
        menu, recent = self.window.recent_menu, self.window.settings.recent_files
        menu.clear()
        for path in recent:
            action = menu.addAction(displayable(path))  # Qt would drop a non-UTF-8 name's bytes
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        menu.setEnabled(bool(recent))

    def new_from_clipboard(self, then: Callable[[bool], None] | None = None) -> bool:
        """File > New from Clipboard: the text copied from an article becomes a document of the library. False
        when the clipboard holds no text; else it opens as a job and ``then(opened)`` follows."""
        pasted = QApplication.clipboard().text()
        if not pasted.strip():
            self.window.statusBar().showMessage(self.tr("The clipboard holds no text to open."), 6000)
            return False
        self.leave_document()
        self.window.session.open_text(pasted, then)
        return True

    def open_from_library(self, identifier: str, then: Callable[[bool], None] | None = None) -> None:
        self.leave_document()
        self.window.session.open_from_library(identifier, then)

    def close(self) -> None:
        """The window closes: what was typed is saved, background jobs stop, the document is let go."""
        self.window.session.cancel_opening()
        self.leave_document()
        cancel_all()
        self.window.session.close()

    def leave_document(self) -> None:
        window = self.window
        window.translator.save_now()
        window.session.save_position(window.view.currentIndex().row())
        window.hover.hide()

    def show_library(self) -> None:
        from .library_dialog import LibraryDialog

        window = self.window
        window.translator.save_now()
        dialog = LibraryDialog(window.library, window.session.document_id, window)
        if dialog.exec() and dialog.chosen:
            self.open_from_library(dialog.chosen)
        elif window.session.document_id:
            info = window.library.document_info(window.session.document_id)
            if info is None:
                self.open_path(None)  # the open document was deleted
            else:
                self._show_title(info.title)  # it may have been renamed

    def _show_title(self, title: str) -> None:
        self.window.setWindowTitle(f"{title} — studyapp")

    def _on_opened(self) -> None:
        window, session = self.window, self.window.session
        model, document = session.model, session.document
        self._cue_offsets = [offset for offset, _start, _end in document.cues]
        window.delegate.margin_note = self._cue_start if document.cues else None
        window.delegate.apply_settings()
        window.view.setModel(model)
        window.translator.set_model(model, session.memory)
        window.view.selectionModel().currentChanged.connect(self._on_current_changed)
        info = session.opened_info
        set_checked_quietly(window.sentence_action, bool(info) and info.grouping == "sentence")
        window.view.go_to(min(info.position if info else 0, model.rowCount() - 1), center=True)
        self._show_title(info.title if info else session.path.name)
        set_checked_quietly(window.join_action, document.joined)
        window.contents.show_sections(document.sections)
        window.delegate.headings = {model.row_at_offset(offset) for _title, offset in document.sections}
        window.status.document_opened()

    def _on_current_changed(self, *_args) -> None:
        self.window.status.update_position()
        self.window.session.position_changed(self.window.view.currentIndex().row())

    def _cue_start(self, row: int) -> str | None:
        """A subtitle cue's start time, shown in the margin by the first row of its cue."""
        model, cues = self.window.session.model, self.window.session.document.cues
        if model is None or not model.starts_paragraph(row):
            return None
        number = bisect_right(self._cue_offsets, model.segments[row].start) - 1
        return cues[number][1].split(",")[0] if number >= 0 else None

    def set_join_lines(self, join: bool) -> None:
        """View > Join Wrapped Lines: the same text cut again, the reader kept at the same place in it."""
        window, session = self.window, self.window.session
        model = session.model
        if model is None or session.document.joined == join:
            return
        row = max(0, window.view.currentIndex().row())
        offset = model.segments.starts[row] if model.rowCount() else 0
        self.leave_document()

        def finished(opened: bool) -> None:
            if opened:
                window.view.go_to(session.model.row_at_offset(offset), center=True)
                window.statusBar().showMessage(
                    self.tr("Lines joined within paragraphs: a clause runs on where a line was only full.") if join
                    else self.tr("Every line break ends a clause again."), 8000)
            elif session.document is not None:  # nothing changed: the tick shows what is in place
                set_checked_quietly(window.join_action, session.document.joined)

        if session.set_join_lines(join, finished) is None:
            finished(False)

    def show_clause(self, document_id: str, clause: str, position: int = -1) -> None:
        """From a card to its clause in the reader (opening its document if another one is open), found by the
        document's own find, which reads across the line breaks of a hard-wrapped book; from ``position`` on
        when the card knows where its clause starts, since a clause may occur more than once."""
        if document_id != self.window.session.document_id:
            self.open_from_library(document_id, lambda opened: self._go_to_clause(clause, position) if opened
                                   else None)
        else:
            self._go_to_clause(clause, position)

    def _go_to_clause(self, clause: str, position: int) -> None:
        window, session = self.window, self.window.session
        document = session.document
        found = document.find(clause, max(position, 0)) if document else -1
        if found < 0 and position > 0:
            found = document.find(clause)
        if found >= 0:
            window.view.go_to(session.model.row_at_offset(found), center=True)
            window.raise_()
            window.activateWindow()
