"""The library file's check, begun in a thread at start-up, answers for the file as it was: a damaged file is
refused as before, and a file changed since the check began is checked again."""

import pytest

from studyapp.errors import LibraryError
from studyapp.library import Library
from studyapp.library.connection import check_ahead


def test_a_damaged_library_checked_ahead_is_refused_and_left_byte_identical(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path):
        pass
    damaged = bytearray(path.read_bytes())
    damaged[4096:8192] = b"\xff" * 4096  # the second page: garbage
    path.write_bytes(bytes(damaged))
    check_ahead(path)
    with pytest.raises(LibraryError, match="damaged"):
        Library.open(path)
    assert path.read_bytes() == bytes(damaged)


def test_a_library_changed_after_its_check_began_is_checked_again(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path):
        pass
    check_ahead(path)  # sound when the check began
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 8000)  # then swapped for a broken file
    with pytest.raises(LibraryError, match="damaged"):  # the check's word, not a failed connection's
        Library.open(path)
