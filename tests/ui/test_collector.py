"""Full garbage collections with a long document open: what survives one is frozen out of the next."""

import gc

from .conftest import opened


def walked(objects: list) -> int:
    """How many of ``objects`` the collector still walks (``gc.get_objects`` lists every generation but the
    frozen one): exact, where the frozen count also moves as unrelated frozen objects die."""
    tracked = {id(found) for found in gc.get_objects()}
    return sum(id(one) in tracked for one in objects)


def test_survivors_of_a_full_collection_are_frozen_while_a_long_document_is_open(window, qtbot, tmp_path):
    """Every full collection walked what was made since the analysed document was frozen (the reader's clauses,
    a regrouping's segments): 100-300 ms on the GUI thread with the novel open. Its survivors are frozen now,
    while the document is long; a short one's heap is left to the collector as before."""
    long_text = tmp_path / "long.txt"
    long_text.write_text("".join(f"第{n}行的文字很短。\n" for n in range(6000)), encoding="utf-8")
    try:
        with qtbot.waitSignal(window.session.analysisFinished, timeout=60000):
            assert opened(window, long_text)
        more = [[n] for n in range(1000)]
        gc.collect()
        assert not walked(more)  # the survivors went out of the next one's walk
        assert opened(window, None)  # the long text closed
        qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
        fewer = [[n] for n in range(1000)]
        gc.collect()
        assert walked(fewer) == len(fewer)  # a short text's survivors stay with the collector
    finally:
        gc.unfreeze()
