"""What a text is called in the library: what the file says its title is, else its file name, never the
first line of the text (a collection's first line is its first story's title)."""

import pytest

from studyapp.document import open_in_library

from ...conftest import CORPUS


def _title(library, path) -> str:
    return library.document_info(open_in_library(library, path).id).title


def test_a_collection_is_named_by_its_file_not_its_first_story(library, tmp_path):
    book = tmp_path / "呐喊.txt"
    book.write_text("鸭的喜剧\n\n　　俄国的盲诗人爱罗先珂君带了他那六弦琴到北京之后不久，便向我诉苦说：\n", encoding="utf-8")
    assert _title(library, book) == "呐喊"


def test_a_title_page_in_book_title_marks_names_the_book(library, tmp_path):
    book = tmp_path / "shuihu-zhuan-utf8.txt"
    book.write_text("《水浒传》施耐庵\n\n楔子　张天师祈禳瘟疫　洪太尉误走妖魔\n\n话说大宋仁宗天子在位。\n", encoding="utf-8")
    assert _title(library, book) == "《水浒传》施耐庵"


def test_a_web_page_keeps_its_own_title(library, tmp_path):
    page = tmp_path / "article-8812.html"
    page.write_text("<html><head><title>故乡</title></head><body><article><h1>故乡</h1>"
                    + "<p>我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。</p>" * 5
                    + "</article></body></html>", encoding="utf-8")
    assert _title(library, page) == "故乡"


@pytest.mark.skipif(not (CORPUS / "呐喊.txt").exists(), reason="the corpus is not beside the clone")
def test_the_corpus_books_are_named_as_their_files_and_title_pages_say(library):
    assert _title(library, CORPUS / "呐喊.txt") == "呐喊"  # not 鸭的喜剧
    assert _title(library, CORPUS / "三国演义.txt") == "《三国演义》罗贯中"
