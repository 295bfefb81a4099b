"""Where File > Export Translation starts: the folder last used, else the user's documents folder; never the
installed package's own folder, where the bundled text lives."""

from pathlib import Path

from studyapp import settings as settings_store
from studyapp.ui.qt import QFileDialog


def test_exporting_the_bundled_text_starts_in_documents_then_in_the_folder_last_used(window, qtbot, tmp_path,
                                                                                       monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs: ~/Documents
    chosen = tmp_path / "translations"
    chosen.mkdir()
    offered = []

    def save_dialog(_parent, _caption, suggested, _filter):
        """Qt's dialog, as a user answers it: picks ``chosen`` while it exists, else cancels."""
        offered.append(Path(suggested))
        return (str(chosen / Path(suggested).name) if chosen.exists() else ""), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    assert window.session.path.parent.name == "resources"  # the bundled text, inside the package
    window.exchange.choose_export("tmx")
    qtbot.waitUntil(lambda: not window.exchange.busy(), timeout=20000)
    assert offered[0].parent == home / "Documents"
    assert (chosen / offered[0].name).exists()

    window.exchange.choose_export("docx")
    qtbot.waitUntil(lambda: not window.exchange.busy(), timeout=20000)
    assert offered[1].parent == chosen and offered[1].suffix == ".docx"
    assert settings_store.load().exchange_folder == str(chosen)  # kept for the next start

    chosen.joinpath(offered[0].name).unlink()
    chosen.joinpath(offered[1].name).unlink()
    chosen.rmdir()  # a folder that is gone is not offered
    window.exchange.choose_export("tsv")
    assert offered[2].parent == home / "Documents"
