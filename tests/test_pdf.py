"""The print and archive editions, read back with pypdf, pdfplumber and poppler."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from conftest import SEED, build_clean, first_missing, visible_chars

pytestmark = pytest.mark.slow
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    return build_clean(None, out, ["pdf", "archive"])


@pytest.fixture(scope="module")
def reader(editions):
    return pypdf.PdfReader(editions.files["pdf"])


def page_texts(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_page_count_is_padded_before_the_colophon(reader, editions):
    """Saddle stitching: a multiple of 4 pages; blank pages (no folio, no running head) go
    before the colophon, which is alone on the last page."""
    assert len(reader.pages) % 4 == 0
    texts = page_texts(editions.files["pdf"])
    assert "共印300份" in texts[-1] and "报：" in texts[-1]
    assert not re.search(r"—\s*\d+\s*—", texts[-1]), "after blank pages the colophon page has no folio (GB/T 9704)"
    assert "共印300份" not in "".join(texts[:-1])
    blank = [k for k, text in enumerate(texts) if not text.strip()]
    assert blank, "the sample needs padding: this test must see some"
    assert blank == list(range(blank[0], len(texts) - 1))
    last_article_page = texts[blank[0] - 1]
    assert "协会网站作为全市两新组织党建工作面向社会" in last_article_page.replace(" ", "")


def test_colophon_names_the_issuer_left_and_the_issue_date_right(editions):
    """GB/T 9704 §7.4.3: 印发机关 left, 印发日期 right, one line under 报/送/发, above the print run."""
    lines = [line for line in page_texts(editions.files["pdf"])[-1].splitlines() if line.strip()]
    k = next(k for k, line in enumerate(lines) if "印发" in line)
    assert re.fullmatch(r"\s*杭州市两新党务工作者协会秘书处\s{10,}2014年5月30日印发\s*", lines[k]), lines[k]
    assert lines[k - 1].strip().startswith("发：") and "共印300份" in lines[k + 1]


def outline_pages(reader) -> list[tuple[str, int, int]]:
    """(title, level, 1-based page) for every outline entry."""
    entries = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                entries.append((item.title, level, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return entries


def test_outline_holds_articles_and_news_items(reader, sample):
    entries = outline_pages(reader)
    titles = [a.title for a in sample.articles()]
    items = [f"{i.number}、{i.title}" for i in sample.news_items()]
    assert [e[0] for e in entries if e[1] == 1] == titles
    assert [e[0] for e in entries if e[1] == 2] == items
    assert len(entries) == len(titles) + len(items) == 8


def test_contents_numbers_are_the_pages_where_articles_start(reader, editions):
    contents = page_texts(editions.files["pdf"])[0]
    listed = dict(re.findall(r"^\s*(\S.*?)[·\s]{2,}(\d+)\s*$", contents, re.MULTILINE))
    starts = {title: page for title, _, page in outline_pages(reader)}
    assert len(listed) == 8
    for title, page in listed.items():
        assert int(page) == starts[title], title
        assert title.split("、")[-1][:6] in page_texts(editions.files["pdf"])[int(page) - 1].replace(" ", "")


def test_running_heads_and_folios(editions):
    texts = page_texts(editions.files["pdf"])
    folio = lambda n: re.compile(rf"—\s*{n}\s*—\s*$")  # noqa: E731
    assert folio(1).search(texts[0]), "GB/T 9704 §7.5: page 1 is numbered too"
    assert not texts[0].lstrip().startswith("两新党建 "), "no running head over the masthead"
    assert folio(2).search(texts[1]) and re.match(r"\s*两新党建\s+2014年第5期", texts[1])
    assert folio(3).search(texts[2]) and re.match(r"\s*育才中学把党建工作全面融入教学管理", texts[2])


def test_metadata(reader):
    info = reader.metadata
    assert info.title == "两新党建 2014年第5期"
    assert info.author == "杭州市两新党务工作者协会秘书处"
    assert info.subject.startswith("两新党建 2014年第5期")
    assert "两新党建" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20140530") and info["/ModDate"].startswith("D:20140530")
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


@pytest.mark.parametrize("edition", ["pdf", "archive"])
def test_fonts_embedded_and_subset(editions, edition):
    listing = subprocess.run(["pdffonts", str(editions.files[edition])], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert len(rows) >= 3
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_every_source_character_in_order(editions):
    text = subprocess.run(["pdftotext", str(editions.files["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    expected = visible_chars(SEED.read_text(encoding="utf-8"))
    got = visible_chars(text, drop="\u2060")
    missing = first_missing(expected, got)
    assert missing == -1, expected[missing:missing + 30]


def test_rebuilds_are_byte_identical(editions, tmp_path):
    again = build_clean(None, tmp_path, ["pdf", "archive"])
    for name in ("pdf", "archive"):
        assert again.files[name].read_bytes() == editions.files[name].read_bytes(), name


def test_archive_is_pdfa3_with_source_attachment(editions):
    archive = pypdf.PdfReader(editions.files["archive"])
    assert set(archive.attachments) == {SEED.name, "issue.toml"}
    assert archive.attachments[SEED.name][0] == SEED.read_bytes()
    specs = archive.trailer["/Root"]["/AF"]
    assert {spec.get_object()["/AFRelationship"] for spec in specs} == {"/Source"}
    xmp = archive.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[^0-9]{0,3}3", xmp) and re.search(r"pdfaid:conformance[^A-Z]{0,3}U", xmp)
    assert "两新党建 2014年第5期" in xmp
    assert bool(archive.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in archive.trailer["/Root"]
    check = subprocess.run(["qpdf", "--check", str(editions.files["archive"])], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_other_paper_sizes(issue_copy, tmp_path):
    toml = issue_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('paper = "A4"', 'paper = "正度16开"'), encoding="utf-8")
    result = build_clean(issue_copy, tmp_path, ["pdf"])
    box = pypdf.PdfReader(result.files["pdf"]).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((185 * PT_PER_MM, 260 * PT_PER_MM), abs=0.05)


REFUSED_TEMPLATE = """{% extends "base.html.j2" %}
{% block head %}{{ super() }}
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="../outside-secret.txt">
<link rel="attachment" href="escape-link.dat">
<link rel="attachment" href="inside.txt">
{% endblock %}
{% block masthead %}{{ super() }}<img src="http://127.0.0.1:9/tracker.png" alt="">{% endblock %}
"""


def test_fetcher_refuses_everything_outside_the_issue(issue_copy, tmp_path):
    """Pictures and stylesheets outside the issue are refused by the fetcher; attachment links in
    a template are dropped before anything is fetched (the archive attaches only the sources)."""
    secret = "TOP-SECRET-MARKER-7731"
    (issue_copy.parent / "outside-secret.txt").write_text(secret, encoding="utf-8")
    (issue_copy / "escape-link.dat").symlink_to(issue_copy.parent / "outside-secret.txt")
    (issue_copy / "inside.txt").write_text("allowed attachment", encoding="utf-8")
    (issue_copy / "templates").mkdir()
    (issue_copy / "templates" / "master.html.j2").write_text(REFUSED_TEMPLATE, encoding="utf-8")
    result = build_clean(issue_copy, tmp_path / "out", ["pdf"],
                         allowed_warnings=("已拒绝读取", "Failed to load", "附件链接"))
    refusals = [w for w in result.warnings if "已拒绝读取" in w]
    assert any("http://127.0.0.1:9/tracker.png" in w for w in refusals), result.warnings
    assert any("4 个附件链接" in w for w in result.warnings), result.warnings
    reader = pypdf.PdfReader(result.files["pdf"])
    assert not reader.attachments
    raw = result.files["pdf"].read_bytes()
    assert secret.encode() not in raw and b"root:x:0:0" not in raw


def test_missing_fast_subsetter_is_reported(monkeypatch):
    import weasyprint.text.ffi as ffi

    from typeset.environment import require_fast_subsetter
    from typeset.errors import EnvironmentProblem

    require_fast_subsetter.cache_clear()
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    try:
        with pytest.raises(EnvironmentProblem, match="libharfbuzz-subset0"):
            require_fast_subsetter()
    finally:
        require_fast_subsetter.cache_clear()


def test_page_starts_inside_a_paragraph_continued_over_pages(tmp_path):
    """The EPUB's print page numbers: a page that begins inside a long paragraph begins at the
    character where the PDF's page begins, not at the paragraph's start."""
    from typeset.render import render_master
    from typeset.sources import load
    from typeset.writers import BuildContext
    from typeset.writers.layout import page_starts

    body = "".join(f"第{k}句话讲的是“党建”、“发展”和《规划》，" for k in range(400)) + "完。"
    source = tmp_path / "long.txt"
    source.write_text(f"☆ 长文\n{body}\n", encoding="utf-8")
    ctx = BuildContext(render_master(load(source, {"date": dt.date(2014, 5, 30)}).bulletin), tmp_path)
    starts = page_starts(ctx)
    continued = [start for start in starts if start.offset > 0]
    assert len(continued) >= 2 and all(start.anchor == "b1" for start in continued)
    assert [s.offset for s in continued] == sorted(s.offset for s in continued)
    from typeset.writers.pdf import pdf_bytes

    (tmp_path / "long.pdf").write_bytes(pdf_bytes(ctx))
    texts = page_texts(tmp_path / "long.pdf")
    for start in continued:
        lines = [line for line in texts[start.number - 1].splitlines() if line.strip()]
        page_body = "".join("".join(lines[1:]).split())  # after the running head
        assert page_body.startswith(body[start.offset:start.offset + 12]), (start, page_body[:20])


def _without_colophon(toml: str) -> str:
    keep = [line for line in toml.splitlines() if not line.split("=")[0].strip() in ("report_to", "copy_to", "send_to", "print_run")]
    return "\n".join(keep) + "\n"


def test_without_colophon_blank_pages_go_at_the_end(issue_copy, tmp_path):
    toml = issue_copy / "issue.toml"
    toml.write_text(_without_colophon(toml.read_text(encoding="utf-8")), encoding="utf-8")
    (text,) = issue_copy.glob("*.txt")  # forty more lines: too many to fit four pages
    filler = "".join(f"协会组织会员单位开展学习交流活动，第{k}次座谈会反响良好。\n" for k in range(40))
    text.write_text(text.read_text(encoding="utf-8") + filler, encoding="utf-8")
    result = build_clean(issue_copy, tmp_path, ["pdf"])
    texts = page_texts(result.files["pdf"])
    assert len(texts) % 4 == 0 and "共印" not in "".join(texts)
    filled = [k for k, text in enumerate(texts) if text.strip()]
    assert filled == list(range(len(filled))) and len(filled) < len(texts)


def test_pad_to_one_keeps_the_colophon_on_the_last_content_page(issue_copy, tmp_path):
    toml = issue_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "pad_to = 1\n", encoding="utf-8")
    result = build_clean(issue_copy, tmp_path, ["pdf"])
    texts = page_texts(result.files["pdf"])
    assert all(text.strip() for text in texts)
    assert "共印300份" in texts[-1] and "书记风采" in texts[-1].replace(" ", "")
    assert re.search(rf"—\s*{len(texts)}\s*—", texts[-1])  # shared with content: it keeps its folio


def test_quotation_marks_in_leads_take_the_body_font(editions):
    """The 楷 font's “” are narrow: inside a bold-楷 lead they come from the body font's bold."""
    import pdfplumber

    with pdfplumber.open(editions.files["pdf"]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    in_leads = [(c, chars[k - 1]) for k, c in enumerate(chars) if c["text"] in "“”" and "WenKai" in chars[k - 1]["fontname"]]
    assert len(in_leads) >= 4  # 一是严格执行“六不承诺”。 二是开展“一个党员一面旗”活动。
    for mark, before in in_leads:
        assert "Noto-Serif-CJK-SC-Bold" in mark["fontname"], (before["text"], mark["fontname"])
