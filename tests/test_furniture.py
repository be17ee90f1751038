"""Page furniture: the 刊名 on one line at every paper size, running heads shortened to one
line, page 1 numbered (GB/T 9704 §7.5), and a news section's title printed once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess

import pytest

from conftest import build_clean
from typeset.render import render_css
from typeset.styles import PAPER_SIZES_MM, load_style
from typeset.writers.furniture import ELLIPSIS, shorten, width_em

pytestmark = pytest.mark.slow
PT_PER_MM = 72 / 25.4
LONG_TITLE = "关于进一步加强和改进新形势下两新组织党建工作推动全市经济社会高质量发展的实施意见和具体工作安排的通知"


def words(pdf, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, text) of every word pdftotext finds on a page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(a), float(b), float(c), t) for a, b, c, t in re.findall(pattern, out)]


def issue_text(tmp_path, title: str, lines: int):
    source = tmp_path / "issue.txt"
    body = "\n".join(f"协会组织会员单位开展学习交流活动，第{k}次座谈会反响良好。" for k in range(lines))
    source.write_text(f"☆ {title}\n{body}\n", encoding="utf-8")
    return source


def build_pdf(tmp_path, paper: str, name: str, title: str = "学习交流", lines: int = 5):
    meta = {"title": name, "paper": paper, "date": dt.date(2014, 5, 30), "publisher": "协会秘书处"}
    return build_clean(issue_text(tmp_path, title, lines), tmp_path / "out", ["pdf"], metadata=meta).files["pdf"]


@pytest.mark.parametrize("paper,name", [("正度16开", "杭州两新党建工作通讯"[:8]), ("正度16开", "杭州市两新组织党务工作者协会会刊工作通讯"),
                                        ("A4", "杭州市两新组织党务工作者协会会刊工作通讯"), ("大度16开", "杭州市两新组织党务工作者协会会刊工作通讯")])
def test_masthead_title_fits_one_line(tmp_path, paper, name):
    pdf = build_pdf(tmp_path, paper, name)
    width_mm = PAPER_SIZES_MM[paper][0]
    title, text = [], ""
    for word in words(pdf, 1):  # the masthead is the page's first text
        if not name.startswith(text + word[3]):
            break
        title.append(word)
        text += word[3]
    assert text == name
    assert len({round(w[1]) for w in title}) == 1, "one line"
    assert min(w[0] for w in title) > 15 * PT_PER_MM and max(w[2] for w in title) < (width_mm - 15) * PT_PER_MM


def test_long_running_head_is_shortened_on_one_line(tmp_path):
    pdf = build_pdf(tmp_path, "正度16开", "两新党建", LONG_TITLE, lines=90)
    head = [w for w in words(pdf, 3) if w[1] < 25 * PT_PER_MM]
    text = "".join(w[3] for w in head)
    assert text.endswith(ELLIPSIS) and LONG_TITLE.startswith(text[: -len(ELLIPSIS)]), text
    assert len({round(w[1]) for w in head}) == 1, "one line"
    body_top = min(w[1] for w in words(pdf, 3) if w[1] >= 25 * PT_PER_MM)
    assert body_top > max(w[1] for w in head) + 9, "the head stays above the type area"


def test_shorten_counts_latin_as_half_width():
    assert shorten("两新党建 2014年第5期", 20) == "两新党建 2014年第5期"
    assert width_em(shorten(LONG_TITLE, 20)) <= 20
    assert shorten(LONG_TITLE, 20).endswith("……")


def first_page_rule(style) -> str:
    return re.search(r"@page :first \{(.*?)\n\}", render_css(style, "print", "A4"), re.S).group(1)


def test_page_one_numbering_is_a_style_option():
    style = load_style("default")
    assert "@bottom-right" not in first_page_rule(style)  # numbered by default (GB/T 9704 §7.5)
    unnumbered = dataclasses.replace(style, manifest={**style.manifest, "type": {**style.type, "number_first_page": False}})
    assert "@bottom-right { content: none; }" in first_page_rule(unnumbered)


def test_news_section_named_like_its_article_shows_the_title_once(issue_copy, tmp_path):
    (issue_copy / "02_协会动态.txt").write_text("☆ 协会动态\n1、夏宝龙考察南都电源\n4月25日上午，省委书记到南都电源调研。\n",
                                              encoding="utf-8")
    (issue_copy / "03_工作交流.txt").write_text("☆ 基层党建经验\n各单位交流了党建工作经验。\n", encoding="utf-8")
    html = build_clean(issue_copy, tmp_path / "out", ["html"]).files["html"].read_text(encoding="utf-8")
    main = html[html.index("<main>"):]
    assert '<h2 class="section-title">协会动态</h2>' not in main
    assert main.count('data-running-head="协会动态">协会动态</h2>') == 2  # the sample's own and the new section's
    assert '<h2 class="section-title">工作交流</h2>' in main, "other sections keep their label"
