"""The reader: the seed's conventions, every tolerance, and nothing lost."""

from __future__ import annotations

import codecs

import pytest

from typeset.errors import SourceError
from typeset.model import Heading, Item, Paragraph
from typeset.sources import load, section_title
from typeset.sources.decode import decode
from typeset.sources.text import read_articles

from conftest import FIXTURES, GB18030, SEED


def kinds(articles):
    return [type(b).__name__ for a in articles for b in a.blocks]


def test_sample_structure(sample):
    articles = [a for a in sample.articles() if not a.is_news]
    news = [a for a in sample.articles() if a.is_news]
    assert [a.title[:4] for a in articles] == ["和合科技", "育才中学", "杭州詹氏", "红青春党"]
    assert len(news) == 1 and news[0].title == "协会动态"
    assert [i.number for i in news[0].items] == [1, 2, 3]
    assert news[0].items[0].title == "夏宝龙考察南都电源"
    headings = [b for b in sample.blocks() if isinstance(b, Heading)]
    assert [h.text[:2] for h in headings] == ["一、", "二、"]
    assert all(h.origin.line in (3, 5) for h in headings)
    leads = [b for b in sample.blocks() if isinstance(b, Paragraph) and b.lead]
    assert len(leads) == 10
    assert leads[0].lead == "一是机构重组，流程重塑。"
    items = [b for b in sample.blocks() if isinstance(b, Item)]
    assert len(items) == 2 and items[0].text.startswith("5月4日下午")


def test_sample_metadata(sample):
    meta = sample.meta
    assert (meta.year, meta.number, meta.serial) == (2014, 5, 25)
    assert meta.issue_label == "2014年第5期"
    assert meta.colophon.print_run == 300


def test_gb18030_crlf_gives_the_same_document(sample):
    other = load(GB18030).bulletin
    strip = lambda bulletin: [(a.title, a.blocks, a.items) for a in bulletin.articles()]  # noqa: E731
    assert [s.file for s in other.sections] == ["seed-gb18030-crlf.txt"]
    assert other.sources[0].encoding == "gb18030"
    ours = [(a.title, [_text(b) for b in a.blocks], [(i.number, i.title, [_text(b) for b in i.blocks]) for i in a.items]) for a in sample.articles()]
    theirs = [(a.title, [_text(b) for b in a.blocks], [(i.number, i.title, [_text(b) for b in i.blocks]) for i in a.items]) for a in other.articles()]
    assert ours == theirs
    assert strip(other)  # non-empty


def _text(block):
    return (type(block).__name__, getattr(block, "lead", ""), block.text)


@pytest.mark.parametrize(
    "line",
    ["☆ 标题", "☆标题", "  ☆ 标题", "\u00a0☆ 标题", "\u3000\u3000☆\u3000标题  ", "☆ 标题\u00a0"],
)
def test_article_title_tolerances(line):
    (article,) = read_articles(line + "\n正文。", "t.txt")
    assert article.title == "标题"
    assert article.blocks[0].text == "正文。"


def test_blank_lines_indents_and_trailing_spaces():
    text = "\ufeff☆ 题\r\n\r\n\u3000\u3000第一段。  \r\n   \r\n\u00a0第二段。\t\r\n"
    (article,) = read_articles(text.removeprefix("\ufeff"), "t.txt")
    assert [b.text for b in article.blocks] == ["第一段。", "第二段。"]
    assert [b.origin.line for b in article.blocks] == [3, 5]


def test_classification():
    text = "☆ 题\n一、小标题\n一是导语。正文。\n二是没有句号的段落\n*条目\n＊全角条目\n一、这是一整段话，有句号。\n普通段落。"
    (article,) = read_articles(text, "t.txt")
    assert kinds([article]) == ["Heading", "Paragraph", "Paragraph", "Item", "Item", "Paragraph", "Paragraph"]
    lead = article.blocks[1]
    assert (lead.lead, lead.body) == ("一是导语。", "正文。")
    assert article.blocks[2].lead == ""
    assert article.blocks[3].text == "条目"


def test_news_items_and_their_bodies():
    text = "☆ 协会动态\n1、甲\n甲的正文。\n第二段。\n2、乙\n乙的正文。\n12、很长的编号标题"
    (article,) = read_articles(text, "t.txt")
    assert [(i.number, i.title, len(i.blocks)) for i in article.items] == [(1, "甲", 2), (2, "乙", 1), (12, "很长的编号标题", 0)]


def test_text_before_first_article_is_kept():
    articles = read_articles("没有标题的开头。\n☆ 题\n正文。", "t.txt")
    assert articles[0].title == "" and articles[0].blocks[0].text == "没有标题的开头。"


