"""The site's full-text search: a static Pagefind index (its binary ships inside the PyPI wheel;
the "extended" build segments Chinese). Only the issue pages are indexed, and only their text."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable

from typeset.errors import EnvironmentProblem
from typeset.model import Article
from typeset.outputs import is_real_file, replace_file

BUNDLE = "pagefind"  # the index's folder inside the site
ISSUE_PAGES = "*/index.html"
TEXT_INDEX = "search-data.js"  # the plain text, for a site opened from a folder (file://)


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


def index_site(site: Path, previous: Iterable[str] = ()) -> list[str]:
    """(Re)build ``SITE/pagefind/`` from the issue pages; result URLs keep ``index.html`` so
    they also open from a folder. Pagefind writes into a folder of its own first; its files are
    then put in place one by one, and of the earlier index only the files ``previous`` names
    (the library's record) are removed. Returns the index's files, relative to the site."""
    with tempfile.TemporaryDirectory(prefix="huikan-pagefind-") as staging:
        _run_pagefind(site, Path(staging) / BUNDLE)
        made = sorted(path.relative_to(staging).as_posix() for path in Path(staging).rglob("*") if path.is_file())
        for name in made:
            replace_file(site, name, (Path(staging) / name).read_bytes())
    for name in sorted(set(previous) - set(made)):
        if is_real_file(site, name) and name.startswith(f"{BUNDLE}/"):
            (site / name).unlink()
    return made


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


def text_index(views) -> str:
    """Every article's plain text as a script (``window.HUIKAN_TEXT``), newest issue first: a
    browser loads a script from ``file://`` where it refuses to fetch Pagefind's index."""
    ordered = sorted(views, key=lambda v: (v.meta.year, v.meta.number), reverse=True)
    issues = [{"title": f"{v.meta.title} {v.meta.issue_label}", "url": v.page,
               "articles": [article_text(a) for a in v.bulletin.articles()]} for v in ordered]
    return "window.HUIKAN_TEXT = " + json.dumps(issues, ensure_ascii=False, separators=(",", ":")) + ";\n"


def article_text(article: Article) -> dict[str, str]:
    parts = [article.title] + [b.text for b in article.blocks]
    for item in article.items:
        parts += [f"{item.number}、{item.title}"] + [b.text for b in item.blocks]
    return {"id": article.id, "title": article.title or "（无题）", "text": " ".join(p.strip() for p in parts if p.strip())}
