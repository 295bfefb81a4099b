"""The command line, as scripts use it: JSON shapes, every reading, and one-line errors with exit 2."""

import json
import subprocess
import sys

import pytest

from studyapp.cli import main

from ..conftest import DEFAULT_TEXT


def test_analyze_json_has_offsets_into_the_text(capsys):
    assert main(["analyze", str(DEFAULT_TEXT), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["encoding"] == "utf-8"
    source = result["text"]
    assert len(result["paragraphs"]) == 19
    assert all(set(c) == {"start", "end", "paragraph", "tokens"} for c in result["clauses"])
    tokens = [t for c in result["clauses"] for t in c["tokens"]]
    for token in tokens:
        assert source[token["start"]:token["end"]] == token["text"]
        assert token["kind"] in {"word", "number", "latin", "punct"}
    bank = [t for t in tokens if t["text"] == "重申"][0]
    assert bank["pinyin"] == "chóng shēn"
    assert bank["definitions"]
    assert any(t["hsk"] for t in tokens)
    assert any(t["kind"] == "number" and t["text"] == "2030" for t in tokens)


def test_lookup_json_gives_both_readings_of_hang(capsys):
    assert main(["lookup", "行", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["word"] == "行"
    assert {e["pinyin"] for e in result["entries"]} >= {"háng", "xíng"}
    assert result["hsk"] is not None
    assert all(e["definitions"] for e in result["entries"])


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "is empty"), (bytes(range(256)) * 8, "not a text file")],
    ids=["missing", "empty", "binary"],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    completed = subprocess.run([sys.executable, "-m", "studyapp", "analyze", str(path), "--json"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in completed.stderr


def test_screenshot_with_bad_path_exits_2_before_opening(tmp_path, capsys):
    assert main(["--screenshot", str(tmp_path / "shot.png"), str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_the_window_with_a_bad_path_says_why_and_shows_the_sample(tmp_path, monkeypatch, capsys):
    """From a file manager a message on stderr is never seen: the window must say it."""

    from studyapp.ui import app as app_module

    shown = {}
    built = app_module.build_window
    windows = []

    def build_window(*arguments, **keywords):
        """The window as run() builds it, watched: once it shows a text (the missing file fails in a job, the
        sample opens after it), what it shows is noted and the event loop ends."""
        application, window = built(*arguments, **keywords)
        windows.append(window)

        def shown_text() -> None:
            shown["error"], shown["document"] = getattr(window, "last_error", ""), window.session.path
            application.exit(0)

        window.session.opened.connect(shown_text)
        return application, window

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(app_module, "build_window", build_window)
    assert app_module.run(str(tmp_path / "missing.txt")) == 0
    windows[0].close()  # after the loop: the last window closing inside it would post a quit for the next one
    assert "no such file" in shown["error"]
    assert shown["document"].name.startswith("china-russia")
    assert "no such file" in capsys.readouterr().err


def test_without_a_display_the_window_says_so_plainly(tmp_path):
    import os
    import subprocess
    import sys

    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    completed = subprocess.run([sys.executable, "-m", "studyapp"], capture_output=True, text=True, timeout=60,
                               env=environment)
    assert completed.returncode == 2
    assert "No display was found" in completed.stderr and "xcb" not in completed.stderr


def test_lookup_of_an_unknown_word_exits_1(capsys):
    assert main(["lookup", "xyz"]) == 1
    assert "not in CC-CEDICT" in capsys.readouterr().out
    assert main(["lookup", "中国", "--json"]) == 0


def test_analyze_without_json_prints_clauses_and_their_words(capsys):
    from ..conftest import DEFAULT_TEXT

    assert main(["analyze", str(DEFAULT_TEXT)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1\t") and "双方 shuāng fāng" in out and not out.lstrip().startswith("{")


def test_help_names_every_sub_command(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    for command in ("analyze", "lookup", "export", "import", "deck", "known", "review"):
        assert command in shown
