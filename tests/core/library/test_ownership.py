"""The library owns its tables: no SQL outside studyapp/library/ (in the core, ui/ or the benchmarks), no private
library call from outside, and each part of ``Library`` answers for its own methods."""

import inspect
import re

from studyapp.library import Library, cards, connection, documents, segments, words

from ...conftest import REPO

#: SQL as the core writes it: statements, and the calls that run them.
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+"
                 r"(TABLE|INDEX)|ALTER\s+TABLE|PRAGMA\s+\w+)\b|\.execute(many)?\(|\b_query\(")
#: A private member of the library reached from outside it (``library._query``, ``self.library._connection``).
PRIVATE_CALL = re.compile(r"library\._\w+")
#: The dictionary's index is a cache file of its own, rebuilt from CC-CEDICT, not the user's library.
OWN_DATABASES = {"dictionary.py"}
PACKAGE = REPO / "studyapp" / "library"


def _findings(pattern: re.Pattern, paths) -> list[str]:
    return [f"{path.relative_to(REPO)}:{number}: {line.strip()}" for path in paths
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]


def _outside_the_library() -> list:
    """The core, ui/ and the benchmarks (which fill libraries through the same methods)."""
    code = sorted((REPO / "studyapp").rglob("*.py")) + sorted((REPO / "benchmarks").glob("*.py"))
    return [path for path in code if PACKAGE not in path.parents and path.name not in OWN_DATABASES]


def test_no_sql_outside_the_library():
    outside = _outside_the_library()
    assert len(outside) > 50  # the walk reached the core and ui/
    assert _findings(SQL, outside) == []
    assert len(_findings(SQL, sorted(PACKAGE.glob("*.py")))) > 50  # the same search does find the library's own


def test_nothing_outside_the_library_calls_its_private_members():
    assert _findings(PRIVATE_CALL, _outside_the_library()) == []
    assert _findings(PRIVATE_CALL, [REPO / "tests" / "core" / "test_rooms.py"])  # the search finds such a call


def test_each_method_of_the_library_is_defined_by_one_part():
    """Parts are joined by inheritance; a name two parts defined would silently hide one of them."""
    parts = [connection.Connection, segments.Segments, documents.Documents, words.Words, cards.Cards]
    owners: dict[str, list[str]] = {}
    for part in parts:
        for name, _member in inspect.getmembers(part, inspect.isfunction):
            if name in vars(part) and not name.startswith("__"):
                owners.setdefault(name, []).append(part.__name__)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
    assert set(owners) <= set(dir(Library))
    assert len(owners) > 60
