"""Writes of many rows at once (a document's word counts after its analysis) go in as one statement: one step
of SQLite, during which the writing job holds no interpreter lock (``connection.json_rows`` says why)."""

from studyapp import text
from studyapp.library import Library


def test_a_documents_word_counts_are_written_in_one_statement_and_read_back_whole(tmp_path):
    counts = {f"词{number}": number % 7 + 1 for number in range(3000)}
    counts |= {'say "hi"': 2, "back\\slash": 3, "tab\tand\nline": 4, "": 1}  # what JSON must escape
    with Library.open(tmp_path / "library.sqlite") as library:
        document = library.add_document(text.split("水浒传。", "utf-8"), "novel", None)
        statements: list[str] = []
        library._connection.set_trace_callback(statements.append)
        library.save_document_words(document, counts)
        library._connection.set_trace_callback(None)
        assert sum(statement.startswith("INSERT INTO document_words") for statement in statements) == 1
        assert library.library_counts() == counts
        library.save_document_words(document, {"水": 1})  # written again: replaced, not added
        assert library.library_counts() == {"水": 1}
