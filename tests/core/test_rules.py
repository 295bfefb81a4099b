"""Rules the app states once and every module imports: where a sentence ends, what a hanzi is, numbered pinyin,
and a core whose modules import one another without a circle."""

import ast
from pathlib import Path

import pytest

from studyapp import text
from studyapp.translation.segments import Segment, regroup_by_sentence

from ..conftest import REPO


def sentences_of(source: str) -> list[str]:
    """Group by Sentence on a text whose every clause is one segment, as the window groups them."""
    document = text.split(source)
    clauses = [Segment(number, clause.start, clause.end, "", 0) for number, clause in enumerate(document.clauses)]
    joined, _removed = regroup_by_sentence(document, clauses)
    return [document.span_text(segment.start, segment.end) for segment in joined]


@pytest.mark.parametrize("closed", ['走吧。"', "走吧。」", "走吧！”", "走吧？）", "走吧。』", "走吧……’", "走吧!'",
                                    "走吧。】", "走吧。〉"])
def test_group_by_sentence_ends_a_sentence_after_the_closing_mark_of_its_full_stop(closed):
    assert sentences_of(f"他说：{closed}我们就走，没有回头。") == [f"他说：{closed}", "我们就走，没有回头。"]


def test_group_by_sentence_runs_on_across_commas_and_colons_only():
    assert sentences_of("他说：好，走吧；明天见。下一句。") == ["他说：好，走吧；明天见。", "下一句。"]


def test_a_tmx_by_sentence_cuts_its_units_where_group_by_sentence_does():
    from studyapp.translation.exchange import sentence_pairs

    document = text.split('他说："走吧。"我们就走，没有回头。')
    translated = [Segment(number, clause.start, clause.end, f"t{number}", 1)
                  for number, clause in enumerate(document.clauses)]
    assert [source for source, _target in sentence_pairs(document, translated)] == \
        ['他说："走吧。"', "我们就走，没有回头。"]


def test_pleco_cards_and_the_deck_search_number_lü_as_lv(library, analyzer):
    """绿色 went to Pleco as lu4se4 (路色) and 女儿 as nu3er2: ǜ lost its dots with its tone mark."""
    from studyapp.study import deck
    from studyapp.study.deck_export import cards, export_deck

    document = text.split("她女儿穿绿色的衣服。")
    identifier = library.add_document(document, "t", None)
    _gathered, found = deck.build(library, identifier, document, analyzer)
    pleco = export_deck(cards(document, library.segments(identifier), found), "pleco").decode("utf-8").splitlines()
    assert any(line.startswith("绿色\tlv4se4\t") for line in pleco)
    assert any(line.startswith("女儿\tnv3er2\t") for line in pleco)
    green = next(term for term in found if term.word == "绿色")
    assert deck.matches(green, deck.search_index(green), "lv4se4")
    assert deck.matches(green, deck.search_index(green), "lvse")
    assert not deck.matches(green, deck.search_index(green), "lu4se4")


def core_imports() -> dict[str, set[str]]:
    """Each core module (studyapp and its packages, ui/ left out) and the core modules it imports anywhere in it,
    inside functions too: an import put off into a function is still a circle."""
    root = REPO / "studyapp"

    def name_of(path: Path) -> str:
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {name_of(path): path for path in root.rglob("*.py") if path.relative_to(root).parts[0] != "ui"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                imported.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                                for alias in node.names)
        graph[name] = {other for other in imported if other in modules and other != name}
    return graph


def a_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """Some import circle of ``graph``, as the modules along it, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        path.append(module)
        for other in sorted(graph[module]):
            if circle := visit(other):
                return circle
        path.pop()
        done.add(module)
        return None

    return next((circle for module in sorted(graph) if (circle := visit(module))), None)


def test_the_core_imports_without_a_circle():
    graph = core_imports()
    assert "studyapp.text.sources" in graph["studyapp.text.loading"]  # the graph sees package-relative imports
    assert "studyapp.text.decoding" in graph["studyapp.text.sources"]
    assert a_circle(graph) is None, " -> ".join(a_circle(graph))


def test_the_circle_check_finds_a_circle_put_off_into_a_function():
    assert a_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert a_circle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_a_new_translation_format_is_one_row(tmp_path, monkeypatch):
    """A format added to ``exchange.FORMATS`` alone is offered by the command line and the dialogs, written by its
    writer and read back by its reader."""
    import json

    from studyapp.cli import main
    from studyapp.text import loading
    from studyapp.translation import exchange

    from ..conftest import DEFAULT_TEXT

    row = exchange.Format("json", "JSON pairs", (".json",),
                          write=lambda export: json.dumps(export.pairs(), ensure_ascii=False).encode("utf-8"),
                          read=lambda data, path: exchange.Pairs(map(tuple, json.loads(data))))
    monkeypatch.setitem(exchange.FORMATS, "json", row)
    assert "*.json" in exchange.import_filter() and exchange.export_filter("json") == "JSON pairs (*.json)"

    first = text.split(loading.load(DEFAULT_TEXT)).clause_text(0)
    given = tmp_path / "given.tsv"
    given.write_text(f"{first}\tIn the spirit of partnership,\n", encoding="utf-8")
    assert main(["import", str(DEFAULT_TEXT), str(given), "--library", str(tmp_path / "one.sqlite")]) == 0
    out = tmp_path / "pairs.json"
    assert main(["export", str(DEFAULT_TEXT), "--format", "json", "--out", str(out),
                 "--library", str(tmp_path / "one.sqlite")]) == 0
    assert [first, "In the spirit of partnership,"] in json.loads(out.read_text(encoding="utf-8"))

    assert main(["import", str(DEFAULT_TEXT), str(out), "--library", str(tmp_path / "two.sqlite")]) == 0
    back = tmp_path / "back.tsv"
    assert main(["export", str(DEFAULT_TEXT), "--format", "tsv", "--out", str(back),
                 "--library", str(tmp_path / "two.sqlite")]) == 0
    assert exchange.read_pairs(back)[:2] == [(first, "In the spirit of partnership,"),
                                             (text.split(loading.load(DEFAULT_TEXT)).clause_text(1), "")]


@pytest.mark.parametrize("end", ["？）", "。\"", "．", "⋯⋯"])
def test_a_pdf_line_that_ends_a_sentence_short_of_the_width_ends_its_paragraph(tmp_path, end):
    """A PDF's paragraphs end where a sentence ends as Group by Sentence says it does (？） and ． were missed)."""
    from studyapp.text import loading

    from ..pdf_maker import make_pdf

    full = "我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并不以为可惜"
    pages = [[full, full[:-len(end) - 2] + end, full, "完。"]]
    path = tmp_path / "book.pdf"
    path.write_bytes(make_pdf(pages))
    paragraphs = [line for line in loading.load(path).text.split("\n") if line]
    assert paragraphs == [full + full[:-len(end) - 2] + end, full + "完。"]
