"""The site's full-text search.

The search page runs on the site's own index (``search_files``): overlapping character bigrams,
as Lucene's CJK analyzer indexes Chinese, so a query finds every issue holding its characters;
a word segmenter decides what a query can find (Pagefind's found 网格 in 6 of 9 issues holding
it). The same scripts serve HTTP and ``file://``, so both give the same results. Pagefind's
index (``index_site``) is still written beside it, but the search page no longer reads it."""

from __future__ import annotations

import json
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from typing import Iterable

from typeset.errors import EnvironmentProblem
from typeset.model import Article
from typeset.outputs import is_real_file, replace_file

BUNDLE = "pagefind"  # the index's folder inside the site
ISSUE_PAGES = "*/index.html"
TEXT_INDEX = "search-data.js"  # the search index's entry: the issues, newest first
SHARDS = "search"  # its folder of bigram and text shards
GRAM_SHARDS = 64
TEXT_SHARDS = 16
TERMINAL = "。！？；：…”’」』）)"  # a part ending so needs no separator before the next


def pagefind_executable() -> Path:
    """The extended Pagefind binary (Chinese word segmentation); the plain one only as a fallback."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        try:
            from pagefind_bin import get_executable
        except ImportError:
            raise EnvironmentProblem("缺少 Pagefind（全文检索）。请运行 make venv，或 pip install \"pagefind[extended]\"。") from None
    return get_executable()


def index_site(site: Path, previous: Iterable[str] = (), keep=None) -> list[str]:
    """(Re)build ``SITE/pagefind/`` from the issue pages; result URLs keep ``index.html`` so
    they also open from a folder. Pagefind writes into a folder of its own first; its files are
    then put in place one by one, and of the earlier index only the files ``previous`` names
    (the library's record) are removed. ``keep(names)``, given the index's files before they are
    put in place, returns those that must not be (the user's own files there). Returns the
    index's files written, relative to the site."""
    with tempfile.TemporaryDirectory(prefix="huikan-pagefind-") as staging:
        _run_pagefind(site, Path(staging) / BUNDLE)
        made = sorted(path.relative_to(staging).as_posix() for path in Path(staging).rglob("*") if path.is_file())
        kept = set(keep(made)) if keep else set()
        for name in made:
            if name not in kept:
                replace_file(site, name, (Path(staging) / name).read_bytes())
    for name in sorted(set(previous) - set(made)):
        if is_real_file(site, name) and name.startswith(f"{BUNDLE}/"):
            (site / name).unlink()
    return [name for name in made if name not in kept]


def _run_pagefind(site: Path, output: Path) -> None:
    command = [str(pagefind_executable()), "--site", str(site), "--glob", ISSUE_PAGES,
               "--output-path", str(output), "--keep-index-url", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentProblem(f"全文检索索引生成失败（{exc}）。") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["未知原因"]
        raise EnvironmentProblem(f"全文检索索引生成失败（Pagefind：{detail[0]}）。", site)


def has_index(site: Path) -> bool:
    return (site / BUNDLE / "pagefind.js").is_file()


def search_files(views) -> dict[str, str]:
    """The search index as scripts (a browser loads a script from ``file://`` where it refuses
    to fetch data), ``{path relative to the site: text}``:

    - ``search-data.js``: the issues (title, page), newest first, and the shard counts;
    - ``search/g00.js`` …: each bigram of the text → the issues holding it, delta-coded;
    - ``search/t00.js`` …: the articles' plain text, which confirms the exact phrase and gives
      the excerpt. A query loads the shards of its bigrams and of its candidate issues only.
    The shard counts are fixed: the files the site owns never depend on what it holds."""
    ordered = sorted(views, key=lambda v: (v.meta.year, v.meta.number), reverse=True)
    issues = [{"title": f"{v.meta.title} {v.meta.issue_label}", "url": v.page,
               "articles": [article_text(a) for a in v.bulletin.articles()]} for v in ordered]
    entry = {"grams": GRAM_SHARDS, "texts": TEXT_SHARDS,
             "issues": [{"title": i["title"], "url": i["url"]} for i in issues]}
    files = {TEXT_INDEX: script("index", entry)}
    files.update(gram_shards(issues))
    files.update(text_shards(issues))
    return files


def script(kind: str, data, shard: int | None = None) -> str:
    """``HUIKAN_SEARCH.kind(shard, data)``: the page defines the receiver before loading it."""
    where = "" if shard is None else f"{shard},"
    return f"HUIKAN_SEARCH.{kind}({where}{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def normalise(text: str) -> str:
    """What both the index and a query are compared in: NFKC (full-width letters and digits
    become ASCII), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(text: str) -> set[str]:
    """Every two adjacent letters or digits (of any script) of the normalised text; a pair
    across a space or a punctuation mark is not indexed, and the query skips it too."""
    chars = normalise(text)
    return {a + b for a, b in zip(chars, chars[1:]) if a.isalnum() and b.isalnum()}


def shard_of(gram: str, count: int) -> int:
    """The same small hash as search.js's ``shardOf``."""
    return (ord(gram[0]) * 31 + ord(gram[1])) % count


def gram_shards(issues: list[dict]) -> dict[str, str]:
    postings: dict[str, list[int]] = {}
    for number, issue in enumerate(issues):
        grams = set().union(*(bigrams(a["text"]) for a in issue["articles"]))
        for gram in grams:
            postings.setdefault(gram, []).append(number)
    shards: list[dict[str, str]] = [{} for _ in range(GRAM_SHARDS)]
    for gram in sorted(postings):
        shards[shard_of(gram, GRAM_SHARDS)][gram] = deltas(postings[gram])
    return {f"{SHARDS}/g{k:02d}.js": script("grams", shard, k) for k, shard in enumerate(shards)}


def deltas(numbers: list[int]) -> str:
    """Ascending issue numbers as base-36 gaps: [0, 3, 4] → "0,3,1"."""
    previous, gaps = 0, []
    for number in numbers:
        gaps.append(base36(number - previous))
        previous = number
    return ",".join(gaps)


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def text_shards(issues: list[dict]) -> dict[str, str]:
    """Issue number → its articles, in the shard ``number % TEXT_SHARDS``."""
    shards: list[dict[str, list]] = [{} for _ in range(TEXT_SHARDS)]
    for number, issue in enumerate(issues):
        shards[number % TEXT_SHARDS][str(number)] = issue["articles"]
    return {f"{SHARDS}/t{k:02d}.js": script("texts", shard, k) for k, shard in enumerate(shards)}


def article_text(article: Article) -> dict[str, str]:
    """An article's id, title and text (its title first, then every block and news item)."""
    parts = [article.title] + [b.text for b in article.blocks]
    for item in article.items:
        parts += [f"{item.number}、{item.title}"] + [b.text for b in item.blocks]
    return {"id": article.id, "title": article.title or "（无题）", "text": join_parts(parts)}


def join_parts(parts: list[str]) -> str:
    """Title, paragraphs and items as running text, each closed by a Chinese full stop unless it
    ends with one of its own (never a half-width ". ")."""
    text = ""
    for part in filter(None, (p.strip() for p in parts)):
        if text and not text.endswith(tuple(TERMINAL)):
            text += "。"
        text += part
    return text
