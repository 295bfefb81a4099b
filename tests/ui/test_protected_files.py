"""Files that need something from the reader before they open: a PDF protected by a password."""

from studyapp.ui.qt import QInputDialog, QLineEdit

from ..pdf_maker import encrypted, make_pdf
from .conftest import opened


def test_a_pdf_with_a_password_asks_for_it_again_when_wrong_and_opens(window, tmp_path, monkeypatch):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(make_pdf([["今天晚上，很好的月光。"]]), user_password="secret"))
    answers, asked = iter(["guess", "secret"]), []

    def reader_types(_parent, _title, question, echo):
        asked.append((question, echo))
        return next(answers), True

    monkeypatch.setattr(QInputDialog, "getText", reader_types)
    assert opened(window, path)
    assert window.session.document.text == "今天晚上，很好的月光。\n"
    assert [question for question, _echo in asked] == ["locked.pdf is protected by a password. Password:",
                                                       "That is not the password of locked.pdf. Try again:"]
    assert all(echo == QLineEdit.EchoMode.Password for _question, echo in asked)


def test_cancelling_the_password_keeps_the_open_text_and_says_why(window, tmp_path, monkeypatch):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(make_pdf([["今天晚上，很好的月光。"]]), user_password="secret"))
    before = window.session.document.text
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args: ("", False))
    assert not opened(window, path)
    assert window.session.document.text == before
    assert "protected by a password" in window.last_error


def test_the_window_takes_the_password_on_its_command_line(tmp_path, capsys):
    from studyapp.cli import main
    from studyapp.ui.qt import QImage

    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(make_pdf([["今天晚上，很好的月光。"]]), user_password="secret"))
    out = tmp_path / "shot.png"
    library = str(tmp_path / "library.sqlite")
    assert main(["--screenshot", str(out), str(path), "--library", library]) == 2
    assert "protected by a password" in capsys.readouterr().err and not out.exists()
    assert main(["--screenshot", str(out), str(path), "--password", "secret", "--library", library]) == 0
    assert not QImage(str(out)).isNull()
