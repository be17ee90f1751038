"""The print, press and archive PDFs are tagged: a structure tree in Chinese (zh-CN) with
headings, paragraphs, lists, tables and figures with their alt text, every marked content
reachable from the tree and mapped back by the ParentTree, the page furniture marked as
artifacts, every figure's box on its page."""

from __future__ import annotations


import pytest

from tests.conftest import build_clean
from tests.docx_maker import make_docx
from tests.pdf_structure import walk
from tests.picture_issue import make_issue

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tagged")
    sample = build_clean(None, tmp / "sample", ["pdf", "archive"]).files
    press = build_clean(None, tmp / "press", ["pdf"], press=True).files
    pictures = build_clean(make_issue(tmp / "pictures-issue"), tmp / "pictures", ["pdf", "archive"]).files
    (tmp / "word").mkdir()
    word = build_clean(make_docx(tmp / "word" / "会刊.docx"), tmp / "word-out", ["pdf"]).files
    return {"sample print": sample["pdf"], "sample archive": sample["archive"], "sample press": press["pdf"],
            "pictures print": pictures["pdf"], "pictures archive": pictures["archive"], "word print": word["pdf"]}


@pytest.mark.parametrize("name", ["sample print", "sample archive", "sample press", "pictures print", "pictures archive",
                                  "word print"])
def test_the_structure_tree_is_complete(pdfs, name):
    found = walk(pdfs[name])
    assert found.lang == "zh-CN"
    assert found.marked and found.marked == found.reached  # every marked content under the tree, no stray id
    assert found.parent_tree == found.marked  # each mapped back to its element, no stale entry
    assert found.artifacts >= 2  # running heads and folios are page furniture, not content
    assert {"H1", "H2", "P"} <= set(found.types), found.types


@pytest.mark.parametrize("name", ["sample print", "sample press"])
def test_lists_are_tagged(pdfs, name):
    types = walk(pdfs[name]).types
    assert types["L"] >= 1 and types["LI"] == types["LBody"] >= 2, types


def test_tables_are_tagged(pdfs):
    """The Word issue's two tables (one across pages, its header row repeated)."""
    types = walk(pdfs["word print"]).types
    assert types["Table"] >= 2 and types["TH"] >= 2 and types["TD"] >= 4, types


@pytest.mark.parametrize("name", ["pictures print", "pictures archive"])
def test_figures_have_alt_text_and_lie_on_their_page(pdfs, name):
    """WeasyPrint 70 wrote the boxes in CSS px from the top: 6 of 9 outside the page."""
    found = walk(pdfs[name])
    assert len(found.figures) == 11 and all(alt for alt, _, _ in found.figures)
    assert found.outside == []
    assert all(box[2] - box[0] > 50 and box[3] - box[1] > 50 for _, box, _ in found.figures)
