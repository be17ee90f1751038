"""The members' library's full-text search: a bigram index (search-data.js, search/) that lists
every issue holding a query's characters, the same over HTTP and from a folder (file://)."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.parse
from pathlib import Path

import pytest

from tests.search_archive import make_search_archive
from tests.test_library import QuietHandler, browser, built_library, search_results  # noqa: F401
from typeset.library.search import GRAM_SHARDS, TEXT_SHARDS, bigrams, deltas, join_parts, shard_of

QUERIES = ("网格", "微网格", "网格员", "网格长", "网格党支部", "会议", "微网格员")


def test_bigrams_pair_adjacent_letters_and_digits_only():
    assert bigrams("网格员，ＡＢ 12") == {"网格", "格员", "ab", "12"}  # full-width folded, no pair across "，" or " "


def test_postings_are_base36_gaps():
    assert deltas([0, 3, 4, 14, 50]) == "0,3,1,a,10"


def test_parts_are_joined_with_a_chinese_full_stop():
    """A title and its text read 标题。正文 in an excerpt, never 标题. 正文 (issue 26, trap 7)."""
    assert join_parts(["划细网格", "一是摸清底数。", "二是建立台账！", " ", "三是"]) == "划细网格。一是摸清底数。二是建立台账！三是"


def test_shard_hash_matches_the_script():
    script = (Path(__file__).resolve().parents[1] / "templates" / "library" / "search.js").read_text(encoding="utf-8")
    assert "(chars[0].codePointAt(0) * 31 + chars[1].codePointAt(0)) % count" in script
    assert shard_of("网格", 64) == (ord("网") * 31 + ord("格")) % 64


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    archive = make_search_archive(root / "archive")
    site = root / "www" / "huikan"
    built_library(archive, site, workers=2)
    return archive, site


@pytest.fixture(scope="module")
def search_served(search_site):
    _, site = search_site
    handler = functools.partial(QuietHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"
    server.shutdown()
    server.server_close()


def holding(archive: Path, words: str) -> set[str]:
    """The issues whose source text holds ``words`` (the truth the search must find)."""
    return {folder.name for folder in archive.iterdir() if folder.is_dir()
            and any(words in re.sub(r"\s+", "", f.read_text(encoding="utf-8")) for f in folder.glob("*.txt"))}


@pytest.mark.slow
def test_the_index_files_have_fixed_names(search_site):
    _, site = search_site
    names = sorted(p.relative_to(site).as_posix() for p in (site / "search").iterdir())
    assert names == sorted([f"search/g{k:02d}.js" for k in range(GRAM_SHARDS)] +
                           [f"search/t{k:02d}.js" for k in range(TEXT_SHARDS)])
    assert (site / "search-data.js").read_text(encoding="utf-8").startswith("HUIKAN_SEARCH.index(")


@pytest.mark.slow
@pytest.mark.parametrize("words", QUERIES)
def test_every_issue_holding_the_words_is_listed_over_http_and_from_a_folder(browser, search_site, search_served, words):  # noqa: F811
    archive, site = search_site
    truth = holding(archive, words)
    assert truth  # every query is somewhere
    over_http = search_results(browser, search_served + "search.html?q=" + urllib.parse.quote(words))
    from_folder = search_results(browser, (site / "search.html").as_uri() + "?q=" + urllib.parse.quote(words))
    exact = browser.execute_script("return document.querySelectorAll('.result:not(.partial)').length")
    listed = [link.rsplit("/", 2)[-2] for _, link, _ in over_http][:exact]
    assert set(listed) == truth and len(listed) == len(truth)
    assert [title for title, _, _ in from_folder] == [title for title, _, _ in over_http]


@pytest.mark.slow
def test_exact_phrase_hits_come_first(browser, search_served):  # noqa: F811
    """微网格员 stands whole in 2016-03; 2016-04 to 06 hold 微网格 and 网格员 apart: listed after it."""
    results = search_results(browser, search_served + "search.html?q=" + urllib.parse.quote("微网格员"))
    issues = [link.rsplit("/", 2)[-2] for _, link, _ in results]
    assert issues == ["2016-03", "2016-06", "2016-05", "2016-04"]
    classes = browser.execute_script("return [...document.querySelectorAll('.result')].map(r => r.className)")
    assert classes == ["result", "result partial", "result partial", "result partial"]
    status = browser.find_element("id", "search-status").text
    assert status == "共 1 期含有“微网格员”，另有 3 期含有其中的字词（列在后面）："


@pytest.mark.slow
def test_an_excerpt_joins_title_and_text_with_a_chinese_stop(browser, search_served):  # noqa: F811
    search_results(browser, search_served + "search.html?q=" + urllib.parse.quote("见实效"))
    excerpt = browser.execute_script("return document.querySelector('.result p').textContent")
    assert "社区党建网格管理见实效。今年以来" in excerpt and ". " not in excerpt
