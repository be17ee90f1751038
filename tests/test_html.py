"""The HTML master: structure, escaping, fonts by role, and nothing lost."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from typeset.render import render_master
from typeset.sources import load

from conftest import GB18030, QUIRKS, SEED, build_clean, first_missing, visible_chars


def body_text(html: str) -> str:
    """The text inside <main>, as a reader sees it (tags dropped, entities decoded)."""
    main = html[html.index("<main>"):html.index("</main>")]
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", main))
    return text.replace("\u2060", "").replace("\u200b", "")  # line-break hints, not text


def test_master_head(sample_html_build):
    html = sample_html_build.files["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert '<meta charset="utf-8">' in html
    assert "<title>两新党建 2014年第5期</title>" in html
    assert 'content="2014-05-30T00:00:00+00:00"' in html


def test_default_output_folder_is_named_after_the_issue(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = build_clean(None, None, ["html"])
    assert result.files["html"] == Path("output/2014-05/2014-05.html")


def test_every_font_family_names_the_role_font(sample_html_build):
    html = sample_html_build.files["html"].read_text(encoding="utf-8")
    families = re.findall(r"font-family:\s*([^;]+);", html)
    assert families
    role_fonts = ('"Noto Serif CJK SC"', '"Noto Sans CJK SC"', '"LXGW WenKai"', '"DejaVu Sans Mono"')
    assert all(any(f.strip().startswith(r) for r in role_fonts) for f in families), families
    assert all(font in html for font in role_fonts)


def test_masthead_contents_articles_news(sample_html_build):
    html = sample_html_build.files["html"].read_text(encoding="utf-8")
    assert html.count('class="article-title"') == 5
    assert html.count('class="news-item"') == 3
    assert html.count('<strong class="lead">') == 10
    assert html.count('class="item"') == 2
    assert html.count('<h3 class="heading"') == 2
    contents = html[html.index('<nav class="contents"'):html.index("</nav>")]
    assert contents.count("<a href=") == 8
    assert "杭州市两新党务工作者协会秘书处" in html and "2014年5月30日" in html


@pytest.mark.parametrize("path", [SEED, GB18030, QUIRKS])
def test_nothing_lost(path):
    source = path.read_bytes().decode("gb18030" if path == GB18030 else "utf-8")
    html = render_master(load(path).bulletin).html
    expected = visible_chars(source)
    got = visible_chars(body_text(html), drop="")
    assert first_missing(expected, got) == -1, expected[first_missing(expected, got):][:40]
    # and nothing added in the body beyond the news numbers' separator (kept from the source)
    assert len(got) == len(expected)


def test_script_in_text_arrives_as_text():
    html = render_master(load(QUIRKS).bulletin).html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_single_text_file_notes_what_was_assumed(tmp_path):
    result = build_clean(SEED, tmp_path, ["html"])
    assert any("刊名" in note for note in result.notes)
