"""File > Export and Import Translation: file dialogs, then the work as a background job with progress and
cancel, so exporting a novel never freezes the window."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from .. import settings as settings_store
from ..library import Library
from ..settings import Settings
from ..translation.exchange import (
    FORMATS,
    ImportResult,
    export_filter,
    import_filter,
    import_summary,
    plan_import,
    write_import,
)
from ..translation.export_process import export_in_a_process
from ..wording import counted
from .document_session import DocumentSession
from .ops import Job, run_job
from .qt import QFileDialog, QMessageBox, QObject, QProgressDialog, Qt, QWidget, Signal


class ExchangeActions(QObject):
    message = Signal(str)
    failed = Signal(str)
    imported = Signal(object)  # segments changed in the library (the segments before, to undo): reload

    def __init__(self, session: DocumentSession, save_now, parent: QWidget, settings: Settings) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self._save_now = save_now
        self._parent = parent
        self.job: Job | None = None
        self._dialog: QProgressDialog | None = None

    def busy(self) -> bool:
        return self.job is not None

    # --- export ---------------------------------------------------------------------------------------------
    def choose_export(self, fmt: str, units: str = "segment") -> None:
        session = self.session
        if session.model is None:
            return
        info = session.info()
        suffix = FORMATS[fmt].suffixes[0]
        out, _ = QFileDialog.getSaveFileName(self._parent, self.tr("Export translation"),
                                             str(self.folder() / f"{info.title}{suffix}"), export_filter(fmt))
        if out:
            self._remember_folder(Path(out))
            self.export(fmt, Path(out), units)

    def folder(self) -> Path:
        """Where the file dialogs start: the folder last exported to or imported from, else the user's documents
        folder. Never the text's own folder: the bundled text's is inside the installed package."""
        for candidate in (self.settings.exchange_folder, platformdirs.user_documents_dir()):
            if candidate and Path(candidate).is_dir():
                return Path(candidate)
        return Path.home()

    def _remember_folder(self, chosen: Path) -> None:
        self.settings.exchange_folder = str(chosen.parent)
        settings_store.save(self.settings)

    def export(self, fmt: str, out: Path, units: str = "segment") -> Job | None:
        """Write the open document's translation to ``out`` in the background."""
        session = self.session
        if session.model is None or self.busy():
            return None
        self._save_now()
        document, segments = session.document, session.model.segments.copy()
        library_path, document_id = session.library.path, session.document_id

        def work(report, cancelled):
            # the document's row is read here: with it come its segments' counts, 30-100 ms for a novel's 111,000
            with Library.connect(library_path) as library:
                info = library.document_info(document_id)
            # in a process of its own: in this thread, the export shared the interpreter lock with the window
            return out, export_in_a_process(document, segments, fmt, out, info.target_lang, info.title, report,
                                            cancelled, units)

        return self._start(work, self.tr("Exporting {0}…").format(out.name),
                           lambda done: self.message.emit(
                               " ".join((self.tr("Exported to {0}.").format(done[0]), *done[1]))),
                           self.tr("The translation could not be exported: {0}"), modal=False)

    # --- import ---------------------------------------------------------------------------------------------
    def choose_import(self) -> None:
        if self.session.model is None:
            return
        file, _ = QFileDialog.getOpenFileName(self._parent, self.tr("Import a translation"), str(self.folder()),
                                              import_filter())
        if file:
            self._remember_folder(Path(file))
            self.import_file(Path(file))

    def import_file(self, file: Path, overwrite: bool | None = None) -> Job | None:
        """Read and match the file in the background; ask before replacing written translations (unless
        ``overwrite`` says), then write in the background too, on a connection of its own."""
        session = self.session
        if session.model is None or self.busy():
            return None
        self._save_now()
        document, segments = session.document, session.model.segments.copy()

        def planned(result: ImportResult) -> None:
            replace = overwrite
            if replace is None and result.skipped_existing:
                replace = QMessageBox.question(self._parent, self.tr("Import"), counted(
                    result.skipped_existing, self.tr("{0} segment already has a different translation. Replace it?"),
                    self.tr("{0} segments already have a different translation. Replace them?"))) \
                    == QMessageBox.StandardButton.Yes
            self._write(file, document, segments, result, bool(replace))

        return self._start(lambda report, cancelled: plan_import(document, segments, file, False),
                           self.tr("Reading {0}…").format(file.name), planned, "{0}")

    def _write(self, file: Path, document, segments, planned: ImportResult, overwrite: bool) -> None:
        library_path, document_id = self.session.library.path, self.session.document_id

        def work(report, cancelled):
            result = plan_import(document, segments, file, True) if overwrite else planned
            with Library.connect(library_path) as library:
                write_import(library, document_id, result)
            return result

        def written(result: ImportResult) -> None:
            self.imported.emit(segments)
            told = self.tr("Imported {0}: {1}").format(file.name, import_summary(result))
            self.message.emit(" ".join((told, *result.notes)))

        self._start(work, self.tr("Importing {0}…").format(file.name), written, "{0}", writes=True)

    # --- jobs -----------------------------------------------------------------------------------------------
    def _start(self, work, label: str, success, failure_format: str, writes: bool = False,
               modal: bool = True) -> Job:
        """``modal``: the window waits for the job (an import, which changes the segments). An export writes a
        copy taken as it starts, so the reader stays usable beside its dialog: a modal one ran a nested event
        loop at each progress step (QProgressDialog.setValue), in which the blocked window repainted and further
        steps re-entered it, 20-35 ms of the GUI thread at a time (issue 22)."""
        dialog = QProgressDialog(label, self.tr("Cancel"), 0, 0, self._parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal if modal else Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(400)
        self._dialog = dialog

        def finish() -> None:
            self.job = None
            dialog.reset()
            dialog.deleteLater()
            if self._dialog is dialog:
                self._dialog = None

        def progressed(done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)

        def succeeded(result) -> None:
            finish()
            success(result)

        def failed(message: str) -> None:
            finish()
            self.failed.emit(failure_format.format(message))

        job = self.job = run_job(work, succeeded, failed, progressed, name=label, writes=writes)

        def cancel() -> None:
            job.cancel()
            finish()
            self.message.emit(self.tr("Cancelled."))

        dialog.canceled.connect(cancel)
        return job

    def cancel(self) -> None:
        if self._dialog is not None:
            self._dialog.cancel()