def test_utf8_bom_and_gb18030_and_utf16_are_detected(tmp_path):
    text = "☆ 题\n正文。"
    for data, encoding in [
        (codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("utf-8"), "utf-8"),
        (text.encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "utf-16"),
    ]:
        assert decode(data, tmp_path / "x.txt") == (text, encoding)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x00\x01\x02binary\x00" * 50, "二进制"),
        ("Die Größe der Straße für Bürger übermäßig schön.\n".encode("latin-1") * 3, "编码"),
        (b"\xff\xfe\xfd\x80\x81", "编码"),
    ],
)
def test_undecodable_or_binary_files_are_refused(tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(SourceError) as info:
        load(path)
    assert reason in str(info.value) and str(path) in str(info.value)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text(" \u3000\n\n", encoding="utf-8")
    with pytest.raises(SourceError, match="空"):
        load(path)


def test_section_titles_from_file_names():
    assert section_title("01-工作交流.txt") == "工作交流"
    assert section_title("02_协会动态.txt") == "协会动态"
    assert section_title("000_ba500d8529fedb8f.txt") == ""


def test_ids_are_unique_and_stable(sample):
    ids = [a.id for a in sample.articles()] + [i.id for i in sample.news_items()] + [b.id for b in sample.blocks()]
    assert len(ids) == len(set(ids))
    assert ids[:2] == ["a1", "a2"]
    assert load().bulletin == sample  # reading twice gives the same model


SEED_SHA256 = "6df6ba5c42abb5c6"


def test_seed_is_carried_verbatim():
    import hashlib

    from conftest import ROOT

    assert hashlib.sha256(SEED.read_bytes()).hexdigest().startswith(SEED_SHA256)
    shared = ROOT.parent / "shared" / "seeds" / SEED.name
    if shared.exists():  # CI and developers have ../shared beside the checkout
        assert SEED.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("text", ["☆ 题\n人名𠀀𪚥，价格5€。\n", "☆ 简讯\n张堃、王喆到访。\n", "☆ 𪚥\n𠀀\n"])
def test_short_gb18030_beyond_gb2312_is_read(tmp_path, text):
    """GB18030 four-byte hanzi and GBK-only characters used to be refused as undecodable."""
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    source = load(path).bulletin.sources[0]
    assert (source.text, source.encoding) == (text, "gb18030")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_nul_byte_after_64_kib_is_binary(tmp_path, encoding):
    path = tmp_path / "late-nul.txt"
    path.write_bytes(("☆ 题\n" + "正文。\n" * 20000 + "\x00尾。\n").encode(encoding))
    assert path.stat().st_size > 65536
    with pytest.raises(SourceError, match="二进制"):
        load(path)


# --- the conventions editors use (issue 10.4, 10.7) ---------------------------------------------

CONVENTIONS = FIXTURES / "conventions.txt"


@pytest.mark.parametrize("mark", "☆★◆■")
def test_every_article_mark_starts_an_article(mark):
    (article,) = read_articles(f"{mark} 标题\n正文。", "t.txt")
    assert (article.mark, article.title, article.blocks[0].text) == (mark, "标题", "正文。")


def test_two_heading_levels():
    text = "☆ 题\n一、总体情况\n（一）会员发展\n正文。\n(二)活动开展\n二、下一步\n（三）这是一段很长的正文，不是小标题。"
    (article,) = read_articles(text, "t.txt")
    assert [(type(b).__name__, getattr(b, "level", 0)) for b in article.blocks] == [
        ("Heading", 1), ("Heading", 2), ("Paragraph", 0), ("Heading", 2), ("Heading", 1), ("Paragraph", 0)]
    assert article.blocks[1].text == "（一）会员发展"  # the numbering is kept as written


@pytest.mark.parametrize("label, number", [
    ("1、", 1), ("2.", 2), ("3．", 3), ("(4)", 4), ("（5）", 5), ("⑥", 6), ("１２、", 12), ("（１３）", 13)])
def test_news_numbering_styles_keep_their_label(label, number):
    (article,) = read_articles(f"☆ 协会动态\n{label}标题\n正文。", "t.txt")
    (item,) = article.items
    assert (item.label, item.number, item.title, item.heading) == (label, number, "标题", f"{label}标题")


def test_mixed_numbering_and_lists_inside_an_item():
    text = "☆ 动态\n1、甲\n正文。\n2. 乙\n（1）第一点；\n（2）第二点。\n3．丙\n（4）丁\n"
    (article,) = read_articles(text, "t.txt")
    assert [(i.label, i.title, [b.text for b in i.blocks]) for i in article.items] == [
        ("1、", "甲", ["正文。"]), ("2.", "乙", ["（1）第一点；", "（2）第二点。"]), ("3．", "丙", []), ("（4）", "丁", [])]


def test_decimal_is_not_a_news_label():
    (article,) = read_articles("☆ 题\n1.5亿元投入使用\n正文。", "t.txt")
    assert not article.is_news and article.blocks[0].text == "1.5亿元投入使用"


@pytest.mark.parametrize("text, lead", [
    ("一是机构重组，流程重塑。正文。", "一是机构重组，流程重塑。"),
    ("二是提出“三个不”！正文。", "二是提出“三个不”！"),
    ("三是问“怎么办？”正文。", "三是问“怎么办？”"),
    ("一是加强学习；二是改进作风；三是服务会员。", ""),  # an inline enumeration is body text
    ("一是" + "很长" * 20 + "。正文。", ""),  # not a reasonable lead: over 40 characters
    ("一是没有句号的段落", ""),
])
def test_only_a_complete_short_first_sentence_is_a_lead(text, lead):
    (article,) = read_articles("☆ 题\n" + text, "t.txt")
    (paragraph,) = article.blocks
    assert (paragraph.lead, paragraph.text) == (lead, text)


def test_conventions_fixture_keeps_every_character():
    bulletin = load(CONVENTIONS).bulletin
    written = "".join(a.mark + a.title for a in bulletin.articles())
    written += "".join(b.text for b in bulletin.blocks()) + "".join(i.heading for i in bulletin.news_items())
    source = CONVENTIONS.read_text(encoding="utf-8")
    assert sorted(written) == sorted(source.replace("\n", "").replace(" ", ""))


def test_pictures_on_consecutive_lines_group_and_a_blank_line_parts_them():
    from typeset.model import Figure

    text = "☆ 标题\n【图】a.jpg 甲\n【图】b.jpg 乙\n\n【图】c.jpg 丙\n正文。\n【图】d.jpg 丁\n"
    figures = [b for b in read_articles(text, "x.txt")[0].blocks if isinstance(b, Figure)]
    assert [[p.caption for p in f.pictures] for f in figures] == [["甲", "乙"], ["丙"], ["丁"]]
